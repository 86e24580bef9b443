-- create_role: a role without options: NOLOGIN, a group
CREATE ROLE app_reader;
