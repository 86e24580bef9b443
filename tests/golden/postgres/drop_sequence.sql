-- drop_sequence: a sequence the model no longer has
DROP SEQUENCE IF EXISTS order_no;
