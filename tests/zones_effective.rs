//! Effective zone configurations against hand-worked CockroachDB values.

use bmdb::model::types::*;
use bmdb::zones::effective::*;
use std::collections::BTreeMap;

#[path = "zones/fixtures.rs"]
mod fixtures;
use fixtures::*;

fn find<'a>(zones: &'a [ObjectZone], label: &str) -> &'a ObjectZone {
    zones
        .iter()
        .find(|z| z.label() == label)
        .unwrap_or_else(|| {
            panic!(
                "no object {label}; have {:?}",
                zones.iter().map(|z| z.label()).collect::<Vec<_>>()
            )
        })
}

fn int(z: &ObjectZone, f: &str) -> u64 {
    z.int(f)
        .unwrap_or_else(|| panic!("{} has no {f}", z.label()))
}

fn src(z: &ObjectZone, f: &str) -> Source {
    z.field(f).unwrap().source.clone()
}

fn inherited(from: &str) -> Source {
    Source::Inherited { from: from.into() }
}

fn model_src(object: &str) -> Source {
    Source::Model {
        object: object.into(),
    }
}

fn is_mr(s: &Source) -> bool {
    matches!(s, Source::MultiRegion { .. })
}

fn cons(z: &ObjectZone, f: &str) -> Constraints {
    z.value(f)
        .and_then(FieldValue::as_constraints)
        .unwrap_or_else(|| panic!("{} {f}", z.label()))
        .clone()
}

fn lease(z: &ObjectZone) -> Vec<Vec<String>> {
    z.value("lease_preferences")
        .and_then(FieldValue::as_lease_preferences)
        .unwrap()
        .to_vec()
}

fn lp(regions: &[&str]) -> Vec<Vec<String>> {
    regions
        .iter()
        .map(|r| vec![format!("+region={r}")])
        .collect()
}

#[test]
fn bluemarble_database_zone_is_region_survival_with_four_regions() {
    let zones = effective_zones(&bluemarble());
    let db = find(&zones, "database");
    // REGION survival: 5 voters; replicas = 2 in the primary + 1 in each of the 3 others = 5.
    assert_eq!(int(db, "num_replicas"), 5);
    assert_eq!(int(db, "num_voters"), 5);
    assert!(is_mr(&src(db, "num_replicas")));
    assert_eq!(
        cons(db, "constraints"),
        per(&[
            ("+region=ap-southeast-1", 1),
            ("+region=eu-west-1", 1),
            ("+region=us-east-1", 1),
            ("+region=us-west-2", 1)
        ])
    );
    assert_eq!(
        cons(db, "voter_constraints"),
        per(&[("+region=us-west-2", 2)])
    );
    assert_eq!(lease(db), lp(&["us-west-2"]));
    assert_eq!(int(db, "gc.ttlseconds"), 90000);
    assert_eq!(src(db, "gc.ttlseconds"), model_src("database"));
    assert_eq!(db.value("global_reads"), Some(&FieldValue::Bool(false)));
    assert_eq!(src(db, "global_reads"), Source::Default);
    assert_eq!(int(db, "range_max_bytes"), 536_870_912);
    assert_eq!(int(db, "range_min_bytes"), 134_217_728);
}

#[test]
fn bluemarble_players_rows_are_homed_per_partition() {
    let zones = effective_zones(&bluemarble());
    let players = find(&zones, "table players");
    assert_eq!(
        (int(players, "num_replicas"), int(players, "num_voters")),
        (5, 5)
    );
    assert_eq!(src(players, "num_replicas"), inherited("database"));
    assert_eq!(src(players, "gc.ttlseconds"), inherited("database"));
    for region in ["ap-southeast-1", "eu-west-1", "us-east-1", "us-west-2"] {
        let p = find(&zones, &format!("partition {region} of table players"));
        assert_eq!((int(p, "num_replicas"), int(p, "num_voters")), (5, 5));
        assert_eq!(src(p, "num_replicas"), inherited("database"));
        assert!(is_mr(&src(p, "num_voters")));
        assert_eq!(
            cons(p, "voter_constraints"),
            per(&[(&format!("+region={region}"), 2)])
        );
        assert_eq!(lease(p), lp(&[region]));
        assert_eq!(int(p, "gc.ttlseconds"), 90000);
    }
}

