-- set_locality__locked_to_rbr: to REGIONAL BY ROW on a locked table
ALTER TABLE "player-sessions" SET (schema_locked = false);
ALTER TABLE "player-sessions" SET LOCALITY REGIONAL BY ROW;
ALTER TABLE "player-sessions" SET (schema_locked = true);
