//! The apply scenarios against a live CockroachDB, when BMDB_TEST_COCKROACH_URL names one
//! (e.g. postgres://root@localhost:26257/defaultdb?sslmode=disable). Each is `#[ignore]`d
//! with that reason, so a run without a cluster counts them as ignored, never as passed;
//! scripts/test.sh runs them (`--ignored`) when the variable is set. Run by hand without
//! the variable, they fail saying so.

mod support;

use bmdb::db::{redact_url, url_password, ConnectOpts};
use support::{bmdb, kill_at_point, run, run_checking, Project};

const VAR: &str = "BMDB_TEST_COCKROACH_URL";

/// Every statement runs on its own on CockroachDB; DDL uses IF [NOT] EXISTS so an in-doubt
/// statement can be re-run, INSERTs share a transaction with their progress record.
const FIXTURE: &[(&str, &str)] = &[
    (
        "V1__init.sql",
        "CREATE TABLE IF NOT EXISTS counter (id INT8 PRIMARY KEY DEFAULT unique_rowid(), tag STRING NOT NULL);\n\
         CREATE TABLE IF NOT EXISTS players (player_id INT8 PRIMARY KEY, name STRING);\n\
         INSERT INTO counter (tag) VALUES ('v1');\n",
    ),
    (
        "V2__columns.sql",
        "ALTER TABLE players ADD COLUMN IF NOT EXISTS level INT4 NOT NULL DEFAULT 1;\n\
         INSERT INTO counter (tag) VALUES ('v2a');\nCREATE INDEX IF NOT EXISTS players_name_idx ON players (name);\n\
         INSERT INTO counter (tag) VALUES ('v2b');\n",
    ),
    (
        "V3__items.sql",
        "CREATE TABLE IF NOT EXISTS items (id INT8 PRIMARY KEY, player_id INT8 REFERENCES players);\n\
         INSERT INTO counter (tag) VALUES ('v3');\nALTER TABLE items ADD COLUMN IF NOT EXISTS qty INT4;\n",
    ),
];

fn base_url() -> String {
    match std::env::var(VAR) {
        Ok(u) if !u.trim().is_empty() => u,
        _ => panic!("{VAR} is not set: this live CockroachDB test needs a cluster"),
    }
}

