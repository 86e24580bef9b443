-- set_column_nullable__nullable: allow NULL again
ALTER TABLE players ALTER COLUMN email DROP NOT NULL;
