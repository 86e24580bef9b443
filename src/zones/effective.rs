//! The effective zone configuration of every object in a model, field by field, with
//! where each value comes from: the model, a parent (table, database, `range default`),
//! CockroachDB's multi-region machinery, or CockroachDB's built-in defaults.
//!
//! The multi-region values follow CockroachDB's own synthesis (`pkg/sql/regions/region_util.go`:
//! `GetNumVotersAndNumReplicas`, `SynthesizeReplicaConstraints`, `SynthesizeVoterConstraints`,
//! `SynthesizeLeasePreferences`, `ZoneConfigForMultiRegionTable`/`Partition`,
//! `AddConstraintsForSuperRegion`) and crdb-reference §1.3 and §3. Zone config extensions
//! (`ALTER LOCALITY ... CONFIGURE ZONE`) are not part of the model and are not applied.
//!
//! # JSON shape (`bmdb zones show --format json`, [`to_json`])
//!
//! ```json
//! {
//!   "version": 1,
//!   "objects": [
//!     {
//!       "object": "table players",
//!       "target": { "kind": "table", "table": "players" },
//!       "fields": [
//!         { "name": "num_replicas", "value": 5,
//!           "source": { "kind": "inherited", "from": "database" } },
//!         { "name": "voter_constraints", "value": { "+region=us-west-2": 2 },
//!           "source": { "kind": "multi_region", "rule": "survive region: 2 of the 5 voters in the home region us-west-2" } },
//!         { "name": "gc.ttlseconds", "value": 90000,
//!           "source": { "kind": "model", "object": "database" } }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! - `target.kind` is `database` (with `name`), `range` (`name`), `table` (`table`),
//!   `index` (`table`, `index`) or `partition` (`table`, `region`: the implicit partition of
//!   every index of a REGIONAL BY ROW table that holds the rows homed in `region`).
//! - `fields` always lists the nine fields in this order: num_replicas, num_voters,
//!   constraints, voter_constraints, lease_preferences, global_reads, gc.ttlseconds,
//!   range_min_bytes, range_max_bytes.
//! - `value`: a number, a boolean, a constraint list (`["+region=a", "-disk=hdd"]`), a
//!   per-replica constraint map (`{"+region=a": 2}`), a list of lease preferences
//!   (`[["+region=a"], ["+region=b"]]`), or `null` when unset (num_voters unset means
//!   "equal to num_replicas"; voter_constraints unset means "none").
//! - `source.kind`: `model` (`object`: set in the model on this object), `inherited`
//!   (`from`: the ancestor that holds the value: `table T`, `index T@I`, `database`,
//!   `range default`), `multi_region` (`rule`: what CockroachDB writes for this locality
//!   and survival goal), `extension` (`locality`: `global`, `regional`, `regional in R`: a
//!   zone config extension of the model), `default` (CockroachDB's built-in value).

use crate::model::types::{
    zone_field_name as zf, Constraints, Database, ExtensionLocality, Locality, Model, Placement,
    SurvivalGoal, ZoneConfig, ZoneExtensions, ZONE_FIELDS, ZONE_FIELD_NAMES,
};
use crate::zones::rules::{Distribution, Rules, RulesUsed};
use comfy_table::ContentArrangement;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The nine zone fields, in the order every report lists them (`model::types::ZONE_FIELDS`).
pub const FIELDS: [&str; 9] = ZONE_FIELD_NAMES;

/// CockroachDB's `range default` values (v23.1+ clusters).
pub const DEFAULT_NUM_REPLICAS: u32 = 3;
pub const DEFAULT_GC_TTLSECONDS: u64 = 14400;
pub const DEFAULT_RANGE_MIN_BYTES: u64 = 134_217_728;
pub const DEFAULT_RANGE_MAX_BYTES: u64 = 536_870_912;

/// What a zone is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ZoneObject {
    Database {
        name: String,
    },
    Range {
        name: String,
    },
    Table {
        table: String,
    },
    Index {
        table: String,
        index: String,
    },
    /// The implicit partition `region` of every index of a REGIONAL BY ROW table.
    Partition {
        table: String,
        region: String,
    },
}

impl fmt::Display for ZoneObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneObject::Database { .. } => write!(f, "database"),
            ZoneObject::Range { name } => write!(f, "range {name}"),
            ZoneObject::Table { table } => write!(f, "table {table}"),
            ZoneObject::Index { table, index } => write!(f, "index {table}@{index}"),
            ZoneObject::Partition { table, region } => {
                write!(f, "partition {region} of table {table}")
            }
        }
    }
}

/// A zone field's value (declared with the fields in `model::types`).
pub use crate::model::types::ZoneValue as FieldValue;

