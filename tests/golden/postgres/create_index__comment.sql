-- create_index__comment: an index with its comment
CREATE INDEX IF NOT EXISTS inventory_player_id_idx ON inventory (player_id);
COMMENT ON INDEX inventory_player_id_idx IS 'Lookups by owner';
