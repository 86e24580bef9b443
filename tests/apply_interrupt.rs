//! Ctrl-C during `bmdb apply` on a real PostgreSQL 15: a statement blocked on a lock held by
//! another session; the first SIGINT only announces the stop, the second cancels the
//! statement on the server, apply exits 1 with the history saying where it stopped, and a
//! later apply (once the lock is released) resumes and converges.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{bmdb, pg, run, Project, PASSWORD};

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "V1__init.sql",
        "CREATE TABLE t (id int8 PRIMARY KEY, v text);\nCREATE TABLE held (id int8 PRIMARY KEY);\n",
    ),
    // CREATE INDEX CONCURRENTLY makes V2 run statement by statement, each recorded
    (
        "V2__more.sql",
        "INSERT INTO t (id, v) VALUES (1, 'a');\nALTER TABLE held ADD COLUMN note text;\n\
         CREATE INDEX CONCURRENTLY IF NOT EXISTS t_v_idx ON t (v);\n",
    ),
];

const SCHEMA: &[(&str, &str)] = &[
    (
        "t.yaml",
        "table: t\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: v, type: STRING }\nprimary_key: [id]\n\
         indexes:\n  - { name: t_v_idx, columns: [v] }\n",
    ),
    (
        "held.yaml",
        "table: held\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: note, type: STRING }\nprimary_key: [id]\n",
    ),
];

/// Sessions of `db` running the blocked statement right now.
fn running_alter(c: &mut postgres::Client, db: &str) -> i64 {
    c.query_one(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state = 'active' \
         AND query LIKE 'ALTER TABLE held ADD COLUMN note%' AND pid <> pg_backend_pid()",
        &[&db],
    )
    .unwrap()
    .get(0)
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn second_ctrl_c_cancels_the_blocked_statement_on_the_server_and_history_says_where() {
    let db = pg().new_db("interrupt");
    let url = pg().url(&db);
    let project = Project::modelled("postgres", MIGRATIONS, SCHEMA);
    let r = run(bmdb(project.path()).args(["apply", "--url", &url, "--target", "1"]));
    assert_eq!(r.code, 0, "{r:?}");

    // another session holds an ACCESS EXCLUSIVE lock on `held`, so V2's ALTER waits for it
    let mut holder = pg().client(&db);
    holder
        .batch_execute("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE")
        .unwrap();

    let mut child = bmdb(project.path())
        .args(["apply", "--url", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            all.push_str(&line);
            all.push('\n');
            let _ = tx.send(line);
        }
        all
    });
    let mut watch = pg().client(&db);
    wait_for("the ALTER to block on the lock", || {
        running_alter(&mut watch, &db) == 1
    });

    let pid = child.id() as i32;
    let sigint = || {
        // SAFETY: signalling our own child process
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    };
    sigint();
    let first = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("no message after the first Ctrl-C");
        if line.starts_with("interrupt:") {
            break line;
        }
    };
    assert!(
        first.contains("stops after the running statement")
            && first.contains("press Ctrl-C again to cancel the running statement on the server"),
        "{first}"
    );
    // the first press stops nothing by itself: the statement still waits
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "apply exited on the first Ctrl-C"
    );
    assert_eq!(running_alter(&mut watch, &db), 1);

    sigint();
    let deadline = Instant::now() + Duration::from_secs(8);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "apply did not exit after the second Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    let stderr = reader.join().unwrap();
    let all = format!("{stdout}\n{stderr}");
    assert!(!all.contains(PASSWORD), "{all}");
    assert_eq!(status.code(), Some(1), "{all}");
    assert!(
        stderr.contains("cancelling the running statement on the server"),
        "{all}"
    );
    assert!(
        stderr.contains("V2__more stopped with 1 of 3 statements done")
            && stderr.contains("run apply again to resume"),
        "{all}"
    );
    assert!(!stderr.contains("panicked"), "{all}");

    // nothing keeps running on the server: the lock is still held, yet the ALTER is gone
    assert_eq!(running_alter(&mut watch, &db), 0, "{all}");
    let (status, done, total): (String, i64, i64) = {
        let r = watch
            .query_one(
                "SELECT status, statements_done, statements_total FROM bmdb_schema_history WHERE version = 2",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    assert_eq!((status.as_str(), done, total), ("running", 1, 3));
    let lock_rows: i64 = watch
        .query_one("SELECT count(*) FROM bmdb_lock", &[])
        .unwrap()
        .get(0);
    assert_eq!(lock_rows, 0, "the apply lock must be released");

    holder.batch_execute("COMMIT").unwrap();
    let r = run(bmdb(project.path()).args(["apply", "--url", &url, "--lock-timeout", "5"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("resuming at statement 2 of 3"), "{r:?}");
    let inserted: i64 = watch
        .query_one("SELECT count(*) FROM t", &[])
        .unwrap()
        .get(0);
    assert_eq!(inserted, 1, "the statement done before the stop ran once");
    project.assert_converged(&url);
}
