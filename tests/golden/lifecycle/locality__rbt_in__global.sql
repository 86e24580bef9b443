-- step 1: set_locality players
ALTER TABLE players SET LOCALITY GLOBAL;
