-- step 1: add_region region ap-southeast-1
SET override_multi_region_zone_config = true;
ALTER DATABASE game ADD REGION IF NOT EXISTS "ap-southeast-1";
SET override_multi_region_zone_config = false;
-- step 2: set_survival_goal database game
SET override_multi_region_zone_config = true;
ALTER DATABASE game SURVIVE REGION FAILURE;
SET override_multi_region_zone_config = false;
-- step 3: configure_zone zone table economy (re-apply)
-- hazard override-multi-region: zone table economy overrides multi-region managed fields (num_replicas); later region, survival or locality changes in game need the override again
SET override_multi_region_zone_config = true;
ALTER TABLE economy CONFIGURE ZONE USING gc.ttlseconds = 600, num_replicas = 5;
SET override_multi_region_zone_config = false;
