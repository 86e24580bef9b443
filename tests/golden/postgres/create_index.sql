-- create_index: a plain index
CREATE INDEX IF NOT EXISTS inventory_player_id_idx ON inventory (player_id);
