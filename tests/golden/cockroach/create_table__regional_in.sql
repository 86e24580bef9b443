-- create_table__regional_in: a table homed in one region
CREATE TABLE IF NOT EXISTS eu_guilds (
    guild_id UUID NOT NULL,
    CONSTRAINT eu_guilds_pkey PRIMARY KEY (guild_id)
) LOCALITY REGIONAL BY TABLE IN "eu-west-1";
