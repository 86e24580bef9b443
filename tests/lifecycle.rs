//! Golden SQL for the multi-region lifecycle: every `tests/cases/{locality,lifecycle,
//! zone_override}__*.yaml` case is planned, checked and rendered for CockroachDB into
//! tests/golden/lifecycle/<case>.sql (step comments, hazards, statements). `BMDB_BLESS=1
//! cargo test --test lifecycle` rewrites them. When CockroachDB's grammar checker is
//! installed (scripts/check-crdb-grammar.sh sets it up) every file is parsed with it.

#[path = "common/golden.rs"]
mod golden_files;
use bmdb::diff::diff;
use bmdb::model::{Model, Table};
use bmdb::plan::{check, plan, warnings, Plan};
use bmdb::render::{RenderContext, Renderer};
use golden_files::GoldenDir;
use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};

const PREFIXES: [&str; 3] = ["locality__", "lifecycle__", "zone_override__"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lifecycle_cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cases"))
        .expect("tests/cases exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".yaml") && PREFIXES.iter().any(|x| name.starts_with(x))
        })
        .collect();
    out.sort();
    out
}

/// The case-file model shorthands of tests/cases.rs: database `game` on cockroach, table names from keys.
fn model(value: Option<&Value>) -> Model {
    let Some(value) = value else {
        return Model::default();
    };
    let mut value = value.clone();
    let map = value.as_mapping_mut().expect("a model is a mapping");
    let db = map
        .entry("database".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let db = db.as_mapping_mut().expect("database is a mapping");
    db.entry("name".into()).or_insert("game".into());
    db.entry("dialect".into()).or_insert("cockroach".into());
    let tables = map
        .entry("tables".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    for (key, table) in tables.as_mapping_mut().expect("tables").iter_mut() {
        if let Some(t) = table.as_mapping_mut() {
            t.entry("name".into()).or_insert(key.clone());
        }
    }
    let json = serde_json::to_value(&value).expect("plain data");
    serde_json::from_value(json).expect("the case model parses")
}

fn render(current: &Model, desired: &Model, planned: &Plan) -> String {
    let ctx = RenderContext {
        dialect: desired.database.dialect,
        database: desired.database.name.clone(),
        multi_region: desired.database.is_multi_region(),
        postgis_needed: false,
    };
    let rendered = Renderer::new(None)
        .unwrap()
        .render_plan(planned, &ctx)
        .expect("the plan renders");
    let mut text = String::new();
    for (i, (step, r)) in planned.steps.iter().zip(&rendered.steps).enumerate() {
        let reapply = if bmdb::plan::is_zone_reapply(&step.change) {
            " (re-apply)"
        } else {
            ""
        };
        text += &format!(
            "-- step {}: {} {}{reapply}\n",
            i + 1,
            step.change.kind(),
            step.change.object()
        );
        for h in &step.hazards {
            text += &format!("-- hazard {}: {}\n", h.id, h.reason);
        }
        for s in &r.statements {
            text += s;
            text += "\n";
        }
    }
    for w in warnings(desired) {
        text += &format!("-- warning {} ({}): {}\n", w.id, w.object, w.reason);
    }
    let _ = current;
    text
}

#[test]
fn lifecycle_golden_files_match() {
    let mut dir = GoldenDir::new(root().join("tests/golden/lifecycle"));
    let cases = lifecycle_cases();
    assert!(cases.len() >= 24, "only {} lifecycle cases", cases.len());
    for case in &cases {
        let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(case).unwrap()).unwrap();
        let current = model(doc.get("current"));
        let desired = model(doc.get("desired"));
        let planned = plan(&current, &desired, diff(&current, &desired));
        if let Err(e) = check(&current, &desired, &planned) {
            dir.failures
                .push(format!("{}: refused\n{e}", case.display()));
            continue;
        }
        let stem = case.file_stem().unwrap().to_string_lossy().to_string();
        dir.check(
            &format!("{stem}.sql"),
            &render(&current, &desired, &planned),
        );
    }
    let failures = dir.finish();
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new output is right: BMDB_BLESS=1 cargo test --test lifecycle",
        failures.join("\n")
    );
}

