-- revoke_privileges__database_grant_option: the grant option on the database revoked
DO $$ BEGIN EXECUTE format('REVOKE GRANT OPTION FOR CONNECT ON DATABASE %I FROM %I', current_database(), 'migrator'); END $$;
