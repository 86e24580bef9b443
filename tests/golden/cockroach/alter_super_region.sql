-- alter_super_region: a super region gains a region
SET enable_super_regions = 'on';
ALTER DATABASE bluemarble ALTER SUPER REGION north_america VALUES "ca-central-1", "us-east-1", "us-west-2";
