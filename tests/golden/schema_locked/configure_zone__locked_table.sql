-- configure_zone__locked_table: a table's zone on a locked table
ALTER TABLE item_templates SET (schema_locked = false);
ALTER TABLE item_templates CONFIGURE ZONE USING gc.ttlseconds = 600;
ALTER TABLE item_templates SET (schema_locked = true);
