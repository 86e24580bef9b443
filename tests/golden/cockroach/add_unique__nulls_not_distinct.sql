-- add_unique__nulls_not_distinct: a unique constraint under which two NULLs collide (PostgreSQL only)
ALTER TABLE characters ADD CONSTRAINT IF NOT EXISTS characters_player_id_name_key UNIQUE (player_id, name);
-- cockroach dialect: left out NULLS NOT DISTINCT (1)
