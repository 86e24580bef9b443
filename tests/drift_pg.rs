//! `bmdb drift`, `bmdb plan --url` and verify-after-apply end to end against a real
//! PostgreSQL 15: a project applied through its own migrations converges (drift exit 0,
//! plan --url empty), and each hand-made change is reported as exactly that object.

mod support;

use bmdb::apply::{run_apply, ApplyArgs};
use bmdb::db::ConnectOpts;
use bmdb::migrations::Line;
use bmdb::model::Dialect;
use std::path::Path;
use support::{bmdb, pg, run};

const REGIONS: &str = "database: game\ndialect: postgres\n";

const PLAYERS: &str = r#"table: players
comment: Everyone who plays
columns:
  - { name: player_id, type: INT8 }
  - { name: name, type: STRING, nullable: false }
  - { name: status, type: STRING, nullable: false, default: "'active'" }
  - { name: level, type: INT4, default: "1" }
  - { name: created_at, type: TIMESTAMPTZ, nullable: false, default: now() }
primary_key: [player_id]
unique:
  - [name]
indexes:
  - { columns: [level] }
  - { columns: [created_at], where: "level > 0" }
checks:
  - { name: level_in_range, expr: "level > 0 AND level < 1000" }
"#;

const ITEMS: &str = r#"table: items
columns:
  - { name: item_id, type: BIGSERIAL }
  - { name: player_id, type: INT8, nullable: false }
  - { name: price, type: "DECIMAL(12,2)", default: "0" }
  - { name: props, type: JSONB, comment: free-form properties }
primary_key: [item_id]
indexes:
  - { columns: [player_id, { column: price, desc: true }], storing: [props] }
  - { name: items_props_idx, columns: [props], using: gin }
foreign_keys:
  - { columns: [player_id], references: { table: players, columns: [player_id] }, on_delete: cascade }
"#;

pub fn write_project(dir: &Path, regions: &str, tables: &[(&str, &str)]) {
    std::fs::write(dir.join("regions.yaml"), regions).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    for (name, text) in tables {
        std::fs::write(dir.join("schema").join(format!("{name}.yaml")), text).unwrap();
    }
}

pub fn connect_opts(url: &str) -> ConnectOpts {
    ConnectOpts {
        url: Some(url.into()),
        connect_timeout: Some(std::time::Duration::from_secs(10)),
        connect_retries: 3,
        ..Default::default()
    }
}

/// `bmdb plan --write NAME` through the binary, then the library's apply (the one
/// `bmdb apply` runs).
pub fn write_and_apply(dir: &Path, name: &str, url: &str) {
    let r = run(bmdb(dir).args(["plan", "--write", name]));
    assert_eq!(r.code, 0, "plan --write: {r:?}");
    let args = ApplyArgs {
        quiet: true,
        ..ApplyArgs::default()
    };
    run_apply(
        &Line::single(dir, Dialect::Postgres),
        &connect_opts(url),
        &args,
    )
    .expect("apply");
}

fn drift_json(dir: &Path, url: &str) -> (i32, serde_json::Value) {
    let r = run(bmdb(dir).args(["drift", "--format", "json", "--url", url]));
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("drift JSON: {e}\n{r:?}"));
    (r.code, v)
}

fn applied_project(hint: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    write_project(
        dir.path(),
        REGIONS,
        &[("players", PLAYERS), ("items", ITEMS)],
    );
    let db = pg().new_db(hint);
    let url = pg().url(&db);
    write_and_apply(dir.path(), "init", &url);
    (dir, db, url)
}

