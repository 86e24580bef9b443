-- alter_role__lift_expiry: the expiry lifted: NULL on CockroachDB, 'infinity' on PostgreSQL
ALTER ROLE "Analytics Team" WITH VALID UNTIL 'infinity';
