-- create_backup_schedule: daily full and hourly incremental backups WITH revision_history into an external connection
CREATE SCHEDULE IF NOT EXISTS 'bluemarble'
    FOR BACKUP DATABASE bluemarble INTO 'external://bluemarble_backups'
    WITH revision_history = true
    RECURRING '@hourly'
    FULL BACKUP '@daily'
    WITH SCHEDULE OPTIONS on_execution_failure = 'reschedule', on_previous_running = 'wait';
