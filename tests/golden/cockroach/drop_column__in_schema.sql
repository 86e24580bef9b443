-- drop_column__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE legacy.players DROP COLUMN IF EXISTS name;
