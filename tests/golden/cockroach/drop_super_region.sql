-- drop_super_region: drop a super region
SET enable_super_regions = 'on';
ALTER DATABASE bluemarble DROP SUPER REGION north_america;
