//! The CockroachDB catalog reader, in two halves: [`read_cockroach`] sends a fixed set
//! of queries (one per catalog aspect, every table at once) and collects their rows into
//! [`CockroachCatalogRows`]; [`from_rows`] is a pure function from those rows to the
//! normalised `Model`, so it is tested on rows shaped exactly as CockroachDB returns them.
//!
//! What CockroachDB adds on its own is normalised away: the hidden `crdb_region` column of
//! REGIONAL BY ROW tables, the hidden `rowid` key, hash-shard virtual columns, implicit
//! (region) index columns, `:::` annotations in defaults and checks, `ASC` on index columns,
//! and the zone fields its multi-region machinery wrote (the values `zones::effective`
//! computes for the table's locality and the database's survival goal).

use super::expr::{check_body, strip_literal_cast, strip_outer_parens, strip_triple_colon};
use super::CatalogStats;
use crate::db::Cells;
use crate::model::normalize::{canonical_type, parse_constraints_str, parse_lease_preferences_str};
use crate::model::types::*;
use crate::sql::{first_paren, literal_value, matching_paren, top_level_word_ends};
use crate::zones::effective::{
    effective_zones, FieldValue, Source, ZoneObject, DEFAULT_GC_TTLSECONDS, DEFAULT_NUM_REPLICAS,
    DEFAULT_RANGE_MAX_BYTES, DEFAULT_RANGE_MIN_BYTES,
};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `crdb_internal.databases`, the current database's row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseRow {
    pub name: String,
    pub primary_region: Option<String>,
    pub secondary_region: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    /// `zone` | `region`; NULL on a database that is not multi-region.
    pub survival_goal: Option<String>,
    /// `default` | `restricted`; NULL on a database that is not multi-region.
    pub placement_policy: Option<String>,
}

/// `crdb_internal.super_regions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperRegionRow {
    pub super_region_name: String,
    pub regions: Vec<String>,
}

/// `crdb_internal.tables` joined with the table comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    pub name: String,
    /// `REGIONAL BY TABLE IN PRIMARY REGION`, `REGIONAL BY TABLE IN "us-east1"`, `GLOBAL`,
    /// `REGIONAL BY ROW`, `REGIONAL BY ROW AS "region"`; NULL outside multi-region.
    pub locality: Option<String>,
    pub comment: Option<String>,
    /// The table's `schema_locked` storage parameter (its `SHOW CREATE` ends in
    /// `WITH (schema_locked = true)`, as v26.1 creates tables by default). Read, then left
    /// out of the model: it is the cluster's default, not a schema difference. Read from
    /// `crdb_internal.create_statements` by `descriptor_id` (a column, and in recent releases
    /// an index, of that table in every release bmdb targets: `pkg/sql/crdb_internal.go`,
    /// `crdbInternalCreateStmtsTable`); SHOW CREATE prints it as `WITH (schema_locked = true)`
    /// (logic test `schema_locked` at 82f797ac, lines 1-10).
    #[serde(default)]
    pub schema_locked: bool,
    /// The table's CREATE statement as SHOW CREATE TABLE prints it
    /// (`crdb_internal.create_statements.create_statement`, same row as `schema_locked`):
    /// its `WITH (...)` holds the row-level TTL's storage parameters (`GetStorageParams` of
    /// pkg/sql/catalog/tabledesc/structured.go at 6cf5b12a079abcb3766f93d2eeceb00c4ccbb799:
    /// `ttl = 'on'`, `ttl_expire_after = '90 days':::INTERVAL`, `ttl_expiration_expression =
    /// '...'`, `ttl_job_cron = '@daily'`, the batch sizes and rate limits as integers,
    /// `ttl_pause = true` ... each only when set), and its `FAMILY name (cols)` lines the
    /// column families.
    #[serde(default)]
    pub create_statement: Option<String>,
    /// `crdb_internal.tables.schema_name` (`pkg/sql/crdb_internal.go`,
    /// `crdbInternalTablesTable`: `schema_name STRING NOT NULL`); `None` (rows written before
    /// bmdb read other schemas) is public. The same holds for every `schema` field below.
    #[serde(default)]
    pub schema: Option<String>,
}

/// `information_schema.columns` (CockroachDB's extra `crdb_sql_type` and `is_hidden`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRow {
    pub table_name: String,
    pub column_name: String,
    pub crdb_sql_type: String,
    /// `YES` | `NO`
    pub is_nullable: String,
    pub column_default: Option<String>,
    /// `YES` | `NO`
    pub is_hidden: String,
    pub generation_expression: Option<String>,
    pub comment: Option<String>,
    /// `YES` | `NO`, and for an identity column `ALWAYS` | `BY DEFAULT` and its sequence's
    /// start, increment, maximum and minimum as text: the SQL-standard columns of
    /// `information_schema.columns` (cockroachdb/cockroach pkg/sql/vtable/information_schema.go
    /// at 0576a992d7a4cc4665da35a8bfc19728a68bc354, `InformationSchemaColumns`: IS_IDENTITY,
    /// IDENTITY_GENERATION, IDENTITY_START, IDENTITY_INCREMENT, IDENTITY_MAXIMUM,
    /// IDENTITY_MINIMUM, all STRING).
    #[serde(default)]
    pub is_identity: Option<String>,
    #[serde(default)]
    pub identity_generation: Option<String>,
    #[serde(default)]
    pub identity_start: Option<String>,
    #[serde(default)]
    pub identity_increment: Option<String>,
    #[serde(default)]
    pub identity_maximum: Option<String>,
    #[serde(default)]
    pub identity_minimum: Option<String>,
    /// `pg_catalog.pg_attribute.attgenerated` of the column: `s` for a STORED computed
    /// column, `v` for a VIRTUAL one, empty otherwise (cockroachdb/cockroach
    /// pkg/sql/pg_catalog.go at 68e2d7e44a79a1e5fbd50aced79fa1521085db7a,
    /// `pgCatalogAttributeTable`: "Sets the attgenerated column to 's' if the column is
    /// generated/computed stored, "v" if virtual, zero byte otherwise"); the expression is
    /// `generation_expression`.
    #[serde(default)]
    pub attgenerated: Option<String>,
    /// `information_schema.columns.table_schema`.
    #[serde(default)]
    pub table_schema: Option<String>,
}

/// `information_schema.statistics`: one row per index column, in `seq_in_index` order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexColumnRow {
    pub table_name: String,
    pub index_name: String,
    /// `YES` | `NO`
    pub non_unique: String,
    pub seq_in_index: i64,
    pub column_name: String,
    /// `ASC` | `DESC` | `N/A` (stored columns)
    pub direction: String,
    /// `YES` | `NO`
    pub storing: String,
    /// `YES` | `NO`: added by CockroachDB (key suffix, region prefix, shard column).
    pub implicit: String,
    /// `information_schema.statistics.table_schema`.
    #[serde(default)]
    pub table_schema: Option<String>,
}

/// `crdb_internal.table_indexes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRow {
    pub descriptor_name: String,
    pub index_name: String,
    /// `primary` | `secondary`
    pub index_type: String,
    pub is_unique: bool,
    pub is_inverted: bool,
    pub is_sharded: bool,
    pub shard_bucket_count: Option<i64>,
    pub create_statement: String,
    /// `COMMENT ON INDEX`: `pg_description` joined through `pg_indexes.oid`. CockroachDB
    /// lists an index comment there with `objoid` the index's oid and `classoid` pg_class
    /// (cockroachdb/cockroach pkg/sql/pg_catalog.go at
    /// 000e3782b6432d3d30135ebc90584e644e23dc08, `pgCatalogDescriptionTable`, case
    /// `IndexCommentType`: `makeOidHasher().IndexOid(table id, index id)`), the oid
    /// `pgCatalogIndexesTable` gives the index (same file, `h.IndexOid(table.GetID(),
    /// index.GetID()) // oid`).
    #[serde(default)]
    pub comment: Option<String>,
    /// The table's `crdb_internal.tables.schema_name` (joined on `descriptor_id`).
    #[serde(default)]
    pub schema: Option<String>,
}

/// `pg_catalog.pg_constraint` with `pg_get_constraintdef`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstraintRow {
    pub table_name: String,
    pub constraint_name: String,
    /// `p` | `u` | `f` | `c`
    pub constraint_type: String,
    pub definition: String,
    /// `COMMENT ON CONSTRAINT`: `obj_description(k.oid, 'pg_constraint')`. CockroachDB lists
    /// a constraint comment in `pg_description` with `classoid` pg_constraint and `objoid`
    /// the constraint's `pg_constraint.oid` (pkg/sql/pg_catalog.go at
    /// 000e3782b6432d3d30135ebc90584e644e23dc08, `pgCatalogDescriptionTable`, case
    /// `ConstraintCommentType`, and `getOIDFromConstraint`: check, foreign key and unique
    /// constraints hashed as pg_constraint hashes them); the two-argument
    /// `obj_description` is a builtin there (pkg/sql/sem/builtins/pg_builtins.go).
    #[serde(default)]
    pub comment: Option<String>,
    /// The table's `pg_namespace.nspname`.
    #[serde(default)]
    pub schema: Option<String>,
    /// A foreign key's referenced table's `pg_namespace.nspname` (through
    /// `pg_constraint.confrelid`, which CockroachDB fills with the referenced table's OID:
    /// `pkg/sql/pg_catalog.go`, `pgCatalogConstraintTable`); without it the schema written in
    /// the definition's `REFERENCES` (`public.a`) is taken.
    #[serde(default)]
    pub ref_schema: Option<String>,
}

/// `crdb_internal.zones`: the fields set on each zone (`raw_config_sql`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRow {
    pub target: String,
    pub range_name: Option<String>,
    pub database_name: Option<String>,
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub partition_name: Option<String>,
    pub raw_config_sql: Option<String>,
    /// The zone's table's `crdb_internal.tables.schema_name`, looked up by `zone_id` (a
    /// table's zone, and its indexes' subzones, have the table's descriptor ID as their zone
    /// ID: `crdbInternalZonesTable`, `zone_id INT NOT NULL`).
    #[serde(default)]
    pub schema_name: Option<String>,
}

/// Every row `from_rows` needs, each field the result of one query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CockroachCatalogRows {
    /// `SELECT current_database()`
    pub database: String,
    /// The current database's schemas other than public and the server's own
    /// (`information_schema.schemata`: `catalog_name`, `schema_name`; CockroachDB lists
    /// crdb_internal, information_schema, pg_catalog, pg_extension and public in every
    /// database, and `pg_temp_*` temporary schemas).
    #[serde(default)]
    pub schemas: Vec<String>,
    pub databases: Vec<DatabaseRow>,
    #[serde(default)]
    pub super_regions: Vec<SuperRegionRow>,
    pub tables: Vec<TableRow>,
    pub columns: Vec<ColumnRow>,
    pub index_columns: Vec<IndexColumnRow>,
    pub indexes: Vec<IndexRow>,
    pub constraints: Vec<ConstraintRow>,
    #[serde(default)]
    pub zones: Vec<ZoneRow>,
    /// The region enum descriptor's `zoneConfigExtensions` as JSON (`pb_to_json`); `None`
    /// when there are none or they could not be read.
    #[serde(default)]
    pub zone_extensions: Option<String>,
    /// The server's release (from `version()` at connect time, not a catalog query): the
    /// placement rules the multi-region machinery wrote the zones by.
    #[serde(default)]
    pub server_version: Option<CrdbVersion>,
    /// `None` when the roles could not be read (the user may not read `system.users`).
    #[serde(default)]
    pub roles: Option<Vec<RoleRow>>,
    /// Read with the roles (`None` when they were not).
    #[serde(default)]
    pub grants: Option<Vec<GrantRow>>,
    #[serde(default)]
    pub default_privileges: Option<Vec<DefaultPrivilegeRow>>,
    #[serde(default)]
    pub role_settings: Option<Vec<RoleSettingRow>>,
    /// The public schema's enum types, `crdb_internal_region` included (it is left out when
    /// folded: the database's own).
    #[serde(default)]
    pub enums: Vec<EnumRow>,
    /// `None` when the backup schedules could not be read (SHOW SCHEDULES needs the admin
    /// role or the schedules' owner).
    #[serde(default)]
    pub backup_schedules: Option<Vec<BackupScheduleRow>>,
    /// The public schema's views and materialized views.
    #[serde(default)]
    pub views: Vec<ViewRow>,
    /// The public schema's sequences.
    #[serde(default)]
    pub sequences: Vec<SequenceRow>,
    /// Which column owns which sequence; `None` when they could not be read (they come from
    /// the sequence descriptors in system.descriptor, which needs the admin role).
    #[serde(default)]
    pub sequence_owners: Option<Vec<SequenceOwnerRow>>,
}

