-- reset_role_setting: a session default removed
ALTER ROLE game_server IN DATABASE bluemarble RESET statement_timeout;