/// The base URL pointed at database `db` (created fresh).
fn fresh_db(base: &str, hint: &str) -> String {
    let name = format!("bmdb_t{}_{hint}", std::process::id());
    let mut admin = ConnectOpts {
        url: Some(base.into()),
        ..Default::default()
    }
    .connect()
    .unwrap();
    admin
        .client
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {name} CASCADE; CREATE DATABASE {name}"
        ))
        .unwrap();
    let (head, query) = base
        .split_once('?')
        .map(|(h, q)| (h, Some(q)))
        .unwrap_or((base, None));
    let scheme_end = head.find("://").unwrap() + 3;
    let host_end = head[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(head.len());
    let mut url = format!("{}/{name}", &head[..host_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

fn secrets(url: &str) -> Vec<String> {
    url_password(url).into_iter().collect()
}

fn apply(project: &Project, url: &str) -> std::process::Command {
    let mut c = bmdb(project.path());
    c.args(["apply", "--url", url]);
    c
}

fn fingerprint(url: &str) -> Vec<String> {
    let mut db = ConnectOpts {
        url: Some(url.into()),
        ..Default::default()
    }
    .connect()
    .unwrap();
    let mut out = Vec::new();
    for q in [
        "SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> 'bmdb_lock' ORDER BY 1",
        "SELECT table_name || '.' || index_name FROM information_schema.statistics \
         WHERE table_schema = 'public' GROUP BY 1 ORDER BY 1",
        "SELECT tag || ' x' || count(*)::STRING FROM counter GROUP BY tag ORDER BY tag",
        "SELECT version::STRING || ' ' || status || ' ' || statements_done::STRING || ' ' || \
         coalesce(in_doubt::STRING, '-') FROM bmdb_schema_history ORDER BY version",
    ] {
        for row in db.client.query(q, &[]).unwrap() {
            out.push(row.get(0));
        }
    }
    out
}

#[test]
#[ignore = "needs a live CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn cockroach_apply_twice_and_status() {
    let base = base_url();
    let url = fresh_db(&base, "basic");
    let s = secrets(&url);
    let s: Vec<&str> = s.iter().map(String::as_str).collect();
    let project = Project::new("cockroach", FIXTURE);
    let r = run_checking(&mut apply(&project, &url), &s);
    assert_eq!(r.code, 0, "{r:?}");
    let first = fingerprint(&url);
    let r = run_checking(&mut apply(&project, &url), &s);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("nothing to apply"), "{r:?}");
    assert_eq!(fingerprint(&url), first);
    let r = run_checking(
        bmdb(project.path()).args(["status", "--detailed-exitcode", "--url", &url]),
        &s,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("3 applied, 0 pending"), "{r:?}");
    eprintln!("ran against {}", redact_url(&url));
}

#[test]
#[ignore = "needs a live CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn cockroach_killed_apply_resumes() {
    let base = base_url();
    let project = Project::new("cockroach", FIXTURE);
    let reference = fresh_db(&base, "reference");
    let s = secrets(&reference);
    let s: Vec<&str> = s.iter().map(String::as_str).collect();
    assert_eq!(run_checking(&mut apply(&project, &reference), &s).code, 0);
    let expected = fingerprint(&reference);
    let mut killed = 0;
    for point in 1..=40 {
        let url = fresh_db(&base, &format!("kill{point}"));
        if !kill_at_point(&mut apply(&project, &url), point) {
            break;
        }
        killed += 1;
        let r = run_checking(&mut apply(&project, &url), &s);
        assert_eq!(r.code, 0, "rerun after kill at {point}: {r:?}");
        assert_eq!(
            fingerprint(&url),
            expected,
            "diverged after a kill at point {point}"
        );
    }
    assert!(killed >= 20, "only {killed} crash points reached");
}

