-- revoke_privileges__database: a database privilege revoked
REVOKE CREATE ON DATABASE bluemarble FROM worker;
