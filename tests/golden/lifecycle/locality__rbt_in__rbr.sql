-- step 1: set_locality players
-- hazard locality-rewrite: changing players to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table (1 secondary)
ALTER TABLE players SET LOCALITY REGIONAL BY ROW;
