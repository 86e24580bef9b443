-- add_column__computed: a STORED computed column
ALTER TABLE players ADD COLUMN IF NOT EXISTS email_lower STRING GENERATED ALWAYS AS (lower(email)) STORED;
