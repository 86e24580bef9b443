-- grant_role: membership: game_server becomes a member of app_reader
GRANT app_reader TO game_server;
