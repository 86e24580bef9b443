-- add_column: a NOT NULL column with a default and a comment
ALTER TABLE players ADD COLUMN IF NOT EXISTS last_login TIMESTAMPTZ NOT NULL DEFAULT now();
COMMENT ON COLUMN players.last_login IS 'UTC';
