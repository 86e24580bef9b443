-- alter_sequence__as_int4: a bigint sequence becomes int4: the type first, then the range it brings
ALTER SEQUENCE order_no AS INT4 MAXVALUE 2147483647;
