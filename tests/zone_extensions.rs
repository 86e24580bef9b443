//! Zone config extensions in the effective computation, checked against CockroachDB's own
//! logic test `pkg/ccl/logictestccl/testdata/logic_test/multi_region_zone_config_extensions`
//! of cockroachdb/cockroach at commit 02cda7ddaa194134b2ec113f98399964c77d39ba. Each case
//! names the lines of its `SHOW ZONE CONFIGURATION` query block in that file; the expected
//! values are the logic test's own, not bmdb's: nothing here ran on a server.
//!
//! The setup: `CREATE DATABASE "mr-zone-configs" primary region "ca-central-1" regions
//! "ap-southeast-2", "us-east-1" survive region failure` (lines 13-17) and `CREATE TABLE tbl`
//! (22-23), then the extensions of lines 54-55 (REGIONAL num_replicas = 9), 86-92 (REGIONAL
//! IN ca-central-1 and ap-southeast-2 lease_preferences), 188-192 (GLOBAL num_replicas = 6,
//! num_voters = 6, lease_preferences) and 221-222 (GLOBAL DISCARD). Three regions surviving a
//! region failure form the implicit super region (cockroachdb/cockroach#142838) and the
//! commit predates #164285 (one replica per member, the first other member a second one):
//! the rules of v25.1.3, v25.2.0 and v26.1.0, with which every case is checked.

use bmdb::model::types::*;
use bmdb::zones::effective::{effective_zones, ObjectZone, Source};
use std::collections::BTreeMap;

const AP: &str = "ap-southeast-2";
const CA: &str = "ca-central-1";
const US: &str = "us-east-1";

/// Which of the logic test's extensions are in place.
#[derive(Clone, Copy)]
enum Ext {
    None,
    /// line 55
    Regional,
    /// lines 55, 87-88, 91-92
    RegionalIn,
    /// lines 55, 87-92 and 189-192
    Global,
}

fn prefs(rs: &[&str]) -> Vec<Vec<String>> {
    rs.iter().map(|r| vec![format!("+region={r}")]).collect()
}

fn extensions(ext: Ext) -> ZoneExtensions {
    let mut e = ZoneExtensions::default();
    if matches!(ext, Ext::None) {
        return e;
    }
    e.regional = Some(ZoneConfig {
        num_replicas: Some(9),
        ..Default::default()
    });
    if matches!(ext, Ext::Regional) {
        return e;
    }
    e.regional_in = BTreeMap::from([
        (
            CA.to_string(),
            ZoneConfig {
                lease_preferences: Some(prefs(&[CA, AP])),
                ..Default::default()
            },
        ),
        (
            AP.to_string(),
            ZoneConfig {
                lease_preferences: Some(prefs(&[AP, US])),
                ..Default::default()
            },
        ),
    ]);
    if matches!(ext, Ext::Global) {
        e.global = Some(ZoneConfig {
            num_replicas: Some(6),
            num_voters: Some(6),
            lease_preferences: Some(prefs(&[CA, AP, US])),
            ..Default::default()
        });
    }
    e
}

fn model(ext: Ext, locality: Locality, version: CrdbVersion) -> Model {
    let database = Database {
        name: "mr-zone-configs".into(),
        dialect: Dialect::Cockroach,
        primary_region: Some(CA.into()),
        regions: vec![AP.into(), CA.into(), US.into()],
        survival_goal: SurvivalGoal::Region,
        cockroach_version: Some(version),
        zone_extensions: extensions(ext),
        ..Database::default()
    };
    let t = Table {
        name: "tbl".into(),
        columns: vec![Column {
            name: "pk".into(),
            ty: "INT8".into(),
            ..Default::default()
        }],
        locality: Some(locality),
        ..Default::default()
    };
    let mut m = Model {
        database,
        ..Default::default()
    };
    m.tables.insert("tbl".into(), t);
    m
}

