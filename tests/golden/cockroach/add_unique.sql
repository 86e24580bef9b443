-- add_unique: add a unique constraint
ALTER TABLE characters ADD CONSTRAINT IF NOT EXISTS characters_player_id_name_key UNIQUE (player_id, name);
