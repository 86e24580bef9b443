-- drop_sequence__in_schema: an object in a schema other than public: every name qualified where it must be
DROP SEQUENCE IF EXISTS legacy.ticket;
