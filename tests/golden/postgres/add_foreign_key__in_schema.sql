-- add_foreign_key__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.scores ADD CONSTRAINT scores_player_id_fkey FOREIGN KEY (player_id) REFERENCES game.players (player_id);
