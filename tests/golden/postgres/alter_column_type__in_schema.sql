-- alter_column_type__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.players ALTER COLUMN account_id TYPE BIGINT USING account_id::BIGINT;
CREATE SEQUENCE IF NOT EXISTS game.players_account_id_seq AS BIGINT OWNED BY game.players.account_id;
SELECT setval('game.players_account_id_seq', COALESCE(max(account_id), 0) + 1, false) FROM game.players;
ALTER TABLE game.players ALTER COLUMN account_id SET DEFAULT nextval('game.players_account_id_seq'::regclass);
