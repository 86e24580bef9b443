-- create_sequence__descending: a sequence counting down from -1
CREATE SEQUENCE IF NOT EXISTS countdown INCREMENT BY -1 MINVALUE -9223372036854775808 MAXVALUE -1 START WITH -1 CACHE 1;
