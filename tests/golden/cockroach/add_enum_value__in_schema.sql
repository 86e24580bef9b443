-- add_enum_value__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TYPE game.mood ADD VALUE IF NOT EXISTS 'glad' BEFORE 'sad';
