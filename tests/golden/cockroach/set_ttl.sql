-- set_ttl: row-level TTL
ALTER TABLE player_activity_log SET (ttl_expire_after = '30 days');
