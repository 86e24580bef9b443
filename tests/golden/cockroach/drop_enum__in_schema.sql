-- drop_enum__in_schema: an object in a schema other than public: every name qualified where it must be
DROP TYPE IF EXISTS legacy.mood;
