//! `zones set` / `zones unset` text edits: golden outputs (byte-identical outside the edited
//! keys), the YAML they parse to, and refusals that produce no text.
//! Re-bless the golden files with `BMDB_BLESS=1 cargo test --test zones_edit`.

#[path = "common/golden.rs"]
mod golden_files;
use bmdb::model::types::{Constraints, ZoneConfig};
use bmdb::zones::edit::*;
use serde_yaml::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/zones/edit")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn golden(name: &str, actual: &str) {
    if let Some(f) = golden_files::check_file(&dir().join("golden").join(name), actual) {
        panic!("golden {name}: {f}");
    }
}

fn words(s: &str) -> Vec<String> {
    s.split(' ').map(String::from).collect()
}

fn target(s: &str) -> ZoneTargetArg {
    parse_target(&words(s)).unwrap()
}

fn sets(list: &[&str]) -> Vec<(ZoneKey, ZoneValue)> {
    list.iter().map(|s| parse_assignment(s).unwrap()).collect()
}

fn keys(list: &[&str]) -> Vec<ZoneKey> {
    list.iter().map(|s| ZoneKey::parse(s).unwrap()).collect()
}

const SINGLE: MultiRegionGuard = MultiRegionGuard {
    database_is_multi_region: false,
    override_multi_region: false,
};
const MR: MultiRegionGuard = MultiRegionGuard {
    database_is_multi_region: true,
    override_multi_region: false,
};
const MR_OVERRIDE: MultiRegionGuard = MultiRegionGuard {
    database_is_multi_region: true,
    override_multi_region: true,
};

/// Where a zone sits in the parsed document.
enum At {
    Zones(&'static str),
    Table,
    Index(usize),
}

/// Take the zone out of a parsed document (and an emptied `zones:`).
fn take_zone(doc: &mut Value, at: &At) -> Option<Value> {
    let map = doc.as_mapping_mut().unwrap();
    match at {
        At::Table => map.remove("zone"),
        At::Zones(key) => {
            let zones = map.get_mut("zones")?;
            let taken = zones.as_mapping_mut().and_then(|z| z.remove(*key));
            if zones.as_mapping().is_none_or(|z| z.is_empty()) {
                map.remove("zones");
            }
            taken
        }
        At::Index(n) => map
            .get_mut("indexes")?
            .as_sequence_mut()?
            .get_mut(*n)?
            .as_mapping_mut()?
            .remove("zone"),
    }
}

/// The output parses; outside the zone it equals the input; the zone is `expected`.
fn check_yaml(input: &str, output: &str, at: At, expected: Option<ZoneConfig>) {
    let mut before: Value = serde_yaml::from_str(input).unwrap();
    let mut after: Value = serde_yaml::from_str(output)
        .unwrap_or_else(|e| panic!("output is not YAML: {e}\n{output}"));
    take_zone(&mut before, &at);
    let zone = take_zone(&mut after, &at);
    assert_eq!(before, after, "the document changed outside the zone");
    let zone: Option<ZoneConfig> =
        zone.map(|z| serde_yaml::from_value(z).expect("zone parses as ZoneConfig"));
    assert_eq!(zone, expected);
}

fn per(pairs: &[(&str, u32)]) -> Constraints {
    Constraints::PerReplica(pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect())
}

// --- regions.yaml -----------------------------------------------------------------

#[test]
fn replace_a_value_in_a_flow_zone() {
    let input = fixture("regions_bluemarble.yaml");
    let out = set_in_text(
        &input,
        &target("database"),
        &sets(&["gc.ttlseconds=100000"]),
        MR,
    )
    .unwrap();
    golden("regions_database_gc.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Zones("database"),
        Some(ZoneConfig {
            gc_ttlseconds: Some(100000),
            ..Default::default()
        }),
    );
}

#[test]
fn add_a_key_to_a_flow_zone() {
    let input = fixture("regions_bluemarble.yaml");
    let out = set_in_text(
        &input,
        &target("database"),
        &sets(&["range_max_bytes=1073741824"]),
        MR,
    )
    .unwrap();
    golden("regions_database_add_max_bytes.yaml", &out);
    let z = ZoneConfig {
        gc_ttlseconds: Some(90000),
        range_max_bytes: Some(1 << 30),
        ..Default::default()
    };
    check_yaml(&input, &out, At::Zones("database"), Some(z));
}

#[test]
fn create_a_range_zone_under_zones() {
    let input = fixture("regions_bluemarble.yaml");
    let out = set_in_text(
        &input,
        &target("range default"),
        &sets(&["num_replicas=5"]),
        MR,
    )
    .unwrap();
    golden("regions_range_default_created.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Zones("range default"),
        Some(ZoneConfig {
            num_replicas: Some(5),
            ..Default::default()
        }),
    );
}

#[test]
fn protected_field_is_refused_on_a_multi_region_database() {
    let input = fixture("regions_bluemarble.yaml");
    let err = set_in_text(&input, &target("database"), &sets(&["num_replicas=7"]), MR)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("refusing to set num_replicas on database"),
        "{err}"
    );
    assert!(err.contains("--override-multi-region"), "{err}");
    assert!(
        err.contains(
            "every later region, survival goal or locality change then needs the override again"
        ),
        "{err}"
    );
    // Unprotected fields stay free, and a single-region database has no guard.
    assert!(set_in_text(
        &input,
        &target("database"),
        &sets(&["gc.ttlseconds=600"]),
        MR
    )
    .is_ok());
    assert!(set_in_text(
        &input,
        &target("database"),
        &sets(&["num_replicas=7"]),
        SINGLE
    )
    .is_ok());
}

