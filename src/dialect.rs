//! dialect: THE capability table. One row per dialect feature in `FEATURES`: what a dialect
//! that has it renders, what one without it renders instead (or leaves out), and how the
//! catalog reader and drift treat what was not rendered. Everything that depends on a dialect's
//! capabilities reads this table:
//! - the templates test `supports.<flag>` (a kind template's context) or
//!   `dialect|supports("<flag>")` (inside a macro) instead of naming a dialect;
//! - `left_out` counts, for the plan's "left out" line, what a rendering dropped;
//! - `project` turns the desired model into what a server of the dialect can hold, so drift
//!   never reports what was never rendered.
//!
//! Stage: may import model and diff; render and catalog read it (docs/architecture.md).
//!
//! Adding a dialect feature is one row here plus the template that tests its flag;
//! `docs/dialects.md` is checked against this table by a test.
//!
//! Imports: model and diff only (render, catalog and drift import this).

use crate::diff::Change;
pub use crate::model::types::Dialect;
use crate::model::types::{Model, Placement, SurvivalGoal, ZoneExtensions};
use std::collections::{BTreeMap, BTreeSet};

/// One thing the dialects do differently.
#[derive(Debug)]
pub struct Feature {
    /// The template flag: `supports.<flag>` is true for the dialects in `dialects`.
    pub flag: &'static str,
    /// The dialects that render the feature.
    pub dialects: &'static [Dialect],
    /// What those dialects render.
    pub renders: &'static str,
    /// What the other dialects render instead; "nothing" when they leave it out.
    pub otherwise: &'static str,
    /// How the catalog reader and drift treat the feature on a dialect without it.
    pub catalog: &'static str,
    /// Set when a dialect without the feature drops it (rather than spelling it differently):
    /// how the plan's left-out line names and counts it.
    pub left_out: Option<LeftOut>,
    /// SQL that only a dialect with the feature writes (a test checks the templates against
    /// it, and against `left_out`).
    pub sql: &'static [&'static str],
    /// The desired model as a server without the feature holds it.
    pub project: fn(&mut Model),
}

/// How the left-out line counts a dropped feature.
#[derive(Debug)]
pub struct LeftOut {
    /// As the line names it, e.g. `zone configs`.
    pub label: &'static str,
    pub tally: Tally,
    /// How many of the feature's settings a change carries (0: none).
    pub count: fn(&Change) -> usize,
}

/// How counts become a left-out entry.
#[derive(Debug, Clone, Copy)]
pub enum Tally {
    /// `label (3 tables)`: distinct tables.
    Tables,
    /// `label (3)`: settings.
    Count,
    /// `label`: present or not.
    Present,
    /// `label (players.home_region, orders.region)`: the `table.column`s a change drops it
    /// from, named (a user reading the line must find the column whose default went away);
    /// past [`NAMED_COLUMNS`], `... and 7 more`.
    Columns(fn(&Change) -> Vec<String>),
}

/// How many columns a `Tally::Columns` entry names before `... and N more`.
pub const NAMED_COLUMNS: usize = 5;

impl Feature {
    pub fn supported_by(&self, dialect: Dialect) -> bool {
        self.dialects.contains(&dialect)
    }
}

const CRDB: &[Dialect] = &[Dialect::Cockroach];
const PG: &[Dialect] = &[Dialect::Postgres];

fn none(_: &mut Model) {}

fn one_if(yes: bool) -> usize {
    usize::from(yes)
}

