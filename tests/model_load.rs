//! Loads the good projects and asserts the normalised model in detail.
use bmdb::model::*;
use std::collections::BTreeMap;
use std::path::Path;

fn load(name: &str) -> Model {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/good")
        .join(name);
    match load_project(&dir) {
        Ok(m) => m,
        Err(d) => panic!("{name} failed to load:\n{d}"),
    }
}

fn col<'m>(m: &'m Model, table: &str, column: &str) -> &'m Column {
    m.tables[table]
        .column(column)
        .unwrap_or_else(|| panic!("{table}.{column}"))
}

#[test]
fn minimal_project_gets_single_region_defaults_and_serial_as_rowid() {
    let m = load("minimal");
    assert_eq!(m.database.name, "shop");
    assert_eq!(m.database.dialect, Dialect::Cockroach);
    assert!(!m.database.is_multi_region());
    let t = &m.tables["customers"];
    assert_eq!(t.locality, None, "no regions: no locality");
    let id = col(&m, "customers", "customer_id");
    assert_eq!(
        (id.ty.as_str(), id.nullable, id.default.as_deref()),
        ("INT8", false, Some("unique_rowid()"))
    );
    assert_eq!(col(&m, "customers", "email").ty, "STRING");
    let visits = col(&m, "customers", "visits");
    assert_eq!(
        (visits.ty.as_str(), visits.default.as_deref()),
        ("INT8", Some("0"))
    );
    assert_eq!(t.primary_key.as_ref().unwrap().name, "customers_pkey");
}

#[test]
fn full_project_database_settings() {
    let db = load("full").database;
    assert_eq!(db.primary_region.as_deref(), Some("us-west-2"));
    assert_eq!(
        db.regions,
        ["ap-southeast-1", "eu-west-1", "us-east-1", "us-west-2"],
        "sorted"
    );
    assert_eq!(db.survival_goal, SurvivalGoal::Region);
    assert_eq!(db.secondary_region.as_deref(), Some("us-east-1"));
    assert_eq!(
        db.super_regions["north_america"],
        ["eu-west-1", "us-east-1", "us-west-2"]
    );
    assert_eq!(db.zone.as_ref().unwrap().gc_ttlseconds, Some(90000));
    assert_eq!(db.expectations.stale_reads_seconds, Some(30));
    assert_eq!(db.expectations.backup_interval_seconds, Some(3600));
}

#[test]
fn zone_constraints_parse_from_strings_and_yaml_forms() {
    let m = load("full");
    let default = &m.database.range_zones["default"];
    assert_eq!(
        default.constraints,
        Some(Constraints::PerReplica(BTreeMap::from([(
            "+region=us-west-2".to_string(),
            1
        )])))
    );
    assert_eq!(
        default.lease_preferences,
        Some(vec![
            vec!["+region=us-west-2".to_string()],
            vec!["+region=us-east-1".to_string()]
        ])
    );
    let meta = &m.database.range_zones["meta"];
    assert_eq!(
        meta.constraints,
        Some(Constraints::All(vec![
            "+region=us-west-2".into(),
            "-disk=hdd".into()
        ]))
    );
    let tz = m.tables["currency_transactions"].zone.as_ref().unwrap();
    assert_eq!(
        tz.voter_constraints,
        Some(Constraints::PerReplica(BTreeMap::from([(
            "+region=eu-west-1".to_string(),
            2
        )])))
    );
    assert_eq!(
        tz.lease_preferences,
        Some(vec![vec!["+region=eu-west-1".to_string()]])
    );
    assert!(tz.override_multi_region);
    assert_eq!(
        (tz.num_replicas, tz.num_voters, tz.gc_ttlseconds),
        (Some(5), Some(5), Some(600))
    );
    let wz = m.tables["world_config"].zone.as_ref().unwrap();
    assert_eq!(
        (wz.range_min_bytes, wz.range_max_bytes),
        (Some(1_048_576), Some(67_108_864))
    );
}

#[test]
fn type_aliases_normalise_to_one_spelling() {
    let m = load("full");
    // INT, BIGINT and INT8 are one type; TEXT and STRING are one type.
    assert_eq!(
        col(&m, "inventory", "item_template_id").ty,
        col(&m, "inventory", "player_id").ty
    );
    assert_eq!(col(&m, "players", "player_id").ty, "INT8");
    assert_eq!(
        col(&m, "item_templates", "name").ty,
        col(&m, "inventory", "note").ty
    );
    assert_eq!(col(&m, "item_templates", "name").ty, "STRING");
    assert_eq!(col(&m, "item_templates", "weight").ty, "FLOAT8");
    assert_eq!(col(&m, "item_templates", "price").ty, "DECIMAL(12,2)");
    assert_eq!(
        col(&m, "currency_transactions", "amount").ty,
        "DECIMAL(18,4)"
    );
    assert_eq!(col(&m, "players", "handle").ty, "VARCHAR(32)");
    assert_eq!(col(&m, "players", "created_at").ty, "TIMESTAMPTZ");
    assert_eq!(col(&m, "players", "active").ty, "BOOL");
    assert_eq!(col(&m, "players", "location").ty, "GEOGRAPHY(POINT,4326)");
    assert_eq!(col(&m, "players", "home_region").ty, "crdb_internal_region");
    assert_eq!(col(&m, "inventory", "tags").ty, "STRING[]");
}

