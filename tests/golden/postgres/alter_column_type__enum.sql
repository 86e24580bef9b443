-- alter_column_type__enum: a column moves from one enum to another: through text on PostgreSQL, its default dropped first and set again after
ALTER TABLE players ALTER COLUMN status DROP DEFAULT;
ALTER TABLE players ALTER COLUMN status TYPE account_status USING status::text::account_status;
ALTER TABLE players ALTER COLUMN status SET DEFAULT 'active';
