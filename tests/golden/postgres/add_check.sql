-- add_check: add a check
ALTER TABLE trades ADD CONSTRAINT trades_price_positive CHECK (price > 0);