/// Where an effective value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Set in the model on this object.
    Model { object: String },
    /// Resolved from an ancestor zone: `table T`, `index T@I`, `database`, `range default`.
    Inherited { from: String },
    /// Written by CockroachDB's multi-region machinery for this locality and survival goal.
    MultiRegion { rule: String },
    /// A zone config extension of the model (`zone_extensions:`): `global`, `regional`,
    /// `regional in R`.
    Extension { locality: String },
    /// CockroachDB's built-in value (`range default`, or the system ranges' own).
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Model { .. } => write!(f, "model"),
            Source::Inherited { from } => write!(f, "inherited from {from}"),
            Source::MultiRegion { rule } => write!(f, "multi-region: {rule}"),
            Source::Extension { locality } => write!(f, "zone config extension: {locality}"),
            Source::Default => write!(f, "CockroachDB default"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveField {
    pub name: &'static str,
    /// `None` = unset (num_voters: equal to num_replicas; voter_constraints: none).
    pub value: Option<FieldValue>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectZone {
    pub object: ZoneObject,
    /// The nine fields of [`FIELDS`], in that order.
    pub fields: Vec<EffectiveField>,
}

impl ObjectZone {
    pub fn label(&self) -> String {
        self.object.to_string()
    }
    pub fn field(&self, name: &str) -> Option<&EffectiveField> {
        self.fields.iter().find(|f| f.name == name)
    }
    pub fn value(&self, name: &str) -> Option<&FieldValue> {
        self.field(name).and_then(|f| f.value.as_ref())
    }
    pub fn int(&self, name: &str) -> Option<u64> {
        self.value(name).and_then(FieldValue::as_int)
    }
    /// Voting replicas: num_voters, or num_replicas when num_voters is unset.
    pub fn voters(&self) -> Option<u64> {
        self.int(zf::NUM_VOTERS)
            .or_else(|| self.int(zf::NUM_REPLICAS))
    }
    /// Whether this object itself decides the field (not an ancestor).
    pub fn decides(&self, name: &str) -> bool {
        match self.field(name).map(|f| &f.source) {
            Some(Source::Model { .. })
            | Some(Source::MultiRegion { .. })
            | Some(Source::Extension { .. }) => true,
            Some(Source::Default) => matches!(self.object, ZoneObject::Range { .. }),
            _ => false,
        }
    }
}

/// One zone's own fields: value and source per field name.
type Layer = BTreeMap<&'static str, (FieldValue, Source)>;

/// A resolution chain: own layer first, then ancestors with their labels.
struct Chain<'a> {
    layers: Vec<(String, &'a Layer)>,
    defaults: &'a Layer,
}

impl Chain<'_> {
    fn resolve(&self) -> Vec<EffectiveField> {
        FIELDS
            .iter()
            .map(|&name| {
                for (i, (label, layer)) in self.layers.iter().enumerate() {
                    if let Some((value, source)) = layer.get(name) {
                        let source = if i == 0 {
                            source.clone()
                        } else {
                            Source::Inherited {
                                from: label.clone(),
                            }
                        };
                        return EffectiveField {
                            name,
                            value: Some(value.clone()),
                            source,
                        };
                    }
                }
                let value = self.defaults.get(name).map(|(v, _)| v.clone());
                EffectiveField {
                    name,
                    value,
                    source: Source::Default,
                }
            })
            .collect()
    }
}

fn range_default_layer() -> Layer {
    let mut l = Layer::new();
    l.insert(
        zf::NUM_REPLICAS,
        (
            FieldValue::Int(DEFAULT_NUM_REPLICAS as u64),
            Source::Default,
        ),
    );
    l.insert(
        zf::CONSTRAINTS,
        (
            FieldValue::Constraints(Constraints::All(vec![])),
            Source::Default,
        ),
    );
    l.insert(
        zf::LEASE_PREFERENCES,
        (FieldValue::LeasePreferences(vec![]), Source::Default),
    );
    l.insert(zf::GLOBAL_READS, (FieldValue::Bool(false), Source::Default));
    l.insert(
        zf::GC_TTLSECONDS,
        (FieldValue::Int(DEFAULT_GC_TTLSECONDS), Source::Default),
    );
    l.insert(
        zf::RANGE_MIN_BYTES,
        (FieldValue::Int(DEFAULT_RANGE_MIN_BYTES), Source::Default),
    );
    l.insert(
        zf::RANGE_MAX_BYTES,
        (FieldValue::Int(DEFAULT_RANGE_MAX_BYTES), Source::Default),
    );
    l
}

/// The system ranges CockroachDB bootstraps with their own zone (5 replicas; shorter GC
/// for meta and liveness); other named ranges inherit `range default`.
fn system_range_defaults(name: &str) -> Option<Layer> {
    let gc = match name {
        "meta" => 3600,
        "liveness" => 600,
        "system" => DEFAULT_GC_TTLSECONDS,
        _ => return None,
    };
    let mut l = range_default_layer();
    l.insert(zf::NUM_REPLICAS, (FieldValue::Int(5), Source::Default));
    l.insert(zf::GC_TTLSECONDS, (FieldValue::Int(gc), Source::Default));
    Some(l)
}

/// The model's own zone as a layer. On a multi-region database a protected field only
/// counts with `override_multi_region: true` (CockroachDB refuses it otherwise).
fn model_layer(zone: Option<&ZoneConfig>, label: &str, multi_region: bool) -> Layer {
    let mut l = Layer::new();
    let Some(z) = zone else { return l };
    let src = || Source::Model {
        object: label.to_string(),
    };
    let protected_ok = !multi_region || z.override_multi_region;
    for f in &ZONE_FIELDS {
        if f.protected && !protected_ok {
            continue;
        }
        if let Some(v) = (f.get)(z) {
            l.insert(f.name, (v, src()));
        }
    }
    l
}

/// A zone config extension as a layer: every field it sets (extensions may set the
/// multi-region fields; that is what they are for).
fn extension_layer(zone: Option<&ZoneConfig>, locality: &ExtensionLocality) -> Layer {
    let mut l = Layer::new();
    let Some(z) = zone else { return l };
    for f in &ZONE_FIELDS {
        if let Some(v) = (f.get)(z) {
            l.insert(
                f.name,
                (
                    v,
                    Source::Extension {
                        locality: locality.to_string(),
                    },
                ),
            );
        }
    }
    l
}

/// `ExtendZoneConfigWithRegionalIn`: `regional`, then `regional_in[home]`, over `base`.
fn extend_regional_in(base: Layer, ext: &ZoneExtensions, home: &str) -> Layer {
    let base = overlay(
        base,
        extension_layer(ext.regional.as_ref(), &ExtensionLocality::Regional),
    );
    overlay(
        base,
        extension_layer(
            ext.regional_in.get(home),
            &ExtensionLocality::RegionalIn(home.to_string()),
        ),
    )
}

/// Model fields override the multi-region ones they set.
fn overlay(mut base: Layer, top: Layer) -> Layer {
    base.extend(top);
    base
}

/// A multi-region database's configuration, as CockroachDB's `RegionConfig` sees it.
#[derive(Debug, Clone)]
pub struct RegionConfig {
    pub regions: Vec<String>,
    pub primary: String,
    pub secondary: Option<String>,
    pub survival: SurvivalGoal,
    pub placement: Placement,
    pub super_regions: BTreeMap<String, Vec<String>>,
    /// The placement rules of the target CockroachDB version (`zones::rules`).
    pub rules: Rules,
}

/// The name `zones show` gives the implicit super region of three regions surviving a
/// region failure (cockroachdb/cockroach#142838).
pub const IMPLICIT_SUPER_REGION: &str = "(implicit: 3 regions, survive region)";

impl RegionConfig {
    /// `None` when the database is not multi-region.
    pub fn of(db: &Database) -> Option<RegionConfig> {
        let primary = db.primary_region.clone()?;
        let mut regions = db.regions.clone();
        if !regions.contains(&primary) {
            regions.push(primary.clone());
        }
        regions.sort();
        regions.dedup();
        Some(RegionConfig {
            regions,
            primary,
            secondary: db.secondary_region.clone(),
            survival: db.survival_goal,
            placement: db.placement,
            super_regions: db.super_regions.clone(),
            rules: RulesUsed::of_model(db.cockroach_version).rules(),
        })
    }

    /// `GetNumVotersAndNumReplicas`: (num_voters, num_replicas).
    fn voters_and_replicas(&self) -> (u32, u32) {
        let n = self.regions.len() as u32;
        match self.survival {
            SurvivalGoal::Zone => match self.placement {
                Placement::Default => (3, 3 + n.saturating_sub(1)),
                Placement::Restricted => (3, 3),
            },
            SurvivalGoal::Region => {
                let mut replicas = max_failures(5) + n.saturating_sub(1);
                if self.secondary.is_some() {
                    replicas += 1;
                }
                (5, replicas.max(5))
            }
        }
    }

    /// The super region `region` belongs to: an explicit one, or from v25.1.3/v25.2.0 on
    /// (cockroachdb/cockroach#142838) the implicit one of exactly three regions surviving a
    /// region failure in a database without super regions.
    fn super_region_of(&self, region: &str) -> Option<(&str, &[String])> {
        let implicit = self.rules.implicit_super_region
            && self.super_regions.is_empty()
            && self.survival == SurvivalGoal::Region
            && self.regions.len() == 3
            && self.regions.iter().any(|r| r == region);
        if implicit {
            return Some((IMPLICIT_SUPER_REGION, self.regions.as_slice()));
        }
        self.super_regions
            .iter()
            .find(|(_, members)| members.iter().any(|m| m == region))
            .map(|(name, members)| (name.as_str(), members.as_slice()))
    }

    /// The secondary region, unless `region` sits in a super region that excludes it.
    fn secondary_for(&self, region: &str) -> Option<&str> {
        let sec = self.secondary.as_deref()?;
        match self.super_region_of(region) {
            Some((_, members)) if !members.iter().any(|m| m == sec) => None,
            _ => Some(sec),
        }
    }

    fn survival_words(&self) -> &'static str {
        match self.survival {
            SurvivalGoal::Zone => "survive zone",
            SurvivalGoal::Region => "survive region",
        }
    }
}

