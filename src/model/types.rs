//! The normalised model: what the YAML says after aliases and defaults are folded
//! away. The lock file stores exactly this, and the live catalog readers produce it,
//! so any two `Model`s can be compared field by field.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// The cluster's roles, keyed by name, when the project manages them (it has a
    /// `roles.yaml`); `None` leaves the server's roles alone (docs/roles.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<BTreeMap<String, Role>>,
    /// Enum types (`types/*.yaml`), keyed by name (docs/model.md "Enum types").
    /// CockroachDB's `crdb_internal_region` is never one of them: it is the database's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enums: BTreeMap<String, EnumType>,
    /// Views and materialized views (`views/*.yaml`), keyed by name (docs/model.md "Views").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub views: BTreeMap<String, View>,
    /// Sequences (`sequences/*.yaml`), keyed by name (docs/model.md "Sequences"). A SERIAL
    /// column's own sequence on PostgreSQL is the column's, never one of these.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, Sequence>,
}

/// `CREATE SEQUENCE name INCREMENT BY .. MINVALUE .. MAXVALUE .. START WITH .. CACHE ..
/// [CYCLE]`, every option with its value (the loader fills in the servers' defaults, which
/// both dialects share for a BIGINT sequence), and `OWNED BY table.column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    /// PostgreSQL only: CockroachDB has no CYCLE (the loader refuses it there).
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<SequenceOwner>,
    /// `AS smallint | integer` (`as:` in the model): `INT2` or `INT4`; `None` is bigint
    /// (`INT8`), both servers' default. The default range follows it
    /// ([`default_sequence_range`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// The name it had (`renamed_from:`): `ALTER SEQUENCE old RENAME TO name` instead of a
    /// drop and a create; the defaults drawing from it and its owner follow (both servers
    /// keep a sequence's identity, not its name, in a default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

/// The column a sequence belongs to: dropped with it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SequenceOwner {
    pub table: String,
    pub column: String,
}

impl std::fmt::Display for SequenceOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table, self.column)
    }
}

impl Sequence {
    /// A sequence with the servers' defaults for `increment` (1 when `None`): ascending
    /// from 1 to 2^63-1, descending from -1 to -2^63, starting at the end it counts from,
    /// cache 1, no cycle.
    pub fn with_defaults(name: &str, increment: Option<i64>) -> Sequence {
        let increment = increment.unwrap_or(1);
        let (min_value, max_value) = Sequence::default_range(increment);
        Sequence {
            name: name.to_string(),
            start: if increment < 0 { max_value } else { min_value },
            increment,
            min_value,
            max_value,
            cache: 1,
            cycle: false,
            owned_by: None,
            data_type: None,
            renamed_from: None,
        }
    }

    /// [`Sequence::with_defaults`] for a sequence of `data_type` (`INT2`, `INT4`, `INT8`):
    /// the range defaults to the type's.
    pub fn with_type_defaults(name: &str, increment: Option<i64>, data_type: &str) -> Sequence {
        let increment = increment.unwrap_or(1);
        let (min_value, max_value) = default_sequence_range(increment, data_type);
        Sequence {
            start: if increment < 0 { max_value } else { min_value },
            min_value,
            max_value,
            data_type: (data_type != "INT8").then(|| data_type.to_string()),
            ..Sequence::with_defaults(name, Some(increment))
        }
    }

    /// The default MINVALUE and MAXVALUE of a BIGINT sequence counting by `increment`.
    pub fn default_range(increment: i64) -> (i64, i64) {
        default_sequence_range(increment, "INT8")
    }

    /// `INT2`, `INT4` or `INT8`.
    pub fn ty(&self) -> &str {
        self.data_type.as_deref().unwrap_or("INT8")
    }

    /// `SMALLINT`, `INTEGER` or `BIGINT`: the spelling both servers take after `AS`.
    pub fn sql_type(&self) -> &'static str {
        match self.ty() {
            "INT2" => "SMALLINT",
            "INT4" => "INTEGER",
            _ => "BIGINT",
        }
    }

    /// The model's `INT2` / `INT4` / `INT8` of a sequence type as a server or a model spells
    /// it (`smallint`, `integer`, `bigint`, `int2`, `int4`, `int8`, any case); `None` for
    /// anything else (`int` too: INT4 on PostgreSQL, INT8 on CockroachDB).
    pub fn data_type_of(spelled: &str) -> Option<&'static str> {
        match spelled.trim().to_ascii_lowercase().as_str() {
            "smallint" | "int2" => Some("INT2"),
            "integer" | "int4" => Some("INT4"),
            "bigint" | "int8" => Some("INT8"),
            _ => None,
        }
    }

    /// The options (without the owner and the former name), as `ALTER SEQUENCE` compares
    /// them.
    pub fn options(&self) -> Sequence {
        Sequence {
            owned_by: None,
            renamed_from: None,
            ..self.clone()
        }
    }
}

/// `CREATE [MATERIALIZED] VIEW name AS query`. The tables (and views) it reads are derived
/// from the query's identifiers (`crate::model::views::reads`), never written down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct View {
    pub name: String,
    #[serde(default)]
    pub materialized: bool,
    /// One SELECT / WITH / VALUES / TABLE statement, without a trailing `;`.
    pub query: String,
}

