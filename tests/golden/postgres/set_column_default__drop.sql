-- set_column_default__drop: drop a default
ALTER TABLE characters ALTER COLUMN level DROP DEFAULT;
