-- rename_sequence__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER SEQUENCE IF EXISTS game.ticket RENAME TO ticket_no;