/// `CREATE TYPE name AS ENUM (values...)`: the values in their order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EnumType {
    pub name: String,
    pub values: Vec<String>,
    /// value -> the value it was renamed from (`renamed_from` in the model, like a column's):
    /// `ALTER TYPE ... RENAME VALUE`, never a drop and an add. Cleared before a comparison
    /// with a live database; never stored in the lock state (as a column's).
    #[serde(default, skip_serializing)]
    pub renamed_from: BTreeMap<String, String>,
}

/// A role (a user is a role with `login`). Never a password: see docs/roles.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Role {
    pub name: String,
    /// The role options that are on, by their model key (`login`, `createdb`, ...; see
    /// `crate::model::roles::ROLE_OPTIONS`), sorted; every other known option is off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// `VALID UNTIL`, normalised to `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Roles this one is a member of, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_of: Vec<String>,
    /// Session defaults (`ALTER ROLE r [IN DATABASE d] SET name = value`), sorted by
    /// (database, name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<RoleSetting>,
    /// Set by the catalog readers on the role bmdb is connected as: the operator's unless
    /// roles.yaml declares it (`catalog::reconcile` then keeps it, else leaves it out), so
    /// `bmdb apply` may run as a managed role such as BlueMarble's `migrator`. Never in a model
    /// read from files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub connected: bool,
    /// Privileges on objects, one entry per object, sorted by object (docs/roles.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
    /// `ALTER DEFAULT PRIVILEGES FOR ROLE for_role IN SCHEMA schema GRANT ... TO <this role>`,
    /// one entry per (for_role, schema, on), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_privileges: Vec<DefaultPrivilege>,
}

/// One session default of a role: `database` `None` is every database.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct RoleSetting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    pub name: String,
    pub value: String,
}

/// What a privilege is granted on. `all tables of a schema` is expanded by the loader into
/// one `Table` per table of the model, so a table added later gets its grants too.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum GrantObject {
    Database,
    Schema(String),
    Table(String),
    Sequence(String),
    Type(String),
}

impl GrantObject {
    /// `DATABASE`, `SCHEMA`, `TABLE`, `SEQUENCE`, `TYPE`: the keyword GRANT ... ON takes.
    pub fn keyword(&self) -> &'static str {
        match self {
            GrantObject::Database => "DATABASE",
            GrantObject::Schema(_) => "SCHEMA",
            GrantObject::Table(_) => "TABLE",
            GrantObject::Sequence(_) => "SEQUENCE",
            GrantObject::Type(_) => "TYPE",
        }
    }
    pub fn name(&self) -> Option<&str> {
        match self {
            GrantObject::Database => None,
            GrantObject::Schema(n)
            | GrantObject::Table(n)
            | GrantObject::Sequence(n)
            | GrantObject::Type(n) => Some(n),
        }
    }
}

impl std::fmt::Display for GrantObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            None => write!(f, "database"),
            Some(n) => write!(f, "{} {n}", self.keyword().to_ascii_lowercase()),
        }
    }
}

/// Privileges (upper-case keywords, sorted) on one object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub on: GrantObject,
    pub privileges: Vec<String>,
    /// Those of `privileges` the role holds `WITH GRANT OPTION` (may grant to others), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grantable: Vec<String>,
}

/// Default privileges a role receives on the objects `for_role` creates in `schema`;
/// `on` is `tables`, `sequences` or `types`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct DefaultPrivilege {
    pub for_role: String,
    pub schema: String,
    pub on: String,
    pub privileges: Vec<String>,
}

/// A multi-region database's zone config extensions, per locality. CockroachDB keeps them on
/// the region enum's descriptor (`RegionConfig.ZoneConfigExtensions`: `global`, `regional`,
/// `regional_in`) and applies them over what its multi-region machinery writes, beneath
/// explicit zone overrides (`pkg/sql/catalog/multiregion/region_config.go`,
/// `ExtendZoneConfigWithGlobal` / `ExtendZoneConfigWithRegionalIn`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ZoneExtensions {
    /// `ALTER LOCALITY GLOBAL`: GLOBAL tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<ZoneConfig>,
    /// `ALTER LOCALITY REGIONAL`: every REGIONAL BY TABLE table and REGIONAL BY ROW
    /// partition, and the database zone (lease_preferences not allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional: Option<ZoneConfig>,
    /// `ALTER LOCALITY REGIONAL IN "r"`: what is homed in r (the database zone for the
    /// primary region); applied after `regional`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regional_in: BTreeMap<String, ZoneConfig>,
}

/// Which extension: the locality words of `ALTER LOCALITY`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionLocality {
    Global,
    Regional,
    RegionalIn(String),
}

impl std::fmt::Display for ExtensionLocality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionLocality::Global => write!(f, "global"),
            ExtensionLocality::Regional => write!(f, "regional"),
            ExtensionLocality::RegionalIn(r) => write!(f, "regional in {r}"),
        }
    }
}

