//! Models shared by the zones tests: BlueMarble's multi-region settings and small builders.
#![allow(dead_code)]

use bmdb::model::types::*;
use std::collections::BTreeMap;

pub fn per(pairs: &[(&str, u32)]) -> Constraints {
    Constraints::PerReplica(pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect())
}

pub fn table(name: &str, locality: Option<Locality>, zone: Option<ZoneConfig>) -> Table {
    Table {
        name: name.into(),
        locality,
        columns: vec![Column {
            name: "id".into(),
            ty: "INT8".into(),
            nullable: false,
            ..Default::default()
        }],
        indexes: vec![Index {
            name: format!("{name}_id_idx"),
            columns: vec![IndexColumn {
                name: "id".into(),
                desc: false,
                ..Default::default()
            }],
            ..Default::default()
        }],
        zone,
        ..Default::default()
    }
}

pub fn mr_db(
    regions: &[&str],
    primary: &str,
    survival: SurvivalGoal,
    placement: Placement,
) -> Database {
    let mut regions: Vec<String> = regions.iter().map(|s| s.to_string()).collect();
    regions.sort();
    Database {
        name: "db".into(),
        primary_region: Some(primary.into()),
        regions,
        survival_goal: survival,
        placement,
        ..Default::default()
    }
}

/// BlueMarble's regions.yaml and the four tables the issue names.
pub fn bluemarble() -> Model {
    let mut db = mr_db(
        &["us-west-2", "us-east-1", "eu-west-1", "ap-southeast-1"],
        "us-west-2",
        SurvivalGoal::Region,
        Placement::Default,
    );
    db.name = "bluemarble".into();
    db.zone = Some(ZoneConfig {
        gc_ttlseconds: Some(90000),
        ..Default::default()
    });
    db.expectations = Expectations {
        stale_reads_seconds: Some(30),
        backup_interval_seconds: Some(3600),
    };
    let pal_zone = ZoneConfig {
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
    };
    let mut tables = BTreeMap::new();
    for t in [
        table(
            "players",
            Some(Locality::RegionalByRow {
                column: Some("home_region".into()),
            }),
            None,
        ),
        table(
            "inventory",
            Some(Locality::RegionalByRow { column: None }),
            None,
        ),
        table("item_templates", Some(Locality::Global), None),
        table(
            "player_activity_log",
            Some(Locality::RegionalByTable { region: None }),
            Some(pal_zone),
        ),
    ] {
        tables.insert(t.name.clone(), t);
    }
    Model {
        database: db,
        tables,
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    }
}
