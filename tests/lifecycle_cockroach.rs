//! The multi-region lifecycle through the built binary against a live multi-region
//! CockroachDB, when BMDB_TEST_COCKROACH_URL names one whose cluster has the regions of
//! `cockroach demo --global --nodes 9` (us-east1, us-west1, europe-west1). Each stage
//! rewrites the model, writes its migration with `plan --write`, applies it with
//! `apply --url`, and then checks convergence: `plan` has nothing left to write and
//! `status` nothing pending. The live test is `#[ignore]`d with that reason, so a run without
//! a cluster counts it as ignored; scripts/test.sh runs it when the variable is set.

mod support;

use bmdb::db::{url_password, ConnectOpts};
use support::{bmdb, run_checking};

const VAR: &str = "BMDB_TEST_COCKROACH_URL";
const REGIONS: [&str; 3] = ["europe-west1", "us-east1", "us-west1"];
const HOME: &str = "{ name: home, type: crdb_internal_region, nullable: false, default: \"default_to_database_primary_region(gateway_region())::crdb_internal_region\" }";

fn connect(url: &str) -> postgres::Client {
    ConnectOpts {
        url: Some(url.into()),
        ..Default::default()
    }
    .connect()
    .unwrap()
    .client
}

/// The base URL, or why the test is skipped.
fn cluster() -> Result<String, String> {
    let url = match std::env::var(VAR) {
        Ok(u) if !u.trim().is_empty() => u,
        _ => return Err(format!("{VAR} is not set")),
    };
    let mut c = connect(&url);
    let rows = c
        .query("SELECT region FROM [SHOW REGIONS FROM CLUSTER]", &[])
        .map_err(|e| format!("SHOW REGIONS FROM CLUSTER failed: {e}"))?;
    let have: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    match REGIONS.iter().find(|r| !have.iter().any(|h| h == *r)) {
        Some(r) => Err(format!(
            "the cluster has no region {r} (it has {have:?}); start one with `cockroach demo --global --nodes 9`"
        )),
        None => Ok(url),
    }
}

/// A fresh database on the cluster and the URL that points at it.
fn fresh_db(base: &str) -> (String, String) {
    let name = format!("bmdb_lifecycle_{}", std::process::id());
    connect(base)
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {name} CASCADE; CREATE DATABASE {name}"
        ))
        .unwrap();
    let (head, query) = base.split_once('?').unwrap_or((base, ""));
    let scheme_end = head.find("://").unwrap() + 3;
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &head[..host_end]);
    if !query.is_empty() {
        url = format!("{url}?{query}");
    }
    (name, url)
}

