-- add_check: add a check
ALTER TABLE trades ADD CONSTRAINT IF NOT EXISTS trades_price_positive CHECK (price > 0);
