-- drop_unique: drop a unique constraint
DROP INDEX IF EXISTS characters@characters_player_id_name_key CASCADE;
