-- alter_column_type: widen a column
ALTER TABLE players ALTER COLUMN username TYPE TEXT USING username::TEXT;
