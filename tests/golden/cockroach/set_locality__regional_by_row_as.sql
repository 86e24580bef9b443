-- set_locality__regional_by_row_as: to REGIONAL BY ROW AS a region column
ALTER TABLE characters SET LOCALITY REGIONAL BY ROW AS home_region;
