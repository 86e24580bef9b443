-- reset_ttl: remove row-level TTL
ALTER TABLE player_activity_log RESET (ttl);
