-- configure_zone__extension_global: a zone config extension for GLOBAL tables (multi_region_zone_config_extensions)
ALTER DATABASE bluemarble ALTER LOCALITY GLOBAL CONFIGURE ZONE USING num_replicas = 6, num_voters = 6, lease_preferences = '[[+region=us-west-2], [+region=eu-west-1], [+region=us-east-1]]';
