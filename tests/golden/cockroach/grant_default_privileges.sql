-- grant_default_privileges: what analytics gets on the tables the migrator creates
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA public GRANT SELECT ON TABLES TO analytics;
