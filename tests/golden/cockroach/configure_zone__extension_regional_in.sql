-- configure_zone__extension_regional_in: a zone config extension for what is homed in one region; a field dropped is just not set again
ALTER DATABASE bluemarble ALTER LOCALITY REGIONAL IN "us-west-2" CONFIGURE ZONE USING lease_preferences = '[[+region=us-west-2], [+region=us-east-1]]';
