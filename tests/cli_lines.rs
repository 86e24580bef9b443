//! Projects with environments (one migrations line per dialect): apply and status name the
//! line's folder (`migrations/postgres/`), and plan says when another line has changes not
//! yet written (a line added later, before its first `--write`).

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use support::{bmdb, pg, run, Run};

const PLAYERS: &str = "table: players
columns:
  - { name: player_id, type: INT8, nullable: false }
  - { name: name, type: STRING, nullable: false }
primary_key: [player_id]
";

const ONLY_PG: &str = "database: game
primary_region: us-east1
regions: [us-east1, us-west1]
environments:
  prototype: { dialect: postgres, url_env: PROTOTYPE_DATABASE_URL }
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

fn doc(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{r:?}"))
}

fn plan(dir: &Path, args: &[&str]) -> Run {
    run(bmdb(dir).arg("plan").args(args))
}

#[test]
fn plan_says_when_another_line_has_changes_not_yet_written() {
    let p = project(ONLY_PG);
    let dir = p.path();
    assert_eq!(plan(dir, &["--write", "init"]).code, 0);
    let r = plan(dir, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !r.stderr.contains("not yet written"),
        "one line only: {r:?}"
    );

    // the move to CockroachDB: a second line, not written yet
    fs::write(dir.join("regions.yaml"), BOTH).unwrap();
    let r = plan(dir, &["--detailed-exitcode"]);
    assert_eq!(r.code, 0, "this line (prototype) has nothing to do: {r:?}");
    assert!(r.stdout.starts_with("No changes"), "{r:?}");
    assert!(
        r.stderr.contains(
            "note: the migrations/cockroach/ line (environment production) has 3 changes not yet written; \
             `bmdb plan --env production` shows them, `bmdb plan --write NAME` writes every line"
        ),
        "{r:?}"
    );
    let d = doc(&plan(dir, &["--format", "json"]));
    assert_eq!(d["changes"], 0, "{d:#}");
    assert_eq!(
        d["unwritten_other_lines"],
        serde_json::json!([{"line": "migrations/cockroach", "environment": "production", "changes": 3}])
    );
    // -q: no notes
    let r = plan(dir, &["-q"]);
    assert!(!r.stderr.contains("not yet written"), "{r:?}");
    // from the other side, the prototype line is written: no note
    let r = plan(dir, &["--env", "production"]);
    assert!(!r.stderr.contains("not yet written"), "{r:?}");

    // once written, every line is in step
    assert_eq!(plan(dir, &["--write", "move_to_cockroach"]).code, 0);
    let r = plan(dir, &[]);
    assert!(!r.stderr.contains("not yet written"), "{r:?}");
    let d = doc(&plan(dir, &["--format", "json"]));
    assert_eq!(d["unwritten_other_lines"], serde_json::json!([]));
}

#[test]
fn apply_and_status_name_the_lines_folder() {
    let db = pg().new_db("line_folder");
    let url = pg().url(&db);
    let p = project(BOTH);
    let dir = p.path();
    assert_eq!(plan(dir, &["--write", "init"]).code, 0);
    let apply = |args: &[&str]| {
        run(bmdb(dir)
            .env("PROTOTYPE_DATABASE_URL", &url)
            .args(["apply", "--env", "prototype"])
            .args(args))
    };
    let r = apply(&["--target", "V9"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(
            "--target 9: there is no migration V9 in migrations/postgres/ (versions: V1)"
        ),
        "{r:?}"
    );
    let r = apply(&[]);
    assert_eq!(r.code, 0, "{r:?}");

    let status = |format: &str| {
        run(bmdb(dir).env("PROTOTYPE_DATABASE_URL", &url).args([
            "status",
            "--env",
            "prototype",
            "--format",
            format,
        ]))
    };
    let d = doc(&status("json"));
    assert_eq!(d["line"], "migrations/postgres", "{d:#}");
    assert_eq!(d["migrations"][0]["state"], "applied");

    // the applied migration's file removed: status names the folder it is missing from
    fs::remove_file(dir.join("migrations/postgres/V1__init.sql")).unwrap();
    let r = status("table");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("file removed from migrations/postgres/"),
        "{r:?}"
    );
}