/// THE table. The order of the left-out rows is the order of the left-out line.
pub const FEATURES: &[Feature] = &[
    Feature {
        flag: "locality",
        dialects: CRDB,
        renders: "`LOCALITY GLOBAL | REGIONAL BY TABLE IN ... | REGIONAL BY ROW` on CREATE TABLE (multi-region databases) and `ALTER TABLE ... SET LOCALITY`",
        otherwise: "nothing",
        catalog: "PostgreSQL has no locality; drift compares without the model's `locality`",
        left_out: Some(LeftOut {
            label: "locality",
            tally: Tally::Tables,
            count: |c| match c {
                Change::CreateTable { table } => one_if(table.locality.is_some()),
                Change::SetLocality { .. } => 1,
                _ => 0,
            },
        }),
        // `) LOCALITY` in CREATE TABLE, `SET LOCALITY`; not the `ALTER LOCALITY` of a zone
        // config extension (zone_config_extensions).
        sql: &[") LOCALITY", "SET LOCALITY"],
        project: |m| {
            for t in m.tables.values_mut() {
                t.locality = None;
            }
        },
    },
    Feature {
        flag: "zone_configs",
        dialects: CRDB,
        renders: "`ALTER ... CONFIGURE ZONE USING ...` / `DISCARD` for the database, named ranges, tables and indexes",
        otherwise: "nothing",
        catalog: "PostgreSQL has no zones; drift compares without the model's zones",
        left_out: Some(LeftOut {
            label: "zone configs",
            tally: Tally::Count,
            count: |c| one_if(matches!(c, Change::ConfigureZone { .. })),
        }),
        sql: &["CONFIGURE ZONE"],
        project: |m| {
            m.database.zone = None;
            m.database.range_zones.clear();
            m.database.zone_extensions = ZoneExtensions::default();
            for t in m.tables.values_mut() {
                t.zone = None;
                for i in &mut t.indexes {
                    i.zone = None;
                }
            }
        },
    },
    Feature {
        flag: "zone_config_extensions",
        dialects: CRDB,
        renders: "`ALTER DATABASE ... ALTER LOCALITY {GLOBAL | REGIONAL [IN r]} CONFIGURE ZONE USING ...` / `DISCARD` (`zone_extensions:` in regions.yaml)",
        otherwise: "nothing",
        catalog: "PostgreSQL has no zones; drift compares without the model's zone extensions",
        // Each is also one of the zone configs (a `ConfigureZone`), counted there too.
        left_out: Some(LeftOut {
            label: "zone config extensions",
            tally: Tally::Count,
            count: |c| {
                one_if(matches!(
                    c,
                    Change::ConfigureZone {
                        target: crate::diff::ZoneTarget::Extension { .. },
                        ..
                    }
                ))
            },
        }),
        sql: &["ALTER LOCALITY"],
        project: |m| {
            m.database.zone_extensions = ZoneExtensions::default();
        },
    },
    Feature {
        flag: "regions",
        dialects: CRDB,
        renders: "`ALTER DATABASE ... SET PRIMARY REGION / ADD REGION / DROP REGION / SET SECONDARY REGION / DROP SECONDARY REGION`; the region column type `crdb_internal_region`",
        otherwise: "nothing; a `crdb_internal_region` column is `TEXT`",
        catalog: "PostgreSQL has no regions; drift compares without the model's regions and reads a region column as `STRING`",
        left_out: Some(LeftOut {
            label: "regions",
            tally: Tally::Present,
            count: |c| {
                one_if(matches!(
                    c,
                    Change::SetPrimaryRegion { .. }
                        | Change::AddRegion { .. }
                        | Change::DropRegion { .. }
                        | Change::SetSecondaryRegion { .. }
                        | Change::DropSecondaryRegion { .. }
                ))
            },
        }),
        sql: &[
            "SET PRIMARY REGION",
            "ADD REGION",
            "DROP REGION",
            "SECONDARY REGION",
        ],
        project: |m| {
            m.database.primary_region = None;
            m.database.regions.clear();
            m.database.secondary_region = None;
            for t in m.tables.values_mut() {
                for c in &mut t.columns {
                    if c.ty == "crdb_internal_region" {
                        c.ty = "STRING".into();
                    }
                }
            }
        },
    },
    Feature {
        flag: "survival_goal",
        dialects: CRDB,
        renders: "`ALTER DATABASE ... SURVIVE ZONE | REGION FAILURE`",
        otherwise: "nothing",
        catalog: "drift compares with the default survival goal",
        left_out: Some(LeftOut {
            label: "survival goal",
            tally: Tally::Present,
            count: |c| one_if(matches!(c, Change::SetSurvivalGoal { .. })),
        }),
        sql: &["SURVIVE"],
        project: |m| m.database.survival_goal = SurvivalGoal::default(),
    },
    Feature {
        flag: "placement",
        dialects: CRDB,
        renders: "`ALTER DATABASE ... PLACEMENT DEFAULT | RESTRICTED`",
        otherwise: "nothing",
        catalog: "drift compares with the default placement",
        left_out: Some(LeftOut {
            label: "placement",
            tally: Tally::Present,
            count: |c| one_if(matches!(c, Change::SetPlacement { .. })),
        }),
        sql: &["PLACEMENT"],
        project: |m| m.database.placement = Placement::default(),
    },
    Feature {
        flag: "super_regions",
        dialects: CRDB,
        renders: "`ALTER DATABASE ... ADD / ALTER / DROP SUPER REGION`",
        otherwise: "nothing",
        catalog: "drift compares without the model's super regions",
        left_out: Some(LeftOut {
            label: "super regions",
            tally: Tally::Present,
            count: |c| {
                one_if(matches!(
                    c,
                    Change::AddSuperRegion { .. }
                        | Change::AlterSuperRegion { .. }
                        | Change::DropSuperRegion { .. }
                ))
            },
        }),
        sql: &["SUPER REGION"],
        project: |m| m.database.super_regions.clear(),
    },
    Feature {
        flag: "row_level_ttl",
        dialects: CRDB,
        renders: "`WITH (ttl_expire_after = ..., ttl_job_cron = ..., ...)` on CREATE TABLE (every `ttl_*` storage parameter of `ttl:`), `ALTER TABLE ... SET (ttl_... = ...)` then `RESET (ttl_...)` of the parameters no longer set, and `RESET (ttl)`",
        otherwise: "nothing",
        catalog: "drift compares without the model's `ttl`",
        left_out: Some(LeftOut {
            label: "row-level TTL",
            tally: Tally::Count,
            count: |c| match c {
                Change::CreateTable { table } => one_if(table.ttl.is_some()),
                Change::SetTtl { .. } | Change::ResetTtl { .. } => 1,
                _ => 0,
            },
        }),
        sql: &["ttl_expire_after", "RESET (ttl)"],
        project: |m| {
            for t in m.tables.values_mut() {
                t.ttl = None;
            }
        },
    },
    Feature {
        flag: "column_families",
        dialects: CRDB,
        renders: "`FAMILY name (cols)` in CREATE TABLE for a table with `families:`, and `ADD COLUMN ... FAMILY f` / `CREATE IF NOT EXISTS FAMILY f` for a column added to one (or added again: a recomputed column)",
        otherwise: "nothing: PostgreSQL stores a row as one tuple; the model's `families:` is accepted and left out",
        catalog: "the CockroachDB reader reads the `FAMILY` lines of SHOW CREATE TABLE; drift on PostgreSQL compares without the model's `families`",
        left_out: Some(LeftOut {
            label: "column families",
            tally: Tally::Tables,
            count: |c| match c {
                Change::CreateTable { table } => one_if(!table.families.is_empty()),
                Change::AddColumn { family, .. }
                | Change::ReplaceComputedColumn { family, .. } => one_if(family.is_some()),
                _ => 0,
            },
        }),
        sql: &["FAMILY "],
        project: |m| {
            for t in m.tables.values_mut() {
                t.families.clear();
            }
        },
    },
    Feature {
        flag: "backup_schedules",
        dialects: CRDB,
        renders: "`CREATE SCHEDULE IF NOT EXISTS 'label' FOR BACKUP ... INTO 'external://...'`, `ALTER BACKUP SCHEDULE :schedule_id SET ...` under a `-- bmdb:backup-schedule-id 'label'` line (apply puts in the schedule's id), and `DROP SCHEDULES WITH s AS (SHOW SCHEDULES FOR BACKUP) SELECT id FROM s WHERE label = '...'` (a changed target is dropped and created again)",
        otherwise: "nothing",
        catalog: "PostgreSQL has no backup schedules; drift compares without the model's schedules",
        left_out: Some(LeftOut {
            label: "backup schedules",
            tally: Tally::Count,
            count: |c| {
                one_if(matches!(
                    c,
                    Change::CreateBackupSchedule { .. }
                        | Change::AlterBackupSchedule { .. }
                        | Change::DropBackupSchedule { .. }
                ))
            },
        }),
        sql: &["CREATE SCHEDULE", "ALTER BACKUP SCHEDULE", "DROP SCHEDULES"],
        project: |m| m.database.backup_schedules = None,
    },
    Feature {
        flag: "hash_sharded_indexes",
        dialects: CRDB,
        renders: "`USING HASH ... WITH (bucket_count = n)` on CREATE INDEX",
        otherwise: "a plain index on the same columns",
        catalog: "drift compares the index without `sharded_buckets`",
        left_out: Some(LeftOut {
            label: "hash sharding",
            tally: Tally::Count,
            count: |c| match c {
                Change::CreateIndex { index, .. } => one_if(index.sharded_buckets.is_some()),
                _ => 0,
            },
        }),
        sql: &["USING HASH", "bucket_count"],
        project: |m| {
            for t in m.tables.values_mut() {
                for i in &mut t.indexes {
                    i.sharded_buckets = None;
                }
            }
        },
    },
    Feature {
        flag: "deferrable_constraints",
        dialects: PG,
        renders: "`DEFERRABLE` / `DEFERRABLE INITIALLY DEFERRED` on a foreign key (`deferrable`, `initially_deferred`)",
        otherwise: "nothing: CockroachDB has no deferred constraints (its grammar takes no DEFERRABLE on a constraint); the foreign key is checked at once",
        catalog: "the PostgreSQL reader reads `condeferrable` / `condeferred`; drift on CockroachDB compares the foreign key without them",
        left_out: Some(LeftOut {
            label: "deferrable foreign keys",
            tally: Tally::Count,
            count: |c| match c {
                Change::CreateTable { table } => {
                    table.foreign_keys.iter().filter(|f| f.deferrable).count()
                }
                Change::AddForeignKey { foreign_key, .. } => one_if(foreign_key.deferrable),
                _ => 0,
            },
        }),
        sql: &["DEFERRABLE"],
        project: |m| {
            for t in m.tables.values_mut() {
                for f in &mut t.foreign_keys {
                    f.deferrable = false;
                    f.initially_deferred = false;
                }
            }
        },
    },
    Feature {
        flag: "nulls_not_distinct",
        dialects: PG,
        renders: "`UNIQUE NULLS NOT DISTINCT (...)` for a unique constraint with `nulls_not_distinct: true` (PostgreSQL 15)",
        otherwise: "a plain `UNIQUE (...)`: CockroachDB has no NULLS NOT DISTINCT, two NULLs never collide",
        catalog: "the PostgreSQL reader reads it from the constraint's definition; drift on CockroachDB compares the constraint without it",
        left_out: Some(LeftOut {
            label: "NULLS NOT DISTINCT",
            tally: Tally::Count,
            count: |c| match c {
                Change::CreateTable { table } => {
                    table.unique.iter().filter(|u| u.nulls_not_distinct).count()
                }
                Change::AddUnique { unique, .. } => one_if(unique.nulls_not_distinct),
                _ => 0,
            },
        }),
        sql: &["NULLS NOT DISTINCT"],
        project: |m| {
            for t in m.tables.values_mut() {
                for u in &mut t.unique {
                    u.nulls_not_distinct = false;
                }
            }
        },
    },
    Feature {
        flag: "index_nulls_order",
        dialects: PG,
        renders: "`NULLS FIRST` / `NULLS LAST` on an index column (`nulls: first | last`) when it is not the direction's default",
        otherwise: "the column without it: an index on CockroachDB keeps its own order (NULLs first ascending, last descending)",
        catalog: "the PostgreSQL reader reads `indoption`; drift on CockroachDB compares the index without `nulls`",
        left_out: Some(LeftOut {
            label: "index NULLS FIRST/LAST",
            tally: Tally::Count,
            count: |c| match c {
                Change::CreateIndex { index, .. } => {
                    index.columns.iter().filter(|c| c.nulls.is_some()).count()
                }
                _ => 0,
            },
        }),
        sql: &["NULLS FIRST", "NULLS LAST"],
        project: |m| {
            for t in m.tables.values_mut() {
                for i in &mut t.indexes {
                    for c in &mut i.columns {
                        c.nulls = None;
                    }
                }
            }
        },
    },
    Feature {
        flag: "crdb_only_defaults",
        dialects: CRDB,
        renders: "column defaults calling CockroachDB-only functions (`unique_rowid()`, `gateway_region()`, the computed region column's `default_to_database_primary_region(...)`, `crdb_internal...`); portable ones such as `gen_random_uuid()` render everywhere",
        otherwise: "the column without that default",
        catalog: "drift compares the column without that default",
        left_out: Some(LeftOut {
            label: "CockroachDB-only defaults",
            tally: Tally::Columns(crdb_only_default_columns),
            count: |c| crdb_only_default_columns(c).len(),
        }),
        sql: CRDB_ONLY_FUNCTIONS,
        project: |m| {
            for t in m.tables.values_mut() {
                for c in &mut t.columns {
                    if c.default.as_deref().is_some_and(is_crdb_only_default) {
                        c.default = None;
                    }
                }
            }
        },
    },
    Feature {
        flag: "storing",
        dialects: CRDB,
        renders: "`STORING (...)` on CREATE INDEX",
        otherwise: "`INCLUDE (...)`",
        catalog: "the PostgreSQL reader reads INCLUDE columns back as `storing`",
        left_out: None,
        sql: &["STORING"],
        project: none,
    },
    Feature {
        flag: "upper_case_index_methods",
        dialects: CRDB,
        renders: "inverted and other non-btree indexes as `USING GIN` (upper case)",
        otherwise: "`USING gin` (PostgreSQL's access method name)",
        catalog: "both readers map the method to `using: gin | gist`",
        left_out: None,
        sql: &["USING GIN", "USING GIST"],
        project: none,
    },
    Feature {
        flag: "add_constraint_if_not_exists",
        dialects: CRDB,
        renders: "`ADD CONSTRAINT IF NOT EXISTS` for checks, unique constraints and foreign keys",
        otherwise: "`ADD CONSTRAINT` (PostgreSQL has no IF NOT EXISTS there)",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["ADD CONSTRAINT IF NOT EXISTS"],
        project: none,
    },
    Feature {
        flag: "create_role_if_not_exists",
        dialects: CRDB,
        renders: "`CREATE ROLE IF NOT EXISTS` (a resumed apply can run it again)",
        otherwise: "`CREATE ROLE` (PostgreSQL has no IF NOT EXISTS there; its migration runs in one transaction)",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["CREATE ROLE IF NOT EXISTS"],
        project: none,
    },
    Feature {
        flag: "create_type_if_not_exists",
        dialects: CRDB,
        renders: "`CREATE TYPE IF NOT EXISTS ... AS ENUM` (a resumed apply can run it again)",
        otherwise: "`CREATE TYPE ... AS ENUM` (PostgreSQL has no IF NOT EXISTS there; its migration runs in one transaction)",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["CREATE TYPE IF NOT EXISTS"],
        project: none,
    },
    Feature {
        flag: "create_view_if_not_exists",
        dialects: CRDB,
        renders: "`CREATE [MATERIALIZED] VIEW IF NOT EXISTS` (a resumed apply can run it again)",
        otherwise: "`CREATE [MATERIALIZED] VIEW` (its migration runs in one transaction)",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["VIEW IF NOT EXISTS"],
        project: none,
    },
    Feature {
        flag: "valid_until_null",
        dialects: CRDB,
        renders: "`VALID UNTIL NULL` to lift a role's expiry",
        otherwise: "`VALID UNTIL 'infinity'`",
        catalog: "both read back as no expiry",
        left_out: None,
        sql: &["VALID UNTIL NULL"],
        project: none,
    },
    Feature {
        flag: "grant_on_named_database",
        dialects: CRDB,
        renders: "`GRANT ... ON DATABASE` naming the project's database",
        otherwise: "a `DO` block that grants on `current_database()` (a prototype's database may be named otherwise than the model's)",
        catalog: "both read back as privileges on the database",
        left_out: None,
        sql: &["ON DATABASE {{"],
        project: none,
    },
    Feature {
        flag: "cockroach_session_defaults",
        dialects: CRDB,
        renders: "role session defaults of CockroachDB-only variables (`default_transaction_use_follower_reads` ...; `model::roles::COCKROACH_ONLY_SETTINGS`)",
        otherwise: "nothing",
        catalog: "drift compares the roles without those session defaults",
        left_out: Some(LeftOut {
            label: "CockroachDB session defaults",
            tally: Tally::Count,
            count: |c| match c {
                Change::SetRoleSetting { cockroach_only, .. }
                | Change::ResetRoleSetting { cockroach_only, .. } => one_if(*cockroach_only),
                _ => 0,
            },
        }),
        sql: &["default_transaction_use_follower_reads"],
        project: |m| {
            for r in m.roles.iter_mut().flat_map(|r| r.values_mut()) {
                r.settings
                    .retain(|s| !crate::model::roles::is_cockroach_only_setting(&s.name));
            }
        },
    },
    Feature {
        flag: "alter_primary_key",
        dialects: CRDB,
        renders: "`ALTER TABLE ... ALTER PRIMARY KEY USING COLUMNS (...)`",
        otherwise: "`DROP CONSTRAINT` of the old key, then `ADD CONSTRAINT ... PRIMARY KEY`",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["ALTER PRIMARY KEY"],
        project: none,
    },
    Feature {
        flag: "set_data_type",
        dialects: CRDB,
        renders: "`ALTER COLUMN ... SET DATA TYPE t`",
        otherwise: "`ALTER COLUMN ... TYPE t USING col::t`",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["SET DATA TYPE"],
        project: none,
    },
    Feature {
        flag: "virtual_columns",
        dialects: CRDB,
        renders: "a computed column with `virtual: true` as `GENERATED ALWAYS AS (expr) VIRTUAL`: computed when read, never stored",
        otherwise: "`GENERATED ALWAYS AS (expr) STORED` (PostgreSQL 15 has stored generated columns only; the values read are the same)",
        catalog: "the PostgreSQL reader reads the column as STORED; drift there compares it without `virtual`",
        left_out: None,
        sql: &[") VIRTUAL"],
        project: |m| {
            for t in m.tables.values_mut() {
                for c in &mut t.columns {
                    if let Some(k) = &mut c.computed {
                        k.is_virtual = false;
                    }
                }
            }
        },
    },
    Feature {
        flag: "drop_stored",
        dialects: CRDB,
        renders: "`ALTER COLUMN ... DROP STORED`: a stored computed column becomes a plain one and keeps its values",
        otherwise: "`ALTER COLUMN ... DROP EXPRESSION`",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["DROP STORED"],
        project: none,
    },
    Feature {
        flag: "table_qualified_index_names",
        dialects: CRDB,
        renders: "`DROP INDEX table@index`; a UNIQUE constraint goes with `DROP INDEX table@name CASCADE` (its backing index)",
        otherwise: "`DROP INDEX index`; `ALTER TABLE ... DROP CONSTRAINT name`",
        catalog: "no difference once applied",
        left_out: None,
        sql: &["@"],
        project: none,
    },
    Feature {
        flag: "postgis_extension",
        dialects: PG,
        renders: "`CREATE EXTENSION IF NOT EXISTS postgis;` before the steps when the model gains GEOGRAPHY/GEOMETRY columns",
        otherwise: "nothing (CockroachDB has the spatial types built in)",
        catalog: "not read back: the extension is not part of the model",
        left_out: None,
        sql: &["CREATE EXTENSION"],
        project: none,
    },
];

