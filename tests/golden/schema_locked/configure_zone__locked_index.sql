-- configure_zone__locked_index: an index's zone on a locked table
ALTER TABLE item_templates SET (schema_locked = false);
ALTER INDEX item_templates@item_templates_name_idx CONFIGURE ZONE USING gc.ttlseconds = 600;
ALTER TABLE item_templates SET (schema_locked = true);
