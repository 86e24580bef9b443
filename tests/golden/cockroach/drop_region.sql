-- drop_region: drop a region
ALTER DATABASE bluemarble DROP REGION IF EXISTS "ap-southeast-1";
