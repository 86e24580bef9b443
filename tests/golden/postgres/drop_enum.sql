-- drop_enum: an enum type dropped
DROP TYPE IF EXISTS player_status;
