-- create_table__families: column families: the key and hot counters together, the rarely read blob apart, a reserved family name quoted
CREATE TABLE IF NOT EXISTS wallets (
    player_id INT8 NOT NULL,
    gold INT8 NOT NULL DEFAULT 0,
    avatar BYTEA,
    CONSTRAINT wallets_pkey PRIMARY KEY (player_id)
);
-- postgres dialect: left out row-level TTL (1), column families (1 table)
