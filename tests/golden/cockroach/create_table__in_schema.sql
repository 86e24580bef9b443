-- create_table__in_schema: an object in a schema other than public: every name qualified where it must be
CREATE TABLE IF NOT EXISTS game.players (
    player_id INT8 NOT NULL DEFAULT nextval('game.ticket'),
    account_id INT8 NOT NULL,
    mood game.mood,
    moods game.mood[],
    "order" game."order",
    CONSTRAINT players_pkey PRIMARY KEY (player_id),
    CONSTRAINT players_check1 CHECK (player_id > 0),
    CONSTRAINT players_account_id_fkey FOREIGN KEY (account_id) REFERENCES auth.accounts (account_id)
);
COMMENT ON TABLE game.players IS 'Players of the game schema';
COMMENT ON COLUMN game.players.mood IS 'How the player feels';
