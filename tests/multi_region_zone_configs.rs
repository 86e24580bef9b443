//! `pkg/ccl/logictestccl/testdata/logic_test/multi_region_zone_configs` of
//! cockroachdb/cockroach at commit 1a32b6b81088382a279005e7c821c1691e99bbfd, checked field by
//! field (num_replicas, num_voters, constraints, voter_constraints, lease_preferences) against
//! bmdb's effective zones. Each case names the lines of its `SHOW ZONE CONFIGURATION` query
//! block in that file (counted from the `# LogicTest:` line as line 1); the expected values
//! are the logic test's own, not bmdb's: nothing here ran on a server.
//!
//! The database is `"mr-zone-configs"`, primary ca-central-1, regions ap-southeast-2 and
//! us-east-1, ZONE survival (lines 13-14), taken through region drops and adds, a primary
//! region change and fields set with `override_multi_region_zone_config` (bmdb:
//! `override_multi_region: true`). A statement run with that override that rewrites the
//! multi-region zone (ADD/DROP REGION, SET PRIMARY REGION, SURVIVE) drops the earlier
//! override: the logic test shows the plain multi-region values after it. ZONE survival and
//! no super regions: every release's rules agree, so each case is checked with the rules of
//! v23.2.0, v25.1.3, v26.1.0 and v26.2.0.

use bmdb::model::types::*;
use bmdb::zones::effective::effective_zones;

#[path = "common/zones.rs"]
mod zones;
use zones::shown;

const FILE: &str = "pkg/ccl/logictestccl/testdata/logic_test/multi_region_zone_configs";
const COMMIT: &str = "1a32b6b81088382a279005e7c821c1691e99bbfd";

const AP: &str = "ap-southeast-2";
const CA: &str = "ca-central-1";
const US: &str = "us-east-1";

struct Case {
    lines: &'static str,
    primary: &'static str,
    regions: &'static [&'static str],
    /// The database zone's overrides (set with `override_multi_region_zone_config`).
    db_zone: Option<ZoneConfig>,
    /// `regional_by_row`'s own zone, when the case is about the table.
    table_zone: Option<ZoneConfig>,
    object: &'static str,
    counts: [u64; 2],
    /// constraints, voter_constraints, lease_preferences as SHOW ZONE prints them
    fields: [&'static str; 3],
}

fn model(c: &Case, version: CrdbVersion) -> Model {
    let mut regions: Vec<String> = c.regions.iter().map(|r| r.to_string()).collect();
    regions.sort();
    let database = Database {
        name: "mr-zone-configs".into(),
        dialect: Dialect::Cockroach,
        primary_region: Some(c.primary.into()),
        regions,
        survival_goal: SurvivalGoal::Zone,
        cockroach_version: Some(version),
        zone: c.db_zone.clone(),
        ..Database::default()
    };
    let t = Table {
        name: "regional_by_row".into(),
        columns: vec![
            Column {
                name: "pk".into(),
                ty: "INT8".into(),
                ..Default::default()
            },
            Column {
                name: "i".into(),
                ty: "INT8".into(),
                ..Default::default()
            },
        ],
        locality: Some(Locality::RegionalByRow { column: None }),
        zone: c.table_zone.clone(),
        ..Default::default()
    };
    let mut m = Model {
        database,
        ..Default::default()
    };
    m.tables.insert(t.name.clone(), t);
    m
}

fn overridden(z: ZoneConfig) -> Option<ZoneConfig> {
    Some(ZoneConfig {
        override_multi_region: true,
        ..z
    })
}

const EVERY: &str = "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}";

