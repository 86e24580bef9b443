-- alter_column_type__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.players ALTER COLUMN account_id SET DATA TYPE BIGSERIAL;