/// `MaxFailuresBeforeUnavailability`.
fn max_failures(voters: u32) -> u32 {
    voters.div_ceil(2) - 1
}

fn region_constraint(region: &str) -> String {
    format!("+region={region}")
}

fn replica_constraints(regions: &[String], placement: Placement) -> Constraints {
    match placement {
        Placement::Default => {
            Constraints::PerReplica(regions.iter().map(|r| (region_constraint(r), 1)).collect())
        }
        Placement::Restricted => Constraints::All(vec![]),
    }
}

/// `SynthesizeVoterConstraints` (with the secondary dropped when it lies outside the
/// home region's super region).
fn voter_constraints(cfg: &RegionConfig, home: &str) -> Constraints {
    match cfg.survival {
        SurvivalGoal::Zone => Constraints::All(vec![region_constraint(home)]),
        SurvivalGoal::Region => {
            let quorum_minus_one = max_failures(cfg.voters_and_replicas().0);
            let mut m = BTreeMap::new();
            m.insert(region_constraint(home), quorum_minus_one);
            if let Some(sec) = cfg.secondary_for(home) {
                if sec != home {
                    m.insert(region_constraint(sec), quorum_minus_one);
                }
            }
            Constraints::PerReplica(m)
        }
    }
}

/// `SynthesizeLeasePreferences`.
fn lease_preferences(home: &str, secondary: Option<&str>) -> Vec<Vec<String>> {
    let mut lp = vec![vec![region_constraint(home)]];
    if let Some(sec) = secondary {
        if sec != home {
            lp.push(vec![region_constraint(sec)]);
        }
    }
    lp
}

