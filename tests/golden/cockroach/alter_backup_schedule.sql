-- alter_backup_schedule: a changed incremental cadence: one SET RECURRING, the id found by label when applied
-- bmdb:backup-schedule-id 'bluemarble'
ALTER BACKUP SCHEDULE :schedule_id
    SET RECURRING '*/30 * * * *';
