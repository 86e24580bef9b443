-- revoke_role: membership revoked
REVOKE app_reader FROM game_server;
