-- add_column__family: a column in a family the table has
ALTER TABLE players ADD COLUMN IF NOT EXISTS gems INT8 NOT NULL DEFAULT 0;
-- postgres dialect: left out column families (1 table)
