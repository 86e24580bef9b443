//! CockroachDB's `schema_locked` (issue 11 item 5): v26.1 creates every table with it on, and
//! some statements then need the table unlocked first. The catalog reader reads it and keeps
//! it out of the model (never drift); rendered against a live database whose table is locked,
//! SET LOCALITY and CONFIGURE ZONE on it are wrapped in `SET (schema_locked = false)` /
//! `SET (schema_locked = true)`. Goldens in tests/golden/schema_locked/ pass CockroachDB's
//! grammar (scripts/check-crdb-grammar.sh).

#[path = "common/golden.rs"]
mod golden_files;

use bmdb::catalog::cockroach::{from_rows, schema_locked_tables, CockroachCatalogRows, TableRow};
use bmdb::diff::{Change, ZoneTarget};
use bmdb::model::types::*;
use bmdb::plan::{Plan, Step};
use bmdb::render::{RenderContext, Renderer};
use golden_files::GoldenDir;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn plan_of(changes: Vec<Change>) -> Plan {
    Plan {
        steps: changes
            .into_iter()
            .map(|change| Step {
                change,
                hazards: vec![],
            })
            .collect(),
    }
}

fn ctx() -> RenderContext {
    RenderContext {
        dialect: Dialect::Cockroach,
        database: "bluemarble".into(),
        multi_region: true,
        postgis_needed: false,
    }
}

fn zone(target: ZoneTarget, gc: u64) -> Change {
    Change::ConfigureZone {
        database: "bluemarble".into(),
        target,
        from: None,
        to: Some(ZoneConfig {
            gc_ttlseconds: Some(gc),
            ..Default::default()
        }),
    }
}

struct Case {
    stem: &'static str,
    what: &'static str,
    change: Change,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            stem: "set_locality__locked",
            what: "SET LOCALITY on a locked table: unlocked before, locked again after",
            change: Change::SetLocality {
                table: "item_templates".into(),
                from: Some(Locality::RegionalByTable { region: None }),
                to: Some(Locality::Global),
            },
        },
        Case {
            stem: "set_locality__locked_to_rbr",
            what: "to REGIONAL BY ROW on a locked table",
            change: Change::SetLocality {
                table: "player-sessions".into(),
                from: Some(Locality::RegionalByTable { region: None }),
                to: Some(Locality::RegionalByRow { column: None }),
            },
        },
        Case {
            stem: "configure_zone__locked_table",
            what: "a table's zone on a locked table",
            change: zone(
                ZoneTarget::Table {
                    table: "item_templates".into(),
                },
                600,
            ),
        },
        Case {
            stem: "configure_zone__locked_index",
            what: "an index's zone on a locked table",
            change: zone(
                ZoneTarget::Index {
                    table: "item_templates".into(),
                    index: "item_templates_name_idx".into(),
                },
                600,
            ),
        },
        Case {
            stem: "set_locality__unlocked",
            what: "a table that is not locked: nothing added",
            change: Change::SetLocality {
                table: "world_config".into(),
                from: Some(Locality::Global),
                to: Some(Locality::RegionalByTable { region: None }),
            },
        },
        Case {
            stem: "add_column__locked",
            what: "ADD COLUMN: CockroachDB unlocks the table itself (declarative schema changer), nothing added",
            change: Change::AddColumn {
                table: "item_templates".into(),
                column: Column {
                    name: "rarity".into(),
                    ty: "STRING".into(),
                    nullable: true,
                    ..Default::default()
                },
                family: None,
                create_family: false,
            },
        },
    ]
}

fn locked() -> BTreeSet<String> {
    ["item_templates", "player-sessions"]
        .into_iter()
        .map(String::from)
        .collect()
}

#[test]
fn locked_tables_are_unlocked_around_the_statements_that_need_it() {
    let renderer = Renderer::new(None).unwrap();
    let mut dir =
        GoldenDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/schema_locked"));
    for c in cases() {
        let rendered = renderer
            .render_plan_unlocking(&plan_of(vec![c.change.clone()]), &ctx(), &locked())
            .unwrap();
        let mut text = format!("-- {}: {}\n", c.stem, c.what);
        for s in rendered.statements() {
            text.push_str(s);
            text.push('\n');
        }
        dir.check(&format!("{}.sql", c.stem), &text);
    }
    let failures = dir.finish();
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new output is right: BMDB_BLESS=1 cargo test --test schema_locked",
        failures.join("\n")
    );
}

#[test]
fn the_lock_wraps_exactly_the_statement_in_order() {
    let renderer = Renderer::new(None).unwrap();
    let c = &cases()[0];
    let r = renderer
        .render_plan_unlocking(&plan_of(vec![c.change.clone()]), &ctx(), &locked())
        .unwrap();
    let sql: Vec<&str> = r.statements().map(String::as_str).collect();
    assert_eq!(
        sql,
        [
            "ALTER TABLE item_templates SET (schema_locked = false);",
            "ALTER TABLE item_templates SET LOCALITY GLOBAL;",
            "ALTER TABLE item_templates SET (schema_locked = true);",
        ]
    );
    // without a live catalog (offline plan) nothing is known to be locked: no wrap
    let r = renderer
        .render_plan(&plan_of(vec![c.change.clone()]), &ctx())
        .unwrap();
    assert_eq!(r.statements().count(), 1);
}

#[test]
fn the_catalog_reads_schema_locked_and_keeps_it_out_of_the_model() {
    let table = |name: &str, locked: bool| TableRow {
        name: name.into(),
        locality: None,
        comment: None,
        schema_locked: locked,
        create_statement: None,
        schema: None,
    };
    let rows = |locked: bool| CockroachCatalogRows {
        database: "shop".into(),
        tables: vec![table("a", locked), table("b", false)],
        ..Default::default()
    };
    assert_eq!(
        schema_locked_tables(&rows(true)),
        BTreeSet::from(["a".to_string()])
    );
    assert!(schema_locked_tables(&rows(false)).is_empty());
    // the same model either way: schema_locked is never drift
    assert_eq!(
        from_rows(&rows(true)).unwrap(),
        from_rows(&rows(false)).unwrap()
    );
    // rows recorded before the column existed still load
    let old: TableRow =
        serde_json::from_str(r#"{"name":"a","locality":null,"comment":null}"#).unwrap();
    assert!(!old.schema_locked);
    let _ = BTreeMap::<String, String>::new();
}
