-- set_index_comment__in_schema: an object in a schema other than public: every name qualified where it must be
COMMENT ON INDEX game.players@players_account_id_idx IS 'lookups by account';
