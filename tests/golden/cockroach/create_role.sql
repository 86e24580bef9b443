-- create_role: a role without options: NOLOGIN, a group
CREATE ROLE IF NOT EXISTS app_reader;
