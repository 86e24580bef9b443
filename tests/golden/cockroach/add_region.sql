-- add_region: add a region
ALTER DATABASE bluemarble ADD REGION IF NOT EXISTS "ap-southeast-1";
