-- replace_computed_column: a computed column's expression changes: dropped and added again
ALTER TABLE players DROP COLUMN IF EXISTS email_key;
ALTER TABLE players ADD COLUMN IF NOT EXISTS email_key TEXT GENERATED ALWAYS AS (lower(trim(email))) STORED;
COMMENT ON COLUMN players.email_key IS 'normalised address';
