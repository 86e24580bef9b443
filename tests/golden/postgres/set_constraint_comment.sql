-- set_constraint_comment: set a constraint comment
COMMENT ON CONSTRAINT trades_price_positive ON trades IS 'It''s never free';
