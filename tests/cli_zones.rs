//! `bmdb zones` on the bundled BlueMarble project: effective values as CockroachDB would hold
//! them, and in-place edits that keep every other byte of the model file.

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
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn bluemarble() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().to_path_buf();
    fs::copy(root.join("regions.yaml"), p.join("regions.yaml")).unwrap();
    fs::copy(root.join("roles.yaml"), p.join("roles.yaml")).unwrap();
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
    for sub in ["schema", "migrations"] {
        copy_dir(&root.join(sub), &p.join(sub));
    }
    (tmp, p)
}

fn field<'a>(json: &'a serde_json::Value, object: &str, name: &str) -> &'a serde_json::Value {
    let objects = json["objects"].as_array().expect("objects");
    let o = objects
        .iter()
        .find(|o| o["object"] == object)
        .unwrap_or_else(|| panic!("no object {object:?} in zones show"));
    let f = o["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name);
    &f.unwrap_or_else(|| panic!("no field {name} on {object}"))["value"]
}

#[test]
fn zones_show_gives_what_cockroachdb_would_hold_for_bluemarble() {
    let (_t, p) = bluemarble();
    let o = bmdb(&p, &["zones", "show", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    // REGION survival, 4 regions, no secondary: 5 voters, 2 + (4 - 1) = 5 replicas.
    assert_eq!(field(&v, "database", "num_replicas"), 5);
    assert_eq!(field(&v, "database", "num_voters"), 5);
    assert_eq!(field(&v, "table players", "num_replicas"), 5);
    assert_eq!(
        field(&v, "partition us-west-2 of table players", "num_voters"),
        5
    );
    assert_eq!(
        field(
            &v,
            "partition eu-west-1 of table inventory",
            "voter_constraints"
        ),
        &serde_json::json!({"+region=eu-west-1": 2})
    );
    assert_eq!(
        field(
            &v,
            "partition eu-west-1 of table inventory",
            "lease_preferences"
        ),
        &serde_json::json!([["+region=eu-west-1"]])
    );
    assert_eq!(field(&v, "table item_templates", "global_reads"), true);
    assert_eq!(field(&v, "table player_activity_log", "num_replicas"), 3);
    assert_eq!(
        field(&v, "table player_activity_log", "gc.ttlseconds"),
        14400
    );
    assert_eq!(field(&v, "table leaderboard", "gc.ttlseconds"), 90000);
}

#[test]
fn zones_set_edits_only_its_key_then_plans_one_configure_zone() {
    let (_t, p) = bluemarble();
    let path = p.join("schema/player_activity_log.yaml");
    let before = fs::read_to_string(&path).unwrap();
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "player_activity_log",
            "gc.ttlseconds=28800",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let after = fs::read_to_string(&path).unwrap();
    let expected = before.replace("  gc.ttlseconds: 14400 ", "  gc.ttlseconds: 28800 ");
    assert_ne!(before, expected, "the fixture line moved; update this test");
    assert_eq!(after, expected, "only the edited value may change");
    assert!(text(&o).contains("configure_zone"), "{}", text(&o));
    assert!(text(&o).contains("gc.ttlseconds = 28800"), "{}", text(&o));

    // --write makes it the next migration; the plan is clean afterwards.
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "player_activity_log",
            "gc.ttlseconds=28800",
            "--write",
            "log_gc",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // every line records the step (after V2, the backup schedule, and V3, the roles); only
    // the cockroach line has SQL to run for a zone
    assert!(p.join("migrations/cockroach/V4__log_gc.sql").exists());
    let pg = fs::read_to_string(p.join("migrations/postgres/V4__log_gc.sql")).unwrap();
    assert!(
        pg.contains("nothing to run in the postgres dialect"),
        "{pg}"
    );
    let o = bmdb(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn zones_set_refuses_bad_input_and_protected_fields_without_override() {
    let (_t, p) = bluemarble();
    let snapshot = || {
        let mut v: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(p.join("schema"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|q| (q.clone(), fs::read(q).unwrap()))
            .collect();
        v.push((
            p.join("regions.yaml"),
            fs::read(p.join("regions.yaml")).unwrap(),
        ));
        v.sort();
        v
    };
    let before = snapshot();
    for (args, says) in [
        (
            &["zones", "set", "table", "players", "gc.ttlseconds=0"][..],
            "gc.ttlseconds=0",
        ),
        (
            &["zones", "set", "table", "players", "num_replicaz=3"][..],
            "num_replicas",
        ),
        (
            &["zones", "set", "table", "nope", "gc.ttlseconds=600"][..],
            "no table \"nope\"",
        ),
        (
            &["zones", "set", "tabel", "players", "gc.ttlseconds=600"][..],
            "did you mean",
        ),
        (
            &["zones", "set", "table", "player", "gc.ttlseconds=600"][..],
            "did you mean \"players\"?",
        ),
        (
            &["zones", "set", "index", "players@nope", "gc.ttlseconds=600"][..],
            "no index \"nope\"",
        ),
        (
            &[
                "zones",
                "set",
                "table",
                "players",
                "gc.ttlseconds=7000",
                "--write",
                "bad;name",
            ][..],
            "--write",
        ),
        (
            &[
                "zones",
                "set",
                "table",
                "players",
                "gc.ttlseconds=7000",
                "--write",
                "ttl",
                "--apply",
            ][..],
            "no database URL",
        ),
        (
            &[
                "zones",
                "set",
                "table",
                "players",
                "gc.ttlseconds=100",
                "gc.ttlseconds=200",
            ][..],
            "given twice",
        ),
        // every bad assignment at once: both are named
        (
            &[
                "zones",
                "set",
                "table",
                "players",
                "num_replicas=abc",
                "bogus=2",
            ][..],
            "unknown zone variable `bogus`",
        ),
        (
            &[
                "zones",
                "set",
                "table",
                "players",
                "num_replicas=abc",
                "bogus=2",
            ][..],
            "num_replicas=abc",
        ),
        (
            &["zones", "set", "table", "players", "num_replicas=7"][..],
            "--override-multi-region",
        ),
    ] {
        let o = bmdb(&p, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains(says),
            "{args:?} should say {says:?}: {}",
            text(&o)
        );
        assert!(!text(&o).contains("panicked"));
    }
    assert_eq!(before, snapshot(), "a refused edit changes no file");

    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "table",
            "players",
            "num_replicas=7",
            "num_voters=5",
            "--override-multi-region",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let players = fs::read_to_string(p.join("schema/players.yaml")).unwrap();
    assert!(players.contains("override_multi_region: true"), "{players}");
    assert!(
        text(&o).contains("override-multi-region"),
        "the plan names the cost: {}",
        text(&o)
    );
    assert!(
        text(&o).contains("SET override_multi_region_zone_config = true;"),
        "{}",
        text(&o)
    );
}

/// `zones show` says whose placement rules it used: the newest bmdb knows when nothing is
/// declared, the declared `cockroach_version` otherwise, in the table and in the JSON.
#[test]
fn zones_show_names_the_placement_rules_it_used() {
    let (_tmp, p) = bluemarble();
    let o = bmdb(&p, &["zones", "show"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("placement rules of CockroachDB v26.2.0 (the newest bmdb knows"),
        "{}",
        text(&o)
    );
    let regions = fs::read_to_string(p.join("regions.yaml")).unwrap();
    fs::write(
        p.join("regions.yaml"),
        format!("{regions}\ncockroach_version: v25.1.3\n"),
    )
    .unwrap();
    let o = bmdb(&p, &["zones", "show"]);
    assert!(
        text(&o).contains("placement rules of CockroachDB v25.1.3 (cockroach_version)"),
        "{}",
        text(&o)
    );
    let o = bmdb(&p, &["zones", "show", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(json["placement_rules"]["version"], "v25.1.3");
    assert_eq!(json["placement_rules"]["source"], "declared");
}

/// `zones set extension ...`: CockroachDB's supported way to tune the managed fields (no
/// `--override-multi-region`), written under `zone_extensions:` in regions.yaml, planned as
/// `ALTER LOCALITY ... CONFIGURE ZONE`; `zones unset` removes it (a DISCARD). What
/// CockroachDB refuses leaves regions.yaml as it was.
#[test]
fn zones_set_and_unset_a_zone_config_extension() {
    let (_t, p) = bluemarble();
    let path = p.join("regions.yaml");
    let before = fs::read_to_string(&path).unwrap();
    assert!(!before.contains("zone_extensions"), "the fixture has none");
    let o = bmdb(
        &p,
        &["zones", "set", "extension", "regional", "num_replicas=7"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let after = fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        format!("{before}zone_extensions:\n  regional: {{ num_replicas: 7 }}\n"),
        "only the extension is added"
    );
    assert!(
        text(&o).contains("ALTER LOCALITY REGIONAL CONFIGURE ZONE USING num_replicas = 7"),
        "{}",
        text(&o)
    );
    // and `zones show` names it as the source of the regional tables' replica count
    let o = bmdb(&p, &["zones", "show", "--wide"]);
    assert!(
        text(&o).contains("zone config extension: regional"),
        "{}",
        text(&o)
    );

    // REGIONAL IN a region: four target words
    let o = bmdb(
        &p,
        &[
            "zones",
            "set",
            "extension",
            "regional",
            "in",
            "eu-west-1",
            "lease_preferences=[[+region=eu-west-1], [+region=us-east-1]]",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("  regional_in: { eu-west-1: { lease_preferences: [[+region=eu-west-1], [+region=us-east-1]] } }"),
        "{}",
        fs::read_to_string(&path).unwrap()
    );

    // refused, regions.yaml unchanged: lease_preferences in REGIONAL (CockroachDB refuses
    // it), a region the database lacks, an extension for `zones show`
    let kept = fs::read_to_string(&path).unwrap();
    for (args, says) in [
        (
            &[
                "zones",
                "set",
                "extension",
                "regional",
                "lease_preferences=[[+region=us-east-1]]",
            ][..],
            "lease_preferences",
        ),
        (
            &[
                "zones",
                "set",
                "extension",
                "regional",
                "in",
                "mars-1",
                "num_voters=5",
            ][..],
            "not a region of the database",
        ),
        (
            &["zones", "show", "extension", "regional"][..],
            "not an extension",
        ),
    ] {
        let o = bmdb(&p, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
        assert_eq!(fs::read_to_string(&path).unwrap(), kept, "{args:?}");
    }

    // unset both: regions.yaml is back to what it was
    for args in [
        &["zones", "unset", "extension", "regional", "num_replicas"][..],
        &[
            "zones",
            "unset",
            "extension",
            "regional",
            "in",
            "eu-west-1",
            "lease_preferences",
        ][..],
    ] {
        let o = bmdb(&p, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), before);
}
