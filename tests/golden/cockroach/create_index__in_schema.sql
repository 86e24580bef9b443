-- create_index__in_schema: an object in a schema other than public: every name qualified where it must be
CREATE INDEX IF NOT EXISTS players_account_id_idx ON game.players (account_id);
