-- drop_computed: a stored computed column becomes plain, keeping its values
ALTER TABLE players ALTER COLUMN email_lower DROP STORED;