#[test]
fn defaults_are_trimmed_sql_text_and_pk_columns_not_null() {
    let m = load("full");
    assert_eq!(
        col(&m, "players", "created_at").default.as_deref(),
        Some("now()")
    );
    assert_eq!(
        col(&m, "players", "active").default.as_deref(),
        Some("true")
    );
    assert_eq!(
        col(&m, "inventory", "quantity").default.as_deref(),
        Some("1")
    );
    assert!(!col(&m, "inventory", "inventory_id").nullable, "pk column");
    assert!(!col(&m, "world_config", "key").nullable, "pk column");
    assert!(col(&m, "world_config", "value").nullable);
    assert_eq!(
        col(&m, "inventory", "note").renamed_from.as_deref(),
        Some("remark")
    );
}

#[test]
fn every_index_and_constraint_gets_a_name() {
    let m = load("full");
    let inv = &m.tables["inventory"];
    assert_eq!(inv.primary_key.as_ref().unwrap().name, "inventory_pkey");
    assert_eq!(
        m.tables["players"].primary_key.as_ref().unwrap().name,
        "players_pk",
        "explicit name kept"
    );
    assert_eq!(inv.unique[0].name, "inventory_player_id_slot_number_key");
    let names: Vec<&str> = inv.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "inventory_player_id_idx",
            "inventory_props_idx",
            "inventory_player_id_quantity_idx",
            "inventory_acquired_at_idx"
        ]
    );
    let fks: Vec<&str> = inv.foreign_keys.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        fks,
        [
            "inventory_player_id_fkey",
            "inventory_item_template_id_fkey"
        ]
    );
    let checks: Vec<(&str, &str)> = inv
        .checks
        .iter()
        .map(|c| (c.name.as_str(), c.expr.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            ("quantity_positive", "quantity > 0"),
            ("inventory_check1", "slot_number >= 0"),
            ("inventory_check2", "slot_number < 200")
        ]
    );
}

#[test]
fn index_details_are_kept() {
    let m = load("full");
    let inv = &m.tables["inventory"];
    assert_eq!(inv.indexes[1].using, IndexMethod::Gin);
    let ix = &inv.indexes[2];
    assert_eq!(
        ix.columns[1],
        IndexColumn {
            name: "quantity".into(),
            desc: true,
            ..Default::default()
        }
    );
    assert_eq!(ix.storing, ["item_template_id"]);
    assert_eq!(ix.predicate.as_deref(), Some("quantity > 0"));
    assert_eq!(inv.indexes[3].sharded_buckets, Some(16));
    assert_eq!(inv.foreign_keys[0].on_delete, FkAction::Cascade);
    assert_eq!(inv.foreign_keys[0].on_update, FkAction::NoAction);
}

#[test]
fn localities_default_to_the_primary_region_on_a_multi_region_database() {
    let m = load("full");
    assert_eq!(
        m.tables["world_config"].locality,
        Some(Locality::RegionalByTable { region: None })
    );
    assert_eq!(m.tables["item_templates"].locality, Some(Locality::Global));
    assert_eq!(
        m.tables["inventory"].locality,
        Some(Locality::RegionalByRow { column: None })
    );
    assert_eq!(
        m.tables["players"].locality,
        Some(Locality::RegionalByRow {
            column: Some("home_region".into())
        })
    );
    assert_eq!(
        m.tables["currency_transactions"].locality,
        Some(Locality::RegionalByTable {
            region: Some("eu-west-1".into())
        })
    );
    assert_eq!(
        m.tables["currency_transactions"]
            .ttl
            .as_ref()
            .unwrap()
            .expire_after
            .as_deref(),
        Some("90 days")
    );
}

#[test]
fn postgres_dialect_keeps_serials_and_cockroach_only_settings() {
    let m = load("postgres");
    assert_eq!(m.database.dialect, Dialect::Postgres);
    let ev = |c: &str| col(&m, "events", c);
    assert_eq!(
        (
            ev("event_id").ty.as_str(),
            ev("event_id").default.as_deref()
        ),
        ("BIGSERIAL", None)
    );
    assert_eq!(ev("small").ty, "SMALLSERIAL");
    assert_eq!(ev("mid").ty, "SERIAL");
    assert!(!ev("mid").nullable, "serial implies NOT NULL");
    // PostgreSQL tells json from jsonb: the postgres dialect keeps JSON as written
    assert_eq!(ev("payload").ty, "JSON");
    let t = &m.tables["events"];
    assert_eq!(
        t.locality,
        Some(Locality::Global),
        "kept; the renderer leaves it out"
    );
    assert_eq!(
        t.zone.as_ref().unwrap().num_replicas,
        Some(5),
        "no protected-field error on postgres"
    );
    assert!(t.ttl.is_some());
}