struct Case {
    lines: &'static str,
    ext: Ext,
    locality: Locality,
    object: &'static str,
    counts: [u64; 2],
    /// constraints, voter_constraints, lease_preferences as SHOW ZONE prints them
    placement: [&'static str; 3],
    global_reads: bool,
}

fn rbt(region: Option<&str>) -> Locality {
    Locality::RegionalByTable {
        region: region.map(String::from),
    }
}

fn cases() -> Vec<Case> {
    let c = |lines, ext, locality, object, counts, placement: [&'static str; 3]| Case {
        lines,
        ext,
        global_reads: matches!(locality, Locality::Global) && object != "database",
        locality,
        object,
        counts,
        placement,
    };
    let db = "database";
    let tbl = "table tbl";
    let even = "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}";
    let ap2 = "{+region=ap-southeast-2: 2, +region=ca-central-1: 1, +region=us-east-1: 1}";
    let ca2 = "{+region=ap-southeast-2: 1, +region=ca-central-1: 2, +region=us-east-1: 1}";
    let v_ca = "{+region=ca-central-1: 2}";
    vec![
        c(
            "25-36",
            Ext::None,
            rbt(None),
            db,
            [5, 5],
            [even, v_ca, "[[+region=ca-central-1]]"],
        ),
        c(
            "38-49",
            Ext::None,
            rbt(None),
            tbl,
            [5, 5],
            [ap2, v_ca, "[[+region=ca-central-1]]"],
        ),
        c(
            "57-68",
            Ext::Regional,
            rbt(None),
            db,
            [9, 5],
            [even, v_ca, "[[+region=ca-central-1]]"],
        ),
        c(
            "70-81",
            Ext::Regional,
            rbt(None),
            tbl,
            [9, 5],
            [ap2, v_ca, "[[+region=ca-central-1]]"],
        ),
        c(
            "94-105",
            Ext::RegionalIn,
            rbt(None),
            db,
            [9, 5],
            [
                even,
                v_ca,
                "[[+region=ca-central-1], [+region=ap-southeast-2]]",
            ],
        ),
        c(
            "107-118",
            Ext::RegionalIn,
            rbt(None),
            tbl,
            [9, 5],
            [
                ap2,
                v_ca,
                "[[+region=ca-central-1], [+region=ap-southeast-2]]",
            ],
        ),
        c(
            "123-134",
            Ext::RegionalIn,
            rbt(Some(CA)),
            tbl,
            [9, 5],
            [
                ap2,
                v_ca,
                "[[+region=ca-central-1], [+region=ap-southeast-2]]",
            ],
        ),
        c(
            "139-150",
            Ext::RegionalIn,
            rbt(Some(AP)),
            tbl,
            [9, 5],
            [
                ca2,
                "{+region=ap-southeast-2: 2}",
                "[[+region=ap-southeast-2], [+region=us-east-1]]",
            ],
        ),
        c(
            "155-166",
            Ext::RegionalIn,
            rbt(Some(US)),
            tbl,
            [9, 5],
            [ap2, "{+region=us-east-1: 2}", "[[+region=us-east-1]]"],
        ),
        c(
            "173-185",
            Ext::RegionalIn,
            Locality::Global,
            tbl,
            [5, 5],
            [even, v_ca, "[[+region=ca-central-1]]"],
        ),
        c(
            "194-205",
            Ext::Global,
            Locality::Global,
            db,
            [9, 5],
            [
                even,
                v_ca,
                "[[+region=ca-central-1], [+region=ap-southeast-2]]",
            ],
        ),
        c(
            "207-219",
            Ext::Global,
            Locality::Global,
            tbl,
            [6, 6],
            [
                even,
                v_ca,
                "[[+region=ca-central-1], [+region=ap-southeast-2], [+region=us-east-1]]",
            ],
        ),
        c(
            "224-235",
            Ext::RegionalIn,
            Locality::Global,
            db,
            [9, 5],
            [
                even,
                v_ca,
                "[[+region=ca-central-1], [+region=ap-southeast-2]]",
            ],
        ),
        c(
            "237-249",
            Ext::RegionalIn,
            Locality::Global,
            tbl,
            [5, 5],
            [even, v_ca, "[[+region=ca-central-1]]"],
        ),
    ]
}

fn shown(zones: &[ObjectZone], object: &str) -> ([u64; 2], [String; 3], bool) {
    let z = zones
        .iter()
        .find(|z| z.label() == object)
        .unwrap_or_else(|| panic!("no {object}"));
    let text = |f: &str| {
        z.value(f)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "(none)".into())
    };
    (
        [
            z.int("num_replicas").unwrap_or(0),
            z.int("num_voters").unwrap_or(0),
        ],
        [
            text("constraints"),
            text("voter_constraints"),
            text("lease_preferences"),
        ],
        z.value("global_reads").map(|v| v.to_string()) == Some("true".into()),
    )
}

