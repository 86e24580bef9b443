-- revoke_default_privileges: a default privilege revoked
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA public REVOKE USAGE ON SEQUENCES FROM worker;