/// One sequence from `pg_catalog.pg_sequences` (schemaname, sequencename, sequenceowner,
/// data_type, start_value, min_value, max_value, increment_by, cycle, cache_size,
/// last_value), filled from the descriptor's `SequenceOpts` (`Start`, `MinValue`, `MaxValue`,
/// `Increment`, `CacheSize`; `cycle` always false: CockroachDB has no CYCLE; cockroachdb/
/// cockroach pkg/sql/pg_catalog.go, pgCatalogSequencesTable). Sequences are listed in
/// crdb_internal.tables too: they are sequences, not tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceRow {
    pub name: String,
    /// `pg_sequences.schemaname`.
    #[serde(default)]
    pub schema: Option<String>,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    /// `information_schema.sequences.data_type`: `INT2`, `INT4` or `INT8` from the
    /// descriptor's `SequenceOpts.AsIntegerType` in recent releases (pkg/sql/
    /// information_schema.go, `informationSchemaSequences`: "integer type, one of [\"INT2\",
    /// \"INT4\", \"INT8\"]"); older ones write the constant `bigint` (same file at
    /// fcd293e52a229222a429dae2400d089268259c46), so a smaller type reads as bigint there.
    #[serde(default)]
    pub data_type: Option<String>,
}

/// `OWNED BY`: the sequence descriptor's `SequenceOpts.SequenceOwner` (`OwnerTableID`,
/// `OwnerColumnID`; pkg/sql/catalog/descpb/structured.proto, read with `pb_to_json`, whose
/// JSON names are `sequenceOpts`, `sequenceOwner`, `ownerTableId`, `ownerColumnId`) named
/// through crdb_internal.tables and crdb_internal.table_columns. Neither SHOW CREATE SEQUENCE
/// (pkg/sql/show_create.go, ShowCreateSequence: AS, MINVALUE, MAXVALUE, INCREMENT, START,
/// VIRTUAL, CACHE / PER NODE CACHE) nor pg_sequences shows the owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOwnerRow {
    pub sequence: String,
    pub table: String,
    pub column: String,
    /// The sequence's and the owning table's `crdb_internal.tables.schema_name`.
    #[serde(default)]
    pub sequence_schema: Option<String>,
    #[serde(default)]
    pub table_schema: Option<String>,
}

/// One view from `pg_catalog.pg_views` (plain views: `desc.IsView() &&
/// !desc.MaterializedView()`) or `pg_catalog.pg_matviews` (`desc.MaterializedView()`), the
/// `definition` being the descriptor's view query as CockroachDB stored it, its table names
/// fully qualified (`game.public.players`) and without column aliases given outside the
/// query (cockroachdb/cockroach pkg/sql/pg_catalog.go, pgCatalogViewsTable and
/// pgCatalogMatViewsTable; pkg/sql/create_view.go, createViewNode.viewQuery). Compared with
/// the model through `crate::sql::query_fingerprint`, which drops the qualifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewRow {
    pub name: String,
    /// `pg_views.schemaname` / `pg_matviews.schemaname`.
    #[serde(default)]
    pub schema: Option<String>,
    pub materialized: bool,
    pub definition: String,
}

/// One privilege in the shape of `SHOW GRANTS` without a target (the union of
/// crdb_internal.cluster_database_privileges and information_schema.schema_privileges,
/// table_privileges and type_privileges, cockroachdb/cockroach pkg/sql/delegate/show_grants.go
/// at 0116efa2), with the object's kind (`database`, `schema`, `table`, `sequence`, `type`)
/// and its owner beside it. The server lists `admin` and `root` (ALL) on every object and
/// the creator's ALL (logic test alter_default_privileges_in_schema at 0267c956): built-in
/// roles and the owner are not grants bmdb manages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRow {
    pub object_type: String,
    /// `None` for the database.
    pub object_name: Option<String>,
    pub grantee: String,
    pub privilege_type: String,
    pub owner: Option<String>,
    /// `is_grantable` (WITH GRANT OPTION): a column of each source since v22.1 (SHOW
    /// GRANTS's `is_grantable`, cockroachdb/docs v22.1/show-grants.md; `IS_GRANTABLE STRING`
    /// `YES`/`NO` in pkg/sql/vtable/information_schema.go's schema_privileges,
    /// table_privileges and type_privileges at 0576a992), read as a boolean.
    #[serde(default)]
    pub is_grantable: bool,
}

/// One row of `crdb_internal.default_privileges` (database_name, schema_name, role,
/// for_all_roles, object_type, grantee, privilege_type, is_grantable; logic test
/// alter_default_privileges_in_schema at 0267c956), for the current database.
/// `schema_name` NULL is a database-wide default (not modelled); `role` NULL with
/// `for_all_roles` is FOR ALL ROLES (not modelled); the server's own rows — the creator's
/// ALL, public's USAGE on types and EXECUTE on routines — are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultPrivilegeRow {
    pub schema_name: Option<String>,
    pub role: Option<String>,
    pub for_all_roles: bool,
    pub object_type: String,
    pub grantee: String,
    pub privilege_type: String,
}

/// One row of `pg_catalog.pg_db_role_setting` joined to `pg_database` and `pg_roles`, as
/// CockroachDB serves it from system.database_role_settings (logic test alter_role_set at
/// 06de3256): `datname` NULL is every database, `rolname` NULL is ALTER ROLE ALL (not
/// modelled), `setconfig` is `{name=value, ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSettingRow {
    pub datname: Option<String>,
    pub rolname: Option<String>,
    pub setconfig: Vec<String>,
}

/// The rows above in the one shape both readers fold (`catalog::privileges`).
pub fn privilege_rows(
    grants: &[GrantRow],
    defaults: &[DefaultPrivilegeRow],
    settings: &[RoleSettingRow],
) -> Vec<super::privileges::PrivilegeRow> {
    use super::privileges::PrivilegeRow;
    let mut out = Vec::new();
    for g in grants {
        if g.owner.as_deref() == Some(g.grantee.as_str()) {
            continue;
        }
        out.push(PrivilegeRow {
            role: g.grantee.clone(),
            kind: g.object_type.clone(),
            name: g.object_name.clone(),
            detail: None,
            privilege: g.privilege_type.clone(),
            grantable: g.is_grantable,
            schema: None,
        });
    }
    for d in defaults {
        let (Some(schema), Some(role)) = (&d.schema_name, &d.role) else {
            continue;
        };
        // a schema the model cannot hold is named with the schema itself
        if d.for_all_roles || !super::schema_managed(schema) {
            continue;
        }
        out.push(PrivilegeRow {
            role: d.grantee.clone(),
            kind: "default".into(),
            name: Some(d.object_type.clone()),
            detail: Some(role.clone()),
            privilege: d.privilege_type.clone(),
            grantable: false,
            schema: Some(schema.clone()),
        });
    }
    for s in settings {
        let Some(role) = &s.rolname else {
            continue;
        };
        for cfg in &s.setconfig {
            out.push(PrivilegeRow {
                role: role.clone(),
                kind: "setting".into(),
                name: s.datname.clone(),
                detail: Some(cfg.clone()),
                privilege: String::new(),
                grantable: false,
                schema: None,
            });
        }
    }
    out
}

/// One row of `SHOW SCHEDULES FOR BACKUP` (cockroachdb/cockroach pkg/sql/delegate/
/// show_schedules.go: `label` is schedule_name, `recurrence` the cron (`NEVER` when none),
/// `on_previous_running`/`on_execution_failure` the ScheduleDetails enum names `WAIT`,
/// `NO_WAIT`, `SKIP` / `RETRY_SCHED`, `RETRY_SOON`, `PAUSE_SCHED`, `command` the backup
/// statement, `backup_type` `FULL` or `INCREMENTAL`). A schedule with incrementals is two rows
/// of one label: the FULL row's recurrence is the FULL BACKUP cadence, the INCREMENTAL row's
/// the RECURRING one; a FULL BACKUP ALWAYS schedule is one FULL row. Shapes as
/// pkg/backup/testdata/backup-restore/alter-schedule/{backup-options,schedule-options} show
/// them, e.g. `BACKUP INTO 'nodelocal://1/example-schedule' WITH OPTIONS (revision_history =
/// true, detached)` and `BACKUP INTO LATEST IN '...' WITH OPTIONS (...)` (docs/backups.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupScheduleRow {
    pub label: String,
    pub backup_type: String,
    pub recurrence: String,
    pub command: String,
    pub on_execution_failure: String,
    pub on_previous_running: String,
}

/// One enum type from `pg_catalog.pg_type` (`typtype = 'e'`) with its labels from
/// `pg_catalog.pg_enum` in `enumsortorder`. CockroachDB fills pg_enum with one row per
/// member of every enum and multi-region enum type descriptor, `enumsortorder` being the
/// member's position (cockroachdb/cockroach pkg/sql/pg_catalog.go, pgCatalogEnumTable);
/// `SHOW ENUMS` gives the same as `schema | name | values | owner`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumRow {
    pub name: String,
    pub values: Vec<String>,
    /// `pg_namespace.nspname` of the type.
    #[serde(default)]
    pub schema: Option<String>,
}

/// One role from `system.users` with its `system.role_options` rows and its memberships
/// (`system.role_members`). CockroachDB stores an option that is on as a row named by its
/// keyword, LOGIN as the absence of a `NOLOGIN` row, and `VALID UNTIL` as a row with the
/// timestamp in `value` (cockroachdb/cockroach pkg/sql/roleoption/role_option.go, toSQLStmts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub username: String,
    /// The `option` column of the role's rows, `VALID UNTIL` aside.
    pub options: Vec<String>,
    /// `VALID UNTIL`'s value in UTC, `2027-01-31 00:00:00`.
    pub valid_until: Option<String>,
    pub member_of: Vec<String>,
    /// The user bmdb is connected as (`Role::connected`).
    #[serde(default)]
    pub connected: bool,
}

/// The schemas whose objects bmdb reads, for a column `$col` holding a schema's name: every
/// one but those CockroachDB puts in each database (crdb_internal, information_schema,
/// pg_catalog, pg_extension: `pkg/sql/catalog/catconstants`, the virtual schemas) and the
/// temporary `pg_temp_*` ones. Which of them the model can hold (a lower-case word) is decided
/// in Rust (`catalog::live_key`), so the rest are named.
macro_rules! user_schema {
    ($col:literal) => {
        concat!(
            $col,
            " NOT IN ('crdb_internal', 'information_schema', 'pg_catalog', 'pg_extension') AND ",
            $col,
            " NOT LIKE 'pg_temp%'"
        )
    };
}

