-- drop_enum_value: a value dropped: CockroachDB's DROP VALUE (bmdb refuses this plan on PostgreSQL)
ALTER TYPE player_status DROP VALUE 'legacy';
