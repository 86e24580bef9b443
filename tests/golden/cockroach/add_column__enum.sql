-- add_column__enum: a column of an enum type, with a default
ALTER TABLE players ADD COLUMN IF NOT EXISTS status player_status NOT NULL DEFAULT 'active';