/// The functions a CockroachDB-only default calls (matched case-insensitively).
const CRDB_ONLY_FUNCTIONS: &[&str] = &[
    "unique_rowid(",
    "gateway_region(",
    "default_to_database_primary_region(",
    "crdb_internal",
];

/// Whether a default expression calls something only CockroachDB has.
pub fn is_crdb_only_default(expr: &str) -> bool {
    let lower = expr.to_ascii_lowercase();
    CRDB_ONLY_FUNCTIONS.iter().any(|f| lower.contains(f))
}

/// The row of a flag.
pub fn feature(flag: &str) -> Option<&'static Feature> {
    FEATURES.iter().find(|f| f.flag == flag)
}

/// Every flag with whether `dialect` has it: the templates' `supports`.
pub fn supports(dialect: Dialect) -> BTreeMap<&'static str, bool> {
    FEATURES
        .iter()
        .map(|f| (f.flag, f.supported_by(dialect)))
        .collect()
}

/// What a rendering of `changes` in `dialect` left out, one entry per feature in table order,
/// e.g. `locality (9 tables)`, `zone configs (3)`, `regions`; empty when nothing was.
pub fn left_out<'a>(changes: impl Iterator<Item = &'a Change>, dialect: Dialect) -> Vec<String> {
    let dropped: Vec<&LeftOut> = FEATURES
        .iter()
        .filter(|f| !f.supported_by(dialect))
        .filter_map(|f| f.left_out.as_ref())
        .collect();
    if dropped.is_empty() {
        return Vec::new();
    }
    let mut counts = vec![0usize; dropped.len()];
    let mut tables: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); dropped.len()];
    let changes: Vec<&Change> = changes.collect();
    for &change in &changes {
        for (i, lo) in dropped.iter().enumerate() {
            let n = (lo.count)(change);
            if n > 0 {
                counts[i] += n;
                if let Some(t) = change.table() {
                    tables[i].insert(t);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, lo) in dropped.iter().enumerate() {
        if counts[i] == 0 {
            continue;
        }
        out.push(match lo.tally {
            Tally::Tables => match tables[i].len() {
                1 => format!("{} (1 table)", lo.label),
                k => format!("{} ({k} tables)", lo.label),
            },
            Tally::Count => format!("{} ({})", lo.label, counts[i]),
            Tally::Present => lo.label.to_string(),
            Tally::Columns(names) => {
                let mut all: Vec<String> = Vec::new();
                for &change in &changes {
                    for n in names(change) {
                        if !all.contains(&n) {
                            all.push(n);
                        }
                    }
                }
                let more = all.len().saturating_sub(NAMED_COLUMNS);
                all.truncate(NAMED_COLUMNS);
                if more > 0 {
                    all.push(format!("... and {more} more"));
                }
                format!("{} ({})", lo.label, all.join(", "))
            }
        });
    }
    out
}

/// The `table.column`s whose CockroachDB-only default a change sets.
fn crdb_only_default_columns(c: &Change) -> Vec<String> {
    let crdb_only = |d: &Option<String>| d.as_deref().is_some_and(is_crdb_only_default);
    match c {
        Change::CreateTable { table } => table
            .columns
            .iter()
            .filter(|col| crdb_only(&col.default))
            .map(|col| format!("{}.{}", table.name, col.name))
            .collect(),
        Change::AddColumn { table, column, .. } if crdb_only(&column.default) => {
            vec![format!("{table}.{}", column.name)]
        }
        Change::SetColumnDefault {
            table,
            column,
            default,
        } if crdb_only(default) => vec![format!("{table}.{column}")],
        _ => Vec::new(),
    }
}

/// The model as a server of `dialect` holds it: every feature the dialect lacks projected
/// away, exactly as the rendering leaves it out, so drift never reports it.
pub fn project(model: &mut Model, dialect: Dialect) {
    model.database.dialect = dialect;
    for f in FEATURES.iter().filter(|f| !f.supported_by(dialect)) {
        (f.project)(model);
    }
}

/// The capability table as Markdown, one row per feature: what `docs/dialects.md` shows
/// between its `FEATURES` markers (a test keeps the file in step).
pub fn markdown_table() -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from(
        "| feature (`supports.<flag>`) | CockroachDB | PostgreSQL | catalog reader and drift | left-out line |\n\
         |---|---|---|---|---|\n",
    );
    for f in FEATURES {
        let dialect = |d: Dialect| {
            cell(if f.supported_by(d) {
                f.renders
            } else {
                f.otherwise
            })
        };
        let left_out = match &f.left_out {
            Some(lo) => match lo.tally {
                Tally::Tables => format!("`{} (n tables)`", lo.label),
                Tally::Count => format!("`{} (n)`", lo.label),
                Tally::Present => format!("`{}`", lo.label),
                Tally::Columns(_) => format!("`{} (table.column, ...)`", lo.label),
            },
            None => "-".to_string(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            f.flag,
            dialect(Dialect::Cockroach),
            dialect(Dialect::Postgres),
            cell(f.catalog),
            left_out
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::*;

    #[test]
    fn flags_are_unique_snake_case_and_every_row_says_what_each_dialect_does() {
        let mut seen = BTreeSet::new();
        for f in FEATURES {
            assert!(seen.insert(f.flag), "flag {} twice", f.flag);
            assert!(
                f.flag.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                f.flag
            );
            assert!(!f.dialects.is_empty(), "{}: no dialect renders it", f.flag);
            assert!(!f.renders.is_empty() && !f.otherwise.is_empty() && !f.catalog.is_empty());
            assert!(!f.sql.is_empty(), "{}: no SQL to recognise it by", f.flag);
            // A dropped feature says "nothing" or what is kept; a respelled one is not counted.
            if f.left_out.is_none() {
                assert_ne!(
                    f.otherwise, "nothing",
                    "{}: dropped but not counted",
                    f.flag
                );
            }
        }
    }

    #[test]
    fn every_flag_is_tested_by_a_built_in_template_and_templates_test_only_known_flags() {
        let sources: Vec<(&str, &str)> = crate::render::builtin_templates().collect();
        for f in FEATURES {
            let used = sources.iter().any(|(_, s)| {
                s.contains(&format!("supports.{}", f.flag))
                    || s.contains(&format!("supports(\"{}\")", f.flag))
            });
            assert!(used, "no built-in template tests the flag {}", f.flag);
        }
        for (name, source) in &sources {
            assert!(
                !source.contains("dialect ==") && !source.contains("dialect !="),
                "{name} names a dialect; test a `supports` flag instead"
            );
            for (i, _) in source.match_indices("supports") {
                let rest = &source[i + "supports".len()..];
                let flag: String = rest
                    .trim_start_matches(['.', '(', '"'])
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                assert!(feature(&flag).is_some(), "{name}: unknown flag {flag:?}");
            }
        }
    }

    /// PostgreSQL-only properties are projected out for a CockroachDB server, which never got
    /// them, and kept for a PostgreSQL one.
    #[test]
    fn postgres_only_properties_are_projected_out_on_cockroach() {
        let table = Table {
            name: "t".into(),
            unique: vec![UniqueConstraint {
                name: "u".into(),
                columns: vec!["a".into()],
                nulls_not_distinct: true,
                comment: None,
            }],
            indexes: vec![Index {
                name: "i".into(),
                columns: vec![IndexColumn {
                    name: "a".into(),
                    nulls: Some(NullsOrder::First),
                    opclass: Some("gin_trgm_ops".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            foreign_keys: vec![ForeignKey {
                name: "f".into(),
                match_full: true,
                deferrable: true,
                initially_deferred: true,
                ..Default::default()
            }],
            ..Default::default()
        };
        let model = Model {
            tables: [("t".to_string(), table)].into(),
            ..Default::default()
        };
        let mut pg = model.clone();
        project(&mut pg, Dialect::Postgres);
        assert_eq!(pg.tables, model.tables);
        let mut crdb = model.clone();
        project(&mut crdb, Dialect::Cockroach);
        let t = &crdb.tables["t"];
        assert!(!t.unique[0].nulls_not_distinct);
        let c = &t.indexes[0].columns[0];
        assert_eq!(
            (c.nulls, c.opclass.as_deref()),
            (None, Some("gin_trgm_ops"))
        );
        let f = &t.foreign_keys[0];
        assert_eq!(
            (f.match_full, f.deferrable, f.initially_deferred),
            (true, false, false)
        );
    }

    fn everything() -> Model {
        let zone = Some(ZoneConfig {
            num_replicas: Some(5),
            ..Default::default()
        });
        let database = Database {
            name: "db".into(),
            dialect: Dialect::Cockroach,
            primary_region: Some("a".into()),
            regions: vec!["a".into(), "b".into(), "c".into()],
            survival_goal: SurvivalGoal::Region,
            placement: Placement::Restricted,
            secondary_region: Some("b".into()),
            super_regions: [("s".to_string(), vec!["a".to_string()])].into(),
            zone: zone.clone(),
            range_zones: [("default".to_string(), zone.clone().unwrap())].into(),
            zone_extensions: ZoneExtensions {
                regional: zone.clone(),
                ..Default::default()
            },
            expectations: Expectations {
                stale_reads_seconds: Some(5),
                ..Default::default()
            },
            cockroach_version: Some(CrdbVersion::new(25, 2, 0)),
            ignore: vec![],
            unread: Default::default(),
            backup_schedules: Some(
                [(
                    "b".to_string(),
                    BackupSchedule {
                        label: "b".into(),
                        into: "external://b".into(),
                        recurring: "@hourly".into(),
                        full_backup: Some("@daily".into()),
                        revision_history: true,
                        on_execution_failure: "reschedule".into(),
                        on_previous_running: "wait".into(),
                        ..Default::default()
                    },
                )]
                .into(),
            ),
            schemas: ["game".to_string()].into(),
        };
        let col = |name: &str, ty: &str, default: Option<&str>| Column {
            name: name.into(),
            ty: ty.into(),
            nullable: true,
            default: default.map(String::from),
            ..Default::default()
        };
        let t = Table {
            name: "t".into(),
            columns: vec![
                col("id", "INT8", Some("unique_rowid()")),
                col("u", "UUID", Some("gen_random_uuid()")),
                col("r", "crdb_internal_region", Some("gateway_region()")),
            ],
            locality: Some(Locality::Global),
            ttl: Some(Ttl {
                expire_after: Some("1 day".into()),
                ..Default::default()
            }),
            zone: zone.clone(),
            indexes: vec![Index {
                name: "i".into(),
                sharded_buckets: Some(8),
                zone,
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut m = Model {
            database,
            ..Default::default()
        };
        m.tables.insert("t".into(), t);
        m
    }

    #[test]
    fn postgres_projection_leaves_only_what_postgres_holds() {
        let mut m = everything();
        project(&mut m, Dialect::Postgres);
        // The database keeps only what every dialect has: every other field is some row's.
        let want = Database {
            name: "db".into(),
            dialect: Dialect::Postgres,
            expectations: m.database.expectations.clone(),
            // project metadata, not a schema property: kept whatever the dialect
            cockroach_version: m.database.cockroach_version,
            // both dialects have schemas
            schemas: m.database.schemas.clone(),
            ..Database::default()
        };
        assert_eq!(m.database, want);
        let t = &m.tables["t"];
        assert_eq!(t.locality, None);
        assert_eq!(t.ttl, None);
        assert_eq!(t.zone, None);
        assert_eq!(t.indexes[0].sharded_buckets, None);
        assert_eq!(t.indexes[0].zone, None);
        let defaults: Vec<Option<&str>> = t.columns.iter().map(|c| c.default.as_deref()).collect();
        assert_eq!(defaults, vec![None, Some("gen_random_uuid()"), None]);
        assert_eq!(t.columns[2].ty, "STRING");

        let mut crdb = everything();
        project(&mut crdb, Dialect::Cockroach);
        assert_eq!(crdb, everything(), "CockroachDB holds everything");
    }

    #[test]
    fn left_out_counts_per_row_in_table_order() {
        let m = everything();
        let t = m.tables["t"].clone();
        let changes = [
            Change::SetPlacement {
                database: "db".into(),
                from: Placement::Default,
                to: Placement::Restricted,
            },
            Change::CreateTable { table: t },
            Change::SetLocality {
                table: "u".into(),
                from: None,
                to: Some(Locality::Global),
            },
            Change::SetLocality {
                table: "u".into(),
                from: Some(Locality::Global),
                to: None,
            },
        ];
        assert_eq!(
            left_out(changes.iter(), Dialect::Postgres),
            vec![
                "locality (2 tables)",
                "placement",
                "row-level TTL (1)",
                "CockroachDB-only defaults (t.id, t.r)"
            ]
        );
        assert!(left_out(changes.iter(), Dialect::Cockroach).is_empty());
    }

    #[test]
    fn left_out_defaults_name_their_columns_once_and_cut_long_lists() {
        let set = |table: &str, column: &str, default: &str| Change::SetColumnDefault {
            table: table.into(),
            column: column.into(),
            default: Some(default.into()),
        };
        let mut changes = vec![
            set("players", "home_region", "gateway_region()"),
            set("players", "home_region", "gateway_region()"),
            set("players", "created", "now()"),
        ];
        assert_eq!(
            left_out(changes.iter(), Dialect::Postgres),
            vec!["CockroachDB-only defaults (players.home_region)"]
        );
        changes.extend((0..7).map(|i| set("t", &format!("c{i}"), "unique_rowid()")));
        assert_eq!(
            left_out(changes.iter(), Dialect::Postgres),
            vec![
                "CockroachDB-only defaults (players.home_region, t.c0, t.c1, t.c2, t.c3, ... and 3 more)"
            ]
        );
    }

    #[test]
    fn crdb_only_defaults_are_recognised() {
        assert!(is_crdb_only_default("unique_rowid()"));
        assert!(is_crdb_only_default(
            "default_to_database_primary_region(gateway_region())::crdb_internal_region"
        ));
        assert!(is_crdb_only_default("crdb_internal.cluster_id()"));
        assert!(is_crdb_only_default("UNIQUE_ROWID()"));
        assert!(!is_crdb_only_default("gen_random_uuid()"));
        assert!(!is_crdb_only_default("now()"));
    }

    /// docs/dialects.md shows the table as it is; `BMDB_BLESS=1` rewrites its table.
    #[test]
    fn the_dialects_doc_shows_the_capability_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dialects.md");
        let doc = std::fs::read_to_string(&path).expect("docs/dialects.md reads");
        let (begin, end) = ("<!-- FEATURES:BEGIN -->\n", "<!-- FEATURES:END -->");
        let start = doc.find(begin).expect("begin marker") + begin.len();
        let stop = doc.find(end).expect("end marker");
        let want = markdown_table();
        if std::env::var_os("BMDB_BLESS").is_some() {
            let text = format!("{}{want}{}", &doc[..start], &doc[stop..]);
            std::fs::write(&path, text).unwrap();
            return;
        }
        assert_eq!(
            &doc[start..stop],
            want,
            "docs/dialects.md is out of date: BMDB_BLESS=1 cargo test --lib dialect rewrites it"
        );
    }
}
