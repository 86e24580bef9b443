-- add_column__computed: a STORED computed column
ALTER TABLE players ADD COLUMN IF NOT EXISTS email_lower TEXT GENERATED ALWAYS AS (lower(email)) STORED;
