//! Hazards read off the typed change (never off SQL text): stable kebab-case ids, a
//! one-line reason that names the object, and whether `--allow-destructive` is needed.

use crate::diff::{Change, Hazard};
use crate::model::types::*;

/// Every hazard of one change. `current` and `desired` give the reason its context
/// (what the dropped or rewritten object holds).
pub fn hazards(change: &Change, current: &Model, desired: &Model) -> Vec<Hazard> {
    let destructive = |id, reason: String| Hazard {
        id,
        reason,
        destructive: true,
    };
    let caution = |id, reason: String| Hazard {
        id,
        reason,
        destructive: false,
    };
    let object = change.object();

    let mut out = Vec::new();
    match change {
        Change::DropTable { table } => out.push(destructive(
            "drop-table",
            format!("drops table {} and every row in it", table.name),
        )),
        Change::DropBackupSchedule { schedule } => out.push(destructive(
            "drop-backup-schedule",
            format!(
                "stops the backups of backup schedule {}; the backups already taken stay in {}",
                schedule.label, schedule.into
            ),
        )),
        Change::AlterBackupSchedule { from, to } => {
            // ALTER BACKUP SCHEDULE changes cadences, the collection, revision_history and
            // the options in place; what a schedule backs up it cannot change
            // (pkg/backup/alter_backup_schedule.go has no command for the targets)
            if from.targets != to.targets {
                out.push(caution(
                    "recreate-backup-schedule",
                    format!(
                        "drops and re-creates backup schedule {} (ALTER BACKUP SCHEDULE cannot change what a schedule backs up): the new schedule starts with a full backup now and its incrementals wait for it",
                        to.label
                    ),
                ));
            } else if from.into != to.into {
                out.push(caution(
                    "backup-schedule-new-collection",
                    format!(
                        "backup schedule {} writes into {} from now on{} (the backups in {} stay there)",
                        to.label,
                        to.into,
                        if from.full_backup.is_some() && to.full_backup.is_some() {
                            ": a full backup starts now and the incrementals wait for it"
                        } else {
                            ", from its next full backup"
                        },
                        from.into
                    ),
                ));
            }
            if from.revision_history && !to.revision_history {
                out.push(caution(
                    "revision-history-off",
                    format!(
                        "backup schedule {} stops keeping revision history: later backups restore only to the times they were taken",
                        to.label
                    ),
                ));
            }
        }
        Change::DropRole { role } => out.push(destructive(
            "drop-role",
            format!("drops role {role}; sessions and services that log in as it fail"),
        )),
        Change::RevokeRole { role, of } => out.push(caution(
            "revoke",
            format!("revokes {object}: {role} loses what {of} may do; a service running as {role} can break"),
        )),
        Change::AlterRole { role, options, .. } if options.iter().any(|o| o == "NOLOGIN") => out.push(caution(
            "revoke",
            format!("role {role} can no longer log in"),
        )),
        Change::RevokePrivileges {
            role,
            privileges,
            grant_option: false,
            ..
        } => out.push(caution(
            "revoke",
            format!(
                "revokes {object} ({}): a service running as {role} can break",
                privileges.join(", ")
            ),
        )),
        Change::RevokePrivileges {
            role,
            privileges,
            grant_option: true,
            ..
        } => out.push(caution(
            "revoke",
            format!(
                "revokes {object} ({}): {role} keeps the privileges but can no longer grant them to others",
                privileges.join(", ")
            ),
        )),
        Change::RevokeDefaultPrivileges {
            role,
            for_role,
            on,
            privileges,
            ..
        } => out.push(caution(
            "revoke",
            format!(
                "revokes {object} ({}): {on} {for_role} creates from now on no longer give {role} them",
                privileges.join(", ")
            ),
        )),
        Change::DropView {
            rebuilt_for: Some(why),
            ..
        } => out.push(caution(
            "view-rebuilt",
            format!("drops {object} for the {why} under it and creates it again later in the plan; queries reading it fail in between"),
        )),
        Change::DropView {
            rebuilt_for: None,
            ..
        } => out.push(caution(
            "drop-view",
            format!("drops {object}; queries and grants that name it fail or go with it"),
        )),
        Change::ReplaceView { .. } => out.push(caution(
            "replace-view",
            format!("drops {object} and creates it with the new query; queries reading it fail in between and its grants go with it"),
        )),
        Change::DropSequence { .. } => out.push(destructive(
            "drop-sequence",
            format!("drops {object} and the position it has counted to; a sequence created again starts over"),
        )),
        Change::AlterSequence { from, to }
            if to.min_value > from.min_value
                || to.max_value < from.max_value
                || (to.increment > 0) != (from.increment > 0) =>
        {
            out.push(caution(
                "sequence-range-narrowed",
                format!(
                    "alters {object} to {}..{} by {}; the server refuses while its current value lies outside the new range",
                    to.min_value, to.max_value, to.increment
                ),
            ))
        }
        Change::DropSchema { .. } => out.push(destructive(
            "drop-schema",
            format!("drops {object}; the server refuses while it still holds an object (bmdb's or not), and grants on it go with it"),
        )),
        Change::DropEnum { .. } => out.push(destructive(
            "drop-type",
            format!("drops {object}; the server refuses while a column still uses the type"),
        )),
        Change::DropEnumValue { value, .. } => out.push(destructive(
            "drop-enum-value",
            format!("drops {object}; CockroachDB refuses while a row (or a default, check or view) holds {value:?}"),
        )),
        Change::AddEnumValue { value, .. } if desired.database.dialect == Dialect::Postgres => {
            out.push(caution(
                "enum-value-in-transaction",
                format!("adds {object}; PostgreSQL runs the migration in one transaction, and {value:?} cannot be used (a default, a check, a row) until it commits: use it in the next migration"),
            ))
        }
        Change::RenameEnumValue { from, .. } => out.push(caution(
            "rename-enum-value",
            format!("renames {object} (was {from:?}); application code that writes {from:?} fails"),
        )),
        Change::DropColumn { .. } => out.push(destructive(
            "drop-column",
            format!("drops column {object} and its data"),
        )),
        Change::DropIndex { .. } => out.push(destructive(
            "drop-index",
            format!("drops index {object}; queries that use it slow down until it is rebuilt"),
        )),
        Change::DropRegion { region, .. } => {
            let homed = tables_homed_in(current, region);
            // Tables still REGIONAL BY ROW when the region goes: the desired ones.
            let rows = tables_by_row(desired);
            let mut what = Vec::new();
            if !homed.is_empty() {
                what.push(format!("tables homed there ({}) move first", homed.join(", ")));
            }
            if !rows.is_empty() {
                what.push(format!(
                    "rows of REGIONAL BY ROW tables ({}) homed there block the drop until re-homed",
                    rows.join(", ")
                ));
            }
            if what.is_empty() {
                what.push("its replicas move away".to_string());
            }
            out.push(destructive(
                "drop-region",
                format!("drops region {region} from the database; {}", what.join("; ")),
            ));
        }
        Change::AlterColumnType { from, to, .. } if narrows(from, to) => out.push(destructive(
            "narrowing-type",
            format!("narrows {object} from {from} to {to}; values that do not fit fail or lose precision"),
        )),
        Change::SetLocality { table, from, to } if rewrites(from, to) => {
            let indexes = current.tables.get(table).map_or(0, |t| t.indexes.len());
            out.push(destructive(
                "locality-rewrite",
                format!(
                    "changing {table} to or from REGIONAL BY ROW swaps its primary key and rewrites every index of the table ({} secondary)",
                    indexes
                ),
            ));
        }
        Change::SetSurvivalGoal { database, from: SurvivalGoal::Region, to: SurvivalGoal::Zone } => out.push(destructive(
            "survival-downgrade",
            format!("database {database} will no longer survive the loss of a region"),
        )),
        // CockroachDB's TTL job deletes every row already past its expiry at its next run:
        // a TTL on a table that had none, a shorter expire_after or another expression
        // may delete rows the table holds now
        Change::SetTtl { table, ttl, .. } if desired.database.dialect == Dialect::Cockroach => {
            if let Some(t) = current.tables.get(table) {
                if ttl_deletes_sooner(t.ttl.as_ref(), ttl) {
                    out.push(caution(
                        "ttl-deletes-rows",
                        format!(
                            "row-level TTL on {table} ({}) deletes the rows already past that expiry at the TTL job's next run ({})",
                            ttl.describe(),
                            ttl.job_cron.as_deref().unwrap_or("@hourly")
                        ),
                    ));
                }
            }
        }
        Change::DropUnique { .. } | Change::DropCheck { .. } | Change::DropForeignKey { .. } => out.push(caution(
            "drop-constraint",
            format!("drops constraint {object}; rows it used to reject can be written"),
        )),
        Change::ReplaceComputedColumn { from, .. } if from.computed.is_none() => out.push(destructive(
            "computed-replaces-column",
            format!("drops the plain column {object}, and the values it holds, to add it again computed"),
        )),
        Change::ReplaceComputedColumn { from, to, .. } => out.push(caution(
            "computed-rebuilt",
            format!(
                "drops and adds {object} to change its computation (neither server alters it in place); indexes and constraints on it are created again{}",
                if to.computed.is_none() && from.computed.as_ref().is_some_and(|c| c.is_virtual) {
                    "; the plain column starts NULL"
                } else {
                    ""
                }
            ),
        )),
        Change::SetColumnCollation { collate, .. } => out.push(caution(
            "collation-change",
            format!(
                "changes the collation of {object} to {}: the column is rewritten, its indexes are built again, and sorting and comparisons on it change (a unique index may now find duplicates)",
                collate.as_deref().unwrap_or("the database default")
            ),
        )),
        Change::AddIdentity { identity, .. } => out.push(caution(
            "identity-added",
            format!(
                "makes {object} an identity column numbered from {}; the values already there are not looked at, so a unique key on it can collide: set `start` above the largest",
                identity.start.map_or("its first value".to_string(), |s| s.to_string())
            ),
        )),
        Change::DropIdentity { .. } => out.push(caution(
            "identity-dropped",
            format!("{object} stops being an identity column and its sequence is dropped; inserts must give it a value"),
        )),
        Change::AlterIdentity { generated: Some(Generated::Always), .. } => out.push(caution(
            "identity-always",
            format!("{object} becomes GENERATED ALWAYS; an INSERT that gives it a value fails (unless OVERRIDING SYSTEM VALUE)"),
        )),
        Change::SetColumnNullable { nullable: false, .. } => out.push(caution(
            "set-not-null",
            format!("sets {object} NOT NULL; fails if any row holds NULL there"),
        )),
        Change::AlterPrimaryKey { table, to, .. } => out.push(caution(
            "primary-key-change",
            format!("changes the primary key of {table} to ({}); rewrites the table", to.columns.join(", ")),
        )),
        _ => {}
    }
    if let Change::ConfigureZone {
        target,
        to: Some(zone),
        ..
    } = change
    {
        if zone.override_multi_region {
            let fields = zone.protected_fields_set().join(", ");
            let db = &desired.database.name;
            out.push(caution(
                "override-multi-region",
                format!(
                    "zone {target} overrides multi-region managed fields ({fields}); later region, survival or locality changes in {db} need the override again"
                ),
            ));
        }
    }
    out
}

