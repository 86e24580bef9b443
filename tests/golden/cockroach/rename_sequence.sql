-- rename_sequence: a sequence takes a new name; the defaults drawing from it follow
ALTER SEQUENCE IF EXISTS order_seq RENAME TO "Order No";
