-- create_index__hash_sharded: hash-sharded for a sequential key
CREATE INDEX IF NOT EXISTS inventory_acquired_at_idx ON inventory (acquired_at);
-- postgres dialect: left out hash sharding (1)