/// An absent locality is REGIONAL BY TABLE IN PRIMARY REGION (or none at all).
fn rewrites(from: &Option<Locality>, to: &Option<Locality>) -> bool {
    let default = Locality::RegionalByTable { region: None };
    from.as_ref()
        .unwrap_or(&default)
        .rewrites_to(to.as_ref().unwrap_or(&default))
}

fn tables_homed_in(model: &Model, region: &str) -> Vec<String> {
    model
        .tables
        .values()
        .filter(|t| matches!(&t.locality, Some(Locality::RegionalByTable { region: Some(r) }) if r == region))
        .map(|t| t.name.clone())
        .collect()
}

fn tables_by_row(model: &Model) -> Vec<String> {
    model
        .tables
        .values()
        .filter(|t| matches!(&t.locality, Some(Locality::RegionalByRow { .. })))
        .map(|t| t.name.clone())
        .collect()
}

/// A column type, as far as narrowing goes.
#[derive(Debug, Clone, PartialEq)]
enum TypeShape {
    /// Bits.
    Int(u32),
    /// Bits.
    Float(u32),
    /// `None` = unbounded; else (precision, scale).
    Decimal(Option<(u32, u32)>),
    /// `None` = unbounded (STRING, TEXT, VARCHAR without a length).
    String(Option<u32>),
    /// With time zone, fractional-second precision.
    Timestamp {
        tz: bool,
        precision: u32,
    },
    Array(Box<TypeShape>),
    /// Anything else, compared by its canonical name.
    Other(String),
}

