-- grant_privileges__sequence: USAGE on a SERIAL column's sequence
GRANT SELECT, USAGE ON SEQUENCE players_player_id_seq TO api_server;
