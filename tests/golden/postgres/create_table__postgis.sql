-- create_table__postgis: a GEOGRAPHY column: postgres gets the PostGIS extension first
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS geological_samples (
    sample_id UUID NOT NULL DEFAULT gen_random_uuid(),
    location GEOGRAPHY(POINT,4326) NOT NULL,
    outline GEOMETRY,
    CONSTRAINT geological_samples_pkey PRIMARY KEY (sample_id)
);
-- postgres dialect: left out locality (1 table)
