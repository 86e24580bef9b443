//! Satisfiability of each object's effective zone (issue 11 item 4): can CockroachDB place
//! the replicas its constraints ask for, and would it accept the zone at all?
//!
//! Two kinds of finding, both on the effective values (`effective`: inheritance and the
//! multi-region rules applied):
//!
//! - **Warnings** ([`WARNING_IDS`]): a zone CockroachDB accepts but cannot satisfy. Its
//!   validation deliberately lets the replicas required by `constraints` plus the voters
//!   required by `voter_constraints` exceed the replica count (the comment above the
//!   voter_constraints check in `Validate`, cited below: "allowing examples like the one
//!   shown above also allows the user to walk themselves into unsatisfiable zone
//!   configurations"). bmdb sums the replicas each region must hold (per-replica
//!   constraints, per-voter constraints, all voters pinned to one region) and compares the
//!   sum with num_replicas; checks that a constraint pinning every replica to one region
//!   leaves room for what other regions require; and that each lease preference names a
//!   region where a voter may sit. Reported only on objects whose zone the model sets
//!   (CockroachDB's own multi-region zones are satisfiable by construction, and a child
//!   that merely inherits is reported on the parent that decides).
//! - **Refusals** ([`REFUSAL_IDS`]): what CockroachDB itself rejects when bmdb's
//!   `CONFIGURE ZONE` runs. CockroachDB validates the *complete* zone (the statement's
//!   fields with everything else inherited) with `ZoneConfig.Validate`, and the zone as
//!   written with `ZoneConfig.ValidateTandemFields`: `pkg/config/zonepb/zone.go` at
//!   cockroachdb/cockroach@0336ea40cd49ffac1960d5a185922abdd07003b4, `ValidateTandemFields`
//!   lines 294-327 and `Validate` lines 331-492 (with `validateVoterConstraintsCompatibility`
//!   below it); the callers (`pkg/sql/set_zone_config.go` and the declarative schema
//!   changer's zone-config builders) run `completeZone.Validate()` and wrap its error as
//!   "could not validate zone config" (pgcode 23514, CheckViolation), then run
//!   `ValidateTandemFields` on the zone to be written ("could not validate zone config",
//!   pgcode 22023, with the hint to use `COPY FROM PARENT`). The model loader already refuses, at file:line:col,
//!   what one zone block gets wrong on its own; these are the rejections that depend on
//!   inherited values (a table's num_replicas below the database's num_voters ...) and the
//!   tandem rules the loader does not know. `plan` refuses a step that configures such a
//!   zone, and `zones set` refuses the edit before it is kept.

use crate::model::types::{
    zone_field_name as zf, Constraints, Locality, Model, Placement as Policy,
};
use crate::zones::effective::{FieldValue, ObjectZone, Source, ZoneObject};
use crate::zones::hazards::ZoneHazard;
use std::collections::BTreeMap;

/// Every stable id of a satisfiability warning.
pub const WARNING_IDS: [&str; 3] = [
    "zone-unsatisfiable",
    "lease-preference-unreachable",
    "restricted-placement-breached",
];

/// Every stable id of a refusal: a zone CockroachDB's own validation rejects.
pub const REFUSAL_IDS: [&str; 9] = [
    "zone-two-replicas",
    "zone-two-voters",
    "zone-voters-exceed-replicas",
    "zone-constraints-exceed-replicas",
    "zone-voter-constraints-exceed-voters",
    "zone-prohibited-subset",
    "zone-prohibited-voter-conflict",
    "zone-range-sizes",
    "zone-lease-preferences-alone",
];

/// The parts of one constraint conjunction: `+region=a,-disk=hdd` → [(true, "region=a"), ...].
fn parts(conj: &str) -> Vec<(bool, &str)> {
    conj.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.strip_prefix('-') {
            Some(rest) => (false, rest),
            None => (true, p.trim_start_matches('+')),
        })
        .collect()
}

fn required_region(conj: &str) -> Option<&str> {
    parts(conj)
        .into_iter()
        .find_map(|(req, p)| req.then(|| p.strip_prefix("region=")).flatten())
}

fn constraints(z: &ObjectZone, field: &str) -> Option<Constraints> {
    z.value(field).and_then(FieldValue::as_constraints).cloned()
}

/// Set in the model on this object.
fn in_model(z: &ObjectZone, field: &str) -> bool {
    matches!(
        z.field(field).map(|f| &f.source),
        Some(Source::Model { .. })
    )
}

