-- drop_view__in_schema: an object in a schema other than public: every name qualified where it must be
DROP MATERIALIZED VIEW IF EXISTS legacy.roster;
