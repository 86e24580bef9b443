-- add_foreign_key: a foreign key split out of a cycle
ALTER TABLE players ADD CONSTRAINT players_main_character_id_fkey FOREIGN KEY (main_character_id) REFERENCES characters (character_id) ON DELETE SET NULL;