impl ZoneExtensions {
    pub fn is_empty(&self) -> bool {
        self.global.is_none() && self.regional.is_none() && self.regional_in.is_empty()
    }
    /// Every extension, keyed by locality (global, regional, then regional in, by region).
    pub fn all(&self) -> BTreeMap<ExtensionLocality, &ZoneConfig> {
        let mut out = BTreeMap::new();
        if let Some(z) = &self.global {
            out.insert(ExtensionLocality::Global, z);
        }
        if let Some(z) = &self.regional {
            out.insert(ExtensionLocality::Regional, z);
        }
        for (r, z) in &self.regional_in {
            out.insert(ExtensionLocality::RegionalIn(r.clone()), z);
        }
        out
    }
    pub fn get(&self, locality: &ExtensionLocality) -> Option<&ZoneConfig> {
        match locality {
            ExtensionLocality::Global => self.global.as_ref(),
            ExtensionLocality::Regional => self.regional.as_ref(),
            ExtensionLocality::RegionalIn(r) => self.regional_in.get(r),
        }
    }
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
    /// Zone config extensions (`zone_extensions:` in regions.yaml): `ALTER DATABASE ...
    /// ALTER LOCALITY {GLOBAL | REGIONAL [IN r]} CONFIGURE ZONE USING ...`.
    #[serde(default, skip_serializing_if = "ZoneExtensions::is_empty")]
    pub zone_extensions: ZoneExtensions,
    #[serde(default, skip_serializing_if = "Expectations::is_empty")]
    pub expectations: Expectations,
    /// The CockroachDB release the project targets (`cockroach_version:` in regions.yaml):
    /// picks the placement rules `zones show` and drift compute with. Not a schema property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cockroach_version: Option<CrdbVersion>,
    /// Live objects bmdb leaves alone on purpose (`ignore:` in regions.yaml), named as the
    /// "not managed" lines name them: `view v`, `function touch()`, `table legacy`,
    /// `enum mood`. drift, `plan --url` and inspect stop naming them, and an ignored table or
    /// enum is never planned as dropped. Not a schema property: never stored in the lock.
    #[serde(default, skip_serializing)]
    pub ignore: Vec<String>,
    /// What a catalog reader could not read, so the live model does not say (only ever set
    /// on a live model): `sequence owners` when CockroachDB's sequence descriptors were not
    /// readable (no admin role). The comparison then takes the desired model's word for it
    /// instead of planning a change from not knowing (`catalog::reconcile`). Never stored.
    #[serde(skip)]
    pub unread: BTreeSet<String>,
    /// The cluster's backup schedules keyed by label, when the project manages them (it has
    /// a `backups.yaml`); `None` leaves the server's schedules alone (docs/backups.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_schedules: Option<BTreeMap<String, BackupSchedule>>,
    /// The schemas other than `public` the database has (docs/model.md "Schemas"): in a
    /// model read from files, those regions.yaml's `schemas:` declares and every schema an
    /// object lives in; in one read from a server, every schema bmdb may manage. The
    /// objects themselves are keyed by qualified name (`crate::model::schemas`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub schemas: std::collections::BTreeSet<String>,
}

/// What a backup schedule backs up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BackupTargets {
    /// `BACKUP DATABASE <the project's database>`.
    #[default]
    Database,
    /// `BACKUP` (the whole cluster: every database, users, settings).
    Cluster,
}

/// A CockroachDB backup schedule (`CREATE SCHEDULE ... FOR BACKUP`). Never a storage
/// credential: `into` is an external connection the operator made (docs/backups.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BackupSchedule {
    /// The schedule's label (a string literal in SQL, never an identifier).
    pub label: String,
    /// `external://<connection name>`.
    pub into: String,
    #[serde(default)]
    pub targets: BackupTargets,
    /// `RECURRING`: the incremental cadence, or the full one when `full_backup` is `None`.
    pub recurring: String,
    /// `FULL BACKUP`: the full cadence; `None` is `FULL BACKUP ALWAYS` (every run is full).
    #[serde(default)]
    pub full_backup: Option<String>,
    #[serde(default)]
    pub revision_history: bool,
    /// The `first_run` schedule option: when the first full backup runs. Used when the
    /// schedule is created; CockroachDB does not keep it, so it is never compared.
    #[serde(default)]
    pub first_run: Option<String>,
    /// `retry` | `reschedule` | `pause` (CockroachDB's default: reschedule).
    pub on_execution_failure: String,
    /// `start` | `skip` | `wait` (CockroachDB's default: wait).
    pub on_previous_running: String,
}

impl BackupSchedule {
    /// The schedule as the server holds it: `first_run` only matters at creation.
    pub fn comparable(&self) -> BackupSchedule {
        BackupSchedule {
            first_run: None,
            ..self.clone()
        }
    }
}

/// A CockroachDB release, `v25.1.3` (a missing patch is `.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct CrdbVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl CrdbVersion {
    /// The oldest release whose placement rules bmdb computes (zones::rules).
    pub const OLDEST_KNOWN: CrdbVersion = CrdbVersion::new(23, 2, 0);

    pub const fn new(major: u16, minor: u16, patch: u16) -> CrdbVersion {
        CrdbVersion {
            major,
            minor,
            patch,
        }
    }

    /// `v25.1.3`, `25.2`, `v26.1.0`; also the release inside a `version()` string such as
    /// `CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu, ...)` or `v25.2.0-alpha.1`.
    pub fn parse(s: &str) -> Option<CrdbVersion> {
        let word = s.split_whitespace().find(|w| {
            w.trim_start_matches('v')
                .starts_with(|c: char| c.is_ascii_digit())
        })?;
        let core = word.trim_start_matches('v');
        let core = core.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let num = |p: Option<&str>| -> Option<u16> { p?.parse().ok() };
        let major = num(parts.next())?;
        let minor = num(parts.next())?;
        let patch = match parts.next() {
            None => 0,
            p => num(p)?,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(CrdbVersion::new(major, minor, patch))
    }
}

impl std::fmt::Display for CrdbVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl From<CrdbVersion> for String {
    fn from(v: CrdbVersion) -> String {
        v.to_string()
    }
}

