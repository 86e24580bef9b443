-- step 1: add_region region eu-west-1
SET override_multi_region_zone_config = true;
ALTER DATABASE game ADD REGION IF NOT EXISTS "eu-west-1";
SET override_multi_region_zone_config = false;
-- step 2: drop_table old_economy
-- hazard drop-table: drops table old_economy and every row in it
DROP TABLE IF EXISTS old_economy;
