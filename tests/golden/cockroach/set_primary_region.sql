-- set_primary_region: the first primary region makes the database multi-region
ALTER DATABASE bluemarble SET PRIMARY REGION "us-west-2";
