-- rename_column: rename a column
ALTER TABLE inventory RENAME COLUMN remark TO note;
