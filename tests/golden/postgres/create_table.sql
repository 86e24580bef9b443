-- create_table: a plain table in a single-region database
CREATE TABLE IF NOT EXISTS skill_definitions (
    skill_id INT8 NOT NULL,
    name TEXT NOT NULL,
    max_level INT4 NOT NULL DEFAULT 100,
    CONSTRAINT skill_definitions_pkey PRIMARY KEY (skill_id)
);
