-- add_column__crdb_default: a default postgres cannot run
ALTER TABLE leaderboard ADD COLUMN IF NOT EXISTS entry_seq INT8 NOT NULL;
-- postgres dialect: left out CockroachDB-only defaults (leaderboard.entry_seq)
