-- drop_foreign_key: drop a foreign key
ALTER TABLE players DROP CONSTRAINT IF EXISTS players_main_character_id_fkey;
