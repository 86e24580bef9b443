//! Replication hazards in a model's zone configurations, judged on the effective values
//! (inheritance and multi-region rules applied, see `effective`). Each hazard is reported
//! once, on the object that decides the offending value, with a stable kebab-case id.
//! Survival-goal downgrades and region drops with data are plan hazards (the planner's).

use crate::model::types::{zone_field_name as zf, Constraints, Model};
use crate::zones::effective::{effective_zones, FieldValue, ObjectZone, Source, ZoneObject};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneHazard {
    pub id: &'static str,
    /// `database`, `range default`, `table T`, `index T@I`, `partition R of table T`.
    pub object: String,
    pub reason: String,
    pub help: String,
}

/// Every stable hazard id this module can raise (the last three from `satisfy`).
pub const HAZARD_IDS: [&str; 11] = [
    "fewer-than-three-replicas",
    "even-voters",
    "voters-exceed-replicas",
    "constraints-exceed-replicas",
    "constraint-unknown-region",
    "lease-preferences-without-constraints",
    "gc-below-stale-reads",
    "gc-below-backup-interval",
    crate::zones::satisfy::WARNING_IDS[0],
    crate::zones::satisfy::WARNING_IDS[1],
    crate::zones::satisfy::WARNING_IDS[2],
];

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

fn constraints(z: &ObjectZone, field: &str) -> Option<Constraints> {
    z.value(field).and_then(FieldValue::as_constraints).cloned()
}

/// Every `region=X` a constraint string names (`+region=a`, `-region=b`, `+region=a,+ssd`).
fn regions_named(c: &str) -> Vec<String> {
    c.split(',')
        .filter_map(|part| {
            part.trim()
                .trim_start_matches(['+', '-'])
                .strip_prefix("region=")
                .map(str::to_string)
        })
        .collect()
}

fn constraint_strings(c: &Constraints) -> Vec<String> {
    match c {
        Constraints::All(list) => list.clone(),
        Constraints::PerReplica(map) => map.keys().cloned().collect(),
    }
}

/// Whether replicas constrained by `c` (out of `total`) can sit in `region`.
fn region_reachable(c: &Constraints, total: u64, region: &str) -> bool {
    let required = format!("+region={region}");
    let prohibited = format!("-region={region}");
    match c {
        Constraints::All(list) => {
            let parts: Vec<&str> = list
                .iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .collect();
            if parts.contains(&prohibited.as_str()) {
                return false;
            }
            let pinned_elsewhere = parts
                .iter()
                .any(|p| p.starts_with("+region=") && *p != required);
            !pinned_elsewhere
        }
        Constraints::PerReplica(map) => {
            let names_it = map
                .keys()
                .any(|k| k.split(',').any(|p| p.trim() == required));
            names_it || (map.values().map(|n| *n as u64).sum::<u64>() < total)
        }
    }
}

fn push(out: &mut Vec<ZoneHazard>, id: &'static str, z: &ObjectZone, reason: String, help: String) {
    out.push(ZoneHazard {
        id,
        object: z.label(),
        reason,
        help,
    });
}

