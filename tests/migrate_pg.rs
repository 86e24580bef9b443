//! Hand-written migrations on the real PostgreSQL: `bmdb migrate new` and `bmdb migrate hash`
//! (issue 10 item 3). The backfill example: add a nullable column (generated), fill it with a
//! hand-written UPDATE, then make it NOT NULL (generated); every apply converges.

mod support;

use std::fs;
use support::{bmdb, pg, run};

const REGIONS: &str = "database: shop\ndialect: postgres\n";
const V1: &str = "table: accounts\ncolumns:\n  - { name: account_id, type: INT8 }\n  - { name: email, type: STRING, nullable: false }\nprimary_key: [account_id]\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("regions.yaml"), REGIONS).unwrap();
    fs::create_dir(dir.path().join("schema")).unwrap();
    fs::write(dir.path().join("schema/accounts.yaml"), V1).unwrap();
    dir
}

fn converged(dir: &std::path::Path, url: &str) {
    let r = run(bmdb(dir).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "the plan after apply is not empty: {r:?}");
    let r = run(bmdb(dir).args(["drift", "--url", url]));
    assert_eq!(r.code, 0, "drift after apply: {r:?}");
}

fn lock(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("migrations/bmdb.lock")).unwrap()).unwrap()
}

#[test]
fn a_backfill_between_a_nullable_column_and_not_null_converges() {
    let db = pg().new_db("backfill");
    let url = pg().url(&db);
    let p = project();
    let dir = p.path();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "init"])).code, 0);
    assert_eq!(run(bmdb(dir).args(["apply", "--url", &url])).code, 0);
    pg().client(&db)
        .batch_execute("INSERT INTO accounts VALUES (1, 'a@x'), (2, 'b@x')")
        .unwrap();

    // 1. a nullable column, generated
    let with_nick = V1.replace(
        "primary_key",
        "  - { name: nick, type: STRING }\nprimary_key",
    );
    fs::write(dir.join("schema/accounts.yaml"), &with_nick).unwrap();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "add_nick"])).code, 0);

    // 2. the hand-written backfill: recorded without changing the lock's model state
    let state_before = lock(dir)["state"].clone();
    let r = run(bmdb(dir).args(["migrate", "new", "backfill_nick"]));
    assert_eq!(r.code, 0, "{r:?}");
    let file = dir.join("migrations/V3__backfill_nick.sql");
    assert!(file.is_file(), "{r:?}");
    assert_eq!(lock(dir)["state"], state_before);
    assert_eq!(lock(dir)["migrations"][2]["name"], "backfill_nick");
    // an empty hand-written migration plans clean
    assert_eq!(run(bmdb(dir).args(["plan", "--detailed-exitcode"])).code, 0);

    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("UPDATE accounts SET nick = split_part(email, '@', 1) WHERE nick IS NULL;\n");
    fs::write(&file, &text).unwrap();
    // edited and not re-hashed: refused, saying what to do
    let r = run(bmdb(dir).args(["plan"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("V3__backfill_nick.sql was edited"),
        "{r:?}"
    );
    assert!(r.stderr.contains("bmdb migrate hash"), "{r:?}");
    // status, apply and drift name it in the same words (issue 10 item 8)
    let words = "migrations/V3__backfill_nick.sql was edited after bmdb wrote it";
    let r = run(bmdb(dir).args(["status", "--url", &url]));
    assert!(r.stderr.contains(words), "{r:?}");
    let r = run(bmdb(dir).args(["apply", "--url", &url]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains(words), "{r:?}");
    let r = run(bmdb(dir).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains(words), "{r:?}");
    assert!(r.stdout.contains("bmdb migrate hash"), "{r:?}");
    let r = run(bmdb(dir).args(["migrate", "hash", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Re-hashed migrations/V3__backfill_nick.sql"),
        "{r:?}"
    );

    // 3. NOT NULL, generated
    fs::write(
        dir.join("schema/accounts.yaml"),
        with_nick.replace(
            "{ name: nick, type: STRING }",
            "{ name: nick, type: STRING, nullable: false }",
        ),
    )
    .unwrap();
    assert_eq!(
        run(bmdb(dir).args(["plan", "--write", "nick_not_null"])).code,
        0
    );

    let r = run(bmdb(dir).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let nicks: Vec<String> = pg()
        .client(&db)
        .query("SELECT nick FROM accounts ORDER BY account_id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(nicks, ["a", "b"]);
    let r = run(bmdb(dir).args(["status", "--url", &url, "--format", "json"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("backfill_nick"),
        "status lists the hand-written one: {r:?}"
    );
    converged(dir, &url);

    // The backfill ran: re-hashing an edit of it is refused, showing both checksums.
    fs::write(&file, format!("{text}-- a later edit\n")).unwrap();
    let r = run(bmdb(dir).args(["migrate", "hash", "--url", &url]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("refusing to re-hash migrations that already ran"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("V3__backfill_nick.sql: the database's history has it applied with checksum"),
        "{r:?}"
    );
    assert!(r.stderr.contains("the file's checksum is now"), "{r:?}");
    assert!(!r.stdout.contains("Re-hashed"), "{r:?}");
    // the lock was not touched: the edit is still refused
    assert_eq!(run(bmdb(dir).args(["plan"])).code, 1);
}

#[test]
fn destructive_hand_written_statements_need_allow_destructive() {
    let db = pg().new_db("handdestr");
    let url = pg().url(&db);
    let p = project();
    let dir = p.path();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "init"])).code, 0);
    assert_eq!(run(bmdb(dir).args(["apply", "--url", &url])).code, 0);
    pg().client(&db)
        .batch_execute("INSERT INTO accounts VALUES (1, 'a@x')")
        .unwrap();
    assert_eq!(run(bmdb(dir).args(["migrate", "new", "purge"])).code, 0);
    let file = dir.join("migrations/V2__purge.sql");
    let mut text = fs::read_to_string(&file).unwrap();
    // the WHERE in a string or a comment does not count
    text.push_str("-- WHERE nothing\nDELETE FROM accounts /* where */;\nUPDATE accounts SET email = 'where';\n");
    fs::write(&file, &text).unwrap();
    assert_eq!(run(bmdb(dir).args(["migrate", "hash"])).code, 0);

    let r = run(bmdb(dir).args(["apply", "--url", &url]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("DELETE without WHERE"), "{r:?}");
    assert!(r.stderr.contains("UPDATE without WHERE"), "{r:?}");
    assert!(r.stderr.contains("--allow-destructive"), "{r:?}");
    let n: i64 = pg()
        .client(&db)
        .query_one("SELECT count(*) FROM accounts", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "nothing ran");

    let r = run(bmdb(dir).args(["apply", "--url", &url, "--allow-destructive"]));
    assert_eq!(r.code, 0, "{r:?}");
    let n: i64 = pg()
        .client(&db)
        .query_one("SELECT count(*) FROM accounts", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    converged(dir, &url);
}

#[test]
fn migrate_refuses_bad_input_and_writes_nothing() {
    let p = project();
    let dir = p.path();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "init"])).code, 0);
    let before = fs::read_to_string(dir.join("migrations/bmdb.lock")).unwrap();
    let r = run(bmdb(dir).args(["migrate", "new", "../etc"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    // a stray file is not something hash re-records
    fs::write(dir.join("migrations/V7__stray.sql"), "SELECT 1;\n").unwrap();
    let r = run(bmdb(dir).args(["migrate", "hash"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("V7__stray.sql is not recorded in migrations/bmdb.lock"),
        "{r:?}"
    );
    let r = run(bmdb(dir).args(["migrate", "new", "more"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        fs::read_to_string(dir.join("migrations/bmdb.lock")).unwrap(),
        before
    );
    assert!(!dir.join("migrations/V8__more.sql").exists());
}

#[test]
fn rm_takes_the_latest_step_back_lock_state_and_all() {
    let db = pg().new_db("migraterm");
    let url = pg().url(&db);
    let p = project();
    let dir = p.path();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "init"])).code, 0);
    let lock_v1 = fs::read_to_string(dir.join("migrations/bmdb.lock")).unwrap();
    let with_nick = V1.replace(
        "primary_key",
        "  - { name: nick, type: STRING }\nprimary_key",
    );
    fs::write(dir.join("schema/accounts.yaml"), &with_nick).unwrap();
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "add_nick"])).code, 0);
    assert_eq!(run(bmdb(dir).args(["plan", "--detailed-exitcode"])).code, 0);

    // only the latest may go
    let r = run(bmdb(dir).args(["migrate", "rm", "V1"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("V1 is not the latest migration of migrations (V2 is)"),
        "{r:?}"
    );

    let r = run(bmdb(dir).args(["migrate", "rm", "V2"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("warning: a database that already applied V2"),
        "{r:?}"
    );
    assert!(!dir.join("migrations/V2__add_nick.sql").exists());
    let lock_now: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("migrations/bmdb.lock")).unwrap())
            .unwrap();
    let lock_then: serde_json::Value = serde_json::from_str(&lock_v1).unwrap();
    assert_eq!(lock_now, lock_then, "the lock is as it was before V2");
    // the model's change is pending again
    assert_eq!(run(bmdb(dir).args(["plan", "--detailed-exitcode"])).code, 2);
    // one step of undo is kept: a second rm says why it cannot
    let r = run(bmdb(dir).args(["migrate", "rm"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("holds no state from before V1"), "{r:?}");
    assert!(dir.join("migrations/V1__init.sql").exists());

    // written again, applied, removed: the database that ran it shows drift
    assert_eq!(run(bmdb(dir).args(["plan", "--write", "add_nick"])).code, 0);
    assert_eq!(run(bmdb(dir).args(["apply", "--url", &url])).code, 0);
    converged(dir, &url);
    assert_eq!(run(bmdb(dir).args(["migrate", "rm"])).code, 0);
    let r = run(bmdb(dir).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
}
