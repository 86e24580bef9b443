//! Replication hazards: one case per id, and none on BlueMarble's settings.

use bmdb::model::types::*;
use bmdb::zones::hazards::{replication_hazards, ZoneHazard, HAZARD_IDS};
use std::collections::BTreeMap;

#[path = "zones/fixtures.rs"]
mod fixtures;
use fixtures::*;

fn single(tables: Vec<Table>) -> Model {
    let db = Database {
        name: "proto".into(),
        ..Default::default()
    };
    Model {
        database: db,
        tables: tables.into_iter().map(|t| (t.name.clone(), t)).collect(),
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    }
}

fn zone(f: impl FnOnce(&mut ZoneConfig)) -> Option<ZoneConfig> {
    let mut z = ZoneConfig::default();
    f(&mut z);
    Some(z)
}

fn ids(h: &[ZoneHazard]) -> Vec<(&'static str, String)> {
    h.iter().map(|h| (h.id, h.object.clone())).collect()
}

fn only(h: &[ZoneHazard], id: &str, object: &str) -> ZoneHazard {
    assert_eq!(
        ids(h),
        vec![(
            HAZARD_IDS.iter().find(|i| **i == id).copied().unwrap(),
            object.to_string()
        )],
        "{h:#?}"
    );
    h[0].clone()
}

#[test]
fn bluemarble_raises_no_hazard() {
    let h = replication_hazards(&bluemarble());
    assert!(h.is_empty(), "{h:#?}");
}

#[test]
fn fewer_than_three_replicas() {
    let m = single(vec![table("t", None, zone(|z| z.num_replicas = Some(1)))]);
    let h = only(
        &replication_hazards(&m),
        "fewer-than-three-replicas",
        "table t",
    );
    assert!(
        h.reason.contains("keeps 1 replica (set in the model)"),
        "{}",
        h.reason
    );
    assert!(h.help.contains("at least 3"));
    // Inherited objects are not reported again: the index inherits from the table.
    assert_eq!(replication_hazards(&m).len(), 1);
}

#[test]
fn fewer_than_three_replicas_on_range_default_reaches_everything_once() {
    let mut m = single(vec![table("t", None, None)]);
    m.database.range_zones.insert(
        "default".into(),
        ZoneConfig {
            num_replicas: Some(2),
            ..Default::default()
        },
    );
    let h = replication_hazards(&m);
    assert_eq!(
        ids(&h),
        vec![
            ("fewer-than-three-replicas", "range default".into()),
            ("even-voters", "range default".into())
        ],
        "{h:#?}"
    );
}

#[test]
fn even_voters() {
    let m = single(vec![table("t", None, zone(|z| z.num_replicas = Some(4)))]);
    let h = only(&replication_hazards(&m), "even-voters", "table t");
    assert!(h.reason.contains("4 voting replicas"), "{}", h.reason);
    assert!(h.reason.contains("quorum needs 3"), "{}", h.reason);
    assert!(h.help.contains("3 or 5"));
    // An odd num_voters under an even num_replicas is fine.
    let m = single(vec![table(
        "t",
        None,
        zone(|z| {
            z.num_replicas = Some(4);
            z.num_voters = Some(3);
        }),
    )]);
    assert!(replication_hazards(&m).is_empty());
}

#[test]
fn voters_exceed_replicas() {
    let m = single(vec![table(
        "t",
        None,
        zone(|z| {
            z.num_replicas = Some(3);
            z.num_voters = Some(5);
        }),
    )]);
    let h = only(
        &replication_hazards(&m),
        "voters-exceed-replicas",
        "table t",
    );
    assert!(
        h.reason.contains("5 voters but only 3 replicas"),
        "{}",
        h.reason
    );
}

#[test]
fn constraints_exceed_replicas() {
    let mut m = single(vec![]);
    m.database.regions = vec!["a".into(), "b".into()];
    m.database.zone = zone(|z| {
        z.num_replicas = Some(3);
        z.constraints = Some(per(&[("+region=a", 2), ("+region=b", 2)]));
    });
    let h = only(
        &replication_hazards(&m),
        "constraints-exceed-replicas",
        "database",
    );
    assert!(h.reason.contains("pins 4 replicas"), "{}", h.reason);
    // Voter constraints against num_voters.
    m.database.zone = zone(|z| {
        z.num_replicas = Some(5);
        z.num_voters = Some(3);
        z.constraints = Some(per(&[("+region=a", 1)]));
        z.voter_constraints = Some(per(&[("+region=a", 2), ("+region=b", 2)]));
    });
    let h = only(
        &replication_hazards(&m),
        "constraints-exceed-replicas",
        "database",
    );
    assert!(h.reason.contains("pins 4 voters"), "{}", h.reason);
}

#[test]
fn constraint_unknown_region() {
    let mut m = bluemarble();
    let pal = m.tables.get_mut("player_activity_log").unwrap();
    pal.zone.as_mut().unwrap().constraints =
        Some(per(&[("+region=us-west-2", 1), ("+region=eu-west-9", 1)]));
    let h = only(
        &replication_hazards(&m),
        "constraint-unknown-region",
        "table player_activity_log",
    );
    assert!(h.reason.contains("\"eu-west-9\""), "{}", h.reason);
    assert!(
        h.help
            .contains("ap-southeast-1, eu-west-1, us-east-1, us-west-2"),
        "{}",
        h.help
    );
}