/// The queries `read_cockroach` sends, in order; their count never grows with the schema.
pub const QUERIES: [(&str, &str); 19] = [
    (
        "database",
        concat!(
            "SELECT current_database(), ARRAY(SELECT schema_name FROM information_schema.schemata \
             WHERE catalog_name = current_database() AND schema_name <> 'public' AND ",
            user_schema!("schema_name"),
            " ORDER BY 1)"
        ),
    ),
    (
        "databases",
        "SELECT name, primary_region, secondary_region, regions, survival_goal, placement_policy \
         FROM crdb_internal.databases WHERE name = current_database()",
    ),
    (
        "super_regions",
        "SELECT super_region_name, regions FROM crdb_internal.super_regions \
         WHERE database_name = current_database() ORDER BY super_region_name",
    ),
    (
        "tables",
        concat!(
            "SELECT t.name, t.locality, obj_description(t.table_id::OID), \
             COALESCE((SELECT s.create_statement LIKE '%schema_locked = true%' \
             FROM crdb_internal.create_statements s WHERE s.descriptor_id = t.table_id), false), \
             (SELECT s.create_statement FROM crdb_internal.create_statements s \
             WHERE s.descriptor_id = t.table_id), t.schema_name \
             FROM crdb_internal.tables t WHERE t.database_name = current_database() AND ",
            user_schema!("t.schema_name"),
            " AND t.drop_time IS NULL AND t.state = 'PUBLIC' \
             AND NOT (t.schema_name = 'public' \
             AND t.name IN ('bmdb_schema_history', 'bmdb_lock', 'bmdb_relock')) \
             ORDER BY t.schema_name, t.name"
        ),
    ),
    (
        "columns",
        concat!(
            "SELECT c.table_name, c.column_name, c.crdb_sql_type, c.is_nullable, c.column_default, \
             c.is_hidden, c.generation_expression, \
             col_description(format('%I.%I', c.table_schema, c.table_name)::REGCLASS::OID, c.ordinal_position::INT), \
             c.is_identity, c.identity_generation, c.identity_start, c.identity_increment, \
             c.identity_maximum, c.identity_minimum, \
             (SELECT a.attgenerated FROM pg_catalog.pg_attribute a \
              WHERE a.attrelid = format('%I.%I', c.table_schema, c.table_name)::REGCLASS::OID \
              AND a.attname = c.column_name), c.table_schema \
             FROM information_schema.columns c WHERE ",
            user_schema!("c.table_schema"),
            " ORDER BY c.table_schema, c.table_name, c.ordinal_position"
        ),
    ),
    (
        "index_columns",
        concat!(
            "SELECT table_name, index_name, non_unique, seq_in_index, column_name, direction, storing, \
             implicit, table_schema FROM information_schema.statistics WHERE ",
            user_schema!("table_schema"),
            " ORDER BY table_schema, table_name, index_name, seq_in_index"
        ),
    ),
    (
        "indexes",
        concat!(
            "SELECT i.descriptor_name, i.index_name, i.index_type, i.is_unique, i.is_inverted, i.is_sharded, \
             i.shard_bucket_count, i.create_statement, d.description, t.schema_name \
             FROM crdb_internal.table_indexes i \
             JOIN crdb_internal.tables t ON t.table_id = i.descriptor_id \
             LEFT JOIN pg_catalog.pg_indexes x ON x.schemaname = t.schema_name \
             AND x.tablename = i.descriptor_name AND x.indexname = i.index_name \
             LEFT JOIN pg_catalog.pg_description d ON d.objoid = x.oid \
             AND d.classoid = 'pg_catalog.pg_class'::REGCLASS AND d.objsubid = 0 \
             WHERE t.database_name = current_database() AND ",
            user_schema!("t.schema_name"),
            " ORDER BY t.schema_name, i.descriptor_name, i.index_name"
        ),
    ),
    (
        "constraints",
        concat!(
            "SELECT c.relname, k.conname, k.contype::STRING, pg_get_constraintdef(k.oid), \
             obj_description(k.oid, 'pg_constraint'), n.nspname, \
             (SELECT fn.nspname FROM pg_catalog.pg_class f \
              JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace WHERE f.oid = k.confrelid) \
             FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE ",
            user_schema!("n.nspname"),
            " ORDER BY n.nspname, c.relname, k.conname"
        ),
    ),
    (
        "zones",
        "SELECT z.target, z.range_name, z.database_name, z.table_name, z.index_name, z.partition_name, \
         z.raw_config_sql, (SELECT t.schema_name FROM crdb_internal.tables t WHERE t.table_id = z.zone_id) \
         FROM crdb_internal.zones z WHERE z.database_name = current_database() \
         OR (z.database_name IS NULL AND z.range_name IS NOT NULL)",
    ),
    (
        "roles",
        "SELECT u.username, \
         ARRAY(SELECT o.option FROM system.role_options o WHERE o.username = u.username \
         AND o.option != 'VALID UNTIL' ORDER BY 1), \
         (SELECT (o.value::TIMESTAMPTZ AT TIME ZONE 'UTC')::STRING FROM system.role_options o \
         WHERE o.username = u.username AND o.option = 'VALID UNTIL' AND o.value IS NOT NULL), \
         ARRAY(SELECT m.role FROM system.role_members m WHERE m.member = u.username ORDER BY 1) \
         , u.username = current_user() FROM system.users u ORDER BY 1",
    ),
    (
        "grants",
        concat!(
            "SELECT 'database', NULL::STRING, p.grantee, p.privilege_type, \
             (SELECT pg_get_userbyid(d.datdba) FROM pg_catalog.pg_database d WHERE d.datname = current_database()) \
             , (p.is_grantable::STRING IN ('YES', 'true', 't')) FROM crdb_internal.cluster_database_privileges p WHERE p.database_name = current_database() \
             UNION ALL SELECT 'schema', p.table_schema, p.grantee, p.privilege_type, \
             (SELECT pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace n WHERE n.nspname = p.table_schema), \
             (p.is_grantable::STRING IN ('YES', 'true', 't')) FROM information_schema.schema_privileges p \
             WHERE p.table_catalog = current_database() AND p.table_schema ~ '^[a-z_][a-z0-9_]*$' AND ",
            user_schema!("p.table_schema"),
            " UNION ALL SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, \
             CASE WHEN p.table_schema = 'public' THEN p.table_name ELSE p.table_schema || '.' || p.table_name END, \
             p.grantee, p.privilege_type, pg_get_userbyid(c.relowner), (p.is_grantable::STRING IN ('YES', 'true', 't')) \
             FROM information_schema.table_privileges p \
             JOIN pg_catalog.pg_namespace n ON n.nspname = p.table_schema \
             JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.table_name \
             WHERE p.table_catalog = current_database() AND p.table_schema ~ '^[a-z_][a-z0-9_]*$' AND ",
            user_schema!("p.table_schema"),
            " AND NOT (p.table_schema = 'public' \
             AND p.table_name IN ('bmdb_schema_history', 'bmdb_lock', 'bmdb_relock')) \
             UNION ALL SELECT 'type', \
             CASE WHEN p.type_schema = 'public' THEN p.type_name ELSE p.type_schema || '.' || p.type_name END, \
             p.grantee, p.privilege_type, \
             (SELECT pg_get_userbyid(t.typowner) FROM pg_catalog.pg_type t \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = p.type_schema AND t.typname = p.type_name), (p.is_grantable::STRING IN ('YES', 'true', 't')) \
             FROM information_schema.type_privileges p \
             WHERE p.type_catalog = current_database() AND p.type_schema ~ '^[a-z_][a-z0-9_]*$' AND ",
            user_schema!("p.type_schema"),
            " ORDER BY 1, 2, 3, 4"
        ),
    ),
    (
        "default_privileges",
        "SELECT schema_name, role, for_all_roles, object_type, grantee, privilege_type \
         FROM crdb_internal.default_privileges WHERE database_name = current_database() \
         ORDER BY 1, 2, 4, 5, 6",
    ),
    (
        "role_settings",
        "SELECT d.datname, r.rolname, s.setconfig FROM pg_catalog.pg_db_role_setting s \
         LEFT JOIN pg_catalog.pg_database d ON s.setdatabase = d.oid \
         LEFT JOIN pg_catalog.pg_roles r ON s.setrole = r.oid ORDER BY 1, 2",
    ),
    (
        "backup schedules",
        "WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT label::STRING, backup_type::STRING, \
         recurrence::STRING, command::STRING, on_execution_failure::STRING, \
         on_previous_running::STRING FROM s ORDER BY 1, 2",
    ),
    (
        "enums",
        concat!(
            "SELECT t.typname, ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e \
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), n.nspname \
             FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
             WHERE ",
            user_schema!("n.nspname"),
            " AND t.typtype = 'e' ORDER BY 3, 1"
        ),
    ),
    // Zone config extensions live on the region enum's type descriptor
    // (`TypeDescriptor.region_config.zone_config_extensions`), which neither SHOW ZONE
    // CONFIGURATION nor crdb_internal.zones shows: the descriptor as JSON. Needs read access
    // to system.descriptor (admin); without it they are not read, and a note says so.
    (
        "zone config extensions",
        "SELECT (crdb_internal.pb_to_json('cockroach.sql.sqlbase.Descriptor', d.descriptor, false)\
         ->'type'->'regionConfig'->'zoneConfigExtensions')::STRING \
         FROM system.descriptor d WHERE d.id = (SELECT n.id FROM system.namespace n \
         WHERE n.name = 'crdb_internal_region' AND n.\"parentID\" = (SELECT id FROM system.namespace \
         WHERE name = current_database() AND \"parentID\" = 0))",
    ),
    (
        "views",
        concat!(
            "SELECT viewname::STRING, false, definition::STRING, schemaname::STRING \
             FROM pg_catalog.pg_views WHERE ",
            user_schema!("schemaname"),
            " UNION ALL SELECT matviewname::STRING, true, definition::STRING, schemaname::STRING \
             FROM pg_catalog.pg_matviews WHERE ",
            user_schema!("schemaname"),
            " ORDER BY 4, 1"
        ),
    ),
    (
        "sequences",
        concat!(
            "SELECT p.sequencename::STRING, p.start_value, p.increment_by, p.min_value, p.max_value, \
             p.cache_size, i.data_type::STRING, p.schemaname::STRING FROM pg_catalog.pg_sequences p \
             LEFT JOIN information_schema.sequences i ON i.sequence_schema = p.schemaname \
             AND i.sequence_name = p.sequencename WHERE ",
            user_schema!("p.schemaname"),
            " ORDER BY 8, 1"
        ),
    ),
    // The owner lives on the sequence's descriptor only: read as JSON (admin); without
    // access the owners are not read, and a note says so.
    (
        "sequence owners",
        concat!(
            "SELECT q.name, o.name, c.column_name, q.schema_name, o.schema_name FROM (SELECT t.name, \
             t.schema_name, \
             crdb_internal.pb_to_json('cockroach.sql.sqlbase.Descriptor', d.descriptor, false)\
             ->'table'->'sequenceOpts'->'sequenceOwner' AS own \
             FROM crdb_internal.tables t JOIN system.descriptor d ON d.id = t.table_id \
             WHERE t.database_name = current_database() AND ",
            user_schema!("t.schema_name"),
            " AND t.drop_time IS NULL) q \
             JOIN crdb_internal.tables o ON o.table_id = (q.own->>'ownerTableId')::INT \
             JOIN crdb_internal.table_columns c ON c.descriptor_id = o.table_id \
             AND c.column_id = (q.own->>'ownerColumnId')::INT ORDER BY 4, 1"
        ),
    ),
];

/// `Database::unread` when the sequence descriptors could not be read (their owners live
/// there only).
pub const SEQUENCE_OWNERS: &str = "sequence owners";

