-- set_placement__restricted: restricted placement needs its session setting
SET enable_multiregion_placement_policy = on;
ALTER DATABASE bluemarble PLACEMENT RESTRICTED;
