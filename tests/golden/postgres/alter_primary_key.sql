-- alter_primary_key: a new primary key
ALTER TABLE trades DROP CONSTRAINT IF EXISTS trades_pkey;
ALTER TABLE trades ADD CONSTRAINT trades_pkey PRIMARY KEY (seller_id, trade_id);