fn cases() -> Vec<Case> {
    let db = "database";
    let all: &'static [&'static str] = &[AP, CA, US];
    vec![
        // gc.ttlseconds and the range sizes set: the multi-region fields untouched
        Case {
            lines: "28-39",
            primary: CA,
            regions: all,
            db_zone: Some(ZoneConfig {
                gc_ttlseconds: Some(5),
                range_min_bytes: Some(1000),
                range_max_bytes: Some(100000),
                ..Default::default()
            }),
            table_zone: None,
            object: db,
            counts: [5, 3],
            fields: [EVERY, "[+region=ca-central-1]", "[[+region=ca-central-1]]"],
        },
        // num_voters = 5 refused without the override: nothing changed
        Case {
            lines: "47-58",
            primary: CA,
            regions: all,
            db_zone: None,
            table_zone: None,
            object: db,
            counts: [5, 3],
            fields: [EVERY, "[+region=ca-central-1]", "[[+region=ca-central-1]]"],
        },
        // num_voters = 5 with the override
        Case {
            lines: "68-79",
            primary: CA,
            regions: all,
            db_zone: overridden(ZoneConfig {
                num_voters: Some(5),
                ..Default::default()
            }),
            table_zone: None,
            object: db,
            counts: [5, 5],
            fields: [EVERY, "[+region=ca-central-1]", "[[+region=ca-central-1]]"],
        },
        // SET PRIMARY REGION us-east-1 with the override: num_replicas = 7 rewritten
        Case {
            lines: "141-152",
            primary: US,
            regions: all,
            db_zone: None,
            table_zone: None,
            object: db,
            counts: [5, 3],
            fields: [EVERY, "[+region=us-east-1]", "[[+region=us-east-1]]"],
        },
        // ap-southeast-2 dropped, then voter_constraints set with the override
        Case {
            lines: "200-211",
            primary: US,
            regions: &[CA, US],
            db_zone: overridden(ZoneConfig {
                voter_constraints: Some(Constraints::All(vec!["+region=ap-southeast-2".into()])),
                ..Default::default()
            }),
            table_zone: None,
            object: db,
            counts: [4, 3],
            fields: [
                "{+region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=us-east-1]]",
            ],
        },
        // ca-central-1 dropped with the override: one region left, the override gone
        Case {
            lines: "221-232",
            primary: US,
            regions: &[US],
            db_zone: None,
            table_zone: None,
            object: db,
            counts: [3, 3],
            fields: [
                "{+region=us-east-1: 1}",
                "[+region=us-east-1]",
                "[[+region=us-east-1]]",
            ],
        },
        // lease_preferences set with the override
        Case {
            lines: "242-253",
            primary: US,
            regions: &[US],
            db_zone: overridden(ZoneConfig {
                lease_preferences: Some(vec![vec!["+region=ap-southeast-2".into()]]),
                ..Default::default()
            }),
            table_zone: None,
            object: db,
            counts: [3, 3],
            fields: [
                "{+region=us-east-1: 1}",
                "[+region=us-east-1]",
                "[[+region=ap-southeast-2]]",
            ],
        },
        // three regions again (primary us-east-1); regional_by_row's own zone: gc.ttlseconds
        // = 10, then num_replicas = 10 with the override
        Case {
            lines: "337-348",
            primary: US,
            regions: all,
            db_zone: None,
            table_zone: overridden(ZoneConfig {
                gc_ttlseconds: Some(10),
                num_replicas: Some(10),
                ..Default::default()
            }),
            object: "table regional_by_row",
            counts: [10, 3],
            fields: [EVERY, "[+region=us-east-1]", "[[+region=us-east-1]]"],
        },
    ]
}

#[test]
fn the_multi_region_zone_configs_logic_test_agrees_field_by_field() {
    let v = CrdbVersion::new;
    let cases = cases();
    assert_eq!(cases.len(), 8);
    let mut failures = Vec::new();
    for version in [v(23, 2, 0), v(25, 1, 3), v(26, 1, 0), v(26, 2, 0)] {
        for c in &cases {
            let zones = effective_zones(&model(c, version));
            let (counts, fields) = shown(&zones, c.object);
            let want = c.fields.map(String::from);
            if counts != c.counts || fields != want {
                failures.push(format!(
                    "{FILE}@{COMMIT} lines {} ({}, rules of {version}): want {:?} {:?}, bmdb computes {:?} {:?}",
                    c.lines, c.object, c.counts, want, counts, fields
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
