-- set_column_collation: a column's collation changes
ALTER TABLE players ALTER COLUMN handle TYPE TEXT COLLATE "en_US";