fn voter_rule(cfg: &RegionConfig, home: &str, what: &str) -> String {
    match cfg.survival {
        SurvivalGoal::Zone => format!("survive zone: all 3 voters in the {what} {home}"),
        SurvivalGoal::Region => {
            let mut s = format!("survive region: 2 of the 5 voters in the {what} {home}");
            if let Some(sec) = cfg.secondary_for(home).filter(|s| *s != home) {
                s.push_str(&format!(", 2 in the secondary region {sec}"));
            }
            s
        }
    }
}

fn replicas_rule(cfg: &RegionConfig, regions: usize, placement: Placement) -> String {
    match (cfg.survival, placement) {
        (SurvivalGoal::Zone, Placement::Default) => {
            format!("survive zone, placement default: 3 voters + 1 replica in each of the other {} regions", regions - 1)
        }
        (SurvivalGoal::Zone, Placement::Restricted) => {
            "survive zone, placement restricted: 3 voters, no non-voters".into()
        }
        (SurvivalGoal::Region, _) => {
            let sec = if cfg.secondary.is_some() {
                " + 1 for the secondary region"
            } else {
                ""
            };
            format!(
                "survive region: 2 in the home region + 1 in each of the other {} regions{sec}, at least 5",
                regions - 1
            )
        }
    }
}

fn lease_rule(home: &str, secondary: Option<&str>, what: &str) -> String {
    match secondary.filter(|s| *s != home) {
        Some(sec) => format!("leaseholder in the {what} {home}, then the secondary region {sec}"),
        None => format!("leaseholder in the {what} {home}"),
    }
}

fn mr(rule: String) -> Source {
    Source::MultiRegion { rule }
}

/// The database zone CockroachDB writes (`zoneConfigForMultiRegionDatabase`).
fn database_mr_layer(cfg: &RegionConfig) -> Layer {
    let (voters, replicas) = cfg.voters_and_replicas();
    let mut l = Layer::new();
    l.insert(
        zf::NUM_REPLICAS,
        (
            FieldValue::Int(replicas as u64),
            mr(replicas_rule(cfg, cfg.regions.len(), cfg.placement)),
        ),
    );
    l.insert(
        zf::NUM_VOTERS,
        (
            FieldValue::Int(voters as u64),
            mr(format!("{}: {voters} voters", cfg.survival_words())),
        ),
    );
    let constraints_rule = match cfg.placement {
        Placement::Default => {
            "placement default: at least 1 replica in every database region".to_string()
        }
        Placement::Restricted => {
            "placement restricted: no replica constraints at the database level".to_string()
        }
    };
    l.insert(
        zf::CONSTRAINTS,
        (
            FieldValue::Constraints(replica_constraints(&cfg.regions, cfg.placement)),
            mr(constraints_rule),
        ),
    );
    l.insert(
        zf::VOTER_CONSTRAINTS,
        (
            FieldValue::Constraints(voter_constraints(cfg, &cfg.primary)),
            mr(voter_rule(cfg, &cfg.primary, "primary region")),
        ),
    );
    let sec = cfg.secondary.as_deref();
    l.insert(
        zf::LEASE_PREFERENCES,
        (
            FieldValue::LeasePreferences(lease_preferences(&cfg.primary, sec)),
            mr(lease_rule(&cfg.primary, sec, "primary region")),
        ),
    );
    l
}

/// `AddConstraintsForSuperRegion` before cockroachdb/cockroach#164285: one replica per
/// member; under REGION survival a three-member super region gives a second one to the
/// secondary region (#150413, where the rules have it) or else to the first non-home member
/// in sorted order.
fn one_per_member(cfg: &RegionConfig, members: &[String], home: &str) -> BTreeMap<String, u32> {
    let mut per: BTreeMap<&str, u32> = members.iter().map(|m| (m.as_str(), 1)).collect();
    if cfg.survival == SurvivalGoal::Region && members.len() == 3 {
        let secondary = cfg
            .secondary
            .as_deref()
            .filter(|s| cfg.rules.secondary_gets_extra && *s != home && per.contains_key(s));
        let extra = secondary.or_else(|| members.iter().map(String::as_str).find(|m| *m != home));
        if let Some(e) = extra {
            *per.entry(e).or_default() += 1;
        }
    }
    per.into_iter()
        .map(|(r, k)| (region_constraint(r), k))
        .collect()
}

