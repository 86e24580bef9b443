-- step 1: drop_region region eu-west-1
-- hazard drop-region: drops region eu-west-1 from the database; its replicas move away
SET override_multi_region_zone_config = true;
ALTER DATABASE game DROP REGION IF EXISTS "eu-west-1";
SET override_multi_region_zone_config = false;
-- step 2: configure_zone zone database
SET override_multi_region_zone_config = true;
ALTER DATABASE game CONFIGURE ZONE DISCARD;
SET override_multi_region_zone_config = false;
-- step 3: configure_zone zone table economy
-- hazard override-multi-region: zone table economy overrides multi-region managed fields (num_replicas); later region, survival or locality changes in game need the override again
SET override_multi_region_zone_config = true;
ALTER TABLE economy CONFIGURE ZONE DISCARD;
ALTER TABLE economy CONFIGURE ZONE USING num_replicas = 7;
SET override_multi_region_zone_config = false;
