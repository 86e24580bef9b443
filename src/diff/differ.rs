//! The differ: compares two normalised models field by field and says what changed,
//! as an unordered list of typed `Change`s (the planner orders them).
//!
//! Renames come only from `renamed_from`. Once a column is renamed, the old name is
//! mapped to the new one wherever the table's keys, indexes and foreign keys name it,
//! because CockroachDB and PostgreSQL rename those references in place.

use super::change::{Change, ZoneTarget};
use crate::model::types::*;
use std::collections::{BTreeMap, BTreeSet};

/// Old column name -> new column name, per table.
type Renames = BTreeMap<String, BTreeMap<String, String>>;

/// Every change that turns `current` into `desired`. Identical models give an empty list;
/// the same inputs always give the same output, in the same order.
pub fn diff(current: &Model, desired: &Model) -> Vec<Change> {
    let db = desired.database.name.as_str();
    let mut out = Vec::new();
    diff_database(db, &current.database, &desired.database, &mut out);

    diff_schemas(current, desired, &mut out);
    let renames = column_renames(current, desired);
    let seq_renames = super::sequences::sequence_renames(&current.sequences, &desired.sequences);
    for (name, want) in &desired.tables {
        match current.tables.get(name) {
            None => create_table(db, want, &mut out),
            Some(have) => diff_table(db, have, want, &renames, &seq_renames, &mut out),
        }
    }
    for (name, have) in &current.tables {
        if !desired.tables.contains_key(name) {
            out.push(Change::DropTable {
                table: have.clone(),
            });
        }
    }
    diff_roles(current.roles.as_ref(), desired.roles.as_ref(), &mut out);
    diff_privileges(current, desired, &mut out);
    super::enums::diff_enums(&current.enums, &desired.enums, &mut out);
    super::sequences::diff_sequences(&current.sequences, &desired.sequences, &mut out);
    diff_backup_schedules(
        current.database.backup_schedules.as_ref(),
        desired.database.backup_schedules.as_ref(),
        &mut out,
    );
    // last: which views are rebuilt depends on the table changes above
    super::views::diff_views(current, desired, &mut out);
    out
}

/// Schemas other than public: one the desired model has (declares, or holds an object in)
/// and the current does not is created; one it no longer has is dropped.
fn diff_schemas(current: &Model, desired: &Model, out: &mut Vec<Change>) {
    let have = crate::model::schemas::model_schemas(current);
    let want = crate::model::schemas::model_schemas(desired);
    for name in want.difference(&have) {
        out.push(Change::CreateSchema { name: name.clone() });
    }
    for name in have.difference(&want) {
        out.push(Change::DropSchema { name: name.clone() });
    }
}

