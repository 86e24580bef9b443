//! Zone blocks: read a YAML zone map into a typed `ZoneConfig` and check everything a
//! zone can get wrong on its own (ranges, tandem fields, regions it names, the
//! multi-region guard), pointing at the offending key.

use super::normalize::{parse_constraints_str, parse_lease_preferences_str};
use super::read::{get, key_pos, Cx};
pub use super::types::ZONE_COUNT_MAX;
use super::types::{
    zone_field_name as zf, Constraints, ZoneConfig, ZoneFieldKind, ZoneValue, ZONE_FIELDS,
};
use super::yaml::{Node, NodeKind, Pos};
use std::collections::BTreeMap;

/// The keys a zone block may have, in the order help lists them (sizes and timing before
/// placement): every field of `types::ZONE_FIELDS` (a test ties the two) and the model's
/// consent `override_multi_region`.
pub const ZONE_KEYS: &[&str] = &[
    zf::NUM_REPLICAS,
    zf::NUM_VOTERS,
    zf::GC_TTLSECONDS,
    zf::RANGE_MIN_BYTES,
    zf::RANGE_MAX_BYTES,
    zf::CONSTRAINTS,
    zf::VOTER_CONSTRAINTS,
    zf::LEASE_PREFERENCES,
    zf::GLOBAL_READS,
    zf::OVERRIDE_MULTI_REGION,
];

/// What a zone needs to know about its database.
pub struct ZoneCx<'a> {
    /// A cockroach database with a primary region: protected fields need the override.
    pub multi_region: bool,
    /// Declared regions; empty means "not checked" (the cluster's regions are unknown).
    pub regions: &'a [String],
    /// Human name of the zone's owner, e.g. `table "players"`.
    pub owner: String,
    /// A zone config extension: it fills what it leaves out from the zone it extends
    /// (`extendZoneCfg`: `InheritFromParent`), so the tandem rules for lease preferences
    /// are checked on the result, not on the block (multi_region_zone_config_extensions sets
    /// lease_preferences alone, and num_voters + lease_preferences without voter_constraints).
    pub extension: bool,
}

pub fn read_zone(cx: &mut Cx, node: &Node, zcx: &ZoneCx) -> Option<ZoneConfig> {
    let what = format!("the zone of {}", zcx.owner);
    let entries = cx.map(node, &what)?;
    cx.check_keys(entries, ZONE_KEYS, &what);
    let mut z = ZoneConfig::default();
    for f in &ZONE_FIELDS {
        let Some(v) = get(entries, f.name) else {
            continue;
        };
        let key = f.name;
        let value = match f.kind {
            ZoneFieldKind::Int { min, max, why_min } => {
                let n = cx.int(v, &format!("\"{key}\""));
                match n {
                    Some(n) if n < min => {
                        cx.err(
                            v.pos,
                            "zone-value-out-of-range",
                            format!("{key} = {n} in {what} is below the minimum {min}"),
                            why_min.to_string(),
                        );
                        None
                    }
                    Some(n) if n > max => {
                        cx.err(
                            v.pos,
                            "zone-value-out-of-range",
                            format!("{key} = {n} in {what} is above the maximum {max}"),
                            format!("CockroachDB stores {key} in a field that holds at most {max}"),
                        );
                        None
                    }
                    n => n.and_then(|n| u64::try_from(n).ok()).map(ZoneValue::Int),
                }
            }
            ZoneFieldKind::Bool => cx.boolean(v, &format!("\"{key}\"")).map(ZoneValue::Bool),
            ZoneFieldKind::Constraints => {
                // prohibited (`-key=value`) entries are for `constraints` only
                let allow_prohibited = key == zf::CONSTRAINTS;
                read_constraints(cx, v, key, allow_prohibited, zcx).map(ZoneValue::Constraints)
            }
            ZoneFieldKind::LeasePreferences => {
                read_lease_preferences(cx, v, zcx).map(ZoneValue::LeasePreferences)
            }
        };
        (f.put)(&mut z, value);
    }
    if let Some(v) = get(entries, zf::OVERRIDE_MULTI_REGION) {
        z.override_multi_region = cx
            .boolean(v, &format!("\"{}\"", zf::OVERRIDE_MULTI_REGION))
            .unwrap_or(false);
    }
    check_tandem(cx, entries, &z, &what, zcx.extension);
    if zcx.multi_region && !z.override_multi_region {
        for field in z.protected_fields_set() {
            let pos = key_pos(entries, field).unwrap_or(node.pos);
            cx.err(
                pos,
                "protected-zone-field",
                format!("{field} in {what} is managed by CockroachDB's multi-region settings"),
                "add override_multi_region: true to this zone to keep it; later region and survival changes will then need the override too (the plan will say so)".to_string(),
            );
        }
    }
    Some(z)
}

