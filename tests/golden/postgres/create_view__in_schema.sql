-- create_view__in_schema: an object in a schema other than public: every name qualified where it must be
CREATE VIEW game.roster AS
SELECT p.player_id FROM game.players AS p;
