-- add_check__comment: add a check with its comment
ALTER TABLE trades ADD CONSTRAINT IF NOT EXISTS trades_price_positive CHECK (price > 0);
COMMENT ON CONSTRAINT trades_price_positive ON trades IS 'No free trades';
