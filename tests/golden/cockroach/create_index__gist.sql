-- create_index__gist: a spatial index
CREATE INDEX IF NOT EXISTS geological_samples_location_idx ON geological_samples USING GIST (location);
