-- alter_role: options switched on and off, a new expiry
ALTER ROLE analytics WITH LOGIN NOCREATEDB VALID UNTIL '2030-01-01T00:00:00Z';
