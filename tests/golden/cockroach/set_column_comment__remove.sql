-- set_column_comment__remove: remove a column comment
COMMENT ON COLUMN players.email IS NULL;
