-- set_role_setting__in_database: a session default in one database
ALTER ROLE api_server IN DATABASE bluemarble SET application_name = 'it''s the api';
