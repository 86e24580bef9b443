//! The differences between the live schema and a model, each named for a person: the
//! object, what differs, what the model says and what the database has. `bmdb drift`
//! reports them and `bmdb apply`'s final check (`verify_live`) fails with them.

use crate::diff::{Change, ZoneTarget};
use crate::model::types::*;
use serde::Serialize;

/// One object that differs between the live database and the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `players`, `players.level`, `players@players_name_idx`, `zone table players` ...
    pub object: String,
    /// What differs: `table`, `column`, `type`, `default`, `nullability`, `index` ...
    pub what: String,
    /// The change kind that would repair it (`Change::kind`), or the id of the refusal when
    /// bmdb will not plan the repair (`enum-values-reordered`).
    pub kind: &'static str,
    /// What the model says.
    pub expected: String,
    /// What the live database has.
    pub actual: String,
}

/// One `Difference` per object: a drop and an add of the same object (a changed index,
/// check, key) read as one difference with both definitions.
pub fn describe_all(changes: &[Change], have: &Model, want: &Model) -> Vec<Difference> {
    let mut out: Vec<Difference> = Vec::new();
    for c in changes {
        let d = describe(c, have, want);
        if let Some(prev) = out.iter_mut().find(|p| {
            p.object == d.object && p.what == d.what && p.expected == ABSENT && d.actual == MISSING
        }) {
            prev.expected = d.expected;
            prev.kind = d.kind;
            continue;
        }
        out.push(d);
    }
    // a column in another family than the model's has no change that repairs it either
    if want.database.dialect == Dialect::Cockroach {
        for (name, w) in &want.tables {
            let Some(h) = have.tables.get(name) else {
                continue;
            };
            if !crate::diff::families::moved_columns(h, w).is_empty() {
                out.push(diff(
                    name.clone(),
                    "column families",
                    "family-changed",
                    crate::diff::families::describe(w),
                    crate::diff::families::describe(h),
                ));
            }
        }
    }
    // an enum whose shared values are in another order has no change that repairs it (plan
    // refuses it), but it differs: named here so drift never passes it in silence
    for (name, w) in &want.enums {
        let Some(h) = have.enums.get(name) else {
            continue;
        };
        let shared = |a: &EnumType, b: &EnumType| -> Vec<String> {
            a.values
                .iter()
                .filter(|v| b.values.contains(v))
                .cloned()
                .collect()
        };
        if shared(h, w) != shared(w, h) {
            out.push(diff(
                format!("enum {name}"),
                "value order",
                "enum-values-reordered",
                w.values.join(", "),
                h.values.join(", "),
            ));
        }
    }
    out
}

const MISSING: &str = "missing";
const ABSENT: &str = "absent (not in the model)";

fn diff(
    object: String,
    what: &str,
    kind: &'static str,
    expected: String,
    actual: String,
) -> Difference {
    Difference {
        object,
        what: what.to_string(),
        kind,
        expected,
        actual,
    }
}

