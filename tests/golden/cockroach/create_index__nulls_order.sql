-- create_index__nulls_order: NULLS FIRST ascending and NULLS LAST descending (PostgreSQL only)
CREATE INDEX IF NOT EXISTS players_last_login_created_at_idx ON players (last_login, created_at DESC);
-- cockroach dialect: left out index NULLS FIRST/LAST (2)
