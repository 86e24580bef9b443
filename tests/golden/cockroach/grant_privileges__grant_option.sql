-- grant_privileges__grant_option: WITH GRANT OPTION: the role may grant them on
GRANT SELECT ON TABLE characters TO migrator WITH GRANT OPTION;
