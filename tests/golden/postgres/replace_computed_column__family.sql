-- replace_computed_column__family: a computed column of a table with families comes back in its family
ALTER TABLE players DROP COLUMN IF EXISTS email_key;
ALTER TABLE players ADD COLUMN IF NOT EXISTS email_key TEXT GENERATED ALWAYS AS (lower(trim(email))) STORED;
-- postgres dialect: left out column families (1 table)
