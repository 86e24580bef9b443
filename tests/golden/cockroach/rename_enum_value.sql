-- rename_enum_value: a value renamed (renamed_from), never dropped and added
ALTER TYPE player_status RENAME VALUE 'banned' TO 'suspended';
