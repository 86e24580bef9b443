-- create_schema: a schema other than public
CREATE SCHEMA IF NOT EXISTS game;