fn check_tandem(
    cx: &mut Cx,
    entries: &[(super::yaml::Key, Node)],
    z: &ZoneConfig,
    what: &str,
    extension: bool,
) {
    let at = |k: &str| get(entries, k).map(|n| n.pos).unwrap_or(Pos::START);
    if let (Some(v), Some(r)) = (z.num_voters, z.num_replicas) {
        if v > r {
            cx.err(
                at(zf::NUM_VOTERS),
                "voters-exceed-replicas",
                format!("num_voters = {v} exceeds num_replicas = {r} in {what}"),
                "voters are a subset of replicas: raise num_replicas or lower num_voters"
                    .to_string(),
            );
        }
    }
    if let (Some(min), Some(max)) = (z.range_min_bytes, z.range_max_bytes) {
        if min >= max {
            cx.err(
                at(zf::RANGE_MIN_BYTES),
                "zone-value-out-of-range",
                format!("range_min_bytes = {min} is not below range_max_bytes = {max} in {what}"),
                "set range_min_bytes lower than range_max_bytes".to_string(),
            );
        }
    }
    if let Some(c @ Constraints::PerReplica(_)) = &z.constraints {
        match z.num_replicas {
            None => cx.err(
                at(zf::CONSTRAINTS),
                "zone-value-out-of-range",
                format!("per-replica constraints in {what} need num_replicas in the same zone"),
                "add num_replicas, or use the list form [+region=...] that applies to all replicas"
                    .to_string(),
            ),
            Some(r) if c.pinned() > u64::from(r) => cx.err(
                at(zf::CONSTRAINTS),
                "zone-value-out-of-range",
                format!(
                    "constraints pin {} replicas but num_replicas is {r} in {what}",
                    c.pinned()
                ),
                "lower the per-replica counts or raise num_replicas".to_string(),
            ),
            Some(_) => {}
        }
    }
    if let Some(c) = &z.voter_constraints {
        match z.num_voters {
            None => cx.err(
                at(zf::VOTER_CONSTRAINTS),
                "zone-value-out-of-range",
                format!("voter_constraints in {what} need num_voters in the same zone"),
                "add num_voters".to_string(),
            ),
            Some(v) if c.pinned() > u64::from(v) => cx.err(
                at(zf::VOTER_CONSTRAINTS),
                "zone-value-out-of-range",
                format!(
                    "voter_constraints pin {} voters but num_voters is {v} in {what}",
                    c.pinned()
                ),
                "lower the per-voter counts or raise num_voters".to_string(),
            ),
            Some(_) => {}
        }
    }
    // CockroachDB's ValidateTandemFields (pkg/config/zonepb/zone.go at
    // cockroachdb/cockroach@0336ea40cd49ffac1960d5a185922abdd07003b4, lines 319-322).
    if extension {
        return;
    }
    if z.lease_preferences.is_some() && z.num_voters.is_some() && z.voter_constraints.is_none() {
        cx.err(
            at(zf::LEASE_PREFERENCES),
            "zone-value-out-of-range",
            format!("lease_preferences beside num_voters in {what} need voter_constraints in the same zone (\"lease preferences can not be set unless the voter_constraints are explicitly set as well\")"),
            "set voter_constraints beside num_voters and lease_preferences".to_string(),
        );
    }
    if z.lease_preferences.is_some() && z.constraints.is_none() && z.voter_constraints.is_none() {
        cx.err(
            at(zf::LEASE_PREFERENCES),
            "zone-value-out-of-range",
            format!("lease_preferences in {what} need constraints or voter_constraints in the same zone"),
            "set constraints (or voter_constraints) beside lease_preferences".to_string(),
        );
    }
}