/// Grants, default privileges and session defaults of the roles, compared like the roles
/// themselves only when the desired model manages roles. A grant on a table the plan drops
/// goes with the table; a role the plan drops first loses its grants and default
/// privileges (neither server drops a role that still holds some).
fn diff_privileges(current: &Model, desired: &Model, out: &mut Vec<Change>) {
    let Some(want) = desired.roles.as_ref() else {
        return;
    };
    let empty = BTreeMap::new();
    let have = current.roles.as_ref().unwrap_or(&empty);
    let database = desired.database.name.clone();
    let none = Role::default();
    let names: BTreeSet<&String> = want.keys().chain(have.keys()).collect();
    let object_kept = |on: &GrantObject| match on {
        GrantObject::Table(t) => desired.tables.contains_key(t),
        GrantObject::Sequence(q) => {
            desired.sequences.contains_key(q)
                || desired.tables.values().any(|t| {
                    t.columns
                        .iter()
                        .any(|c| crate::model::sequences::serial_sequence(&t.name, &c.name) == *q)
                })
        }
        GrantObject::Type(n) => desired.enums.contains_key(n),
        _ => true,
    };
    for name in names {
        let w = want.get(name).unwrap_or(&none);
        let h = have.get(name).unwrap_or(&none);
        let kept = want.contains_key(name);
        for s in &w.settings {
            let same = h
                .settings
                .iter()
                .any(|x| x.database == s.database && x.name == s.name && x.value == s.value);
            if !same {
                out.push(Change::SetRoleSetting {
                    role: name.clone(),
                    database: s.database.clone(),
                    name: s.name.clone(),
                    value: s.value.clone(),
                    cockroach_only: crate::model::roles::is_cockroach_only_setting(&s.name),
                });
            }
        }
        if kept {
            for s in &h.settings {
                if !w
                    .settings
                    .iter()
                    .any(|x| x.database == s.database && x.name == s.name)
                {
                    out.push(Change::ResetRoleSetting {
                        role: name.clone(),
                        database: s.database.clone(),
                        name: s.name.clone(),
                        cockroach_only: crate::model::roles::is_cockroach_only_setting(&s.name),
                    });
                }
            }
        }
        for g in &w.grants {
            let had = h.grants.iter().find(|x| x.on == g.on);
            // WITH GRANT OPTION grants the privilege too
            let with_option = privileges_not_in(&g.grantable, had.map(|x| &x.grantable[..]));
            let add: Vec<String> = privileges_not_in(&g.privileges, had.map(|x| &x.privileges[..]))
                .into_iter()
                .filter(|p| !with_option.contains(p))
                .collect();
            for (privileges, grant_option) in [(add, false), (with_option, true)] {
                if !privileges.is_empty() {
                    out.push(Change::GrantPrivileges {
                        role: name.clone(),
                        on: g.on.clone(),
                        privileges,
                        database: database.clone(),
                        grant_option,
                    });
                }
            }
        }
        for g in &h.grants {
            if !object_kept(&g.on) {
                continue;
            }
            let keeps = w.grants.iter().find(|x| x.on == g.on);
            let drop = privileges_not_in(&g.privileges, keeps.map(|x| &x.privileges[..]));
            // a privilege kept without its grant option (revoking it takes the option too)
            let drop_option: Vec<String> =
                privileges_not_in(&g.grantable, keeps.map(|x| &x.grantable[..]))
                    .into_iter()
                    .filter(|p| !drop.contains(p))
                    .collect();
            for (privileges, grant_option) in [(drop, false), (drop_option, true)] {
                if !privileges.is_empty() {
                    out.push(Change::RevokePrivileges {
                        role: name.clone(),
                        on: g.on.clone(),
                        privileges,
                        database: database.clone(),
                        grant_option,
                    });
                }
            }
        }
        let key = |d: &DefaultPrivilege| (d.for_role.clone(), d.schema.clone(), d.on.clone());
        for d in &w.default_privileges {
            let had = h.default_privileges.iter().find(|x| key(x) == key(d));
            let add = privileges_not_in(&d.privileges, had.map(|x| &x.privileges[..]));
            if !add.is_empty() {
                out.push(Change::GrantDefaultPrivileges {
                    role: name.clone(),
                    for_role: d.for_role.clone(),
                    schema: d.schema.clone(),
                    on: d.on.clone(),
                    privileges: add,
                });
            }
        }
        for d in &h.default_privileges {
            let keeps = w.default_privileges.iter().find(|x| key(x) == key(d));
            let drop = privileges_not_in(&d.privileges, keeps.map(|x| &x.privileges[..]));
            if !drop.is_empty() {
                out.push(Change::RevokeDefaultPrivileges {
                    role: name.clone(),
                    for_role: d.for_role.clone(),
                    schema: d.schema.clone(),
                    on: d.on.clone(),
                    privileges: drop,
                });
            }
        }
    }
}

/// Backup schedules are compared only when the desired model manages them (it has
/// backups.yaml); `first_run` is not compared (CockroachDB uses it once, at creation).
fn diff_backup_schedules(
    have: Option<&BTreeMap<String, BackupSchedule>>,
    want: Option<&BTreeMap<String, BackupSchedule>>,
    out: &mut Vec<Change>,
) {
    let Some(want) = want else {
        return;
    };
    let empty = BTreeMap::new();
    let have = have.unwrap_or(&empty);
    for (label, w) in want {
        match have.get(label) {
            None => out.push(Change::CreateBackupSchedule {
                schedule: w.clone(),
            }),
            Some(h) if h.comparable() != w.comparable() => out.push(Change::AlterBackupSchedule {
                from: h.clone(),
                to: w.clone(),
            }),
            Some(_) => {}
        }
    }
    for (label, h) in have {
        if !want.contains_key(label) {
            out.push(Change::DropBackupSchedule {
                schedule: h.clone(),
            });
        }
    }
}

