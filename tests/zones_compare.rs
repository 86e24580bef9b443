//! `zones show --url` compares the model's effective zones with the live database's, both
//! worked out by the same rules. Here the "live" model is the bundled BlueMarble model with
//! hand-made changes, as the catalog reader would return it; the CLI path against a real
//! CockroachDB runs in tests/lifecycle_cockroach.rs when BMDB_TEST_COCKROACH_URL is set.

use bmdb::model::{load_project, Constraints, ZoneConfig};
use bmdb::zones::effective::{compare, comparison_json, effective_zones, render_comparison_table};
use std::path::Path;

#[test]
fn identical_models_show_no_difference_and_changes_are_marked() {
    let model = load_project(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let same = compare(&effective_zones(&model), &effective_zones(&model))
        .iter()
        .filter(|r| r.differs())
        .count();
    assert_eq!(same, 0);

    let mut live = model.clone();
    // Someone overrode the leaderboard's replicas by hand, and dropped a table.
    live.tables.get_mut("leaderboard").unwrap().zone = Some(ZoneConfig {
        num_replicas: Some(7),
        num_voters: Some(5),
        constraints: Some(Constraints::All(vec![])),
        override_multi_region: true,
        ..ZoneConfig::default()
    });
    live.tables.remove("world_config");
    let want = effective_zones(&model);
    let have = effective_zones(&live);
    let rows = compare(&want, &have);
    let differing: Vec<(String, &str)> = rows
        .iter()
        .filter(|r| r.differs())
        .map(|r| (r.object.clone(), r.field.name))
        .collect();
    assert!(
        differing.contains(&("table leaderboard".to_string(), "num_replicas")),
        "{differing:?}"
    );
    assert!(
        differing.contains(&("table leaderboard".to_string(), "num_voters")),
        "{differing:?}"
    );
    assert!(
        !differing
            .iter()
            .any(|(o, f)| o == "table leaderboard" && *f == "gc.ttlseconds"),
        "{differing:?}"
    );
    assert!(
        differing.iter().any(|(o, _)| o == "table world_config"),
        "a missing object differs: {differing:?}"
    );
    assert!(
        !differing.iter().any(|(o, _)| o == "table players"),
        "{differing:?}"
    );

    let table = render_comparison_table(&rows);
    assert!(table.contains("(no such object)"), "{table}");
    assert!(table.contains('≠'), "{table}");
    let json = comparison_json(&rows);
    assert_eq!(json["version"], 1);
    assert_eq!(json["live"], true);
    assert_eq!(json["differences"], differing.len());
    let lb = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"] == "table leaderboard")
        .unwrap();
    let nr = lb["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "num_replicas")
        .unwrap();
    assert_eq!(nr["value"], 3);
    assert_eq!(nr["live"], 7);
    assert_eq!(nr["differs"], true);
}