#[test]
fn override_records_consent_in_the_zone() {
    let input = fixture("regions_bluemarble.yaml");
    let out = set_in_text(
        &input,
        &target("database"),
        &sets(&["num_replicas=7", "num_voters=5"]),
        MR_OVERRIDE,
    )
    .unwrap();
    golden("regions_database_override.yaml", &out);
    let z = ZoneConfig {
        gc_ttlseconds: Some(90000),
        num_replicas: Some(7),
        num_voters: Some(5),
        override_multi_region: true,
        ..Default::default()
    };
    check_yaml(&input, &out, At::Zones("database"), Some(z.clone()));
    // Unsetting the protected fields takes the consent away too.
    let back = unset_in_text(
        &out,
        &target("database"),
        &keys(&["num_replicas", "num_voters"]),
    )
    .unwrap();
    assert_eq!(back, input);
}

#[test]
fn unset_the_last_key_removes_the_zone_and_the_emptied_zones_block() {
    let input = fixture("regions_bluemarble.yaml");
    let out = unset_in_text(&input, &target("database"), &keys(&["gc.ttlseconds"])).unwrap();
    golden("regions_database_unset.yaml", &out);
    check_yaml(&input, &out, At::Zones("database"), None);
    assert!(!out.contains("zones:"));
}

#[test]
fn create_zones_at_the_end_of_a_file_without_a_final_newline() {
    let input = fixture("regions_nozones.yaml");
    assert!(!input.ends_with('\n'));
    let out = set_in_text(
        &input,
        &target("database"),
        &sets(&["gc.ttlseconds=600"]),
        SINGLE,
    )
    .unwrap();
    golden("regions_nozones_created.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Zones("database"),
        Some(ZoneConfig {
            gc_ttlseconds: Some(600),
            ..Default::default()
        }),
    );
    // And back: the zones block goes, the rest is the input plus its new final newline.
    let back = unset_in_text(&out, &target("database"), &keys(&["gc.ttlseconds"])).unwrap();
    assert_eq!(back, format!("{input}\n"));
}

#[test]
fn block_zones_keep_comments_and_odd_spacing() {
    let input = fixture("regions_blockzones.yaml");
    let rd = target("range default");
    let out = set_in_text(
        &input,
        &rd,
        &sets(&["gc.ttlseconds=1200", "range_max_bytes=1073741824"]),
        SINGLE,
    )
    .unwrap();
    golden("regions_block_set.yaml", &out);
    let z = ZoneConfig {
        num_replicas: Some(5),
        gc_ttlseconds: Some(1200),
        range_max_bytes: Some(1 << 30),
        ..Default::default()
    };
    check_yaml(&input, &out, At::Zones("range default"), Some(z));

    let out = unset_in_text(&input, &rd, &keys(&["num_replicas"])).unwrap();
    golden("regions_block_unset.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Zones("range default"),
        Some(ZoneConfig {
            gc_ttlseconds: Some(600),
            ..Default::default()
        }),
    );
}