/// Roles are compared only when the desired model manages them (it has roles.yaml); the
/// current side then counts as empty when it did not (a first migration with roles).
fn diff_roles(
    have: Option<&BTreeMap<String, Role>>,
    want: Option<&BTreeMap<String, Role>>,
    out: &mut Vec<Change>,
) {
    let Some(want) = want else {
        return;
    };
    let empty = BTreeMap::new();
    let have = have.unwrap_or(&empty);
    let keyword = |key: &str| {
        crate::model::roles::role_option(key)
            .map_or_else(|| key.to_uppercase(), |o| o.keyword.to_string())
    };
    for (name, w) in want {
        match have.get(name) {
            None => out.push(Change::CreateRole {
                role: name.clone(),
                options: w.options.iter().map(|k| keyword(k)).collect(),
                valid_until: w.valid_until.clone(),
            }),
            Some(h) => {
                let mut options = Vec::new();
                for o in crate::model::roles::ROLE_OPTIONS {
                    let on = |r: &Role| r.options.iter().any(|k| k == o.key);
                    match (on(h), on(w)) {
                        (false, true) => options.push(o.keyword.to_string()),
                        (true, false) => options.push(format!("NO{}", o.keyword)),
                        _ => {}
                    }
                }
                let changed = h.valid_until != w.valid_until;
                let valid_until = w.valid_until.clone().filter(|_| changed);
                let valid_until_lifted = changed && w.valid_until.is_none();
                if !options.is_empty() || changed {
                    out.push(Change::AlterRole {
                        role: name.clone(),
                        options,
                        valid_until,
                        valid_until_lifted,
                    });
                }
            }
        }
    }
    for (name, w) in want {
        let had = have.get(name).map_or(&[][..], |h| &h.member_of[..]);
        for of in &w.member_of {
            if !had.contains(of) {
                out.push(Change::GrantRole {
                    role: name.clone(),
                    of: of.clone(),
                });
            }
        }
    }
    for (name, h) in have {
        let keeps = want.get(name).map_or(&[][..], |w| &w.member_of[..]);
        for of in &h.member_of {
            // a dropped role loses its memberships with it
            if !keeps.contains(of) && want.contains_key(name) && want.contains_key(of) {
                out.push(Change::RevokeRole {
                    role: name.clone(),
                    of: of.clone(),
                });
            }
        }
    }
    for name in have.keys() {
        if !want.contains_key(name) {
            out.push(Change::DropRole { role: name.clone() });
        }
    }
}

fn diff_database(db: &str, have: &Database, want: &Database, out: &mut Vec<Change>) {
    let database = || db.to_string();

    if want.primary_region != have.primary_region {
        // No primary wanted = the database leaves multi-region by dropping its last region.
        if let Some(region) = &want.primary_region {
            out.push(Change::SetPrimaryRegion {
                database: database(),
                region: region.clone(),
                from: have.primary_region.clone(),
            });
        }
    }

    let have_regions: BTreeSet<&String> = have.regions.iter().collect();
    let want_regions: BTreeSet<&String> = want.regions.iter().collect();
    for region in want_regions.difference(&have_regions) {
        // The first SET PRIMARY REGION adds that region itself.
        if !have.is_multi_region() && want.primary_region.as_ref() == Some(*region) {
            continue;
        }
        out.push(Change::AddRegion {
            database: database(),
            region: (*region).clone(),
        });
    }
    for region in have_regions.difference(&want_regions) {
        out.push(Change::DropRegion {
            database: database(),
            region: (*region).clone(),
        });
    }

    // The primary cannot move to the current secondary while it is the secondary.
    let secondary_becomes_primary = have.secondary_region.is_some()
        && have.secondary_region == want.primary_region
        && have.primary_region != want.primary_region;
    match (&have.secondary_region, &want.secondary_region) {
        (Some(h), w) if secondary_becomes_primary || w.is_none() => {
            out.push(Change::DropSecondaryRegion {
                database: database(),
                region: h.clone(),
            });
            if let Some(w) = w {
                out.push(Change::SetSecondaryRegion {
                    database: database(),
                    region: w.clone(),
                });
            }
        }
        (h, Some(w)) if h.as_ref() != Some(w) => out.push(Change::SetSecondaryRegion {
            database: database(),
            region: w.clone(),
        }),
        _ => {}
    }

    if want.survival_goal != have.survival_goal {
        out.push(Change::SetSurvivalGoal {
            database: database(),
            from: have.survival_goal,
            to: want.survival_goal,
        });
    }
    if want.placement != have.placement {
        out.push(Change::SetPlacement {
            database: database(),
            from: have.placement,
            to: want.placement,
        });
    }

    for (name, regions) in &want.super_regions {
        match have.super_regions.get(name) {
            None => out.push(Change::AddSuperRegion {
                database: database(),
                name: name.clone(),
                regions: regions.clone(),
            }),
            Some(old) if old != regions => out.push(Change::AlterSuperRegion {
                database: database(),
                name: name.clone(),
                regions: regions.clone(),
            }),
            Some(_) => {}
        }
    }
    for name in have.super_regions.keys() {
        if !want.super_regions.contains_key(name) {
            out.push(Change::DropSuperRegion {
                database: database(),
                name: name.clone(),
            });
        }
    }

    zone(db, ZoneTarget::Database, &have.zone, &want.zone, out);
    let range_names: BTreeSet<&String> = have
        .range_zones
        .keys()
        .chain(want.range_zones.keys())
        .collect();
    for name in range_names {
        let target = ZoneTarget::Range { name: name.clone() };
        zone(
            db,
            target,
            &have.range_zones.get(name).cloned(),
            &want.range_zones.get(name).cloned(),
            out,
        );
    }
    let (have_ext, want_ext) = (have.zone_extensions.all(), want.zone_extensions.all());
    let localities: BTreeSet<&ExtensionLocality> = have_ext.keys().chain(want_ext.keys()).collect();
    for locality in localities {
        zone(
            db,
            ZoneTarget::extension(locality),
            &have_ext.get(locality).map(|z| (*z).clone()),
            &want_ext.get(locality).map(|z| (*z).clone()),
            out,
        );
    }
}

