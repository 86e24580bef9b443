-- create_sequence: a sequence with the servers' defaults, written out
CREATE SEQUENCE IF NOT EXISTS order_no INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