/// Every statement that turns the override on is followed, in the same step, by one turning it off.
#[test]
fn override_is_on_exactly_around_the_statements_that_need_it() {
    let dir = root().join("tests/golden/lifecycle");
    let text = std::fs::read_to_string(dir.join("zone_override__reapplied_after_add_region.sql"))
        .expect("golden exists");
    let on = "SET override_multi_region_zone_config = true;";
    let off = "SET override_multi_region_zone_config = false;";
    for step in text.split("-- step ").skip(1) {
        let first = step.lines().next().unwrap();
        let ons = step.matches(on).count();
        assert_eq!(
            ons,
            step.matches(off).count(),
            "unbalanced override in {first}"
        );
        assert_eq!(ons, 1, "step {first} should run with the override on");
    }
    // Without the override zone, the same region changes do not touch the setting.
    let plain = std::fs::read_to_string(dir.join("lifecycle__single_to_multi_region.sql")).unwrap();
    assert!(!plain.contains("override_multi_region_zone_config"));
}

/// Leaving multi-region drops the hidden region column of tables that were REGIONAL BY ROW.
#[test]
fn leaving_multi_region_drops_the_hidden_region_column() {
    let text = std::fs::read_to_string(
        root().join("tests/golden/lifecycle/lifecycle__multi_to_single_region.sql"),
    )
    .unwrap();
    let set = text
        .find("ALTER TABLE players SET LOCALITY REGIONAL BY TABLE IN PRIMARY REGION;")
        .expect("players leaves RBR");
    let drop = text
        .find("ALTER TABLE players DROP COLUMN IF EXISTS crdb_region;")
        .expect("hidden column dropped");
    let last = text
        .find("DROP REGION IF EXISTS \"us-east1\"")
        .expect("primary dropped");
    assert!(set < drop && drop < last);
    assert!(!text.contains("ALTER TABLE inventory DROP COLUMN IF EXISTS crdb_region"));
}

/// The plan's warnings come from the desired model's replication hazards.
#[test]
fn warnings_report_replication_hazards_of_the_desired_model() {
    let mut desired = model(Some(
        &serde_yaml::from_str(
            "database: { primary_region: a, regions: [a, b, c] }\ntables: { t: { columns: [{ name: id, type: INT8 }] } }",
        )
        .unwrap(),
    ));
    assert!(warnings(&desired)
        .iter()
        .all(|w| w.id != "fewer-than-three-replicas"));
    let t: &mut Table = desired.tables.get_mut("t").unwrap();
    t.zone = Some(bmdb::model::ZoneConfig {
        num_replicas: Some(2),
        num_voters: Some(1),
        override_multi_region: true,
        ..Default::default()
    });
    let w = warnings(&desired);
    let hit = w
        .iter()
        .find(|w| w.id == "fewer-than-three-replicas")
        .expect("two replicas are reported");
    assert_eq!(hit.object, "table t");
    assert!(!hit.help.is_empty() && !hit.reason.contains('\n'));
    desired.database.dialect = bmdb::model::Dialect::Postgres;
    assert!(warnings(&desired).is_empty());
}

/// Every lifecycle golden parses with CockroachDB's own grammar, when the checker is installed.
#[test]
fn lifecycle_goldens_pass_the_cockroach_grammar() {
    let checker = std::env::var_os("CRDB_GRAMMAR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/crdb-grammar"))
        .join("check.py");
    let python =
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".venvs/crdb-grammar/bin/python"));
    let (true, Some(python)) = (checker.is_file(), python.filter(|p| p.is_file())) else {
        eprintln!("skipped: crdb-grammar checker or its venv not found (run scripts/check-crdb-grammar.sh once)");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/golden/lifecycle"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let out = std::process::Command::new(python)
        .arg(&checker)
        .arg("-q")
        .args(&files)
        .output()
        .expect("the grammar checker runs");
    assert!(
        out.status.success(),
        "grammar check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
