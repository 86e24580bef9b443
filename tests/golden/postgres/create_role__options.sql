-- create_role__options: a login role with options and an expiry; never a password
CREATE ROLE game_server WITH CREATEDB LOGIN VALID UNTIL '2027-01-31T12:00:00Z';
