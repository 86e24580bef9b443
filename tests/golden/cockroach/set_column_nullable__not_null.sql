-- set_column_nullable__not_null: make a column NOT NULL
ALTER TABLE players ALTER COLUMN email SET NOT NULL;