impl TryFrom<String> for CrdbVersion {
    type Error = String;
    fn try_from(s: String) -> Result<CrdbVersion, String> {
        CrdbVersion::parse(&s).ok_or_else(|| format!("not a CockroachDB version: {s}"))
    }
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
    /// CockroachDB column families (`families:`); empty = CockroachDB's one family
    /// `primary` holding every column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<Family>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<Ttl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<ZoneConfig>,
    /// The primary index's own zone (`primary_key_zone:`): `ALTER INDEX t@<pk name>
    /// CONFIGURE ZONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key_zone: Option<ZoneConfig>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
    /// The column family `col` is stored in: its `families:` entry, or `primary`, the
    /// family CockroachDB gives a table created without FAMILY clauses
    /// (`tabledesc.FamilyPrimaryName`).
    pub fn family_of(&self, col: &str) -> &str {
        self.families
            .iter()
            .find(|f| f.columns.iter().any(|c| c == col))
            .map_or(PRIMARY_FAMILY, |f| f.name.as_str())
    }
    /// Catalogs list constraints and indexes in no model order: sort them by name.
    pub fn sort_named_by_name(&mut self) {
        self.unique.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// The default MINVALUE and MAXVALUE of a sequence of the integer type `ty` (INT2, INT4,
/// INT8) counting by `increment`, as PostgreSQL's CREATE SEQUENCE sets them and CockroachDB
/// follows: ascending from 1 to the type's maximum, descending from the type's minimum to -1.
/// One rule for sequences (always INT8 here) and identity columns.
pub fn default_sequence_range(increment: i64, ty: &str) -> (i64, i64) {
    if increment < 0 {
        (Identity::type_min(ty), -1)
    } else {
        (1, Identity::type_max(ty))
    }
}

/// What both servers refuse in a sequence's options (a sequence's or an identity column's),
/// the first found in this order; `min`, `max` and `start` are the values in effect, defaults
/// filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceOptionProblem {
    IncrementZero,
    MinNotBelowMax,
    StartOutside,
}

/// [`SequenceOptionProblem`] of these options, if any.
pub fn sequence_option_problem(
    increment: i64,
    min: i64,
    max: i64,
    start: i64,
) -> Option<SequenceOptionProblem> {
    if increment == 0 {
        Some(SequenceOptionProblem::IncrementZero)
    } else if min >= max {
        Some(SequenceOptionProblem::MinNotBelowMax)
    } else if start < min || start > max {
        Some(SequenceOptionProblem::StartOutside)
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Column {
    pub name: String,
    /// Canonical type name, upper case, CockroachDB spelling: INT8, INT4, STRING,
    /// FLOAT8, TIMESTAMPTZ, GEOGRAPHY(POINT,4326), VARCHAR(32), crdb_internal_region ...;
    /// or the name of one of the model's enums (lower case, `status`, `status[]`); or, with
    /// `as_written: true` in the YAML, a type bmdb does not model, exactly as written.
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
    /// `GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (...)` on an integer column (docs/model.md
    /// "Identity columns"); such a column is NOT NULL and has no `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED | VIRTUAL`: a computed column (docs/model.md
    /// "Computed columns"); it has no `default` and no `identity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<Computed>,
    /// `COLLATE name` on a string column (docs/model.md "Column collations"): the collation's
    /// name as the server spells it (`C`, `en_US`, `de`); `None` is the database default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collate: Option<String>,
}

/// A computed column's expression, passed through as written (trimmed), and whether it is
/// VIRTUAL (CockroachDB only; computed when read) rather than STORED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Computed {
    pub expr: String,
    #[serde(default, rename = "virtual", skip_serializing_if = "is_false")]
    pub is_virtual: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Generated {
    #[default]
    Always,
    ByDefault,
}

impl Generated {
    /// `ALWAYS` | `BY DEFAULT`: what `GENERATED ... AS IDENTITY` takes.
    pub fn keyword(self) -> &'static str {
        match self {
            Generated::Always => "ALWAYS",
            Generated::ByDefault => "BY DEFAULT",
        }
    }
}

/// An identity column's generation and the options of its sequence that differ from the
/// defaults (`Identity::normalised` drops a default value, so a server that spells it and a
/// model that leaves it out compare equal). No CYCLE (CockroachDB's sequences cannot cycle)
/// and no CACHE (CockroachDB's information_schema does not show an identity's cache).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Identity {
    pub generated: Generated,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
}

impl Identity {
    /// The largest value of an identity column's integer type (`INT2`, `INT4`, else `INT8`).
    pub fn type_max(ty: &str) -> i64 {
        match ty {
            "INT2" => i16::MAX as i64,
            "INT4" => i32::MAX as i64,
            _ => i64::MAX,
        }
    }
    pub fn type_min(ty: &str) -> i64 {
        match ty {
            "INT2" => i16::MIN as i64,
            "INT4" => i32::MIN as i64,
            _ => i64::MIN,
        }
    }

    /// The sequence defaults both servers apply (PostgreSQL's CREATE SEQUENCE, which
    /// CockroachDB follows): increment 1; ascending from min 1 to the type's max, descending
    /// from -1 down to the type's min; start at min (ascending) or max (descending).
    /// Each option equal to its default is dropped.
    pub fn normalised(mut self, ty: &str) -> Identity {
        let inc = self.increment.unwrap_or(1);
        let (dmin, dmax) = default_sequence_range(inc, ty);
        let (min, max) = (
            self.min_value.unwrap_or(dmin),
            self.max_value.unwrap_or(dmax),
        );
        let dstart = if inc > 0 { min } else { max };
        let drop = |v: Option<i64>, d: i64| v.filter(|v| *v != d);
        self.start = drop(self.start, dstart);
        self.increment = drop(self.increment, 1);
        self.min_value = drop(self.min_value, dmin);
        self.max_value = drop(self.max_value, dmax);
        self
    }