/// A `ConfigureZone` when the zone differs; a wanted `None` discards the zone.
fn zone(
    db: &str,
    target: ZoneTarget,
    have: &Option<ZoneConfig>,
    want: &Option<ZoneConfig>,
    out: &mut Vec<Change>,
) {
    if have != want {
        out.push(Change::ConfigureZone {
            database: db.to_string(),
            target,
            from: have.clone(),
            to: want.clone(),
        });
    }
}

/// Renames the desired model asks for and the current model allows: X renamed from Y
/// where the current table has Y and not X.
fn column_renames(current: &Model, desired: &Model) -> Renames {
    let mut renames = Renames::new();
    for (name, want) in &desired.tables {
        let Some(have) = current.tables.get(name) else {
            continue;
        };
        for col in &want.columns {
            let Some(old) = &col.renamed_from else {
                continue;
            };
            if have.column(old).is_some() && have.column(&col.name).is_none() {
                renames
                    .entry(name.clone())
                    .or_default()
                    .insert(old.clone(), col.name.clone());
            }
        }
    }
    renames
}

/// A new table: the table itself without indexes and zone (the renderer relies on that),
/// then one `CreateIndex` per index and the zones.
fn create_table(db: &str, want: &Table, out: &mut Vec<Change>) {
    let mut table = want.clone();
    table.indexes.clear();
    table.zone = None;
    table.primary_key_zone = None;
    for col in &mut table.columns {
        col.renamed_from = None;
    }
    out.push(Change::CreateTable { table });
    for index in &want.indexes {
        out.push(Change::CreateIndex {
            table: want.name.clone(),
            index: without_zone(index),
        });
    }
    zone(
        db,
        ZoneTarget::Table {
            table: want.name.clone(),
        },
        &None,
        &want.zone,
        out,
    );
    for index in &want.indexes {
        let target = ZoneTarget::Index {
            table: want.name.clone(),
            index: index.name.clone(),
        };
        zone(db, target, &None, &index.zone, out);
    }
    zone(db, primary_index(want), &None, &want.primary_key_zone, out);
}

/// The primary index as a zone target: `ALTER INDEX t@<primary key name>`.
fn primary_index(t: &Table) -> ZoneTarget {
    ZoneTarget::Index {
        table: t.name.clone(),
        index: t
            .primary_key
            .as_ref()
            .map(|pk| pk.name.clone())
            .unwrap_or_else(|| format!("{}_pkey", crate::model::schemas::name_of(&t.name))),
    }
}

fn without_zone(index: &Index) -> Index {
    Index {
        zone: None,
        ..index.clone()
    }
}

