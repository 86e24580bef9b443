-- add_super_region: a super region of two regions
SET enable_super_regions = 'on';
ALTER DATABASE bluemarble ADD SUPER REGION north_america VALUES "us-east-1", "us-west-2";
