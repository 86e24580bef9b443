-- create_table__reserved_and_mixed_case: reserved words, mixed case and an embedded quote as names
CREATE TABLE IF NOT EXISTS "user" (
    "order" INT8 NOT NULL,
    "PlayerName" STRING,
    "select" BOOL DEFAULT false,
    "table" DATE,
    CONSTRAINT user_pkey PRIMARY KEY ("order"),
    CONSTRAINT "Order""Check" CHECK ("order" >= 0)
);
COMMENT ON TABLE "user" IS 'It''s the user''s order';
COMMENT ON COLUMN "user"."PlayerName" IS 'Display name; may change';
COMMENT ON CONSTRAINT "Order""Check" ON "user" IS 'it''s "ordered"';
