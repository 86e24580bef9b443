-- revoke_privileges__database: a database privilege revoked
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM %I', current_database(), 'worker'); END $$;