fn diff_table(
    db: &str,
    have: &Table,
    want: &Table,
    renames: &Renames,
    seq_renames: &BTreeMap<String, String>,
    out: &mut Vec<Change>,
) {
    let table = want.name.clone();
    let no_renames = BTreeMap::new();
    let own = renames.get(&table).unwrap_or(&no_renames);
    let rename = |c: &String| own.get(c).cloned().unwrap_or_else(|| c.clone());

    // In the desired column order.
    for col in &want.columns {
        if let Some((from, to)) = own.iter().find(|(_, to)| **to == col.name) {
            out.push(Change::RenameColumn {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
            });
        }
    }
    diff_columns(have, want, own, seq_renames, out);
    let trimmed = without_recomputed(have, want, own);
    let have = &trimmed;

    if let Some(to) = &want.primary_key {
        let mapped = have.primary_key.as_ref().map(|pk| PrimaryKey {
            name: pk.name.clone(),
            columns: pk.columns.iter().map(rename).collect(),
        });
        if mapped.as_ref() != Some(to) {
            out.push(Change::AlterPrimaryKey {
                table: table.clone(),
                from: have.primary_key.clone(),
                to: to.clone(),
            });
        }
    }
    // No primary key wanted: CockroachDB cannot drop one, so an existing key stays.

    diff_indexes(db, have, want, &rename, out);

    let map_unique = |u: &UniqueConstraint| UniqueConstraint {
        columns: u.columns.iter().map(rename).collect(),
        comment: None,
        ..u.clone()
    };
    // a comment is set apart: a changed one is no rebuild (`constraint_comment`)
    let set_comment = |name: &String, have: &Option<String>, want: &Option<String>| {
        (have != want).then(|| Change::SetConstraintComment {
            table: table.clone(),
            constraint: name.clone(),
            comment: want.clone(),
        })
    };
    by_name(
        &have.unique,
        &want.unique,
        |u| &u.name,
        |h, w| {
            map_unique(h)
                == UniqueConstraint {
                    comment: None,
                    ..w.clone()
                }
        },
        |h, w| set_comment(&w.name, &h.comment, &w.comment),
        |u| Change::DropUnique {
            table: table.clone(),
            unique: u.clone(),
        },
        |u| Change::AddUnique {
            table: table.clone(),
            unique: u.clone(),
        },
        out,
    );

    let map_fk = |fk: &ForeignKey| {
        let ref_renames = renames.get(&fk.ref_table).unwrap_or(&no_renames);
        ForeignKey {
            columns: fk.columns.iter().map(rename).collect(),
            ref_columns: fk
                .ref_columns
                .iter()
                .map(|c| ref_renames.get(c).cloned().unwrap_or_else(|| c.clone()))
                .collect(),
            comment: None,
            ..fk.clone()
        }
    };
    by_name(
        &have.foreign_keys,
        &want.foreign_keys,
        |fk| &fk.name,
        |h, w| {
            map_fk(h)
                == ForeignKey {
                    comment: None,
                    ..w.clone()
                }
        },
        |h, w| set_comment(&w.name, &h.comment, &w.comment),
        |fk| Change::DropForeignKey {
            table: table.clone(),
            foreign_key: fk.clone(),
        },
        |fk| Change::AddForeignKey {
            table: table.clone(),
            foreign_key: fk.clone(),
        },
        out,
    );

    by_name(
        &have.checks,
        &want.checks,
        |c| &c.name,
        |h, w| h.name == w.name && h.expr == w.expr,
        |h, w| set_comment(&w.name, &h.comment, &w.comment),
        |c| Change::DropCheck {
            table: table.clone(),
            check: c.clone(),
        },
        |c| Change::AddCheck {
            table: table.clone(),
            check: c.clone(),
        },
        out,
    );

    if want.comment != have.comment {
        out.push(Change::SetTableComment {
            table: table.clone(),
            comment: want.comment.clone(),
        });
    }
    if locality_differs(&have.locality, &want.locality) {
        out.push(Change::SetLocality {
            table: table.clone(),
            from: have.locality.clone(),
            to: want.locality.clone(),
        });
    }
    match (&have.ttl, &want.ttl) {
        (h, Some(w)) if !h.as_ref().is_some_and(|h| h.same(w)) => out.push(Change::SetTtl {
            table: table.clone(),
            ttl: w.clone(),
            reset: h.as_ref().map(|h| h.removed_in(w)).unwrap_or_default(),
        }),
        (Some(_), None) => out.push(Change::ResetTtl {
            table: table.clone(),
        }),
        _ => {}
    }
    zone(db, ZoneTarget::Table { table }, &have.zone, &want.zone, out);
    zone(
        db,
        primary_index(want),
        &have.primary_key_zone,
        &want.primary_key_zone,
        out,
    );
}

