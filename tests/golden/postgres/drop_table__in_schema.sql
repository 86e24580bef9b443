-- drop_table__in_schema: an object in a schema other than public: every name qualified where it must be
DROP TABLE IF EXISTS legacy.players;
