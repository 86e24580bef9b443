-- set_column_default: set a default
ALTER TABLE characters ALTER COLUMN level SET DEFAULT 1;