/// `distributeReplicasAcrossRegions` (cockroachdb/cockroach#164285, #165113; v26.2.0):
/// replicas per region within a super region.
fn distribute(
    replicas: u32,
    regions: &[String],
    affinity: &str,
    min_affinity: u32,
) -> BTreeMap<String, u32> {
    let n = regions.len() as u32;
    let mut per: BTreeMap<&str, u32> = BTreeMap::new();
    if min_affinity > 0 {
        let min_affinity = min_affinity.min(replicas);
        per.insert(affinity, min_affinity);
        let remainder = replicas - min_affinity;
        let others = n - 1;
        if others > 0 && remainder > 0 {
            let (base, extra) = (remainder / others, remainder % others);
            for (idx, r) in regions.iter().filter(|r| *r != affinity).enumerate() {
                let k = base + u32::from((idx as u32) < extra);
                if k > 0 {
                    per.insert(r, k);
                }
            }
        }
    } else {
        let (base, mut extra) = (replicas / n, replicas % n);
        let mut gets_extra = std::collections::BTreeSet::new();
        if extra > 0 {
            gets_extra.insert(affinity);
            extra -= 1;
        }
        for r in regions {
            if extra == 0 {
                break;
            }
            if r != affinity {
                gets_extra.insert(r.as_str());
                extra -= 1;
            }
        }
        for r in regions {
            per.insert(r, base + u32::from(gets_extra.contains(r.as_str())));
        }
    }
    per.into_iter()
        .filter(|(_, k)| *k > 0)
        .map(|(r, k)| (region_constraint(r), k))
        .collect()
}

/// The zone of a table or partition homed in `home` (`ZoneConfigForMultiRegionTable` for
/// REGIONAL BY TABLE IN r, `ZoneConfigForMultiRegionPartition` for REGIONAL BY ROW).
fn homed_mr_layer(cfg: &RegionConfig, home: &str, what: &str) -> Layer {
    let (voters, _) = cfg.voters_and_replicas();
    let mut l = Layer::new();
    l.insert(
        zf::NUM_VOTERS,
        (
            FieldValue::Int(voters as u64),
            mr(format!("{}: {voters} voters", cfg.survival_words())),
        ),
    );
    if let Some((sr_name, members)) = cfg.super_region_of(home) {
        let mut members = members.to_vec();
        members.sort();
        let sr_cfg = RegionConfig {
            regions: members.clone(),
            ..cfg.clone()
        };
        let (sr_voters, sr_replicas) = sr_cfg.voters_and_replicas();
        let min_affinity = if cfg.survival == SurvivalGoal::Zone {
            sr_voters
        } else {
            0
        };
        let per_region = match cfg.rules.distribution {
            Distribution::EvenHomeFirst => distribute(sr_replicas, &members, home, min_affinity),
            Distribution::OnePerMember => one_per_member(cfg, &members, home),
        };
        l.insert(
            zf::NUM_REPLICAS,
            (
                FieldValue::Int(sr_replicas as u64),
                mr(format!(
                    "super region {sr_name}: {}",
                    replicas_rule(cfg, members.len(), cfg.placement)
                )),
            ),
        );
        l.insert(
            zf::CONSTRAINTS,
            (
                FieldValue::Constraints(Constraints::PerReplica(per_region)),
                mr(format!(
                    "super region {sr_name}: every replica inside {}",
                    members.join(", ")
                )),
            ),
        );
    }
    l.insert(
        zf::VOTER_CONSTRAINTS,
        (
            FieldValue::Constraints(voter_constraints(cfg, home)),
            mr(voter_rule(cfg, home, what)),
        ),
    );
    let sec = cfg.secondary_for(home);
    l.insert(
        zf::LEASE_PREFERENCES,
        (
            FieldValue::LeasePreferences(lease_preferences(home, sec)),
            mr(lease_rule(home, sec, what)),
        ),
    );
    l
}

/// A homed zone with the extensions over it (`ZoneConfigForMultiRegionTable` /
/// `Partition`): outside a super region, a `regional_in` of the primary region (which the
/// database zone carries) makes a zone homed elsewhere write the database's synthesized
/// num_replicas and constraints itself (`RegionalInTablesInheritDatabaseConstraints`).
fn homed_layer(cfg: &RegionConfig, ext: &ZoneExtensions, home: &str, what: &str) -> Layer {
    let mut l = homed_mr_layer(cfg, home, what);
    if cfg.super_region_of(home).is_none()
        && home != cfg.primary
        && ext.regional_in.contains_key(&cfg.primary)
    {
        let db = database_mr_layer(cfg);
        for f in [zf::NUM_REPLICAS, zf::CONSTRAINTS] {
            if let Some(v) = db.get(f) {
                l.insert(f, v.clone());
            }
        }
    }
    extend_regional_in(l, ext, home)
}

