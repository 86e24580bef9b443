-- drop_unique: drop a unique constraint
ALTER TABLE characters DROP CONSTRAINT IF EXISTS characters_player_id_name_key;
