-- add_column__collate: a string column with a collation
ALTER TABLE players ADD COLUMN IF NOT EXISTS handle VARCHAR(32) COLLATE "C" NOT NULL;