/// Runs [`QUERIES`] and folds the rows with [`from_rows`].
pub fn read_cockroach(
    client: &mut postgres::Client,
    server_version: Option<CrdbVersion>,
) -> Result<(Model, CatalogStats)> {
    let mut stats = CatalogStats::default();
    let mut run = |i: usize| -> Result<Vec<postgres::Row>> {
        let (what, sql) = QUERIES[i];
        stats.queries += 1;
        client
            .query(sql, &[])
            .with_context(|| format!("reading the CockroachDB catalog ({what})"))
    };
    // every cell read fallibly: a NULL or a type from a newer server is an error naming
    // the catalog query, the column and the row's table
    let source = |i: usize| format!("the CockroachDB catalog ({})", QUERIES[i].0);
    let database_rows = run(0)?;
    let database_row = database_rows
        .first()
        .ok_or_else(|| anyhow::anyhow!("{}: no row", source(0)))?;
    let mut rows = CockroachCatalogRows {
        database: Cells::new(database_row, &source(0)).get(0)?,
        schemas: Cells::new(database_row, &source(0))
            .get::<Option<Vec<String>>>(1)?
            .unwrap_or_default(),
        server_version,
        ..Default::default()
    };
    let (src, fetched) = (source(1), run(1)?);
    rows.databases = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(DatabaseRow {
                name: c.get(0)?,
                primary_region: c.get(1)?,
                secondary_region: c.get(2)?,
                regions: c.get::<Option<Vec<String>>>(3)?.unwrap_or_default(),
                survival_goal: c.get(4)?,
                placement_policy: c.get(5)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(2), run(2)?);
    rows.super_regions = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(SuperRegionRow {
                super_region_name: c.get(0)?,
                regions: c.get(1)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(3), run(3)?);
    rows.tables = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(TableRow {
                name: c.get(0)?,
                locality: c.get(1)?,
                comment: c.get(2)?,
                schema_locked: c.get(3)?,
                create_statement: c.get(4)?,
                schema: c.get(5)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(4), run(4)?);
    rows.columns = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(ColumnRow {
                table_name: c.get(0)?,
                column_name: c.get(1)?,
                crdb_sql_type: c.get(2)?,
                is_nullable: c.get(3)?,
                column_default: c.get(4)?,
                is_hidden: c.get(5)?,
                generation_expression: c.get(6)?,
                comment: c.get(7)?,
                is_identity: c.get(8)?,
                identity_generation: c.get(9)?,
                identity_start: c.get(10)?,
                identity_increment: c.get(11)?,
                identity_maximum: c.get(12)?,
                identity_minimum: c.get(13)?,
                attgenerated: c.get(14)?,
                table_schema: c.get(15)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(5), run(5)?);
    rows.index_columns = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(IndexColumnRow {
                table_name: c.get(0)?,
                index_name: c.get(1)?,
                non_unique: c.get(2)?,
                seq_in_index: c.get(3)?,
                column_name: c.get(4)?,
                direction: c.get(5)?,
                storing: c.get(6)?,
                implicit: c.get(7)?,
                table_schema: c.get(8)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(6), run(6)?);
    rows.indexes = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(IndexRow {
                descriptor_name: c.get(0)?,
                index_name: c.get(1)?,
                index_type: c.get(2)?,
                is_unique: c.get(3)?,
                is_inverted: c.get(4)?,
                is_sharded: c.get(5)?,
                shard_bucket_count: c.get(6)?,
                create_statement: c.get(7)?,
                comment: c.get(8)?,
                schema: c.get(9)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(7), run(7)?);
    rows.constraints = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(ConstraintRow {
                table_name: c.get(0)?,
                constraint_name: c.get(1)?,
                constraint_type: c.get(2)?,
                definition: c.get(3)?,
                comment: c.get(4)?,
                schema: c.get(5)?,
                ref_schema: c.get(6)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(8), run(8)?);
    rows.zones = fetched
        .iter()
        .map(|r| {
            let c = Cells::new(r, &src);
            Ok(ZoneRow {
                target: c.get(0)?,
                range_name: c.get(1)?,
                database_name: c.get(2)?,
                table_name: c.get(3)?,
                index_name: c.get(4)?,
                partition_name: c.get(5)?,
                raw_config_sql: c.get(6)?,
                schema_name: c.get(7)?,
            })
        })
        .collect::<Result<_>>()?;
    // the roles need read access to system.users: without it they are not read (a project
    // without roles.yaml never compares them), and the note says so
    let src = source(9);
    let mut roles_note = None;
    rows.roles = match run(9) {
        Ok(fetched) => Some(
            fetched
                .iter()
                .map(|r| {
                    let c = Cells::new(r, &src);
                    let username: String = c.get(0)?;
                    let c = c.of(username.clone());
                    Ok(RoleRow {
                        username,
                        options: c.get(1)?,
                        valid_until: c.get(2)?,
                        member_of: c.get(3)?,
                        connected: c.get(4)?,
                    })
                })
                .collect::<Result<_>>()?,
        ),
        Err(e) => {
            roles_note = Some(format!("roles: not read ({e:#})"));
            None
        }
    };
    // grants, default privileges and session defaults with the roles they belong to
    if rows.roles.is_some() {
        let read = |i: usize, run: &mut dyn FnMut(usize) -> Result<Vec<postgres::Row>>| {
            run(i).map(|fetched| (source(i), fetched))
        };
        match read(10, &mut run).and_then(|(src, fetched)| {
            fetched
                .iter()
                .map(|r| {
                    let c = Cells::new(r, &src);
                    Ok(GrantRow {
                        object_type: c.get(0)?,
                        object_name: c.get(1)?,
                        grantee: c.get(2)?,
                        privilege_type: c.get(3)?,
                        owner: c.get(4)?,
                        is_grantable: c.get(5)?,
                    })
                })
                .collect::<Result<Vec<_>>>()
        }) {
            Ok(g) => rows.grants = Some(g),
            Err(e) => roles_note = Some(format!("grants: not read ({e:#})")),
        }
        match read(11, &mut run).and_then(|(src, fetched)| {
            fetched
                .iter()
                .map(|r| {
                    let c = Cells::new(r, &src);
                    Ok(DefaultPrivilegeRow {
                        schema_name: c.get(0)?,
                        role: c.get(1)?,
                        for_all_roles: c.get(2)?,
                        object_type: c.get(3)?,
                        grantee: c.get(4)?,
                        privilege_type: c.get(5)?,
                    })
                })
                .collect::<Result<Vec<_>>>()
        }) {
            Ok(g) => rows.default_privileges = Some(g),
            Err(e) => roles_note = Some(format!("default privileges: not read ({e:#})")),
        }
        match read(12, &mut run).and_then(|(src, fetched)| {
            fetched
                .iter()
                .map(|r| {
                    let c = Cells::new(r, &src);
                    Ok(RoleSettingRow {
                        datname: c.get(0)?,
                        rolname: c.get(1)?,
                        setconfig: c.get::<Option<Vec<String>>>(2)?.unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>>>()
        }) {
            Ok(g) => rows.role_settings = Some(g),
            Err(e) => roles_note = Some(format!("role session defaults: not read ({e:#})")),
        }
    }
    // SHOW SCHEDULES needs the admin role (or owning the schedules): without it the
    // schedules are not read (a project without backups.yaml never compares them)
    let src = source(13);
    let mut schedules_note = None;
    rows.backup_schedules = match run(13) {
        Ok(fetched) => Some(
            fetched
                .iter()
                .map(|r| {
                    let c = Cells::new(r, &src);
                    let label: String = c.get(0)?;
                    let c = c.of(label.clone());
                    Ok(BackupScheduleRow {
                        label,
                        backup_type: c.get(1)?,
                        recurrence: c.get(2)?,
                        command: c.get(3)?,
                        on_execution_failure: c.get(4)?,
                        on_previous_running: c.get(5)?,
                    })
                })
                .collect::<Result<_>>()?,
        ),
        Err(e) => {
            schedules_note = Some(format!("backup schedules: not read ({e:#})"));
            None
        }
    };
    let (src, fetched) = (source(14), run(14)?);
    rows.enums = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(EnumRow {
                name: c.get(0)?,
                values: c.get(1)?,
                schema: c.get(2)?,
            })
        })
        .collect::<Result<_>>()?;
    let src = source(15);
    let mut extensions_note = None;
    match run(15) {
        Ok(fetched) => {
            rows.zone_extensions = fetched
                .iter()
                .map(|r| Cells::new(r, &src).get::<Option<String>>(0))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .next();
        }
        Err(e) => extensions_note = Some(format!("zone config extensions: not read ({e:#})")),
    }
    let (src, fetched) = (source(16), run(16)?);
    rows.views = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(ViewRow {
                name: c.get(0)?,
                materialized: c.get(1)?,
                definition: c.get(2)?,
                schema: c.get(3)?,
            })
        })
        .collect::<Result<_>>()?;
    let (src, fetched) = (source(17), run(17)?);
    rows.sequences = fetched
        .iter()
        .map(|r| {
            let c = Cells::about_first(r, &src)?;
            Ok(SequenceRow {
                name: c.get(0)?,
                start: c.get(1)?,
                increment: c.get(2)?,
                min_value: c.get(3)?,
                max_value: c.get(4)?,
                cache: c.get(5)?,
                data_type: c.get(6)?,
                schema: c.get(7)?,
            })
        })
        .collect::<Result<_>>()?;
    let src = source(18);
    let mut owners_note = None;
    match run(18) {
        Ok(fetched) => {
            rows.sequence_owners = Some(
                fetched
                    .iter()
                    .map(|r| {
                        let c = Cells::about_first(r, &src)?;
                        Ok(SequenceOwnerRow {
                            sequence: c.get(0)?,
                            table: c.get(1)?,
                            column: c.get(2)?,
                            sequence_schema: c.get(3)?,
                            table_schema: c.get(4)?,
                        })
                    })
                    .collect::<Result<_>>()?,
            )
        }
        Err(e) => {
            owners_note = Some(format!(
                "{SEQUENCE_OWNERS}: not read, so not compared: no owner change is planned \
                 (reading system.descriptor needs the admin role: {e:#})"
            ))
        }
    }
    let (model, mut skipped) = from_rows_with_notes(&rows)?;
    skipped.extend(owners_note);
    skipped.extend(roles_note);
    skipped.extend(extensions_note);
    skipped.extend(schedules_note);
    stats.skipped = skipped;
    stats.schema_locked = schema_locked_tables(&rows);
    Ok((model, stats))
}

/// The roles bmdb may manage, from [`RoleRow`]s: built-in roles and memberships in them
/// left out; LOGIN is the absence of `NOLOGIN`; option rows bmdb does not model
/// (`NOSQLLOGIN`, `REPLICATION` ...) are ignored.
pub fn read_roles(rows: &[RoleRow]) -> BTreeMap<String, Role> {
    use crate::model::roles::{is_builtin_role, normalise_valid_until, ROLE_OPTIONS};
    let mut out = BTreeMap::new();
    for r in rows.iter().filter(|r| !is_builtin_role(&r.username)) {
        let has = |k: &str| r.options.iter().any(|o| o.eq_ignore_ascii_case(k));
        let mut options: Vec<String> = ROLE_OPTIONS
            .iter()
            .filter(|o| {
                if o.key == "login" {
                    !has("NOLOGIN")
                } else {
                    has(o.keyword)
                }
            })
            .map(|o| o.key.to_string())
            .collect();
        options.sort();
        let valid_until = r
            .valid_until
            .as_deref()
            .map(|v| normalise_valid_until(v).unwrap_or_else(|| v.to_string()));
        out.insert(
            r.username.clone(),
            Role {
                name: r.username.clone(),
                options,
                valid_until,
                member_of: r
                    .member_of
                    .iter()
                    .filter(|m| !is_builtin_role(m))
                    .cloned()
                    .collect(),
                connected: r.connected,
                ..Role::default()
            },
        );
    }
    out
}

/// `'it''s'` at the start of `s` -> (`it's`, the rest).
fn sql_string_prefix(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if let Some((_, '\'')) = chars.peek() {
                out.push('\'');
                chars.next();
                continue;
            }
            return Some((out, &rest[i + 1..]));
        }
        out.push(c);
    }
    None
}

/// What a scheduled backup statement (SHOW SCHEDULES' `command`) backs up and where:
/// (targets, `DATABASE` names, destination, revision_history).
fn parse_backup_command(command: &str) -> Option<(BackupTargets, Vec<String>, String, bool)> {
    let rest = command.trim().strip_prefix("BACKUP ")?;
    let (targets, names, rest) = if let Some(r) = rest.strip_prefix("INTO ") {
        (BackupTargets::Cluster, Vec::new(), r)
    } else {
        let (what, r) = rest.split_once(" INTO ")?;
        let names = what
            .strip_prefix("DATABASE ")
            .map(|n| {
                n.split(',')
                    .map(|d| d.trim().trim_matches('"').replace("\"\"", "\""))
                    .collect()
            })
            .unwrap_or_else(|| vec![what.to_string()]);
        (BackupTargets::Database, names, r)
    };
    let rest = rest.strip_prefix("LATEST IN ").unwrap_or(rest);
    let (into, options) = sql_string_prefix(rest)?;
    let revision_history = options.contains("revision_history = true");
    Some((targets, names, into, revision_history))
}

/// The backup schedules, one per label, from [`BackupScheduleRow`]s: the FULL row gives the
/// destination, the options and (with an INCREMENTAL row) the FULL BACKUP cadence; the
/// incremental schedule always waits (create_scheduled_backup.go forces
/// `on_previous_running = wait` on it), so the options come from the FULL row.
pub fn read_backup_schedules(
    rows: &[BackupScheduleRow],
    database: &str,
    notes: &mut Vec<String>,
) -> BTreeMap<String, BackupSchedule> {
    use crate::model::backups::{on_execution_failure_of, on_previous_running_of};
    let mut by_label: BTreeMap<&str, (Option<&BackupScheduleRow>, Option<&BackupScheduleRow>)> =
        BTreeMap::new();
    for r in rows {
        let e = by_label.entry(r.label.as_str()).or_default();
        if r.backup_type.eq_ignore_ascii_case("INCREMENTAL") {
            e.1 = Some(r);
        } else {
            e.0 = Some(r);
        }
    }
    let mut out = BTreeMap::new();
    for (label, (full, inc)) in by_label {
        let Some(main) = full.or(inc) else { continue };
        let Some((targets, names, into, revision_history)) = parse_backup_command(&main.command)
        else {
            notes.push(format!(
                "backup schedule {label}: command not understood ({}); left out",
                main.command
            ));
            continue;
        };
        if targets == BackupTargets::Database && names != [database] {
            notes.push(format!(
                "backup schedule {label} backs up {}, not DATABASE {database}; read as the database",
                names.join(", ")
            ));
        }
        let (recurring, full_backup) = match (full, inc) {
            (Some(f), Some(i)) => (i.recurrence.clone(), Some(f.recurrence.clone())),
            _ => (main.recurrence.clone(), None),
        };
        out.insert(
            label.to_string(),
            BackupSchedule {
                label: label.to_string(),
                into,
                targets,
                recurring,
                full_backup,
                revision_history,
                first_run: None,
                on_execution_failure: on_execution_failure_of(&main.on_execution_failure)
                    .map_or_else(|| main.on_execution_failure.to_lowercase(), str::to_string),
                on_previous_running: on_previous_running_of(&main.on_previous_running)
                    .map_or_else(|| main.on_previous_running.to_lowercase(), str::to_string),
            },
        );
    }
    out
}

/// The normalised model of the rows' database.
pub fn from_rows(rows: &CockroachCatalogRows) -> Result<Model> {
    from_rows_with_notes(rows).map(|(m, _)| m)
}

fn yes(s: &str) -> bool {
    s.eq_ignore_ascii_case("yes")
}

/// `crdb_internal_x_shard_16`: the virtual column of a hash-sharded index.
fn is_shard_column(name: &str) -> bool {
    name.starts_with("crdb_internal_")
        && name
            .rsplit_once("_shard_")
            .is_some_and(|(_, n)| n.parse::<u32>().is_ok())
}

/// `from_rows`, plus notes on what the model cannot express. Each catalog aspect
/// (database and regions, tables, columns, constraints, indexes, zones) is folded by its own
/// function below.
pub fn from_rows_with_notes(rows: &CockroachCatalogRows) -> Result<(Model, Vec<String>)> {
    let mut notes = Vec::new();
    let keyed = keyed_rows(rows, &mut notes);
    let rows = &keyed;
    let mut db = read_database(rows);
    db.schemas = super::live_schemas(rows.schemas.iter().cloned(), &mut notes);
    if let Some(json) = rows.zone_extensions.as_deref() {
        db.zone_extensions = parse_zone_extensions(json)
            .with_context(|| format!("zone config extensions {json}"))?;
    }
    db.backup_schedules = rows
        .backup_schedules
        .as_deref()
        .map(|r| read_backup_schedules(r, &rows.database, &mut notes));
    let enums = read_enums(&rows.enums, &mut notes);
    let mut tables = read_tables(rows, db.primary_region.is_some())?;
    // a TTL storage parameter bmdb does not model is named, never passed in silence
    for t in &rows.tables {
        let params = t.create_statement.as_deref().map(table_storage_params);
        for (k, v) in params.unwrap_or_default() {
            if k == "ttl_row_stats_poll_interval" {
                notes.push(format!(
                    "table {}: {k} = {v} is not modelled by bmdb; left as it is",
                    t.name
                ));
            }
        }
    }
    // crdb_internal.tables and information_schema.columns list views too: they are views
    let views: BTreeMap<String, View> = rows
        .views
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                View {
                    name: v.name.clone(),
                    materialized: v.materialized,
                    query: crate::sql::view_query_text(&v.definition),
                },
            )
        })
        .collect();
    tables.retain(|name, _| !views.contains_key(name));
    let mut sequences = read_sequences(rows);
    tables.retain(|name, _| !sequences.contains_key(name));
    let dropped = read_columns(rows, &mut tables, &enums, &mut notes);
    read_families(rows, &mut tables, &dropped);
    drop_identity_sequences(&mut sequences, &tables);
    let keys = read_constraints(rows, &mut tables, &dropped, &mut notes);
    read_indexes(rows, &mut tables, &dropped, &keys);
    let mut model = Model {
        database: db,
        tables: BTreeMap::new(),
        roles: rows.roles.as_deref().map(|r| {
            let mut roles = read_roles(r);
            super::privileges::fold(
                &mut roles,
                &privilege_rows(
                    rows.grants.as_deref().unwrap_or_default(),
                    rows.default_privileges.as_deref().unwrap_or_default(),
                    rows.role_settings.as_deref().unwrap_or_default(),
                ),
            );
            roles
        }),
        enums,
        views,
        sequences,
    };
    for (_, mut t) in tables {
        t.sort_named_by_name();
        // the model keeps key columns NOT NULL already; CockroachDB agrees
        model.tables.insert(t.name.clone(), t);
    }
    apply_zones(&mut model, &rows.zones, &rows.database, &mut notes)?;
    Ok((model, notes))
}

/// The key of an object of `schema` (`None`: public) named `name`: `name` in public,
/// `schema.name` elsewhere (`crate::model::schemas`).
fn key_of(schema: &Option<String>, name: &str) -> String {
    crate::model::schemas::qualified(schema.as_deref().unwrap_or_default(), name)
}

/// The rows with every table, view, sequence and enum named by its key (`game.players`
/// outside public), and those the model cannot hold (a schema whose name is not a lower-case
/// word, a name with a `.`) left out and named: what follows folds keys, as the model does.
fn keyed_rows(rows: &CockroachCatalogRows, notes: &mut Vec<String>) -> CockroachCatalogRows {
    let mut r = rows.clone();
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "public".to_string());
    r.views.retain_mut(|v| {
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        match super::live_key(&opt(&v.schema), &v.name, kind, notes) {
            Some(k) => {
                v.name = k;
                true
            }
            None => false,
        }
    });
    r.sequences.retain_mut(|q| {
        match super::live_key(&opt(&q.schema), &q.name, "sequence", notes) {
            Some(k) => {
                q.name = k;
                true
            }
            None => false,
        }
    });
    r.enums.retain_mut(
        |e| match super::live_key(&opt(&e.schema), &e.name, "enum", notes) {
            Some(k) => {
                e.name = k;
                true
            }
            None => false,
        },
    );
    // crdb_internal.tables lists views and sequences too: those are named above
    let others: std::collections::BTreeSet<String> = rows
        .views
        .iter()
        .map(|v| key_of(&v.schema, &v.name))
        .chain(rows.sequences.iter().map(|q| key_of(&q.schema, &q.name)))
        .collect();
    r.tables.retain_mut(|t| {
        let key = key_of(&t.schema, &t.name);
        let mut quiet = Vec::new();
        let kept = super::live_key(&opt(&t.schema), &t.name, "table", &mut quiet);
        if !others.contains(&key) {
            notes.extend(quiet);
        }
        t.name = key;
        kept.is_some()
    });
    for c in &mut r.columns {
        c.table_name = key_of(&c.table_schema, &c.table_name);
    }
    for c in &mut r.index_columns {
        c.table_name = key_of(&c.table_schema, &c.table_name);
    }
    for i in &mut r.indexes {
        i.descriptor_name = key_of(&i.schema, &i.descriptor_name);
    }
    for k in &mut r.constraints {
        k.table_name = key_of(&k.schema, &k.table_name);
    }
    for z in &mut r.zones {
        if let Some(t) = &z.table_name {
            z.table_name = Some(key_of(&z.schema_name, t));
        }
    }
    for o in r.sequence_owners.iter_mut().flatten() {
        o.sequence = key_of(&o.sequence_schema, &o.sequence);
        o.table = key_of(&o.table_schema, &o.table);
    }
    r
}

/// The region enum descriptor's `zoneConfigExtensions` (`pb_to_json` of
/// `descpb.ZoneConfigExtensions`, defaults left out: `{"global": ZoneConfig, "regional":
/// ZoneConfig, "regionalIn": {"r": ZoneConfig}}`) as the model's extensions.
pub fn parse_zone_extensions(json: &str) -> Result<ZoneExtensions> {
    let v: serde_json::Value = serde_json::from_str(json)?;
    let mut out = ZoneExtensions::default();
    if v.is_null() {
        return Ok(out);
    }
    if let Some(z) = v.get("global").filter(|z| !z.is_null()) {
        out.global = Some(zone_from_json(z)?);
    }
    if let Some(z) = v.get("regional").filter(|z| !z.is_null()) {
        out.regional = Some(zone_from_json(z)?);
    }
    if let Some(per) = v.get("regionalIn").and_then(|m| m.as_object()) {
        for (r, z) in per {
            out.regional_in.insert(r.clone(), zone_from_json(z)?);
        }
    }
    Ok(out)
}

/// A `zonepb.ZoneConfig` as jsonpb writes it (camelCase; int64 fields as strings; a
/// constraint's type `REQUIRED` left out as the default).
fn zone_from_json(z: &serde_json::Value) -> Result<ZoneConfig> {
    use serde_json::Value;
    let int = |v: Option<&Value>| -> Result<Option<u64>> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_u64()),
            Some(Value::String(s)) => Ok(Some(s.parse()?)),
            Some(other) => anyhow::bail!("not a number: {other}"),
        }
    };
    let constraint = |c: &Value| -> String {
        let sign = match c.get("type").and_then(Value::as_str) {
            Some("PROHIBITED") => '-',
            _ => '+',
        };
        let key = c.get("key").and_then(Value::as_str).unwrap_or_default();
        let value = c.get("value").and_then(Value::as_str).unwrap_or_default();
        if key.is_empty() {
            format!("{sign}{value}")
        } else {
            format!("{sign}{key}={value}")
        }
    };
    let conj = |c: &Value| -> Vec<String> {
        c.get("constraints")
            .and_then(Value::as_array)
            .map(|cs| cs.iter().map(constraint).collect())
            .unwrap_or_default()
    };
    let constraints = |v: Option<&Value>| -> Result<Option<Constraints>> {
        let Some(list) = v.and_then(Value::as_array) else {
            return Ok(None);
        };
        let per_replica = list
            .iter()
            .any(|c| int(c.get("numReplicas")).ok().flatten().unwrap_or(0) > 0);
        if per_replica {
            let mut m = BTreeMap::new();
            for c in list {
                let n = int(c.get("numReplicas"))?.unwrap_or(0) as u32;
                m.insert(conj(c).join(","), n);
            }
            Ok(Some(Constraints::PerReplica(m)))
        } else {
            Ok(Some(Constraints::All(list.iter().flat_map(conj).collect())))
        }
    };
    Ok(ZoneConfig {
        num_replicas: int(z.get("numReplicas"))?.map(|n| n as u32),
        num_voters: int(z.get("numVoters"))?.map(|n| n as u32),
        gc_ttlseconds: int(z.get("gc").and_then(|g| g.get("ttlSeconds")))?,
        range_min_bytes: int(z.get("rangeMinBytes"))?,
        range_max_bytes: int(z.get("rangeMaxBytes"))?,
        global_reads: z.get("globalReads").and_then(Value::as_bool),
        constraints: constraints(z.get("constraints"))?,
        voter_constraints: constraints(z.get("voterConstraints"))?,
        lease_preferences: z
            .get("leasePreferences")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().map(conj).collect()),
        ..Default::default()
    })
}

