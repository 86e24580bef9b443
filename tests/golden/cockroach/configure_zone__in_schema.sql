-- configure_zone__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.players CONFIGURE ZONE USING gc.ttlseconds = 600;
