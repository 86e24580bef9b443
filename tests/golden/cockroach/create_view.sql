-- create_view: a view over players, its query as written
CREATE VIEW IF NOT EXISTS top_players AS
SELECT id, name, level
  FROM players
 WHERE level > 10 -- veterans
 ORDER BY level DESC;
