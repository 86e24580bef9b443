//! Server rows bmdb did not write, on a real PostgreSQL 15: its own tables pre-created with
//! another shape, rows holding NULLs, and history rows edited by hand so that they no longer
//! fit the migration files. Each is exit 1 with a message naming the table and column (or
//! the migration), never a panic, and nothing of the migrations is run.

mod support;

use support::{bmdb, pg, run, Project, Run};

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "V1__init.sql",
        "CREATE TABLE a (id int8 PRIMARY KEY);\nCREATE TABLE b (id int8 PRIMARY KEY);\n",
    ),
    (
        "V2__more.sql",
        "ALTER TABLE a ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a_note_idx ON a (note);\n\
         ALTER TABLE b ADD COLUMN qty int4;\n",
    ),
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

fn apply(project: &Project, db: &str) -> Run {
    run(bmdb(project.path()).args(["apply", "--url", &pg().url(db)]))
}

fn refused(r: &Run, expect: &[&str]) {
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.all().contains("panicked"), "{r:?}");
    for e in expect {
        assert!(r.stderr.contains(e), "missing {e:?}: {r:?}");
    }
}

fn nothing_ran(db: &str) {
    let n: i64 = pg()
        .client(db)
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_name IN ('a', 'b')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "a migration ran");
}

#[test]
fn bmdb_tables_of_another_shape_are_reported_before_anything_runs() {
    let project = Project::modelled("postgres", MIGRATIONS, SCHEMA);

    let db = pg().new_db("shape_history");
    pg().client(&db)
        .batch_execute("CREATE TABLE bmdb_schema_history (version TEXT PRIMARY KEY, name TEXT, note TEXT NOT NULL)")
        .unwrap();
    let r = apply(&project, &db);
    refused(
        &r,
        &[
            "the table bmdb_schema_history exists but is not the one bmdb uses",
            "column version has type text, bmdb needs bigint",
            "column statements_done (bigint) is missing",
            "column note (text) is NOT NULL without a default",
            "help: ",
        ],
    );
    nothing_ran(&db);
    let r = run(bmdb(project.path()).args(["status", "--url", &pg().url(&db)]));
    refused(&r, &["column version has type text, bmdb needs bigint"]);

    let db = pg().new_db("shape_lock");
    pg().client(&db)
        .batch_execute("CREATE TABLE bmdb_lock (id INT8 PRIMARY KEY, holder TEXT, pid TEXT)")
        .unwrap();
    let r = apply(&project, &db);
    refused(
        &r,
        &[
            "the table bmdb_lock exists but is not the one bmdb uses",
            "column holder_id (text) is missing",
            "column pid has type text, bmdb needs bigint",
        ],
    );
    nothing_ran(&db);
}

#[test]
fn nulls_in_bmdb_tables_are_errors_naming_the_column() {
    let project = Project::modelled("postgres", MIGRATIONS, SCHEMA);

    // the right types, but nullable, holding a NULL bmdb never writes
    let db = pg().new_db("null_history");
    pg().client(&db)
        .batch_execute(
            "CREATE TABLE bmdb_schema_history (version INT8 PRIMARY KEY, name TEXT, checksum TEXT, \
             status TEXT, statements_total INT8, statements_done INT8, in_doubt INT8, \
             started_at TIMESTAMPTZ DEFAULT now(), finished_at TIMESTAMPTZ, execution_ms INT8, applied_by TEXT);
             INSERT INTO bmdb_schema_history (version, name, checksum, status, statements_total, applied_by) \
             VALUES (1, 'init', 'x', 'applied', 2, 'someone')",
        )
        .unwrap();
    let r = apply(&project, &db);
    refused(
        &r,
        &["unexpected value in bmdb_schema_history, column statements_done (of V1): it is NULL"],
    );
    nothing_ran(&db);

    let db = pg().new_db("null_lock");
    pg().client(&db)
        .batch_execute(
            "CREATE TABLE bmdb_lock (id INT8 PRIMARY KEY, holder_id TEXT, host TEXT, pid INT8, \
             since TIMESTAMPTZ, expires_at TIMESTAMPTZ);
             INSERT INTO bmdb_lock VALUES (1, 'elsewhere:1:1', NULL, 1, now(), now() + interval '1 hour')",
        )
        .unwrap();
    let r =
        run(bmdb(project.path()).args(["apply", "--url", &pg().url(&db), "--lock-timeout", "0"]));
    refused(
        &r,
        &["unexpected value in bmdb_lock, column host (of the lock row): it is NULL"],
    );
    nothing_ran(&db);
}

