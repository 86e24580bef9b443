-- configure_zone__discard: the zone goes; the table inherits again
ALTER TABLE world_config CONFIGURE ZONE DISCARD;
