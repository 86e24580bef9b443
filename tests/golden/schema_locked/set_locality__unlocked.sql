-- set_locality__unlocked: a table that is not locked: nothing added
ALTER TABLE world_config SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;
