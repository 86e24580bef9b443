//! Four-region placement, checked against CockroachDB's own unit tests of the functions that
//! write multi-region zone configurations: `pkg/sql/region_util_test.go` of
//! cockroachdb/cockroach at commit 9509e2d432239abfe5d0ed93ab3bc4b3db77145c,
//! `TestZoneConfigForMultiRegionDatabase`, `TestZoneConfigForMultiRegionTable` and
//! `TestZoneConfigForMultiRegionPartition`. No logic-test configuration runs four regions
//! (`pkg/sql/logictest/logictestbase`: 3 and 5 regions; the 5-region files `super_regions`
//! and `secondary_region` create no four-region database), so these unit tests are
//! CockroachDB's own four-region expectations. Each case names its test function and its
//! `desc`, which is unique in the function; the expected values are CockroachDB's, not
//! bmdb's: nothing here ran on a server.
//!
//! Every case is the region config `MakeRegionConfig({region_b, region_c, region_a,
//! region_d}, primary region_b, ...)` (RESTRICTED placement and the first zone-extension
//! case: primary region_a) with the survival goal, placement and extensions the case names.
//!
//! How an expected `zonepb.ZoneConfig` becomes what `SHOW ZONE CONFIGURATION` prints, which
//! is what bmdb computes:
//! - The database zone is complete. A table or partition zone leaves unset what it inherits
//!   (`NumReplicas: nil // Set at the database level`, `InheritedConstraints: true`,
//!   `InheritedLeasePreferences: true`); those fields come from the database zone of the
//!   same region config, which `zoneConfigForMultiRegionDatabase` writes (the database cases
//!   of the same file). A REGIONAL BY TABLE IN PRIMARY REGION table and a REGIONAL BY ROW
//!   table's own zone are `NewZoneConfig()`: the database's zone, whole.
//! - `SHOW ZONE CONFIGURATION` prints per-replica constraints in region order (the region
//!   enum is sorted), so the `ConstraintsConjunction`s listed b, c, a, d show as a, b, c, d;
//!   lease preferences keep their order. `Constraints: nil` with `InheritedConstraints:
//!   false` prints `constraints = '[]'`.
//!
//! Four regions form no implicit super region (only three surviving a region failure do,
//! cockroachdb/cockroach#142838) and none of these has super regions or a secondary region,
//! so every release's rules agree: each case is checked with the rules of v23.2.0, v25.1.3,
//! v25.2.0, v26.1.0 and v26.2.0.

use bmdb::model::types::*;
use bmdb::zones::effective::effective_zones;

#[path = "common/zones.rs"]
mod zones;
use std::collections::BTreeMap;
use zones::shown;

const FILE: &str = "pkg/sql/region_util_test.go";
const COMMIT: &str = "9509e2d432239abfe5d0ed93ab3bc4b3db77145c";

const A: &str = "region_a";
const B: &str = "region_b";
const C: &str = "region_c";
const D: &str = "region_d";

/// One replica in each of the four regions.
const EVEN4: &str =
    "{+region=region_a: 1, +region=region_b: 1, +region=region_c: 1, +region=region_d: 1}";

#[derive(Clone, Copy)]
enum Home {
    /// REGIONAL BY TABLE IN PRIMARY REGION; the object checked is the database zone when
    /// `object` says so.
    Primary,
    /// REGIONAL BY TABLE IN region_c
    InC,
    Global,
    /// REGIONAL BY ROW; the object checked is its partition region_a
    Rbr,
}

