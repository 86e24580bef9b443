-- set_column_collation__default: back to the database's default collation
ALTER TABLE players ALTER COLUMN handle TYPE TEXT COLLATE "default";
