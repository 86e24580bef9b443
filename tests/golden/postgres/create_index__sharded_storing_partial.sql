-- create_index__sharded_storing_partial: hash-sharded and covering and partial: the grammar's clause order
CREATE INDEX IF NOT EXISTS player_activity_log_at_idx ON player_activity_log (at) INCLUDE (action) WHERE action != 'heartbeat';
-- postgres dialect: left out hash sharding (1)
