-- set_table_comment: set a table comment
COMMENT ON TABLE players IS 'One row per account';
