//! schedule_ids: the `-- bmdb:backup-schedule-id <label>` directive at apply time. Just
//! before a migration runs (before its history row is written), each statement it still has
//! to run that carries the directive gets the id of the one full backup schedule with that
//! label in place of its `:schedule_id` placeholder, looked up in `SHOW SCHEDULES FOR
//! BACKUP`. A label that no schedule or more than one has stops the apply there, with the
//! directive's file:line:col, and nothing of that migration runs. The file is never changed,
//! so its checksum is the one the lock and the history record (docs/backups.md).

use super::files::Migration;
use crate::model::Dialect;
use crate::sql::{pick_full_schedule, substitute_schedule_id};
use anyhow::{bail, Result};
use postgres::Client;

/// A migration with its schedule ids filled in, and each label with the id it resolved to.
pub type Resolved = (Migration, Vec<(String, i64)>);

/// `m` with the ids filled in, for the statements from `from` (0-based) on; `None` when
/// none of them carries a directive (run `m` as it is). `lookup` gives a label's id.
pub fn resolve(
    m: &Migration,
    from: usize,
    lookup: &mut dyn FnMut(&str) -> Result<i64, String>,
) -> Result<Option<Resolved>> {
    let directives: Vec<_> = m
        .schedule_ids
        .iter()
        .filter(|d| d.statement >= from)
        .collect();
    if directives.is_empty() {
        return Ok(None);
    }
    let mut resolved = m.clone();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    for d in directives {
        match lookup(&d.label) {
            Ok(id) => {
                let st = &mut resolved.statements[d.statement];
                st.sql = substitute_schedule_id(&st.sql, id);
                ids.push((d.label.clone(), id));
            }
            Err(why) => problems.push(format!(
                "{}:{}:{}: {} '{}': {why}",
                m.file.path.display(),
                d.line,
                d.col,
                crate::sql::SCHEDULE_ID_DIRECTIVE,
                d.label.replace('\'', "''")
            )),
        }
    }
    if !problems.is_empty() {
        bail!("{}\nnothing of {} was run", problems.join("\n"), m.label());
    }
    Ok(Some((resolved, ids)))
}

/// The query that finds a label's schedules (one row per schedule: the full one and, with
/// incrementals, the incremental one; pkg/sql/delegate/show_schedules.go).
pub const SCHEDULES_OF_LABEL: &str = "WITH s AS (SHOW SCHEDULES FOR BACKUP) \
     SELECT id::INT8, backup_type::STRING FROM s WHERE label = $1 ORDER BY id";

/// The id of the full backup schedule labelled `label` on the server.
pub fn lookup(client: &mut Client, dialect: Dialect, label: &str) -> Result<i64, String> {
    if dialect == Dialect::Postgres {
        return Err(
            "PostgreSQL has no backup schedules: this directive works on CockroachDB only".into(),
        );
    }
    let rows = client.query(SCHEDULES_OF_LABEL, &[&label]).map_err(|e| {
        format!(
            "could not read SHOW SCHEDULES FOR BACKUP (it needs the admin role or owning \
                 the schedules): {}",
            e.as_db_error()
                .map_or(e.to_string(), |d| d.message().to_string())
        )
    })?;
    let rows: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1)))
        .collect();
    pick_full_schedule(label, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::MigrationFile;

    fn migration(text: &str) -> Migration {
        Migration {
            file: MigrationFile {
                version: 7,
                name: "tune".into(),
                path: "migrations/V7__tune.sql".into(),
                checksum: String::new(),
            },
            statements: crate::sql::split_statements(text).unwrap(),
            destructive: vec![],
            hazards: vec![],
            schedule_ids: crate::sql::schedule_id_directives(text).unwrap(),
        }
    }

    const TEXT: &str = "CREATE TABLE t (a INT8);\n\
                        -- bmdb:backup-schedule-id 'bluemarble'\n\
                        ALTER BACKUP SCHEDULE :schedule_id SET RECURRING '@hourly';\n\
                        -- bmdb:backup-schedule-id nightly\n\
                        ALTER BACKUP SCHEDULE :schedule_id SET FULL BACKUP ALWAYS;\n";

    #[test]
    fn fills_in_the_ids_of_the_statements_still_to_run() {
        let m = migration(TEXT);
        let mut asked = Vec::new();
        let (r, ids) = resolve(&m, 0, &mut |label| {
            asked.push(label.to_string());
            Ok(if label == "bluemarble" { 11 } else { 22 })
        })
        .unwrap()
        .unwrap();
        assert_eq!(asked, ["bluemarble", "nightly"]);
        assert_eq!(
            ids,
            [("bluemarble".to_string(), 11), ("nightly".to_string(), 22)]
        );
        assert_eq!(r.statements[0].sql, m.statements[0].sql);
        assert_eq!(
            r.statements[1].sql,
            "ALTER BACKUP SCHEDULE 11 SET RECURRING '@hourly'"
        );
        assert_eq!(
            r.statements[2].sql,
            "ALTER BACKUP SCHEDULE 22 SET FULL BACKUP ALWAYS"
        );
        // a resume after the second statement looks up only the third's label
        let (r, ids) = resolve(&m, 2, &mut |_| Ok(5)).unwrap().unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(
            r.statements[2].sql,
            "ALTER BACKUP SCHEDULE 5 SET FULL BACKUP ALWAYS"
        );
        assert!(resolve(&m, 3, &mut |_| unreachable!()).unwrap().is_none());
    }

    #[test]
    fn a_label_that_does_not_resolve_names_the_directive_and_runs_nothing() {
        let m = migration(TEXT);
        let e = resolve(&m, 0, &mut |label| {
            if label == "nightly" {
                pick_full_schedule(label, &[])
            } else {
                Ok(1)
            }
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("migrations/V7__tune.sql:4:1: bmdb:backup-schedule-id 'nightly': no backup schedule has the label 'nightly'"),
            "{e}"
        );
        assert!(e.ends_with("nothing of V7__tune was run"), "{e}");
    }
}
