-- set_column_collation: a column's collation changes
ALTER TABLE players ALTER COLUMN handle SET DATA TYPE STRING COLLATE "en_US";
