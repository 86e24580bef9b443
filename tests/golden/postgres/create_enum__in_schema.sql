-- create_enum__in_schema: an object in a schema other than public: every name qualified where it must be
CREATE TYPE game.mood AS ENUM ('ok', 'sad');
