//! Environments end to end against the real PostgreSQL the suite starts: one model, a
//! postgres prototype and a cockroach production, one migrations line per dialect.
//! `plan --write` writes both lines; the prototype line applies through its url_env and
//! converges (plan empty, drift 0); a cockroach line added later starts with the whole
//! model; a project without environments keeps its single line.

mod support;

use std::fs;
use std::path::Path;
use support::{bmdb, pg, run};

const PLAYERS: &str = "table: players
columns:
  - { name: player_id, type: INT8, nullable: false }
  - { name: name, type: STRING, nullable: false }
primary_key: [player_id]
";

const BOTH: &str = "database: game
primary_region: us-east1
regions: [us-east1, us-west1]
environments:
  prototype:  { dialect: postgres,  url_env: PROTOTYPE_DATABASE_URL }
  production: { dialect: cockroach, url_env: BMDB_DATABASE_URL }
";

fn project(regions: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("regions.yaml"), regions).unwrap();
    fs::create_dir(dir.path().join("schema")).unwrap();
    fs::write(dir.path().join("schema/players.yaml"), PLAYERS).unwrap();
    dir
}

/// The `.sql` files and the lock in `rel`, sorted.
fn files(dir: &Path, rel: &str) -> Vec<String> {
    let mut out: Vec<String> = match fs::read_dir(dir.join(rel)) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            // the migrations and the lock (migrate rm's undo record beside them is not a line's)
            .filter(|n| n.ends_with(".sql") || n == "bmdb.lock")
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn add_nickname(dir: &Path) {
    let players = PLAYERS.replace(
        "primary_key",
        "  - { name: nickname, type: STRING }\nprimary_key",
    );
    fs::write(dir.join("schema/players.yaml"), players).unwrap();
}

#[test]
fn plan_write_writes_both_lines_and_the_prototype_converges() {
    let p = project(BOTH);
    let dir = p.path();
    let r = run(bmdb(dir).args(["plan", "--write", "init"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        files(dir, "migrations/postgres"),
        ["V1__init.sql", "bmdb.lock"]
    );
    assert_eq!(
        files(dir, "migrations/cockroach"),
        ["V1__init.sql", "bmdb.lock"]
    );
    assert!(!dir.join("migrations/bmdb.lock").exists());
    let crdb = fs::read_to_string(dir.join("migrations/cockroach/V1__init.sql")).unwrap();
    assert!(
        crdb.contains("REGIONAL BY") || crdb.contains("PRIMARY REGION"),
        "{crdb}"
    );
    let pgsql = fs::read_to_string(dir.join("migrations/postgres/V1__init.sql")).unwrap();
    assert!(
        pgsql.contains("(postgres dialect)") && !pgsql.contains("REGION"),
        "{pgsql}"
    );

    // one change, written once, lands in both lines
    add_nickname(dir);
    let r = run(bmdb(dir).args(["plan", "--write", "add_nickname"]));
    assert_eq!(r.code, 0, "{r:?}");
    for line in ["migrations/postgres", "migrations/cockroach"] {
        assert_eq!(
            files(dir, line),
            ["V1__init.sql", "V2__add_nickname.sql", "bmdb.lock"],
            "{line}"
        );
        let v2 = fs::read_to_string(dir.join(line).join("V2__add_nickname.sql")).unwrap();
        assert!(v2.contains("nickname"), "{line}: {v2}");
    }
    for env in ["prototype", "production"] {
        let r = run(bmdb(dir).args(["plan", "--env", env, "--detailed-exitcode"]));
        assert_eq!(r.code, 0, "{env}: {r:?}");
    }

    // the prototype applies through its url_env, and never reads production's variable
    let db = pg().new_db("envproto");
    let url = pg().url(&db);
    let r = run(bmdb(dir).args(["apply", "--env", "prototype"]).env(
        "BMDB_DATABASE_URL",
        "postgres://nobody@127.0.0.1:1/production",
    ));
    assert_eq!(r.code, 1, "without PROTOTYPE_DATABASE_URL: {r:?}");
    assert!(r.stderr.contains("PROTOTYPE_DATABASE_URL"), "{r:?}");
    let r = run(bmdb(dir)
        .args(["apply", "--env", "prototype"])
        .env("PROTOTYPE_DATABASE_URL", &url));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(dir).args([
        "plan",
        "--env",
        "prototype",
        "--detailed-exitcode",
        "--url",
        &url,
    ]));
    assert_eq!(r.code, 0, "the plan after apply is not empty: {r:?}");
    let r = run(bmdb(dir)
        .args(["drift", "--env", "prototype"])
        .env("PROTOTYPE_DATABASE_URL", &url));
    assert_eq!(r.code, 0, "drift after apply: {r:?}");
    // the production line speaks cockroach: apply refuses the PostgreSQL server
    let r = run(bmdb(dir).args(["apply", "--env", "production", "--url", &url]));
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn a_line_added_later_starts_with_the_whole_model() {
    let only_pg = "database: game
primary_region: us-east1
regions: [us-east1, us-west1]
environments:
  prototype: { dialect: postgres, url_env: PROTOTYPE_DATABASE_URL }
";
    let p = project(only_pg);
    let dir = p.path();
    let r = run(bmdb(dir).args(["plan", "--write", "init"]));
    assert_eq!(r.code, 0, "{r:?}");
    add_nickname(dir);
    let r = run(bmdb(dir).args(["plan", "--write", "add_nickname"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!dir.join("migrations/cockroach").exists());

    fs::write(dir.join("regions.yaml"), BOTH).unwrap();
    let r = run(bmdb(dir).args(["plan", "--env", "production", "--detailed-exitcode"]));
    assert_eq!(r.code, 2, "the new line has everything to do: {r:?}");
    let r = run(bmdb(dir).args(["plan", "--write", "move_to_cockroach"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("No changes in migrations/postgres") || r.stdout.contains("No changes: the model matches the state of 2 migrations (migrations/postgres/bmdb.lock)"), "{r:?}");
    assert_eq!(
        files(dir, "migrations/postgres"),
        ["V1__init.sql", "V2__add_nickname.sql", "bmdb.lock"]
    );
    assert_eq!(
        files(dir, "migrations/cockroach"),
        ["V1__move_to_cockroach.sql", "bmdb.lock"]
    );
    let v1 =
        fs::read_to_string(dir.join("migrations/cockroach/V1__move_to_cockroach.sql")).unwrap();
    assert!(
        v1.contains("CREATE TABLE") && v1.contains("nickname"),
        "{v1}"
    );
    let r = run(bmdb(dir).args(["plan", "--env", "production", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn without_environments_the_single_line_stays_and_a_dialect_flip_is_explained() {
    let p = project("database: game\ndialect: postgres\n");
    let dir = p.path();
    let r = run(bmdb(dir).args(["plan", "--write", "init"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(files(dir, "migrations"), ["V1__init.sql", "bmdb.lock"]);
    assert!(r.stdout.contains("updated migrations/bmdb.lock."), "{r:?}");
    let db = pg().new_db("envsingle");
    let url = pg().url(&db);
    let r = run(bmdb(dir).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(dir).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(dir).args(["drift", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");

    // --env on a project without environments is a flag error, not a silent default
    let r = run(bmdb(dir).args(["plan", "--env", "prototype"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.all().contains("declares no `environments:`"), "{r:?}");

    // a dialect flip after migrations exist: refused, with environments as the way on
    fs::write(
        dir.join("regions.yaml"),
        "database: game\ndialect: cockroach\n",
    )
    .unwrap();
    let r = run(bmdb(dir).args(["plan"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.all().contains("No changes"), "{r:?}");
    assert!(
        r.all().contains("error[dialect-changed]") && r.all().contains("environments:"),
        "{r:?}"
    );

    // declaring environments over the single line: refused with the move that fixes it
    fs::write(
        dir.join("regions.yaml"),
        "database: game\nenvironments:\n  prototype: { dialect: postgres }\n",
    )
    .unwrap();
    let before = files(dir, "migrations");
    let r = run(bmdb(dir).args(["plan", "--write", "x"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.all()
            .contains("git mv migrations/*.sql migrations/bmdb.lock migrations/postgres/"),
        "{r:?}"
    );
    assert_eq!(files(dir, "migrations"), before);
}