/// All replication hazards of the model, in object order.
pub fn replication_hazards(model: &Model) -> Vec<ZoneHazard> {
    let db = &model.database;
    let mut out = Vec::new();
    // What gc.ttlseconds must outlast: with modelled backup schedules, the longest time
    // between two backups (full and incremental together) of a schedule WITH
    // revision_history; without them, expectations.backup_interval.
    let backup_interval: Option<(u64, Option<&str>)> = match &db.backup_schedules {
        Some(schedules) => schedules
            .values()
            .filter(|s| s.revision_history)
            .filter_map(|s| {
                crate::model::backups::schedule_gap(s).map(|g| (g, Some(s.label.as_str())))
            })
            .max_by_key(|(g, _)| *g),
        None => db.expectations.backup_interval_seconds.map(|b| (b, None)),
    };
    for z in effective_zones(model) {
        let label = z.label();
        let replicas = z.int(zf::NUM_REPLICAS);
        let voters = z.voters();
        let explicit_voters = z.int(zf::NUM_VOTERS);

        if let Some(r) = replicas.filter(|r| *r < 3 && z.decides(zf::NUM_REPLICAS)) {
            push(
                &mut out,
                "fewer-than-three-replicas",
                &z,
                format!("{label} keeps {r} replica{} ({}): losing one node loses its data's availability", if r == 1 { "" } else { "s" }, origin(&z, zf::NUM_REPLICAS)),
                "set num_replicas to at least 3 (5 survives two failures at once)".into(),
            );
        }

        let voters_decided = if explicit_voters.is_some() {
            z.decides(zf::NUM_VOTERS)
        } else {
            z.decides(zf::NUM_REPLICAS)
        };
        if let Some(v) = voters.filter(|v| *v > 0 && v % 2 == 0 && voters_decided) {
            let field = if explicit_voters.is_some() {
                zf::NUM_VOTERS
            } else {
                zf::NUM_REPLICAS
            };
            push(
                &mut out,
                "even-voters",
                &z,
                format!(
                    "{label} has {v} voting replicas ({field}, {}): a quorum needs {}, so it survives no more failures than {} voters would",
                    origin(&z, field),
                    v / 2 + 1,
                    v - 1
                ),
                format!("use an odd number of voters, {} or {}", v - 1, v + 1),
            );
        }

        if let (Some(v), Some(r)) = (explicit_voters, replicas) {
            if v > r && (z.decides(zf::NUM_VOTERS) || z.decides(zf::NUM_REPLICAS)) {
                push(
                    &mut out,
                    "voters-exceed-replicas",
                    &z,
                    format!("{label} asks for {v} voters but only {r} replicas (num_voters {}, num_replicas {})", origin(&z, zf::NUM_VOTERS), origin(&z, zf::NUM_REPLICAS)),
                    format!("raise num_replicas to at least {v}, or lower num_voters; CockroachDB rejects num_voters above num_replicas"),
                );
            }
        }

        if let (Some(c), Some(r)) = (constraints(&z, zf::CONSTRAINTS), replicas) {
            let pinned = c.pinned();
            if pinned > r && (z.decides(zf::CONSTRAINTS) || z.decides(zf::NUM_REPLICAS)) {
                push(
                    &mut out,
                    "constraints-exceed-replicas",
                    &z,
                    format!("{label} pins {pinned} replicas in its constraints but keeps only {r} (num_replicas {})", origin(&z, zf::NUM_REPLICAS)),
                    format!("raise num_replicas to at least {pinned}, or pin fewer replicas per constraint"),
                );
            }
        }
        if let (Some(c), Some(v)) = (constraints(&z, zf::VOTER_CONSTRAINTS), voters) {
            let pinned = c.pinned();
            if pinned > v && (z.decides(zf::VOTER_CONSTRAINTS) || voters_decided) {
                push(
                    &mut out,
                    "constraints-exceed-replicas",
                    &z,
                    format!("{label} pins {pinned} voters in its voter_constraints but has only {v} voters"),
                    format!("raise num_voters to at least {pinned}, or pin fewer voters per constraint"),
                );
            }
        }

        if !db.regions.is_empty() {
            let mut named = Vec::new();
            for field in [zf::CONSTRAINTS, zf::VOTER_CONSTRAINTS] {
                if z.decides(field) {
                    if let Some(c) = constraints(&z, field) {
                        named.extend(
                            constraint_strings(&c)
                                .iter()
                                .flat_map(|s| regions_named(s))
                                .map(|r| (field, r)),
                        );
                    }
                }
            }
            if z.decides(zf::LEASE_PREFERENCES) {
                if let Some(lp) = z
                    .value(zf::LEASE_PREFERENCES)
                    .and_then(FieldValue::as_lease_preferences)
                {
                    named.extend(
                        lp.iter()
                            .flatten()
                            .flat_map(|s| regions_named(s))
                            .map(|r| (zf::LEASE_PREFERENCES, r)),
                    );
                }
            }
            named.dedup();
            for (field, region) in named.into_iter().filter(|(_, r)| !db.regions.contains(r)) {
                push(
                    &mut out,
                    "constraint-unknown-region",
                    &z,
                    format!("{label} {field} name region \"{region}\", which regions.yaml does not declare"),
                    crate::model::normalize::suggest_region(
                        &region,
                        &db.regions,
                        format!("declared regions are {}; add the region to regions.yaml or fix the name", db.regions.join(", ")),
                    ),
                );
            }
        }

        if z.decides(zf::LEASE_PREFERENCES) {
            let lp = z
                .value(zf::LEASE_PREFERENCES)
                .and_then(FieldValue::as_lease_preferences)
                .unwrap_or(&[])
                .to_vec();
            if !lp.is_empty() {
                let has_own = z.decides(zf::CONSTRAINTS) || z.decides(zf::VOTER_CONSTRAINTS);
                if !has_own {
                    push(
                        &mut out,
                        "lease-preferences-without-constraints",
                        &z,
                        format!("{label} sets lease_preferences but no constraints or voter_constraints of its own"),
                        "set constraints (or voter_constraints with num_voters) in the same zone; CockroachDB refuses lease preferences without them".into(),
                    );
                } else {
                    let all = constraints(&z, zf::CONSTRAINTS);
                    let vc = constraints(&z, zf::VOTER_CONSTRAINTS);
                    for region in lp
                        .iter()
                        .flatten()
                        .filter(|s| s.starts_with('+'))
                        .flat_map(|s| regions_named(s))
                    {
                        let replicas_ok = all
                            .as_ref()
                            .is_none_or(|c| region_reachable(c, replicas.unwrap_or(0), &region));
                        let voters_ok = vc
                            .as_ref()
                            .is_none_or(|c| region_reachable(c, voters.unwrap_or(0), &region));
                        if !(replicas_ok && voters_ok) {
                            push(
                                &mut out,
                                "lease-preferences-without-constraints",
                                &z,
                                format!("{label} prefers leases in {region}, but its constraints put no voting replica there"),
                                format!("constrain a voter to +region={region} (voter_constraints) or drop that lease preference"),
                            );
                        }
                    }
                }
            }
        }

        // Satisfiability (per-region sums, pins, lease preferences): `satisfy`. Its lease
        // checks stay quiet where a hazard above already named the cause.
        let said: Vec<&str> = out
            .iter()
            .filter(|h| h.object == label)
            .map(|h| h.id)
            .collect();
        let more = crate::zones::satisfy::warnings(&z, &said);
        out.extend(more);
        out.extend(crate::zones::satisfy::restricted_breach(model, &z));

        // Judged where application data is: the database answers for what it inherits from
        // `range default`; system ranges (meta, liveness ...) hold no application data.
        let gc_here = match &z.object {
            ZoneObject::Range { .. } => false,
            ZoneObject::Database { .. } => true,
            _ => z.decides(zf::GC_TTLSECONDS),
        };
        if let Some(gc) = z.int(zf::GC_TTLSECONDS).filter(|_| gc_here) {
            if let Some(stale) = db.expectations.stale_reads_seconds.filter(|s| gc < *s) {
                push(
                    &mut out,
                    "gc-below-stale-reads",
                    &z,
                    format!("{label} keeps old versions for {gc}s (gc.ttlseconds, {}), less than the {stale}s stale reads the application issues", origin(&z, zf::GC_TTLSECONDS)),
                    format!("raise gc.ttlseconds to at least {stale}, or lower expectations.stale_reads in regions.yaml"),
                );
            }
            match backup_interval.filter(|(b, _)| gc <= *b) {
                Some((backup, None)) => push(
                    &mut out,
                    "gc-below-backup-interval",
                    &z,
                    format!("{label} keeps old versions for {gc}s (gc.ttlseconds, {}), not longer than the {backup}s backup interval: incremental backups WITH revision_history will fail", origin(&z, zf::GC_TTLSECONDS)),
                    format!("raise gc.ttlseconds above {backup} (with room for a missed run), or back up more often"),
                ),
                Some((backup, Some(schedule))) => push(
                    &mut out,
                    "gc-below-backup-interval",
                    &z,
                    format!("{label} keeps old versions for {gc}s (gc.ttlseconds, {}), not longer than the {backup}s between two backups of schedule {schedule} WITH revision_history (backups.yaml): its revision history then has gaps unless the schedule's protected timestamp holds them (schedules.backup.gc_protection.enabled; a FULL BACKUP ALWAYS schedule has none)", origin(&z, zf::GC_TTLSECONDS)),
                    format!("raise gc.ttlseconds above {backup} (with room for a missed run), or back up more often in backups.yaml"),
                ),
                None => {}
            }
        }
    }
    out
}