/// Whether GLOBAL tables inherit the database's replica constraints
/// (`GlobalTablesInheritDatabaseConstraints`): not under RESTRICTED placement, and not when
/// an extension the database zone carries (or the GLOBAL one) is set.
fn global_inherits(cfg: &RegionConfig, ext: &ZoneExtensions) -> bool {
    cfg.placement != Placement::Restricted
        && ext.global.is_none()
        && ext.regional.is_none()
        && !ext.regional_in.contains_key(&cfg.primary)
}

/// A GLOBAL table's zone. When it cannot inherit the database's (RESTRICTED placement, or
/// zone config extensions), CockroachDB writes the full replica set with DEFAULT placement,
/// then the GLOBAL extension over it.
fn global_layer(cfg: &RegionConfig, ext: &ZoneExtensions) -> Layer {
    let l = global_mr_layer(cfg, !global_inherits(cfg, ext));
    overlay(
        l,
        extension_layer(ext.global.as_ref(), &ExtensionLocality::Global),
    )
}

fn global_mr_layer(cfg: &RegionConfig, own_zone: bool) -> Layer {
    let mut l = Layer::new();
    l.insert(
        zf::GLOBAL_READS,
        (
            FieldValue::Bool(true),
            mr("GLOBAL: non-blocking transactions, fast reads from every region".into()),
        ),
    );
    if own_zone {
        let dflt = RegionConfig {
            placement: Placement::Default,
            ..cfg.clone()
        };
        let (voters, replicas) = dflt.voters_and_replicas();
        let why = if cfg.placement == Placement::Restricted {
            "GLOBAL tables ignore placement restricted"
        } else {
            "GLOBAL tables write their own zone under zone config extensions"
        };
        l.insert(
            zf::NUM_REPLICAS,
            (
                FieldValue::Int(replicas as u64),
                mr(format!(
                    "{why}; {}",
                    replicas_rule(&dflt, dflt.regions.len(), Placement::Default)
                )),
            ),
        );
        l.insert(
            zf::NUM_VOTERS,
            (
                FieldValue::Int(voters as u64),
                mr(format!("{why}; {}: {voters} voters", dflt.survival_words())),
            ),
        );
        l.insert(
            zf::CONSTRAINTS,
            (
                FieldValue::Constraints(replica_constraints(&dflt.regions, Placement::Default)),
                mr(format!(
                    "{why}: at least 1 replica in every database region"
                )),
            ),
        );
        l.insert(
            zf::VOTER_CONSTRAINTS,
            (
                FieldValue::Constraints(voter_constraints(&dflt, &dflt.primary)),
                mr(voter_rule(&dflt, &dflt.primary, "primary region")),
            ),
        );
        l.insert(
            zf::LEASE_PREFERENCES,
            (
                FieldValue::LeasePreferences(lease_preferences(&dflt.primary, None)),
                mr(lease_rule(&dflt.primary, None, "primary region")),
            ),
        );
    }
    l
}

