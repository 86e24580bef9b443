//! `bmdb apply` on a project with a model: it refuses a model with unwritten changes, and a
//! written model applies, converges (the next plan is empty) and re-applies as a no-op.

mod support;

use std::fs;
use support::{bmdb, pg, run};

const REGIONS: &str = "database: shop\ndialect: postgres\n";
const ACCOUNTS: &str = "table: accounts\ncolumns:\n  - { name: account_id, type: UUID, default: gen_random_uuid() }\n  - { name: email, type: STRING, nullable: false }\nprimary_key: [account_id]\nunique:\n  - [email]\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("regions.yaml"), REGIONS).unwrap();
    fs::create_dir(dir.path().join("schema")).unwrap();
    fs::write(dir.path().join("schema/accounts.yaml"), ACCOUNTS).unwrap();
    dir
}

#[test]
fn apply_refuses_unwritten_model_changes_and_sends_nothing() {
    let db = pg().new_db("unwritten");
    let p = project();
    let r = run(bmdb(p.path()).args(["apply", "--url", &pg().url(&db)]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("1 change not yet written as a migration (create_table accounts"),
        "{r:?}"
    );
    assert!(r.stderr.contains("bmdb plan --write NAME"), "{r:?}");
    let mut c = pg().client(&db);
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "nothing may be sent, not even the history table");
}

#[test]
fn written_model_applies_converges_and_reapplies_as_a_no_op() {
    let db = pg().new_db("written");
    let url = pg().url(&db);
    let p = project();
    assert_eq!(
        run(bmdb(p.path()).args(["plan", "--write", "init"])).code,
        0
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let mut c = pg().client(&db);
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
    // Convergence: nothing left to plan or apply.
    assert_eq!(
        run(bmdb(p.path()).args(["plan", "--detailed-exitcode"])).code,
        0
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("nothing to apply"), "{r:?}");
    let r = run(bmdb(p.path()).args(["status", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");

    // A second change goes the same way.
    let yaml = ACCOUNTS.replace(
        "primary_key",
        "  - { name: nickname, type: STRING }\nprimary_key",
    );
    fs::write(p.path().join("schema/accounts.yaml"), yaml).unwrap();
    assert_eq!(run(bmdb(p.path()).args(["apply", "--url", &url])).code, 1);
    assert_eq!(
        run(bmdb(p.path()).args(["plan", "--write", "nickname"])).code,
        0
    );
    let r = run(bmdb(p.path()).args(["status", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 2, "V2 is pending: {r:?}");
    assert_eq!(run(bmdb(p.path()).args(["apply", "--url", &url])).code, 0);
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
}

#[test]
fn zone_commands_say_they_do_not_apply_to_postgres_and_change_nothing() {
    let p = project();
    let before = fs::read(p.path().join("schema/accounts.yaml")).unwrap();
    let r = run(bmdb(p.path()).args(["zones", "set", "table", "accounts", "gc.ttlseconds=600"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("do not apply to this project (dialect: postgres)"),
        "{r:?}"
    );
    assert_eq!(
        before,
        fs::read(p.path().join("schema/accounts.yaml")).unwrap()
    );
    let r = run(bmdb(p.path()).args(["zones", "show"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("do not apply"), "{r:?}");
    assert!(!p.path().join("migrations").exists());
}

#[test]
fn apply_fails_loudly_when_the_live_schema_does_not_match_the_model() {
    let db = pg().new_db("verify");
    let url = pg().url(&db);
    pg().client(&db)
        .batch_execute("CREATE TABLE intruder (id int8 PRIMARY KEY)")
        .unwrap();
    let p = project();
    assert_eq!(
        run(bmdb(p.path()).args(["plan", "--write", "init"])).code,
        0
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("does not match the model"), "{r:?}");
    assert!(r.stderr.contains("intruder"), "names the object: {r:?}");
    // The migration itself ran and is recorded; only the verification failed.
    let r = run(bmdb(p.path()).args(["status", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
}

/// Defaults and checks are SQL the schema's authors wrote: semicolons, doubled quotes,
/// E'' escapes and dollar quotes must reach the server exactly as written.
#[test]
fn literals_with_semicolons_and_escapes_survive_plan_write_and_apply() {
    let db = pg().new_db("literals");
    let url = pg().url(&db);
    let p = project();
    fs::write(
        p.path().join("schema/notes.yaml"),
        "table: notes\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: a, type: STRING, default: \"'x;y'\" }\n  - { name: b, type: STRING, default: \"$$it's; fine$$\" }\n  - { name: c, type: STRING, default: \"E'a\\\\';b'\" }\nprimary_key: [id]\nchecks:\n  - { name: notes_a_check, expr: \"a <> 'it''s;'\" }\n",
    )
    .unwrap();
    assert_eq!(
        run(bmdb(p.path()).args(["plan", "--write", "init"])).code,
        0
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let mut c = pg().client(&db);
    c.batch_execute("INSERT INTO notes (id) VALUES (1)")
        .unwrap();
    let row = c.query_one("SELECT a, b, c FROM notes", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), "x;y");
    assert_eq!(row.get::<_, String>(1), "it's; fine");
    assert_eq!(row.get::<_, String>(2), "a';b");
    let r = run(bmdb(p.path()).args(["drift", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
}
