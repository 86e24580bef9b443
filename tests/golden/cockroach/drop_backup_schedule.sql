-- drop_backup_schedule: drop both schedules of a label
DROP SCHEDULES WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT id FROM s WHERE label = 'bluemarble';
