-- set_locality__in_schema: an object in a schema other than public: every name qualified where it must be
ALTER TABLE game.players SET LOCALITY GLOBAL;
