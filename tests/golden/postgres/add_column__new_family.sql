-- add_column__new_family: a column in a family the table does not have yet
ALTER TABLE players ADD COLUMN IF NOT EXISTS bio TEXT;
-- postgres dialect: left out column families (1 table)
