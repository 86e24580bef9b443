-- alter_backup_schedule__every_setting: every setting ALTER can change, in one statement; a label with a space and a quote
-- bmdb:backup-schedule-id 'nightly ''eu'''
ALTER BACKUP SCHEDULE :schedule_id
    SET FULL BACKUP '@weekly',
    SET RECURRING '0 */6 * * *',
    SET INTO 'external://eu_backups',
    SET WITH revision_history = false,
    SET SCHEDULE OPTION on_execution_failure = 'pause',
    SET SCHEDULE OPTION on_previous_running = 'skip';
