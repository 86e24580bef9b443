-- configure_zone__extension_discard: the extension goes: CONFIGURE ZONE DISCARD on the locality
ALTER DATABASE bluemarble ALTER LOCALITY REGIONAL IN "eu-west-1" CONFIGURE ZONE DISCARD;
