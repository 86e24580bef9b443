-- step 1: add_column players.home
ALTER TABLE players ADD COLUMN IF NOT EXISTS home crdb_internal_region NOT NULL DEFAULT default_to_database_primary_region(gateway_region())::crdb_internal_region;
-- step 2: set_locality players
-- hazard locality-rewrite: changing players to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table (1 secondary)
ALTER TABLE players SET LOCALITY REGIONAL BY ROW AS home;
