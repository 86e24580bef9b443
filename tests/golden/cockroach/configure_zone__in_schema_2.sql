-- configure_zone__in_schema_2: an object in a schema other than public: every name qualified where it must be
ALTER INDEX game.players@players_account_id_idx CONFIGURE ZONE USING gc.ttlseconds = 600;
