-- alter_sequence__range: a narrower range and a new start value
ALTER SEQUENCE order_no MINVALUE 100 MAXVALUE 1000000 START WITH 100;