#[test]
fn extensions_agree_with_the_logic_test() {
    let versions = [
        CrdbVersion::new(25, 1, 3),
        CrdbVersion::new(25, 2, 0),
        CrdbVersion::new(26, 1, 0),
    ];
    let mut failures = Vec::new();
    for case in cases() {
        for v in versions {
            let zones = effective_zones(&model(case.ext, case.locality.clone(), v));
            let (counts, placement, global_reads) = shown(&zones, case.object);
            let want: [String; 3] = case.placement.map(String::from);
            if counts != case.counts || placement != want || global_reads != case.global_reads {
                failures.push(format!(
                    "lines {} ({}, {v}): got {counts:?} {placement:?} global_reads={global_reads}, want {:?} {want:?} global_reads={}",
                    case.lines, case.object, case.counts, case.global_reads
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `zones show` names the extension a value comes from.
#[test]
fn the_source_names_the_extension() {
    let zones = effective_zones(&model(
        Ext::Global,
        rbt(Some(AP)),
        CrdbVersion::new(25, 2, 0),
    ));
    let z = zones.iter().find(|z| z.label() == "table tbl").unwrap();
    assert_eq!(
        z.field("num_replicas").unwrap().source,
        Source::Extension {
            locality: "regional".into()
        }
    );
    assert_eq!(
        z.field("lease_preferences").unwrap().source,
        Source::Extension {
            locality: format!("regional in {AP}")
        }
    );
    let db = zones.iter().find(|z| z.label() == "database").unwrap();
    assert_eq!(
        db.field("lease_preferences").unwrap().source,
        Source::Extension {
            locality: format!("regional in {CA}")
        }
    );
    assert_eq!(
        db.field("num_replicas").unwrap().source.to_string(),
        "zone config extension: regional"
    );
}

/// Outside a super region, a REGIONAL IN extension of the primary region (which the
/// database zone carries) makes a table homed elsewhere write the database's synthesized
/// num_replicas and constraints itself (`RegionalInTablesInheritDatabaseConstraints`); a
/// GLOBAL table then writes its whole zone (`GlobalTablesInheritDatabaseConstraints`).
#[test]
fn primary_region_extension_stops_inheritance() {
    let mut m = model(Ext::None, rbt(Some(US)), CrdbVersion::new(26, 2, 0));
    m.database.survival_goal = SurvivalGoal::Zone;
    m.database.zone_extensions.regional_in.insert(
        CA.into(),
        ZoneConfig {
            num_replicas: Some(7),
            ..Default::default()
        },
    );
    let zones = effective_zones(&m);
    let db = zones.iter().find(|z| z.label() == "database").unwrap();
    assert_eq!(db.int("num_replicas"), Some(7));
    let t = zones.iter().find(|z| z.label() == "table tbl").unwrap();
    assert_eq!(t.int("num_replicas"), Some(5));
    assert!(matches!(
        t.field("num_replicas").unwrap().source,
        Source::MultiRegion { .. }
    ));
    m.tables.get_mut("tbl").unwrap().locality = Some(Locality::Global);
    let zones = effective_zones(&m);
    let t = zones.iter().find(|z| z.label() == "table tbl").unwrap();
    assert_eq!(t.int("num_replicas"), Some(5));
    assert_eq!(t.int("num_voters"), Some(3));
}

/// The logic test's extensions as a project writes them load without a word (lease
/// preferences alone, num_voters with lease_preferences: the extension fills the rest from
/// the zone it extends) and give the same model the cases above use.
#[test]
fn the_logic_tests_extensions_load_from_regions_yaml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schema")).unwrap();
    std::fs::write(
        dir.path().join("regions.yaml"),
        r#"database: mr-zone-configs
primary_region: ca-central-1
regions: [ap-southeast-2, ca-central-1, us-east-1]
survival_goal: region
cockroach_version: v25.2
zone_extensions:
  regional: { num_replicas: 9 }
  regional_in:
    ca-central-1: { lease_preferences: "[[+region=ca-central-1], [+region=ap-southeast-2]]" }
    ap-southeast-2: { lease_preferences: [[+region=ap-southeast-2], [+region=us-east-1]] }
  global:
    num_replicas: 6
    num_voters: 6
    lease_preferences: [[+region=ca-central-1], [+region=ap-southeast-2], [+region=us-east-1]]
"#,
    )
    .unwrap();
    let m = bmdb::model::load_project(dir.path()).unwrap();
    assert_eq!(m.database.zone_extensions, extensions(Ext::Global));
}

/// The differ plans one `ConfigureZone` per extension that changes (a removed one is a
/// discard), and `zones show --format json` names the extension as the source.
#[test]
fn extensions_diff_and_show() {
    let v = CrdbVersion::new(25, 2, 0);
    let have = model(Ext::Regional, rbt(None), v);
    let want = model(Ext::RegionalIn, rbt(None), v);
    let changes: Vec<_> = bmdb::diff::diff(&have, &want)
        .into_iter()
        .filter_map(|c| match c {
            bmdb::diff::Change::ConfigureZone { target, to, .. } => {
                Some((target.to_string(), to.is_some()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (format!("locality regional in {AP}"), true),
            (format!("locality regional in {CA}"), true),
        ]
    );
    let back: Vec<_> = bmdb::diff::diff(&want, &have)
        .into_iter()
        .filter(|c| matches!(c, bmdb::diff::Change::ConfigureZone { to: None, .. }))
        .collect();
    assert_eq!(back.len(), 2, "{back:#?}");

    let json = bmdb::zones::effective::to_json(&effective_zones(&want));
    let text = json.to_string();
    assert!(
        text.contains(r#"{"kind":"extension","locality":"regional in ca-central-1"}"#),
        "{text}"
    );
    let table = bmdb::zones::effective::render_table(&effective_zones(&want));
    assert!(table.contains("zone config extension: regional"), "{table}");
}
