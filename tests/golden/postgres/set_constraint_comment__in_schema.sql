-- set_constraint_comment__in_schema: an object in a schema other than public: every name qualified where it must be
COMMENT ON CONSTRAINT players_check1 ON game.players IS NULL;