struct Stage {
    name: &'static str,
    regions_yaml: String,
    /// (table, YAML body after `table: <name>`)
    tables: Vec<(&'static str, String)>,
}

fn table(columns: &str, extra: &str) -> String {
    format!("columns: [{{ name: id, type: INT8, nullable: false }}{columns}]\nprimary_key: [id]\n{extra}")
}

fn write_stage(dir: &std::path::Path, db: &str, stage: &Stage) {
    std::fs::write(
        dir.join("regions.yaml"),
        format!("database: {db}\ndialect: cockroach\n{}", stage.regions_yaml),
    )
    .unwrap();
    let schema = dir.join("schema");
    let _ = std::fs::remove_dir_all(&schema);
    std::fs::create_dir_all(&schema).unwrap();
    for (name, body) in &stage.tables {
        std::fs::write(
            schema.join(format!("{name}.yaml")),
            format!("table: {name}\n{body}"),
        )
        .unwrap();
    }
}

fn stages() -> Vec<Stage> {
    let mr = |extra: &str| {
        format!("primary_region: us-east1\nregions: [us-east1, us-west1, europe-west1]\n{extra}")
    };
    let plain = || vec![("players", table("", "")), ("items", table("", ""))];
    let mut v = vec![
        Stage {
            name: "single_region",
            regions_yaml: String::new(),
            tables: plain(),
        },
        Stage {
            name: "first_primary",
            regions_yaml: "primary_region: us-east1\nregions: [us-east1]\n".into(),
            tables: vec![
                ("players", table("", "locality: regional_by_table\n")),
                ("items", table("", "locality: regional_by_table\n")),
            ],
        },
        Stage {
            name: "add_regions_survive_region",
            regions_yaml: mr("survival_goal: region\n"),
            tables: vec![
                ("players", table("", "locality: regional_by_table\n")),
                ("items", table("", "locality: regional_by_table\n")),
            ],
        },
    ];
    // Every locality of the issue, then the way back.
    let localities: [(&str, &str, &str); 5] = [
        ("global", "locality: global\n", ""),
        (
            "in_us_west1",
            "locality: { regional_by_table: us-west1 }\n",
            "",
        ),
        ("rbr_hidden", "locality: regional_by_row\n", ""),
        ("rbr_as_home", "locality: { regional_by_row: home }\n", HOME),
        ("back_to_primary", "locality: regional_by_table\n", HOME),
    ];
    for (name, loc, home) in localities {
        let home_cols = if home.is_empty() {
            String::new()
        } else {
            format!(", {home}")
        };
        v.push(Stage {
            name,
            regions_yaml: mr("survival_goal: region\n"),
            tables: vec![
                ("players", table(&home_cols, loc)),
                ("items", table("", "locality: global\n")),
            ],
        });
    }
    let economy = table(
        "",
        "locality: regional_by_table\nzone: { num_replicas: 7, gc.ttlseconds: 600, override_multi_region: true }\n",
    );
    v.push(Stage {
        name: "zone_override",
        regions_yaml: mr("survival_goal: region\n"),
        tables: vec![
            ("players", table("", "locality: regional_by_table\n")),
            ("items", table("", "locality: global\n")),
            ("economy", economy.clone()),
        ],
    });
    v.push(Stage {
        name: "survive_zone_drop_region_with_override",
        regions_yaml: "primary_region: us-east1\nregions: [us-east1, us-west1]\n".into(),
        tables: vec![
            ("players", table("", "locality: regional_by_table\n")),
            ("items", table("", "locality: global\n")),
            ("economy", economy),
        ],
    });
    v.push(Stage {
        name: "back_to_single_region",
        regions_yaml: String::new(),
        tables: plain(),
    });
    v
}

#[test]
#[ignore = "needs a live multi-region CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn multi_region_lifecycle_converges_at_every_stage() {
    let base = match cluster() {
        Ok(u) => u,
        Err(why) => panic!("{why}; this live CockroachDB lifecycle test needs such a cluster"),
    };
    let secrets: Vec<String> = url_password(&base).into_iter().collect();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let (db, url) = fresh_db(&base);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    for stage in stages() {
        write_stage(dir.path(), &db, &stage);
        let run = |args: &[&str]| run_checking(bmdb(dir.path()).args(args), &secrets);
        let write = run(&["plan", "--write", stage.name]);
        assert_eq!(
            write.code, 0,
            "stage {}: plan --write\n{write:?}",
            stage.name
        );
        let apply = run(&["apply", "--url", &url, "--allow-destructive"]);
        assert_eq!(apply.code, 0, "stage {}: apply\n{apply:?}", stage.name);
        let again = run(&["plan", "--detailed-exitcode"]);
        assert_eq!(
            again.code, 0,
            "stage {}: plan is not empty after apply\n{again:?}",
            stage.name
        );
        let status = run(&["status", "--url", &url, "--detailed-exitcode"]);
        assert_eq!(status.code, 0, "stage {}: status\n{status:?}", stage.name);
        // Convergence against the live catalog too: the drift gate and the zone values.
        let drift = run(&["drift", "--url", &url]);
        assert_eq!(drift.code, 0, "stage {}: drift\n{drift:?}", stage.name);
        let zones = run(&["zones", "show", "--url", &url, "--detailed-exitcode"]);
        assert_eq!(
            zones.code, 0,
            "stage {}: zones show --url\n{zones:?}",
            stage.name
        );
    }
    let mut c = connect(&url);
    let regions = c
        .query(
            &format!("SELECT region FROM [SHOW REGIONS FROM DATABASE {db}]"),
            &[],
        )
        .unwrap();
    assert!(regions.is_empty(), "the database is single-region again");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} CASCADE"))
        .unwrap();
}

/// The stages are valid models: each one loads, plans and passes the precondition check
/// from the previous one. This part needs no cluster and always runs.
#[test]
fn lifecycle_stages_plan_and_pass_the_checks_offline() {
    let dir = tempfile::tempdir().unwrap();
    let mut current = bmdb::model::Model::default();
    for stage in stages() {
        write_stage(dir.path(), "lifecycle", &stage);
        let desired = bmdb::model::load_project(dir.path())
            .unwrap_or_else(|e| panic!("stage {} does not load: {e:?}", stage.name));
        let changes = bmdb::diff::diff(&current, &desired);
        let planned = bmdb::plan::checked_plan(&current, &desired, changes)
            .unwrap_or_else(|e| panic!("stage {} is refused:\n{e}", stage.name));
        assert!(!planned.is_empty(), "stage {} changes nothing", stage.name);
        current = desired;
    }
}
