-- create_table__regional_in: a table homed in one region
CREATE TABLE IF NOT EXISTS eu_guilds (
    guild_id UUID NOT NULL,
    CONSTRAINT eu_guilds_pkey PRIMARY KEY (guild_id)
);
-- postgres dialect: left out locality (1 table)
