-- grant_privileges__schema: USAGE on a schema
GRANT USAGE ON SCHEMA public TO worker;
