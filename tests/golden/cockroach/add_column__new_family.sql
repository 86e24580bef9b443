-- add_column__new_family: a column in a family the table does not have yet
ALTER TABLE players ADD COLUMN IF NOT EXISTS bio STRING CREATE IF NOT EXISTS FAMILY cold;
