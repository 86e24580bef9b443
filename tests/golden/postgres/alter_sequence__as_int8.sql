-- alter_sequence__as_int8: an int4 sequence back to bigint
ALTER SEQUENCE order_no AS INT8 MAXVALUE 9223372036854775807;