/// The tables with `schema_locked` on, by name.
pub fn schema_locked_tables(rows: &CockroachCatalogRows) -> std::collections::BTreeSet<String> {
    rows.tables
        .iter()
        .filter(|t| t.schema_locked)
        .map(|t| key_of(&t.schema, &t.name))
        .collect()
}

/// Tables by name.
type Tables = BTreeMap<String, Table>;

/// Hidden columns CockroachDB added (rowid, the implicit crdb_region, shard columns), per
/// table: left out of the model and of its keys and indexes.
struct Dropped<'a>(BTreeMap<&'a str, Vec<&'a str>>);

impl Dropped<'_> {
    fn has(&self, table: &str, col: &str) -> bool {
        self.0.get(table).is_some_and(|cols| cols.contains(&col))
    }
}

/// Constraint names the index rows are matched against.
#[derive(Default)]
struct KeyNames {
    /// table -> its primary key's name
    primary: BTreeMap<String, String>,
    /// table -> its UNIQUE constraints' names
    unique: BTreeMap<String, Vec<String>>,
    /// (table, UNIQUE constraint) -> its comment (`COMMENT ON CONSTRAINT`, kept apart from the
    /// index's own comment)
    unique_comments: BTreeMap<(String, String), String>,
}

/// The database: its regions, survival goal, placement and super regions.
fn read_database(rows: &CockroachCatalogRows) -> Database {
    let mut db = Database {
        name: rows.database.clone(),
        dialect: Dialect::Cockroach,
        cockroach_version: rows.server_version,
        ..Database::default()
    };
    if rows.sequence_owners.is_none() {
        db.unread.insert(SEQUENCE_OWNERS.to_string());
    }
    if let Some(d) = rows.databases.iter().find(|d| d.name == rows.database) {
        db.primary_region = d.primary_region.clone().filter(|s| !s.is_empty());
        db.secondary_region = d.secondary_region.clone().filter(|s| !s.is_empty());
        db.regions = d.regions.clone();
        db.regions.sort();
        db.survival_goal = match d.survival_goal.as_deref() {
            Some("region") => SurvivalGoal::Region,
            _ => SurvivalGoal::Zone,
        };
        db.placement = match d.placement_policy.as_deref() {
            Some("restricted") => Placement::Restricted,
            _ => Placement::Default,
        };
    }
    for sr in &rows.super_regions {
        let mut members = sr.regions.clone();
        members.sort();
        db.super_regions
            .insert(sr.super_region_name.clone(), members);
    }
    db
}