#[test]
fn a_block_collection_value_is_replaced_by_a_flow_value() {
    let input = fixture("regions_blockzones.yaml");
    let out = set_in_text(
        &input,
        &target("database"),
        &sets(&["constraints={+region=us-east-1: 2}"]),
        SINGLE,
    )
    .unwrap();
    golden("regions_block_constraints.yaml", &out);
    let z = ZoneConfig {
        gc_ttlseconds: Some(90000),
        constraints: Some(per(&[("+region=us-east-1", 2)])),
        ..Default::default()
    };
    check_yaml(&input, &out, At::Zones("database"), Some(z));
    // Removing it removes its lines.
    let out = unset_in_text(&input, &target("database"), &keys(&["constraints"])).unwrap();
    golden("regions_block_constraints_unset.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Zones("database"),
        Some(ZoneConfig {
            gc_ttlseconds: Some(90000),
            ..Default::default()
        }),
    );
}

// --- table files ------------------------------------------------------------------

fn pal_zone() -> ZoneConfig {
    ZoneConfig {
        override_multi_region: true,
        num_replicas: Some(3),
        num_voters: Some(3),
        constraints: Some(per(&[
            ("+region=us-west-2", 1),
            ("+region=us-east-1", 1),
            ("+region=eu-west-1", 1),
        ])),
        voter_constraints: Some(per(&[("+region=us-west-2", 1)])),
        lease_preferences: Some(vec![vec!["+region=us-west-2".into()]]),
        gc_ttlseconds: Some(14400),
        ..Default::default()
    }
}

#[test]
fn table_zone_value_keeps_its_trailing_comment() {
    let input = fixture("player_activity_log.yaml");
    let out = set_in_text(
        &input,
        &target("table player_activity_log"),
        &sets(&["gc.ttlseconds=7200"]),
        MR,
    )
    .unwrap();
    golden("pal_gc.yaml", &out);
    assert!(out.contains("gc.ttlseconds: 7200    # above the 1h backup interval"));
    check_yaml(
        &input,
        &out,
        At::Table,
        Some(ZoneConfig {
            gc_ttlseconds: Some(7200),
            ..pal_zone()
        }),
    );
}

#[test]
fn overridden_zone_accepts_protected_fields_without_the_flag() {
    // The file already records `override_multi_region: true`.
    let input = fixture("player_activity_log.yaml");
    let out = set_in_text(
        &input,
        &target("table player_activity_log"),
        &sets(&["lease_preferences=[[+region=us-west-2], [+region=us-east-1]]"]),
        MR,
    )
    .unwrap();
    golden("pal_lease.yaml", &out);
    let lp = vec![
        vec!["+region=us-west-2".to_string()],
        vec!["+region=us-east-1".to_string()],
    ];
    check_yaml(
        &input,
        &out,
        At::Table,
        Some(ZoneConfig {
            lease_preferences: Some(lp),
            ..pal_zone()
        }),
    );
}

#[test]
fn unset_all_protected_fields_drops_the_override() {
    let input = fixture("player_activity_log.yaml");
    let t = target("table player_activity_log");
    let out = unset_in_text(
        &input,
        &t,
        &keys(&[
            "num_replicas",
            "num_voters",
            "constraints",
            "voter_constraints",
            "lease_preferences",
        ]),
    )
    .unwrap();
    golden("pal_unset_protected.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Table,
        Some(ZoneConfig {
            gc_ttlseconds: Some(14400),
            ..Default::default()
        }),
    );
    // And the last key takes the whole block.
    let out = unset_in_text(&out, &t, &keys(&["gc.ttlseconds"])).unwrap();
    golden("pal_unset_all.yaml", &out);
    check_yaml(&input, &out, At::Table, None);
    assert!(!out.contains("zone"));
}

#[test]
fn index_zone_added_to_a_flow_entry_by_generated_name() {
    let input = fixture("player_activity_log.yaml");
    let out = set_in_text(
        &input,
        &target("index player_activity_log@player_activity_log_occurred_at_idx"),
        &sets(&["gc.ttlseconds=600"]),
        MR,
    )
    .unwrap();
    golden("pal_index_zone.yaml", &out);
    assert!(out.contains(
        "- { columns: [occurred_at], sharded: { buckets: 16 }, zone: { gc.ttlseconds: 600 } }"
    ));
    check_yaml(
        &input,
        &out,
        At::Index(0),
        Some(ZoneConfig {
            gc_ttlseconds: Some(600),
            ..Default::default()
        }),
    );
    // The desc column's map form counts for the generated name too.
    let out = set_in_text(
        &input,
        &target("index player_activity_log@player_activity_log_player_id_occurred_at_idx"),
        &sets(&["range_max_bytes=268435456"]),
        MR,
    )
    .unwrap();
    check_yaml(
        &input,
        &out,
        At::Index(1),
        Some(ZoneConfig {
            range_max_bytes: Some(268435456),
            ..Default::default()
        }),
    );
}

