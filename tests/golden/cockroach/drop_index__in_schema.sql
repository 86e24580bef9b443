-- drop_index__in_schema: an object in a schema other than public: every name qualified where it must be
DROP INDEX IF EXISTS legacy.players@players_name_idx;