fn read_tables(rows: &CockroachCatalogRows, multi_region: bool) -> Result<Tables> {
    let mut tables = Tables::new();
    for t in &rows.tables {
        let locality = match t.locality.as_deref() {
            Some(l) if multi_region => Some(parse_locality(l)?),
            _ => None,
        };
        let params = t
            .create_statement
            .as_deref()
            .map(table_storage_params)
            .unwrap_or_default();
        tables.insert(
            t.name.clone(),
            Table {
                name: t.name.clone(),
                comment: t.comment.clone(),
                locality,
                ttl: ttl_from_params(&params),
                ..Table::default()
            },
        );
    }
    Ok(tables)
}

/// The column families of a CREATE TABLE statement as SHOW CREATE TABLE prints them: one
/// `FAMILY name (col, ...)` item per family in the column list, names quoted when they must
/// be (`FAMILY "primary" (a, b)`; `showFamilyClause`, pkg/sql/show_create_clauses.go at
/// d62a8f2d62b7c8ae2753d3649316a8cb47124da9, which prints nothing for a table whose only
/// family is `primary`, and logic test `family` at 0de26b724280eca755328c04d07bfc37d799090c,
/// lines 13-23: `FAMILY f1 (a, b),` / `FAMILY fam_1_c_d (c, d)`).
pub fn table_families(create: &str) -> Vec<Family> {
    use crate::sql::Kind;
    let Some(open) = crate::sql::first_paren(create) else {
        return Vec::new();
    };
    let Some(close) = crate::sql::matching_paren(create, open) else {
        return Vec::new();
    };
    let name_of = |t: &crate::sql::Token| match t.kind {
        Kind::Word => Some(t.text.to_string()),
        Kind::QuotedIdent => t.value().map(|v| v.into_owned()),
        _ => None,
    };
    crate::sql::split_top_commas(&create[open + 1..close])
        .into_iter()
        .filter_map(|item| {
            let toks: Vec<_> = crate::sql::tokenize(item)
                .filter(|t| !t.is_trivia())
                .collect();
            if !toks.first()?.is_word("FAMILY") {
                return None;
            }
            let name = name_of(toks.get(1)?)?;
            if !toks.get(2)?.is_punct("(") {
                return None;
            }
            let columns = toks[3..].iter().filter_map(&name_of).collect();
            Some(Family { name, columns })
        })
        .collect()
}

/// The TTL job's schedule when `ttl_job_cron` is not set (`DeletionCronOrDefault`,
/// pkg/sql/catalog/catpb; the row-level-ttl docs' `SHOW CREATE TABLE` prints it for a
/// table created without one).
pub const TTL_DEFAULT_CRON: &str = "@hourly";

/// The storage parameters of a CREATE TABLE statement as SHOW CREATE TABLE prints it: the
/// `WITH (k = v, ...)` after the column list (`) WITH (ttl = 'on', ttl_expire_after =
/// '90 days':::INTERVAL, schema_locked = true)`), each value with its `:::TYPE` cast
/// removed and a string literal unquoted.
pub fn table_storage_params(create: &str) -> Vec<(String, String)> {
    let Some(open) = crate::sql::first_paren(create) else {
        return Vec::new();
    };
    let Some(close) = crate::sql::matching_paren(create, open) else {
        return Vec::new();
    };
    let rest = &create[close + 1..];
    let Some(after_with) = crate::sql::top_level_word_ends(rest, "WITH").next() else {
        return Vec::new();
    };
    let tail = &rest[after_with..];
    let Some(p) = crate::sql::first_paren(tail) else {
        return Vec::new();
    };
    let Some(q) = crate::sql::matching_paren(tail, p) else {
        return Vec::new();
    };
    crate::sql::split_top_commas(&tail[p + 1..q])
        .into_iter()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            let v = v.trim();
            // `'90 days':::INTERVAL`: the cast comes after the literal's closing quote
            let v = match v.rfind(":::") {
                Some(i) if !v[i..].contains('\'') => v[..i].trim(),
                _ => v,
            };
            let v = crate::sql::literal_value(v).map_or_else(|| v.to_string(), |s| s.into_owned());
            Some((k.trim().to_ascii_lowercase(), v))
        })
        .collect()
}

/// The row-level TTL of a table's storage parameters; `None` without `ttl = 'on'` or
/// without an expiry (CockroachDB refuses such a TTL). Parameters bmdb does not model
/// (`ttl_row_stats_poll_interval`, the retired `ttl_automatic_column` and
/// `ttl_range_concurrency`) are not read.
pub fn ttl_from_params(params: &[(String, String)]) -> Option<Ttl> {
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    get("ttl")?;
    let num = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok());
    let on = |k: &str| get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let ttl = Ttl {
        expire_after: get("ttl_expire_after"),
        expiration_expression: get("ttl_expiration_expression"),
        job_cron: get("ttl_job_cron"),
        select_batch_size: num("ttl_select_batch_size"),
        delete_batch_size: num("ttl_delete_batch_size"),
        select_rate_limit: num("ttl_select_rate_limit"),
        delete_rate_limit: num("ttl_delete_rate_limit"),
        pause: on("ttl_pause"),
        label_metrics: on("ttl_label_metrics"),
        disable_changefeed_replication: on("ttl_disable_changefeed_replication"),
    };
    (ttl.expire_after.is_some() || ttl.expiration_expression.is_some()).then_some(ttl)
}

/// The enum types bmdb manages: every one but `crdb_internal_region`, the database's own
/// (managed through its regions); one whose name is not a lower-case word is named and left
/// alone.
pub fn read_enums(rows: &[EnumRow], notes: &mut Vec<String>) -> BTreeMap<String, EnumType> {
    let mut out = BTreeMap::new();
    for r in rows {
        if r.name == "crdb_internal_region" {
            continue;
        }
        if !crate::model::enums::valid_enum_name(crate::model::schemas::name_of(&r.name)) {
            notes.push(format!(
                "enum {}: its name is not a lower-case word; not managed by bmdb",
                r.name
            ));
            continue;
        }
        out.insert(
            r.name.clone(),
            EnumType {
                name: r.name.clone(),
                values: r.values.clone(),
                renamed_from: BTreeMap::new(),
            },
        );
    }
    out
}

/// Leaves out the sequence behind each identity column (owned by the column): the column's
/// `identity:` is its model, as PostgreSQL's reader leaves out the sequences an identity
/// column depends on (`deptype = 'i'`). Without the owners (not admin) a sequence named
/// like PostgreSQL's identity sequence, `<table>_<column>_seq`, is taken for it. Not yet
/// checked against a live CockroachDB: a sequence it names otherwise reads as drift.
fn drop_identity_sequences(sequences: &mut BTreeMap<String, Sequence>, tables: &Tables) {
    sequences.retain(|name, seq| {
        !tables.values().any(|t| {
            t.columns.iter().any(|c| {
                c.identity.is_some()
                    && match &seq.owned_by {
                        Some(o) => o.table == t.name && o.column == c.name,
                        None => {
                            *name
                                == crate::model::schemas::sibling(
                                    &t.name,
                                    &format!(
                                        "{}_{}_seq",
                                        crate::model::schemas::name_of(&t.name),
                                        c.name
                                    ),
                                )
                        }
                    }
            })
        })
    });
}

/// Sequences with their owners (none when the owners were not read).
pub fn read_sequences(rows: &CockroachCatalogRows) -> BTreeMap<String, Sequence> {
    rows.sequences
        .iter()
        .map(|r| {
            let owned_by = rows
                .sequence_owners
                .iter()
                .flatten()
                .find(|o| o.sequence == r.name)
                .map(|o| SequenceOwner {
                    table: o.table.clone(),
                    column: o.column.clone(),
                });
            let seq = Sequence {
                name: r.name.clone(),
                start: r.start,
                increment: r.increment,
                min_value: r.min_value,
                max_value: r.max_value,
                cache: r.cache,
                cycle: false,
                owned_by,
                data_type: r
                    .data_type
                    .as_deref()
                    .and_then(Sequence::data_type_of)
                    .filter(|t| *t != "INT8")
                    .map(str::to_string),
                renamed_from: None,
            };
            (r.name.clone(), seq)
        })
        .collect()
}

/// Each table's column families from its CREATE statement, without the hidden columns the
/// model leaves out (`rowid`, `crdb_internal_expiration`, the implicit `crdb_region`: they
/// sit in a family too, `FAMILY fam_0_a_rowid (a, rowid)` in logic test `show_create`); a
/// table whose one family is `primary` (what an older release prints for a table created
/// without FAMILY clauses) has none in the model, as CockroachDB's default.
fn read_families(rows: &CockroachCatalogRows, tables: &mut Tables, dropped: &Dropped) {
    for r in &rows.tables {
        let (Some(t), Some(create)) = (tables.get_mut(&r.name), r.create_statement.as_deref())
        else {
            continue;
        };
        let mut families = table_families(create);
        for f in &mut families {
            f.columns.retain(|c| !dropped.has(&r.name, c));
        }
        families.retain(|f| !f.columns.is_empty());
        if families.len() == 1 && families[0].name == PRIMARY_FAMILY {
            families.clear();
        }
        t.families = families;
    }
}

/// Each table's columns, in order; returns the hidden columns left out.
fn read_columns<'a>(
    rows: &'a CockroachCatalogRows,
    tables: &mut Tables,
    enums: &BTreeMap<String, EnumType>,
    notes: &mut Vec<String>,
) -> Dropped<'a> {
    let mut dropped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &rows.columns {
        let Some(t) = tables.get_mut(&c.table_name) else {
            continue;
        };
        let hidden = yes(&c.is_hidden);
        let implicit_region = hidden
            && c.column_name == "crdb_region"
            && t.locality == Some(Locality::RegionalByRow { column: None });
        // `ttl_expire_after` adds the hidden `crdb_internal_expiration` column (its default and
        // ON UPDATE are `current_timestamp():::TIMESTAMPTZ + <interval>`:
        // ValidateTTLExpirationColumn, pkg/sql/catalog/tabledesc/validate.go): the TTL's own
        let ttl_column = hidden
            && c.column_name == "crdb_internal_expiration"
            && t.ttl.as_ref().is_some_and(|ttl| ttl.expire_after.is_some());
        if hidden
            && (c.column_name == "rowid"
                || implicit_region
                || ttl_column
                || is_shard_column(&c.column_name))
        {
            dropped
                .entry(c.table_name.as_str())
                .or_default()
                .push(c.column_name.as_str());
            continue;
        }
        let label = format!("{}.{}", c.table_name, c.column_name);
        // an enum column's crdb_sql_type is the type's name, `status` or `public.status`
        // (pkg/sql/types/types.go, SQLString of the EnumFamily)
        // (`UserDefinedTypeName.FQName`: the schema only when the name was resolved with
        // one; an unqualified name is looked up in the table's own schema too)
        let enum_ty = crate::model::enums::enum_of(&c.crdb_sql_type, enums)
            .or_else(|| {
                let own = crate::model::schemas::schema_of(&c.table_name);
                (!c.crdb_sql_type.contains('.')).then(|| {
                    crate::model::enums::enum_of(
                        &crate::model::schemas::qualified(own, &c.crdb_sql_type),
                        enums,
                    )
                })?
            })
            .map(|e| {
                let array = if c.crdb_sql_type.ends_with("[]") {
                    "[]"
                } else {
                    ""
                };
                format!("{}{array}", e.name)
            });
        let (sql_type, collate) = split_collate(&c.crdb_sql_type);
        let collate = collate.filter(|_| enum_ty.is_none());
        let ty = match canonical_type(sql_type, Dialect::Cockroach) {
            _ if enum_ty.is_some() => enum_ty.unwrap_or_default(),
            Some(ct) => ct.ty,
            None => {
                notes.push(format!(
                    "{label}: type {} is not one bmdb models; kept as written",
                    c.crdb_sql_type
                ));
                c.crdb_sql_type.clone()
            }
        };
        // a type kept as written keeps its COLLATE in it
        let collate = collate.filter(|_| ty != c.crdb_sql_type);
        let computed = c
            .generation_expression
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(|g| Computed {
                expr: strip_outer_parens(&strip_triple_colon(g)),
                is_virtual: c.attgenerated.as_deref() == Some("v"),
            });
        let identity = identity_of(c, &ty, &label, notes);
        t.columns.push(Column {
            name: c.column_name.clone(),
            ty,
            nullable: yes(&c.is_nullable) && identity.is_none(),
            // an identity column's default is its sequence's nextval: the identity says it;
            // `nextval('public.s'::REGCLASS)` is the model's `nextval('s')`
            default: c
                .column_default
                .as_deref()
                .filter(|_| identity.is_none())
                .map(|d| crate::model::sequences::normalize_default(&strip_literal_cast(d))),
            comment: c.comment.clone(),
            renamed_from: None,
            identity,
            computed,
            collate,
        });
    }
    Dropped(dropped)
}

