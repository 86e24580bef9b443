-- replace_view__materialized: a view becomes a materialized view
DROP VIEW IF EXISTS level_counts;
CREATE MATERIALIZED VIEW level_counts AS
SELECT level, count(*) AS n FROM players GROUP BY level;
