-- set_locality__regional_by_row: to REGIONAL BY ROW on the hidden crdb_region column
ALTER TABLE players SET LOCALITY REGIONAL BY ROW;
