//! A zone on the primary index: `primary_key_zone:` on a table, `ALTER INDEX t@<primary key
//! name> CONFIGURE ZONE` (`ALTER INDEX t@idx CONFIGURE ZONE`, crdb-reference §zones, with the
//! primary key's index as `idx`; the grammar check passes the golden
//! `configure_zone__primary_index`; not run on a server). Loaded, planned, read back, and
//! shown in `zones show` as the index's own zone.

use bmdb::diff::{Change, ZoneTarget};
use bmdb::zones::effective::{effective_zones, Source};

fn project(table: &str) -> bmdb::model::Model {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schema")).unwrap();
    std::fs::write(
        dir.path().join("regions.yaml"),
        "database: game\nprimary_region: us-east-1\nregions: [us-east-1, us-west-2]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("schema/players.yaml"), table).unwrap();
    bmdb::model::load_project(dir.path()).unwrap()
}

const PLAYERS: &str = "table: players\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: { name: players_pk, columns: [id] }\n";

#[test]
fn primary_key_zone_loads_plans_and_shows() {
    let with = project(&format!(
        "{PLAYERS}primary_key_zone: {{ gc.ttlseconds: 7200, range_max_bytes: 1073741824 }}\n"
    ));
    let zone = with.tables["players"].primary_key_zone.clone().unwrap();
    assert_eq!(zone.gc_ttlseconds, Some(7200));

    let without = project(PLAYERS);
    let changes = bmdb::diff::diff(&without, &with);
    let targets: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ConfigureZone { target, to, .. } => Some((target.clone(), to.is_some())),
            _ => None,
        })
        .collect();
    assert_eq!(
        targets,
        vec![(
            ZoneTarget::Index {
                table: "players".into(),
                index: "players_pk".into()
            },
            true
        )]
    );
    // removed: discarded
    let back = bmdb::diff::diff(&with, &without);
    assert!(back
        .iter()
        .any(|c| matches!(c, Change::ConfigureZone { to: None, .. })));

    let zones = effective_zones(&with);
    let z = zones
        .iter()
        .find(|z| z.label() == "index players@players_pk")
        .expect("the primary index in zones show");
    assert_eq!(z.int("gc.ttlseconds"), Some(7200));
    assert!(matches!(
        z.field("gc.ttlseconds").unwrap().source,
        Source::Model { .. }
    ));
    // the rest inherits from the table (multi-region: from the database)
    assert!(matches!(
        z.field("num_replicas").unwrap().source,
        Source::Inherited { .. }
    ));
}

/// A managed field on the primary index of a multi-region table needs the override, as on
/// any index.
#[test]
fn a_managed_field_needs_the_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schema")).unwrap();
    std::fs::write(
        dir.path().join("regions.yaml"),
        "database: game\nprimary_region: us-east-1\nregions: [us-east-1, us-west-2]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("schema/players.yaml"),
        format!("{PLAYERS}primary_key_zone: {{ num_replicas: 5 }}\n"),
    )
    .unwrap();
    let err = format!("{:#}", bmdb::model::load_project(dir.path()).unwrap_err());
    assert!(err.contains("protected-zone-field"), "{err}");
    assert!(
        err.contains("the primary index of table \"players\""),
        "{err}"
    );
}
