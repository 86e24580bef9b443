-- grant_privileges__database: CONNECT on the database: named on CockroachDB, current_database() on PostgreSQL
DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), 'Analytics Team'); END $$;
