-- replace_view: a view's query changed: dropped and created, never CREATE OR REPLACE
DROP VIEW IF EXISTS top_players;
CREATE VIEW top_players AS
SELECT name, id FROM players;