/// A collated string's `crdb_sql_type` split into the type and the collation:
/// `STRING COLLATE en` -> (`STRING`, `en`), `VARCHAR(10)[] COLLATE "de-CH"` -> (`VARCHAR(10)[]`,
/// `de-CH`). CockroachDB writes the locale after the type, brackets first, as an unrestricted
/// SQL identifier, double-quoted when it is no bare word (cockroachdb/cockroach
/// pkg/sql/types/types.go at 245cbd31c8c7d0dd2a2ff474c694e2043f057f0f,
/// `collatedStringTypeSQL`: `" COLLATE "` then `lex.EncodeUnrestrictedSQLIdent` of the locale).
pub fn split_collate(sql_type: &str) -> (&str, Option<String>) {
    let upper = sql_type.to_ascii_uppercase();
    let Some(at) = upper.rfind(" COLLATE ") else {
        return (sql_type, None);
    };
    let name = sql_type[at + " COLLATE ".len()..].trim();
    let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => name.to_string(),
    };
    (sql_type[..at].trim_end(), Some(name))
}

/// An identity column's generation and sequence options from its `information_schema.columns`
/// row (`is_identity = 'YES'`), normalised as the loader normalises the model's.
fn identity_of(c: &ColumnRow, ty: &str, label: &str, notes: &mut Vec<String>) -> Option<Identity> {
    if c.is_identity.as_deref() != Some("YES") {
        return None;
    }
    let generated = match c.identity_generation.as_deref().map(str::trim) {
        Some(g) if g.eq_ignore_ascii_case("BY DEFAULT") => Generated::ByDefault,
        _ => Generated::Always,
    };
    let num = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    for (what, v) in [
        ("start", &c.identity_start),
        ("increment", &c.identity_increment),
        ("maximum", &c.identity_maximum),
        ("minimum", &c.identity_minimum),
    ] {
        if v.as_deref()
            .is_some_and(|v| v.trim().parse::<i64>().is_err())
        {
            notes.push(format!(
                "{label}: identity {what} {:?} is not a whole number; read as the default",
                v.as_deref().unwrap_or_default()
            ));
        }
    }
    Some(
        Identity {
            generated,
            start: num(&c.identity_start),
            increment: num(&c.identity_increment),
            min_value: num(&c.identity_minimum),
            max_value: num(&c.identity_maximum),
        }
        .normalised(ty),
    )
}

/// Primary keys, foreign keys and checks; UNIQUE constraints are read with the indexes.
fn read_constraints(
    rows: &CockroachCatalogRows,
    tables: &mut Tables,
    dropped: &Dropped,
    notes: &mut Vec<String>,
) -> KeyNames {
    let mut keys = KeyNames::default();
    for k in &rows.constraints {
        let Some(t) = tables.get_mut(&k.table_name) else {
            continue;
        };
        let label = format!("{}.{}", k.table_name, k.constraint_name);
        match k.constraint_type.as_str() {
            "p" => {
                let cols: Vec<String> = paren_list(&k.definition)
                    .into_iter()
                    .filter(|c| !dropped.has(&k.table_name, c))
                    .collect();
                keys.primary
                    .insert(k.table_name.clone(), k.constraint_name.clone());
                if !cols.is_empty() {
                    t.primary_key = Some(PrimaryKey {
                        name: k.constraint_name.clone(),
                        columns: cols,
                    });
                }
            }
            "u" => {
                keys.unique
                    .entry(k.table_name.clone())
                    .or_default()
                    .push(k.constraint_name.clone());
                if let Some(c) = &k.comment {
                    keys.unique_comments
                        .insert((k.table_name.clone(), k.constraint_name.clone()), c.clone());
                }
            }
            "f" => match parse_fk(&k.constraint_name, &k.definition) {
                Some(mut fk) => {
                    // the referenced table's schema as the catalog gives it (confrelid)
                    if let Some(schema) = &k.ref_schema {
                        fk.ref_table = crate::model::schemas::qualified(
                            schema,
                            crate::model::schemas::name_of(&fk.ref_table),
                        );
                    }
                    t.foreign_keys.push(ForeignKey {
                        comment: k.comment.clone(),
                        ..fk
                    })
                }
                None => notes.push(format!("{label}: cannot read {}", k.definition)),
            },
            "c" => t.checks.push(Check {
                name: k.constraint_name.clone(),
                expr: check_body(&k.definition),
                comment: k.comment.clone(),
            }),
            _ => notes.push(format!("{label}: {} (not modelled)", k.definition)),
        }
    }

    keys
}

/// Secondary indexes; a plain unique index of a UNIQUE constraint reads as the constraint.
fn read_indexes(
    rows: &CockroachCatalogRows,
    tables: &mut Tables,
    dropped: &Dropped,
    keys: &KeyNames,
) {
    for ix in &rows.indexes {
        let Some(t) = tables.get_mut(&ix.descriptor_name) else {
            continue;
        };
        if ix.index_type == "primary"
            || keys.primary.get(&ix.descriptor_name) == Some(&ix.index_name)
        {
            continue;
        }
        let index = read_index(rows, ix, t, dropped);
        let is_constraint = keys
            .unique
            .get(&ix.descriptor_name)
            .is_some_and(|names| names.contains(&ix.index_name));
        // A UNIQUE constraint is a unique index in CockroachDB; a plain one reads as the
        // constraint (reconcile follows the model where it declares a unique index instead).
        if is_constraint
            && index.storing.is_empty()
            && index.predicate.is_none()
            && index.sharded_buckets.is_none()
            && index.using == IndexMethod::Btree
            && index.columns.iter().all(|c| !c.desc)
        {
            let comment = keys
                .unique_comments
                .get(&(ix.descriptor_name.clone(), index.name.clone()))
                .cloned();
            t.unique.push(UniqueConstraint {
                name: index.name,
                columns: index.columns.into_iter().map(|c| c.name).collect(),
                comment,
                ..Default::default()
            });
        } else {
            t.indexes.push(index);
        }
    }
}

/// One secondary index: its columns (hidden and implicit ones left out), method and options.
fn read_index(rows: &CockroachCatalogRows, ix: &IndexRow, t: &Table, dropped: &Dropped) -> Index {
    let mut columns = Vec::new();
    let mut storing = Vec::new();
    for c in rows
        .index_columns
        .iter()
        .filter(|c| c.table_name == ix.descriptor_name && c.index_name == ix.index_name)
    {
        if yes(&c.implicit)
            || dropped.has(&c.table_name, &c.column_name)
            || is_shard_column(&c.column_name)
        {
            continue;
        }
        if yes(&c.storing) {
            storing.push(c.column_name.clone());
        } else {
            columns.push(IndexColumn {
                name: c.column_name.clone(),
                desc: c.direction.eq_ignore_ascii_case("desc"),
                ..Default::default()
            });
        }
    }
    // The operator class a trigram index needs is in its CREATE statement, after its column
    // (`USING GIN (name gin_trgm_ops)`); a default one is not written there.
    let opclasses = index_opclasses(&ix.create_statement);
    for c in &mut columns {
        c.opclass = opclasses
            .iter()
            .find(|(n, _)| *n == c.name)
            .map(|(_, o)| o.clone());
    }
    let using = if ix.is_inverted {
        let spatial = columns.iter().any(|c| {
            t.column(&c.name).is_some_and(|col| {
                col.ty.starts_with("GEOGRAPHY") || col.ty.starts_with("GEOMETRY")
            })
        });
        if spatial {
            IndexMethod::Gist
        } else {
            IndexMethod::Gin
        }
    } else {
        IndexMethod::Btree
    };
    Index {
        name: ix.index_name.clone(),
        columns,
        unique: ix.is_unique,
        using,
        sharded_buckets: ix
            .is_sharded
            .then(|| ix.shard_bucket_count.unwrap_or(16) as u32),
        storing,
        predicate: index_predicate(&ix.create_statement),
        zone: None,
        comment: ix.comment.clone(),
    }
}

/// `REGIONAL BY TABLE IN "us-east1"` and friends (an optional `LOCALITY ` prefix allowed).
pub fn parse_locality(raw: &str) -> Result<Locality> {
    let t = raw.trim();
    let t = t.strip_prefix("LOCALITY ").unwrap_or(t).trim();
    let upper = t.to_ascii_uppercase();
    if upper == "GLOBAL" {
        return Ok(Locality::Global);
    }
    if let Some(rest) = upper.strip_prefix("REGIONAL BY ROW") {
        let rest_orig = &t[t.len() - rest.len()..];
        let rest_orig = rest_orig.trim();
        if rest_orig.is_empty() {
            return Ok(Locality::RegionalByRow { column: None });
        }
        if rest_orig.to_ascii_uppercase().starts_with("AS ") {
            return Ok(Locality::RegionalByRow {
                column: Some(unquote_ident(rest_orig[3..].trim())),
            });
        }
    }
    for head in ["REGIONAL BY TABLE", "REGIONAL"] {
        if let Some(rest) = upper.strip_prefix(head) {
            let rest_orig = t[t.len() - rest.len()..].trim();
            let up = rest_orig.to_ascii_uppercase();
            if rest_orig.is_empty() || up == "IN PRIMARY REGION" {
                return Ok(Locality::RegionalByTable { region: None });
            }
            if up.starts_with("IN ") {
                return Ok(Locality::RegionalByTable {
                    region: Some(unquote_ident(rest_orig[3..].trim())),
                });
            }
        }
    }
    bail!("unrecognised table locality {raw:?} in crdb_internal.tables")
}

/// `"Order"` -> `Order`, `'x'` -> `x`, anything else as written (trimmed).
fn unquote_ident(s: &str) -> String {
    literal_value(s).map_or_else(|| s.trim().to_string(), |v| v.into_owned())
}

