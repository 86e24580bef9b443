-- step 1: set_locality players
ALTER TABLE players SET LOCALITY REGIONAL BY TABLE IN "us-west-2";
