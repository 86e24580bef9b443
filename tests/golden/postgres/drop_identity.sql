-- drop_identity: the column keeps its values, the identity goes
ALTER TABLE players ALTER COLUMN player_no DROP IDENTITY;