    /// The column's identity as CREATE TABLE and ADD ... AS IDENTITY write it:
    /// `GENERATED ALWAYS AS IDENTITY (START WITH 10)`; rendered by the `identity` filter and
    /// shown by drift.
    pub fn definition_sql(&self) -> String {
        let options = self.options_sql();
        if options.is_empty() {
            format!("GENERATED {} AS IDENTITY", self.generated.keyword())
        } else {
            format!(
                "GENERATED {} AS IDENTITY ({options})",
                self.generated.keyword()
            )
        }
    }

    /// The sequence options that differ from the defaults, as CREATE / ADD ... AS IDENTITY
    /// takes them: `START WITH 10 INCREMENT BY 5`; empty when there are none.
    pub fn options_sql(&self) -> String {
        let mut out = Vec::new();
        if let Some(v) = self.start {
            out.push(format!("START WITH {v}"));
        }
        if let Some(v) = self.increment {
            out.push(format!("INCREMENT BY {v}"));
        }
        if let Some(v) = self.min_value {
            out.push(format!("MINVALUE {v}"));
        }
        if let Some(v) = self.max_value {
            out.push(format!("MAXVALUE {v}"));
        }
        out.join(" ")
    }
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
    /// `UNIQUE NULLS NOT DISTINCT` (PostgreSQL 15): two NULLs collide.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// `COMMENT ON CONSTRAINT`: set apart from the definition (a changed comment is no
    /// rebuild).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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
    /// `NULLS FIRST | LAST`, only when it is not the default for the direction (NULLs sort
    /// last ascending and first descending on PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls: Option<NullsOrder>,
    /// An operator class (`gin_trgm_ops`, `jsonb_path_ops`), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum NullsOrder {
    First,
    Last,
}

impl NullsOrder {
    /// `None` when `nulls` is what the direction gives anyway.
    pub fn unless_default(nulls: Option<NullsOrder>, desc: bool) -> Option<NullsOrder> {
        match (nulls, desc) {
            (Some(NullsOrder::Last), false) | (Some(NullsOrder::First), true) => None,
            (n, _) => n,
        }
    }
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
    /// `COMMENT ON INDEX`: set apart from the definition (a changed comment is no rebuild).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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
    /// `MATCH FULL` (the default is MATCH SIMPLE).
    #[serde(default, skip_serializing_if = "is_false")]
    pub match_full: bool,
    /// `DEFERRABLE` (PostgreSQL; CockroachDB has no deferred constraints).
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`; only with `deferrable`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    /// `COMMENT ON CONSTRAINT`: set apart from the definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn is_no_action(a: &FkAction) -> bool {
    *a == FkAction::NoAction
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Check {
    pub name: String,
    pub expr: String,
    /// `COMMENT ON CONSTRAINT`: set apart from the definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The name of the one family of a table created without FAMILY clauses; SHOW CREATE TABLE
/// leaves a table's only family out when it has this name (`showFamilyClause`,
/// pkg/sql/show_create_clauses.go).
pub const PRIMARY_FAMILY: &str = "primary";

/// A CockroachDB column family: columns stored together as one key-value pair
/// (`FAMILY name (cols)` in CREATE TABLE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Family {
    pub name: String,
    pub columns: Vec<String>,
}

/// CockroachDB row-level TTL: the table's `ttl_*` storage parameters (cockroachdb/cockroach
/// pkg/sql/storageparam/tablestorageparam/table_storage_param.go, `tableParams`). A row
/// expires after `expire_after` (the hidden `crdb_internal_expiration` column) or when
/// `expiration_expression` (a TIMESTAMPTZ expression over the row) says; at least one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ttl {
    /// `ttl_expire_after`: an INTERVAL literal as written, e.g. "90 days".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_after: Option<String>,
    /// `ttl_expiration_expression`: SQL text, stored by CockroachDB as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_expression: Option<String>,
    /// `ttl_job_cron`: when the deletion job runs (default `@hourly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_cron: Option<String>,
    /// `ttl_select_batch_size`, `ttl_delete_batch_size`, `ttl_select_rate_limit`,
    /// `ttl_delete_rate_limit`: positive integers; unset = CockroachDB's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_batch_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_batch_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_rate_limit: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_rate_limit: Option<u64>,
    /// `ttl_pause`, `ttl_label_metrics`, `ttl_disable_changefeed_replication`: off unless
    /// `true` (SHOW CREATE TABLE prints each only when true).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pause: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub label_metrics: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_changefeed_replication: bool,
}

impl Ttl {
    /// Every storage parameter this TTL sets, as `(ttl_name, SQL value)` in CockroachDB's
    /// own order (`GetStorageParams` of pkg/sql/catalog/tabledesc/structured.go): what
    /// CREATE TABLE's `WITH (...)` and `ALTER TABLE ... SET (...)` write.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let mut out = Vec::new();
        if let Some(e) = &self.expire_after {
            out.push(("ttl_expire_after", lit(e)));
        }
        if let Some(e) = &self.expiration_expression {
            out.push(("ttl_expiration_expression", lit(e)));
        }
        if let Some(c) = &self.job_cron {
            out.push(("ttl_job_cron", lit(c)));
        }
        for (k, v) in [
            ("ttl_select_batch_size", self.select_batch_size),
            ("ttl_delete_batch_size", self.delete_batch_size),
            ("ttl_select_rate_limit", self.select_rate_limit),
            ("ttl_delete_rate_limit", self.delete_rate_limit),
        ] {
            if let Some(v) = v {
                out.push((k, v.to_string()));
            }
        }
        for (k, on) in [
            ("ttl_pause", self.pause),
            ("ttl_label_metrics", self.label_metrics),
            (
                "ttl_disable_changefeed_replication",
                self.disable_changefeed_replication,
            ),
        ] {
            if on {
                out.push((k, "true".into()));
            }
        }
        out
    }

