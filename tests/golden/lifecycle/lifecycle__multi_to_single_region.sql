-- step 1: set_locality eu_market
ALTER TABLE eu_market SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;
-- step 2: set_locality inventory
-- hazard locality-rewrite: changing inventory to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table (0 secondary)
ALTER TABLE inventory SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;
-- step 3: set_locality item_templates
ALTER TABLE item_templates SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;
-- step 4: set_locality players
-- hazard locality-rewrite: changing players to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table (0 secondary)
ALTER TABLE players SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;
ALTER TABLE players DROP COLUMN IF EXISTS crdb_region;
-- step 5: drop_column inventory.home
-- hazard drop-column: drops column inventory.home and its data
ALTER TABLE inventory DROP COLUMN IF EXISTS home;
-- step 6: set_survival_goal database game
-- hazard survival-downgrade: database game will no longer survive the loss of a region
ALTER DATABASE game SURVIVE ZONE FAILURE;
-- step 7: drop_region region europe-west1
-- hazard drop-region: drops region europe-west1 from the database; tables homed there (eu_market) move first
ALTER DATABASE game DROP REGION IF EXISTS "europe-west1";
-- step 8: drop_region region us-west1
-- hazard drop-region: drops region us-west1 from the database; its replicas move away
ALTER DATABASE game DROP REGION IF EXISTS "us-west1";
-- step 9: drop_region region us-east1
-- hazard drop-region: drops region us-east1 from the database; its replicas move away
ALTER DATABASE game DROP REGION IF EXISTS "us-east1";
