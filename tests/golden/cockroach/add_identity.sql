-- add_identity: an existing column becomes GENERATED ALWAYS AS IDENTITY
ALTER TABLE players ALTER COLUMN player_no ADD GENERATED ALWAYS AS IDENTITY;
