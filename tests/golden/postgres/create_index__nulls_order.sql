-- create_index__nulls_order: NULLS FIRST ascending and NULLS LAST descending (PostgreSQL only)
CREATE INDEX IF NOT EXISTS players_last_login_created_at_idx ON players (last_login NULLS FIRST, created_at DESC NULLS LAST);