struct Case {
    function: &'static str,
    desc: &'static str,
    primary: &'static str,
    survival: SurvivalGoal,
    placement: Placement,
    extensions: ZoneExtensions,
    home: Home,
    object: &'static str,
    /// num_replicas, num_voters
    counts: [u64; 2],
    /// constraints, voter_constraints, lease_preferences as SHOW ZONE prints them
    fields: [&'static str; 3],
}

fn prefs(rs: &[&str]) -> Vec<Vec<String>> {
    rs.iter().map(|r| vec![format!("+region={r}")]).collect()
}

fn per_replica(rs: &[(&str, u32)]) -> Constraints {
    Constraints::PerReplica(
        rs.iter()
            .map(|(r, n)| (format!("+region={r}"), *n))
            .collect(),
    )
}

fn model(c: &Case, version: CrdbVersion) -> Model {
    let database = Database {
        name: "db".into(),
        dialect: Dialect::Cockroach,
        primary_region: Some(c.primary.into()),
        // sorted, as the region enum and a loaded model keep them (the unit tests hand
        // MakeRegionConfig b, c, a, d)
        regions: vec![A.into(), B.into(), C.into(), D.into()],
        survival_goal: c.survival,
        placement: c.placement,
        cockroach_version: Some(version),
        zone_extensions: c.extensions.clone(),
        ..Database::default()
    };
    let locality = match c.home {
        Home::Primary => Locality::RegionalByTable { region: None },
        Home::InC => Locality::RegionalByTable {
            region: Some(C.into()),
        },
        Home::Global => Locality::Global,
        Home::Rbr => Locality::RegionalByRow { column: None },
    };
    let t = Table {
        name: "t".into(),
        columns: vec![Column {
            name: "x".into(),
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
    m.tables.insert("t".into(), t);
    m
}

const DB_FN: &str = "TestZoneConfigForMultiRegionDatabase";
const TABLE_FN: &str = "TestZoneConfigForMultiRegionTable";
const PARTITION_FN: &str = "TestZoneConfigForMultiRegionPartition";

const Z: SurvivalGoal = SurvivalGoal::Zone;
const R: SurvivalGoal = SurvivalGoal::Region;
const DEFAULT: Placement = Placement::Default;

/// The extension cases' `ZoneConfigExtensions`, as the unit tests write them.
mod ext {
    use super::*;

    pub fn none() -> ZoneExtensions {
        ZoneExtensions::default()
    }
    /// "four regions, zone survival, zone config extensions": REGIONAL num_replicas = 6,
    /// constraints = '[]' (`Constraints: nil`, not inherited), and an unused GLOBAL one.
    pub fn regional_restricted() -> ZoneExtensions {
        ZoneExtensions {
            regional: Some(ZoneConfig {
                num_replicas: Some(6),
                constraints: Some(Constraints::All(vec![])),
                ..Default::default()
            }),
            global: Some(ZoneConfig {
                lease_preferences: Some(prefs(&[B, D])),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
    /// "four regions, region survival, zone config extensions": REGIONAL IN region_b as a
    /// secondary region (6 replicas, voters 2 + 2, lease b then c), unused REGIONAL IN
    /// region_c and GLOBAL ones.
    pub fn regional_in_b_secondary() -> ZoneExtensions {
        ZoneExtensions {
            regional_in: BTreeMap::from([
                (
                    B.to_string(),
                    ZoneConfig {
                        num_replicas: Some(6),
                        lease_preferences: Some(prefs(&[B, C])),
                        voter_constraints: Some(per_replica(&[(B, 2), (C, 2)])),
                        ..Default::default()
                    },
                ),
                (
                    C.to_string(),
                    ZoneConfig {
                        lease_preferences: Some(prefs(&[C, B])),
                        ..Default::default()
                    },
                ),
            ]),
            global: Some(ZoneConfig {
                lease_preferences: Some(prefs(&[B, D])),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
    /// "(for global)": GLOBAL num_replicas = 6, voters 2 + 2, lease b then c.
    pub fn global() -> ZoneExtensions {
        ZoneExtensions {
            global: Some(ZoneConfig {
                num_replicas: Some(6),
                lease_preferences: Some(prefs(&[B, C])),
                voter_constraints: Some(per_replica(&[(B, 2), (C, 2)])),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
    /// "(for regional)": REGIONAL num_replicas = 8.
    pub fn regional8() -> ZoneExtensions {
        ZoneExtensions {
            regional: Some(ZoneConfig {
                num_replicas: Some(8),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
    /// "(for regional in ...)": REGIONAL IN `r` lease_preferences `[[r], [second]]`.
    pub fn regional_in(r: &str, second: &str) -> ZoneExtensions {
        ZoneExtensions {
            regional_in: BTreeMap::from([(
                r.to_string(),
                ZoneConfig {
                    lease_preferences: Some(prefs(&[r, second])),
                    ..Default::default()
                },
            )]),
            ..Default::default()
        }
    }
    /// "(for regional and for regional in ...)": both of the above.
    pub fn regional8_and_in(r: &str, second: &str) -> ZoneExtensions {
        ZoneExtensions {
            regional: regional8().regional,
            regional_in: regional_in(r, second).regional_in,
            ..Default::default()
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn case(
    function: &'static str,
    desc: &'static str,
    primary: &'static str,
    survival: SurvivalGoal,
    placement: Placement,
    extensions: ZoneExtensions,
    home: Home,
    object: &'static str,
    counts: [u64; 2],
    fields: [&'static str; 3],
) -> Case {
    Case {
        function,
        desc,
        primary,
        survival,
        placement,
        extensions,
        home,
        object,
        counts,
        fields,
    }
}

const DB: &str = "database";
const T: &str = "table t";
const P: &str = "partition region_a of table t";

const V_B: &str = "[+region=region_b]";
const V_C: &str = "[+region=region_c]";
const V_A: &str = "[+region=region_a]";
const V_B2: &str = "{+region=region_b: 2}";
const V_C2: &str = "{+region=region_c: 2}";
const V_A2: &str = "{+region=region_a: 2}";
const V_BC: &str = "{+region=region_b: 2, +region=region_c: 2}";
const L_B: &str = "[[+region=region_b]]";
const L_C: &str = "[[+region=region_c]]";
const L_A: &str = "[[+region=region_a]]";
const L_BC: &str = "[[+region=region_b], [+region=region_c]]";
const L_CB: &str = "[[+region=region_c], [+region=region_b]]";
const L_AB: &str = "[[+region=region_a], [+region=region_b]]";

fn database_cases() -> Vec<Case> {
    let f = DB_FN;
    vec![
        case(
            f,
            "four regions, zone survival",
            B,
            Z,
            DEFAULT,
            ext::none(),
            Home::Primary,
            DB,
            [6, 3],
            [EVEN4, V_B, L_B],
        ),
        case(
            f,
            "four regions, region survival",
            B,
            R,
            DEFAULT,
            ext::none(),
            Home::Primary,
            DB,
            [5, 5],
            [EVEN4, V_B2, L_B],
        ),
        case(
            f,
            "four regions, restricted placement",
            A,
            Z,
            Placement::Restricted,
            ext::none(),
            Home::Primary,
            DB,
            [3, 3],
            ["[]", V_A, L_A],
        ),
        case(
            f,
            "four regions, zone survival, zone config extensions",
            A,
            Z,
            DEFAULT,
            ext::regional_restricted(),
            Home::Primary,
            DB,
            [6, 3],
            ["[]", V_A, L_A],
        ),
        case(
            f,
            "four regions, region survival, zone config extensions",
            B,
            R,
            DEFAULT,
            ext::regional_in_b_secondary(),
            Home::Primary,
            DB,
            [6, 5],
            [EVEN4, V_BC, L_BC],
        ),
    ]
}

fn table_cases() -> Vec<Case> {
    let f = TABLE_FN;
    vec![
        // GLOBAL: `GlobalReads` and everything else inherited, unless placement or an
        // extension makes it write its whole zone
        case(f, "4-region global table with zone survival", B, Z, DEFAULT, ext::none(), Home::Global, T, [6, 3], [EVEN4, V_B, L_B]),
        case(f, "4-region global table with region survival", B, R, DEFAULT, ext::none(), Home::Global, T, [5, 5], [EVEN4, V_B2, L_B]),
        case(f, "4-region global table with restricted placement", B, Z, Placement::Restricted, ext::none(), Home::Global, T, [6, 3], [EVEN4, V_B, L_B]),
        case(f, "4-region global table with zone config extensions (for global)", B, R, DEFAULT, ext::global(), Home::Global, T, [6, 5], [EVEN4, V_BC, L_BC]),
        case(f, "4-region global table with zone config extensions (for regional)", B, R, DEFAULT, ext::regional8(), Home::Global, T, [5, 5], [EVEN4, V_B2, L_B]),
        case(f, "4-region global table with zone config extensions (for regional in primary region)", B, R, DEFAULT, ext::regional_in(B, C), Home::Global, T, [5, 5], [EVEN4, V_B2, L_B]),
        // `InheritedConstraints` / `InheritedLeasePreferences`: the database zone, whose
        // primary region (region_b) has no REGIONAL IN extension here
        case(f, "4-region global table with zone config extensions (for regional in non primary region)", B, R, DEFAULT, ext::regional_in(C, B), Home::Global, T, [5, 5], [EVEN4, V_B2, L_B]),
        // REGIONAL BY ROW (the table's own zone; its partitions are below) and REGIONAL BY
        // TABLE IN PRIMARY REGION: `NewZoneConfig()`, the database's zone. The second RBR
        // case's region config says ZONE_FAILURE despite its desc, and is checked so.
        case(f, "4-region regional by row table with zone survival", B, Z, DEFAULT, ext::none(), Home::Rbr, T, [6, 3], [EVEN4, V_B, L_B]),
        case(f, "4-region regional by row table with region survival", B, Z, DEFAULT, ext::none(), Home::Rbr, T, [6, 3], [EVEN4, V_B, L_B]),
        case(f, "4-region regional by table with zone survival on primary region", B, Z, DEFAULT, ext::none(), Home::Primary, T, [6, 3], [EVEN4, V_B, L_B]),
        case(f, "4-region regional by table with regional survival on primary region", B, R, DEFAULT, ext::none(), Home::Primary, T, [5, 5], [EVEN4, V_B2, L_B]),
        // REGIONAL BY TABLE IN region_c
        case(f, "4-region regional by table with zone survival on non primary region", B, Z, DEFAULT, ext::none(), Home::InC, T, [6, 3], [EVEN4, V_C, L_C]),
        case(f, "4-region regional by table with regional survival on non primary region", B, R, DEFAULT, ext::none(), Home::InC, T, [5, 5], [EVEN4, V_C2, L_C]),
        case(f, "4-region regional by table on non primary region with zone config extensions (for regional)", B, R, DEFAULT, ext::regional8(), Home::InC, T, [8, 5], [EVEN4, V_C2, L_C]),
        // a REGIONAL IN extension of the primary region: the table writes the database's
        // synthesized num_replicas and constraints itself
        case(f, "4-region regional by table on non primary region with zone config extensions (for regional in primary region)", B, R, DEFAULT, ext::regional_in(B, C), Home::InC, T, [5, 5], [EVEN4, V_C2, L_C]),
        case(f, "4-region regional by table on non primary region with zone config extensions (for regional in non primary region)", B, R, DEFAULT, ext::regional_in(C, B), Home::InC, T, [5, 5], [EVEN4, V_C2, L_CB]),
        case(f, "4-region regional by table on non primary region with zone config extensions (for regional and for regional in non primary region)", B, R, DEFAULT, ext::regional8_and_in(C, B), Home::InC, T, [8, 5], [EVEN4, V_C2, L_CB]),
    ]
}

fn partition_cases() -> Vec<Case> {
    let f = PARTITION_FN;
    vec![
        case(f, "4-region table with zone survivability", B, Z, DEFAULT, ext::none(), Home::Rbr, P, [6, 3], [EVEN4, V_A, L_A]),
        case(f, "4-region table with region survivability", B, R, DEFAULT, ext::none(), Home::Rbr, P, [5, 5], [EVEN4, V_A2, L_A]),
        case(f, "4-region table with zone config extensions (for regional)", B, R, DEFAULT, ext::regional8(), Home::Rbr, P, [8, 5], [EVEN4, V_A2, L_A]),
        case(f, "4-region table with zone config extensions (for regional in primary region)", B, R, DEFAULT, ext::regional_in(B, A), Home::Rbr, P, [5, 5], [EVEN4, V_A2, L_A]),
        case(f, "4-region table with zone config extensions (for regional in non primary region)", B, R, DEFAULT, ext::regional_in(A, B), Home::Rbr, P, [5, 5], [EVEN4, V_A2, L_AB]),
        case(f, "4-region table with zone config extensions (for regional and for regional in non primary region)", B, R, DEFAULT, ext::regional8_and_in(A, B), Home::Rbr, P, [8, 5], [EVEN4, V_A2, L_AB]),
    ]
}

fn check(cases: &[Case]) -> Vec<String> {
    let v = CrdbVersion::new;
    let versions = [
        v(23, 2, 0),
        v(25, 1, 3),
        v(25, 2, 0),
        v(26, 1, 0),
        v(26, 2, 0),
    ];
    let mut failures = Vec::new();
    for version in versions {
        for c in cases {
            let zones = effective_zones(&model(c, version));
            let (counts, fields) = shown(&zones, c.object);
            let want = c.fields.map(String::from);
            if counts != c.counts || fields != want {
                failures.push(format!(
                    "{FILE}@{COMMIT} {} {:?} ({}, rules of {version}): want {:?} {:?}, bmdb computes {:?} {:?}",
                    c.function, c.desc, c.object, c.counts, want, counts, fields
                ));
            }
        }
    }
    failures
}

#[test]
fn four_region_database_zones_agree_field_by_field() {
    let cases = database_cases();
    assert_eq!(
        cases.len(),
        5,
        "every four-region case of the function is kept"
    );
    let failures = check(&cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn four_region_table_zones_agree_field_by_field() {
    let cases = table_cases();
    assert_eq!(cases.len(), 17, "every case of the function is kept");
    let failures = check(&cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn four_region_partition_zones_agree_field_by_field() {
    let cases = partition_cases();
    assert_eq!(cases.len(), 6, "every case of the function is kept");
    let failures = check(&cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The GLOBAL cases also carry `GlobalReads: true`.
#[test]
fn four_region_global_tables_read_globally() {
    for c in table_cases()
        .iter()
        .filter(|c| matches!(c.home, Home::Global))
    {
        let zones = effective_zones(&model(c, CrdbVersion::new(26, 1, 0)));
        let z = zones.iter().find(|z| z.label() == c.object).unwrap();
        assert_eq!(
            z.value("global_reads").map(|g| g.to_string()).as_deref(),
            Some("true"),
            "{TABLE_FN} {:?}",
            c.desc
        );
    }
}
