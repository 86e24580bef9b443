-- add_column__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.players ADD COLUMN IF NOT EXISTS note TEXT;
COMMENT ON COLUMN game.players.note IS 'free text';