/// Five applies started at once on a fresh database, in rounds: bmdb's tables are created
/// with retries on the errors a concurrent creation gives (CockroachDB has no advisory
/// locks), so every apply waits for the lock and succeeds, each migration recorded once.
#[test]
#[ignore = "needs a live CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn cockroach_simultaneous_first_applies_all_succeed() {
    let base = base_url();
    let project = Project::new("cockroach", FIXTURE);
    let lone = fresh_db(&base, "contention_lone");
    let s = secrets(&lone);
    let s: Vec<&str> = s.iter().map(String::as_str).collect();
    assert_eq!(run_checking(&mut apply(&project, &lone), &s).code, 0);
    let expected = fingerprint(&lone);
    for round in 0..3 {
        let url = fresh_db(&base, &format!("contention{round}"));
        let children: Vec<_> = (0..5)
            .map(|_| {
                apply(&project, &url)
                    .args(["--lock-timeout", "300"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(s.iter().all(|p| !text.contains(p)), "{text}");
            assert_eq!(out.status.code(), Some(0), "round {round}:\n{text}");
        }
        assert_eq!(fingerprint(&url), expected, "round {round}");
    }
}

/// A locked table (`schema_locked = true`) whose CONFIGURE ZONE apply must unlock around the
/// statement (CockroachDB refuses it with 57000 otherwise): killed at every crash point, the
/// unlock and the relock included, the next apply ends with the table locked again (the
/// intent recorded in `bmdb_relock` before the unlock) and the zone set.
#[test]
#[ignore = "needs a live CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn cockroach_killed_between_unlock_and_relock_locks_the_table_again() {
    const LOCKED: &[(&str, &str)] = &[
        (
            "V1__locked.sql",
            "CREATE TABLE IF NOT EXISTS locked_t (id INT8 PRIMARY KEY) WITH (schema_locked = true);\n",
        ),
        (
            "V2__zone.sql",
            "ALTER TABLE locked_t CONFIGURE ZONE USING gc.ttlseconds = 600;\n",
        ),
    ];
    let locked = |url: &str| -> (bool, bool) {
        let mut db = ConnectOpts {
            url: Some(url.into()),
            ..Default::default()
        }
        .connect()
        .unwrap();
        let create: String = db
            .client
            .query_one(
                "SELECT create_statement FROM [SHOW CREATE TABLE locked_t]",
                &[],
            )
            .unwrap()
            .get(0);
        let intents: i64 = db
            .client
            .query_one(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'bmdb_relock'",
                &[],
            )
            .map(|r| r.get::<_, i64>(0))
            .unwrap();
        let pending = intents > 0
            && db
                .client
                .query_one("SELECT count(*) FROM bmdb_relock", &[])
                .unwrap()
                .get::<_, i64>(0)
                > 0;
        (create.contains("schema_locked = true"), pending)
    };
    let base = base_url();
    let project = Project::new("cockroach", LOCKED);
    let mut killed = 0;
    for point in 1..=30 {
        let url = fresh_db(&base, &format!("relock{point}"));
        let s = secrets(&url);
        let s: Vec<&str> = s.iter().map(String::as_str).collect();
        if !kill_at_point(&mut apply(&project, &url), point) {
            break;
        }
        killed += 1;
        let r = run_checking(&mut apply(&project, &url), &s);
        assert_eq!(r.code, 0, "rerun after kill at {point}: {r:?}");
        assert_eq!(
            locked(&url),
            (true, false),
            "after a kill at point {point} and a rerun: the table locked, no intent left; {r:?}"
        );
    }
    assert!(killed >= 4, "only {killed} crash points reached");
}

/// `(id, backup_type, recurrence, command, on_previous_running)` of `label`'s schedules.
fn schedules_of(url: &str, label: &str) -> Vec<(i64, String, String, String, String)> {
    let mut db = ConnectOpts {
        url: Some(url.into()),
        ..Default::default()
    }
    .connect()
    .unwrap();
    db.client
        .query(
            "WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT id::INT8, backup_type::STRING, \
             recurrence::STRING, command::STRING, on_previous_running::STRING, label::STRING \
             FROM s ORDER BY backup_type",
            &[],
        )
        .unwrap()
        .iter()
        .filter(|r| r.get::<_, String>(5) == label)
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

/// A changed backup schedule on a live cluster is an ALTER BACKUP SCHEDULE of the schedule
/// apply finds by label (`-- bmdb:backup-schedule-id`): the same two schedules (ids kept, so
/// the chain and its protected timestamps stay), with the new cadence, collection, revision
/// history and option; a label no schedule has stops the apply before the migration runs.
/// The schedules write into `nodelocal://1/...` behind external connections made here, and
/// their first full backup is set far in the future so no backup runs during the test.
#[test]
#[ignore = "needs a live CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn cockroach_changed_backup_schedule_is_altered_in_place() {
    let base = base_url();
    let url = fresh_db(&base, "schedules");
    let s = secrets(&url);
    let s: Vec<&str> = s.iter().map(String::as_str).collect();
    let tag = format!("bmdb_t{}", std::process::id());
    let database = url
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let mut admin = ConnectOpts {
        url: Some(url.clone().into()),
        ..Default::default()
    }
    .connect()
    .unwrap();
    for c in ["a", "b"] {
        admin
            .client
            .batch_execute(&format!(
                "CREATE EXTERNAL CONNECTION IF NOT EXISTS {tag}_{c} AS 'nodelocal://1/{tag}_{c}'"
            ))
            .unwrap();
    }
    let project = Project::new("cockroach", &[]);
    let dir = project.path();
    std::fs::write(
        dir.join("regions.yaml"),
        format!("database: {database}\ndialect: cockroach\n"),
    )
    .unwrap();
    std::fs::create_dir(dir.join("schema")).unwrap();
    std::fs::write(
        dir.join("schema/t.yaml"),
        "table: t\ncolumns:\n  - { name: id, type: INT8, nullable: false }\nprimary_key: [id]\n",
    )
    .unwrap();
    let backups = |into: &str, recurring: &str, revision_history: bool, previous: &str| {
        format!(
            "schedules:\n  {tag}:\n    into: external://{tag}_{into}\n    recurring: \"{recurring}\"\n    \
             full_backup: \"@daily\"\n    revision_history: {revision_history}\n    \
             first_run: 2099-01-01T00:00:00Z\n    on_previous_running: {previous}\n"
        )
    };
    std::fs::write(
        dir.join("backups.yaml"),
        backups("a", "@hourly", false, "wait"),
    )
    .unwrap();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "init"])).code, 0);
    let r = run_checking(&mut apply(&project, &url), &s);
    assert_eq!(r.code, 0, "{r:?}");
    let before = schedules_of(&url, &tag);
    assert_eq!(before.len(), 2, "{before:?}");

    std::fs::write(
        dir.join("backups.yaml"),
        backups("b", "*/30 * * * *", true, "skip"),
    )
    .unwrap();
    let r = run(bmdb(dir).args(["plan", "--write", "tune"]));
    assert_eq!(r.code, 0, "{r:?}");
    let text = std::fs::read_to_string(dir.join("migrations/V2__tune.sql")).unwrap();
    assert!(
        text.contains(&format!(
            "-- bmdb:backup-schedule-id '{tag}'\nALTER BACKUP SCHEDULE :schedule_id\n"
        )),
        "{text}"
    );
    assert!(!text.contains("DROP SCHEDULES"), "{text}");
    let r = run_checking(&mut apply(&project, &url), &s);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "backup schedule '{tag}' is schedule {}",
            before[0].0
        )),
        "{r:?}"
    );
    let after = schedules_of(&url, &tag);
    assert_eq!(after.len(), 2, "{after:?}");
    let (full, inc) = (&after[0], &after[1]);
    assert_eq!(
        (full.0, inc.0),
        (before[0].0, before[1].0),
        "the ids changed: {after:?}"
    );
    assert_eq!((full.1.as_str(), inc.1.as_str()), ("FULL", "INCREMENTAL"));
    assert_eq!(full.2, "@daily");
    assert_eq!(inc.2, "*/30 * * * *");
    for sc in [full, inc] {
        assert!(sc.3.contains(&format!("external://{tag}_b")), "{after:?}");
        assert!(sc.3.contains("revision_history = true"), "{after:?}");
    }
    assert_eq!((full.4.as_str(), inc.4.as_str()), ("SKIP", "WAIT"));
    assert_eq!(
        run(bmdb(dir).args(["plan", "--detailed-exitcode", "--url", &url])).code,
        0
    );

    // dropped by hand: the next ALTER finds no schedule with the label and runs nothing
    admin
        .client
        .batch_execute(&format!(
            "DROP SCHEDULES WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT id FROM s WHERE label = '{tag}'"
        ))
        .unwrap();
    std::fs::write(
        dir.join("backups.yaml"),
        backups("b", "@hourly", true, "skip"),
    )
    .unwrap();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "again"])).code, 0);
    let r = run_checking(&mut apply(&project, &url), &s);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("no backup schedule has the label '{tag}'")),
        "{r:?}"
    );
    assert!(r.stderr.contains("nothing of V3__again was run"), "{r:?}");
    let v3: i64 = admin
        .client
        .query_one(
            "SELECT count(*) FROM bmdb_schema_history WHERE version = 3",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(v3, 0);
    for c in ["a", "b"] {
        let _ = admin
            .client
            .batch_execute(&format!("DROP EXTERNAL CONNECTION '{tag}_{c}'"));
    }
}