    /// The parameters `self` sets that `to` does not: what `RESET (...)` removes when the
    /// TTL changes from `self` to `to`.
    pub fn removed_in(&self, to: &Ttl) -> Vec<&'static str> {
        let keep: Vec<&str> = to.params().into_iter().map(|(k, _)| k).collect();
        self.params()
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !keep.contains(k))
            .collect()
    }

    /// Whether two TTLs are the same setting: intervals compare by value (CockroachDB
    /// prints `'3 mons'` for a model's `3 months`), the rest as written.
    pub fn same(&self, other: &Ttl) -> bool {
        let interval = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => {
                a.trim() == b.trim()
                    || matches!(
                        (crate::model::normalize::interval_value(a), crate::model::normalize::interval_value(b)),
                        (Some(x), Some(y)) if x == y
                    )
            }
            (a, b) => a == b,
        };
        let text = |a: &Option<String>, b: &Option<String>| {
            a.as_deref().map(str::trim) == b.as_deref().map(str::trim)
        };
        interval(&self.expire_after, &other.expire_after)
            && text(&self.expiration_expression, &other.expiration_expression)
            && text(&self.job_cron, &other.job_cron)
            && self.select_batch_size == other.select_batch_size
            && self.delete_batch_size == other.delete_batch_size
            && self.select_rate_limit == other.select_rate_limit
            && self.delete_rate_limit == other.delete_rate_limit
            && self.pause == other.pause
            && self.label_metrics == other.label_metrics
            && self.disable_changefeed_replication == other.disable_changefeed_replication
    }

    /// One line describing the TTL, for drift and plan output: `ttl_expire_after = '90 days', ...`.
    pub fn describe(&self) -> String {
        self.params()
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
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

/// The zone variables' names, as CockroachDB, the model's YAML, `bmdb zones` and every
/// report spell them. Code that names a field uses these (or [`ZONE_FIELDS`]).
pub mod zone_field_name {
    pub const NUM_REPLICAS: &str = "num_replicas";
    pub const NUM_VOTERS: &str = "num_voters";
    pub const CONSTRAINTS: &str = "constraints";
    pub const VOTER_CONSTRAINTS: &str = "voter_constraints";
    pub const LEASE_PREFERENCES: &str = "lease_preferences";
    pub const GLOBAL_READS: &str = "global_reads";
    pub const GC_TTLSECONDS: &str = "gc.ttlseconds";
    pub const RANGE_MIN_BYTES: &str = "range_min_bytes";
    pub const RANGE_MAX_BYTES: &str = "range_max_bytes";
    /// Not a CockroachDB variable: the model's consent to set a protected field.
    pub const OVERRIDE_MULTI_REGION: &str = "override_multi_region";
}
use zone_field_name as zf;

/// The largest replica count, voter count, per-constraint count and gc.ttlseconds
/// CockroachDB stores (int32 fields of its zone config). Sums of counts are taken in u64.
pub const ZONE_COUNT_MAX: i64 = i32::MAX as i64;

/// What a zone field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneFieldKind {
    /// A whole number in `min..=max`; `why_min` says why CockroachDB refuses less.
    Int {
        min: i64,
        max: i64,
        why_min: &'static str,
    },
    Bool,
    Constraints,
    LeasePreferences,
}

/// A zone field's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ZoneValue {
    Int(u64),
    Bool(bool),
    Constraints(Constraints),
    LeasePreferences(Vec<Vec<String>>),
}