#[test]
fn table_zone_appended_at_the_end_of_the_file() {
    let input = fixture("inventory_block.yaml");
    let out = set_in_text(
        &input,
        &target("table inventory"),
        &sets(&["gc.ttlseconds=600"]),
        SINGLE,
    )
    .unwrap();
    golden("inventory_table_zone.yaml", &out);
    assert!(out.starts_with(&input));
    check_yaml(
        &input,
        &out,
        At::Table,
        Some(ZoneConfig {
            gc_ttlseconds: Some(600),
            ..Default::default()
        }),
    );
}

#[test]
fn block_index_entry_gets_a_zone_line() {
    let input = fixture("inventory_block.yaml");
    let out = set_in_text(
        &input,
        &target("index inventory@inventory_props_idx"),
        &sets(&["num_replicas=5"]),
        SINGLE,
    )
    .unwrap();
    golden("inventory_props_zone.yaml", &out);
    check_yaml(
        &input,
        &out,
        At::Index(0),
        Some(ZoneConfig {
            num_replicas: Some(5),
            ..Default::default()
        }),
    );
}

#[test]
fn compact_flow_zone_on_a_block_index_entry() {
    let input = fixture("inventory_block.yaml");
    let idx = target("index inventory@inventory_player_id_quantity_idx");
    let out = set_in_text(
        &input,
        &idx,
        &sets(&["gc.ttlseconds=1200", "global_reads=false"]),
        SINGLE,
    )
    .unwrap();
    golden("inventory_flow_zone_set.yaml", &out);
    let z = ZoneConfig {
        gc_ttlseconds: Some(1200),
        global_reads: Some(false),
        ..Default::default()
    };
    check_yaml(&input, &out, At::Index(1), Some(z));
    let out = unset_in_text(&input, &idx, &keys(&["gc.ttlseconds"])).unwrap();
    golden("inventory_flow_zone_unset.yaml", &out);
    check_yaml(&input, &out, At::Index(1), None);
}

#[test]
fn set_then_unset_round_trips_byte_for_byte() {
    for (file, t, kv) in [
        (
            "inventory_block.yaml",
            "index inventory@inventory_props_idx",
            "constraints=[+region=a, -disk=hdd]",
        ),
        (
            "inventory_block.yaml",
            "table inventory",
            "range_min_bytes=1048576",
        ),
        (
            "player_activity_log.yaml",
            "index player_activity_log@player_activity_log_occurred_at_idx",
            "gc.ttlseconds=60",
        ),
        (
            "regions_bluemarble.yaml",
            "range meta",
            "gc.ttlseconds=3600",
        ),
        (
            "regions_blockzones.yaml",
            "database",
            "range_max_bytes=1073741824",
        ),
    ] {
        let input = fixture(file);
        let (k, _) = parse_assignment(kv).unwrap();
        let out = set_in_text(&input, &target(t), &sets(&[kv]), SINGLE).unwrap();
        assert_ne!(out, input);
        let back = unset_in_text(&out, &target(t), &[k]).unwrap();
        assert_eq!(back, input, "{file} {t} {kv}");
    }
}

// --- refusals ---------------------------------------------------------------------

#[test]
fn invalid_values_are_errors() {
    for (s, needle) in [
        ("num_replicas=0", "at least 1"),
        ("num_voters=-1", "whole number"),
        ("gc.ttlseconds=0", "at least 1"),
        ("gc.ttlseconds=10m", "whole number"),
        ("range_max_bytes=1024", "at least 65536"),
        ("global_reads=yes", "true or false"),
        ("constraints=[region=a]", "must start with +"),
        ("constraints={-region=a: 1}", "prohibited"),
        ("constraints={+region=a: 0}", "at least 1"),
        ("constraints=region", "expected a list"),
        ("voter_constraints=[-region=a]", "prohibited"),
        ("lease_preferences=[[]]", "empty"),
        ("lease_preferences=[+region=a]", "ordered list"),
        ("lease_preferences=[[region a]]", "must start with +"),
        ("num_replicas", "KEY=VALUE"),
    ] {
        let err = format!("{:#}", parse_assignment(s).unwrap_err());
        assert!(err.contains(needle), "{s}: {err}");
    }
}

