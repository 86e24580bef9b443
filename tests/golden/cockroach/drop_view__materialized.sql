-- drop_view__materialized: a materialized view dropped
DROP MATERIALIZED VIEW IF EXISTS level_counts;
