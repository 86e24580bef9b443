-- set_role_setting: a session default in every database
ALTER ROLE game_server SET statement_timeout = '2s';
