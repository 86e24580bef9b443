-- configure_zone__index: an index's zone
ALTER INDEX players@players_username_idx CONFIGURE ZONE USING gc.ttlseconds = 3600;
