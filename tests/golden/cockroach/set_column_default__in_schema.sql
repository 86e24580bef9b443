-- set_column_default__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.players ALTER COLUMN note SET DEFAULT '';