/// Whether changing a column from type `from` to type `to` can lose or reject values:
/// fewer bits, a shorter length, less precision or scale, dropping the time zone, or any
/// change across type families (STRING -> INT8). Widening is not narrowing.
pub fn narrows(from: &str, to: &str) -> bool {
    narrows_shape(&shape(from), &shape(to))
}

fn narrows_shape(from: &TypeShape, to: &TypeShape) -> bool {
    use TypeShape::*;
    match (from, to) {
        (Int(a), Int(b)) | (Float(a), Float(b)) => b < a,
        (Decimal(_), Decimal(None)) => false,
        (Decimal(None), Decimal(Some(_))) => true,
        (Decimal(Some((p1, s1))), Decimal(Some((p2, s2)))) => {
            s2 < s1 || p2.saturating_sub(*s2) < p1.saturating_sub(*s1)
        }
        (String(_), String(None)) => false,
        (String(None), String(Some(_))) => true,
        (String(Some(a)), String(Some(b))) => b < a,
        (
            Timestamp {
                tz: tz1,
                precision: p1,
            },
            Timestamp {
                tz: tz2,
                precision: p2,
            },
        ) => (*tz1 && !*tz2) || p2 < p1,
        (Array(a), Array(b)) => narrows_shape(a, b),
        (a, b) => a != b,
    }
}

