-- configure_zone__table: a table's zone, free fields only
ALTER TABLE player_activity_log CONFIGURE ZONE USING range_min_bytes = 134217728, range_max_bytes = 536870912, gc.ttlseconds = 600;
