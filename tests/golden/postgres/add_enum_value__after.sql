-- add_enum_value__after: a value placed after another
ALTER TYPE player_status ADD VALUE IF NOT EXISTS 'muted' AFTER 'active';
