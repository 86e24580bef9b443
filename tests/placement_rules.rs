//! Placement rules per CockroachDB release, checked against CockroachDB's own logic tests.
//!
//! Each case is a setup (database regions, survival goal, super regions, one table's
//! locality) and the fields `SHOW ZONE CONFIGURATION` printed for one object in
//! `pkg/ccl/logictestccl/testdata/logic_test/super_regions` of cockroachdb/cockroach at
//! commit aed96034c7d4e5bbfb00fe1c72838c49bd66822b; `lines` are the query block's lines in
//! that file. The values are the logic test's, not bmdb's: nothing here ran on a server.
//!
//! That commit predates cockroachdb/cockroach#164285 (its super regions get one replica per
//! member) and its `gc.ttlseconds = 14400` puts it at v23.1 or later, so its expectations
//! are the rules of every release from v23.2.0 to v26.1.x; each case is checked with the
//! rules of v23.2.0, v25.1.3 and v26.1.0 (none of these setups has three regions surviving a
//! region failure without super regions, where v25.1.3 differs). The v26.2.0 cases at the
//! end follow the PRs' own descriptions instead (see docs/placement-rules.md).

use bmdb::model::types::*;
use bmdb::zones::effective::effective_zones;

#[path = "common/zones.rs"]
mod zones;
use std::collections::BTreeMap;
use zones::shown;

const FILE: &str = "pkg/ccl/logictestccl/testdata/logic_test/super_regions";
const COMMIT: &str = "aed96034c7d4e5bbfb00fe1c72838c49bd66822b";

const AP: &str = "ap-southeast-2";
const CA: &str = "ca-central-1";
const US: &str = "us-east-1";
const USW: &str = "us-west-1";
const USC: &str = "us-central-1";

/// A database as one point of the logic test left it.
struct Setup {
    primary: &'static str,
    regions: &'static [&'static str],
    survival: SurvivalGoal,
    supers: &'static [(&'static str, &'static [&'static str])],
    secondary: Option<&'static str>,
    placement: Placement,
}

const Z: SurvivalGoal = SurvivalGoal::Zone;
const R: SurvivalGoal = SurvivalGoal::Region;

// `CREATE DATABASE oncreate PRIMARY REGION "ca-central-1" REGIONS ... SUPER REGION "create"`
const ONCREATE: Setup = Setup {
    primary: CA,
    regions: &[AP, CA, US],
    survival: Z,
    supers: &[("create", &[AP, US])],
    secondary: None,
    placement: Placement::Default,
};
// `mr1`: one region, super region "test" of it
const MR1: Setup = Setup {
    primary: US,
    regions: &[US],
    survival: Z,
    supers: &[("test", &[US])],
    secondary: None,
    placement: Placement::Default,
};
// `mr2`: three regions, super region "test" of us-east-1 and ap-southeast-2
const MR2: Setup = Setup {
    primary: US,
    regions: &[AP, CA, US],
    survival: Z,
    supers: &[("test", &[AP, US])],
    secondary: None,
    placement: Placement::Default,
};
// `mr2` after `ADD SUPER REGION "ca-central-sr" VALUES "ca-central-1"`
const MR2_CA_SR: Setup = Setup {
    primary: US,
    regions: &[AP, CA, US],
    survival: Z,
    supers: &[("test", &[AP, US]), ("ca-central-sr", &[CA])],
    secondary: None,
    placement: Placement::Default,
};
// `mr3`: five regions, super regions r1 (2 regions) and r2 (3)
const MR3: Setup = Setup {
    primary: US,
    regions: &[AP, CA, USC, US, USW],
    survival: Z,
    supers: &[("r1", &[AP, US]), ("r2", &[CA, USC, USW])],
    secondary: None,
    placement: Placement::Default,
};
// `mr3` after `DROP SUPER REGION "r2"`
const MR3_WITHOUT_R2: Setup = Setup {
    primary: US,
    regions: &[AP, CA, USC, US, USW],
    survival: Z,
    supers: &[("r1", &[AP, US])],
    secondary: None,
    placement: Placement::Default,
};
// `mr3` surviving a region failure with r2 = ap-southeast-2, ca-central-1, us-central-1
const MR3_REGION_R2: Setup = Setup {
    primary: US,
    regions: &[AP, CA, USC, US, USW],
    survival: R,
    supers: &[("r2", &[AP, CA, USC])],
    secondary: None,
    placement: Placement::Default,
};
// `mr3` surviving a region failure with r1 = all five regions
const MR3_REGION_R1_5: Setup = Setup {
    primary: US,
    regions: &[AP, CA, USC, US, USW],
    survival: R,
    supers: &[("r1", &[AP, CA, USC, US, USW])],
    secondary: None,
    placement: Placement::Default,
};
// `db3` with super regions test1 (ca-central-1, us-west-1) and test2 (us-east-1), per primary
const DB3_PRIMARY_CA: Setup = Setup {
    primary: CA,
    regions: &[CA, US, USW],
    survival: Z,
    supers: &[("test1", &[CA, USW]), ("test2", &[US])],
    secondary: None,
    placement: Placement::Default,
};
const DB3_PRIMARY_US_EAST: Setup = Setup {
    primary: US,
    regions: &[CA, US, USW],
    survival: Z,
    supers: &[("test1", &[CA, USW]), ("test2", &[US])],
    secondary: None,
    placement: Placement::Default,
};
const DB3_PRIMARY_US_WEST: Setup = Setup {
    primary: USW,
    regions: &[CA, US, USW],
    survival: Z,
    supers: &[("test1", &[CA, USW]), ("test2", &[US])],
    secondary: None,
    placement: Placement::Default,
};
// `db3` after test2 is dropped and test1 holds all three regions, then only us-west-1
const DB3_TEST1_THREE: Setup = Setup {
    primary: USW,
    regions: &[CA, US, USW],
    survival: Z,
    supers: &[("test1", &[CA, US, USW])],
    secondary: None,
    placement: Placement::Default,
};
const DB3_TEST1_US_WEST: Setup = Setup {
    primary: USW,
    regions: &[CA, US, USW],
    survival: Z,
    supers: &[("test1", &[USW])],
    secondary: None,
    placement: Placement::Default,
};

