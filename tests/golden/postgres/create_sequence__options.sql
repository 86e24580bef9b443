-- create_sequence__options: a sequence with its own start, step, range and cache
CREATE SEQUENCE IF NOT EXISTS order_no INCREMENT BY 5 MINVALUE 1000 MAXVALUE 999999 START WITH 1000 CACHE 10;
