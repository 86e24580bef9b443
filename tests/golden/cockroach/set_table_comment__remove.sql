-- set_table_comment__remove: remove a table comment
COMMENT ON TABLE players IS NULL;
