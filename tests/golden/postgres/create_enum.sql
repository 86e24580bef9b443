-- create_enum: an enum type with its values in order
CREATE TYPE player_status AS ENUM ('active', 'suspended', 'it''s closed');