/// The effective zone configuration of the database, each named range (and `range
/// default`), each table, each index that has a zone or sits in a multi-region database,
/// and each region partition of a REGIONAL BY ROW table.
pub fn effective_zones(model: &Model) -> Vec<ObjectZone> {
    let db = &model.database;
    let cfg = RegionConfig::of(db);
    let is_mr = cfg.is_some();
    let defaults = range_default_layer();
    let mut out = Vec::new();

    // range default, then the other named ranges.
    let rd_label = "range default".to_string();
    let rd_layer = model_layer(db.range_zones.get("default"), &rd_label, false);
    out.push(ObjectZone {
        object: ZoneObject::Range {
            name: "default".into(),
        },
        fields: Chain {
            layers: vec![(rd_label.clone(), &rd_layer)],
            defaults: &defaults,
        }
        .resolve(),
    });
    for (name, zone) in db
        .range_zones
        .iter()
        .filter(|(n, _)| n.as_str() != "default")
    {
        let label = format!("range {name}");
        let own = model_layer(Some(zone), &label, false);
        let fields = match system_range_defaults(name) {
            Some(sys) => Chain {
                layers: vec![(label, &own)],
                defaults: &sys,
            }
            .resolve(),
            None => Chain {
                layers: vec![(label, &own), (rd_label.clone(), &rd_layer)],
                defaults: &defaults,
            }
            .resolve(),
        };
        out.push(ObjectZone {
            object: ZoneObject::Range { name: name.clone() },
            fields,
        });
    }

    // database
    let db_label = "database".to_string();
    let ext = &db.zone_extensions;
    let db_mr = cfg
        .as_ref()
        .map(|cfg| extend_regional_in(database_mr_layer(cfg), ext, &cfg.primary))
        .unwrap_or_default();
    let db_layer = overlay(db_mr, model_layer(db.zone.as_ref(), &db_label, is_mr));
    out.push(ObjectZone {
        object: ZoneObject::Database {
            name: db.name.clone(),
        },
        fields: Chain {
            layers: vec![(db_label.clone(), &db_layer), (rd_label.clone(), &rd_layer)],
            defaults: &defaults,
        }
        .resolve(),
    });

    for table in model.tables.values() {
        let t_label = format!("table {}", table.name);
        let locality = table
            .locality
            .clone()
            .or_else(|| is_mr.then_some(Locality::RegionalByTable { region: None }));
        let t_mr = match (&cfg, &locality) {
            (Some(cfg), Some(Locality::Global)) => global_layer(cfg, ext),
            (Some(cfg), Some(Locality::RegionalByTable { region: Some(r) })) => {
                homed_layer(cfg, ext, r, "table's region")
            }
            (Some(cfg), Some(Locality::RegionalByTable { region: None }))
                if cfg.super_region_of(&cfg.primary).is_some() =>
            {
                homed_layer(cfg, ext, &cfg.primary.clone(), "primary region")
            }
            _ => Layer::new(),
        };
        let t_layer = overlay(t_mr, model_layer(table.zone.as_ref(), &t_label, is_mr));
        let ancestors = [(db_label.clone(), &db_layer), (rd_label.clone(), &rd_layer)];
        let mut chain = vec![(t_label.clone(), &t_layer)];
        chain.extend(ancestors.iter().cloned());
        out.push(ObjectZone {
            object: ZoneObject::Table {
                table: table.name.clone(),
            },
            fields: Chain {
                layers: chain,
                defaults: &defaults,
            }
            .resolve(),
        });

        if let (Some(cfg), Some(Locality::RegionalByRow { .. })) = (&cfg, &locality) {
            for region in &cfg.regions {
                let p_layer = homed_layer(cfg, ext, region, "partition's region");
                let mut chain = vec![
                    (
                        format!("partition {region} of table {}", table.name),
                        &p_layer,
                    ),
                    (t_label.clone(), &t_layer),
                ];
                chain.extend(ancestors.iter().cloned());
                out.push(ObjectZone {
                    object: ZoneObject::Partition {
                        table: table.name.clone(),
                        region: region.clone(),
                    },
                    fields: Chain {
                        layers: chain,
                        defaults: &defaults,
                    }
                    .resolve(),
                });
            }
        }

        if let (Some(zone), Some(pk)) = (&table.primary_key_zone, &table.primary_key) {
            let i_label = format!("index {}@{}", table.name, pk.name);
            let i_layer = model_layer(Some(zone), &i_label, is_mr);
            let mut chain = vec![(i_label, &i_layer), (t_label.clone(), &t_layer)];
            chain.extend(ancestors.iter().cloned());
            out.push(ObjectZone {
                object: ZoneObject::Index {
                    table: table.name.clone(),
                    index: pk.name.clone(),
                },
                fields: Chain {
                    layers: chain,
                    defaults: &defaults,
                }
                .resolve(),
            });
        }
        for index in &table.indexes {
            if index.zone.is_none() && !is_mr {
                continue;
            }
            let i_label = format!("index {}@{}", table.name, index.name);
            let i_layer = model_layer(index.zone.as_ref(), &i_label, is_mr);
            let mut chain = vec![(i_label, &i_layer), (t_label.clone(), &t_layer)];
            chain.extend(ancestors.iter().cloned());
            out.push(ObjectZone {
                object: ZoneObject::Index {
                    table: table.name.clone(),
                    index: index.name.clone(),
                },
                fields: Chain {
                    layers: chain,
                    defaults: &defaults,
                }
                .resolve(),
            });
        }
    }
    out
}

fn show_value(field: &EffectiveField) -> String {
    match (&field.value, field.name) {
        (Some(v), _) => v.to_string(),
        (None, zf::NUM_VOTERS) => "(= num_replicas)".into(),
        (None, _) => "(none)".into(),
    }
}

/// A table: one row per object and field, the object named on its first row.
pub fn render_table(zones: &[ObjectZone]) -> String {
    let mut t = crate::output::table();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(vec!["object", "field", "value", "source"]);
    for z in zones {
        for (i, f) in z.fields.iter().enumerate() {
            let object = if i == 0 { z.label() } else { String::new() };
            t.add_row(vec![
                object,
                f.name.to_string(),
                show_value(f),
                f.source.to_string(),
            ]);
        }
    }
    t.to_string()
}

/// A source in a few words: `model`, the ancestor it is inherited from, `multi-region`
/// (the rule itself is in `--wide` and the JSON), `default`.
fn short_source(source: &Source) -> String {
    match source {
        Source::Model { .. } => "model".into(),
        Source::Inherited { from } => from.clone(),
        Source::MultiRegion { .. } => "multi-region".into(),
        Source::Extension { locality } => format!("extension {locality}"),
        Source::Default => "default".into(),
    }
}

