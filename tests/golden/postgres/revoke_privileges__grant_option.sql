-- revoke_privileges__grant_option: only the grant option revoked: the role keeps SELECT
REVOKE GRANT OPTION FOR SELECT ON TABLE characters FROM migrator;
