-- set_secondary_region: set the secondary region
ALTER DATABASE bluemarble SET SECONDARY REGION "us-east-1";