#[allow(non_upper_case_globals)]
const oncreate: &Setup = &ONCREATE;
#[allow(non_upper_case_globals)]
const mr1: &Setup = &MR1;
#[allow(non_upper_case_globals)]
const mr2: &Setup = &MR2;
#[allow(non_upper_case_globals)]
const mr2_ca_sr: &Setup = &MR2_CA_SR;
#[allow(non_upper_case_globals)]
const mr3: &Setup = &MR3;
#[allow(non_upper_case_globals)]
const mr3_without_r2: &Setup = &MR3_WITHOUT_R2;
#[allow(non_upper_case_globals)]
const mr3_region_r2: &Setup = &MR3_REGION_R2;
#[allow(non_upper_case_globals)]
const mr3_region_r1_5: &Setup = &MR3_REGION_R1_5;
#[allow(non_upper_case_globals)]
const db3_primary_ca: &Setup = &DB3_PRIMARY_CA;
#[allow(non_upper_case_globals)]
const db3_primary_us_east: &Setup = &DB3_PRIMARY_US_EAST;
#[allow(non_upper_case_globals)]
const db3_primary_us_west: &Setup = &DB3_PRIMARY_US_WEST;
#[allow(non_upper_case_globals)]
const db3_test1_three: &Setup = &DB3_TEST1_THREE;
#[allow(non_upper_case_globals)]
const db3_test1_us_west: &Setup = &DB3_TEST1_US_WEST;

