-- set_column_default__crdb_only: a default postgres cannot run
ALTER TABLE characters ALTER COLUMN home_region SET DEFAULT gateway_region()::crdb_internal_region;
