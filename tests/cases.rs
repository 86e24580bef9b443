//! Differ and planner cases: every `tests/cases/*.yaml` holds a current and a desired
//! model, the ordered plan as `<kind> <object>` lines, and optionally the hazard ids per
//! object. Models use the lock-file state shape, with two shorthands to keep cases small:
//! `database` defaults to `{name: game, dialect: cockroach}`, and a table's `name`
//! defaults to its key. An omitted `current` is the empty model.

use bmdb::diff::{diff, Change};
use bmdb::model::Model;
use bmdb::plan::{plan, Plan};
use serde::Deserialize;
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    current: Option<Value>,
    desired: Value,
    #[serde(default)]
    expected: Vec<String>,
    /// Object (or full `<kind> <object>` line) -> hazard ids, in step order. When given,
    /// every step with a hazard must be listed.
    #[serde(default)]
    hazards: Option<BTreeMap<String, Vec<String>>>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// Fills the shorthands, then reads the value as a `Model`.
fn model(value: Option<Value>) -> Result<Model, String> {
    let Some(mut value) = value else {
        return Ok(Model::default());
    };
    let map = value.as_mapping_mut().ok_or("a model must be a mapping")?;
    let database = map
        .entry("database".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(db) = database.as_mapping_mut() {
        db.entry("name".into()).or_insert("game".into());
        db.entry("dialect".into()).or_insert("cockroach".into());
    }
    let tables = map
        .entry("tables".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(tables) = tables.as_mapping_mut() {
        for (key, table) in tables.iter_mut() {
            if let Some(table) = table.as_mapping_mut() {
                table.entry("name".into()).or_insert(key.clone());
                table
                    .entry("columns".into())
                    .or_insert(Value::Sequence(Vec::new()));
            }
        }
    }
    // Through JSON: serde_yaml wants `!tag` enums, the state shape writes `{variant: ...}`.
    let json = serde_json::to_value(&value).map_err(|e| format!("model is not plain data: {e}"))?;
    serde_json::from_value(json).map_err(|e| format!("model does not parse: {e}"))
}

fn run(current: &Model, desired: &Model) -> Plan {
    plan(current, desired, diff(current, desired))
}

fn line(change: &Change) -> String {
    format!("{} {}", change.kind(), change.object())
}

/// Every problem with one case, empty when it passes.
fn check(case: Case, kinds: &mut BTreeSet<&'static str>) -> Vec<String> {
    let mut problems = Vec::new();
    let (current, desired) = match (model(case.current), model(Some(case.desired))) {
        (Ok(c), Ok(d)) => (c, d),
        (c, d) => {
            return [c.err(), d.err()].into_iter().flatten().collect();
        }
    };

    let planned = run(&current, &desired);
    let actual: Vec<String> = planned.steps.iter().map(|s| line(&s.change)).collect();
    kinds.extend(planned.steps.iter().map(|s| s.change.kind()));
    if actual != case.expected {
        problems.push(format!(
            "plan differs\n  expected:\n{}\n  actual:\n{}",
            indent(&case.expected),
            indent(&actual)
        ));
    }

    if let Some(want) = &case.hazards {
        for (key, ids) in want {
            let matching: Vec<_> = planned
                .steps
                .iter()
                .filter(|s| s.change.object() == *key || line(&s.change) == *key)
                .collect();
            if matching.is_empty() {
                problems.push(format!("hazards: no step for {key:?}"));
                continue;
            }
            let got: Vec<&str> = matching
                .iter()
                .flat_map(|s| s.hazards.iter().map(|h| h.id))
                .collect();
            if got != *ids {
                problems.push(format!(
                    "hazards of {key:?}: expected {ids:?}, actual {got:?}"
                ));
            }
        }
        for step in planned.steps.iter().filter(|s| !s.hazards.is_empty()) {
            let l = line(&step.change);
            if !want.contains_key(&l) && !want.contains_key(&step.change.object()) {
                let ids: Vec<&str> = step.hazards.iter().map(|h| h.id).collect();
                problems.push(format!(
                    "hazards: step {l:?} has {ids:?} but the case lists none"
                ));
            }
        }
    }

    for step in &planned.steps {
        for hazard in &step.hazards {
            if hazard.reason.contains('\n') || hazard.reason.is_empty() {
                problems.push(format!(
                    "hazard {} of {:?} is not one line",
                    hazard.id,
                    line(&step.change)
                ));
            }
        }
        if let Change::CreateTable { table } = &step.change {
            if !table.indexes.is_empty() || table.zone.is_some() {
                problems.push(format!(
                    "create_table {} carries indexes or a zone",
                    table.name
                ));
            }
        }
    }

    if run(&current, &desired) != planned {
        problems.push("the plan is not deterministic: a second run differs".into());
    }
    for (name, m) in [("current", &current), ("desired", &desired)] {
        let same = diff(m, m);
        if !same.is_empty() {
            let lines: Vec<String> = same.iter().map(line).collect();
            problems.push(format!(
                "{name} diffed against itself is not empty:\n{}",
                indent(&lines)
            ));
        }
    }
    problems
}

fn indent(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("    - {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn cases() {
    let files = case_files();
    let mut kinds = BTreeSet::new();
    let mut failures = Vec::new();
    if files.len() < 30 {
        failures.push(format!(
            "expected at least 30 case files, found {}",
            files.len()
        ));
    }
    for file in &files {
        let text = std::fs::read_to_string(file).expect("case file reads");
        let problems = match serde_yaml::from_str::<Case>(&text) {
            Ok(case) => check(case, &mut kinds),
            Err(e) => vec![format!("case does not parse: {e}")],
        };
        if !problems.is_empty() {
            failures.push(format!("{}:\n{}", file.display(), problems.join("\n")));
        }
    }
    let missing: Vec<&str> = Change::ALL_KINDS
        .iter()
        .copied()
        .filter(|k| !kinds.contains(k))
        .collect();
    if !missing.is_empty() {
        failures.push(format!(
            "no case produces these change kinds: {}",
            missing.join(", ")
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} case files failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// The case shape is the lock-file state shape (JSON-like): a model written by serde reads back.
#[test]
fn state_shape_round_trips() {
    let text = r#"
database: { name: game, dialect: cockroach, primary_region: a, regions: [a, b] }
tables:
  t:
    name: t
    locality: { regional_by_row: { column: null } }
    columns: [{ name: id, type: INT8, nullable: false }]
    indexes: [{ name: t_id_idx, columns: [{ name: id, desc: true }], where: "id > 0" }]
  g: { name: g, locality: global, columns: [] }
"#;
    let parsed = model(Some(serde_yaml::from_str(text).unwrap())).expect("state shape parses");
    let written = serde_json::to_value(&parsed).unwrap();
    assert_eq!(written["tables"]["g"]["locality"], "global");
    assert!(written["tables"]["t"]["locality"]["regional_by_row"].is_object());
    let again: Model = serde_json::from_value(written).unwrap();
    assert_eq!(parsed, again);
    assert_eq!(
        parsed.tables["t"].indexes[0].predicate.as_deref(),
        Some("id > 0")
    );
}
