-- create_sequence__as_int2: a smallint sequence: its range is the type's
CREATE SEQUENCE IF NOT EXISTS ticket_no AS INT2 INCREMENT BY 1 MINVALUE 1 MAXVALUE 32767 START WITH 1 CACHE 1;
