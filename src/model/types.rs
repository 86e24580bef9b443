//! The normalised model: what the YAML says after aliases and defaults are folded
//! away. The lock file stores exactly this, and the live catalog readers produce it,
//! so any two `Model`s can be compared field by field.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    #[default]
    Cockroach,
    Postgres,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Cockroach => "cockroach",
            Dialect::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SurvivalGoal {
    #[default]
    Zone,
    Region,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    #[default]
    Default,
    Restricted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Model {
    pub database: Database,
    /// Keyed by table name.
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Database {
    pub name: String,
    pub dialect: Dialect,
    /// Set means the database is multi-region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<String>,
    /// Every database region, primary included, sorted (CockroachDB treats them as a set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(default)]
    pub survival_goal: SurvivalGoal,
    #[serde(default)]
    pub placement: Placement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_region: Option<String>,
    /// Super region name -> member regions (sorted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub super_regions: BTreeMap<String, Vec<String>>,
    /// The database's own zone (`zones: database:` in regions.yaml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<ZoneConfig>,
    /// Named ranges (`zones: range default:` -> key "default").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub range_zones: BTreeMap<String, ZoneConfig>,
    #[serde(default, skip_serializing_if = "Expectations::is_empty")]
    pub expectations: Expectations,
}

impl Database {
    pub fn is_multi_region(&self) -> bool {
        self.primary_region.is_some()
    }
}

/// What the application relies on; checked against zone configs (issue: zones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Expectations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_reads_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_interval_seconds: Option<u64>,
}

impl Expectations {
    pub fn is_empty(&self) -> bool {
        self.stale_reads_seconds.is_none() && self.backup_interval_seconds.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Table {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Always `Some` on a multi-region cockroach model after normalisation
    /// (no locality written = REGIONAL BY TABLE IN PRIMARY REGION); `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<Locality>,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique: Vec<UniqueConstraint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<Ttl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<ZoneConfig>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
    /// Catalogs list constraints and indexes in no model order: sort them by name.
    pub fn sort_named_by_name(&mut self) {
        self.unique.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Column {
    pub name: String,
    /// Canonical type name, upper case, CockroachDB spelling: INT8, INT4, STRING,
    /// FLOAT8, TIMESTAMPTZ, GEOGRAPHY(POINT,4326), VARCHAR(32), crdb_internal_region ...
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub nullable: bool,
    /// SQL expression, passed through as written (trimmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Only meaningful in the desired model; never stored in the lock state.
    #[serde(default, skip_serializing)]
    pub renamed_from: Option<String>,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PrimaryKey {
    /// Always named (`<table>_pkey` unless the model says otherwise).
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UniqueConstraint {
    /// Always named (`<table>_<cols>_key` unless the model says otherwise).
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum IndexMethod {
    #[default]
    Btree,
    Gin,
    Gist,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IndexColumn {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub desc: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Index {
    /// Always named (`<table>_<cols>_idx` unless the model says otherwise).
    pub name: String,
    pub columns: Vec<IndexColumn>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "is_btree")]
    pub using: IndexMethod,
    /// Hash-sharded bucket count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharded_buckets: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storing: Vec<String>,
    /// Partial index predicate, passed through as written.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<ZoneConfig>,
}

fn is_btree(m: &IndexMethod) -> bool {
    *m == IndexMethod::Btree
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ForeignKey {
    /// Always named (`<table>_<cols>_fkey` unless the model says otherwise).
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "is_no_action")]
    pub on_delete: FkAction,
    #[serde(default, skip_serializing_if = "is_no_action")]
    pub on_update: FkAction,
}

fn is_no_action(a: &FkAction) -> bool {
    *a == FkAction::NoAction
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Check {
    pub name: String,
    pub expr: String,
}

/// CockroachDB row-level TTL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ttl {
    /// An INTERVAL literal as written, e.g. "90 days".
    pub expire_after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locality {
    Global,
    /// `None` = IN PRIMARY REGION.
    RegionalByTable {
        region: Option<String>,
    },
    /// `None` = the hidden `crdb_region` column CockroachDB adds.
    RegionalByRow {
        column: Option<String>,
    },
}

impl Locality {
    /// A change to or from REGIONAL BY ROW swaps the primary key and rewrites every index.
    pub fn rewrites_to(&self, other: &Locality) -> bool {
        let rbr = |l: &Locality| matches!(l, Locality::RegionalByRow { .. });
        (rbr(self) || rbr(other)) && self != other
    }
}

/// Zone configuration variables as CockroachDB names them; only the fields set on
/// this zone (the rest inherit from the parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ZoneConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_voters: Option<u32>,
    #[serde(
        default,
        rename = "gc.ttlseconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub gc_ttlseconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_min_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_max_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voter_constraints: Option<Constraints>,
    /// Ordered preferences, each a list of constraints like "+region=us-east-1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_preferences: Option<Vec<Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_reads: Option<bool>,
    /// Not a CockroachDB variable: the model's explicit consent to set a field that
    /// the multi-region machinery manages.
    #[serde(default, skip_serializing_if = "is_false")]
    pub override_multi_region: bool,
}

impl ZoneConfig {
    /// Fields CockroachDB's multi-region machinery manages (crdb-reference §3.4).
    pub const PROTECTED_FIELDS: [&'static str; 6] = [
        "num_replicas",
        "num_voters",
        "constraints",
        "voter_constraints",
        "lease_preferences",
        "global_reads",
    ];

    pub fn is_empty(&self) -> bool {
        self.settings().is_empty()
    }

    /// `(variable, SQL value)` pairs in CockroachDB's order, ready for `CONFIGURE ZONE USING`.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(v) = self.range_min_bytes {
            out.push(("range_min_bytes", v.to_string()));
        }
        if let Some(v) = self.range_max_bytes {
            out.push(("range_max_bytes", v.to_string()));
        }
        if let Some(v) = self.gc_ttlseconds {
            out.push(("gc.ttlseconds", v.to_string()));
        }
        if let Some(v) = self.global_reads {
            out.push(("global_reads", v.to_string()));
        }
        if let Some(v) = self.num_replicas {
            out.push(("num_replicas", v.to_string()));
        }
        if let Some(v) = self.num_voters {
            out.push(("num_voters", v.to_string()));
        }
        if let Some(c) = &self.constraints {
            out.push(("constraints", sql_string(&c.to_crdb())));
        }
        if let Some(c) = &self.voter_constraints {
            out.push(("voter_constraints", sql_string(&c.to_crdb())));
        }
        if let Some(lp) = &self.lease_preferences {
            out.push((
                "lease_preferences",
                sql_string(&lease_preferences_to_crdb(lp)),
            ));
        }
        out
    }

    /// The protected fields this zone sets.
    pub fn protected_fields_set(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.num_replicas.is_some() {
            out.push("num_replicas");
        }
        if self.num_voters.is_some() {
            out.push("num_voters");
        }
        if self.constraints.is_some() {
            out.push("constraints");
        }
        if self.voter_constraints.is_some() {
            out.push("voter_constraints");
        }
        if self.lease_preferences.is_some() {
            out.push("lease_preferences");
        }
        if self.global_reads.is_some() {
            out.push("global_reads");
        }
        out
    }
}

/// A replica constraint set: `[+region=a, -disk=hdd]` applies to all replicas;
/// `{+region=a: 2}` pins a number of replicas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Constraints {
    All(Vec<String>),
    PerReplica(BTreeMap<String, u32>),
}

impl Constraints {
    /// The value CockroachDB accepts after `constraints =` (unquoted).
    pub fn to_crdb(&self) -> String {
        match self {
            Constraints::All(list) => format!("[{}]", list.join(", ")),
            Constraints::PerReplica(map) => {
                let parts: Vec<String> = map.iter().map(|(k, n)| format!("\"{k}\": {n}")).collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }
    /// Replicas pinned by a per-replica map (0 for the list form), summed in u64 so that
    /// counts near u32::MAX cannot wrap around to a small total.
    pub fn pinned(&self) -> u64 {
        match self {
            Constraints::All(_) => 0,
            Constraints::PerReplica(m) => m
                .values()
                .fold(0u64, |sum, n| sum.saturating_add(u64::from(*n))),
        }
    }
}

pub fn lease_preferences_to_crdb(lp: &[Vec<String>]) -> String {
    let parts: Vec<String> = lp.iter().map(|p| format!("[{}]", p.join(", "))).collect();
    format!("[{}]", parts.join(", "))
}

/// A SQL string literal, single quotes doubled.
pub fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
