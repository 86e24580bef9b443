-- set_locality__none: back to the default locality before the database leaves multi-region
ALTER TABLE players SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;
