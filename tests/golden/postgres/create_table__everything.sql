-- create_table__everything: every column, constraint, TTL and locality feature at once
CREATE TABLE IF NOT EXISTS inventory (
    inventory_id UUID NOT NULL DEFAULT gen_random_uuid(),
    player_id INT8 NOT NULL,
    slot_number INT4 NOT NULL,
    item_template_id INT8 NOT NULL,
    quantity INT4 NOT NULL DEFAULT 1,
    weight DOUBLE PRECISION,
    ratio REAL,
    label TEXT,
    tags TEXT[],
    blob BYTEA,
    item_properties JSONB,
    found_at GEOGRAPHY(POINT,4326),
    acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    home_region TEXT NOT NULL,
    legacy_seq INT8,
    CONSTRAINT inventory_pkey PRIMARY KEY (inventory_id),
    CONSTRAINT inventory_player_id_slot_number_key UNIQUE (player_id, slot_number),
    CONSTRAINT quantity_positive CHECK (quantity > 0),
    CONSTRAINT inventory_player_id_fkey FOREIGN KEY (player_id) REFERENCES players (player_id) ON DELETE CASCADE,
    CONSTRAINT inventory_item_template_id_fkey FOREIGN KEY (item_template_id) REFERENCES item_templates (item_template_id) ON DELETE RESTRICT ON UPDATE SET NULL
);
COMMENT ON TABLE inventory IS 'Items a player holds, homed with the player''s region';
COMMENT ON COLUMN inventory.label IS 'Shown in the bag; the player''s own words';
-- postgres dialect: left out locality (1 table), row-level TTL (1), CockroachDB-only defaults (inventory.home_region, inventory.legacy_seq)
