-- set_sequence_owner: the sequence belongs to a column and is dropped with it
ALTER SEQUENCE order_no OWNED BY orders."order";
