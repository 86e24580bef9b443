-- drop_view: a view dropped
DROP VIEW IF EXISTS top_players;
