-- step 1: set_primary_region database game
ALTER DATABASE game SET PRIMARY REGION "us-east1";
-- step 2: add_region region europe-west1
ALTER DATABASE game ADD REGION IF NOT EXISTS "europe-west1";
-- step 3: add_region region us-west1
ALTER DATABASE game ADD REGION IF NOT EXISTS "us-west1";
-- step 4: set_survival_goal database game
ALTER DATABASE game SURVIVE REGION FAILURE;
-- step 5: add_column inventory.home
ALTER TABLE inventory ADD COLUMN IF NOT EXISTS home crdb_internal_region NOT NULL DEFAULT default_to_database_primary_region(gateway_region())::crdb_internal_region;
-- step 6: set_locality eu_market
ALTER TABLE eu_market SET LOCALITY REGIONAL BY TABLE IN "europe-west1";
-- step 7: set_locality inventory
-- hazard locality-rewrite: changing inventory to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table (0 secondary)
ALTER TABLE inventory SET LOCALITY REGIONAL BY ROW AS home;
-- step 8: set_locality item_templates
ALTER TABLE item_templates SET LOCALITY GLOBAL;
-- step 9: set_locality players
-- hazard locality-rewrite: changing players to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table (0 secondary)
ALTER TABLE players SET LOCALITY REGIONAL BY ROW;
