-- revoke_privileges: a privilege revoked (a hazard)
REVOKE DELETE ON TABLE players FROM analytics;