fn read_constraints(
    cx: &mut Cx,
    node: &Node,
    field: &str,
    allow_prohibited: bool,
    zcx: &ZoneCx,
) -> Option<Constraints> {
    let parsed = match &node.kind {
        NodeKind::Scalar { value, .. } => match parse_constraints_str(value) {
            Ok(c) => c,
            Err(e) => {
                cx.err(
                    node.pos,
                    "invalid-value",
                    format!("invalid {field}: {e}"),
                    format!("write {field} as '[+region=a, -disk=hdd]' or '{{+region=a: 1}}'"),
                );
                return None;
            }
        },
        NodeKind::Seq(items) => {
            let mut list = Vec::new();
            for item in items {
                list.push(cx.text(item, &format!("an entry of {field}"))?);
            }
            Constraints::All(list.into_iter().map(|s| s.trim().to_string()).collect())
        }
        NodeKind::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                let n = cx.int(v, &format!("the replica count of \"{}\"", k.name))?;
                let Ok(n) = u32::try_from(n) else {
                    cx.err(
                        v.pos,
                        "zone-value-out-of-range",
                        format!("replica count {n} for \"{}\" is negative", k.name),
                        "use a count of 0 or more".to_string(),
                    );
                    return None;
                };
                if i64::from(n) > ZONE_COUNT_MAX {
                    cx.err(
                        v.pos,
                        "zone-value-out-of-range",
                        format!(
                            "replica count {n} for \"{}\" is above the maximum {ZONE_COUNT_MAX}",
                            k.name
                        ),
                        "a count this large cannot be a number of replicas; use a small count"
                            .to_string(),
                    );
                    return None;
                }
                map.insert(k.name.trim().to_string(), n);
            }
            Constraints::PerReplica(map)
        }
        NodeKind::Null => {
            cx.wrong_type(
                node,
                "a list or map of constraints",
                &format!("\"{field}\""),
            );
            return None;
        }
    };
    let items: Vec<&String> = match &parsed {
        Constraints::All(l) => l.iter().collect(),
        Constraints::PerReplica(m) => m.keys().collect(),
    };
    let per_replica = matches!(parsed, Constraints::PerReplica(_));
    let mut ok = true;
    for c in items {
        let good_prefix =
            c.starts_with('+') || (c.starts_with('-') && allow_prohibited && !per_replica);
        if !good_prefix || c.len() < 2 {
            let allowed = if allow_prohibited && !per_replica {
                "+ (required) or - (prohibited)"
            } else {
                "+ (required)"
            };
            cx.err(
                node.pos,
                "invalid-value",
                format!("constraint \"{c}\" in {field} must start with {allowed}"),
                "write constraints like +region=us-east-1".to_string(),
            );
            ok = false;
        }
        check_region(cx, c, node.pos, field, zcx);
    }
    ok.then_some(parsed)
}

fn check_region(cx: &mut Cx, constraint: &str, pos: Pos, field: &str, zcx: &ZoneCx) {
    let body = constraint.trim_start_matches(['+', '-']);
    if let Some(region) = body.strip_prefix("region=") {
        if !zcx.regions.is_empty() && !zcx.regions.iter().any(|r| r == region) {
            cx.err(
                pos,
                "unknown-region",
                format!(
                    "region \"{region}\" in {field} of {} is not declared in regions.yaml",
                    zcx.owner
                ),
                format!("declared regions are {}", zcx.regions.join(", ")),
            );
        }
    }
}

fn read_lease_preferences(cx: &mut Cx, node: &Node, zcx: &ZoneCx) -> Option<Vec<Vec<String>>> {
    let parsed = match &node.kind {
        NodeKind::Scalar { value, .. } => match parse_lease_preferences_str(value) {
            Ok(p) => p,
            Err(e) => {
                cx.err(
                    node.pos,
                    "invalid-value",
                    format!("invalid lease_preferences: {e}"),
                    "write lease_preferences as '[[+region=a], [+region=b]]'".to_string(),
                );
                return None;
            }
        },
        NodeKind::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match &item.kind {
                    NodeKind::Seq(inner) => {
                        let mut pref = Vec::new();
                        for c in inner {
                            pref.push(
                                cx.text(c, "a lease preference constraint")?
                                    .trim()
                                    .to_string(),
                            );
                        }
                        out.push(pref);
                    }
                    NodeKind::Scalar { value, .. } => out.push(vec![value.trim().to_string()]),
                    _ => {
                        cx.wrong_type(item, "a list of constraints", "a lease preference");
                        return None;
                    }
                }
            }
            out
        }
        _ => {
            cx.wrong_type(
                node,
                "a list of lists",
                &format!("\"{}\"", zf::LEASE_PREFERENCES),
            );
            return None;
        }
    };
    let mut ok = true;
    for pref in &parsed {
        if pref.is_empty() {
            cx.err(
                node.pos,
                "invalid-value",
                "a lease preference is empty".to_string(),
                "each preference needs at least one constraint, like [+region=a]".to_string(),
            );
            ok = false;
        }
        for c in pref {
            if !c.starts_with('+') && !c.starts_with('-') {
                cx.err(
                    node.pos,
                    "invalid-value",
                    format!("constraint \"{c}\" in lease_preferences must start with + or -"),
                    "write constraints like +region=us-east-1".to_string(),
                );
                ok = false;
            }
            check_region(cx, c, node.pos, zf::LEASE_PREFERENCES, zcx);
        }
    }
    ok.then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::ZONE_KEYS;
    use crate::model::types::ZONE_FIELDS;
    use std::collections::BTreeSet;

    #[test]
    fn zone_keys_are_the_zone_fields_and_the_override() {
        let keys: BTreeSet<&str> = ZONE_KEYS.iter().copied().collect();
        let mut want: BTreeSet<&str> = ZONE_FIELDS.iter().map(|f| f.name).collect();
        want.insert("override_multi_region");
        assert_eq!(keys, want);
        assert_eq!(keys.len(), ZONE_KEYS.len(), "a key twice");
    }
}
