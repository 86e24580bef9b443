-- add_foreign_key__match_full_deferrable: MATCH FULL, and DEFERRABLE INITIALLY DEFERRED (PostgreSQL only)
ALTER TABLE inventory ADD CONSTRAINT IF NOT EXISTS inventory_player_id_fkey FOREIGN KEY (player_id) REFERENCES players (player_id) MATCH FULL ON DELETE CASCADE;
-- cockroach dialect: left out deferrable foreign keys (1)
