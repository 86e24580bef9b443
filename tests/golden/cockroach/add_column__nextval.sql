-- add_column__nextval: a column whose default draws from a sequence of the model
ALTER TABLE orders ADD COLUMN IF NOT EXISTS order_no INT8 NOT NULL DEFAULT nextval('order_no');
