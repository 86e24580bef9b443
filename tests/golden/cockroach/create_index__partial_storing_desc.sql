-- create_index__partial_storing_desc: partial, covering, with a descending column
CREATE INDEX IF NOT EXISTS inventory_player_id_quantity_idx ON inventory (player_id, quantity DESC) STORING (item_template_id) WHERE quantity > 0;