impl ZoneValue {
    pub fn as_int(&self) -> Option<u64> {
        match self {
            ZoneValue::Int(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ZoneValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_constraints(&self) -> Option<&Constraints> {
        match self {
            ZoneValue::Constraints(c) => Some(c),
            _ => None,
        }
    }
    pub fn as_lease_preferences(&self) -> Option<&[Vec<String>]> {
        match self {
            ZoneValue::LeasePreferences(lp) => Some(lp),
            _ => None,
        }
    }

    /// The value as `CONFIGURE ZONE USING` takes it.
    pub fn to_sql(&self) -> String {
        match self {
            ZoneValue::Int(n) => n.to_string(),
            ZoneValue::Bool(b) => b.to_string(),
            ZoneValue::Constraints(c) => sql_string(&c.to_crdb()),
            ZoneValue::LeasePreferences(lp) => sql_string(&lease_preferences_to_crdb(lp)),
        }
    }
}

impl std::fmt::Display for ZoneValue {
    /// CockroachDB's SHOW ZONE spelling, without the outer quotes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZoneValue::Int(n) => write!(f, "{n}"),
            ZoneValue::Bool(b) => write!(f, "{b}"),
            ZoneValue::Constraints(Constraints::All(list)) => write!(f, "[{}]", list.join(", ")),
            ZoneValue::Constraints(Constraints::PerReplica(map)) => {
                let parts: Vec<String> = map.iter().map(|(k, n)| format!("{k}: {n}")).collect();
                write!(f, "{{{}}}", parts.join(", "))
            }
            ZoneValue::LeasePreferences(lp) => {
                let parts: Vec<String> = lp.iter().map(|p| format!("[{}]", p.join(", "))).collect();
                write!(f, "[{}]", parts.join(", "))
            }
        }
    }
}

/// One zone variable, declared once.
#[derive(Debug)]
pub struct ZoneField {
    /// The name in CockroachDB, in the model's YAML, in `bmdb zones` and in reports.
    pub name: &'static str,
    pub kind: ZoneFieldKind,
    /// Managed by CockroachDB's multi-region machinery (crdb-reference §3.4): the model
    /// sets it on a multi-region database only with `override_multi_region`.
    pub protected: bool,
    /// Position in `CONFIGURE ZONE USING` (CockroachDB's own order).
    pub sql_order: u8,
    /// The value this zone sets; `None` = inherited.
    pub get: fn(&ZoneConfig) -> Option<ZoneValue>,
    /// Sets (`Some`) or clears (`None`) the field; a value of another kind clears it.
    pub put: fn(&mut ZoneConfig, Option<ZoneValue>),
}

/// A count CockroachDB stores in an int32 and refuses below 1.
const fn count(why_min: &'static str) -> ZoneFieldKind {
    ZoneFieldKind::Int {
        min: 1,
        max: ZONE_COUNT_MAX,
        why_min,
    }
}

/// THE zone fields, in the order every report lists them. `ZoneConfig` has one member per
/// row (plus `override_multi_region`, the model's consent, not a CockroachDB variable); the
/// YAML keys and their bounds, `CONFIGURE ZONE` settings, the catalog parser, protected
/// fields, the effective-zone layers and `bmdb zones` keys are read off this list.
pub const ZONE_FIELDS: [ZoneField; 9] = [
    ZoneField {
        name: zf::NUM_REPLICAS,
        kind: count("a range needs at least one replica"),
        protected: true,
        sql_order: 4,
        get: |z| z.num_replicas.map(|n| ZoneValue::Int(n.into())),
        put: |z, v| z.num_replicas = v.and_then(|v| v.as_int()?.try_into().ok()),
    },
    ZoneField {
        name: zf::NUM_VOTERS,
        kind: count("a range needs at least one voting replica"),
        protected: true,
        sql_order: 5,
        get: |z| z.num_voters.map(|n| ZoneValue::Int(n.into())),
        put: |z, v| z.num_voters = v.and_then(|v| v.as_int()?.try_into().ok()),
    },
    ZoneField {
        name: zf::CONSTRAINTS,
        kind: ZoneFieldKind::Constraints,
        protected: true,
        sql_order: 6,
        get: |z| z.constraints.clone().map(ZoneValue::Constraints),
        put: |z, v| z.constraints = v.and_then(|v| v.as_constraints().cloned()),
    },
    ZoneField {
        name: zf::VOTER_CONSTRAINTS,
        kind: ZoneFieldKind::Constraints,
        protected: true,
        sql_order: 7,
        get: |z| z.voter_constraints.clone().map(ZoneValue::Constraints),
        put: |z, v| z.voter_constraints = v.and_then(|v| v.as_constraints().cloned()),
    },
    ZoneField {
        name: zf::LEASE_PREFERENCES,
        kind: ZoneFieldKind::LeasePreferences,
        protected: true,
        sql_order: 8,
        get: |z| z.lease_preferences.clone().map(ZoneValue::LeasePreferences),
        put: |z, v| z.lease_preferences = v.and_then(|v| Some(v.as_lease_preferences()?.to_vec())),
    },
    ZoneField {
        name: zf::GLOBAL_READS,
        kind: ZoneFieldKind::Bool,
        protected: true,
        sql_order: 3,
        get: |z| z.global_reads.map(ZoneValue::Bool),
        put: |z, v| z.global_reads = v.and_then(|v| v.as_bool()),
    },
    ZoneField {
        name: zf::GC_TTLSECONDS,
        kind: count("CockroachDB rejects gc.ttlseconds below 1"),
        protected: false,
        sql_order: 2,
        get: |z| z.gc_ttlseconds.map(ZoneValue::Int),
        put: |z, v| z.gc_ttlseconds = v.and_then(|v| v.as_int()),
    },
    ZoneField {
        name: zf::RANGE_MIN_BYTES,
        kind: ZoneFieldKind::Int {
            min: 0,
            max: i64::MAX,
            why_min: "sizes cannot be negative",
        },
        protected: false,
        sql_order: 0,
        get: |z| z.range_min_bytes.map(ZoneValue::Int),
        put: |z, v| z.range_min_bytes = v.and_then(|v| v.as_int()),
    },
    ZoneField {
        name: zf::RANGE_MAX_BYTES,
        kind: ZoneFieldKind::Int {
            min: 65536,
            max: i64::MAX,
            why_min: "CockroachDB rejects range_max_bytes below 64 KiB (65536)",
        },
        protected: false,
        sql_order: 1,
        get: |z| z.range_max_bytes.map(ZoneValue::Int),
        put: |z, v| z.range_max_bytes = v.and_then(|v| v.as_int()),
    },
];

/// The names of `ZONE_FIELDS`, in its order.
pub const ZONE_FIELD_NAMES: [&str; 9] = {
    let mut out = [""; 9];
    let mut i = 0;
    while i < ZONE_FIELDS.len() {
        out[i] = ZONE_FIELDS[i].name;
        i += 1;
    }
    out
};

/// The field of a name.
pub fn zone_field(name: &str) -> Option<&'static ZoneField> {
    ZONE_FIELDS.iter().find(|f| f.name == name)
}

