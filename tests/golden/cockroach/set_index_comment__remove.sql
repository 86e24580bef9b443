-- set_index_comment__remove: remove an index comment
COMMENT ON INDEX inventory@inventory_player_id_idx IS NULL;