#[test]
fn lease_preferences_without_constraints() {
    let m = single(vec![table(
        "t",
        None,
        zone(|z| z.lease_preferences = Some(vec![vec!["+region=a".into()]])),
    )]);
    let h = only(
        &replication_hazards(&m),
        "lease-preferences-without-constraints",
        "table t",
    );
    assert!(
        h.reason
            .contains("no constraints or voter_constraints of its own"),
        "{}",
        h.reason
    );
    // Constraints that keep every replica out of the preferred region.
    let m = single(vec![table(
        "t",
        None,
        zone(|z| {
            z.constraints = Some(Constraints::All(vec!["-region=a".into()]));
            z.lease_preferences = Some(vec![vec!["+region=a".into()]]);
        }),
    )]);
    let h = only(
        &replication_hazards(&m),
        "lease-preferences-without-constraints",
        "table t",
    );
    assert!(h.reason.contains("prefers leases in a"), "{}", h.reason);
    // A pinned replica in the region satisfies it.
    let m = single(vec![table(
        "t",
        None,
        zone(|z| {
            z.num_replicas = Some(3);
            z.constraints = Some(per(&[("+region=a", 1), ("+region=b", 2)]));
            z.lease_preferences = Some(vec![vec!["+region=a".into()]]);
        }),
    )]);
    assert!(replication_hazards(&m).is_empty());
}

#[test]
fn gc_below_stale_reads() {
    let mut m = single(vec![table("t", None, zone(|z| z.gc_ttlseconds = Some(20)))]);
    m.database.expectations.stale_reads_seconds = Some(30);
    let h = only(&replication_hazards(&m), "gc-below-stale-reads", "table t");
    assert!(h.reason.contains("20s"), "{}", h.reason);
    assert!(h.help.contains("at least 30"), "{}", h.help);
}

#[test]
fn gc_below_backup_interval() {
    let mut m = bluemarble();
    m.database.expectations.backup_interval_seconds = Some(86400 * 2);
    let h = replication_hazards(&m);
    // The database (90000s) and player_activity_log (14400s) both fall short.
    assert_eq!(
        ids(&h),
        vec![
            ("gc-below-backup-interval", "database".into()),
            (
                "gc-below-backup-interval",
                "table player_activity_log".into()
            )
        ],
        "{h:#?}"
    );
    assert!(
        h[0].reason
            .contains("90000s (gc.ttlseconds, set in the model)"),
        "{}",
        h[0].reason
    );
}

/// With backups.yaml the check reads the schedules WITH revision_history (the longest gap
/// between two of their backups, full and incremental together), not expectations.
#[test]
fn gc_below_backup_interval_reads_the_modelled_schedule() {
    let schedule = |label: &str, recurring: &str, full: Option<&str>, rh: bool| BackupSchedule {
        label: label.into(),
        into: "external://b".into(),
        recurring: recurring.into(),
        full_backup: full.map(str::to_string),
        revision_history: rh,
        on_execution_failure: "reschedule".into(),
        on_previous_running: "wait".into(),
        ..Default::default()
    };
    let mut m = single(vec![table("t", None, None)]);
    m.database.zone = zone(|z| z.gc_ttlseconds = Some(90000));
    // hourly incrementals under a daily full: 1 h between backups, inside 25 h
    m.database.backup_schedules = Some(BTreeMap::from([(
        "b".to_string(),
        schedule("b", "@hourly", Some("@daily"), true),
    )]));
    assert!(replication_hazards(&m).is_empty());
    // every other day, full each time: 48 h, beyond 25 h
    m.database.backup_schedules = Some(BTreeMap::from([
        ("b".to_string(), schedule("b", "0 0 */2 * *", None, true)),
        // without revision history a schedule is not judged
        ("w".to_string(), schedule("w", "@weekly", None, false)),
    ]));
    let h = only(
        &replication_hazards(&m),
        "gc-below-backup-interval",
        "database",
    );
    assert!(
        h.reason
            .contains("172800s between two backups of schedule b"),
        "{}",
        h.reason
    );
    assert!(h.help.contains("backups.yaml"), "{}", h.help);
    // the schedules replace expectations.backup_interval
    m.database.backup_schedules = Some(BTreeMap::new());
    m.database.expectations.backup_interval_seconds = Some(86400 * 2);
    assert!(replication_hazards(&m).is_empty());
}

#[test]
fn gc_default_is_judged_on_the_database() {
    let mut m = single(vec![table("t", None, None)]);
    m.database.expectations.backup_interval_seconds = Some(86400);
    let h = only(
        &replication_hazards(&m),
        "gc-below-backup-interval",
        "database",
    );
    assert!(
        h.reason
            .contains("14400s (gc.ttlseconds, CockroachDB's default)"),
        "{}",
        h.reason
    );
}

#[test]
fn multi_region_rules_raise_nothing_in_any_configuration() {
    for (survival, placement, n, secondary) in [
        (SurvivalGoal::Zone, Placement::Default, 2, false),
        (SurvivalGoal::Zone, Placement::Restricted, 3, false),
        (SurvivalGoal::Region, Placement::Default, 3, true),
        (SurvivalGoal::Region, Placement::Default, 6, true),
    ] {
        let regions: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
        let refs: Vec<&str> = regions.iter().map(String::as_str).collect();
        let mut db = mr_db(&refs, "r0", survival, placement);
        if secondary {
            db.secondary_region = Some("r1".into());
        }
        let mut tables = BTreeMap::new();
        for t in [
            table("g", Some(Locality::Global), None),
            table("rbr", Some(Locality::RegionalByRow { column: None }), None),
            table(
                "rbt",
                Some(Locality::RegionalByTable {
                    region: Some("r1".into()),
                }),
                None,
            ),
        ] {
            tables.insert(t.name.clone(), t);
        }
        let h = replication_hazards(&Model {
            database: db,
            tables,
            roles: None,
            enums: Default::default(),
            views: Default::default(),
            sequences: Default::default(),
        });
        assert!(h.is_empty(), "{survival:?} {placement:?} {n}: {h:#?}");
    }
}
