-- drop_check: drop a check
ALTER TABLE trades DROP CONSTRAINT IF EXISTS trades_price_positive;
