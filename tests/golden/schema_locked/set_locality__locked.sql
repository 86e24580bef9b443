-- set_locality__locked: SET LOCALITY on a locked table: unlocked before, locked again after
ALTER TABLE item_templates SET (schema_locked = false);
ALTER TABLE item_templates SET LOCALITY GLOBAL;
ALTER TABLE item_templates SET (schema_locked = true);
