-- create_index__opclass: an inverted trigram index: the operator class after its column
CREATE INDEX IF NOT EXISTS players_username_trgm_idx ON players USING gin (username gin_trgm_ops);
