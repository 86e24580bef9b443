-- step 1: set_locality economy
SET override_multi_region_zone_config = true;
ALTER TABLE economy SET LOCALITY GLOBAL;
SET override_multi_region_zone_config = false;
-- step 2: configure_zone zone table economy (re-apply)
-- hazard override-multi-region: zone table economy overrides multi-region managed fields (num_replicas); later region, survival or locality changes in game need the override again
SET override_multi_region_zone_config = true;
ALTER TABLE economy CONFIGURE ZONE USING gc.ttlseconds = 600, num_replicas = 5;
SET override_multi_region_zone_config = false;
-- step 3: configure_zone zone index economy@economy_id_idx (re-apply)
-- hazard override-multi-region: zone index economy@economy_id_idx overrides multi-region managed fields (num_replicas, num_voters); later region, survival or locality changes in game need the override again
SET override_multi_region_zone_config = true;
ALTER INDEX economy@economy_id_idx CONFIGURE ZONE USING num_replicas = 5, num_voters = 3;
SET override_multi_region_zone_config = false;
