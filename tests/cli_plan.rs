//! End to end, offline: the built binary on the bundled BlueMarble project and on
//! scaffolded projects. No server needed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bmdb(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run bmdb")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// The migrations line of BlueMarble's default environment (production, cockroach).
fn line(p: &Path) -> bmdb::migrations::Line {
    bmdb::migrations::Line::of_dialect(p, bmdb::model::Dialect::Cockroach)
}

/// A private copy of the repository's own BlueMarble project.
fn bluemarble() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("bluemarble");
    fs::create_dir_all(&p).unwrap();
    fs::copy(root.join("regions.yaml"), p.join("regions.yaml")).unwrap();
    fs::copy(root.join("backups.yaml"), p.join("backups.yaml")).unwrap();
    copy_dir(&root.join("schema"), &p.join("schema"));
    if root.join("migrations").exists() {
        copy_dir(&root.join("migrations"), &p.join("migrations"));
    }
    (tmp, p)
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(d: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                let bytes = fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    walk(dir, &mut out);
    out
}

#[test]
fn bundled_project_plans_clean() {
    let (_t, p) = bluemarble();
    let o = bmdb(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("No changes"), "{}", text(&o));
}

#[test]
fn adding_a_column_plans_one_step_then_write_makes_it_clean() {
    let (_t, p) = bluemarble();
    let players = p.join("schema/players.yaml");
    let yaml = fs::read_to_string(&players).unwrap();
    let yaml = yaml.replace(
        "  - { name: last_login, type: TIMESTAMPTZ }\n",
        "  - { name: last_login, type: TIMESTAMPTZ }\n  - { name: nickname, type: STRING }\n",
    );
    fs::write(&players, yaml).unwrap();

    let o = bmdb(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("players.nickname") && out.contains("add_column"),
        "{out}"
    );
    assert!(out.contains("Plan: 1 step."), "{out}");
    assert!(out.contains("ALTER TABLE players ADD COLUMN"), "{out}");

    let json = bmdb(&p, &["plan", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["changes"], 1);
    assert_eq!(v["steps"][0]["kind"], "add_column");
    assert_eq!(v["steps"][0]["object"], "players.nickname");

    let before = bmdb::migrations::scan(&line(&p)).unwrap();
    let o = bmdb(&p, &["plan", "--write", "add_nickname"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let after = bmdb::migrations::scan(&line(&p)).unwrap();
    assert_eq!(after.len(), before.len() + 1);
    let newest = after.last().unwrap();
    assert_eq!(newest.name, "add_nickname");
    assert_eq!(
        newest.version,
        before.last().map(|m| m.version).unwrap_or(0) + 1
    );
    let sql = fs::read_to_string(&newest.path).unwrap();
    assert!(
        sql.contains("-- step 1: add_column players.nickname"),
        "{sql}"
    );

    let o = bmdb(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn edited_migration_blocks_plan_and_changes_nothing() {
    let (_t, p) = bluemarble();
    let files = bmdb::migrations::scan(&line(&p)).unwrap();
    let first = &files
        .first()
        .expect("the repository commits its migrations")
        .path;
    let mut sql = fs::read_to_string(first).unwrap();
    sql.push_str("-- a hand edit\n");
    fs::write(first, sql).unwrap();
    let before = snapshot(&p);
    let o = bmdb(&p, &["plan", "--write", "x"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("was edited after bmdb wrote it"),
        "{}",
        text(&o)
    );
    assert_eq!(
        before,
        snapshot(&p),
        "a failed plan must not touch any file"
    );
}

#[test]
fn destructive_steps_are_marked() {
    let (_t, p) = bluemarble();
    fs::remove_file(p.join("schema/leaderboard.yaml")).unwrap();
    let o = bmdb(&p, &["plan", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["destructive"], true);
    let steps = v["steps"].as_array().unwrap();
    let drop = steps
        .iter()
        .find(|s| s["kind"] == "drop_table")
        .expect("a drop_table step");
    assert_eq!(drop["object"], "leaderboard");
    assert_eq!(drop["hazards"][0]["id"], "drop-table");
    assert_eq!(drop["hazards"][0]["destructive"], true);
}

#[test]
fn bad_write_name_changes_nothing() {
    let (_t, p) = bluemarble();
    let before = snapshot(&p);
    let o = bmdb(&p, &["plan", "--write", "drop;table"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--write"), "{}", text(&o));
    assert_eq!(before, snapshot(&p));
}

#[test]
fn init_scaffolds_a_project_that_validates_and_plans() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("shop");
    let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("init")
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = bmdb(&p, &["validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = bmdb(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("create_table"), "{}", text(&o));
    let o = bmdb(&p, &["plan", "--write", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = bmdb(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // init never overwrites.
    let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("init")
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("already holds a bmdb project"),
        "{}",
        text(&o)
    );
}

#[test]
fn init_refuses_project_and_keeps_existing_files() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("shop");
    let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .args(["--project", "elsewhere", "init"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("--project does not apply to init"),
        "{}",
        text(&o)
    );
    assert!(!p.exists(), "init wrote something after refusing");

    std::fs::create_dir_all(p.join("templates")).unwrap();
    std::fs::write(p.join("templates/README.md"), "mine\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("init")
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("kept"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(p.join("templates/README.md")).unwrap(),
        "mine\n"
    );
    assert!(p.join("regions.yaml").exists());
}

#[test]
fn missing_project_dir_is_a_clear_error() {
    let o = bmdb(Path::new("/nonexistent/bmdb-project"), &["plan"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("--project /nonexistent/bmdb-project: no such directory"),
        "{}",
        text(&o)
    );
}

#[test]
fn replication_warnings_come_with_the_plan_in_text_and_json() {
    let (_t, p) = bluemarble();
    // The database keeps 25 hours of MVCC history; a backup every other day needs more
    // (the check reads the schedule in backups.yaml, issue 13 item 4).
    let backups = fs::read_to_string(p.join("backups.yaml")).unwrap();
    let backups = backups
        .replace("recurring: \"@hourly\"", "recurring: \"0 0 */2 * *\"")
        .replace("full_backup: \"@daily\"", "full_backup: always");
    assert!(
        backups.contains("*/2") && backups.contains("always"),
        "the fixture lines moved; update this test"
    );
    fs::write(p.join("backups.yaml"), backups).unwrap();
    let o = bmdb(&p, &["plan"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning[gc-below-backup-interval]"),
        "{stderr}"
    );
    assert!(stderr.contains("help:"), "{stderr}");
    let o = bmdb(&p, &["plan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"gc-below-backup-interval"), "{v}");
    // and the bundled model as committed raises none
    let (_t2, clean) = bluemarble();
    let o = bmdb(&clean, &["plan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "{v}");
}

/// What the differ cannot plan is refused by plan and plan --write with a help line (never
/// "No changes"), writes nothing, and shows up in no other way.
#[test]
fn dialect_switch_database_rename_and_removed_primary_key_are_refused_with_help() {
    // (BlueMarble declares environments, so a dialect flip there is another line, not a
    // switch: tests/environments_pg.rs refuses the flip in a project without them.)
    let edits: [(&str, &str, &str, &str); 2] = [
        (
            "regions.yaml",
            "database: bluemarble",
            "database: bluemarble2",
            "error[database-renamed]",
        ),
        (
            "schema/players.yaml",
            "primary_key: [player_id]\n",
            "",
            "error[primary-key-removed]",
        ),
    ];
    for (file, from, to, want) in edits {
        let (_tmp, p) = bluemarble();
        let path = p.join(file);
        let original = fs::read_to_string(&path).unwrap();
        assert!(original.contains(from), "{file} lacks {from:?}");
        fs::write(&path, original.replacen(from, to, 1)).unwrap();
        let before = snapshot(&p);
        for args in [&["plan"][..], &["plan", "--write", "switch"][..]] {
            let o = bmdb(&p, args);
            let out = text(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?} {want}: {out}");
            assert!(out.contains(want), "{args:?}: {out}");
            assert!(out.contains("  help: "), "{args:?}: {out}");
            assert!(!out.contains("No changes"), "{args:?}: {out}");
            assert!(!out.contains("panicked"), "{args:?}: {out}");
        }
        assert!(before == snapshot(&p), "{want}: files changed");
    }
}

/// The postgres left-out line names the column whose CockroachDB-only default it dropped, in
/// the plan and in the written migration, so a reader can find it.
#[test]
fn postgres_left_out_line_names_the_column_whose_default_it_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("shop");
    let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .args(["init", "--dialect", "postgres"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let table = p.join("schema/accounts.yaml");
    let yaml = fs::read_to_string(&table).unwrap().replace(
        "columns:\n",
        "columns:\n  - { name: seq, type: INT8, nullable: false, default: unique_rowid() }\n",
    );
    fs::write(&table, yaml).unwrap();
    let o = bmdb(&p, &["plan"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let want = "postgres dialect: left out CockroachDB-only defaults (accounts.seq)";
    assert!(text(&o).contains(want), "{}", text(&o));
    let o = bmdb(&p, &["plan", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["left_out"], want, "{doc}");
    let o = bmdb(&p, &["plan", "--write", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let written = fs::read_dir(p.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| f.extension().is_some_and(|e| e == "sql"))
        .unwrap();
    assert!(
        fs::read_to_string(&written)
            .unwrap()
            .contains(&format!("-- {want}\n")),
        "{}",
        written.display()
    );
}

/// A project template that misspells a field: plan fails naming the file, line and field,
/// with the closest field, and no dump of every variable.
#[test]
fn template_override_errors_name_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("shop");
    let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("init")
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    fs::write(
        p.join("templates/create_table.sql.j2"),
        "{% set t = change.table %}\nCREATE TABLE {{ t.nmae|ident }} ();\n",
    )
    .unwrap();
    let o = bmdb(&p, &["plan"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("templates/create_table.sql.j2:2: `ident` was given a field that does not exist in `t.nmae|ident`"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `name`?"), "{err}");
    assert!(!err.contains("Referenced variables"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
}
