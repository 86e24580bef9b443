-- add_enum_value: a value that goes last
ALTER TYPE player_status ADD VALUE IF NOT EXISTS 'deleted';
