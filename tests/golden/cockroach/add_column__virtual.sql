-- add_column__virtual: a VIRTUAL computed column (PostgreSQL stores it)
ALTER TABLE players ADD COLUMN IF NOT EXISTS xp_floor INT8 NOT NULL GENERATED ALWAYS AS (level * 100) VIRTUAL;
