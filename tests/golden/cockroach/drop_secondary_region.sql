-- drop_secondary_region: drop the secondary region
ALTER DATABASE bluemarble DROP SECONDARY REGION IF EXISTS;