#[test]
fn bluemarble_inventory_hidden_region_column_is_partitioned_the_same() {
    let zones = effective_zones(&bluemarble());
    let p = find(&zones, "partition eu-west-1 of table inventory");
    assert_eq!(
        cons(p, "voter_constraints"),
        per(&[("+region=eu-west-1", 2)])
    );
    assert_eq!(int(p, "num_replicas"), 5);
    assert_eq!(
        zones
            .iter()
            .filter(
                |z| matches!(&z.object, ZoneObject::Partition { table, .. } if table == "inventory")
            )
            .count(),
        4
    );
}

#[test]
fn bluemarble_item_templates_are_global() {
    let zones = effective_zones(&bluemarble());
    let t = find(&zones, "table item_templates");
    assert_eq!(t.value("global_reads"), Some(&FieldValue::Bool(true)));
    assert!(is_mr(&src(t, "global_reads")));
    // DEFAULT placement: a GLOBAL table inherits every replica field from the database.
    assert_eq!(int(t, "num_replicas"), 5);
    assert_eq!(src(t, "num_replicas"), inherited("database"));
    assert_eq!(lease(t), lp(&["us-west-2"]));
    assert_eq!(src(t, "lease_preferences"), inherited("database"));
}

#[test]
fn bluemarble_player_activity_log_override_wins() {
    let zones = effective_zones(&bluemarble());
    let t = find(&zones, "table player_activity_log");
    assert_eq!((int(t, "num_replicas"), int(t, "num_voters")), (3, 3));
    assert_eq!(
        src(t, "num_replicas"),
        model_src("table player_activity_log")
    );
    assert_eq!(
        cons(t, "voter_constraints"),
        per(&[("+region=us-west-2", 1)])
    );
    assert_eq!(int(t, "gc.ttlseconds"), 14400);
    assert_eq!(src(t, "global_reads"), Source::Default);
    let idx = find(
        &zones,
        "index player_activity_log@player_activity_log_id_idx",
    );
    assert_eq!(int(idx, "num_replicas"), 3);
    assert_eq!(
        src(idx, "num_replicas"),
        inherited("table player_activity_log")
    );
}

#[test]
fn protected_field_without_override_does_not_count_on_a_multi_region_database() {
    let mut m = bluemarble();
    let t = m.tables.get_mut("player_activity_log").unwrap();
    t.zone.as_mut().unwrap().override_multi_region = false;
    let zones = effective_zones(&m);
    let t = find(&zones, "table player_activity_log");
    assert_eq!(int(t, "num_replicas"), 5);
    assert_eq!(src(t, "num_replicas"), inherited("database"));
    // gc.ttlseconds is not protected: it still applies.
    assert_eq!(
        src(t, "gc.ttlseconds"),
        model_src("table player_activity_log")
    );
}

