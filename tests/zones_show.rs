//! `bmdb zones show` narrowed to one object (issue 11 item 6), the compact 80-column table,
//! `--wide`, the JSON, and did-you-mean for a target the model does not have.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bmdb(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("BMDB_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn bluemarble() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().to_path_buf();
    fs::copy(root.join("regions.yaml"), p.join("regions.yaml")).unwrap();
    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &to.join(e.file_name()));
            } else {
                fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    copy_dir(&root.join("schema"), &p.join("schema"));
    (tmp, p)
}

/// The object lines of the compact table (the lines not indented, before the rules line).
fn objects(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .filter(|l| !l.starts_with("placement rules") && !l.starts_with("cockroach_version"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_compact_table_fits_80_columns_and_leaves_defaults_out() {
    let (_t, p) = bluemarble();
    let o = bmdb(&p, &["zones", "show"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 80, "a line of {widest} columns:\n{out}");
    // range default is all CockroachDB defaults: one line says so
    assert!(
        out.contains("range default\n  (all)             (from CockroachDB's defaults)\n"),
        "{out}"
    );
    assert!(
        out.contains("  constraints       {+region=ap-southeast-1: 1, +region=eu-west-1: 1,\n                    +region=us-east-1: 1, +region=us-west-2: 1} (database)\n"),
        "{out}"
    );
    assert!(
        out.contains("  global_reads      true (multi-region)\n"),
        "{out}"
    );
    assert!(
        !out.contains("range_min_bytes"),
        "defaults are left out:\n{out}"
    );
    assert!(
        out.contains("placement rules of CockroachDB v26.2.0"),
        "{out}"
    );

    // --wide: every field, the multi-region rule spelled out
    let wide = stdout(&bmdb(&p, &["zones", "show", "--wide"]));
    assert!(wide.contains("range_min_bytes"), "{wide}");
    assert!(wide.contains("multi-region: GLOBAL"), "{wide}");
    assert!(wide.lines().any(|l| l.chars().count() > 80));
}

#[test]
fn zones_show_narrows_to_a_table_an_index_the_database_or_a_range() {
    let (_t, p) = bluemarble();
    // a table brings its indexes and its REGIONAL BY ROW partitions
    let o = bmdb(&p, &["zones", "show", "table", "players"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = objects(&stdout(&o));
    assert_eq!(objs[0], "table players");
    assert!(
        objs.iter().all(|o| o == "table players"
            || o.ends_with(" of table players")
            || o.starts_with("index players@")),
        "{objs:?}"
    );
    assert!(objs.contains(&"partition us-west-2 of table players".to_string()));

    let o = bmdb(
        &p,
        &[
            "zones",
            "show",
            "index",
            "leaderboard@leaderboard_season_score_idx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        objects(&stdout(&o)),
        ["index leaderboard@leaderboard_season_score_idx"]
    );

    let o = bmdb(&p, &["zones", "show", "database"]);
    assert_eq!(objects(&stdout(&o)), ["database"]);
    assert!(
        stdout(&o).contains("  gc.ttlseconds     90000 (model)"),
        "{}",
        stdout(&o)
    );

    let o = bmdb(&p, &["zones", "show", "range", "default"]);
    assert_eq!(objects(&stdout(&o)), ["range default"]);

    // the JSON is narrowed the same way and keeps the full detail
    let o = bmdb(
        &p,
        &["zones", "show", "table", "leaderboard", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let labels: Vec<&str> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["object"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "table leaderboard",
            "index leaderboard@leaderboard_season_score_idx"
        ]
    );
    assert_eq!(v["objects"][0]["fields"].as_array().unwrap().len(), 9);
    assert_eq!(v["placement_rules"]["source"], "newest");
}

#[test]
fn an_unknown_target_gets_did_you_mean_and_exit_1() {
    let (_t, p) = bluemarble();
    for (args, want) in [
        (
            vec!["zones", "show", "table", "playrs"],
            "there is no table \"playrs\" in schema/\n  help: did you mean \"players\"?",
        ),
        (
            vec!["zones", "show", "index", "leaderboard@leaderboard_season_scor_idx"],
            "table \"leaderboard\" has no index \"leaderboard_season_scor_idx\"\n  help: did you mean \"leaderboard_season_score_idx\"?",
        ),
        (
            vec!["zones", "show", "index", "leaderbord@x"],
            "there is no table \"leaderbord\" in schema/\n  help: did you mean \"leaderboard\"?",
        ),
        (
            vec!["zones", "show", "range", "defualt"],
            "there is no range \"defualt\"\n  help: did you mean \"default\"?",
        ),
    ] {
        let o = bmdb(&p, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
    let o = bmdb(&p, &["zones", "show", "tabel", "players"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("a target is `database`"),
        "{}",
        stderr(&o)
    );
}