/// Written on this object's own zone: by the model, or by the multi-region machinery
/// (CockroachDB's zone for the object then holds the field explicitly).
fn set_here(z: &ObjectZone, field: &str) -> bool {
    matches!(
        z.field(field).map(|f| &f.source),
        Some(Source::Model { .. })
            | Some(Source::MultiRegion { .. })
            | Some(Source::Extension { .. })
    )
}

fn origin(z: &ObjectZone, field: &str) -> String {
    match z.field(field).map(|f| &f.source) {
        Some(Source::Model { .. }) => "set in the model".into(),
        Some(Source::MultiRegion { .. }) => "from the multi-region rules".into(),
        Some(Source::Extension { locality }) => {
            format!("from the zone config extension {locality}")
        }
        Some(Source::Inherited { from }) => format!("inherited from {from}"),
        Some(Source::Default) | None => "CockroachDB's default".into(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the zone demands of each region: the replicas there (at least), and why.
#[derive(Default)]
struct Demand {
    replicas: u64,
    why: Vec<String>,
}

/// Where replicas and voters can and must go, read off the effective zone.
struct Placement {
    replicas: u64,
    voters: u64,
    need: BTreeMap<String, Demand>,
    /// Voters each region must hold (per-voter constraints, or all of them).
    voter_need: BTreeMap<String, u64>,
    /// `constraints: [+region=X]`: every replica in X.
    all_replicas_in: Option<String>,
    /// `voter_constraints: [+region=X]`: every voter in X.
    all_voters_in: Option<String>,
    /// `constraints: [-region=X]`: no replica in X.
    prohibited: Vec<String>,
}

impl Placement {
    fn of(z: &ObjectZone) -> Option<Placement> {
        let replicas = z.int(zf::NUM_REPLICAS)?;
        let voters = z.voters().unwrap_or(replicas);
        let mut p = Placement {
            replicas,
            voters,
            need: BTreeMap::new(),
            voter_need: BTreeMap::new(),
            all_replicas_in: None,
            all_voters_in: None,
            prohibited: Vec::new(),
        };
        match constraints(z, zf::CONSTRAINTS) {
            Some(Constraints::All(list)) => {
                for conj in &list {
                    for (req, part) in parts(conj) {
                        if let Some(r) = part.strip_prefix("region=") {
                            if req {
                                p.all_replicas_in = Some(r.to_string());
                            } else {
                                p.prohibited.push(r.to_string());
                            }
                        }
                    }
                }
            }
            Some(Constraints::PerReplica(map)) => {
                for (conj, n) in &map {
                    if let Some(r) = required_region(conj) {
                        p.demand(r, u64::from(*n), format!("{n} by constraints"));
                    }
                }
            }
            None => {}
        }
        match constraints(z, zf::VOTER_CONSTRAINTS) {
            Some(Constraints::All(list)) => {
                if let Some(r) = list.iter().find_map(|c| required_region(c)) {
                    p.all_voters_in = Some(r.to_string());
                    p.voter_need.insert(r.to_string(), voters);
                    p.demand(
                        r,
                        voters,
                        format!(
                            "all {} by voter_constraints",
                            plural(voters, "voter", "voters")
                        ),
                    );
                }
            }
            Some(Constraints::PerReplica(map)) => {
                for (conj, n) in &map {
                    if let Some(r) = required_region(conj) {
                        let v = p.voter_need.entry(r.to_string()).or_default();
                        *v = (*v).max(u64::from(*n));
                        p.demand(
                            r,
                            u64::from(*n),
                            format!(
                                "{} by voter_constraints",
                                plural(u64::from(*n), "voter", "voters")
                            ),
                        );
                    }
                }
            }
            None => {}
        }
        Some(p)
    }

    /// At least `n` replicas in `region` (a lower bound: a replica may satisfy several
    /// conjunctions naming the same region, so they are not added up).
    fn demand(&mut self, region: &str, n: u64, why: String) {
        let d = self.need.entry(region.to_string()).or_default();
        d.replicas = d.replicas.max(n);
        d.why.push(why);
    }

    fn total(&self) -> u64 {
        self.need.values().map(|d| d.replicas).sum()
    }

    /// Whether a voter (and so the leaseholder) can sit in `region`.
    fn voter_can_be_in(&self, region: &str) -> bool {
        let pinned_elsewhere = |pin: &Option<String>| pin.as_deref().is_some_and(|r| r != region);
        if self.prohibited.iter().any(|r| r == region)
            || pinned_elsewhere(&self.all_replicas_in)
            || pinned_elsewhere(&self.all_voters_in)
        {
            return false;
        }
        let voters_pinned: u64 = self.voter_need.values().sum();
        if voters_pinned >= self.voters && !self.voter_need.contains_key(region) {
            return false;
        }
        self.total() < self.replicas || self.need.contains_key(region)
    }
}

/// The satisfiability warnings of one object's effective zone (empty when the model sets
/// none of its placement fields). `said`: the hazard ids already raised on the object
/// (`hazards`); a cause one of them names is not reported twice.
pub fn warnings(z: &ObjectZone, said: &[&str]) -> Vec<ZoneHazard> {
    let skip_lease = said.contains(&"lease-preferences-without-constraints");
    let skip_sum = said.contains(&"constraints-exceed-replicas");
    let placement_fields = [
        zf::NUM_REPLICAS,
        zf::NUM_VOTERS,
        zf::CONSTRAINTS,
        zf::VOTER_CONSTRAINTS,
        zf::LEASE_PREFERENCES,
    ];
    if !placement_fields.iter().any(|f| in_model(z, f)) {
        return Vec::new();
    }
    let Some(p) = Placement::of(z) else {
        return Vec::new();
    };
    let label = z.label();
    let mut out = Vec::new();
    let mut warn = |id: &'static str, reason: String, help: String| {
        out.push(ZoneHazard {
            id,
            object: label.clone(),
            reason,
            help,
        })
    };

    let total = p.total();
    if total > p.replicas && !skip_sum {
        let list: Vec<String> = p
            .need
            .iter()
            .map(|(r, d)| format!("{} in {r} ({})", d.replicas, d.why.join(", ")))
            .collect();
        warn(
            "zone-unsatisfiable",
            format!(
                "keeps {} (num_replicas, {}) but its constraints need {total}: {}; CockroachDB accepts the zone and then cannot place its replicas as asked",
                plural(p.replicas, "replica", "replicas"),
                origin(z, zf::NUM_REPLICAS),
                list.join(", ")
            ),
            format!(
                "raise num_replicas to {total}, or ask less of constraints / voter_constraints (a per-voter map such as {{+region=X: 2}} instead of every voter in one region)"
            ),
        );
    }
    if let Some(home) = &p.all_replicas_in {
        let elsewhere: Vec<&String> = p.need.keys().filter(|r| *r != home).collect();
        if !elsewhere.is_empty() {
            let names: Vec<&str> = elsewhere.iter().map(|s| s.as_str()).collect();
            warn(
                "zone-unsatisfiable",
                format!(
                    "its constraints keep every replica in {home}, but its voter_constraints need replicas in {}",
                    names.join(", ")
                ),
                "pin replicas per region ({+region=a: 1, ...}) instead of every replica in one region, or drop the other regions from voter_constraints".into(),
            );
        }
    }
    if !skip_lease {
        if let Some(lp) = z
            .value(zf::LEASE_PREFERENCES)
            .and_then(FieldValue::as_lease_preferences)
        {
            let mut unreachable = Vec::new();
            for (i, pref) in lp.iter().enumerate() {
                for region in pref.iter().filter_map(|c| required_region(c)) {
                    if !p.voter_can_be_in(region) {
                        unreachable.push((i, region.to_string()));
                    }
                }
            }
            for (i, region) in unreachable {
                let which = if i == 0 {
                    "its first lease preference".to_string()
                } else {
                    format!("lease preference {}", i + 1)
                };
                warn(
                    "lease-preference-unreachable",
                    format!(
                        "{which} asks for the leaseholder in {region}, but its constraints leave no voting replica there (lease_preferences {})",
                        origin(z, zf::LEASE_PREFERENCES)
                    ),
                    format!("put a voter in {region} (voter_constraints {{+region={region}: 1}}) or prefer a region the voters are in"),
                );
            }
        }
    }
    out
}

/// The region a REGIONAL object keeps its data in: a REGIONAL BY TABLE table's region (the
/// primary when none is named), a REGIONAL BY ROW partition's region, an index's table's.
/// `None` for GLOBAL tables, REGIONAL BY ROW tables as a whole, the database and ranges.
fn home_region(model: &Model, object: &ZoneObject) -> Option<String> {
    let primary = model.database.primary_region.clone();
    let table_home = |t: &str| match model.tables.get(t)?.locality.as_ref() {
        Some(Locality::RegionalByTable { region }) => region.clone().or(primary.clone()),
        None => primary.clone(),
        _ => None,
    };
    match object {
        ZoneObject::Table { table } | ZoneObject::Index { table, .. } => table_home(table),
        ZoneObject::Partition { region, .. } => Some(region.clone()),
        _ => None,
    }
}

/// Under `placement: restricted`, CockroachDB keeps every replica of a REGIONAL table or
/// partition in its home region (num_replicas = num_voters, `constraints = '[]'`, voters
/// pinned home: `regional_by_*_placement_restricted` logic tests). An override on such an
/// object that names another region, or adds non-voting replicas that no constraint keeps
/// home, lets data leave the region the policy promises to keep it in: CockroachDB accepts
/// it (the override is explicit), bmdb warns.
pub fn restricted_breach(model: &Model, z: &ObjectZone) -> Option<ZoneHazard> {
    if model.database.placement != Policy::Restricted || !model.database.is_multi_region() {
        return None;
    }
    let placement_fields = [
        zf::NUM_REPLICAS,
        zf::NUM_VOTERS,
        zf::CONSTRAINTS,
        zf::VOTER_CONSTRAINTS,
    ];
    if !placement_fields.iter().any(|f| in_model(z, f)) {
        return None;
    }
    let home = home_region(model, &z.object)?;
    let p = Placement::of(z)?;
    let mut elsewhere: Vec<&str> = p
        .need
        .keys()
        .map(String::as_str)
        .filter(|r| *r != home)
        .collect();
    if let Some(r) = p.all_replicas_in.as_deref().filter(|r| *r != home) {
        elsewhere.push(r);
    }
    elsewhere.sort_unstable();
    elsewhere.dedup();
    let all_home = p.all_replicas_in.as_deref() == Some(home.as_str());
    // non-voters stay home only when a constraint keeps every replica there
    let home_pinned = p.need.get(&home).map_or(0, |d| d.replicas);
    let unpinned_non_voters = p.replicas > p.voters && !all_home && home_pinned < p.replicas;
    let label = z.label();
    let reason = if !elsewhere.is_empty() {
        format!(
            "placement is restricted, but its zone asks for replicas in {} outside its home region {home}",
            elsewhere.join(", ")
        )
    } else if unpinned_non_voters {
        format!(
            "placement is restricted, but its zone keeps {} replicas for {} voters and no constraint keeps the others in its home region {home}",
            p.replicas, p.voters
        )
    } else {
        return None;
    };
    Some(ZoneHazard {
        id: "restricted-placement-breached",
        object: label,
        reason,
        help: format!(
            "keep the override inside {home} (constraints [+region={home}]), or use placement: default if the data may leave it"
        ),
    })
}

/// What CockroachDB's `Validate` (on the complete zone) and `ValidateTandemFields` (on the
/// zone as written) reject, each with CockroachDB's own message.
pub fn rejections(z: &ObjectZone) -> Vec<ZoneHazard> {
    let label = z.label();
    let mut out = Vec::new();
    let mut reject = |id: &'static str, crdb: String, detail: String, help: &str| {
        out.push(ZoneHazard {
            id,
            object: label.clone(),
            reason: format!(
                "CockroachDB rejects the zone of {label}: \"could not validate zone config: {crdb}\" ({detail})"
            ),
            help: help.to_string(),
        })
    };
    let replicas = z.int(zf::NUM_REPLICAS);
    let voters = z.int(zf::NUM_VOTERS);

    // Validate: num_replicas and num_voters.
    if replicas == Some(2) && voters.is_none_or(|v| v == 0) {
        reject(
            "zone-two-replicas",
            "at least 3 replicas are required for multi-replica configurations".into(),
            format!("num_replicas 2, {}", origin(z, zf::NUM_REPLICAS)),
            "use 1 or at least 3 replicas (with 2, losing either loses the quorum)",
        );
    }
    if voters == Some(2) {
        reject(
            "zone-two-voters",
            "at least 3 voting replicas are required for multi-replica configurations".into(),
            format!("num_voters 2, {}", origin(z, zf::NUM_VOTERS)),
            "use 1 or at least 3 voters",
        );
    }
    if let (Some(v), Some(r)) = (voters, replicas) {
        if v > r {
            reject(
                "zone-voters-exceed-replicas",
                "num_voters cannot be greater than num_replicas".into(),
                format!(
                    "num_voters {v} {}, num_replicas {r} {}",
                    origin(z, zf::NUM_VOTERS),
                    origin(z, zf::NUM_REPLICAS)
                ),
                "set num_voters in the same zone (at most num_replicas), or raise num_replicas",
            );
        }
    }

    // Validate: per-replica constraints.
    if let Some(Constraints::PerReplica(map)) = constraints(z, zf::CONSTRAINTS) {
        let sum: u64 = map.values().map(|n| u64::from(*n)).sum();
        if let Some(r) = replicas.filter(|r| sum > *r) {
            reject(
                "zone-constraints-exceed-replicas",
                format!("the number of replicas specified in constraints ({sum}) cannot be greater than the number of replicas configured for the zone ({r})"),
                format!(
                    "constraints {}, num_replicas {}",
                    origin(z, zf::CONSTRAINTS),
                    origin(z, zf::NUM_REPLICAS)
                ),
                "set constraints in the same zone to fit num_replicas, or raise num_replicas",
            );
        }
        for (conj, n) in &map {
            let prohibits = parts(conj).iter().any(|(req, _)| !req);
            if prohibits && replicas.is_some_and(|r| u64::from(*n) != r) {
                reject(
                    "zone-prohibited-subset",
                    "only required constraints (prefixed with a '+') can be applied to a subset of replicas".into(),
                    format!("\"{conj}\": {n}"),
                    "put prohibited constraints in the list form ([-region=x]), which applies to every replica",
                );
            }
        }
    }
    if let (Some(Constraints::PerReplica(map)), Some(v)) =
        (constraints(z, zf::VOTER_CONSTRAINTS), voters)
    {
        let sum: u64 = map.values().map(|n| u64::from(*n)).sum();
        if sum > v {
            reject(
                "zone-voter-constraints-exceed-voters",
                format!("the number of replicas specified in voter_constraints ({sum}) cannot be greater than the number of voters configured for the zone ({v})"),
                format!("num_voters {}", origin(z, zf::NUM_VOTERS)),
                "pin fewer voters, or raise num_voters",
            );
        }
    }
    // validateVoterConstraintsCompatibility: a prohibited constraint that a voter needs.
    if let (Some(c), Some(vc)) = (
        constraints(z, zf::CONSTRAINTS),
        constraints(z, zf::VOTER_CONSTRAINTS),
    ) {
        let strings = |c: &Constraints| -> Vec<String> {
            match c {
                Constraints::All(l) => l.clone(),
                Constraints::PerReplica(m) => m.keys().cloned().collect(),
            }
        };
        let voter_parts: Vec<String> = strings(&vc)
            .iter()
            .flat_map(|s| parts(s).into_iter().map(|(_, p)| p.to_string()))
            .collect();
        for conj in strings(&c) {
            for (req, part) in parts(&conj) {
                if !req && voter_parts.iter().any(|v| v == part) {
                    reject(
                        "zone-prohibited-voter-conflict",
                        format!("prohibitive constraint -{part} conflicts with voter_constraint +{part}"),
                        format!(
                            "constraints {}, voter_constraints {}",
                            origin(z, zf::CONSTRAINTS),
                            origin(z, zf::VOTER_CONSTRAINTS)
                        ),
                        "drop one of the two",
                    );
                }
            }
        }
    }
    // Validate: sizes on the complete zone.
    if let (Some(min), Some(max)) = (z.int(zf::RANGE_MIN_BYTES), z.int(zf::RANGE_MAX_BYTES)) {
        if min >= max && (set_here(z, zf::RANGE_MIN_BYTES) || set_here(z, zf::RANGE_MAX_BYTES)) {
            reject(
                "zone-range-sizes",
                format!("RangeMinBytes {min} is greater than or equal to RangeMaxBytes {max}"),
                format!(
                    "range_min_bytes {}, range_max_bytes {}",
                    origin(z, zf::RANGE_MIN_BYTES),
                    origin(z, zf::RANGE_MAX_BYTES)
                ),
                "set range_min_bytes below range_max_bytes (in the same zone, to see both at once)",
            );
        }
    }
    // ValidateTandemFields, on the zone as written (its own fields, model or multi-region).
    if set_here(z, zf::LEASE_PREFERENCES) {
        if set_here(z, zf::NUM_VOTERS) && !set_here(z, zf::VOTER_CONSTRAINTS) {
            reject(
                "zone-lease-preferences-alone",
                "lease preferences can not be set unless the voter_constraints are explicitly set as well".into(),
                "num_voters is set in the same zone, so CockroachDB asks for voter_constraints there".into(),
                "set voter_constraints beside num_voters and lease_preferences",
            );
        } else if !set_here(z, zf::NUM_VOTERS) && !set_here(z, zf::CONSTRAINTS) {
            reject(
                "zone-lease-preferences-alone",
                "lease preferences can not be set unless the constraints are explicitly set as well".into(),
                "no constraints in the same zone".into(),
                "set constraints beside lease_preferences",
            );
        }
    }
    out
}