fn shape(ty: &str) -> TypeShape {
    let ty = ty.trim().to_ascii_uppercase();
    if let Some(elem) = ty.strip_suffix("[]") {
        return TypeShape::Array(Box::new(shape(elem)));
    }
    let (base, args) = match ty.split_once('(') {
        Some((base, rest)) => {
            let args: Vec<u32> = rest
                .trim_end_matches(')')
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect();
            (base.trim().to_string(), args)
        }
        None => (ty.clone(), Vec::new()),
    };
    match base.as_str() {
        "INT2" | "SMALLINT" => TypeShape::Int(16),
        "INT4" | "INTEGER" => TypeShape::Int(32),
        "INT8" | "INT" | "BIGINT" | "INT64" => TypeShape::Int(64),
        "FLOAT4" | "REAL" => TypeShape::Float(32),
        "FLOAT8" | "FLOAT" | "DOUBLE PRECISION" => TypeShape::Float(64),
        "DECIMAL" | "NUMERIC" | "DEC" => TypeShape::Decimal(match args[..] {
            [] => None,
            [p] => Some((p, 0)),
            [p, s, ..] => Some((p, s)),
        }),
        "STRING" | "TEXT" | "VARCHAR" | "CHARACTER VARYING" | "CHAR" | "CHARACTER" => {
            // A bare CHAR is CHAR(1).
            let bare_char = matches!(base.as_str(), "CHAR" | "CHARACTER");
            TypeShape::String(args.first().copied().or(bare_char.then_some(1)))
        }
        "TIMESTAMP" | "TIMESTAMPTZ" => TypeShape::Timestamp {
            tz: base == "TIMESTAMPTZ",
            precision: args.first().copied().unwrap_or(6),
        },
        _ => TypeShape::Other(ty),
    }
}