#[test]
fn applied_project_converges_drift_clean_and_plan_url_empty() {
    let (dir, _db, url) = applied_project("converge");
    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["version"], 1);
    assert_eq!(v["clean"], true);
    for cat in [
        "model_vs_migrations",
        "migrations_vs_history",
        "live_vs_model",
    ] {
        assert_eq!(v["categories"][cat]["clean"], true, "{cat}: {v:#}");
    }
    assert_eq!(v["catalog_queries"], bmdb::catalog::postgres::QUERY_COUNT);

    let r = run(bmdb(dir.path()).args(["drift", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("No drift."), "{r:?}");

    let r = run(bmdb(dir.path()).args(["plan", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("No changes: the live database matches the model."),
        "{r:?}"
    );
    let r = run(bmdb(dir.path()).args([
        "plan",
        "--url",
        &url,
        "--format",
        "json",
        "--detailed-exitcode",
    ]));
    assert_eq!(r.code, 0, "{r:?}");

    // verify_live agrees
    let mut conn = connect_opts(&url).connect().unwrap();
    let desired = bmdb::model::load_project(dir.path()).unwrap();
    bmdb::catalog::verify_live(&mut conn, &desired).expect("verify after apply");
}

struct Mutation {
    name: &'static str,
    sql: &'static str,
    object: &'static str,
    what: &'static str,
    expected: &'static str,
    actual: &'static str,
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        name: "add_column",
        sql: "ALTER TABLE players ADD COLUMN nickname text",
        object: "players.nickname",
        what: "column",
        expected: "absent (not in the model)",
        actual: "STRING",
    },
    Mutation {
        name: "drop_index",
        sql: "DROP INDEX players_level_idx",
        object: "players@players_level_idx",
        what: "index",
        expected: "btree (level)",
        actual: "missing",
    },
    Mutation {
        name: "change_default",
        sql: "ALTER TABLE players ALTER COLUMN status SET DEFAULT 'banned'",
        object: "players.status",
        what: "default",
        expected: "'active'",
        actual: "'banned'",
    },
    Mutation {
        name: "relax_not_null",
        sql: "ALTER TABLE players ALTER COLUMN name DROP NOT NULL",
        object: "players.name",
        what: "nullability",
        expected: "NOT NULL",
        actual: "NULL",
    },
    Mutation {
        name: "add_table",
        sql: "CREATE TABLE rogue (id int PRIMARY KEY, note text)",
        object: "rogue",
        what: "table",
        expected: "absent (not in the model)",
        actual: "table with 2 columns",
    },
];

#[test]
fn each_hand_made_change_is_reported_as_exactly_that_object() {
    for m in MUTATIONS {
        let (dir, db, url) = applied_project(m.name);
        pg().client(&db).batch_execute(m.sql).unwrap();

        let (code, v) = drift_json(dir.path(), &url);
        assert_eq!(code, 2, "{}: {v:#}", m.name);
        assert_eq!(v["clean"], false);
        assert_eq!(v["categories"]["model_vs_migrations"]["clean"], true);
        assert_eq!(v["categories"]["migrations_vs_history"]["clean"], true);
        let diffs = v["categories"]["live_vs_model"]["differences"]
            .as_array()
            .unwrap();
        assert_eq!(diffs.len(), 1, "{}: exactly one difference: {v:#}", m.name);
        let d = &diffs[0];
        assert_eq!(d["object"], m.object, "{}", m.name);
        assert_eq!(d["what"], m.what, "{}", m.name);
        assert_eq!(d["expected"], m.expected, "{}", m.name);
        assert_eq!(d["actual"], m.actual, "{}", m.name);

        let r = run(bmdb(dir.path()).args(["drift", "--url", &url]));
        assert_eq!(r.code, 2, "{r:?}");
        assert!(
            r.stdout
                .contains("live schema vs model:  DRIFT (1 difference)"),
            "{r:?}"
        );
        for needle in [m.object, m.expected, m.actual] {
            assert!(r.stdout.contains(needle), "{}: {needle} in {r:?}", m.name);
        }

        // verify_live names the same object
        let mut conn = connect_opts(&url).connect().unwrap();
        let desired = bmdb::model::load_project(dir.path()).unwrap();
        let err = bmdb::catalog::verify_live(&mut conn, &desired).unwrap_err();
        assert!(format!("{err:#}").contains(m.object), "{err:#}");

        // plan --url repairs it, and once applied the database converges again
        let r = run(bmdb(dir.path()).args(["plan", "--url", &url, "--detailed-exitcode"]));
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stdout.contains(m.object), "{r:?}");
    }
}

#[test]
fn plan_url_write_records_the_repair_as_the_next_migration() {
    let (dir, db, url) = applied_project("repair");
    pg().client(&db)
        .batch_execute("ALTER TABLE players ALTER COLUMN status SET DEFAULT 'banned'; DROP INDEX players_level_idx")
        .unwrap();
    let r = run(bmdb(dir.path()).args(["plan", "--url", &url, "--write", "repair"]));
    assert_eq!(r.code, 0, "{r:?}");
    let file = dir.path().join("migrations/V2__repair.sql");
    let sql = std::fs::read_to_string(&file).unwrap();
    assert!(sql.contains("SET DEFAULT 'active'"), "{sql}");
    assert!(sql.contains("CREATE INDEX"), "{sql}");
    // the lock still holds the desired model: nothing unwritten
    let r = run(bmdb(dir.path()).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    // migrations vs history: V2 pending
    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 2);
    assert_eq!(
        v["categories"]["migrations_vs_history"]["migrations"][0]["state"], "pending",
        "{v:#}"
    );
    let args = ApplyArgs {
        quiet: true,
        ..ApplyArgs::default()
    };
    run_apply(
        &Line::single(dir.path(), Dialect::Postgres),
        &connect_opts(&url),
        &args,
    )
    .unwrap();
    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn unwritten_model_changes_are_their_own_category() {
    let (dir, _db, url) = applied_project("unwritten");
    let more = PLAYERS.replace(
        "primary_key: [player_id]",
        "  - { name: email, type: STRING }\nprimary_key: [player_id]",
    );
    std::fs::write(dir.path().join("schema/players.yaml"), more).unwrap();
    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 2, "{v:#}");
    let changes = &v["categories"]["model_vs_migrations"]["changes"];
    assert_eq!(changes[0]["object"], "players.email", "{v:#}");
    assert_eq!(changes[0]["kind"], "add_column");
    let live = &v["categories"]["live_vs_model"]["differences"];
    assert_eq!(live[0]["object"], "players.email", "{v:#}");
    assert_eq!(live[0]["actual"], "missing");
}

#[test]
fn drift_without_a_database_is_an_error_not_drift() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path(), REGIONS, &[("players", PLAYERS)]);
    let r = run(bmdb(dir.path()).args(["drift"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("no database URL"), "{r:?}");
    let bad = pg().url("no_such_db_here");
    let r = run(bmdb(dir.path()).args(["drift", "--url", &bad, "--connect-retries", "0"]));
    assert_eq!(r.code, 1, "{r:?}");
}

/// The repository's own BlueMarble model, rendered for PostgreSQL, applied, then drift-free.
#[test]
fn bluemarble_in_the_postgres_dialect_applies_without_drift() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let regions = std::fs::read_to_string(root.join("regions.yaml"))
        .unwrap()
        .lines()
        // BlueMarble declares environments; this project is its model with one line, postgres
        .filter(|l| {
            ![
                "environments:",
                "  prototype:",
                "  production:",
                "default_environment:",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        + "dialect: postgres\n";
    assert!(regions.contains("dialect: postgres"));
    std::fs::write(dir.path().join("regions.yaml"), regions).unwrap();
    // its backup schedule too: the postgres dialect leaves it out, and drift reads none
    std::fs::copy(root.join("backups.yaml"), dir.path().join("backups.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("schema")).unwrap();
    for e in std::fs::read_dir(root.join("schema")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join("schema").join(p.file_name().unwrap())).unwrap();
    }
    let db = pg().new_db_postgis("bluemarble");
    let url = pg().url(&db);
    write_and_apply(dir.path(), "init", &url);
    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 0, "{v:#}");
    let r = run(bmdb(dir.path()).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
}

/// The findings of `migrations_vs_history` for one version, by what they compared.
fn migration_findings(v: &serde_json::Value, version: i64) -> Vec<serde_json::Value> {
    v["categories"]["migrations_vs_history"]["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["version"] == version)
        .cloned()
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    bmdb::migrations::checksum(bytes)
}

#[test]
fn an_edited_migration_is_drift_naming_both_checksums() {
    let (dir, _db, url) = applied_project("edited_file");
    let v1 = dir.path().join("migrations/V1__init.sql");
    let before = std::fs::read(&v1).unwrap();
    let mut after = before.clone();
    after.extend_from_slice(b"-- a hand edit\n");
    std::fs::write(&v1, &after).unwrap();
    let (old, new) = (sha256_hex(&before), sha256_hex(&after));

    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(v["clean"], false);
    let cat = &v["categories"]["migrations_vs_history"];
    assert_eq!(cat["clean"], false, "{v:#}");
    let found = migration_findings(&v, 1);
    let lock = found
        .iter()
        .find(|m| m["against"] == "lock")
        .unwrap_or_else(|| panic!("no lock finding for V1: {v:#}"));
    assert_eq!(lock["name"], "init");
    assert_eq!(lock["state"], "edited");
    assert_eq!(lock["recorded_checksum"], old.as_str(), "{v:#}");
    assert_eq!(lock["file_checksum"], new.as_str(), "{v:#}");
    let history = found
        .iter()
        .find(|m| m["against"] == "history")
        .unwrap_or_else(|| panic!("no history finding for V1: {v:#}"));
    assert_eq!(history["state"], "edited");
    assert_eq!(history["recorded_checksum"], old.as_str());
    assert_eq!(history["file_checksum"], new.as_str());
    // the other categories still ran
    assert_eq!(v["categories"]["model_vs_migrations"]["clean"], true);
    assert_eq!(v["categories"]["live_vs_model"]["clean"], true);

    let r = run(bmdb(dir.path()).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("migrations vs history: DRIFT"), "{r:?}");
    assert!(r.stdout.contains("V1 init"), "{r:?}");
    assert!(
        r.stdout.contains("edited") || r.stdout.contains("file vs bmdb.lock"),
        "{r:?}"
    );
    assert!(r.stdout.contains(&old[..12]), "lock checksum: {r:?}");
    assert!(r.stdout.contains(&new[..12]), "file checksum: {r:?}");
    assert!(r.stdout.contains("bmdb.lock"), "{r:?}");

    // other commands still refuse a folder that does not match its lock
    let r = run(bmdb(dir.path()).args(["plan"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("does not match its lock"), "{r:?}");
}

#[test]
fn deleted_and_stray_migrations_are_drift_named_missing_and_stray() {
    let (dir, _db, url) = applied_project("missing_file");
    std::fs::remove_file(dir.path().join("migrations/V1__init.sql")).unwrap();
    std::fs::write(dir.path().join("migrations/V2__by_hand.sql"), "SELECT 1;\n").unwrap();

    let (code, v) = drift_json(dir.path(), &url);
    assert_eq!(code, 2, "{v:#}");
    let v1 = migration_findings(&v, 1);
    let lock = v1
        .iter()
        .find(|m| m["against"] == "lock")
        .unwrap_or_else(|| panic!("no lock finding for V1: {v:#}"));
    assert_eq!(lock["name"], "init");
    assert_eq!(lock["state"], "missing");
    let history = v1.iter().find(|m| m["against"] == "history").unwrap();
    assert_eq!(history["state"], "missing", "{v:#}");
    let v2 = migration_findings(&v, 2);
    assert!(
        v2.iter()
            .any(|m| m["against"] == "lock" && m["state"] == "stray" && m["name"] == "by_hand"),
        "{v:#}"
    );
    assert!(
        v2.iter()
            .any(|m| m["against"] == "history" && m["state"] == "pending"),
        "{v:#}"
    );

    let r = run(bmdb(dir.path()).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("V1 init"), "{r:?}");
    assert!(r.stdout.contains("file missing"), "{r:?}");
    assert!(r.stdout.contains("V2 by_hand"), "{r:?}");
    assert!(r.stdout.contains("stray file"), "{r:?}");
}

#[test]
fn an_unreadable_lock_is_an_error_not_drift() {
    let (dir, _db, url) = applied_project("bad_lock");
    std::fs::write(dir.path().join("migrations/bmdb.lock"), "not json").unwrap();
    let r = run(bmdb(dir.path()).args(["drift", "--format", "json", "--url", &url]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("is not a bmdb lock file"), "{r:?}");
}
