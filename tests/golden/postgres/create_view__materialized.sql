-- create_view__materialized: a materialized view (filled when created; never refreshed by bmdb)
CREATE MATERIALIZED VIEW level_counts AS
WITH l AS (SELECT level FROM players)
SELECT level, count(*) AS n FROM l GROUP BY level;
