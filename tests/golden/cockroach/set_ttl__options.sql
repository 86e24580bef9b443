-- set_ttl__options: row-level TTL by an expression, with every job option, dropping expire_after
ALTER TABLE player_activity_log SET (ttl_expiration_expression = 'occurred_at + INTERVAL ''30 days''', ttl_job_cron = '0 3 * * *', ttl_select_batch_size = 500, ttl_delete_batch_size = 100, ttl_select_rate_limit = 1000, ttl_delete_rate_limit = 200, ttl_pause = true, ttl_label_metrics = true, ttl_disable_changefeed_replication = true);
ALTER TABLE player_activity_log RESET (ttl_expire_after);
