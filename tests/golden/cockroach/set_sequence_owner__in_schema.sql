-- set_sequence_owner__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER SEQUENCE game.ticket OWNED BY game.players.player_id;