#[test]
fn zone_survival_default_placement_three_regions() {
    let mut db = mr_db(
        &["a", "b", "c"],
        "b",
        SurvivalGoal::Zone,
        Placement::Default,
    );
    db.name = "z".into();
    let mut tables = BTreeMap::new();
    tables.insert(
        "t".into(),
        table(
            "t",
            Some(Locality::RegionalByTable {
                region: Some("c".into()),
            }),
            None,
        ),
    );
    let zones = effective_zones(&Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let d = find(&zones, "database");
    // 3 voters in the home region + 1 replica in each of the 2 other regions.
    assert_eq!((int(d, "num_replicas"), int(d, "num_voters")), (5, 3));
    assert_eq!(
        cons(d, "voter_constraints"),
        Constraints::All(vec!["+region=b".into()])
    );
    let t = find(&zones, "table t");
    assert_eq!(int(t, "num_voters"), 3);
    assert!(is_mr(&src(t, "num_voters")));
    assert_eq!(
        cons(t, "voter_constraints"),
        Constraints::All(vec!["+region=c".into()])
    );
    assert_eq!(lease(t), lp(&["c"]));
    // RBT IN c inherits num_replicas and constraints from the database.
    assert_eq!(int(t, "num_replicas"), 5);
    assert_eq!(src(t, "constraints"), inherited("database"));
}

#[test]
fn zone_survival_restricted_placement_and_global_table() {
    let db = mr_db(
        &["a", "b", "c"],
        "a",
        SurvivalGoal::Zone,
        Placement::Restricted,
    );
    let mut tables = BTreeMap::new();
    tables.insert("g".into(), table("g", Some(Locality::Global), None));
    tables.insert(
        "r".into(),
        table("r", Some(Locality::RegionalByTable { region: None }), None),
    );
    let zones = effective_zones(&Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let d = find(&zones, "database");
    assert_eq!((int(d, "num_replicas"), int(d, "num_voters")), (3, 3));
    assert_eq!(cons(d, "constraints"), Constraints::All(vec![]));
    // GLOBAL ignores RESTRICTED: the full DEFAULT-placement replica set on the table.
    let g = find(&zones, "table g");
    assert_eq!((int(g, "num_replicas"), int(g, "num_voters")), (5, 3));
    assert!(is_mr(&src(g, "num_replicas")));
    assert_eq!(
        cons(g, "constraints"),
        per(&[("+region=a", 1), ("+region=b", 1), ("+region=c", 1)])
    );
    assert_eq!(
        cons(g, "voter_constraints"),
        Constraints::All(vec!["+region=a".into()])
    );
    assert_eq!(g.value("global_reads"), Some(&FieldValue::Bool(true)));
    let r = find(&zones, "table r");
    assert_eq!(src(r, "num_replicas"), inherited("database"));
    assert_eq!(int(r, "num_replicas"), 3);
}

#[test]
fn region_survival_with_secondary_region() {
    let mut db = mr_db(
        &["a", "b", "c", "d", "e"],
        "a",
        SurvivalGoal::Region,
        Placement::Default,
    );
    db.secondary_region = Some("b".into());
    let mut tables = BTreeMap::new();
    tables.insert(
        "t".into(),
        table("t", Some(Locality::RegionalByRow { column: None }), None),
    );
    let zones = effective_zones(&Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let d = find(&zones, "database");
    // 2 + (5 - 1) + 1 for the secondary = 7.
    assert_eq!((int(d, "num_replicas"), int(d, "num_voters")), (7, 5));
    assert_eq!(
        cons(d, "voter_constraints"),
        per(&[("+region=a", 2), ("+region=b", 2)])
    );
    assert_eq!(lease(d), lp(&["a", "b"]));
    let pc = find(&zones, "partition c of table t");
    assert_eq!(
        cons(pc, "voter_constraints"),
        per(&[("+region=b", 2), ("+region=c", 2)])
    );
    assert_eq!(lease(pc), lp(&["c", "b"]));
    // The secondary's own partition names it once.
    let pb = find(&zones, "partition b of table t");
    assert_eq!(cons(pb, "voter_constraints"), per(&[("+region=b", 2)]));
    assert_eq!(lease(pb), lp(&["b"]));
}

#[test]
fn region_survival_three_regions_keeps_at_least_five_replicas() {
    let db = mr_db(
        &["a", "b", "c"],
        "a",
        SurvivalGoal::Region,
        Placement::Default,
    );
    let zones = effective_zones(&Model {
        database: db,
        tables: BTreeMap::new(),
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let d = find(&zones, "database");
    assert_eq!((int(d, "num_replicas"), int(d, "num_voters")), (5, 5));
}

#[test]
fn super_region_confines_replicas() {
    let mut db = mr_db(
        &["a", "b", "c", "d"],
        "a",
        SurvivalGoal::Zone,
        Placement::Default,
    );
    db.super_regions
        .insert("na".into(), vec!["a".into(), "b".into()]);
    let mut tables = BTreeMap::new();
    tables.insert(
        "t".into(),
        table(
            "t",
            Some(Locality::RegionalByTable {
                region: Some("b".into()),
            }),
            None,
        ),
    );
    tables.insert(
        "p".into(),
        table("p", Some(Locality::RegionalByTable { region: None }), None),
    );
    tables.insert(
        "o".into(),
        table(
            "o",
            Some(Locality::RegionalByTable {
                region: Some("c".into()),
            }),
            None,
        ),
    );
    let zones = effective_zones(&Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    // Super region of 2: 3 + 1 = 4 replicas, all 3 voters in b, the 4th in a.
    let t = find(&zones, "table t");
    assert_eq!(int(t, "num_replicas"), 4);
    assert_eq!(
        cons(t, "constraints"),
        per(&[("+region=a", 1), ("+region=b", 3)])
    );
    // IN PRIMARY REGION gets a zone too when the primary is in a super region.
    let p = find(&zones, "table p");
    assert_eq!(
        cons(p, "constraints"),
        per(&[("+region=a", 3), ("+region=b", 1)])
    );
    assert!(is_mr(&src(p, "voter_constraints")));
    // Outside any super region: database replica set.
    let o = find(&zones, "table o");
    assert_eq!(src(o, "num_replicas"), inherited("database"));
    assert_eq!(int(o, "num_replicas"), 6);
}

#[test]
fn super_region_region_survival_spreads_evenly() {
    let mut db = mr_db(
        &["a", "b", "c", "d"],
        "a",
        SurvivalGoal::Region,
        Placement::Default,
    );
    db.super_regions
        .insert("eu".into(), vec!["a".into(), "b".into(), "c".into()]);
    let mut tables = BTreeMap::new();
    tables.insert(
        "t".into(),
        table("t", Some(Locality::RegionalByRow { column: None }), None),
    );
    let zones = effective_zones(&Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let p = find(&zones, "partition b of table t");
    // 2 + 2 = 4 -> at least 5; 5 over 3 regions, the extra going to b first, then a.
    assert_eq!(int(p, "num_replicas"), 5);
    assert_eq!(
        cons(p, "constraints"),
        per(&[("+region=a", 2), ("+region=b", 2), ("+region=c", 1)])
    );
    let pd = find(&zones, "partition d of table t");
    assert_eq!(src(pd, "constraints"), inherited("database"));
}

#[test]
fn single_region_inherits_range_default_and_lists_only_zoned_indexes() {
    let mut db = Database {
        name: "proto".into(),
        ..Default::default()
    };
    db.range_zones.insert(
        "default".into(),
        ZoneConfig {
            num_replicas: Some(5),
            ..Default::default()
        },
    );
    db.range_zones.insert(
        "liveness".into(),
        ZoneConfig {
            range_max_bytes: Some(1 << 20),
            ..Default::default()
        },
    );
    let mut t = table(
        "t",
        None,
        Some(ZoneConfig {
            gc_ttlseconds: Some(600),
            ..Default::default()
        }),
    );
    t.indexes.push(Index {
        name: "t_zoned_idx".into(),
        columns: vec![IndexColumn {
            name: "id".into(),
            desc: true,
            ..Default::default()
        }],
        zone: Some(ZoneConfig {
            num_replicas: Some(7),
            ..Default::default()
        }),
        ..Default::default()
    });
    let mut tables = BTreeMap::new();
    tables.insert("t".into(), t);
    let zones = effective_zones(&Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let labels: Vec<String> = zones.iter().map(|z| z.label()).collect();
    assert_eq!(
        labels,
        [
            "range default",
            "range liveness",
            "database",
            "table t",
            "index t@t_zoned_idx"
        ]
    );
    let rd = find(&zones, "range default");
    assert_eq!(src(rd, "num_replicas"), model_src("range default"));
    assert_eq!(src(rd, "gc.ttlseconds"), Source::Default);
    assert_eq!(rd.value("num_voters"), None);
    let live = find(&zones, "range liveness");
    assert_eq!(
        (int(live, "num_replicas"), int(live, "gc.ttlseconds")),
        (5, 600)
    );
    assert_eq!(src(live, "range_max_bytes"), model_src("range liveness"));
    let d = find(&zones, "database");
    assert_eq!(src(d, "num_replicas"), inherited("range default"));
    let t = find(&zones, "table t");
    assert_eq!(int(t, "num_replicas"), 5);
    assert_eq!(src(t, "num_replicas"), inherited("range default"));
    assert_eq!(src(t, "gc.ttlseconds"), model_src("table t"));
    assert_eq!(t.voters(), Some(5));
    let i = find(&zones, "index t@t_zoned_idx");
    assert_eq!(int(i, "num_replicas"), 7);
    assert_eq!(int(i, "gc.ttlseconds"), 600);
    assert_eq!(src(i, "gc.ttlseconds"), inherited("table t"));
    assert_eq!(int(i, "gc.ttlseconds"), 600);
    assert_eq!(src(i, "constraints"), Source::Default);
}

#[test]
fn json_shape_is_versioned_and_documented() {
    let zones = effective_zones(&bluemarble());
    let json = to_json(&zones);
    assert_eq!(json["version"], 1);
    let objects = json["objects"].as_array().unwrap();
    let players = objects
        .iter()
        .find(|o| o["object"] == "table players")
        .unwrap();
    assert_eq!(
        players["target"],
        serde_json::json!({"kind": "table", "table": "players"})
    );
    let fields = players["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, FIELDS);
    assert_eq!(fields[0]["value"], 5);
    assert_eq!(
        fields[0]["source"],
        serde_json::json!({"kind": "inherited", "from": "database"})
    );
    let p = objects
        .iter()
        .find(|o| o["object"] == "partition us-east-1 of table players")
        .unwrap();
    assert_eq!(
        p["target"],
        serde_json::json!({"kind": "partition", "table": "players", "region": "us-east-1"})
    );
    assert_eq!(
        p["fields"][3]["value"],
        serde_json::json!({"+region=us-east-1": 2})
    );
    assert_eq!(p["fields"][3]["source"]["kind"], "multi_region");
    assert_eq!(
        p["fields"][4]["value"],
        serde_json::json!([["+region=us-east-1"]])
    );
    let db = objects.iter().find(|o| o["object"] == "database").unwrap();
    assert_eq!(
        db["target"],
        serde_json::json!({"kind": "database", "name": "bluemarble"})
    );
    assert_eq!(
        db["fields"][6]["source"],
        serde_json::json!({"kind": "model", "object": "database"})
    );
    let rd = objects
        .iter()
        .find(|o| o["object"] == "range default")
        .unwrap();
    assert_eq!(rd["fields"][1]["value"], serde_json::Value::Null);
    assert_eq!(
        rd["fields"][1]["source"],
        serde_json::json!({"kind": "default"})
    );
}

#[test]
fn table_rendering_names_values_and_sources() {
    let out = bmdb::zones::zones_show(&bluemarble(), false);
    assert!(out.contains("table item_templates"), "{out}");
    assert!(out.contains("{+region=us-west-2: 2}"), "{out}");
    assert!(out.contains("inherited from database"), "{out}");
    assert!(out.contains("multi-region: GLOBAL"), "{out}");
    assert!(out.contains("(= num_replicas)"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&bmdb::zones::zones_show(&bluemarble(), true)).unwrap();
    assert_eq!(json["version"], 1);
}

#[test]
fn lock_state_shape_deserialises_into_the_same_zones() {
    // The lock file's serde shape: the model as other stages store it.
    let yaml = r#"
database:
  name: bluemarble
  dialect: cockroach
  primary_region: us-west-2
  regions: [ap-southeast-1, eu-west-1, us-east-1, us-west-2]
  survival_goal: region
  placement: default
  zone: { gc.ttlseconds: 90000 }
tables:
  item_templates:
    name: item_templates
    locality: global
    columns: [{ name: id, type: INT8 }]
"#;
    let m: Model = serde_yaml::from_str(yaml).unwrap();
    let zones = effective_zones(&m);
    let t = find(&zones, "table item_templates");
    assert_eq!(t.value("global_reads"), Some(&FieldValue::Bool(true)));
    assert_eq!(int(t, "gc.ttlseconds"), 90000);
}