/// One `SHOW ZONE CONFIGURATION` of the logic test.
struct Case {
    lines: &'static str,
    setup: &'static Setup,
    /// The table and its locality: `primary` (REGIONAL BY TABLE IN PRIMARY REGION),
    /// `in:<region>`, `rbr` (REGIONAL BY ROW).
    table: (&'static str, &'static str),
    object: &'static str,
    /// num_replicas, num_voters
    counts: [u64; 2],
    /// constraints, voter_constraints, lease_preferences as SHOW ZONE prints them
    placement: [&'static str; 3],
}

fn case(
    lines: &'static str,
    setup: &'static Setup,
    table: (&'static str, &'static str),
    object: &'static str,
    counts: [u64; 2],
    placement: [&'static str; 3],
) -> Case {
    Case {
        lines,
        setup,
        table,
        object,
        counts,
        placement,
    }
}

fn model(setup: &Setup, table: (&str, &str), version: CrdbVersion) -> Model {
    let strings = |rs: &[&str]| rs.iter().map(|r| r.to_string()).collect::<Vec<_>>();
    let database = Database {
        name: "db".into(),
        dialect: Dialect::Cockroach,
        primary_region: Some(setup.primary.into()),
        regions: strings(setup.regions),
        survival_goal: setup.survival,
        super_regions: setup
            .supers
            .iter()
            .map(|(n, rs)| (n.to_string(), strings(rs)))
            .collect::<BTreeMap<_, _>>(),
        secondary_region: setup.secondary.map(String::from),
        placement: setup.placement,
        cockroach_version: Some(version),
        ..Database::default()
    };
    let (name, locality) = table;
    let locality = match locality {
        "primary" => Locality::RegionalByTable { region: None },
        "rbr" => Locality::RegionalByRow { column: None },
        "global" => Locality::Global,
        other => Locality::RegionalByTable {
            region: Some(other.strip_prefix("in:").expect("in:<region>").into()),
        },
    };
    let col = |n: &str| Column {
        name: n.into(),
        ty: "INT8".into(),
        nullable: true,
        default: None,
        comment: None,
        ..Default::default()
    };
    let t = Table {
        name: name.into(),
        columns: vec![col("x"), col("y")],
        locality: Some(locality),
        indexes: vec![Index {
            name: "idx".into(),
            columns: vec![IndexColumn {
                name: "y".into(),
                desc: false,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut m = Model {
        database,
        ..Default::default()
    };
    m.tables.insert(name.into(), t);
    m
}

fn logic_test_cases() -> Vec<Case> {
    vec![
    case("15-26", oncreate, ("rbt", "in:us-east-1"), "table rbt", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("28-39", oncreate, ("rbr", "rbr"), "partition us-east-1 of table rbr", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("79-90", mr1, ("rbt", "primary"), "table rbt", [3, 3], ["{+region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("93-104", mr1, ("rbr", "rbr"), "database", [3, 3], ["{+region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("106-117", mr1, ("rbr", "rbr"), "partition us-east-1 of table rbr", [3, 3], ["{+region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("152-163", mr2, ("t_rt_us_east_1", "in:us-east-1"), "table t_rt_us_east_1", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("165-176", mr2, ("t_rt_primary_region", "primary"), "table t_rt_primary_region", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("178-189", mr2, ("t_rt", "in:ap-southeast-2"), "table t_rt", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("191-202", mr2, ("t_rt_with_idx", "in:ap-southeast-2"), "table t_rt_with_idx", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("204-215", mr2, ("t_rt_with_idx", "in:ap-southeast-2"), "index t_rt_with_idx@idx", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("217-228", mr2, ("t_rbr", "rbr"), "partition us-east-1 of table t_rbr", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("230-241", mr2, ("t_rbr_with_idx", "rbr"), "partition ap-southeast-2 of table t_rbr_with_idx", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("243-254", mr2, ("t_rbr_with_idx", "rbr"), "partition ca-central-1 of table t_rbr_with_idx", [5, 3], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}", "[+region=ca-central-1]", "[[+region=ca-central-1]]"]),
    case("283-294", mr2, ("t_rt2", "in:ap-southeast-2"), "table t_rt2", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("296-307", mr2, ("t_rt_with_idx2", "in:ap-southeast-2"), "table t_rt_with_idx2", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("309-320", mr2, ("t_rt_with_idx2", "in:ap-southeast-2"), "index t_rt_with_idx2@idx", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("322-333", mr2, ("t_rbr2", "rbr"), "partition us-east-1 of table t_rbr2", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("335-346", mr2, ("t_rbr_with_idx2", "rbr"), "partition ap-southeast-2 of table t_rbr_with_idx2", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("393-404", mr2, ("t_rt_ca_central_1", "in:ca-central-1"), "table t_rt_ca_central_1", [5, 3], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}", "[+region=ca-central-1]", "[[+region=ca-central-1]]"]),
    case("412-423", mr2_ca_sr, ("t_rt_ca_central_1", "in:ca-central-1"), "table t_rt_ca_central_1", [3, 3], ["{+region=ca-central-1: 1}", "[+region=ca-central-1]", "[[+region=ca-central-1]]"]),
    case("440-451", mr3, ("rt", "rbr"), "partition us-east-1 of table rt", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("453-464", mr3, ("rt", "rbr"), "partition ap-southeast-2 of table rt", [4, 3], ["{+region=ap-southeast-2: 1, +region=us-east-1: 1}", "[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"]),
    case("466-477", mr3, ("rt", "rbr"), "partition ca-central-1 of table rt", [5, 3], ["{+region=ca-central-1: 1, +region=us-central-1: 1, +region=us-west-1: 1}", "[+region=ca-central-1]", "[[+region=ca-central-1]]"]),
    case("479-490", mr3, ("rt", "rbr"), "partition us-west-1 of table rt", [5, 3], ["{+region=ca-central-1: 1, +region=us-central-1: 1, +region=us-west-1: 1}", "[+region=us-west-1]", "[[+region=us-west-1]]"]),
    case("492-503", mr3, ("rt", "rbr"), "partition us-central-1 of table rt", [5, 3], ["{+region=ca-central-1: 1, +region=us-central-1: 1, +region=us-west-1: 1}", "[+region=us-central-1]", "[[+region=us-central-1]]"]),
    case("508-519", mr3_without_r2, ("rt", "rbr"), "partition ca-central-1 of table rt", [7, 3], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-central-1: 1, +region=us-east-1: 1, +region=us-west-1: 1}", "[+region=ca-central-1]", "[[+region=ca-central-1]]"]),
    case("521-532", mr3_without_r2, ("rt", "rbr"), "partition us-west-1 of table rt", [7, 3], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-central-1: 1, +region=us-east-1: 1, +region=us-west-1: 1}", "[+region=us-west-1]", "[[+region=us-west-1]]"]),
    case("534-545", mr3_without_r2, ("rt", "rbr"), "partition us-central-1 of table rt", [7, 3], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-central-1: 1, +region=us-east-1: 1, +region=us-west-1: 1}", "[+region=us-central-1]", "[[+region=us-central-1]]"]),
    case("566-577", mr3_region_r2, ("rt", "rbr"), "partition us-central-1 of table rt", [5, 5], ["{+region=ap-southeast-2: 2, +region=ca-central-1: 1, +region=us-central-1: 1}", "{+region=us-central-1: 2}", "[[+region=us-central-1]]"]),
    case("579-590", mr3_region_r2, ("rt", "rbr"), "partition ap-southeast-2 of table rt", [5, 5], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 2, +region=us-central-1: 1}", "{+region=ap-southeast-2: 2}", "[[+region=ap-southeast-2]]"]),
    case("599-610", mr3_region_r1_5, ("rt", "rbr"), "partition us-central-1 of table rt", [6, 5], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-central-1: 1, +region=us-east-1: 1, +region=us-west-1: 1}", "{+region=us-central-1: 2}", "[[+region=us-central-1]]"]),
    case("612-623", mr3_region_r1_5, ("rt", "rbr"), "partition ap-southeast-2 of table rt", [6, 5], ["{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-central-1: 1, +region=us-east-1: 1, +region=us-west-1: 1}", "{+region=ap-southeast-2: 2}", "[[+region=ap-southeast-2]]"]),
    case("654-665", db3_primary_ca, ("t", "primary"), "table t", [4, 3], ["{+region=ca-central-1: 1, +region=us-west-1: 1}", "[+region=ca-central-1]", "[[+region=ca-central-1]]"]),
    case("686-697", db3_primary_us_east, ("t", "primary"), "table t", [3, 3], ["{+region=us-east-1: 1}", "[+region=us-east-1]", "[[+region=us-east-1]]"]),
    case("708-719", db3_primary_us_west, ("t", "primary"), "table t", [4, 3], ["{+region=ca-central-1: 1, +region=us-west-1: 1}", "[+region=us-west-1]", "[[+region=us-west-1]]"]),
    case("743-754", db3_test1_three, ("t", "primary"), "table t", [5, 3], ["{+region=ca-central-1: 1, +region=us-east-1: 1, +region=us-west-1: 1}", "[+region=us-west-1]", "[[+region=us-west-1]]"]),
    case("759-770", db3_test1_us_west, ("t", "primary"), "table t", [3, 3], ["{+region=us-west-1: 1}", "[+region=us-west-1]", "[[+region=us-west-1]]"]),

    ]
}

const SECONDARY_FILE: &str = "pkg/ccl/logictestccl/testdata/logic_test/secondary_region";
const SECONDARY_COMMIT: &str = "f8a8550bee05576c497c0c9851d8cf361424013b";

// `CREATE DATABASE no_list PRIMARY REGION "ap-southeast-2" SECONDARY REGION "ca-central-1"`
const SEC_NO_LIST: Setup = Setup {
    primary: AP,
    regions: &[AP, CA],
    survival: Z,
    supers: &[],
    secondary: Some(CA),
    placement: Placement::Default,
};
// `db` after `ADD REGION "us-east-1"` and `SET SECONDARY REGION "ca-central-1"`
const SEC_ZONE: Setup = Setup {
    primary: AP,
    regions: &[AP, CA, US],
    survival: Z,
    supers: &[],
    secondary: Some(CA),
    placement: Placement::Default,
};
// the same after `SURVIVE REGION FAILURE`
const SEC_REGION: Setup = Setup {
    primary: AP,
    regions: &[AP, CA, US],
    survival: R,
    supers: &[],
    secondary: Some(CA),
    placement: Placement::Default,
};
#[allow(non_upper_case_globals)]
const sec_no_list: &Setup = &SEC_NO_LIST;
// `CREATE DATABASE db PRIMARY REGION "ap-southeast-2" REGIONS "ca-central-1" SECONDARY REGION "ca-central-1"`
#[allow(non_upper_case_globals)]
const sec_two: &Setup = &SEC_NO_LIST;
#[allow(non_upper_case_globals)]
const sec_zone: &Setup = &SEC_ZONE;
#[allow(non_upper_case_globals)]
const sec_region: &Setup = &SEC_REGION;

/// `secondary_region` at f8a8550b, ZONE survival: no super regions, so the rules of every
/// release v23.2.0 to v26.2.0 agree.
fn secondary_zone_cases() -> Vec<Case> {
    vec![
        case(
            "23-34",
            sec_no_list,
            ("t", "primary"),
            "database",
            [4, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "40-51",
            sec_two,
            ("t", "primary"),
            "database",
            [4, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "90-101",
            sec_zone,
            ("rbt_in_primary", "primary"),
            "database",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "104-115",
            sec_zone,
            ("rbt_in_primary", "primary"),
            "table rbt_in_primary",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "117-128",
            sec_zone,
            ("rbt_in_us_east", "in:us-east-1"),
            "table rbt_in_us_east",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=us-east-1]",
                "[[+region=us-east-1], [+region=ca-central-1]]",
            ],
        ),
        case(
            "130-141",
            sec_zone,
            ("rbt_in_ca_central", "in:ca-central-1"),
            "table rbt_in_ca_central",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ca-central-1]",
                "[[+region=ca-central-1]]",
            ],
        ),
        case(
            "144-155",
            sec_zone,
            ("rbr", "rbr"),
            "partition us-east-1 of table rbr",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=us-east-1]",
                "[[+region=us-east-1], [+region=ca-central-1]]",
            ],
        ),
        case(
            "157-168",
            sec_zone,
            ("rbr", "rbr"),
            "partition ap-southeast-2 of table rbr",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "170-181",
            sec_zone,
            ("rbr", "rbr"),
            "partition ca-central-1 of table rbr",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ca-central-1]",
                "[[+region=ca-central-1]]",
            ],
        ),
    ]
}

/// `secondary_region` at f8a8550b after SURVIVE REGION FAILURE: three regions, so these
/// are the values before the implicit super region (#142838): at that commit REGIONAL BY
/// TABLE tables and partitions still inherit the database's constraints. Checked with the
/// rules of v23.2.0 and v25.1.2.
fn secondary_region_cases() -> Vec<Case> {
    vec![
        case(
            "192-203",
            sec_region,
            ("rbt_in_primary", "primary"),
            "database",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ap-southeast-2: 2, +region=ca-central-1: 2}",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "206-217",
            sec_region,
            ("rbt_in_primary", "primary"),
            "table rbt_in_primary",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ap-southeast-2: 2, +region=ca-central-1: 2}",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "219-230",
            sec_region,
            ("rbt_in_us_east", "in:us-east-1"),
            "table rbt_in_us_east",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ca-central-1: 2, +region=us-east-1: 2}",
                "[[+region=us-east-1], [+region=ca-central-1]]",
            ],
        ),
        case(
            "232-243",
            sec_region,
            ("rbt_in_ca_central", "in:ca-central-1"),
            "table rbt_in_ca_central",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ca-central-1: 2}",
                "[[+region=ca-central-1]]",
            ],
        ),
        case(
            "246-257",
            sec_region,
            ("rbr", "rbr"),
            "partition us-east-1 of table rbr",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ca-central-1: 2, +region=us-east-1: 2}",
                "[[+region=us-east-1], [+region=ca-central-1]]",
            ],
        ),
        case(
            "259-270",
            sec_region,
            ("rbr", "rbr"),
            "partition ap-southeast-2 of table rbr",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ap-southeast-2: 2, +region=ca-central-1: 2}",
                "[[+region=ap-southeast-2], [+region=ca-central-1]]",
            ],
        ),
        case(
            "272-283",
            sec_region,
            ("rbr", "rbr"),
            "partition ca-central-1 of table rbr",
            [5, 5],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "{+region=ca-central-1: 2}",
                "[[+region=ca-central-1]]",
            ],
        ),
    ]
}

/// Runs `cases` with the rules of each of `versions`; a failure names file, commit, lines.
fn check(file: &str, commit: &str, cases: &[Case], versions: &[CrdbVersion]) -> Vec<String> {
    let mut failures = Vec::new();
    for &version in versions {
        for c in cases {
            let zones = effective_zones(&model(c.setup, c.table, version));
            let (counts, placement) = shown(&zones, c.object);
            let want = c.placement.map(String::from);
            if counts != c.counts || placement != want {
                failures.push(format!(
                    "{file}@{commit} lines {} ({}, rules of {version}): want {:?} {:?}, bmdb computes {:?} {:?}",
                    c.lines, c.object, c.counts, want, counts, placement
                ));
            }
        }
    }
    failures
}

#[test]
fn the_secondary_region_logic_test_agrees_field_by_field() {
    let v = CrdbVersion::new;
    let zone = secondary_zone_cases();
    let region = secondary_region_cases();
    assert_eq!(
        zone.len() + region.len(),
        16,
        "every case of the file is kept"
    );
    let mut failures = check(
        SECONDARY_FILE,
        SECONDARY_COMMIT,
        &zone,
        &[v(23, 2, 0), v(25, 1, 3), v(26, 1, 0), v(26, 2, 0)],
    );
    failures.extend(check(
        SECONDARY_FILE,
        SECONDARY_COMMIT,
        &region,
        &[v(23, 2, 0), v(25, 1, 2)],
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// From v25.1.3 the same three regions form an implicit super region: the table homed in
/// us-east-1 gets constraints of its own, and with ca-central-1 the secondary region the
/// extra replica goes there (#150413), not to ap-southeast-2 (the first other region).
#[test]
fn the_secondary_region_takes_the_extra_replica_of_the_implicit_super_region() {
    let zones = effective_zones(&model(
        &SEC_REGION,
        ("rbt_in_us_east", "in:us-east-1"),
        CrdbVersion::new(25, 2, 0),
    ));
    let (counts, p) = shown(&zones, "table rbt_in_us_east");
    assert_eq!(counts, [5, 5]);
    assert_eq!(
        p[0],
        "{+region=ap-southeast-2: 1, +region=ca-central-1: 2, +region=us-east-1: 1}"
    );
}

const GLOBAL_FILE: &str = "pkg/ccl/logictestccl/testdata/logic_test/global_placement_restricted";

/// `testdb`: primary ca-central-1, regions ap-southeast-2 and us-east-1, then PLACEMENT
/// RESTRICTED, DROP and ADD REGION us-east-1, SET PRIMARY REGION ap-southeast-2, PLACEMENT
/// DEFAULT.
const fn glob(
    primary: &'static str,
    regions: &'static [&'static str],
    placement: Placement,
) -> Setup {
    Setup {
        primary,
        regions,
        survival: Z,
        supers: &[],
        secondary: None,
        placement,
    }
}
#[allow(non_upper_case_globals)]
const glob_default_ca: &Setup = &glob(CA, &[AP, CA, US], Placement::Default);
#[allow(non_upper_case_globals)]
const glob_restricted_ca: &Setup = &glob(CA, &[AP, CA, US], Placement::Restricted);
#[allow(non_upper_case_globals)]
const glob_restricted_ca_two: &Setup = &glob(CA, &[AP, CA], Placement::Restricted);
#[allow(non_upper_case_globals)]
const glob_restricted_ap: &Setup = &glob(AP, &[AP, CA, US], Placement::Restricted);
#[allow(non_upper_case_globals)]
const glob_default_ap: &Setup = &glob(AP, &[AP, CA, US], Placement::Default);

/// `global_placement_restricted` at aed96034: a GLOBAL table keeps the full replica set
/// under both placements (ZONE survival, no super regions: every release's rules agree).
fn global_cases() -> Vec<Case> {
    vec![
        case(
            "15-27",
            glob_default_ca,
            ("test", "global"),
            "table test",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ca-central-1]",
                "[[+region=ca-central-1]]",
            ],
        ),
        case(
            "33-45",
            glob_restricted_ca,
            ("test", "global"),
            "table test",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ca-central-1]",
                "[[+region=ca-central-1]]",
            ],
        ),
        case(
            "54-66",
            glob_restricted_ca_two,
            ("test", "global"),
            "table test",
            [4, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1}",
                "[+region=ca-central-1]",
                "[[+region=ca-central-1]]",
            ],
        ),
        case(
            "71-83",
            glob_restricted_ca,
            ("test", "global"),
            "table test",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ca-central-1]",
                "[[+region=ca-central-1]]",
            ],
        ),
        case(
            "89-101",
            glob_restricted_ap,
            ("test", "global"),
            "table test",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2]]",
            ],
        ),
        case(
            "107-119",
            glob_default_ap,
            ("test", "global"),
            "table test",
            [5, 3],
            [
                "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}",
                "[+region=ap-southeast-2]",
                "[[+region=ap-southeast-2]]",
            ],
        ),
    ]
}

