//! schedule_ids: the `-- bmdb:backup-schedule-id <label>` directive at apply time. Just
//! before a migration runs (before its history row is written), each statement it still has
//! to run that carries the directive gets the id of the one full backup schedule with that
//! label in place of its `:schedule_id` placeholder, looked up in `SHOW SCHEDULES FOR
//! BACKUP`. A label that no schedule or more than one has stops the apply there, with the
//! directive's file:line:col, and nothing of that migration runs. The file is never changed,
//! so its checksum is the one the lock and the history record (docs/backups.md).

use super::files::Migration;
use crate::db::Cells;
use crate::model::Dialect;
use crate::sql::substitute_schedule_id;
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

/// The backup schedules (one row per schedule: the full one and, with incrementals, the
/// incremental one; pkg/sql/delegate/show_schedules.go), filtered by label here rather than
/// with a bound parameter inside the SHOW, the shape the catalog's schedule read already
/// sends.
pub const BACKUP_SCHEDULES: &str = "WITH s AS (SHOW SCHEDULES FOR BACKUP) \
     SELECT id::INT8, label::STRING, backup_type::STRING FROM s ORDER BY id";

/// The id of the full backup schedule labelled `label` on the server.
pub fn lookup(client: &mut Client, dialect: Dialect, label: &str) -> Result<i64, String> {
    if dialect == Dialect::Postgres {
        return Err(
            "PostgreSQL has no backup schedules: this directive works on CockroachDB only".into(),
        );
    }
    let rows = client.query(BACKUP_SCHEDULES, &[]).map_err(|e| {
        format!(
            "could not read SHOW SCHEDULES FOR BACKUP (it needs the admin role or owning \
                 the schedules): {}",
            e.as_db_error()
                .map_or(e.to_string(), |d| d.message().to_string())
        )
    })?;
    let mut of_label = Vec::new();
    for r in &rows {
        let c = Cells::new(r, "SHOW SCHEDULES FOR BACKUP");
        let row = (|| -> anyhow::Result<_> {
            Ok((c.get::<i64>(0)?, c.get::<String>(1)?, c.get::<String>(2)?))
        })()
        .map_err(|e| e.to_string())?;
        if row.1 == label {
            of_label.push((row.0, row.2));
        }
    }
    pick_full_schedule(label, &of_label)
}

/// The id of the one full backup schedule labelled `label`, from `(id, backup_type)` rows of
/// `SHOW SCHEDULES FOR BACKUP` with that label. Altering the full schedule alters its
/// incremental one too (pkg/backup/alter_backup_schedule.go `loadSchedules` loads the
/// dependent schedule of either id), so the full one is the name of the pair.
pub fn pick_full_schedule(label: &str, rows: &[(i64, String)]) -> Result<i64, String> {
    let fulls: Vec<i64> = rows
        .iter()
        .filter(|(_, t)| t.eq_ignore_ascii_case("FULL"))
        .map(|(id, _)| *id)
        .collect();
    let quoted = format!("'{}'", label.replace('\'', "''"));
    match fulls.as_slice() {
        [id] => Ok(*id),
        [] if rows.is_empty() => Err(format!(
            "no backup schedule has the label {quoted} (SHOW SCHEDULES FOR BACKUP lists none): \
             was it dropped, renamed, or made by a migration that has not run?"
        )),
        [] => Err(format!(
            "the backup schedule labelled {quoted} has an incremental schedule ({}) but no full \
             one, and CockroachDB cannot alter that (cockroach#87435): drop it and create it again",
            rows.iter()
                .map(|(id, _)| id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        many => Err(format!(
            "{} full backup schedules have the label {quoted} (ids {}): the directive needs \
             exactly one; give each its own label (ALTER BACKUP SCHEDULE <id> SET LABEL '...')",
            many.len(),
            many.iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
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

    #[test]
    fn picks_the_one_full_schedule_of_a_label() {
        // the rows of a schedule with incrementals (alter-schedule/schedule-options)
        let pair = [
            (1145734748573630465, "FULL".to_string()),
            (1145734748571860993, "INCREMENTAL".to_string()),
        ];
        assert_eq!(
            pick_full_schedule("datatest", &pair),
            Ok(1145734748573630465)
        );
        assert_eq!(pick_full_schedule("x", &pair[..1]), Ok(1145734748573630465));
        let none = pick_full_schedule("it's", &[]).unwrap_err();
        assert!(
            none.contains("no backup schedule has the label 'it''s'"),
            "{none}"
        );
        let orphan = pick_full_schedule("x", &pair[1..]).unwrap_err();
        assert!(orphan.contains("no full one"), "{orphan}");
        let two = [(1, "FULL".to_string()), (2, "FULL".to_string())];
        let e = pick_full_schedule("x", &two).unwrap_err();
        assert!(
            e.contains("2 full backup schedules") && e.contains("ids 1, 2"),
            "{e}"
        );
    }
}
