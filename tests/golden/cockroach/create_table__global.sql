-- create_table__global: a GLOBAL table
CREATE TABLE IF NOT EXISTS item_templates (
    item_template_id INT8 NOT NULL,
    name STRING NOT NULL,
    CONSTRAINT item_templates_pkey PRIMARY KEY (item_template_id)
) LOCALITY GLOBAL;
