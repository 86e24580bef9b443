-- create_table__families: column families: the key and hot counters together, the rarely read blob apart, a reserved family name quoted
CREATE TABLE IF NOT EXISTS wallets (
    player_id INT8 NOT NULL,
    gold INT8 NOT NULL DEFAULT 0,
    avatar BYTES,
    CONSTRAINT wallets_pkey PRIMARY KEY (player_id),
    FAMILY hot (player_id, gold),
    FAMILY "primary" (avatar)
) WITH (ttl_expire_after = '90 days', ttl_job_cron = '@daily', ttl_delete_batch_size = 100);