/// Whether a TTL changing from `from` to `to` can expire rows sooner: a TTL where there was
/// none, an expiration expression set or changed, or a shorter `expire_after` (months
/// counted as 30 days, as CockroachDB compares intervals).
fn ttl_deletes_sooner(from: Option<&Ttl>, to: &Ttl) -> bool {
    let Some(from) = from else {
        return true;
    };
    if to.expiration_expression.is_some()
        && to.expiration_expression.as_deref().map(str::trim)
            != from.expiration_expression.as_deref().map(str::trim)
    {
        return true;
    }
    let micros = |s: &Option<String>| {
        s.as_deref()
            .and_then(crate::model::normalize::interval_value)
            .map(|(m, d, us)| (m * 30 + d) as i128 * 86_400_000_000 + us as i128)
    };
    match (micros(&from.expire_after), micros(&to.expire_after)) {
        (Some(a), Some(b)) => b < a,
        (None, Some(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::narrows;

    #[test]
    fn fewer_bits_narrow() {
        for (from, to) in [
            ("INT8", "INT4"),
            ("INT8", "INT2"),
            ("INT4", "INT2"),
            ("FLOAT8", "FLOAT4"),
        ] {
            assert!(narrows(from, to), "{from} -> {to} should narrow");
            assert!(!narrows(to, from), "{to} -> {from} should widen");
        }
    }

    #[test]
    fn strings_narrow_by_length() {
        assert!(narrows("STRING", "VARCHAR(32)"));
        assert!(narrows("VARCHAR(64)", "VARCHAR(32)"));
        assert!(narrows("CHAR(8)", "CHAR(4)"));
        assert!(!narrows("VARCHAR(32)", "VARCHAR(64)"));
        assert!(!narrows("VARCHAR(32)", "STRING"));
        assert!(!narrows("STRING", "TEXT"));
        assert!(!narrows("VARCHAR(32)", "VARCHAR(32)"));
    }

    #[test]
    fn decimals_narrow_by_integer_digits_or_scale() {
        assert!(narrows("DECIMAL", "DECIMAL(10,2)"));
        assert!(narrows("DECIMAL(10,2)", "DECIMAL(8,2)"));
        assert!(narrows("DECIMAL(10,4)", "DECIMAL(10,2)"));
        // Same precision, more scale: fewer integer digits.
        assert!(narrows("DECIMAL(10,2)", "DECIMAL(10,4)"));
        assert!(!narrows("DECIMAL(10,2)", "DECIMAL(12,4)"));
        assert!(!narrows("DECIMAL(10,2)", "DECIMAL"));
        assert!(!narrows("DECIMAL(10)", "DECIMAL(12,2)"));
    }

    #[test]
    fn timestamps_narrow_by_zone_and_precision() {
        assert!(narrows("TIMESTAMPTZ", "TIMESTAMP"));
        assert!(!narrows("TIMESTAMP", "TIMESTAMPTZ"));
        assert!(narrows("TIMESTAMPTZ(6)", "TIMESTAMPTZ(3)"));
        assert!(!narrows("TIMESTAMPTZ(3)", "TIMESTAMPTZ"));
    }

    #[test]
    fn any_change_across_families_narrows() {
        for (from, to) in [
            ("STRING", "INT8"),
            ("INT8", "STRING"),
            ("INT4", "FLOAT8"),
            ("UUID", "STRING"),
            ("JSONB", "STRING"),
            ("GEOGRAPHY(POINT,4326)", "GEOGRAPHY(LINESTRING,4326)"),
            ("INT8[]", "STRING[]"),
            ("INT8[]", "INT8"),
        ] {
            assert!(narrows(from, to), "{from} -> {to} crosses families");
        }
    }

    #[test]
    fn arrays_follow_their_element_type() {
        assert!(narrows("INT8[]", "INT4[]"));
        assert!(!narrows("INT4[]", "INT8[]"));
        assert!(!narrows("VARCHAR(8)[]", "STRING[]"));
    }

    #[test]
    fn unchanged_types_do_not_narrow() {
        for ty in [
            "INT8",
            "UUID",
            "JSONB",
            "BOOL",
            "DECIMAL(10,2)",
            "GEOGRAPHY(POINT,4326)",
            "STRING[]",
        ] {
            assert!(!narrows(ty, ty), "{ty} -> {ty}");
        }
    }
}
