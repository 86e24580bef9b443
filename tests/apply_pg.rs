//! `bmdb apply` and `bmdb status` end to end against a real PostgreSQL 15.

mod support;

use support::{bmdb, interrupt_at_point, kill_at_point, pg, run, Project, PASSWORD};

/// Four migrations: V1, V2, V4 run in one transaction each; V3 holds CREATE INDEX
/// CONCURRENTLY so it runs statement by statement. Every INSERT has its own tag, so a
/// statement run twice shows up as a duplicate row, and ADD COLUMN without IF NOT EXISTS
/// would fail if run twice.
pub const FIXTURE: &[(&str, &str)] = &[
    (
        "V1__init.sql",
        "-- step 1: create_table counter\nCREATE TABLE counter (id serial PRIMARY KEY, tag text NOT NULL);\n\
         -- step 2: create_table players\nCREATE TABLE players (player_id int8 PRIMARY KEY, name text);\n\
         INSERT INTO counter (tag) VALUES ('v1');\n",
    ),
    (
        "V2__columns.sql",
        "ALTER TABLE players ADD COLUMN level int4 NOT NULL DEFAULT 1;\nINSERT INTO counter (tag) VALUES ('v2a');\n\
         CREATE TABLE items (id int8 PRIMARY KEY, player_id int8 REFERENCES players);\n\
         INSERT INTO counter (tag) VALUES ('v2b; with a semicolon');\n",
    ),
    (
        "V3__concurrent.sql",
        "INSERT INTO counter (tag) VALUES ('v3a');\n\
         CREATE INDEX CONCURRENTLY IF NOT EXISTS players_name_idx ON players (name);\n\
         INSERT INTO counter (tag) VALUES ('v3b');\nALTER TABLE items ADD COLUMN qty int4;\n\
         INSERT INTO counter (tag) VALUES ('v3c');\n\
         CREATE INDEX CONCURRENTLY IF NOT EXISTS items_player_idx ON items (player_id);\n\
         INSERT INTO counter (tag) VALUES ('v3d');\n",
    ),
    (
        "V4__more.sql",
        "INSERT INTO counter (tag) VALUES ('v4');\nALTER TABLE players ADD COLUMN note text;\n\
         /* a function body with ; inside */\nCREATE FUNCTION bump() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n",
    ),
];

/// The model of what FIXTURE builds (the function `bump` is outside what a model describes).
pub const FIXTURE_SCHEMA: &[(&str, &str)] = &[
    (
        "counter.yaml",
        "table: counter\ncolumns:\n  - { name: id, type: SERIAL }\n  - { name: tag, type: STRING, nullable: false }\nprimary_key: [id]\n",
    ),
    (
        "players.yaml",
        "table: players\ncolumns:\n  - { name: player_id, type: INT8 }\n  - { name: name, type: STRING }\n  - { name: level, type: INT4, nullable: false, default: \"1\" }\n  - { name: note, type: STRING }\nprimary_key: [player_id]\nindexes:\n  - { name: players_name_idx, columns: [name] }\n",
    ),
    (
        "items.yaml",
        "table: items\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: player_id, type: INT8 }\n  - { name: qty, type: INT4 }\nprimary_key: [id]\nindexes:\n  - { name: items_player_idx, columns: [player_id] }\nforeign_keys:\n  - { columns: [player_id], references: { table: players, columns: [player_id] } }\n",
    ),
];

fn apply(project: &Project, db: &str) -> std::process::Command {
    let mut c = bmdb(project.path());
    c.args(["apply", "--url", &pg().url(db)]);
    c
}

fn status_json(project: &Project, db: &str) -> serde_json::Value {
    let r = run(bmdb(project.path()).args(["status", "--format", "json", "--url", &pg().url(db)]));
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("status JSON: {e}\n{r:?}"))
}

/// Everything a converged database must agree on: columns, indexes, functions, the
/// counter rows (with multiplicity) and the history rows (without times).
fn fingerprint(db: &str) -> Vec<String> {
    let mut c = pg().client(db);
    let mut out = Vec::new();
    for row in c
        .query(
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || \
             coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name NOT IN ('bmdb_lock') ORDER BY 1",
            &[],
        )
        .unwrap()
    {
        out.push(row.get(0));
    }
    for row in c
        .query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
    {
        out.push(row.get(0));
    }
    for row in c
        .query(
            "SELECT i.indexrelid::regclass::text FROM pg_index i WHERE NOT i.indisvalid",
            &[],
        )
        .unwrap()
    {
        out.push(format!("INVALID INDEX {}", row.get::<_, String>(0)));
    }
    for row in c
        .query(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
            &[],
        )
        .unwrap()
    {
        out.push(format!("function {}", row.get::<_, String>(0)));
    }
    let has_counter: bool = c
        .query_one("SELECT to_regclass('public.counter') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    let counter_rows = if has_counter {
        c.query(
            "SELECT tag || ' x' || count(*) FROM counter GROUP BY tag ORDER BY tag",
            &[],
        )
        .unwrap()
    } else {
        Vec::new()
    };
    for row in counter_rows {
        out.push(row.get(0));
    }
    for row in c
        .query(
            "SELECT version || ' ' || name || ' ' || checksum || ' ' || status || ' ' || statements_done || '/' || \
             statements_total || ' ' || coalesce(in_doubt::text, '-') FROM bmdb_schema_history ORDER BY version",
            &[],
        )
        .unwrap()
    {
        out.push(row.get(0));
    }
    out
}

