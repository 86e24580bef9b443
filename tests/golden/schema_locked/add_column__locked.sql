-- add_column__locked: ADD COLUMN: CockroachDB unlocks the table itself (declarative schema changer), nothing added
ALTER TABLE item_templates ADD COLUMN IF NOT EXISTS rarity STRING;
