-- add_foreign_key__comment: a foreign key with its comment
ALTER TABLE inventory ADD CONSTRAINT IF NOT EXISTS inventory_player_id_fkey FOREIGN KEY (player_id) REFERENCES players (player_id);
COMMENT ON CONSTRAINT inventory_player_id_fkey ON inventory IS 'The owner''s items';