/// History rows edited so that they no longer fit the files: each is refused naming the
/// migration, with nothing run and nothing recorded; restored, apply resumes and converges.
#[test]
fn history_rows_that_do_not_fit_the_file_name_the_migration() {
    let project = Project::modelled("postgres", MIGRATIONS, SCHEMA);
    let db = pg().new_db("history_fit");
    let url = pg().url(&db);
    let r = run(bmdb(project.path()).args(["apply", "--url", &url, "--target", "1"]));
    assert_eq!(r.code, 0, "{r:?}");
    let mut c = pg().client(&db);
    // V2 partly applied: its first statement done, as a killed apply leaves it
    c.batch_execute("ALTER TABLE a ADD COLUMN note text")
        .unwrap();
    let checksum: String = c
        .query_one(
            "SELECT checksum FROM bmdb_schema_history WHERE version = 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!checksum.is_empty());
    let v2 = bmdb::migrations::scan(&bmdb::migrations::Line::single(
        project.path(),
        bmdb::model::Dialect::Postgres,
    ))
    .unwrap()
    .into_iter()
    .find(|f| f.version == 2)
    .unwrap()
    .checksum;
    c.execute(
        "INSERT INTO bmdb_schema_history (version, name, checksum, status, statements_total, \
         statements_done, applied_by) VALUES (2, 'more', $1, 'running', 3, 1, 'test')",
        &[&v2],
    )
    .unwrap();
    let history = |c: &mut postgres::Client| -> Vec<String> {
        c.query(
            "SELECT version || ' ' || status || ' ' || statements_done || '/' || statements_total || ' ' || \
             coalesce(in_doubt::text, '-') FROM bmdb_schema_history ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
    };
    let before = history(&mut c);

    let cases: &[(&str, &str, &str)] = &[
        (
            "UPDATE bmdb_schema_history SET statements_done = 7 WHERE version = 2",
            "UPDATE bmdb_schema_history SET statements_done = 1 WHERE version = 2",
            "V2__more: the row says 7 statements are done, outside 0..=3",
        ),
        (
            "UPDATE bmdb_schema_history SET statements_done = -1 WHERE version = 2",
            "UPDATE bmdb_schema_history SET statements_done = 1 WHERE version = 2",
            "V2__more: the row says -1 statements are done, outside 0..=3",
        ),
        (
            "UPDATE bmdb_schema_history SET statements_total = 5 WHERE version = 2",
            "UPDATE bmdb_schema_history SET statements_total = 3 WHERE version = 2",
            "V2__more: the row counts 5 statements but",
        ),
        (
            "UPDATE bmdb_schema_history SET statements_total = 1, statements_done = 1 WHERE version = 1",
            "UPDATE bmdb_schema_history SET statements_total = 2, statements_done = 2 WHERE version = 1",
            "V1__init: the row counts 1 statements but",
        ),
        (
            "UPDATE bmdb_schema_history SET statements_done = 0 WHERE version = 1",
            "UPDATE bmdb_schema_history SET statements_done = 2 WHERE version = 1",
            "V1__init: recorded as applied with only 0 of 2 statements done",
        ),
        (
            "UPDATE bmdb_schema_history SET in_doubt = 3 WHERE version = 2",
            "UPDATE bmdb_schema_history SET in_doubt = NULL WHERE version = 2",
            "V2__more: statement 3 is recorded as in doubt, but 1 of 3 are done",
        ),
        (
            "UPDATE bmdb_schema_history SET status = 'done' WHERE version = 2",
            "UPDATE bmdb_schema_history SET status = 'running' WHERE version = 2",
            "V2__more: status \"done\" is not one bmdb writes",
        ),
    ];
    for (break_it, restore, message) in cases {
        c.batch_execute(break_it).unwrap();
        for args in [vec!["apply"], vec!["apply", "--dry-run"]] {
            let r = run(bmdb(project.path()).args(&args).args(["--url", &url]));
            refused(
                &r,
                &[
                    "bmdb_schema_history does not fit the migration files",
                    message,
                    "help: ",
                ],
            );
        }
        c.batch_execute(restore).unwrap();
        assert_eq!(
            history(&mut c),
            before,
            "apply wrote history after: {message}"
        );
    }

    let r = run(bmdb(project.path()).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("resuming at statement 2 of 3"), "{r:?}");
    project.assert_converged(&url);
}
