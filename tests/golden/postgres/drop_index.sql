-- drop_index: drop an index
DROP INDEX IF EXISTS inventory_player_id_idx;
