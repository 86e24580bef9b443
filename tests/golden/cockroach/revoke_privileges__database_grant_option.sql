-- revoke_privileges__database_grant_option: the grant option on the database revoked
REVOKE GRANT OPTION FOR CONNECT ON DATABASE bluemarble FROM migrator;
