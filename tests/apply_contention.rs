//! Several `bmdb apply` processes started at once on a fresh PostgreSQL database: bmdb's own
//! tables are created race-free (an advisory lock around the bootstrap), so every apply
//! waits for the one holding the lock and succeeds; each migration is recorded once and the
//! schema is the one a lone apply gives.

mod support;

use std::process::{Child, Stdio};
use support::{bmdb, pg, run, Project, PASSWORD};

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "V1__init.sql",
        "CREATE TABLE a (id int8 PRIMARY KEY, note text);\nCREATE TABLE b (id int8 PRIMARY KEY);\n\
         INSERT INTO a (id) VALUES (1);\n",
    ),
    (
        "V2__index.sql",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_note_idx ON a (note);\nALTER TABLE b ADD COLUMN qty int4;\n",
    ),
    ("V3__more.sql", "INSERT INTO a (id) VALUES (2);\n"),
];

const SCHEMA: &[(&str, &str)] = &[
    (
        "a.yaml",
        "table: a\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: note, type: STRING }\nprimary_key: [id]\n\
         indexes:\n  - { name: a_note_idx, columns: [note] }\n",
    ),
    (
        "b.yaml",
        "table: b\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: qty, type: INT4 }\nprimary_key: [id]\n",
    ),
];

const ROUNDS: usize = 5;
const APPLIES: usize = 5;

/// Columns, indexes, rows of `a` (with multiplicity) and the history, without times.
fn fingerprint(db: &str) -> Vec<String> {
    let mut c = pg().client(db);
    let mut out = Vec::new();
    for sql in [
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'bmdb_lock' ORDER BY 1",
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        "SELECT 'a ' || id || ' x' || count(*) FROM a GROUP BY id ORDER BY id",
        "SELECT version || ' ' || name || ' ' || status || ' ' || statements_done || '/' || statements_total \
         FROM bmdb_schema_history ORDER BY version",
        "SELECT 'lock rows ' || count(*) FROM bmdb_lock",
    ] {
        for row in c.query(sql, &[]).unwrap() {
            out.push(row.get(0));
        }
    }
    out
}

#[test]
fn simultaneous_first_applies_all_wait_and_succeed() {
    let project = Project::modelled("postgres", MIGRATIONS, SCHEMA);
    let lone = pg().new_db("contention_lone");
    let r = run(bmdb(project.path()).args(["apply", "--url", &pg().url(&lone)]));
    assert_eq!(r.code, 0, "{r:?}");
    let expected = fingerprint(&lone);
    assert!(
        expected.contains(&"3 more applied 1/1".to_string()),
        "{expected:?}"
    );

    for round in 0..ROUNDS {
        let db = pg().new_db(&format!("contention{round}"));
        let url = pg().url(&db);
        let children: Vec<Child> = (0..APPLIES)
            .map(|_| {
                bmdb(project.path())
                    .args(["apply", "--url", &url, "--lock-timeout", "120"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
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
            assert!(!text.contains(PASSWORD), "{text}");
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: a simultaneous apply failed:\n{text}"
            );
        }
        assert_eq!(fingerprint(&db), expected, "round {round}");
        project.assert_converged(&url);
    }
}
