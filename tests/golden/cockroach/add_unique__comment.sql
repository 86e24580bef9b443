-- add_unique__comment: a unique constraint with its comment
ALTER TABLE players ADD CONSTRAINT IF NOT EXISTS players_email_key UNIQUE (email);
COMMENT ON CONSTRAINT players_email_key ON players IS 'One account per address';
