-- create_backup_schedule__full_always: a cluster backup that is full every time, options set, a label with a space
CREATE SCHEDULE IF NOT EXISTS 'nightly cluster'
    FOR BACKUP INTO 'external://dr_bucket'
    RECURRING '0 3 * * *'
    FULL BACKUP ALWAYS
    WITH SCHEDULE OPTIONS first_run = '2027-01-01T03:00:00Z', on_execution_failure = 'pause', on_previous_running = 'skip';
