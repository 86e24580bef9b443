-- set_index_comment: set an index comment
COMMENT ON INDEX inventory_player_id_idx IS 'Lookups by owner';
