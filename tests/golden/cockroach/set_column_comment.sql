-- set_column_comment: set a column comment
COMMENT ON COLUMN players.email IS 'Verified address';
