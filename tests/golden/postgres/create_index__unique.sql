-- create_index__unique: a unique index
CREATE UNIQUE INDEX IF NOT EXISTS players_email_idx ON players (email);
