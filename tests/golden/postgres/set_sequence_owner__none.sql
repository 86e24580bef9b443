-- set_sequence_owner__none: the sequence stands on its own again
ALTER SEQUENCE order_no OWNED BY NONE;
