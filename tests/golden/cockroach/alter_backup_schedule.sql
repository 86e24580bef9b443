-- alter_backup_schedule: a changed cadence: dropped by label, created again (ALTER takes only the id)
DROP SCHEDULES WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT id FROM s WHERE label = 'bluemarble';
CREATE SCHEDULE IF NOT EXISTS 'bluemarble'
    FOR BACKUP DATABASE bluemarble INTO 'external://bluemarble_backups'
    WITH revision_history = true
    RECURRING '*/30 * * * *'
    FULL BACKUP '@daily'
    WITH SCHEDULE OPTIONS first_run = 'now', on_execution_failure = 'reschedule', on_previous_running = 'wait', ignore_existing_backups;
