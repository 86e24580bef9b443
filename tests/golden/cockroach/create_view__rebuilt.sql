-- create_view__rebuilt: a view created again after the column change it was dropped for
CREATE VIEW IF NOT EXISTS top_players AS
SELECT id, name FROM players;
