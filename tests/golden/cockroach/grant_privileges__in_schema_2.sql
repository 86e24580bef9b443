-- grant_privileges__in_schema_2: an object in a schema other than public: every name qualified where it must be
GRANT USAGE ON SCHEMA game TO analytics;
