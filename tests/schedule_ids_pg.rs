//! The `-- bmdb:backup-schedule-id <label>` directive's apply path on the real PostgreSQL
//! (docs/backups.md). PostgreSQL has no backup schedules, so a directive there never
//! resolves: what is pinned here is that apply reads directives from the file as written,
//! stops at one that does not resolve (or is malformed) with its file:line:col, and changes
//! nothing of that migration, while the migrations before it apply. The resolution itself
//! (SHOW SCHEDULES FOR BACKUP, one full schedule per label) is unit-tested in
//! `sql::directives` and `apply::schedule_ids`, and run on a live CockroachDB in
//! tests/lifecycle_cockroach.rs.

mod support;

use support::{bmdb, pg, run, Project};

const V1: (&str, &str) = ("V1__init.sql", "CREATE TABLE a (id INT8 PRIMARY KEY);\n");
const V2: (&str, &str) = (
    "V2__tune_backups.sql",
    "CREATE TABLE b (id INT8 PRIMARY KEY);\n\
     -- bmdb:backup-schedule-id 'bluemarble'\n\
     ALTER BACKUP SCHEDULE :schedule_id SET RECURRING '@daily';\n",
);

fn tables(db: &str) -> Vec<String> {
    pg().client(db)
        .query(
            "SELECT table_name::TEXT FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name IN ('a', 'b') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn history(db: &str) -> Vec<(i64, String)> {
    pg().client(db)
        .query(
            "SELECT version, status FROM bmdb_schema_history ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn a_directive_that_does_not_resolve_stops_before_its_migration_and_changes_nothing_of_it() {
    let db = pg().new_db("schedid");
    let project = Project::new("postgres", &[V1, V2]);
    let before = std::fs::read(project.migration(V2.0)).unwrap();
    // a dry run shows the statement as written, saying where its id comes from
    let r = run(bmdb(project.path()).args(["apply", "--dry-run", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "-- bmdb:backup-schedule-id 'bluemarble': :schedule_id is looked up when the \
             migration runs\nALTER BACKUP SCHEDULE :schedule_id SET RECURRING '@daily';"
        ),
        "{r:?}"
    );
    let r = run(bmdb(project.path()).args(["apply", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(
            "migrations/V2__tune_backups.sql:2:1: bmdb:backup-schedule-id 'bluemarble': \
             PostgreSQL has no backup schedules"
        ),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("nothing of V2__tune_backups was run"),
        "{r:?}"
    );
    // V1 ran; of V2 nothing: no history row, not its CREATE TABLE that comes before the ALTER
    assert_eq!(tables(&db), ["a"]);
    let h = history(&db);
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0].0, 1);
    // the file is as written (its checksum is the lock's and the history's)
    assert_eq!(std::fs::read(project.migration(V2.0)).unwrap(), before);

    // and again: the same stop, V2 still untouched
    let r = run(bmdb(project.path()).args(["apply", "--url", &pg().url(&db), "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let report: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("apply JSON: {e}\n{r:?}"));
    let failed = report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "tune_backups")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(failed["result"], "failed", "{failed:#}");
    assert_eq!(failed["statements_run"], 0, "{failed:#}");
    assert_eq!(tables(&db), ["a"]);
    assert_eq!(history(&db).len(), 1);
}

#[test]
fn a_malformed_directive_is_refused_with_its_position_before_anything_runs() {
    let db = pg().new_db("schedbad");
    let project = Project::new(
        "postgres",
        &[
            V1,
            (
                "V2__tune_backups.sql",
                "CREATE TABLE b (id INT8 PRIMARY KEY);\n\
                 -- bmdb:backup-schedule 'bluemarble'\n\
                 ALTER BACKUP SCHEDULE :schedule_id SET RECURRING '@daily';\n\
                 \n  ALTER BACKUP SCHEDULE :schedule_id SET FULL BACKUP ALWAYS;\n",
            ),
        ],
    );
    let r = run(bmdb(project.path()).args(["apply", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(
            "migrations/V2__tune_backups.sql:2:1: unknown bmdb directive `bmdb:backup-schedule`"
        ),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("migrations/V2__tune_backups.sql:5:3: this statement has the placeholder :schedule_id but no `-- bmdb:backup-schedule-id <label>` line"),
        "{r:?}"
    );
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    // refused while reading the files: not even V1 ran
    assert!(tables(&db).is_empty());
}