/// Splits on commas outside brackets and quotes, trimmed, empty parts dropped.
fn split_commas(s: &str) -> Vec<String> {
    crate::sql::split_top_commas(s)
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `(column, operator class)` for each column of an index's CREATE statement that names one.
fn index_opclasses(create: &str) -> Vec<(String, String)> {
    let Some(open) = first_paren(create) else {
        return Vec::new();
    };
    let Some(close) = matching_paren(create, open) else {
        return Vec::new();
    };
    split_commas(&create[open + 1..close])
        .iter()
        .filter_map(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            match words.as_slice() {
                [col, class, ..] if class.to_ascii_lowercase().ends_with("_ops") => {
                    Some((unquote_ident(col), class.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

/// The first parenthesised column list of a definition, `ASC`/`DESC` dropped:
/// `PRIMARY KEY (id ASC, "Order" DESC)` -> `[id, Order]`.
fn paren_list(def: &str) -> Vec<String> {
    let Some(open) = first_paren(def) else {
        return Vec::new();
    };
    let Some(close) = matching_paren(def, open) else {
        return Vec::new();
    };
    split_commas(&def[open + 1..close])
        .iter()
        .map(|c| {
            let c = c.trim();
            let c = c
                .strip_suffix(" ASC")
                .or_else(|| c.strip_suffix(" DESC"))
                .unwrap_or(c);
            unquote_ident(c)
        })
        .collect()
}

/// `FOREIGN KEY (player_id) REFERENCES players(player_id) ON DELETE CASCADE`.
fn parse_fk(name: &str, def: &str) -> Option<ForeignKey> {
    let columns = paren_list(def);
    let upper = def.to_ascii_uppercase();
    let refs_at = upper.find("REFERENCES ")? + "REFERENCES ".len();
    let rest = &def[refs_at..];
    let open = first_paren(rest)?;
    // `t`, `public.t`, `game.t` or `db.game.t`: the referenced table's key
    let parts: Vec<String> = rest[..open]
        .trim()
        .split('.')
        .map(|p| unquote_ident(p.trim()))
        .collect();
    let table = match parts.as_slice() {
        [t] => t.clone(),
        [s, t] | [_, s, t] => crate::model::schemas::qualified(s, t),
        _ => return None,
    };
    let close = matching_paren(rest, open)?;
    let ref_columns = paren_list(&rest[open..=close]);
    let tail = rest[close + 1..].to_ascii_uppercase();
    let action = |kw: &str| -> FkAction {
        let Some(at) = tail.find(kw) else {
            return FkAction::NoAction;
        };
        let after = tail[at + kw.len()..].trim_start();
        if after.starts_with("CASCADE") {
            FkAction::Cascade
        } else if after.starts_with("RESTRICT") {
            FkAction::Restrict
        } else if after.starts_with("SET NULL") {
            FkAction::SetNull
        } else if after.starts_with("SET DEFAULT") {
            FkAction::SetDefault
        } else {
            FkAction::NoAction
        }
    };
    Some(ForeignKey {
        name: name.to_string(),
        columns,
        ref_table: table,
        ref_columns,
        on_delete: action("ON DELETE"),
        on_update: action("ON UPDATE"),
        // SHOW CONSTRAINTS writes MATCH FULL after the referenced columns (MATCH SIMPLE, the
        // default, is left out); CockroachDB has no deferrable constraints.
        match_full: tail.contains("MATCH FULL"),
        ..Default::default()
    })
}

/// The `WHERE` of a `CREATE INDEX` statement, outer parentheses and `:::` dropped.
fn index_predicate(create: &str) -> Option<String> {
    // the last top-level WHERE (column lists and storing come before it)
    let at = top_level_word_ends(create, "WHERE").last()?;
    Some(check_body(&create[at..]))
}

/// One zone's `raw_config_sql` (`ALTER ... CONFIGURE ZONE USING\n\tk = v,\n\t...`).
pub fn parse_raw_zone(sql: &str) -> Result<ZoneConfig> {
    let mut z = ZoneConfig::default();
    let Some(at) = top_level_word_ends(sql, "USING").next() else {
        return Ok(z);
    };
    let body = &sql[at..];
    for part in split_commas(body) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let key = k.trim();
        let v = v.trim();
        let unq = literal_value(v).map_or_else(|| v.to_string(), |u| u.into_owned());
        let int = || -> Result<u64> {
            v.parse::<u64>()
                .with_context(|| format!("zone field {key} = {v} is not a number"))
        };
        let err = |e: String| anyhow::anyhow!("zone field {key}: {e}");
        // a variable bmdb does not model (newer CockroachDB) is left out
        let Some(f) = zone_field(key) else {
            continue;
        };
        let value = match f.kind {
            ZoneFieldKind::Int { .. } => ZoneValue::Int(int()?),
            ZoneFieldKind::Bool => ZoneValue::Bool(v.eq_ignore_ascii_case("true")),
            ZoneFieldKind::Constraints => {
                ZoneValue::Constraints(parse_constraints_str(&unq).map_err(err)?)
            }
            ZoneFieldKind::LeasePreferences => {
                ZoneValue::LeasePreferences(parse_lease_preferences_str(&unq).map_err(err)?)
            }
        };
        (f.put)(&mut z, Some(value));
    }
    Ok(z)
}

/// Attaches the zones of the database, its tables and indexes, and named ranges, each
/// without the fields the multi-region machinery wrote.
fn apply_zones(
    model: &mut Model,
    rows: &[ZoneRow],
    database: &str,
    notes: &mut Vec<String>,
) -> Result<()> {
    // what the machinery writes for this database's regions and localities
    let synthesized: Vec<_> = effective_zones(&Model {
        database: Database {
            zone: None,
            range_zones: BTreeMap::new(),
            ..model.database.clone()
        },
        tables: model
            .tables
            .iter()
            .map(|(n, t)| {
                let mut t = t.clone();
                t.zone = None;
                for i in &mut t.indexes {
                    i.zone = None;
                }
                (n.clone(), t)
            })
            .collect(),
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    });
    let mr_fields = |object: &ZoneObject| -> BTreeMap<&'static str, FieldValue> {
        synthesized
            .iter()
            .find(|z| &z.object == object)
            .map(|z| {
                z.fields
                    .iter()
                    .filter(|f| {
                        matches!(
                            f.source,
                            Source::MultiRegion { .. } | Source::Extension { .. }
                        )
                    })
                    .filter_map(|f| f.value.clone().map(|v| (f.name, v)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let multi_region = model.database.is_multi_region();
    for row in rows {
        let Some(sql) = row.raw_config_sql.as_deref() else {
            continue;
        };
        if row.partition_name.is_some() {
            // region partitions of REGIONAL BY ROW tables belong to the machinery
            continue;
        }
        let raw = parse_raw_zone(sql).with_context(|| format!("zone of {}", row.target))?;
        if let Some(range) = &row.range_name {
            if row.database_name.is_none() {
                model.database.range_zones.insert(range.clone(), raw);
            }
            continue;
        }
        if row.database_name.as_deref() != Some(database) {
            continue;
        }
        let (object, slot): (ZoneObject, &mut Option<ZoneConfig>) =
            match (&row.table_name, &row.index_name) {
                (None, _) => (
                    ZoneObject::Database {
                        name: database.to_string(),
                    },
                    &mut model.database.zone,
                ),
                (Some(t), None) => {
                    let Some(table) = model.tables.get_mut(t) else {
                        continue;
                    };
                    (ZoneObject::Table { table: t.clone() }, &mut table.zone)
                }
                (Some(t), Some(i)) => {
                    let Some(tb) = model.tables.get_mut(t) else {
                        notes.push(format!("zone of {}: index not read", row.target));
                        continue;
                    };
                    let object = ZoneObject::Index {
                        table: t.clone(),
                        index: i.clone(),
                    };
                    // the primary index's zone (`ALTER INDEX t@t_pkey CONFIGURE ZONE`)
                    let is_primary = tb.primary_key.as_ref().is_some_and(|pk| &pk.name == i);
                    if is_primary {
                        (object, &mut tb.primary_key_zone)
                    } else {
                        let Some(index) = tb.indexes.iter_mut().find(|x| &x.name == i) else {
                            notes.push(format!("zone of {}: index not read", row.target));
                            continue;
                        };
                        (object, &mut index.zone)
                    }
                }
            };
        let own = if multi_region {
            without_machinery(raw, &mr_fields(&object))
        } else {
            raw
        };
        *slot = (!own.is_empty()).then_some(own);
    }
    Ok(())
}

/// A zone minus the protected fields equal to what the multi-region machinery writes
/// there; a protected field that differs stays and marks the zone as an override.
fn without_machinery(mut z: ZoneConfig, mr: &BTreeMap<&'static str, FieldValue>) -> ZoneConfig {
    for f in ZONE_FIELDS.iter().filter(|f| f.protected) {
        if (f.get)(&z).is_some_and(|v| mr.get(f.name) == Some(&v)) {
            (f.put)(&mut z, None);
        }
    }
    // CockroachDB writes global_reads = false nowhere; an explicit false is the default
    z.override_multi_region = !z.protected_fields_set().is_empty();
    z
}

/// Named ranges: CockroachDB shows every field of `range default` and of its system
/// ranges. A field the model does not set and that holds CockroachDB's built-in value is
/// dropped; system ranges the model does not mention are dropped whole.
pub fn reconcile_range_zones(live: &mut Model, desired: &Model) {
    let names: Vec<String> = live.database.range_zones.keys().cloned().collect();
    for name in names {
        let want = desired.database.range_zones.get(&name);
        if name != "default" && want.is_none() {
            live.database.range_zones.remove(&name);
            continue;
        }
        let Some(z) = live.database.range_zones.get_mut(&name) else {
            continue;
        };
        let w = want.cloned().unwrap_or_default();
        if w.num_replicas.is_none() && z.num_replicas == Some(DEFAULT_NUM_REPLICAS) {
            z.num_replicas = None;
        }
        // clusters created before v23.1 kept 90000
        if w.gc_ttlseconds.is_none()
            && matches!(z.gc_ttlseconds, Some(DEFAULT_GC_TTLSECONDS) | Some(90000))
        {
            z.gc_ttlseconds = None;
        }
        if w.range_min_bytes.is_none() && z.range_min_bytes == Some(DEFAULT_RANGE_MIN_BYTES) {
            z.range_min_bytes = None;
        }
        if w.range_max_bytes.is_none() && z.range_max_bytes == Some(DEFAULT_RANGE_MAX_BYTES) {
            z.range_max_bytes = None;
        }
        if w.constraints.is_none() && z.constraints == Some(Constraints::All(vec![])) {
            z.constraints = None;
        }
        if w.lease_preferences.is_none() && z.lease_preferences == Some(vec![]) {
            z.lease_preferences = None;
        }
        if w.global_reads.is_none() && z.global_reads == Some(false) {
            z.global_reads = None;
        }
        z.override_multi_region = w.override_multi_region;
        if z.is_empty() {
            live.database.range_zones.remove(&name);
        }
    }
}

/// A unique index and a UNIQUE constraint are one object in CockroachDB: follow the
/// model's choice where it names the object one way and the catalog reads it the other.
pub fn reconcile_unique(live: &mut Model, desired: &Model) {
    for (name, want) in &desired.tables {
        let Some(have) = live.tables.get_mut(name) else {
            continue;
        };
        for ix in &want.indexes {
            if !ix.unique {
                continue;
            }
            if let Some(pos) = have.unique.iter().position(|u| u.name == ix.name) {
                let u = have.unique.remove(pos);
                have.indexes.push(Index {
                    name: u.name,
                    columns: u
                        .columns
                        .into_iter()
                        .map(|c| IndexColumn {
                            name: c,
                            ..Default::default()
                        })
                        .collect(),
                    unique: true,
                    ..Index::default()
                });
                have.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
        for u in &want.unique {
            if let Some(pos) = have
                .indexes
                .iter()
                .position(|i| i.name == u.name && i.unique)
            {
                let ix = &have.indexes[pos];
                if ix.storing.is_empty() && ix.predicate.is_none() && ix.sharded_buckets.is_none() {
                    let ix = have.indexes.remove(pos);
                    have.unique.push(UniqueConstraint {
                        name: ix.name,
                        columns: ix.columns.into_iter().map(|c| c.name).collect(),
                        ..Default::default()
                    });
                    have.unique.sort_by(|a, b| a.name.cmp(&b.name));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{index_opclasses, parse_fk, parse_raw_zone};
    use crate::model::types::{Constraints, ZoneConfig, ZONE_FIELDS};

    /// Row shapes as CockroachDB writes them: crdb_internal.table_indexes' create_statement
    /// (pkg/sql/catalog/catformat, an inverted trigram index) and SHOW CONSTRAINTS' details
    /// (a MATCH FULL foreign key).
    #[test]
    fn operator_classes_and_match_full_are_read_back() {
        assert_eq!(
            index_opclasses(
                "CREATE INDEX t_name_idx ON db.public.t USING GIN (name gin_trgm_ops, id ASC)"
            ),
            [("name".to_string(), "gin_trgm_ops".to_string())]
        );
        assert!(index_opclasses("CREATE INDEX t_k_idx ON db.public.t (k DESC)").is_empty());
        let fk = parse_fk(
            "b_a",
            "FOREIGN KEY (a_id, a_k) REFERENCES public.a(id, k) MATCH FULL ON DELETE CASCADE",
        )
        .unwrap();
        assert!(fk.match_full && !fk.deferrable);
        assert_eq!(fk.ref_columns, ["id", "k"]);
    }

    /// The catalog parser reads back every field `CONFIGURE ZONE` writes: a field added to
    /// `ZONE_FIELDS` without a branch in `parse_raw_zone` fails here.
    #[test]
    fn every_zone_field_round_trips_through_raw_config_sql() {
        let z = ZoneConfig {
            num_replicas: Some(5),
            num_voters: Some(3),
            gc_ttlseconds: Some(600),
            range_min_bytes: Some(1 << 20),
            range_max_bytes: Some(1 << 26),
            constraints: Some(Constraints::PerReplica(
                [("+region=a".to_string(), 1)].into(),
            )),
            voter_constraints: Some(Constraints::All(vec!["+region=b".into()])),
            lease_preferences: Some(vec![vec!["+region=a".into()]]),
            global_reads: Some(true),
            override_multi_region: false,
        };
        let settings = z.settings();
        assert_eq!(settings.len(), ZONE_FIELDS.len(), "every field is set");
        let body: Vec<String> = settings
            .iter()
            .map(|(k, v)| format!("\t{k} = {v}"))
            .collect();
        let raw = format!("ALTER TABLE t CONFIGURE ZONE USING\n{}", body.join(",\n"));
        assert_eq!(parse_raw_zone(&raw).unwrap(), z, "{raw}");
    }
}
