-- configure_zone__primary_index: the primary index's own zone (primary_key_zone: on the table)
ALTER INDEX players@players_pkey CONFIGURE ZONE USING range_max_bytes = 1073741824, gc.ttlseconds = 7200;
