-- set_locality__global: to GLOBAL
ALTER TABLE item_templates SET LOCALITY GLOBAL;