/// `None` and REGIONAL BY TABLE IN PRIMARY REGION are the same table on both sides of a
/// database's move into or out of multi-region: the region statements change it.
fn locality_differs(have: &Option<Locality>, want: &Option<Locality>) -> bool {
    let primary = Some(Locality::RegionalByTable { region: None });
    match (have, want) {
        (None, w) => *w != primary && w.is_some(),
        (h, None) => *h != primary,
        (h, w) => h != w,
    }
}

fn diff_columns(
    have: &Table,
    want: &Table,
    renames: &BTreeMap<String, String>,
    seq_renames: &BTreeMap<String, String>,
    out: &mut Vec<Change>,
) {
    // a default drawing from a sequence the plan renames follows it (both servers keep the
    // sequence, not its name, in the default)
    let follow = |d: &Option<String>| -> Option<String> {
        let d = d.as_ref()?;
        Some(
            crate::model::sequences::nextval_target(d)
                .and_then(|t| seq_renames.get(&t))
                .map_or_else(
                    || d.clone(),
                    |to| crate::model::sequences::nextval_default(to),
                ),
        )
    };
    let table = want.name.clone();
    // The current columns under their new names.
    let current: BTreeMap<String, &Column> = have
        .columns
        .iter()
        .map(|c| {
            (
                renames
                    .get(&c.name)
                    .cloned()
                    .unwrap_or_else(|| c.name.clone()),
                c,
            )
        })
        .collect();

    // a table with `families:` names the family of a column added (or added again)
    let family_of = |column: &str| {
        want.families
            .iter()
            .find(|f| f.columns.iter().any(|c| c == column))
            .map(|f| f.name.clone())
    };
    for col in &want.columns {
        let Some(old) = current.get(&col.name) else {
            let column = Column {
                renamed_from: None,
                ..col.clone()
            };
            // an existing family (`FAMILY f`), or a new one (`CREATE IF NOT EXISTS FAMILY f`:
            // several new columns may open it, in any order)
            let family = family_of(&col.name);
            let create_family = family.as_deref().is_some_and(|f| {
                if have.families.is_empty() {
                    f != PRIMARY_FAMILY
                } else {
                    !have.families.iter().any(|h| h.name == f)
                }
            });
            out.push(Change::AddColumn {
                table: table.clone(),
                column,
                family,
                create_family,
            });
            continue;
        };
        let column = col.name.clone();
        if recomputed(old, col) {
            out.push(Change::ReplaceComputedColumn {
                table: table.clone(),
                from: (*old).clone(),
                to: Column {
                    renamed_from: None,
                    ..col.clone()
                },
                family: family_of(&col.name),
            });
            continue;
        }
        if let (Some(from), None) = (&old.computed, &col.computed) {
            out.push(Change::DropComputed {
                table: table.clone(),
                column: column.clone(),
                computed: from.clone(),
            });
        }
        if let (Some(from), None) = (&old.identity, &col.identity) {
            out.push(Change::DropIdentity {
                table: table.clone(),
                column: column.clone(),
                identity: from.clone(),
            });
        }
        if old.ty != col.ty {
            out.push(Change::AlterColumnType {
                table: table.clone(),
                column: column.clone(),
                from: old.ty.clone(),
                to: col.ty.clone(),
                default: col.default.clone(),
            });
        }
        // a retyped column loses its collation on PostgreSQL (ALTER TYPE without COLLATE):
        // a collated one gets it back after the type
        if old.collate != col.collate || (old.ty != col.ty && col.collate.is_some()) {
            out.push(Change::SetColumnCollation {
                table: table.clone(),
                column: column.clone(),
                ty: col.ty.clone(),
                collate: col.collate.clone(),
            });
        }
        if follow(&old.default) != col.default {
            out.push(Change::SetColumnDefault {
                table: table.clone(),
                column: column.clone(),
                default: col.default.clone(),
            });
        }
        if old.nullable != col.nullable {
            out.push(Change::SetColumnNullable {
                table: table.clone(),
                column: column.clone(),
                nullable: col.nullable,
            });
        }
        match (&old.identity, &col.identity) {
            (None, Some(to)) => out.push(Change::AddIdentity {
                table: table.clone(),
                column: column.clone(),
                identity: to.clone(),
            }),
            (Some(from), Some(to)) if from != to => out.push(Change::AlterIdentity {
                table: table.clone(),
                column: column.clone(),
                from: from.clone(),
                to: to.clone(),
                generated: (from.generated != to.generated).then_some(to.generated),
                options: identity_option_changes(from, to, &col.ty),
            }),
            _ => {}
        }
        if old.comment != col.comment {
            out.push(Change::SetColumnComment {
                table: table.clone(),
                column,
                comment: col.comment.clone(),
            });
        }
    }
    for col in &have.columns {
        let new_name = renames.get(&col.name).unwrap_or(&col.name);
        if want.column(new_name).is_none() {
            out.push(Change::DropColumn {
                table: table.clone(),
                column: col.clone(),
            });
        }
    }
}