#[test]
fn valid_values_parse_as_intended() {
    assert_eq!(
        parse_assignment("num_replicas=5").unwrap(),
        (ZoneKey::NumReplicas, ZoneValue::Int(5))
    );
    assert_eq!(
        parse_assignment("global_reads=true").unwrap(),
        (ZoneKey::GlobalReads, ZoneValue::Bool(true))
    );
    assert_eq!(
        parse_assignment("constraints='{+region=a: 1, \"+region=b,+ssd\": 2}'").unwrap(),
        (
            ZoneKey::Constraints,
            ZoneValue::Constraints(per(&[("+region=a", 1), ("+region=b,+ssd", 2)]))
        )
    );
    assert_eq!(
        parse_assignment("constraints=[+region=a, -disk=hdd]")
            .unwrap()
            .1,
        ZoneValue::Constraints(Constraints::All(vec![
            "+region=a".into(),
            "-disk=hdd".into()
        ]))
    );
    // A quoted comma-joined key is written back quoted and reads the same.
    let (k, v) = parse_assignment("constraints={\"+region=b,+ssd\": 2}").unwrap();
    assert_eq!(parse_value(k, &value_yaml(&v)).unwrap(), v);
}

#[test]
fn unknown_key_gets_a_did_you_mean() {
    let err = parse_assignment("num_replica=5").unwrap_err().to_string();
    assert!(err.contains("did you mean `num_replicas`"), "{err}");
    let err = parse_assignment("gc_ttlseconds=600")
        .unwrap_err()
        .to_string();
    assert!(err.contains("did you mean `gc.ttlseconds`"), "{err}");
    let err = ZoneKey::parse("ttl").unwrap_err().to_string();
    assert!(err.contains("zone variables are"), "{err}");
}

#[test]
fn targets_parse_and_bad_ones_are_errors() {
    assert_eq!(target("database"), ZoneTargetArg::Database);
    assert_eq!(
        target("range default"),
        ZoneTargetArg::Range("default".into())
    );
    assert_eq!(
        parse_target(&["range default".to_string()]).unwrap(),
        ZoneTargetArg::Range("default".into())
    );
    assert_eq!(
        target("table players"),
        ZoneTargetArg::Table("players".into())
    );
    assert_eq!(
        target("index players@players_email_idx"),
        ZoneTargetArg::Index("players".into(), "players_email_idx".into())
    );
    for (bad, needle) in [
        ("", "no zone target"),
        ("tabel players", "did you mean `table`"),
        ("table", "needs a table name"),
        ("index players", "TABLE@INDEX"),
        ("index @x", "TABLE@INDEX"),
        ("database bluemarble", "takes no name"),
        ("table players@x", "write `index players@x`"),
        ("range a b", "takes one"),
    ] {
        let err = parse_target(&words(bad)).unwrap_err().to_string();
        assert!(err.contains(needle), "{bad}: {err}");
    }
}

#[test]
fn wrong_file_or_missing_object_is_an_error() {
    let pal = fixture("player_activity_log.yaml");
    let one = sets(&["gc.ttlseconds=600"]);
    let err = set_in_text(&pal, &target("table players"), &one, SINGLE)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("declares table `player_activity_log`"),
        "{err}"
    );
    let err = set_in_text(&pal, &target("database"), &one, SINGLE)
        .unwrap_err()
        .to_string();
    assert!(err.contains("belongs in regions.yaml"), "{err}");
    let err = set_in_text(
        &pal,
        &target("index player_activity_log@player_activity_log_occured_at_idx"),
        &one,
        SINGLE,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("did you mean `player_activity_log_occurred_at_idx`"),
        "{err}"
    );
    let regions = fixture("regions_bluemarble.yaml");
    let err = set_in_text(&regions, &target("table players"), &one, SINGLE)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no `table:` key"), "{err}");
    let err = unset_in_text(&regions, &target("range default"), &keys(&["num_replicas"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no zone in the model"), "{err}");
    let err = unset_in_text(&regions, &target("database"), &keys(&["num_replicas"]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("does not set num_replicas; it sets gc.ttlseconds"),
        "{err}"
    );
    let err = set_in_text("a: [unclosed", &target("database"), &one, SINGLE)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not valid YAML"), "{err}");
    let err = set_in_text(
        &regions,
        &target("database"),
        &sets(&["range_min_bytes=1048576", "range_max_bytes=1048576"]),
        SINGLE,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("must be below"), "{err}");
}

#[test]
fn multi_region_is_read_from_regions_text() {
    assert!(regions_text_is_multi_region(&fixture("regions_bluemarble.yaml")).unwrap());
    assert!(!regions_text_is_multi_region(&fixture("regions_nozones.yaml")).unwrap());
}
