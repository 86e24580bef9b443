-- grant_privileges__type: USAGE on a type
GRANT USAGE ON TYPE "Item Rarity" TO worker;