#[test]
fn the_global_placement_restricted_logic_test_agrees_field_by_field() {
    let v = CrdbVersion::new;
    let versions = [v(23, 2, 0), v(25, 1, 3), v(26, 1, 0), v(26, 2, 0)];
    let cases = global_cases();
    assert_eq!(cases.len(), 6, "every case of the file is kept");
    let failures = check(GLOBAL_FILE, COMMIT, &cases, &versions);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for c in &cases {
        let zones = effective_zones(&model(c.setup, c.table, v(25, 2, 0)));
        let z = zones.iter().find(|z| z.label() == c.object).unwrap();
        assert_eq!(
            z.value("global_reads").map(|g| g.to_string()).as_deref(),
            Some("true"),
            "{GLOBAL_FILE}@{COMMIT} lines {}: global_reads = true",
            c.lines
        );
    }
}

#[test]
fn the_super_regions_logic_test_agrees_field_by_field() {
    let cases = logic_test_cases();
    assert!(cases.len() >= 37, "every case of the file is kept");
    let v = CrdbVersion::new;
    let failures = check(
        FILE,
        COMMIT,
        &cases,
        &[v(23, 2, 0), v(25, 1, 3), v(26, 1, 0)],
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same setups under v26.2.0's rules, as cockroachdb/cockroach#165113 describes them
/// (zone survival: the home region keeps num_voters, the rest spread) and #164285 (region
/// survival: even spread, home region first). Not logic-test values: the logic tests of
/// that release are not in this file's commit.
#[test]
fn v26_2_spreads_replicas_home_region_first() {
    let v = CrdbVersion::new(26, 2, 0);
    let at = |setup: &Setup, table, object: &str| {
        shown(&effective_zones(&model(setup, table, v)), object)
    };
    // zone survival, 2-member super region, 4 replicas, 3 voters: home keeps 3
    let (counts, p) = at(&MR2, ("t", "primary"), "table t");
    assert_eq!(counts, [4, 3]);
    assert_eq!(p[0], "{+region=ap-southeast-2: 1, +region=us-east-1: 3}");
    // zone survival, 1-member super region: every replica at home
    let (counts, p) = at(&MR1, ("t", "primary"), "table t");
    assert_eq!(counts, [3, 3]);
    assert_eq!(p[0], "{+region=us-east-1: 3}");
    // region survival, 3 members, 5 replicas: 2 at home, the extra to the first other
    let (counts, p) = at(
        &MR3_REGION_R2,
        ("rt", "rbr"),
        "partition us-central-1 of table rt",
    );
    assert_eq!(counts, [5, 5]);
    assert_eq!(
        p[0],
        "{+region=ap-southeast-2: 2, +region=ca-central-1: 1, +region=us-central-1: 2}"
    );
    // and before v26.2.0 the same partition had the extra on the first non-home member only
    let old = shown(
        &effective_zones(&model(
            &MR3_REGION_R2,
            ("rt", "rbr"),
            CrdbVersion::new(26, 1, 9),
        )),
        "partition us-central-1 of table rt",
    );
    assert_eq!(
        old.1[0],
        "{+region=ap-southeast-2: 2, +region=ca-central-1: 1, +region=us-central-1: 1}"
    );
}

/// Three regions surviving a region failure: from v25.1.3 (and v25.2.0) a table homed
/// outside the primary region gets constraints of its own (cockroachdb/cockroach#142838);
/// before, it inherits the database's one-per-region constraints.
#[test]
fn three_regions_surviving_a_region_form_an_implicit_super_region_from_v25_1_3() {
    const THREE: Setup = Setup {
        primary: US,
        regions: &[AP, CA, US],
        survival: R,
        supers: &[],
        secondary: None,
        placement: Placement::Default,
    };
    let constraints = |v: CrdbVersion| {
        let zones = effective_zones(&model(&THREE, ("t", "in:ca-central-1"), v));
        let z = zones.iter().find(|z| z.label() == "table t").unwrap();
        (
            z.field("constraints").unwrap().source.to_string(),
            shown(&zones, "table t").1[0].clone(),
        )
    };
    for old in [CrdbVersion::new(23, 2, 0), CrdbVersion::new(25, 1, 2)] {
        let (source, value) = constraints(old);
        assert_eq!(source, "inherited from database", "{old}");
        assert_eq!(
            value,
            "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}"
        );
    }
    for new in [
        CrdbVersion::new(25, 1, 3),
        CrdbVersion::new(25, 2, 0),
        CrdbVersion::new(26, 1, 0),
    ] {
        let (source, _) = constraints(new);
        assert!(
            source.starts_with("multi-region: super region (implicit"),
            "{new}: {source}"
        );
    }
}

const RBT_RESTRICTED_FILE: &str =
    "pkg/ccl/logictestccl/testdata/logic_test/regional_by_table_placement_restricted";
const RBT_RESTRICTED_COMMIT: &str = "094d7a461bf31c150f0a0f8d56fc887f8f2ac8bb";
const RBR_RESTRICTED_FILE: &str =
    "pkg/ccl/logictestccl/testdata/logic_test/regional_by_row_placement_restricted";
const RBR_RESTRICTED_COMMIT: &str = "32bfbf9a9d57578ecadc446e97e73683af2d4246";

// `testdb` of both files: primary ca-central-1, regions ap-southeast-2 and us-east-1, then
// PLACEMENT RESTRICTED, DROP and ADD REGION us-east-1, (RBT only: SET PRIMARY REGION
// ap-southeast-2), PLACEMENT DEFAULT. ZONE survival throughout.
#[allow(non_upper_case_globals)]
const restricted_ca: &Setup = &glob(CA, &[AP, CA, US], Placement::Restricted);
#[allow(non_upper_case_globals)]
const restricted_ca_two: &Setup = &glob(CA, &[AP, CA], Placement::Restricted);

const EVERY_REGION: &str =
    "{+region=ap-southeast-2: 1, +region=ca-central-1: 1, +region=us-east-1: 1}";

/// Voters and leaseholder in `r`.
const fn home(r: &'static str) -> [&'static str; 2] {
    match r.as_bytes()[0] {
        b'a' => ["[+region=ap-southeast-2]", "[[+region=ap-southeast-2]]"],
        b'c' => ["[+region=ca-central-1]", "[[+region=ca-central-1]]"],
        _ => ["[+region=us-east-1]", "[[+region=us-east-1]]"],
    }
}

/// `regional_by_table_placement_restricted`: `test` (REGIONAL BY TABLE IN PRIMARY REGION,
/// SHOW ZONE names the database's zone) and `test_explicit_region` (IN ap-southeast-2).
/// Under RESTRICTED the non-voters go: 3 replicas, all voters, `constraints = '[]'`.
fn rbt_restricted_cases() -> Vec<Case> {
    let t = ("test", "primary");
    let e = ("test_explicit_region", "in:ap-southeast-2");
    let (tt, te) = ("table test", "table test_explicit_region");
    let [ca_v, ca_l] = home(CA);
    let [ap_v, ap_l] = home(AP);
    vec![
        case(
            "19-30",
            glob_default_ca,
            t,
            tt,
            [5, 3],
            [EVERY_REGION, ca_v, ca_l],
        ),
        case(
            "32-43",
            glob_default_ca,
            e,
            te,
            [5, 3],
            [EVERY_REGION, ap_v, ap_l],
        ),
        case("49-60", restricted_ca, t, tt, [3, 3], ["[]", ca_v, ca_l]),
        case("62-73", restricted_ca, e, te, [3, 3], ["[]", ap_v, ap_l]),
        // DROP REGION us-east-1: no non-voters, so nothing changes
        case(
            "84-95",
            restricted_ca_two,
            t,
            tt,
            [3, 3],
            ["[]", ca_v, ca_l],
        ),
        case(
            "97-108",
            restricted_ca_two,
            e,
            te,
            [3, 3],
            ["[]", ap_v, ap_l],
        ),
        // ADD REGION us-east-1 again
        case("113-124", restricted_ca, t, tt, [3, 3], ["[]", ca_v, ca_l]),
        case("126-137", restricted_ca, e, te, [3, 3], ["[]", ap_v, ap_l]),
        // SET PRIMARY REGION ap-southeast-2
        case(
            "143-154",
            glob_restricted_ap,
            t,
            tt,
            [3, 3],
            ["[]", ap_v, ap_l],
        ),
        // PLACEMENT DEFAULT: the non-voters are back
        case(
            "160-171",
            glob_default_ap,
            t,
            tt,
            [5, 3],
            [EVERY_REGION, ap_v, ap_l],
        ),
        case(
            "173-184",
            glob_default_ap,
            e,
            te,
            [5, 3],
            [EVERY_REGION, ap_v, ap_l],
        ),
    ]
}

/// `regional_by_row_placement_restricted`: the three region partitions of `test` (REGIONAL
/// BY ROW), each as `SHOW PARTITIONS` prints its full zone; the lines are the partition's.
fn rbr_restricted_cases() -> Vec<Case> {
    let t = ("test", "rbr");
    let p = |r: &'static str| -> &'static str {
        match r.as_bytes()[0] {
            b'a' => "partition ap-southeast-2 of table test",
            b'c' => "partition ca-central-1 of table test",
            _ => "partition us-east-1 of table test",
        }
    };
    let mut out = Vec::new();
    // (setup, lines per partition in ap, ca, us order, restricted)
    let blocks: [(&'static Setup, &[&'static str], bool); 5] = [
        (glob_default_ca, &["20-27", "28-35", "36-43"], false),
        (restricted_ca, &["53-60", "61-68", "69-76"], true),
        // DROP REGION us-east-1: two partitions left
        (restricted_ca_two, &["89-96", "97-104"], true),
        // ADD REGION us-east-1
        (restricted_ca, &["113-120", "121-128", "129-136"], true),
        // PLACEMENT DEFAULT
        (glob_default_ca, &["151-158", "159-166", "167-174"], false),
    ];
    for (setup, lines, restricted) in blocks {
        for (l, r) in lines.iter().zip([AP, CA, US]) {
            let [v, lp] = home(r);
            let (counts, constraints) = if restricted {
                ([3, 3], "[]")
            } else {
                ([5, 3], EVERY_REGION)
            };
            out.push(case(l, setup, t, p(r), counts, [constraints, v, lp]));
        }
    }
    out
}

#[test]
fn the_regional_placement_restricted_logic_tests_agree_field_by_field() {
    let v = CrdbVersion::new;
    // ZONE survival, no super regions, no secondary: every release's rules agree
    let versions = [v(23, 2, 0), v(25, 1, 3), v(26, 1, 0), v(26, 2, 0)];
    let rbt = rbt_restricted_cases();
    let rbr = rbr_restricted_cases();
    assert_eq!(
        (rbt.len(), rbr.len()),
        (11, 14),
        "every case of the files is kept"
    );
    let mut failures = check(RBT_RESTRICTED_FILE, RBT_RESTRICTED_COMMIT, &rbt, &versions);
    failures.extend(check(
        RBR_RESTRICTED_FILE,
        RBR_RESTRICTED_COMMIT,
        &rbr,
        &versions,
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
