-- create_index__gin: an inverted index on JSONB
CREATE INDEX IF NOT EXISTS inventory_props_idx ON inventory USING GIN (item_properties);