/// The history row's finished_at as PostgreSQL itself writes it in RFC 3339 UTC.
fn finished_at_rfc3339(db: &str, version: i64) -> String {
    pg().client(db)
        .query_one(
            "SELECT to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') \
             FROM bmdb_schema_history WHERE version = $1",
            &[&version],
        )
        .unwrap()
        .get(0)
}

#[test]
fn applies_then_does_nothing_and_status_shows_all_applied() {
    let db = pg().new_db("basic");
    let project = Project::modelled("postgres", FIXTURE, FIXTURE_SCHEMA);

    let st = status_json(&project, &db);
    assert_eq!(st["version"], 1);
    assert!(
        st["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "pending"),
        "{st}"
    );
    let r =
        run(bmdb(project.path()).args(["status", "--detailed-exitcode", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 2, "{r:?}");

    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 0, "{r:?}");
    for v in ["V1", "V2", "V3", "V4"] {
        assert!(r.stdout.contains(v), "summary lacks {v}: {r:?}");
    }
    assert!(r.stdout.contains("applied"), "{r:?}");
    let first = fingerprint(&db);
    assert!(
        first.contains(&"v2b; with a semicolon x1".to_string()),
        "{first:#?}"
    );
    assert!(
        first.iter().any(|l| l.contains("players_name_idx")),
        "{first:#?}"
    );

    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("nothing to apply"), "{r:?}");
    assert_eq!(
        fingerprint(&db),
        first,
        "a second apply changed the database"
    );

    let st = status_json(&project, &db);
    let states: Vec<_> = st["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].clone())
        .collect();
    assert_eq!(states, vec!["applied"; 4], "{st}");
    assert_eq!(st["migrations"][2]["statements_done"], 7);
    // applied_at is RFC 3339 in UTC; applied_by names the database user and the OS user.
    let os_user = String::from_utf8(
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let by = format!("{} by {}@", support::USER, os_user.trim());
    for m in st["migrations"].as_array().unwrap() {
        let at = m["applied_at"].as_str().unwrap_or_default();
        let shape: String = at
            .chars()
            .map(|c| if c.is_ascii_digit() { 'D' } else { c })
            .collect();
        assert_eq!(shape, "DDDD-DD-DDTDD:DD:DD.DDDDDDZ", "{m}");
        let written: String = finished_at_rfc3339(&db, m["version"].as_i64().unwrap());
        assert_eq!(at, written, "{m}");
        let applied_by = m["applied_by"].as_str().unwrap_or_default();
        assert!(applied_by.starts_with(&by), "{applied_by} vs {by}");
        assert!(applied_by.contains(" pid "), "{applied_by}");
    }
    let r =
        run(bmdb(project.path()).args(["status", "--detailed-exitcode", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("4 applied, 0 pending"), "{r:?}");
    project.assert_converged(&pg().url(&db));
}

/// SIGKILL apply at many crash points (and a second, seeded point in the resumed run);
/// each database must end exactly like one applied without interruption.
#[test]
fn killed_apply_resumes_without_running_anything_twice() {
    let reference = pg().new_db("reference");
    let project = Project::modelled("postgres", FIXTURE, FIXTURE_SCHEMA);
    assert_eq!(run(&mut apply(&project, &reference)).code, 0);
    let expected = fingerprint(&reference);

    let mut seed: u64 = 0x5eed_b3db;
    let mut killed = 0;
    let mut resumed_partly = 0;
    for point in 1..=64 {
        let db = pg().new_db(&format!("kill{point}"));
        if !kill_at_point(&mut apply(&project, &db), point) {
            break; // past the last crash point
        }
        killed += 1;
        let st = status_json(&project, &db);
        if st["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["state"] == "partly_applied")
        {
            resumed_partly += 1;
        }
        // a second crash in the resumed run, at a seeded point
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let second = 1 + (seed >> 33) % 40;
        kill_at_point(&mut apply(&project, &db), second);
        let r = run(&mut apply(&project, &db));
        assert_eq!(
            r.code, 0,
            "rerun after kills at {point} and {second}: {r:?}"
        );
        assert_eq!(
            fingerprint(&db),
            expected,
            "diverged after kills at points {point} and {second}"
        );
        project.assert_converged(&pg().url(&db));
    }
    eprintln!(
        "{killed} kill -9 trials (each with a second seeded kill in the resumed run) converged; \
         {resumed_partly} left a partly applied migration"
    );
    assert!(
        killed >= 20,
        "only {killed} distinct crash points were reached"
    );
    assert!(
        resumed_partly >= 3,
        "only {resumed_partly} kills left a partly applied migration"
    );
}

/// Start an apply that pauses inside V1 (crash point 2) holding the lock; returns once it
/// has paused, with its stderr kept open so it does not die writing to it.
fn start_paused_holder(
    project: &Project,
    db: &str,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStderr>,
) {
    let mut first = apply(project, db);
    first
        .env("BMDB_TEST_PAUSE_AT", "2")
        .stderr(std::process::Stdio::piped());
    let mut child = first.spawn().unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() > 0,
            "first apply ended early"
        );
        if line.starts_with("BMDB_TEST_PAUSED") {
            break;
        }
    }
    (child, stderr)
}

#[test]
fn second_apply_waits_then_names_the_holder_and_a_dead_holder_loses_the_lock() {
    let db = pg().new_db("lock");
    let project = Project::new("postgres", FIXTURE);
    // the first apply pauses inside V1, holding the lock
    let (mut child, _stderr) = start_paused_holder(&project, &db);
    let started = std::time::Instant::now();
    let r = run(apply(&project, &db).args(["--lock-timeout", "2"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "did not wait for the lock"
    );
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    assert!(r.stderr.contains("waiting for the apply lock"), "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("host {host}, pid {}, since ", child.id())),
        "{r:?}"
    );
    assert!(r.stderr.contains("--lock-timeout"), "{r:?}");

    child.kill().unwrap();
    child.wait().unwrap();
    // the holder died on this host: the next apply takes over without waiting for the lease
    let r = run(apply(&project, &db).args(["--lock-timeout", "5"]));
    assert_eq!(r.code, 0, "{r:?}");
    let mut c = pg().client(&db);
    let left: i64 = c
        .query_one("SELECT count(*) FROM bmdb_lock", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the lock was not released");
}

/// A holder with our host name but in another PID namespace (a container with host
/// networking, a CI runner) cannot be looked up in our /proc: its pid being absent there
/// must not count as dead. The second apply, in a fresh PID namespace where the holder's pid
/// does not exist, waits for the lease and fails naming the holder.
#[test]
fn holder_in_another_pid_namespace_is_not_taken_for_dead() {
    let probe = std::process::Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "true"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "skipped: `unshare --pid --fork --mount-proc` is not permitted here (needs root \
                 or user namespaces): {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("skipped: cannot run `unshare` (util-linux): {e}");
            return;
        }
    }
    let db = pg().new_db("lockns");
    let project = Project::new("postgres", FIXTURE);
    let (mut child, _stderr) = start_paused_holder(&project, &db);
    let held: String = pg()
        .client(&db)
        .query_one("SELECT holder_id FROM bmdb_lock", &[])
        .unwrap()
        .get(0);

    let inner = apply(&project, &db);
    let mut second = std::process::Command::new("unshare");
    second
        .args(["--pid", "--fork", "--mount-proc", "--kill-child"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .args(["--lock-timeout", "3"])
        .env_remove("BMDB_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env_remove("BMDB_TEST_PAUSE_AT")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let started = std::time::Instant::now();
    let mut second = second.spawn().unwrap();
    // a second apply that took the lock would block behind the holder's open transaction:
    // bound the wait so that shows up as a failure, not a hang
    while second.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(40) {
            let _ = second.kill();
            let _ = second.wait();
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the second apply did not give up in 40s: it took the live holder's lock");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let waited = started.elapsed();
    let out = second.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains(PASSWORD), "{stderr}");

    let still: String = pg()
        .client(&db)
        .query_one("SELECT holder_id FROM bmdb_lock", &[])
        .unwrap()
        .get(0);
    let holder_pid = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the live holder's lock was taken: {stderr}"
    );
    assert!(
        waited >= std::time::Duration::from_secs(3),
        "did not wait for the lock: {waited:?} {stderr}"
    );
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    assert!(
        stderr.contains(&format!("host {host}, pid {holder_pid}, since ")),
        "{stderr}"
    );
    assert!(stderr.contains("in another PID namespace"), "{stderr}");
    assert_eq!(still, held, "the lock row changed hands");

    // the holder is gone now and was in our namespace: the next apply here takes over at once
    let started = std::time::Instant::now();
    let r = run(apply(&project, &db).args(["--lock-timeout", "20"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "waited for the lease of a dead holder of this namespace"
    );
}

#[test]
fn lock_of_a_holder_elsewhere_expires_with_its_lease() {
    let db = pg().new_db("lease");
    let project = Project::new("postgres", &FIXTURE[..1]);
    let mut c = pg().client(&db);
    c.batch_execute(
        "CREATE TABLE bmdb_lock (id INT8 PRIMARY KEY, holder_id TEXT NOT NULL, host TEXT NOT NULL, \
         pid INT8 NOT NULL, since TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL); \
         INSERT INTO bmdb_lock VALUES (1, 'gone', 'build-host-7', 4242, now(), now() + INTERVAL '3 seconds')",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let r = run(apply(&project, &db).args(["--lock-timeout", "30"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("held by host build-host-7, pid 4242"),
        "{r:?}"
    );
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(2) && waited < std::time::Duration::from_secs(20),
        "{waited:?}"
    );
}

#[test]
fn edited_and_deleted_applied_migrations_block_apply() {
    let db = pg().new_db("edited");
    let project = Project::new("postgres", FIXTURE);
    assert_eq!(run(apply(&project, &db).args(["--target", "3"])).code, 0);
    let original = std::fs::read(project.migration("V1__init.sql")).unwrap();
    let old_sum = bmdb::apply::files::checksum(&original);
    std::fs::write(
        project.migration("V1__init.sql"),
        b"CREATE TABLE counter (id int);\n",
    )
    .unwrap();
    let new_sum = bmdb::apply::files::checksum(b"CREATE TABLE counter (id int);\n");
    std::fs::remove_file(project.migration("V2__columns.sql")).unwrap();

    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("V1__init.sql was edited"), "{r:?}");
    assert!(
        r.stderr.contains(&old_sum) && r.stderr.contains(&new_sum),
        "both checksums: {r:?}"
    );
    assert!(
        r.stderr.contains("V2__columns is recorded as applied") && r.stderr.contains("missing"),
        "{r:?}"
    );
    let mut c = pg().client(&db);
    let n: i64 = c
        .query_one("SELECT count(*) FROM bmdb_schema_history", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 3, "V4 must not have run");

    let st = status_json(&project, &db);
    let states: Vec<_> = st["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].clone())
        .collect();
    assert_eq!(
        states,
        vec!["edited", "missing", "applied", "pending"],
        "{st}"
    );
    assert_eq!(st["migrations"][0]["file_checksum"], new_sum.as_str());
    assert_eq!(st["migrations"][0]["applied_checksum"], old_sum.as_str());
    let r = run(bmdb(project.path()).args(["status", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 1, "edited/missing make status fail: {r:?}");
    assert!(
        r.stdout.contains("edited") && r.stdout.contains("missing"),
        "{r:?}"
    );
}

#[test]
fn dry_run_prints_sql_and_touches_nothing() {
    let db = pg().new_db("dry");
    let project = Project::new("postgres", FIXTURE);
    let r = run(apply(&project, &db).arg("--dry-run"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("-- V3__concurrent (7 statements, statement by statement)"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("-- V1__init (3 statements, in one transaction)"),
        "{r:?}"
    );
    assert!(r
        .stdout
        .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS players_name_idx ON players (name);"));
    let mut c = pg().client(&db);
    let tables: i64 = c
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "dry run created tables");
}

#[test]
fn target_and_baseline() {
    let db = pg().new_db("target");
    let project = Project::new("postgres", FIXTURE);
    let r = run(apply(&project, &db).args(["--target", "2"]));
    assert_eq!(r.code, 0, "{r:?}");
    let st = status_json(&project, &db);
    let states: Vec<_> = st["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].clone())
        .collect();
    assert_eq!(states, vec!["applied", "applied", "pending", "pending"]);
    let r = run(apply(&project, &db).args(["--target", "9"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--target 9: there is no migration V9"),
        "{r:?}"
    );

    // adopt a database whose schema already has V1..V2 (made by hand), then apply the rest
    let adopted = pg().new_db("baseline");
    let mut c = pg().client(&adopted);
    for (_, sql) in &FIXTURE[..2] {
        c.batch_execute(sql).unwrap();
    }
    let r = run(apply(&project, &adopted).args(["--baseline", "2"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("baselined"), "{r:?}");
    let r = run(&mut apply(&project, &adopted));
    assert_eq!(r.code, 0, "{r:?}");
    let tags: i64 = c
        .query_one("SELECT count(*) FROM counter WHERE tag = 'v1'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tags, 1, "baseline must not run V1 again");
    let st = status_json(&project, &adopted);
    assert!(
        st["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "applied"),
        "{st}"
    );
}

/// `--baseline` with a model: at the last migration the live schema is verified BEFORE
/// anything is recorded (a mismatch writes no history); below it the state as of that
/// version cannot be derived from the lock, so it is recorded unverified with a note, and
/// the apply that runs the rest verifies the whole and converges.
#[test]
fn baseline_is_verified_before_recording_and_below_the_last_migration_is_not_checked_against_the_whole_model(
) {
    let project = Project::modelled("postgres", FIXTURE, FIXTURE_SCHEMA);
    let history_rows = |db: &str| -> i64 {
        let mut c = pg().client(db);
        let exists: bool = c
            .query_one("SELECT to_regclass('bmdb_schema_history') IS NOT NULL", &[])
            .unwrap()
            .get(0);
        if !exists {
            return 0;
        }
        c.query_one("SELECT count(*) FROM bmdb_schema_history", &[])
            .unwrap()
            .get(0)
    };

    // V1..V2 made by hand: baseline 2 (below the last, V4), then apply the rest
    let db = pg().new_db("baseline_below");
    let mut c = pg().client(&db);
    for (_, sql) in &FIXTURE[..2] {
        c.batch_execute(sql).unwrap();
    }
    let r = run(apply(&project, &db).args(["--baseline", "2"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("note: --baseline 2 is below the last migration (V4)")
            && r.stderr.contains("the live schema is not verified now"),
        "{r:?}"
    );
    assert!(!r.stderr.contains("does not match"), "{r:?}");
    assert_eq!(history_rows(&db), 2);
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("verified: the live schema matches the model"),
        "{r:?}"
    );
    project.assert_converged(&pg().url(&db));

    // the same schema, baselined at the last migration: refused before recording anything
    let db = pg().new_db("baseline_mismatch");
    let mut c = pg().client(&db);
    for (_, sql) in &FIXTURE[..2] {
        c.batch_execute(sql).unwrap();
    }
    for args in [
        vec!["--baseline", "4"],
        vec!["--baseline", "4", "--dry-run"],
    ] {
        let r = run(apply(&project, &db).args(&args));
        assert_eq!(r.code, 1, "{r:?}");
        assert!(
            r.stderr.contains("--baseline 4: nothing was recorded")
                && r.stderr.contains("does not match the model"),
            "{r:?}"
        );
        assert_eq!(history_rows(&db), 0, "{r:?}");
    }

    // a schema that is the whole model: baselined at the last migration, verified, converged
    let db = pg().new_db("baseline_last");
    let mut c = pg().client(&db);
    for (_, sql) in FIXTURE {
        c.batch_execute(&sql.replace("CONCURRENTLY ", "")).unwrap();
    }
    let r = run(apply(&project, &db).args(["--baseline", "4"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("verified: the live schema matches the model"),
        "{r:?}"
    );
    assert_eq!(history_rows(&db), 4);
    project.assert_converged(&pg().url(&db));
}

#[test]
fn destructive_migrations_need_the_flag() {
    let db = pg().new_db("destructive");
    let mut files = FIXTURE.to_vec();
    files.push((
        "V5__drop_note.sql",
        "-- step 1: drop_column players.note [hazard: drop-column]\n-- destructive: drop-column players.note\n\
         ALTER TABLE players DROP COLUMN note;\n",
    ));
    let project = Project::new("postgres", &files);
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("V5__drop_note: drop-column players.note"),
        "{r:?}"
    );
    assert!(r.stderr.contains("--allow-destructive"), "{r:?}");
    let mut c = pg().client(&db);
    let tables: i64 = c
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "a refused apply must change nothing");
    let r = run(apply(&project, &db).arg("--allow-destructive"));
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn failing_statement_rolls_back_its_migration_and_names_it() {
    let db = pg().new_db("failing");
    let project = Project::new(
        "postgres",
        &[
            FIXTURE[0],
            (
                "V2__bad.sql",
                "INSERT INTO counter (tag) VALUES ('x');\n\nSELECT * FROM no_such_table;\n",
            ),
        ],
    );
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("V2__bad.sql: statement 2 of 2 (line 3) failed"),
        "{r:?}"
    );
    assert!(r.stderr.contains("no_such_table"), "{r:?}");
    assert!(r.stderr.contains("rolled back"), "{r:?}");
    assert!(
        r.stdout.contains("failed"),
        "summary shows the failure: {r:?}"
    );
    let mut c = pg().client(&db);
    let x: i64 = c
        .query_one("SELECT count(*) FROM counter WHERE tag = 'x'", &[])
        .unwrap()
        .get(0);
    assert_eq!(x, 0);
    let locks: i64 = c
        .query_one("SELECT count(*) FROM bmdb_lock", &[])
        .unwrap()
        .get(0);
    assert_eq!(locks, 0, "lock released on the error path");
}

#[test]
fn wrong_dialect_is_refused() {
    let db = pg().new_db("dialect");
    let project = Project::new("cockroach", FIXTURE);
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("the project's dialect is cockroach but"),
        "{r:?}"
    );
    assert!(r.stderr.contains("is a postgres server"), "{r:?}");
}

#[test]
fn url_sources_and_errors_never_show_the_password() {
    let db = pg().new_db("urls");
    let project = Project::new("postgres", &FIXTURE[..1]);
    // no URL anywhere: one error naming all three sources
    let r = run(bmdb(project.path()).arg("status"));
    assert_eq!(r.code, 1);
    for name in ["--url", "BMDB_DATABASE_URL", "DATABASE_URL"] {
        assert!(r.stderr.contains(name), "{r:?}");
    }
    // DATABASE_URL is used; BMDB_DATABASE_URL wins over it
    let r = run(bmdb(project.path())
        .arg("apply")
        .env("DATABASE_URL", pg().url(&db)));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(project.path())
        .args(["status"])
        .env("DATABASE_URL", "postgres://x:wrong@127.0.0.1:1/nope")
        .env("BMDB_DATABASE_URL", pg().url(&db)));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("1 applied"), "{r:?}");

    // malformed URLs name where they came from
    let bad = format!("postgres://bmdb:{PASSWORD}@127.0.0.1:notaport/db");
    let r = run(bmdb(project.path()).args(["status", "--url", &bad]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the URL from --url") && r.stderr.contains("malformed"),
        "{r:?}"
    );
    let r = run(bmdb(project.path())
        .arg("apply")
        .env("BMDB_DATABASE_URL", format!("{bad}?sslmode=maybe")));
    assert!(r.stderr.contains("BMDB_DATABASE_URL"), "{r:?}");
    let r = run(bmdb(project.path()).args([
        "status",
        "--url",
        &format!("mysql://bmdb:{PASSWORD}@h/db"),
    ]));
    assert!(
        r.stderr.contains("not a postgres:// or postgresql:// URL"),
        "{r:?}"
    );

    // wrong password: the wrong one must not be echoed either
    let wrong = "Wr0ng-pa55word-XYZ";
    let url = pg().url(&db).replace(PASSWORD, wrong);
    let r = support::run_checking(
        bmdb(project.path()).args(["apply", "--url", &url]),
        &[wrong, PASSWORD],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("could not connect to postgres://bmdb:********@127.0.0.1"),
        "{r:?}"
    );

    // refused connection: bounded retries, then a clear error
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("postgres://bmdb:{PASSWORD}@127.0.0.1:{port}/db?sslmode=disable");
    let started = std::time::Instant::now();
    let r = run(bmdb(project.path()).args(["apply", "--connect-retries", "2", "--url", &refused]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("gave up after 3 attempts"), "{r:?}");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(1000),
        "no backoff between retries"
    );
}

#[test]
fn geography_columns_apply_with_postgis() {
    let db = pg().new_db_postgis("postgis");
    let project = Project::new(
        "postgres",
        &[(
            "V1__territories.sql",
            "CREATE TABLE territories (id int8 PRIMARY KEY, area GEOGRAPHY(POLYGON, 4326));\n\
             CREATE INDEX territories_area_idx ON territories USING GIST (area);\n",
        )],
    );
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 0, "{r:?}");
    let mut c = pg().client(&db);
    let t: String = c
        .query_one(
            "SELECT udt_name::text FROM information_schema.columns WHERE column_name = 'area'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(t, "geography");
}

/// Ctrl-C stops after the running statement and releases the lock on the way out: the next
/// apply takes it at once (well inside the lease) and finishes the job.
#[test]
fn ctrl_c_stops_cleanly_and_releases_the_lock() {
    let reference = pg().new_db("ctrlc_ref");
    let project = Project::modelled("postgres", FIXTURE, FIXTURE_SCHEMA);
    assert_eq!(run(&mut apply(&project, &reference)).code, 0);
    let db = pg().new_db("ctrlc");
    let r = interrupt_at_point(apply(&project, &db).args(["--lock-lease", "30"]), 3);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("interrupted (Ctrl-C)"), "{r:?}");
    let mut c = pg().client(&db);
    let held: i64 = c
        .query_one("SELECT count(*) FROM bmdb_lock", &[])
        .unwrap()
        .get(0);
    assert_eq!(held, 0, "the lock row must be gone after Ctrl-C");
    let started = std::time::Instant::now();
    let r = run(apply(&project, &db).args(["--lock-timeout", "2"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(fingerprint(&db), fingerprint(&reference));
    project.assert_converged(&pg().url(&db));
}

/// A statement run outside a transaction that is NOT idempotent (no IF NOT EXISTS): killed
/// right after it ran and before its completion was recorded, it is in doubt; the resumed
/// apply runs it again, sees "already exists", and records it as done instead of failing.
#[test]
fn an_in_doubt_statement_that_already_took_effect_is_recorded_not_failed() {
    const FILES: &[(&str, &str)] = &[(
        "V1__concurrent.sql",
        "CREATE TABLE t (id int8 PRIMARY KEY, v text);\n\
         CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\n\
         ALTER TABLE t ADD COLUMN w int4;\n",
    )];
    const SCHEMA: &[(&str, &str)] = &[(
        "t.yaml",
        "table: t\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: v, type: STRING }\n  - { name: w, type: INT4 }\nprimary_key: [id]\nindexes:\n  - { name: t_v_idx, columns: [v] }\n",
    )];
    let project = Project::modelled("postgres", FILES, SCHEMA);
    let reference = pg().new_db("indoubt_ref");
    assert_eq!(run(&mut apply(&project, &reference)).code, 0);
    let expected = fingerprint(&reference);
    let mut in_doubt_seen = 0;
    for point in 1..=32 {
        let db = pg().new_db(&format!("indoubt{point}"));
        if !kill_at_point(&mut apply(&project, &db), point) {
            break;
        }
        let r = run(&mut apply(&project, &db));
        assert_eq!(r.code, 0, "resume after a kill at {point}: {r:?}");
        if r.stderr.contains("already there") {
            in_doubt_seen += 1;
        }
        assert_eq!(fingerprint(&db), expected, "kill at {point}");
        project.assert_converged(&pg().url(&db));
    }
    assert!(
        in_doubt_seen >= 1,
        "no kill left the CREATE INDEX CONCURRENTLY in doubt"
    );
}

/// The visible text of terminal output: CSI escape sequences (colours, cursor moves) removed.
fn visible(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// On a terminal apply shows a bar over every statement of the apply (across migrations),
/// the ETA, and the running statement with its own clock, coloured unless NO_COLOR and never
/// wider than the terminal; without one, plain lines; with --quiet, neither. The terminal is a
/// real pseudo-terminal of 80 columns from util-linux `script`.
#[test]
fn progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere() {
    // util-linux `script` (Debian's bsdutils, an essential package) gives the pseudo-terminal.
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "util-linux `script` is needed for a pseudo-terminal (Debian: bsdutils)"
    );
    const SLOW: &[(&str, &str)] = &[
        (
            "V1__slow.sql",
            "CREATE TABLE slow (id int8 PRIMARY KEY, a_column_with_a_long_name_to_reach_the_edge_of_the_terminal text, another_long_column_name text);\nSELECT pg_sleep(1.1);\n",
        ),
        ("V2__more.sql", "CREATE TABLE more (id int8 PRIMARY KEY);\n"),
    ];
    let on_tty = |env: &[(&str, &str)]| -> String {
        let db = pg().new_db("tty");
        let project = Project::new("postgres", SLOW);
        let cmd = format!(
            "stty cols 80 rows 24; {} --project {} apply --auto-approve --url '{}'",
            env!("CARGO_BIN_EXE_bmdb"),
            project.path().display(),
            pg().url(&db)
        );
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"])
            .env_remove("CI")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("LANG", "C.UTF-8");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tty = on_tty(&[]);
    let seen = visible(&tty);
    assert!(!seen.contains("Run it?"), "--auto-approve asked: {seen}");
    assert!(
        ["1/3 statements", "2/3 statements"]
            .iter()
            .any(|s| seen.contains(s)),
        "no bar counted in statements over both migrations: {seen}"
    );
    assert!(seen.contains("ETA "), "no ETA: {seen}");
    assert!(seen.contains("[00:00:0"), "no elapsed clock: {seen}");
    assert!(
        seen.contains("V1__slow [2/2] SELECT pg_sleep"),
        "no running statement: {seen}"
    );
    assert!(
        seen.contains("V1__slow [2/2] took 1."),
        "the slow statement's time is not shown: {seen}"
    );
    // The bar's two lines are redrawn in place: wider than the terminal, they would wrap and
    // leave stale lines behind. (Lines printed above the bar may wrap; they stay.)
    let bar_lines: Vec<&str> = seen
        .split(['\r', '\n'])
        .filter(|l| l.contains(" statements  ETA") || l.contains("] CREATE TABLE"))
        .collect();
    assert!(
        bar_lines
            .iter()
            .any(|l| l.contains("V1__slow [1/2] CREATE TABLE slow")),
        "the long statement was never shown: {seen}"
    );
    for line in bar_lines {
        assert!(
            line.chars().count() <= 80,
            "a line wider than the 80-column terminal ({}): {line:?}",
            line.chars().count()
        );
    }
    assert!(
        tty.contains("\u{1b}[32m"),
        "the spinner is green on a terminal: {tty:?}"
    );
    assert!(tty.contains('┌'), "box drawing on a UTF-8 terminal: {seen}");
    assert!(!tty.contains(PASSWORD), "{tty}");
    for env in [[("NO_COLOR", "1")], [("CLICOLOR", "0")]] {
        let plain = on_tty(&env);
        assert!(
            !plain.contains("\u{1b}[3"),
            "{env:?}: coloured anyway: {plain:?}"
        );
    }
    let ascii = on_tty(&[("LANG", "C")]);
    assert!(
        !ascii.contains('┌') && ascii.contains("+-"),
        "LANG=C: {ascii}"
    );

    // No terminal: plain lines, no bar.
    let db = pg().new_db("notty");
    let project = Project::new("postgres", SLOW);
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("  V1__slow [2/2] SELECT pg_sleep"),
        "{r:?}"
    );
    assert!(r.stderr.contains("  V1__slow [2/2] took 1."), "{r:?}");
    assert!(!r.stderr.contains(" statements  ETA"), "{r:?}");
    assert!(!r.all().contains('\u{1b}'), "colour on a pipe: {r:?}");
    assert!(
        !r.stdout.contains('┌') && r.stdout.contains("+-"),
        "ASCII table on a pipe: {r:?}"
    );
    // --quiet: neither
    let db = pg().new_db("quiet");
    let r = run(apply(&project, &db).arg("--quiet"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.contains("V1__slow ["), "{r:?}");
}

/// On a terminal apply shows what will run and asks; `yes` runs it, anything else runs and
/// records nothing (bmdb's own tables are not even created). Without a terminal it never
/// asks. The terminal is a real pseudo-terminal from util-linux `script`, fed the answer.
#[test]
fn apply_on_a_terminal_shows_what_will_run_and_asks_first() {
    // util-linux `script` (Debian's bsdutils, an essential package) gives the pseudo-terminal.
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "util-linux `script` is needed for a pseudo-terminal (Debian: bsdutils)"
    );
    const TWO: &[(&str, &str)] = &[
        (
            "V1__first.sql",
            "CREATE TABLE a (id int8 PRIMARY KEY);\nCREATE TABLE b (id int8 PRIMARY KEY);\n",
        ),
        ("V2__second.sql", "CREATE TABLE c (id int8 PRIMARY KEY);\n"),
    ];
    let answer_on_tty = |db: &str, project: &Project, answer: &str| -> (i32, String) {
        use std::io::Write;
        let cmd = format!(
            "{} --project {} apply --url '{}'",
            env!("CARGO_BIN_EXE_bmdb"),
            project.path().display(),
            pg().url(db)
        );
        let mut child = std::process::Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env_remove("CI")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // the answer waits in the terminal's input until apply reads it
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(answer.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        let text = visible(&String::from_utf8_lossy(&out.stdout));
        assert!(!text.contains(PASSWORD), "{text}");
        (out.status.code().unwrap_or(-1), text)
    };
    let has_history = |db: &str| -> bool {
        pg().client(db)
            .query_one("SELECT to_regclass('bmdb_schema_history') IS NOT NULL", &[])
            .unwrap()
            .get(0)
    };

    for answer in ["no\n", "\n"] {
        let db = pg().new_db("ask_no");
        let project = Project::new("postgres", TWO);
        let (code, text) = answer_on_tty(&db, &project, answer);
        assert_eq!(code, 1, "{answer:?}: {text}");
        assert!(text.contains("bmdb will apply to postgres://"), "{text}");
        assert!(text.contains("2 migrations"), "{text}");
        assert!(
            text.contains("V1__first: 2 statements, in one transaction"),
            "{text}"
        );
        assert!(
            text.contains("V2__second: 1 statement, in one transaction"),
            "{text}"
        );
        assert!(text.contains("Run it?"), "{text}");
        assert!(text.contains("nothing was run or recorded"), "{text}");
        assert!(!has_history(&db), "a refused apply touched the database");
    }

    let db = pg().new_db("ask_yes");
    let project = Project::new("postgres", TWO);
    let (code, text) = answer_on_tty(&db, &project, "yes\n");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("Run it?") && text.contains("V2__second"),
        "{text}"
    );
    let r =
        run(bmdb(project.path()).args(["status", "--url", &pg().url(&db), "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "everything applied after yes: {r:?}");

    // no terminal: nothing asked, applied as before
    let db = pg().new_db("ask_pipe");
    let project = Project::new("postgres", TWO);
    let r = run(&mut apply(&project, &db));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.all().contains("Run it?"), "{r:?}");
    assert!(has_history(&db));
}
