-- set_locality__regional_by_table_in: to REGIONAL BY TABLE IN a named region
ALTER TABLE territories SET LOCALITY REGIONAL BY TABLE IN "eu-west-1";
