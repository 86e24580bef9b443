-- drop_foreign_key__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE legacy.scores DROP CONSTRAINT IF EXISTS scores_player_id_fkey;
