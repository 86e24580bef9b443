-- set_table_comment__in_schema: an object in a schema other than public: every name qualified where it must be
COMMENT ON TABLE game.players IS 'Players';
