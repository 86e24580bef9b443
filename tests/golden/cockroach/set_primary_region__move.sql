-- set_primary_region__move: moving the primary region
ALTER DATABASE bluemarble SET PRIMARY REGION "eu-west-1";
