-- create_table__global: a GLOBAL table
CREATE TABLE IF NOT EXISTS item_templates (
    item_template_id INT8 NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT item_templates_pkey PRIMARY KEY (item_template_id)
);
-- postgres dialect: left out locality (1 table)