impl ZoneConfig {
    pub fn is_empty(&self) -> bool {
        ZONE_FIELDS.iter().all(|f| (f.get)(self).is_none())
    }

    /// `(variable, SQL value)` pairs in CockroachDB's order, ready for `CONFIGURE ZONE USING`.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let mut set: Vec<(u8, &'static str, String)> = ZONE_FIELDS
            .iter()
            .filter_map(|f| (f.get)(self).map(|v| (f.sql_order, f.name, v.to_sql())))
            .collect();
        set.sort_by_key(|(order, _, _)| *order);
        set.into_iter().map(|(_, name, v)| (name, v)).collect()
    }

    /// The protected fields this zone sets.
    pub fn protected_fields_set(&self) -> Vec<&'static str> {
        ZONE_FIELDS
            .iter()
            .filter(|f| f.protected && (f.get)(self).is_some())
            .map(|f| f.name)
            .collect()
    }

    /// Whether a field is one the multi-region machinery manages.
    pub fn is_protected(name: &str) -> bool {
        zone_field(name).is_some_and(|f| f.protected)
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
    fn to_crdb(&self) -> String {
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

fn lease_preferences_to_crdb(lp: &[Vec<String>]) -> String {
    let parts: Vec<String> = lp.iter().map(|p| format!("[{}]", p.join(", "))).collect();
    format!("[{}]", parts.join(", "))
}

/// A SQL string literal, single quotes doubled.
pub fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod zone_field_tests {
    use super::*;

    /// The serde names of `ZoneConfig` (lock files, JSON) are the declared names.
    #[test]
    fn serde_names_are_the_declared_names() {
        let full = ZoneConfig {
            num_replicas: Some(5),
            num_voters: Some(3),
            gc_ttlseconds: Some(600),
            range_min_bytes: Some(0),
            range_max_bytes: Some(1 << 26),
            constraints: Some(Constraints::All(vec![])),
            voter_constraints: Some(Constraints::All(vec![])),
            lease_preferences: Some(vec![]),
            global_reads: Some(false),
            override_multi_region: true,
        };
        let json = serde_json::to_value(&full).unwrap();
        let keys: std::collections::BTreeSet<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want: std::collections::BTreeSet<&str> = ZONE_FIELD_NAMES.into_iter().collect();
        want.insert(zone_field_name::OVERRIDE_MULTI_REGION);
        assert_eq!(keys, want);
    }

    /// `put` then `get` gives the value back for every field, and `put(None)` clears it.
    #[test]
    fn put_and_get_agree() {
        for f in &ZONE_FIELDS {
            let v = match f.kind {
                ZoneFieldKind::Int { min, .. } => ZoneValue::Int(min as u64 + 7),
                ZoneFieldKind::Bool => ZoneValue::Bool(true),
                ZoneFieldKind::Constraints => {
                    ZoneValue::Constraints(Constraints::All(vec!["+region=a".into()]))
                }
                ZoneFieldKind::LeasePreferences => {
                    ZoneValue::LeasePreferences(vec![vec!["+region=a".into()]])
                }
            };
            let mut z = ZoneConfig::default();
            (f.put)(&mut z, Some(v.clone()));
            assert_eq!((f.get)(&z), Some(v), "{}", f.name);
            assert_eq!(z.settings().len(), 1, "{} sets only itself", f.name);
            (f.put)(&mut z, None);
            assert!(z.is_empty(), "{}", f.name);
        }
    }
}

#[cfg(test)]
mod ttl_tests {
    use super::*;

    fn ttl(expire: &str) -> Ttl {
        Ttl {
            expire_after: Some(expire.into()),
            ..Default::default()
        }
    }

    /// CockroachDB prints an interval its own way (`'3 mons'`, `'00:10:00'`): the same TTL.
    #[test]
    fn intervals_compare_by_value() {
        assert!(ttl("3 months").same(&ttl("3 mons")));
        assert!(ttl("10 minutes").same(&ttl("00:10:00")));
        assert!(ttl("P90D").same(&ttl("90 days")));
        assert!(!ttl("1 day 12:00:00").same(&ttl("36h")));
        assert!(ttl("1 day 12:00:00").same(&ttl("1 day 12 hours")));
        assert!(!ttl("90 days").same(&ttl("30 days")));
    }

    /// Going from `expire_after` to an expression with a cron: SET the new parameters,
    /// RESET the one dropped.
    #[test]
    fn removed_parameters_are_reset() {
        let to = Ttl {
            expiration_expression: Some("ts + INTERVAL '1 day'".into()),
            job_cron: Some("@daily".into()),
            pause: true,
            ..Default::default()
        };
        assert_eq!(ttl("1 day").removed_in(&to), ["ttl_expire_after"]);
        assert!(to.removed_in(&to).is_empty());
        assert_eq!(
            to.describe(),
            "ttl_expiration_expression = 'ts + INTERVAL ''1 day''', ttl_job_cron = '@daily', ttl_pause = true"
        );
    }
}
