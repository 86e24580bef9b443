-- configure_zone__field_removed: a field is dropped from the zone: discard, then set what remains
ALTER TABLE trades CONFIGURE ZONE DISCARD;
ALTER TABLE trades CONFIGURE ZONE USING gc.ttlseconds = 1200;
