-- alter_primary_key: a new primary key
ALTER TABLE trades ALTER PRIMARY KEY USING COLUMNS (seller_id, trade_id);
