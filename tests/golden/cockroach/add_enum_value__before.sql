-- add_enum_value__before: a value placed before the first one
ALTER TYPE player_status ADD VALUE IF NOT EXISTS 'pending' BEFORE 'active';
