-- replace_view: a view's query changed: dropped and created, never CREATE OR REPLACE
DROP VIEW IF EXISTS top_players;
CREATE VIEW IF NOT EXISTS top_players AS
SELECT name, id FROM players;
