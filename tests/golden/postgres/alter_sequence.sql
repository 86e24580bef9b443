-- alter_sequence: the step and cache change; the rest is left alone
ALTER SEQUENCE order_no INCREMENT BY 2 CACHE 20;
