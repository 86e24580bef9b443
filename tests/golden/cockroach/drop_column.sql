-- drop_column: drop a column
ALTER TABLE players DROP COLUMN IF EXISTS legacy_flags;
