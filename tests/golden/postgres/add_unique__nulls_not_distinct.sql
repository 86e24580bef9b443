-- add_unique__nulls_not_distinct: a unique constraint under which two NULLs collide (PostgreSQL only)
ALTER TABLE characters ADD CONSTRAINT characters_player_id_name_key UNIQUE NULLS NOT DISTINCT (player_id, name);