/// Whether a column's computation changes in a way neither server alters in place: its
/// expression or kind, a plain column becoming computed, a VIRTUAL one becoming plain (a
/// STORED one becoming plain is `drop_computed`).
fn recomputed(old: &Column, new: &Column) -> bool {
    match (&old.computed, &new.computed) {
        (None, None) => false,
        (Some(a), Some(b)) => a != b,
        (None, Some(_)) => true,
        (Some(a), None) => a.is_virtual,
    }
}

/// `have` without what goes with the columns `diff_columns` drops and adds again
/// (`recomputed`): the indexes, unique constraints, checks and foreign keys over them, which
/// DROP COLUMN takes along on both servers. The differ then creates them again after the
/// column is back.
fn without_recomputed<'a>(
    have: &'a Table,
    want: &Table,
    renames: &BTreeMap<String, String>,
) -> std::borrow::Cow<'a, Table> {
    let gone: Vec<String> = have
        .columns
        .iter()
        .filter(|c| {
            let name = renames.get(&c.name).unwrap_or(&c.name);
            want.column(name).is_some_and(|w| recomputed(c, w))
        })
        .map(|c| c.name.clone())
        .collect();
    // Nearly every table has nothing recomputed: no copy of it then.
    if gone.is_empty() {
        return std::borrow::Cow::Borrowed(have);
    }
    let mut t = have.clone();
    let over = |cols: &[String]| cols.iter().any(|c| gone.contains(c));
    t.indexes.retain(|i| {
        !over(&i.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
            && !over(&i.storing)
            && i.predicate
                .as_deref()
                .is_none_or(|p| crate::model::views::reads(p, &gone).is_empty())
    });
    t.unique.retain(|u| !over(&u.columns));
    t.checks
        .retain(|k| crate::model::views::reads(&k.expr, &gone).is_empty());
    t.foreign_keys.retain(|f| !over(&f.columns));
    std::borrow::Cow::Owned(t)
}

/// `SET START WITH 10`, `SET NO MAXVALUE` ...: the sequence options of an identity column that
/// differ; one that goes back to its default is set to the default (for the column's type).
fn identity_option_changes(from: &Identity, to: &Identity, ty: &str) -> Vec<String> {
    // an option left out is the default both servers use, for the column's type and the
    // direction; START's default follows MINVALUE / MAXVALUE
    let effective = |i: &Identity| {
        let ascending = i.increment.unwrap_or(1) > 0;
        let min = i
            .min_value
            .unwrap_or(if ascending { 1 } else { Identity::type_min(ty) });
        let max = i.max_value.unwrap_or(if ascending {
            Identity::type_max(ty)
        } else {
            -1
        });
        i.start.unwrap_or(if ascending { min } else { max })
    };
    let mut out = Vec::new();
    if from.increment != to.increment {
        out.push(format!("SET INCREMENT BY {}", to.increment.unwrap_or(1)));
    }
    if from.min_value != to.min_value {
        out.push(match to.min_value {
            Some(v) => format!("SET MINVALUE {v}"),
            None => "SET NO MINVALUE".to_string(),
        });
    }
    if from.max_value != to.max_value {
        out.push(match to.max_value {
            Some(v) => format!("SET MAXVALUE {v}"),
            None => "SET NO MAXVALUE".to_string(),
        });
    }
    // compared as the servers hold it: a start left at its default moves with a changed
    // MINVALUE / MAXVALUE, and the server checks the start it has against the new bounds
    // (START -200 kept while MINVALUE goes to -100 is refused)
    let start = effective(to);
    if from.start != to.start || effective(from) != start {
        out.push(format!("SET START WITH {start}"));
    }
    out
}

