-- grant_privileges__database_grant_option: CONNECT WITH GRANT OPTION on the database (PostgreSQL: inside the DO block)
DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I WITH GRANT OPTION', current_database(), 'migrator'); END $$;
