-- alter_backup_schedule__targets: the database becomes the cluster: ALTER cannot change what a schedule backs up, so it is dropped and created again
DROP SCHEDULES WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT id FROM s WHERE label = 'bluemarble';
CREATE SCHEDULE IF NOT EXISTS 'bluemarble'
    FOR BACKUP INTO 'external://bluemarble_backups'
    WITH revision_history = true
    RECURRING '@hourly'
    FULL BACKUP '@daily'
    WITH SCHEDULE OPTIONS first_run = 'now', on_execution_failure = 'reschedule', on_previous_running = 'wait', ignore_existing_backups;