fn diff_indexes(
    db: &str,
    have: &Table,
    want: &Table,
    rename: &dyn Fn(&String) -> String,
    out: &mut Vec<Change>,
) {
    let table = want.name.clone();
    let zone_target = |index: &Index| ZoneTarget::Index {
        table: table.clone(),
        index: index.name.clone(),
    };
    // The current definition under renamed columns, zone aside.
    let mapped = |i: &Index| Index {
        columns: i
            .columns
            .iter()
            .map(|c| IndexColumn {
                name: rename(&c.name),
                ..c.clone()
            })
            .collect(),
        storing: i.storing.iter().map(rename).collect(),
        zone: None,
        comment: None,
        ..i.clone()
    };
    // a comment is set apart: a changed one is no rebuild
    let definition = |i: &Index| Index {
        comment: None,
        ..without_zone(i)
    };

    for index in &want.indexes {
        match have.index(&index.name) {
            None => {
                out.push(Change::CreateIndex {
                    table: table.clone(),
                    index: without_zone(index),
                });
                zone(db, zone_target(index), &None, &index.zone, out);
            }
            Some(old) if mapped(old) != definition(index) => {
                out.push(Change::DropIndex {
                    table: table.clone(),
                    index: old.clone(),
                });
                out.push(Change::CreateIndex {
                    table: table.clone(),
                    index: without_zone(index),
                });
                // The rebuilt index starts without a zone.
                zone(db, zone_target(index), &None, &index.zone, out);
            }
            Some(old) => {
                if old.comment != index.comment {
                    out.push(Change::SetIndexComment {
                        table: table.clone(),
                        index: index.name.clone(),
                        comment: index.comment.clone(),
                    });
                }
                zone(db, zone_target(index), &old.zone, &index.zone, out)
            }
        }
    }
    for index in &have.indexes {
        if want.index(&index.name).is_none() {
            out.push(Change::DropIndex {
                table: table.clone(),
                index: index.clone(),
            });
        }
    }
}

/// Named objects compared by name: a different definition is a drop and an add; one that
/// stays may still change in place (`kept`: its comment).
#[allow(clippy::too_many_arguments)]
fn by_name<T>(
    have: &[T],
    want: &[T],
    name: impl Fn(&T) -> &String,
    same: impl Fn(&T, &T) -> bool,
    kept: impl Fn(&T, &T) -> Option<Change>,
    drop: impl Fn(&T) -> Change,
    add: impl Fn(&T) -> Change,
    out: &mut Vec<Change>,
) {
    for w in want {
        match have.iter().find(|h| name(h) == name(w)) {
            None => out.push(add(w)),
            Some(h) if !same(h, w) => {
                out.push(drop(h));
                out.push(add(w));
            }
            Some(h) => out.extend(kept(h, w)),
        }
    }
    for h in have {
        if !want.iter().any(|w| name(w) == name(h)) {
            out.push(drop(h));
        }
    }
}

/// The privileges of `privileges` that `other` (the matching entry on the other side, if
/// any) does not hold: what a grant adds, or what a revoke takes away.
fn privileges_not_in(privileges: &[String], other: Option<&[String]>) -> Vec<String> {
    privileges
        .iter()
        .filter(|p| other.is_none_or(|o| !o.contains(p)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::{Computed, Family};

    fn computed(name: &str, expr: &str) -> Column {
        Column {
            name: name.into(),
            ty: "STRING".into(),
            nullable: true,
            computed: Some(Computed {
                expr: expr.into(),
                is_virtual: false,
            }),
            ..Column::default()
        }
    }

    /// A recomputed column is dropped and added again: in its family, when the table has
    /// families (ADD COLUMN alone would put it in the first one, and drift would follow).
    #[test]
    fn a_recomputed_column_comes_back_in_its_family() {
        let table = |expr: &str, families: Vec<Family>| Table {
            name: "players".into(),
            columns: vec![
                Column {
                    name: "email".into(),
                    ty: "STRING".into(),
                    nullable: true,
                    ..Column::default()
                },
                computed("email_key", expr),
            ],
            families,
            ..Table::default()
        };
        let fams = || {
            vec![
                Family {
                    name: "primary".into(),
                    columns: vec!["email".into()],
                },
                Family {
                    name: "lookup".into(),
                    columns: vec!["email_key".into()],
                },
            ]
        };
        for (families, want) in [(fams(), Some("lookup")), (vec![], None)] {
            let mut out = Vec::new();
            diff_table(
                "game",
                &table("lower(email)", families.clone()),
                &table("upper(email)", families),
                &Default::default(),
                &Default::default(),
                &mut out,
            );
            let family = out.iter().find_map(|c| match c {
                Change::ReplaceComputedColumn { family, .. } => Some(family.clone()),
                _ => None,
            });
            assert_eq!(family, Some(want.map(String::from)), "{out:?}");
        }
    }
}