fn column_def(c: &Column) -> String {
    let mut s = c.ty.clone();
    if let Some(k) = &c.collate {
        s.push_str(&format!(" COLLATE {k}"));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    if let Some(id) = &c.identity {
        s.push(' ');
        s.push_str(&id.definition_sql());
    }
    if let Some(k) = &c.computed {
        s.push(' ');
        s.push_str(&computed_def(k));
    }
    s
}

fn computed_def(k: &Computed) -> String {
    format!(
        "AS ({}) {}",
        k.expr,
        if k.is_virtual { "VIRTUAL" } else { "STORED" }
    )
}

fn index_def(i: &Index) -> String {
    let cols: Vec<String> = i
        .columns
        .iter()
        .map(|c| format!("{}{}", c.name, if c.desc { " DESC" } else { "" }))
        .collect();
    let mut s = format!(
        "{}{:?} ({})",
        if i.unique { "UNIQUE " } else { "" },
        i.using,
        cols.join(", ")
    )
    .to_lowercase()
    .replacen("unique ", "UNIQUE ", 1);
    if let Some(b) = i.sharded_buckets {
        s.push_str(&format!(" sharded {b}"));
    }
    if !i.storing.is_empty() {
        s.push_str(&format!(" storing ({})", i.storing.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

fn fk_def(fk: &ForeignKey) -> String {
    let mut s = format!(
        "({}) -> {}({})",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", ")
    );
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    s
}

fn zone_def(z: &Option<ZoneConfig>) -> String {
    match z {
        None => "none (inherited)".into(),
        Some(z) => {
            let mut parts: Vec<String> = z
                .settings()
                .into_iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            if z.override_multi_region {
                parts.push(zone_field_name::OVERRIDE_MULTI_REGION.into());
            }
            parts.join(", ")
        }
    }
}

fn locality_def(l: &Option<Locality>) -> String {
    match l {
        None => "none".into(),
        Some(Locality::Global) => "GLOBAL".into(),
        Some(Locality::RegionalByTable { region: None }) => {
            "REGIONAL BY TABLE IN PRIMARY REGION".into()
        }
        Some(Locality::RegionalByTable { region: Some(r) }) => format!("REGIONAL BY TABLE IN {r}"),
        Some(Locality::RegionalByRow { column: None }) => "REGIONAL BY ROW".into(),
        Some(Locality::RegionalByRow { column: Some(c) }) => format!("REGIONAL BY ROW AS {c}"),
    }
}

/// `into external://b, recurring @hourly, full @daily, revision_history` (what drift shows).
fn backup_schedule_def(s: &BackupSchedule) -> String {
    let mut parts = vec![
        format!("into {}", s.into),
        format!("recurring {}", s.recurring),
        format!("full {}", s.full_backup.as_deref().unwrap_or("always")),
    ];
    if s.targets == BackupTargets::Cluster {
        parts.push("cluster".into());
    }
    if s.revision_history {
        parts.push("revision_history".into());
    }
    parts.push(format!("on_execution_failure {}", s.on_execution_failure));
    parts.push(format!("on_previous_running {}", s.on_previous_running));
    parts.join(", ")
}

/// `role with LOGIN, CREATEDB, valid until 2027-01-01T00:00:00Z`.
fn role_def(r: &Role) -> String {
    let mut parts: Vec<String> = r
        .options
        .iter()
        .map(|o| crate::model::roles::role_option(o).map_or(o.clone(), |o| o.keyword.to_string()))
        .collect();
    if let Some(v) = &r.valid_until {
        parts.push(format!("valid until {v}"));
    }
    if parts.is_empty() {
        "role".into()
    } else {
        format!("role with {}", parts.join(", "))
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "none".into())
}

fn column<'a>(m: &'a Model, table: &str, col: &str) -> Option<&'a Column> {
    m.tables.get(table).and_then(|t| t.column(col))
}

/// Names the object a change is about, with the model's and the live database's side.
fn describe(c: &Change, have: &Model, want: &Model) -> Difference {
    let obj = c.object();
    let kind = c.kind();
    let db_have = &have.database;
    let role_def = |m: &Model, r: &str| {
        m.roles
            .as_ref()
            .and_then(|rs| rs.get(r))
            .map_or(MISSING.to_string(), role_def)
    };
    let enum_def = |m: &Model, e: &str| {
        m.enums.get(e).map_or(MISSING.to_string(), |e| {
            format!("enum ({})", e.values.join(", "))
        })
    };
    let view_def = |v: &View| {
        format!(
            "{}AS {}",
            if v.materialized { "materialized " } else { "" },
            v.query.split_whitespace().collect::<Vec<_>>().join(" ")
        )
    };
    let seq_def = |s: &Sequence| {
        format!(
            "{}increment {} min {} max {} start {} cache {}{}",
            s.data_type
                .as_deref()
                .map_or(String::new(), |t| format!("as {t} ")),
            s.increment,
            s.min_value,
            s.max_value,
            s.start,
            s.cache,
            if s.cycle { " cycle" } else { "" }
        )
    };
    let owner = |o: Option<&SequenceOwner>| o.map_or("none".to_string(), |o| o.to_string());
    match c {
        Change::CreateSequence { sequence } => {
            diff(obj, "sequence", kind, seq_def(sequence), MISSING.into())
        }
        Change::AlterSequence { from, to } => {
            diff(obj, "sequence options", kind, seq_def(to), seq_def(from))
        }
        Change::SetSequenceOwner { name, owned_by } => diff(
            obj,
            "owned by",
            kind,
            owner(owned_by.as_ref()),
            owner(have.sequences.get(name).and_then(|s| s.owned_by.as_ref())),
        ),
        Change::RenameSequence { from, to } => {
            diff(obj, "sequence name", kind, to.clone(), from.clone())
        }
        Change::DropSequence { sequence } => {
            diff(obj, "sequence", kind, ABSENT.into(), seq_def(sequence))
        }
        Change::CreateView { view, .. } => diff(obj, "view", kind, view_def(view), MISSING.into()),
        Change::DropView { view, .. } => diff(obj, "view", kind, ABSENT.into(), view_def(view)),
        Change::ReplaceView { from, to } => diff(obj, "view", kind, view_def(to), view_def(from)),
        Change::CreateSchema { .. } => diff(obj, "schema", kind, "schema".into(), MISSING.into()),
        Change::DropSchema { .. } => diff(obj, "schema", kind, ABSENT.into(), "schema".into()),
        Change::CreateEnum { name, .. } => {
            diff(obj, "enum", kind, enum_def(want, name), MISSING.into())
        }
        Change::DropEnum { name } => diff(obj, "enum", kind, ABSENT.into(), enum_def(have, name)),
        Change::AddEnumValue { value, .. } => {
            diff(obj, "enum value", kind, value.clone(), MISSING.into())
        }
        Change::DropEnumValue { value, .. } => {
            diff(obj, "enum value", kind, ABSENT.into(), value.clone())
        }
        Change::RenameEnumValue { from, to, .. } => {
            diff(obj, "enum value", kind, to.clone(), from.clone())
        }
        Change::CreateBackupSchedule { schedule } => diff(
            obj,
            "backup schedule",
            kind,
            backup_schedule_def(schedule),
            MISSING.into(),
        ),
        Change::AlterBackupSchedule { from, to } => diff(
            obj,
            "backup schedule",
            kind,
            backup_schedule_def(to),
            backup_schedule_def(from),
        ),
        Change::DropBackupSchedule { schedule } => diff(
            obj,
            "backup schedule",
            kind,
            ABSENT.into(),
            backup_schedule_def(schedule),
        ),
        Change::CreateRole { role, .. } => {
            diff(obj, "role", kind, role_def(want, role), MISSING.into())
        }
        Change::AlterRole { role, .. } => diff(
            obj,
            "role options",
            kind,
            role_def(want, role),
            role_def(have, role),
        ),
        Change::DropRole { role } => diff(obj, "role", kind, ABSENT.into(), role_def(have, role)),
        Change::GrantRole { of, .. } => diff(
            obj,
            "membership",
            kind,
            format!("member of {of}"),
            MISSING.into(),
        ),
        Change::RevokeRole { of, .. } => diff(
            obj,
            "membership",
            kind,
            ABSENT.into(),
            format!("member of {of}"),
        ),
        Change::GrantPrivileges {
            privileges,
            grant_option,
            ..
        } => diff(
            obj,
            if *grant_option {
                "privileges WITH GRANT OPTION"
            } else {
                "privileges"
            },
            kind,
            privileges.join(", "),
            MISSING.into(),
        ),
        Change::RevokePrivileges {
            privileges,
            grant_option,
            ..
        } => diff(
            obj,
            if *grant_option {
                "privileges WITH GRANT OPTION"
            } else {
                "privileges"
            },
            kind,
            ABSENT.into(),
            privileges.join(", "),
        ),
        Change::GrantDefaultPrivileges { privileges, .. } => diff(
            obj,
            "default privileges",
            kind,
            privileges.join(", "),
            MISSING.into(),
        ),
        Change::RevokeDefaultPrivileges { privileges, .. } => diff(
            obj,
            "default privileges",
            kind,
            ABSENT.into(),
            privileges.join(", "),
        ),
        Change::SetRoleSetting {
            role,
            database,
            name,
            value,
            ..
        } => {
            let had = have
                .roles
                .as_ref()
                .and_then(|rs| rs.get(role))
                .and_then(|r| {
                    r.settings
                        .iter()
                        .find(|s| s.database == *database && s.name == *name)
                })
                .map_or(MISSING.to_string(), |s| s.value.clone());
            diff(obj, "session default", kind, value.clone(), had)
        }
        Change::ResetRoleSetting {
            role,
            database,
            name,
            ..
        } => {
            let had = have
                .roles
                .as_ref()
                .and_then(|rs| rs.get(role))
                .and_then(|r| {
                    r.settings
                        .iter()
                        .find(|s| s.database == *database && s.name == *name)
                })
                .map_or(MISSING.to_string(), |s| s.value.clone());
            diff(obj, "session default", kind, ABSENT.into(), had)
        }
        Change::CreateTable { table } => diff(
            obj,
            "table",
            kind,
            format!(
                "table with {} columns",
                want.tables
                    .get(&table.name)
                    .map_or(table.columns.len(), |t| t.columns.len())
            ),
            MISSING.into(),
        ),
        Change::DropTable { table } => diff(
            obj,
            "table",
            kind,
            ABSENT.into(),
            format!("table with {} columns", table.columns.len()),
        ),
        Change::AddColumn { column, .. } => {
            diff(obj, "column", kind, column_def(column), MISSING.into())
        }
        Change::DropColumn { column, .. } => {
            diff(obj, "column", kind, ABSENT.into(), column_def(column))
        }
        Change::RenameColumn { from, to, .. } => {
            diff(obj, "column name", kind, to.clone(), from.clone())
        }
        Change::AlterColumnType { from, to, .. } => {
            diff(obj, "type", kind, to.clone(), from.clone())
        }
        Change::SetColumnDefault {
            table,
            column: col,
            default,
        } => diff(
            obj,
            "default",
            kind,
            opt(default),
            opt(&column(have, table, col).and_then(|c| c.default.clone())),
        ),
        Change::SetColumnCollation {
            table,
            column: col,
            collate,
            ..
        } => diff(
            obj,
            "collation",
            kind,
            collate.clone().unwrap_or_else(|| "default".into()),
            column(have, table, col)
                .and_then(|c| c.collate.clone())
                .unwrap_or_else(|| "default".into()),
        ),
        Change::DropComputed { computed, .. } => diff(
            obj,
            "computation",
            kind,
            "none".into(),
            computed_def(computed),
        ),
        Change::ReplaceComputedColumn { from, to, .. } => {
            diff(obj, "column", kind, column_def(to), column_def(from))
        }
        Change::AddIdentity { identity, .. } => diff(
            obj,
            "identity",
            kind,
            identity.definition_sql(),
            "none".into(),
        ),
        Change::DropIdentity { identity, .. } => diff(
            obj,
            "identity",
            kind,
            "none".into(),
            identity.definition_sql(),
        ),
        Change::AlterIdentity { from, to, .. } => diff(
            obj,
            "identity",
            kind,
            to.definition_sql(),
            from.definition_sql(),
        ),
        Change::SetColumnNullable { nullable, .. } => {
            let word = |n: bool| if n { "NULL" } else { "NOT NULL" };
            diff(
                obj,
                "nullability",
                kind,
                word(*nullable).into(),
                word(!*nullable).into(),
            )
        }
        Change::SetColumnComment {
            table,
            column: col,
            comment,
        } => diff(
            obj,
            "comment",
            kind,
            opt(comment),
            opt(&column(have, table, col).and_then(|c| c.comment.clone())),
        ),
        Change::SetIndexComment {
            table,
            index,
            comment,
        } => diff(
            obj,
            "comment",
            kind,
            opt(comment),
            opt(&have
                .tables
                .get(table)
                .and_then(|t| t.index(index))
                .and_then(|i| i.comment.clone())),
        ),
        Change::SetConstraintComment {
            table,
            constraint,
            comment,
        } => diff(
            obj,
            "comment",
            kind,
            opt(comment),
            opt(&have.tables.get(table).and_then(|t| {
                let named = |n: &String| n == constraint;
                t.checks
                    .iter()
                    .find(|k| named(&k.name))
                    .map(|k| k.comment.clone())
                    .or_else(|| {
                        t.unique
                            .iter()
                            .find(|u| named(&u.name))
                            .map(|u| u.comment.clone())
                    })
                    .or_else(|| {
                        t.foreign_keys
                            .iter()
                            .find(|f| named(&f.name))
                            .map(|f| f.comment.clone())
                    })
                    .flatten()
            })),
        ),
        Change::SetTableComment { table, comment } => diff(
            obj,
            "comment",
            kind,
            opt(comment),
            opt(&have.tables.get(table).and_then(|t| t.comment.clone())),
        ),
        Change::SetLocality { from, to, .. } => {
            diff(obj, "locality", kind, locality_def(to), locality_def(from))
        }
        Change::SetTtl { table, ttl, .. } => diff(
            obj,
            "row-level TTL",
            kind,
            ttl.describe(),
            have.tables
                .get(table)
                .and_then(|t| t.ttl.as_ref())
                .map_or("none".into(), |t| t.describe()),
        ),
        Change::ResetTtl { table } => diff(
            obj,
            "row-level TTL",
            kind,
            "none".into(),
            have.tables
                .get(table)
                .and_then(|t| t.ttl.as_ref())
                .map_or("none".into(), |t| t.describe()),
        ),
        Change::AlterPrimaryKey { from, to, .. } => diff(
            obj,
            "primary key",
            kind,
            format!("{} ({})", to.name, to.columns.join(", ")),
            from.as_ref().map_or("none".into(), |p| {
                format!("{} ({})", p.name, p.columns.join(", "))
            }),
        ),
        Change::CreateIndex { index, .. } => {
            diff(obj, "index", kind, index_def(index), MISSING.into())
        }
        Change::DropIndex { index, .. } => {
            diff(obj, "index", kind, ABSENT.into(), index_def(index))
        }
        Change::AddUnique { unique, .. } => diff(
            obj,
            "unique constraint",
            kind,
            format!("UNIQUE ({})", unique.columns.join(", ")),
            MISSING.into(),
        ),
        Change::DropUnique { unique, .. } => diff(
            obj,
            "unique constraint",
            kind,
            ABSENT.into(),
            format!("UNIQUE ({})", unique.columns.join(", ")),
        ),
        Change::AddForeignKey { foreign_key, .. } => diff(
            obj,
            "foreign key",
            kind,
            fk_def(foreign_key),
            MISSING.into(),
        ),
        Change::DropForeignKey { foreign_key, .. } => {
            diff(obj, "foreign key", kind, ABSENT.into(), fk_def(foreign_key))
        }
        Change::AddCheck { check, .. } => diff(
            obj,
            "check",
            kind,
            format!("CHECK ({})", check.expr),
            MISSING.into(),
        ),
        Change::DropCheck { check, .. } => diff(
            obj,
            "check",
            kind,
            ABSENT.into(),
            format!("CHECK ({})", check.expr),
        ),
        Change::ConfigureZone {
            from, to, target, ..
        } => {
            let _ = target as &ZoneTarget;
            diff(obj, "zone config", kind, zone_def(to), zone_def(from))
        }
        Change::SetPrimaryRegion { region, from, .. } => {
            diff(obj, "primary region", kind, region.clone(), opt(from))
        }
        Change::AddRegion { .. } => diff(obj, "region", kind, "present".into(), MISSING.into()),
        Change::DropRegion { .. } => diff(obj, "region", kind, ABSENT.into(), "present".into()),
        Change::SetSecondaryRegion { region, .. } => diff(
            obj,
            "secondary region",
            kind,
            region.clone(),
            opt(&db_have.secondary_region),
        ),
        Change::DropSecondaryRegion { region, .. } => {
            diff(obj, "secondary region", kind, "none".into(), region.clone())
        }
        Change::SetSurvivalGoal { from, to, .. } => diff(
            obj,
            "survival goal",
            kind,
            format!("{to:?}").to_lowercase(),
            format!("{from:?}").to_lowercase(),
        ),
        Change::SetPlacement { from, to, .. } => diff(
            obj,
            "placement",
            kind,
            format!("{to:?}").to_lowercase(),
            format!("{from:?}").to_lowercase(),
        ),
        Change::AddSuperRegion { regions, .. } => diff(
            obj,
            "super region",
            kind,
            regions.join(", "),
            MISSING.into(),
        ),
        Change::AlterSuperRegion { name, regions, .. } => diff(
            obj,
            "super region",
            kind,
            regions.join(", "),
            db_have
                .super_regions
                .get(name)
                .map_or("none".into(), |r| r.join(", ")),
        ),
        Change::DropSuperRegion { name, .. } => diff(
            obj,
            "super region",
            kind,
            ABSENT.into(),
            db_have
                .super_regions
                .get(name)
                .map_or("none".into(), |r| r.join(", ")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_in_another_order_are_a_difference() {
        let model = |values: &[&str]| {
            let mut m = Model::default();
            m.enums.insert(
                "mood".into(),
                EnumType {
                    name: "mood".into(),
                    values: values.iter().map(|v| v.to_string()).collect(),
                    ..Default::default()
                },
            );
            m
        };
        let d = describe_all(&[], &model(&["sad", "ok"]), &model(&["ok", "sad", "meh"]));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].object, "enum mood");
        assert_eq!(d[0].kind, "enum-values-reordered");
        assert_eq!(
            (d[0].expected.as_str(), d[0].actual.as_str()),
            ("ok, sad, meh", "sad, ok")
        );
        assert!(describe_all(&[], &model(&["ok"]), &model(&["ok", "sad"])).is_empty());
    }
}
