//! Satisfiability of effective zones (issue 11 item 4), through the binary: the warning on a
//! zone CockroachDB accepts but cannot satisfy (`zone-unsatisfiable`,
//! `lease-preference-unreachable`), and the refusal of a zone CockroachDB's own validation
//! rejects (`zones set` leaves the file as it was; `plan` writes nothing).

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

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Three regions, ZONE survival, primary us-east-1 (the issue's setup), one table in the
/// primary region; `placement` default or restricted; `locality` the table's.
fn project(placement: &str, locality: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().to_path_buf();
    fs::create_dir_all(p.join("schema")).unwrap();
    fs::create_dir_all(p.join("migrations")).unwrap();
    fs::write(
        p.join("regions.yaml"),
        format!(
            "database: shop\nprimary_region: us-east-1\nregions: [us-east-1, us-west-2, eu-west-1]\nsurvival_goal: zone\nplacement: {placement}\n"
        ),
    )
    .unwrap();
    fs::write(
        p.join("schema/leaderboard.yaml"),
        format!(
            "table: leaderboard\nlocality: {locality}\ncolumns:\n  - {{ name: season, type: STRING, nullable: false }}\n  - {{ name: score, type: INT8, nullable: false }}\nprimary_key: [season]\n"
        ),
    )
    .unwrap();
    let o = bmdb(&p, &["plan", "--write", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    (tmp, p)
}

#[test]
fn the_issues_leaderboard_example_gets_the_warning_before_the_edit() {
    let (_t, p) = project("default", "regional_by_table");
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "leaderboard",
            "num_replicas=3",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let e = err(&o);
    assert!(
        e.starts_with("warning[zone-unsatisfiable]: table leaderboard: keeps 3 replicas"),
        "{e}"
    );
    // every voter (3) in us-east-1, one replica in each other region: five for three
    assert!(e.contains("need 5"), "{e}");
    assert!(
        e.contains("3 in us-east-1 (1 by constraints, all 3 voters by voter_constraints)"),
        "{e}"
    );
    assert!(
        e.contains("1 in us-west-2") && e.contains("1 in eu-west-1"),
        "{e}"
    );
    assert!(e.contains("help: raise num_replicas to 5"), "{e}");
    // shown once: the plan that follows does not repeat it
    assert_eq!(e.matches("warning[zone-unsatisfiable]").count(), 1, "{e}");
    assert!(
        out(&o).starts_with("Edited schema/leaderboard.yaml."),
        "{}",
        out(&o)
    );
    // the edit is kept (CockroachDB accepts the zone) and plan keeps saying it
    assert!(fs::read_to_string(p.join("schema/leaderboard.yaml"))
        .unwrap()
        .contains("num_replicas: 3"));
    let o = bmdb(&p, &["plan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["zone-unsatisfiable"], "{v:#}");
    assert_eq!(v["warnings"][0]["object"], "table leaderboard");

    // Five replicas fit: the warning goes.
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "leaderboard",
            "num_replicas=5",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!err(&o).contains("zone-unsatisfiable"), "{}", err(&o));
}

#[test]
fn a_zone_cockroachdb_rejects_is_refused_and_the_file_is_left_alone() {
    let (_t, p) = project("default", "regional_by_table");
    let file = p.join("schema/leaderboard.yaml");
    let before = fs::read_to_string(&file).unwrap();
    // num_replicas 1 below the database's 3 voters: CockroachDB's Validate on the complete
    // zone says "num_voters cannot be greater than num_replicas".
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "leaderboard",
            "num_replicas=1",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    let e = err(&o);
    assert!(
        e.contains("the edit would give table leaderboard a zone CockroachDB rejects; schema/leaderboard.yaml is unchanged"),
        "{e}"
    );
    assert!(e.contains("error[zone-voters-exceed-replicas]"), "{e}");
    assert!(
        e.contains("\"could not validate zone config: num_voters cannot be greater than num_replicas\" (num_voters 3 inherited from database, num_replicas 1 set in the model)"),
        "{e}"
    );
    // constraints {1,1,1} inherited: three pinned replicas for one
    assert!(e.contains("error[zone-constraints-exceed-replicas]"), "{e}");
    assert!(!out(&o).contains("Edited"), "{}", out(&o));
    assert_eq!(fs::read_to_string(&file).unwrap(), before);

    // 2 replicas without num_voters: "at least 3 replicas are required".
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "leaderboard",
            "num_replicas=2",
            "num_voters=1",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("error[zone-constraints-exceed-replicas]"),
        "{}",
        err(&o)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn plan_refuses_a_hand_edited_zone_cockroachdb_rejects_and_writes_nothing() {
    let (_t, p) = project("default", "regional_by_table");
    let file = p.join("schema/leaderboard.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        format!("{text}zone: {{ override_multi_region: true, num_replicas: 1 }}\n"),
    )
    .unwrap();
    let o = bmdb(&p, &["plan", "--write", "shrink"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    let e = err(&o);
    assert!(e.contains("CockroachDB would refuse 1 step"), "{e}");
    assert!(
        e.contains(
            "error[zone-voters-exceed-replicas]: step 1 (configure_zone zone table leaderboard)"
        ),
        "{e}"
    );
    let written: Vec<_> = fs::read_dir(p.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    assert_eq!(written, ["V1__init.sql"]);
}

#[test]
fn lease_preferences_outside_the_voters_are_flagged() {
    let (_t, p) = project("default", "regional_by_table");
    // every voter stays in us-east-1 (inherited), the lease is asked for in eu-west-1
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "leaderboard",
            "constraints=[+region=us-east-1]",
            "lease_preferences=[[+region=eu-west-1]]",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let e = err(&o);
    assert!(
        e.contains("warning[lease-preference-unreachable]: table leaderboard: its first lease preference asks for the leaseholder in eu-west-1"),
        "{e}"
    );
}

#[test]
fn restricted_placement_pins_replicas_home_and_an_override_elsewhere_cannot_be_met() {
    // RESTRICTED placement: a table homed in us-west-2 keeps its 3 voters there and no
    // replica elsewhere; constraints pinning every replica to us-east-1 contradict them.
    let (_t, p) = project("restricted", "{ regional_by_table: us-west-2 }");
    let o = bmdb(&p, &["plan"]);
    assert!(!err(&o).contains("warning["), "{}", err(&o));
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "leaderboard",
            "constraints=[+region=us-east-1]",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let e = err(&o);
    assert!(
        e.contains("warning[zone-unsatisfiable]: table leaderboard: its constraints keep every replica in us-east-1, but its voter_constraints need replicas in us-west-2"),
        "{e}"
    );
    // and the leaseholder (in us-west-2 by the multi-region rules) has no voter left there
    assert!(e.contains("lease-preference-unreachable"), "{e}");
}

#[test]
fn an_override_that_lets_data_leave_a_restricted_home_region_is_flagged() {
    let (_t, p) = project("restricted", "{ regional_by_table: us-west-2 }");
    let set = |args: &[&str]| {
        let mut all = vec!["zones", "set", "table", "leaderboard"];
        all.extend_from_slice(args);
        all.push("--override-multi-region");
        bmdb(&p, &all)
    };
    // two non-voters that no constraint keeps in us-west-2
    let o = set(&["num_replicas=5"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("warning[restricted-placement-breached]: table leaderboard: placement is restricted, but its zone keeps 5 replicas for 3 voters and no constraint keeps the others in its home region us-west-2"),
        "{}",
        err(&o)
    );
    // all five pinned home: restricted placement kept
    let o = set(&["constraints={+region=us-west-2: 5}"]);
    assert!(
        !err(&o).contains("restricted-placement-breached"),
        "{}",
        err(&o)
    );
    // one replica asked of us-east-1
    let o = set(&["constraints={+region=us-west-2: 4, +region=us-east-1: 1}"]);
    assert!(
        err(&o).contains("asks for replicas in us-east-1 outside its home region us-west-2"),
        "{}",
        err(&o)
    );
    // the plan says it too (once per object), and names it in its JSON
    let o = bmdb(&p, &["plan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["restricted-placement-breached"], "{v:#}");
}
