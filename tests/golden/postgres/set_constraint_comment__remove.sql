-- set_constraint_comment__remove: remove a constraint comment
COMMENT ON CONSTRAINT trades_price_positive ON trades IS NULL;
