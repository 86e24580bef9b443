-- create_sequence__in_schema: an object in a schema other than public: every name qualified where it must be
CREATE SEQUENCE IF NOT EXISTS game.ticket INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
