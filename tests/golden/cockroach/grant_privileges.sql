-- grant_privileges: privileges on one table
GRANT INSERT, SELECT, UPDATE ON TABLE characters TO game_server;
