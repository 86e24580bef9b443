-- grant_privileges__in_schema: an object in a schema other than public: every name qualified where it must be
GRANT SELECT ON TABLE game.players TO analytics;