/// The compact table of `zones show`: each object on a line of its own, then one line per
/// field that is not at CockroachDB's default (field, value, where it comes from, in aligned
/// columns; an object whose every field is at the default says so), no line longer than
/// `width` (a long value continues on the next line, under itself).
pub fn render_compact_table(zones: &[ObjectZone], width: u16) -> String {
    const FIELD: usize = 20; // "  voter_constraints" and a space
    let width = usize::from(width).max(FIELD + 20);
    let mut out: Vec<String> = Vec::new();
    for z in zones {
        out.push(z.label());
        let shown: Vec<&EffectiveField> = z
            .fields
            .iter()
            .filter(|f| f.source != Source::Default)
            .collect();
        if shown.is_empty() {
            out.push(format!(
                "  {:<w$}(from CockroachDB's defaults)",
                "(all)",
                w = FIELD - 2
            ));
        }
        for f in shown {
            let value = show_value(f);
            let from = format!("({})", short_source(&f.source));
            let room = width - FIELD;
            // the value in pieces that fit, broken after ", " where it can be
            let mut lines: Vec<String> = Vec::new();
            let mut line = String::new();
            for piece in value.split_inclusive(", ") {
                if !line.is_empty() && line.chars().count() + piece.chars().count() > room {
                    lines.push(std::mem::take(&mut line).trim_end().to_string());
                }
                line.push_str(piece);
                while line.chars().count() > room {
                    let head: String = line.chars().take(room).collect();
                    let tail: String = line.chars().skip(room).collect();
                    lines.push(head);
                    line = tail;
                }
            }
            // the source after the last piece when it fits there, else on its own line
            if line.chars().count() + 1 + from.chars().count() <= room {
                lines.push(format!("{line} {from}"));
            } else {
                lines.push(line);
                lines.push(from);
            }
            for (i, l) in lines.into_iter().enumerate() {
                let name = if i == 0 { f.name } else { "" };
                out.push(
                    format!("  {name:<w$}{l}", w = FIELD - 2)
                        .trim_end()
                        .to_string(),
                );
            }
        }
    }
    out.join("\n")
}

/// The documented JSON shape (see the module docs).
pub fn to_json(zones: &[ObjectZone]) -> serde_json::Value {
    let objects: Vec<serde_json::Value> = zones
        .iter()
        .map(|z| {
            serde_json::json!({
                "object": z.label(),
                "target": z.object,
                "fields": z.fields,
            })
        })
        .collect();
    serde_json::json!({ "version": crate::JSON_VERSION, "objects": objects })
}

/// One field of `zones show --url`: the model's effective value beside the live one.
pub struct FieldComparison<'a> {
    pub object: String,
    pub field: &'a EffectiveField,
    /// `None` when the live database has no such object.
    pub live: Option<&'a EffectiveField>,
}

impl FieldComparison<'_> {
    pub fn differs(&self) -> bool {
        self.live.is_none_or(|l| l.value != self.field.value)
    }
}

/// Pair every field of the model's effective zones with the live database's (both worked
/// out by the same rules, the live model being what the catalog reader made of it).
pub fn compare<'a>(model: &'a [ObjectZone], live: &'a [ObjectZone]) -> Vec<FieldComparison<'a>> {
    let live_by_label: std::collections::HashMap<String, &ObjectZone> =
        live.iter().map(|z| (z.label(), z)).collect();
    let mut out = Vec::new();
    for z in model {
        let label = z.label();
        let other = live_by_label.get(&label);
        for f in &z.fields {
            out.push(FieldComparison {
                object: label.clone(),
                field: f,
                live: other.and_then(|o| o.field(f.name)),
            });
        }
    }
    out
}

/// `zones show --url` as a table: model value and source, live value, `≠` where they differ.
pub fn render_comparison_table(rows: &[FieldComparison]) -> String {
    render_comparison_table_within(rows, None)
}

/// [`render_comparison_table`] at most `width` columns wide (cells wrap), when given:
/// `zones show --url` without `--wide` fits 80 columns.
pub fn render_comparison_table_within(rows: &[FieldComparison], width: Option<u16>) -> String {
    let mut t = crate::output::table();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        t.set_width(w);
    }
    t.set_header(vec!["object", "field", "model", "source", "live", ""]);
    let mut last = String::new();
    for r in rows {
        let object = if r.object != last {
            r.object.clone()
        } else {
            String::new()
        };
        last = r.object.clone();
        t.add_row(vec![
            object,
            r.field.name.to_string(),
            show_value(r.field),
            r.field.source.to_string(),
            r.live.map_or("(no such object)".to_string(), show_value),
            if r.differs() {
                "≠".to_string()
            } else {
                String::new()
            },
        ]);
    }
    t.to_string()
}

/// `zones show --url --format json`: the documented shape, each field with `live` and
/// `differs` added.
pub fn comparison_json(rows: &[FieldComparison]) -> serde_json::Value {
    let mut objects: Vec<serde_json::Value> = Vec::new();
    let mut current: Option<(String, Vec<serde_json::Value>)> = None;
    for r in rows {
        let mut field = serde_json::to_value(r.field).expect("a zone field serialises");
        field["live"] = r.live.map_or(serde_json::Value::Null, |l| {
            serde_json::to_value(&l.value).expect("a zone value serialises")
        });
        field["differs"] = serde_json::Value::Bool(r.differs());
        match &mut current {
            Some((label, fields)) if *label == r.object => fields.push(field),
            _ => {
                if let Some((label, fields)) = current.take() {
                    objects.push(serde_json::json!({ "object": label, "fields": fields }));
                }
                current = Some((r.object.clone(), vec![field]));
            }
        }
    }
    if let Some((label, fields)) = current {
        objects.push(serde_json::json!({ "object": label, "fields": fields }));
    }
    let differences = rows.iter().filter(|r| r.differs()).count();
    serde_json::json!({ "version": crate::JSON_VERSION, "live": true, "differences": differences, "objects": objects })
}
