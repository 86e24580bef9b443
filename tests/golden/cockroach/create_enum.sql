-- create_enum: an enum type with its values in order
CREATE TYPE IF NOT EXISTS player_status AS ENUM ('active', 'suspended', 'it''s closed');
