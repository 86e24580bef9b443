-- drop_table: drop a table
DROP TABLE IF EXISTS inventory;
