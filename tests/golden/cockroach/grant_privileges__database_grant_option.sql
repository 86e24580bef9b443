-- grant_privileges__database_grant_option: CONNECT WITH GRANT OPTION on the database (PostgreSQL: inside the DO block)
GRANT CONNECT ON DATABASE bluemarble TO migrator WITH GRANT OPTION;
