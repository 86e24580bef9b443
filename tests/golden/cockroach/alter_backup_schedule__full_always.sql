-- alter_backup_schedule__full_always: incrementals given up: FULL BACKUP ALWAYS removes the incremental schedule
-- bmdb:backup-schedule-id 'bluemarble'
ALTER BACKUP SCHEDULE :schedule_id
    SET FULL BACKUP ALWAYS;
