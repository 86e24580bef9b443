-- alter_column_type__from_serial: a SERIAL column becomes a plain integer (PostgreSQL: its default and sequence go)
ALTER TABLE orders ALTER COLUMN id SET DATA TYPE INT8;
