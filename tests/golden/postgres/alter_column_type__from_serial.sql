-- alter_column_type__from_serial: a SERIAL column becomes a plain integer (PostgreSQL: its default and sequence go)
ALTER TABLE orders ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE IF EXISTS orders_id_seq;
ALTER TABLE orders ALTER COLUMN id TYPE INT8 USING id::INT8;
