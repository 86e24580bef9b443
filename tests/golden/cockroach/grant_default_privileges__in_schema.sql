-- grant_default_privileges__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA game GRANT SELECT ON TABLES TO analytics;