#[test]
fn lock_state_never_holds_renamed_from() {
    let m = load("full");
    let json = serde_json::to_string(&m).unwrap();
    assert!(!json.contains("renamed_from"));
    assert!(!json.contains("remark"));
}

#[test]
fn loading_is_deterministic() {
    assert_eq!(load("full"), load("full"));
}

/// Issue 12: enum types from types/, columns of them, a type kept as written, `ignore:`.
#[test]
fn enum_types_columns_of_them_and_ignored_objects() {
    let m = load("enums");
    let e = &m.enums["player_status"];
    assert_eq!(e.values, ["active", "suspended", "it's gone"]);
    assert_eq!(
        e.renamed_from,
        BTreeMap::from([("suspended".to_string(), "banned".to_string())])
    );
    assert_eq!(col(&m, "players", "status").ty, "player_status");
    assert_eq!(col(&m, "players", "history").ty, "player_status[]");
    assert_eq!(col(&m, "players", "search").ty, "tsvector");
    // roles.yaml's `types:` grant names one of the model's enum types
    let app = &m.roles.as_ref().expect("roles.yaml")["app"];
    assert_eq!(app.grants.len(), 1);
    assert_eq!(app.grants[0].on, GrantObject::Type("player_status".into()));
    assert_eq!(app.grants[0].privileges, ["USAGE"]);
    assert_eq!(
        m.database.ignore,
        ["view leaderboard_v", "table legacy_scores"]
    );
    // the lock state holds the enum, never its renames nor the ignore list
    let state = serde_json::to_string(&m).unwrap();
    assert!(state.contains("\"enums\""), "{state}");
    assert!(!state.contains("banned"), "{state}");
    assert!(!state.contains("legacy_scores"), "{state}");
}

/// Issue 12 item 8: a project with no table file (none yet, or every table dropped) loads.
#[test]
fn a_project_without_tables_loads() {
    let m = load("no_tables");
    assert!(m.tables.is_empty());
    assert!(m.enums.is_empty());
}

/// Issue 12 item 4: views from views/, the query kept as written (trimmed), the tables and
/// views each reads derived from its identifiers, depth for ordering; the lock state holds them.
#[test]
fn views_load_with_their_queries_and_derived_reads() {
    let m = load("views");
    assert_eq!(
        m.views.keys().collect::<Vec<_>>(),
        ["level_counts", "top_names", "top_players"]
    );
    let top = &m.views["top_players"];
    assert!(!top.materialized);
    assert!(top.query.starts_with("-- the leaderboard"), "{}", top.query);
    assert!(top.query.ends_with("LIMIT 100"), "{}", top.query);
    assert!(m.views["level_counts"].materialized);
    let names: Vec<String> = m.tables.keys().chain(m.views.keys()).cloned().collect();
    let reads = |v: &str| {
        bmdb::model::views::reads(&m.views[v].query, names.iter())
            .into_iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(reads("top_players"), ["players"]);
    assert_eq!(reads("top_names"), ["top_players"]);
    let depths = bmdb::model::views::depths(&m);
    assert_eq!(depths["top_players"], 0);
    assert_eq!(depths["top_names"], 1);
    let state = serde_json::to_string(&m).unwrap();
    assert!(state.contains("\"views\""), "{state}");
}

/// Issue 12 item 2: sequences from sequences/, every option filled in with the servers'
/// defaults (a descending one counts from -1 down to -2^63), the owner named, and the
/// defaults that draw from them kept as `nextval('name')` whatever cast or schema the YAML
/// wrote; the lock state holds them.
#[test]
fn sequences_load_with_their_defaults_and_owners() {
    let m = load("sequences");
    assert_eq!(
        m.sequences.keys().collect::<Vec<_>>(),
        ["countdown", "order_no", "tickets"]
    );
    let o = &m.sequences["order_no"];
    assert_eq!(
        (
            o.start,
            o.increment,
            o.min_value,
            o.max_value,
            o.cache,
            o.cycle
        ),
        (1000, 5, 1000, 999_999_999, 10, false)
    );
    assert_eq!(o.owned_by.as_ref().unwrap().to_string(), "orders.id");
    let t = &m.sequences["tickets"];
    assert_eq!((t.start, t.min_value, t.max_value), (1, 1, i64::MAX));
    let c = &m.sequences["countdown"];
    assert_eq!(
        (c.start, c.min_value, c.max_value, c.cycle),
        (-1, i64::MIN, -1, true)
    );
    let orders = &m.tables["orders"];
    assert_eq!(
        orders.column("id").unwrap().default.as_deref(),
        Some("nextval('order_no')")
    );
    assert_eq!(
        orders.column("ticket").unwrap().default.as_deref(),
        Some("nextval('tickets')")
    );
    let state = serde_json::to_string(&m).unwrap();
    assert!(state.contains("\"sequences\""), "{state}");
}
