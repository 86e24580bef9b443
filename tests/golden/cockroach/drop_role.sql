-- drop_role: drop a role
DROP ROLE IF EXISTS retired;
