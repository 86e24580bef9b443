-- add_column__family: a column in a family the table has
ALTER TABLE players ADD COLUMN IF NOT EXISTS gems INT8 NOT NULL DEFAULT 0 FAMILY "primary";
