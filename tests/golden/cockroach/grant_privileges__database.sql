-- grant_privileges__database: CONNECT on the database: named on CockroachDB, current_database() on PostgreSQL
GRANT CONNECT ON DATABASE bluemarble TO "Analytics Team";
