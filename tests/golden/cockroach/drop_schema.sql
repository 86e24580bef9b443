-- drop_schema: a schema no longer used (RESTRICT: refused while it holds anything)
DROP SCHEMA IF EXISTS legacy;
