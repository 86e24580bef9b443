-- alter_column_type__enum: a column moves from one enum to another: through text on PostgreSQL
ALTER TABLE players ALTER COLUMN status TYPE account_status USING status::text::account_status;
