//! The one place that orders steps: regions first (primary before the rest), then the
//! survival goal, new tables in foreign-key order, per-table changes, localities and
//! zones; drops last and in reverse foreign-key order.
//!
//! Each change gets a phase and a rank inside it; a stable sort keeps the differ's
//! (deterministic) order for ties. Foreign keys that cannot be created inline are split
//! out of `CreateTable` here.

use super::{rewrite_scope, RewriteScope};
use crate::diff::{Change, ZoneTarget};
use crate::model::types::*;
use std::collections::{BTreeMap, BTreeSet};

/// Phases in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Roles first: grants (and everything after) may name them.
    CreateRole,
    AlterRole,
    GrantRole,
    /// Session defaults need only the role (and the database, which exists).
    SetRoleSetting,
    /// A hand-set database zone blocks the first SET PRIMARY REGION until it is discarded.
    DiscardDatabaseZone,
    FirstPrimaryRegion,
    AddRegion,
    /// The new primary must not be the current secondary.
    DropSecondaryForPrimary,
    ChangePrimaryRegion,
    SetSecondaryRegion,
    AddSuperRegion,
    /// A region-survivable database cannot have a restricted placement.
    PlacementDefault,
    SurvivalUpgrade,
    PlacementRestricted,
    DatabaseZone,
    /// Schemas before every object created in them (and every grant on them).
    CreateSchema,
    /// Views go before every table change that could take a column from under them (the
    /// views reading other views first); they come back after the tables (`CreateView`).
    DropView,
    /// Enum types before the tables and columns that use them; within one type, added
    /// values keep the differ's order (each BEFORE/AFTER names a value already there).
    CreateEnum,
    RenameEnumValue,
    AddEnumValue,
    /// A renamed sequence takes its new name before any sequence is created or altered (a
    /// new one may take the old name; the alter names the new one).
    RenameSequence,
    /// Sequences before the tables and columns whose defaults draw from them.
    CreateSequence,
    CreateTable,
    /// A foreign key over a primary key that is replaced: PostgreSQL refuses to drop the
    /// key while the foreign key depends on it, so it goes first (and comes back later).
    DropForeignKeyOnMovedKey,
    RenameColumn,
    AddColumn,
    /// A column that stops being identity loses it before its default or nullability
    /// change (PostgreSQL refuses DROP NOT NULL on an identity column).
    DropIdentity,
    /// A stored computed column that becomes plain keeps its values, before its default or
    /// nullability changes (neither server sets a default on a computed column).
    DropComputed,
    AlterColumnType,
    /// A sequence of the model named like the SERIAL sequence of a column that stops being
    /// SERIAL: created once that column's own sequence is dropped (alter_column_type), before
    /// the default that draws from it.
    CreateSequenceAfterSerial,
    /// After the type: PostgreSQL's ALTER TYPE without COLLATE resets the collation.
    SetColumnCollation,
    SetColumnDefault,
    SetColumnNullable,
    /// A column whose computation changes is dropped and added again once the columns its
    /// expression reads have their final type, before the indexes created again on it.
    ReplaceComputedColumn,
    /// A column that becomes identity needs NOT NULL and no default first.
    AddIdentity,
    AlterIdentity,
    SetColumnComment,
    /// Once the owning column exists, and before any column or table is dropped (a dropped
    /// column takes the sequences it owns with it).
    SetSequenceOwner,
    AlterPrimaryKey,
    /// A column of the live primary key that the new key leaves out and that becomes
    /// nullable: both servers refuse DROP NOT NULL on a key column, so after the key change.
    DropNotNullLeavingKey,
    CreateIndex,
    AddUnique,
    AddCheck,
    AddForeignKey,
    /// The comment of an index or constraint that stays (a new one carries its own).
    SetIndexComment,
    SetConstraintComment,
    SetTableComment,
    Ttl,
    /// A locality change resets the table's zones, so zones come after it.
    SetLocality,
    TableZone,
    /// Grants after every object they are on exists; revokes (and resets) after them and
    /// before every drop, so a dropped role holds nothing when it goes.
    GrantPrivileges,
    GrantDefaultPrivileges,
    RevokeDefaultPrivileges,
    RevokePrivileges,
    ResetRoleSetting,
    /// Backup schedules once every table (and its zone) exists; a dropped one stops first.
    CreateBackupSchedule,
    DropBackupSchedule,
    DropForeignKey,
    DropCheck,
    DropUnique,
    DropIndex,
    DropColumn,
    DropTable,
    /// After every table, column and default that drew from it.
    DropSequence,
    /// Views once every table, column and type they read is in its final shape (after the
    /// column drops they were dropped for), the views read by other views first; a replaced
    /// view is dropped and created in its own step.
    CreateView,
    /// After every column that held the value or the type is dropped or retyped.
    DropEnumValue,
    DropEnum,
    /// A schema once every object in it is dropped.
    DropSchema,
    DropSuperRegion,
    DropSecondaryRegion,
    SurvivalDowngrade,
    PlacementRestrictedAfterDowngrade,
    DropRegion,
    /// Dropping the primary (only ever the last region) turns the database single-region.
    DropPrimaryRegion,
    /// Revokes before drops; a role goes last, after everything that named it.
    RevokeRole,
    DropRole,
    /// Zones overriding multi-region fields, written (again) after every region, survival
    /// and locality change that rewrites them: CockroachDB regenerates those zones.
    ReapplyOverrideZone,
}

/// The sort key: phase, then a rank (table order or region name), then a sub-rank that
/// puts the drop of a replaced index or constraint just before its re-creation.
type Key = (Phase, usize, String, u8);

/// Orders `changes` so that they run, splitting out inline foreign keys that cannot be
/// created with their table and dropping foreign keys that would block a table drop.
pub(crate) fn order(current: &Model, desired: &Model, changes: Vec<Change>) -> Vec<Change> {
    let changes = split_create_foreign_keys(desired, changes);
    let changes = break_drop_cycles(current, changes);
    let (changes, on_moved_key) = unhook_moved_keys(current, desired, changes);
    let rewrites = Rewrites::of(&changes);
    let changes = reapply_override_zones(current, desired, &rewrites, changes);

    let forward = rank_map(&fk_order(&desired.tables, None));
    let mut reverse_list = fk_order(&current.tables, None);
    reverse_list.reverse();
    let reverse = rank_map(&reverse_list);
    let create_list = {
        let created: BTreeSet<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateTable { table } => Some(table.name.clone()),
                _ => None,
            })
            .collect();
        fk_order(&desired.tables, Some(&created))
    };
    let create_rank = rank_map(&create_list);

    let ctx = Context {
        current,
        desired,
        forward,
        reverse,
        create_rank,
        replaced: replaced_names(&changes),
        on_moved_key,
        rewrites,
        downgrade: changes.iter().any(|c| {
            matches!(
                c,
                Change::SetSurvivalGoal {
                    to: SurvivalGoal::Zone,
                    ..
                }
            )
        }),
        new_primary: changes.iter().find_map(|c| match c {
            Change::SetPrimaryRegion {
                region,
                from: Some(_),
                ..
            } => Some(region.clone()),
            _ => None,
        }),
        view_depth_current: crate::model::views::depths(current),
        view_depth_desired: crate::model::views::depths(desired),
    };

    let mut keyed: Vec<(Key, Change)> = changes.into_iter().map(|c| (ctx.key(&c), c)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, c)| c).collect()
}

struct Context<'a> {
    current: &'a Model,
    desired: &'a Model,
    /// Desired model, referenced tables first.
    forward: BTreeMap<String, usize>,
    /// Current model, referencing tables first.
    reverse: BTreeMap<String, usize>,
    create_rank: BTreeMap<String, usize>,
    /// (table, name) of indexes and constraints both dropped and added: a replacement.
    replaced: BTreeSet<(String, String)>,
    /// (table, name) of foreign keys over a primary key the plan replaces.
    on_moved_key: BTreeSet<(String, String)>,
    rewrites: Rewrites,
    downgrade: bool,
    new_primary: Option<String>,
    /// Each view's depth among views (`model::views::depths`), live and desired.
    view_depth_current: BTreeMap<String, usize>,
    view_depth_desired: BTreeMap<String, usize>,
}

impl Context<'_> {
    fn key(&self, change: &Change) -> Key {
        use Phase as P;
        let fwd = |t: &str| *self.forward.get(t).unwrap_or(&usize::MAX);
        let rev = |t: &str| *self.reverse.get(t).unwrap_or(&usize::MAX);
        let table_key = |phase: Phase, t: &str| (phase, fwd(t), String::new(), 1);
        let drop_key = |phase: Phase, t: &str| (phase, rev(t), String::new(), 0);
        // A replaced object is dropped inside the phase that re-creates it, just before.
        let replace_or_drop = |t: &str, name: &str, add_phase: Phase, drop_phase: Phase| {
            if self.replaced.contains(&(t.to_string(), name.to_string())) {
                (add_phase, fwd(t), name.to_string(), 0)
            } else {
                drop_key(drop_phase, t)
            }
        };
        let add_key = |phase: Phase, t: &str, name: &str| (phase, fwd(t), name.to_string(), 1);
        let named = |phase: Phase, name: &str| (phase, 0, name.to_string(), 0);

        match change {
            Change::ConfigureZone {
                target, from, to, ..
            } if (overrides(from) || overrides(to)) && self.rewrites.reach(target) => {
                match target {
                    ZoneTarget::Table { table } => (
                        P::ReapplyOverrideZone,
                        fwd(table).saturating_add(1),
                        String::new(),
                        0,
                    ),
                    ZoneTarget::Index { table, index } => (
                        P::ReapplyOverrideZone,
                        fwd(table).saturating_add(1),
                        index.clone(),
                        1,
                    ),
                    _ => named(P::ReapplyOverrideZone, ""),
                }
            }
            Change::ConfigureZone {
                target: ZoneTarget::Database,
                to: None,
                ..
            } if !self.current.database.is_multi_region()
                && self.desired.database.is_multi_region() =>
            {
                named(P::DiscardDatabaseZone, "")
            }
            Change::SetPrimaryRegion {
                from: None, region, ..
            } => named(P::FirstPrimaryRegion, region),
            Change::SetPrimaryRegion { region, .. } => named(P::ChangePrimaryRegion, region),
            Change::AddRegion { region, .. } => named(P::AddRegion, region),
            Change::DropSecondaryRegion { region, .. }
                if self.new_primary.as_ref() == Some(region) =>
            {
                named(P::DropSecondaryForPrimary, region)
            }
            Change::DropSecondaryRegion { region, .. } => named(P::DropSecondaryRegion, region),
            Change::SetSecondaryRegion { region, .. } => named(P::SetSecondaryRegion, region),
            Change::AddSuperRegion { name, .. } | Change::AlterSuperRegion { name, .. } => (
                P::AddSuperRegion,
                self.super_region_rank(name),
                name.clone(),
                0,
            ),
            Change::DropSuperRegion { name, .. } if self.super_region_rank(name) == 0 => {
                (P::AddSuperRegion, 0, name.clone(), 0)
            }
            Change::DropSuperRegion { name, .. } => named(P::DropSuperRegion, name),
            Change::SetPlacement {
                to: Placement::Default,
                ..
            } => named(P::PlacementDefault, ""),
            Change::SetPlacement { .. } if self.downgrade => {
                named(P::PlacementRestrictedAfterDowngrade, "")
            }
            Change::SetPlacement { .. } => named(P::PlacementRestricted, ""),
            Change::SetSurvivalGoal {
                to: SurvivalGoal::Region,
                ..
            } => named(P::SurvivalUpgrade, ""),
            Change::SetSurvivalGoal { .. } => named(P::SurvivalDowngrade, ""),
            Change::DropRegion { region, .. } => {
                let last = self.current.database.primary_region.as_ref() == Some(region)
                    && !self.desired.database.is_multi_region();
                named(
                    if last {
                        P::DropPrimaryRegion
                    } else {
                        P::DropRegion
                    },
                    region,
                )
            }
            Change::ConfigureZone { target, .. } => match target {
                ZoneTarget::Database => named(P::DatabaseZone, ""),
                ZoneTarget::Range { name } => named(P::DatabaseZone, name),
                ZoneTarget::Table { table } => (P::TableZone, fwd(table), String::new(), 0),
                ZoneTarget::Index { table, index } => (P::TableZone, fwd(table), index.clone(), 1),
                // After the regions they name are added, before tables' own zones.
                ZoneTarget::Extension { .. } => named(P::DatabaseZone, &target.to_string()),
            },
            Change::CreateBackupSchedule { schedule }
            | Change::AlterBackupSchedule { to: schedule, .. } => {
                named(P::CreateBackupSchedule, &schedule.label)
            }
            Change::DropBackupSchedule { schedule } => {
                named(P::DropBackupSchedule, &schedule.label)
            }
            Change::CreateRole { role, .. } => named(P::CreateRole, role),
            Change::AlterRole { role, .. } => named(P::AlterRole, role),
            Change::GrantRole { role, of } => named(P::GrantRole, &format!("{of}\u{1f}{role}")),
            Change::RevokeRole { role, of } => named(P::RevokeRole, &format!("{of}\u{1f}{role}")),
            Change::DropRole { role } => named(P::DropRole, role),
            Change::SetRoleSetting { .. } => named(P::SetRoleSetting, &change.object()),
            Change::ResetRoleSetting { .. } => named(P::ResetRoleSetting, &change.object()),
            Change::GrantPrivileges { .. } => named(P::GrantPrivileges, &change.object()),
            Change::RevokePrivileges { .. } => named(P::RevokePrivileges, &change.object()),
            Change::GrantDefaultPrivileges { .. } => {
                named(P::GrantDefaultPrivileges, &change.object())
            }
            Change::RevokeDefaultPrivileges { .. } => {
                named(P::RevokeDefaultPrivileges, &change.object())
            }
            Change::DropView { view, .. } => (
                P::DropView,
                usize::MAX
                    - self
                        .view_depth_current
                        .get(&view.name)
                        .copied()
                        .unwrap_or(0),
                view.name.clone(),
                0,
            ),
            Change::CreateView { view, .. } | Change::ReplaceView { to: view, .. } => (
                P::CreateView,
                self.view_depth_desired
                    .get(&view.name)
                    .copied()
                    .unwrap_or(0),
                view.name.clone(),
                0,
            ),
            Change::CreateSequence { sequence } if self.leaves_serial(&sequence.name) => {
                named(P::CreateSequenceAfterSerial, &sequence.name)
            }
            Change::CreateSequence { sequence } => named(P::CreateSequence, &sequence.name),
            Change::AlterSequence { to, .. } => named(P::CreateSequence, &to.name),
            Change::RenameSequence { to, .. } => named(P::RenameSequence, to),
            Change::SetSequenceOwner { name, .. } => named(P::SetSequenceOwner, name),
            Change::DropSequence { sequence } => named(P::DropSequence, &sequence.name),
            Change::CreateSchema { name } => named(P::CreateSchema, name),
            Change::DropSchema { name } => named(P::DropSchema, name),
            Change::CreateEnum { name, .. } => named(P::CreateEnum, name),
            Change::RenameEnumValue { name, .. } => named(P::RenameEnumValue, name),
            Change::AddEnumValue { name, .. } => named(P::AddEnumValue, name),
            Change::DropEnumValue { name, .. } => named(P::DropEnumValue, name),
            Change::DropEnum { name } => named(P::DropEnum, name),
            Change::CreateTable { table } => (
                P::CreateTable,
                *self.create_rank.get(&table.name).unwrap_or(&usize::MAX),
                String::new(),
                0,
            ),
            Change::DropTable { table } => drop_key(P::DropTable, &table.name),
            Change::RenameColumn { table, .. } => table_key(P::RenameColumn, table),
            Change::AddColumn { table, .. } => table_key(P::AddColumn, table),
            Change::AlterColumnType { table, .. } => table_key(P::AlterColumnType, table),
            Change::SetColumnDefault { table, .. } => table_key(P::SetColumnDefault, table),
            Change::SetColumnNullable {
                table,
                column,
                nullable: true,
            } if self.in_current_key(table, column) => table_key(P::DropNotNullLeavingKey, table),
            Change::SetColumnNullable { table, .. } => table_key(P::SetColumnNullable, table),
            Change::SetColumnComment { table, .. } => table_key(P::SetColumnComment, table),
            Change::DropIdentity { table, .. } => table_key(P::DropIdentity, table),
            Change::AddIdentity { table, .. } => table_key(P::AddIdentity, table),
            Change::DropComputed { table, .. } => table_key(P::DropComputed, table),
            Change::SetColumnCollation { table, .. } => table_key(P::SetColumnCollation, table),
            Change::ReplaceComputedColumn { table, .. } => {
                table_key(P::ReplaceComputedColumn, table)
            }
            Change::AlterIdentity { table, .. } => table_key(P::AlterIdentity, table),
            Change::AlterPrimaryKey { table, .. } => table_key(P::AlterPrimaryKey, table),
            Change::CreateIndex { table, index } => add_key(P::CreateIndex, table, &index.name),
            Change::AddUnique { table, unique } => add_key(P::AddUnique, table, &unique.name),
            Change::AddCheck { table, check } => add_key(P::AddCheck, table, &check.name),
            Change::AddForeignKey { table, foreign_key } => {
                add_key(P::AddForeignKey, table, &foreign_key.name)
            }
            Change::SetTableComment { table, .. } => table_key(P::SetTableComment, table),
            Change::SetIndexComment { table, index, .. } => {
                add_key(P::SetIndexComment, table, index)
            }
            Change::SetConstraintComment {
                table, constraint, ..
            } => add_key(P::SetConstraintComment, table, constraint),
            Change::SetTtl { table, .. } | Change::ResetTtl { table } => table_key(P::Ttl, table),
            Change::SetLocality { table, .. } => table_key(P::SetLocality, table),
            Change::DropIndex { table, index } => {
                replace_or_drop(table, &index.name, P::CreateIndex, P::DropIndex)
            }
            Change::DropUnique { table, unique } => {
                replace_or_drop(table, &unique.name, P::AddUnique, P::DropUnique)
            }
            Change::DropCheck { table, check } => {
                replace_or_drop(table, &check.name, P::AddCheck, P::DropCheck)
            }
            Change::DropForeignKey { table, foreign_key }
                if self
                    .on_moved_key
                    .contains(&(table.clone(), foreign_key.name.clone())) =>
            {
                (
                    P::DropForeignKeyOnMovedKey,
                    rev(table),
                    foreign_key.name.clone(),
                    0,
                )
            }
            Change::DropForeignKey { table, foreign_key } => replace_or_drop(
                table,
                &foreign_key.name,
                P::AddForeignKey,
                P::DropForeignKey,
            ),
            Change::DropColumn { table, .. } => drop_key(P::DropColumn, table),
        }
    }
}

impl Context<'_> {
    /// Whether `column` is in the live primary key of `table`.
    fn in_current_key(&self, table: &str, column: &str) -> bool {
        self.current
            .tables
            .get(table)
            .and_then(|t| t.primary_key.as_ref())
            .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    }

    /// Whether `name` is the implicit sequence of a column the plan takes out of SERIAL
    /// (PostgreSQL drops that sequence with the change).
    fn leaves_serial(&self, name: &str) -> bool {
        self.current.tables.values().any(|t| {
            t.columns.iter().any(|c| {
                c.ty.ends_with("SERIAL")
                    && crate::model::sequences::serial_sequence(&t.name, &c.name) == name
                    && self
                        .desired
                        .tables
                        .get(&t.name)
                        .and_then(|w| w.column(&c.name))
                        .is_some_and(|w| !w.ty.ends_with("SERIAL"))
            })
        })
    }

    /// 0 when super region `name` gives up a region another super region takes (super
    /// regions are disjoint, so it must change first), else 1.
    fn super_region_rank(&self, name: &str) -> usize {
        let before = &self.current.database.super_regions;
        let after = &self.desired.database.super_regions;
        let Some(had) = before.get(name) else {
            return 1;
        };
        let keeps = after.get(name);
        let freed = had.iter().filter(|r| keeps.is_none_or(|k| !k.contains(r)));
        let claimed = |r: &String| {
            after.iter().any(|(other, members)| {
                other != name && members.contains(r) && before.get(other) != Some(members)
            })
        };
        if freed.into_iter().any(claimed) {
            0
        } else {
            1
        }
    }
}

fn overrides(zone: &Option<ZoneConfig>) -> bool {
    zone.as_ref().is_some_and(|z| z.override_multi_region)
}

/// Which zones the plan's region and locality changes make CockroachDB rewrite.
#[derive(Default)]
struct Rewrites {
    database: bool,
    tables: BTreeSet<String>,
}

impl Rewrites {
    fn of(changes: &[Change]) -> Rewrites {
        let mut out = Rewrites::default();
        for scope in changes.iter().filter_map(rewrite_scope) {
            match scope {
                RewriteScope::Database => out.database = true,
                RewriteScope::Table(t) => {
                    out.tables.insert(t.to_string());
                }
            }
        }
        out
    }

    fn reach(&self, target: &ZoneTarget) -> bool {
        match target {
            ZoneTarget::Range { .. } | ZoneTarget::Extension { .. } => false,
            ZoneTarget::Database => self.database,
            ZoneTarget::Table { table } | ZoneTarget::Index { table, .. } => {
                self.database || self.tables.contains(table)
            }
        }
    }
}

/// For every zone that overrides multi-region fields, is unchanged by the plan and is
/// rewritten by one of its region or locality changes: a `ConfigureZone` writing it again.
fn reapply_override_zones(
    current: &Model,
    desired: &Model,
    rewrites: &Rewrites,
    mut changes: Vec<Change>,
) -> Vec<Change> {
    let touched: BTreeSet<ZoneTarget> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ConfigureZone { target, .. } => Some(target.clone()),
            _ => None,
        })
        .collect();
    let mut kept: Vec<(ZoneTarget, &ZoneConfig)> = Vec::new();
    if let (Some(have), Some(want)) = (&current.database.zone, &desired.database.zone) {
        if have == want {
            kept.push((ZoneTarget::Database, want));
        }
    }
    for (name, want) in &desired.tables {
        let Some(have) = current.tables.get(name) else {
            continue;
        };
        if let (Some(h), Some(w)) = (&have.zone, &want.zone) {
            if h == w {
                kept.push((
                    ZoneTarget::Table {
                        table: name.clone(),
                    },
                    w,
                ));
            }
        }
        // the primary index's zone, overridden, is rewritten like any index's
        if let (Some(h), Some(w), Some(pk)) = (
            &have.primary_key_zone,
            &want.primary_key_zone,
            &want.primary_key,
        ) {
            if h == w {
                kept.push((
                    ZoneTarget::Index {
                        table: name.clone(),
                        index: pk.name.clone(),
                    },
                    w,
                ));
            }
        }
        for index in &want.indexes {
            let old = have.index(&index.name).and_then(|i| i.zone.as_ref());
            if let (Some(h), Some(w)) = (old, &index.zone) {
                if h == w {
                    let target = ZoneTarget::Index {
                        table: name.clone(),
                        index: index.name.clone(),
                    };
                    kept.push((target, w));
                }
            }
        }
    }
    for (target, zone) in kept {
        if zone.override_multi_region && rewrites.reach(&target) && !touched.contains(&target) {
            changes.push(Change::ConfigureZone {
                database: desired.database.name.clone(),
                target,
                from: Some(zone.clone()),
                to: Some(zone.clone()),
            });
        }
    }
    changes
}

fn rank_map(list: &[String]) -> BTreeMap<String, usize> {
    list.iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i))
        .collect()
}

/// Table names with referenced tables before the tables that reference them (Kahn's
/// algorithm, smallest name first; a cycle is broken at its smallest name).
/// `only` restricts the order to those tables; references outside it are ignored.
pub(crate) fn fk_order(
    tables: &BTreeMap<String, Table>,
    only: Option<&BTreeSet<String>>,
) -> Vec<String> {
    let keep = |name: &String| only.is_none_or(|set| set.contains(name));
    let deps: BTreeMap<&String, BTreeSet<&String>> = tables
        .iter()
        .filter(|(name, _)| keep(name))
        .map(|(name, t)| {
            let refs = t
                .foreign_keys
                .iter()
                .map(|fk| &fk.ref_table)
                .filter(|r| *r != name && keep(r) && tables.contains_key(*r))
                .collect();
            (name, refs)
        })
        .collect();

    // Kahn's algorithm, smallest ready name first, so the order is deterministic and the
    // cost stays linear in tables + foreign keys (10,000 tables plan in well under a second).
    let mut waiting: BTreeMap<&String, usize> = deps.iter().map(|(n, r)| (*n, r.len())).collect();
    let mut dependents: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (name, refs) in &deps {
        for r in refs {
            dependents.entry(*r).or_default().push(*name);
        }
    }
    let mut ready: BTreeSet<&String> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(t, _)| *t)
        .collect();
    let mut remaining: BTreeSet<&String> = deps.keys().copied().collect();
    let mut out = Vec::with_capacity(deps.len());
    while !remaining.is_empty() {
        let name = match ready.pop_first() {
            Some(n) => n,
            // No table is ready: break a cycle at its smallest member.
            None => {
                let in_cycle = |start: &String| {
                    let mut stack: Vec<&String> = deps[start].iter().copied().collect();
                    let mut seen = BTreeSet::new();
                    while let Some(t) = stack.pop() {
                        if t == start {
                            return true;
                        }
                        if seen.insert(t) && remaining.contains(t) {
                            stack.extend(deps[t].iter().copied());
                        }
                    }
                    false
                };
                let first = *remaining.first().expect("remaining is not empty");
                remaining
                    .iter()
                    .copied()
                    .find(|n| in_cycle(n))
                    .unwrap_or(first)
            }
        };
        remaining.remove(name);
        waiting.remove(name);
        out.push(name.clone());
        for d in dependents.get(name).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(*d) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(*d);
                }
            }
        }
    }
    out
}

/// Where the primary key is dropped and added again (PostgreSQL; CockroachDB's ALTER PRIMARY
/// KEY keeps the old key as a unique index), every foreign key over the old key must be
/// dropped first: the differ drops it only when it changes, and orders the drop after the
/// key. Adds the missing drops (and the re-creation of a foreign key the model keeps), and
/// returns the foreign keys whose drop must run before the key changes.
fn unhook_moved_keys(
    current: &Model,
    desired: &Model,
    mut changes: Vec<Change>,
) -> (Vec<Change>, BTreeSet<(String, String)>) {
    let mut early = BTreeSet::new();
    if crate::dialect::feature("alter_primary_key")
        .is_some_and(|f| f.supported_by(desired.database.dialect))
    {
        return (changes, early);
    }
    let moved: BTreeMap<&String, BTreeSet<&String>> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterPrimaryKey {
                table,
                from: Some(old),
                ..
            } => Some((table, old.columns.iter().collect())),
            _ => None,
        })
        .collect();
    if moved.is_empty() {
        return (changes, early);
    }
    for (name, t) in &current.tables {
        for fk in &t.foreign_keys {
            let Some(old) = moved.get(&fk.ref_table) else {
                continue;
            };
            if fk.ref_columns.iter().collect::<BTreeSet<_>>() != *old {
                continue;
            }
            early.insert((name.clone(), fk.name.clone()));
        }
    }
    let has = |changes: &[Change], drop: bool, table: &str, fk_name: &str| {
        changes.iter().any(|c| match c {
            Change::DropForeignKey {
                table: t,
                foreign_key,
            } if drop => t == table && foreign_key.name == fk_name,
            Change::AddForeignKey {
                table: t,
                foreign_key,
            } if !drop => t == table && foreign_key.name == fk_name,
            _ => false,
        })
    };
    for (table, fk_name) in &early {
        if !has(&changes, true, table, fk_name) {
            let fk = current.tables[table]
                .foreign_keys
                .iter()
                .find(|f| &f.name == fk_name)
                .expect("collected from this table")
                .clone();
            changes.push(Change::DropForeignKey {
                table: table.clone(),
                foreign_key: fk,
            });
            // The model keeps it unchanged (else the differ would have dropped it): back it comes.
            let kept = desired
                .tables
                .get(table)
                .and_then(|t| t.foreign_keys.iter().find(|f| &f.name == fk_name));
            if let (Some(fk), false) = (kept, has(&changes, false, table, fk_name)) {
                changes.push(Change::AddForeignKey {
                    table: table.clone(),
                    foreign_key: fk.clone(),
                });
            }
        }
    }
    (changes, early)
}

/// Whether `fk` needs something the plan only adds later on its (existing) referenced
/// table: one of the referenced columns, or the key or unique index over them.
fn needs_pending_key(fk: &ForeignKey, changes: &[Change]) -> bool {
    let same_set = |cols: &mut dyn Iterator<Item = &String>| {
        let set: BTreeSet<&String> = cols.collect();
        set == fk.ref_columns.iter().collect()
    };
    changes
        .iter()
        .filter(|c| c.table() == Some(fk.ref_table.as_str()))
        .any(|c| match c {
            Change::AddColumn { column, .. } => fk.ref_columns.contains(&column.name),
            Change::RenameColumn { to, .. } => fk.ref_columns.contains(to),
            Change::AlterPrimaryKey { to, .. } => same_set(&mut to.columns.iter()),
            Change::AddUnique { unique, .. } => same_set(&mut unique.columns.iter()),
            Change::CreateIndex { index, .. } => {
                index.unique && same_set(&mut index.columns.iter().map(|c| &c.name))
            }
            _ => false,
        })
}

/// Takes out of each `CreateTable` the foreign keys whose referenced table does not exist
/// yet when it runs (created later, a cycle, or an existing table still gaining its key)
/// and plans them as `AddForeignKey` after all creates. A self-reference stays inline.
fn split_create_foreign_keys(desired: &Model, changes: Vec<Change>) -> Vec<Change> {
    let created: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    if created.is_empty() {
        return changes;
    }
    let order = fk_order(&desired.tables, Some(&created));
    let position = rank_map(&order);

    // (table, foreign key) of inline keys to existing tables that are not ready yet.
    let waiting: BTreeSet<(String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable { table } => Some(table),
            _ => None,
        })
        .flat_map(|t| {
            t.foreign_keys
                .iter()
                .filter(|fk| !created.contains(&fk.ref_table) && needs_pending_key(fk, &changes))
                .map(|fk| (t.name.clone(), fk.name.clone()))
        })
        .collect();
    let mut split = Vec::new();
    let mut out: Vec<Change> = changes
        .into_iter()
        .map(|change| match change {
            Change::CreateTable { mut table } => {
                let me = position[&table.name];
                let (inline, later): (Vec<ForeignKey>, Vec<ForeignKey>) =
                    table.foreign_keys.drain(..).partition(|fk| {
                        // A key that only a unique index provides comes with create_index,
                        // after every CREATE TABLE.
                        if created.contains(&fk.ref_table)
                            && desired
                                .tables
                                .get(&fk.ref_table)
                                .is_some_and(|t| only_a_unique_index(t, &fk.ref_columns))
                        {
                            return false;
                        }
                        if fk.ref_table == table.name {
                            return true;
                        }
                        match position.get(&fk.ref_table) {
                            Some(theirs) => *theirs < me,
                            None => !waiting.contains(&(table.name.clone(), fk.name.clone())),
                        }
                    });
                table.foreign_keys = inline;
                split.extend(later.into_iter().map(|foreign_key| Change::AddForeignKey {
                    table: table.name.clone(),
                    foreign_key,
                }));
                Change::CreateTable { table }
            }
            other => other,
        })
        .collect();
    out.extend(split);
    out
}

/// Whether the key over `columns` is a unique index of the table (created after every
/// CREATE TABLE), not its primary key or a UNIQUE constraint (created with the table).
fn only_a_unique_index(t: &Table, columns: &[String]) -> bool {
    let set: BTreeSet<&String> = columns.iter().collect();
    let same = |cols: &mut dyn Iterator<Item = &String>| cols.collect::<BTreeSet<_>>() == set;
    let constraint = t
        .primary_key
        .as_ref()
        .is_some_and(|pk| same(&mut pk.columns.iter()))
        || t.unique.iter().any(|u| same(&mut u.columns.iter()));
    !constraint
        && t.indexes.iter().any(|i| {
            i.unique && i.predicate.is_none() && same(&mut i.columns.iter().map(|c| &c.name))
        })
}

/// Dropped tables that reference each other in a cycle: the foreign key that would still
/// point at a table being dropped is dropped first.
fn break_drop_cycles(current: &Model, mut changes: Vec<Change>) -> Vec<Change> {
    let dropped: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    if dropped.len() < 2 {
        return changes;
    }
    let mut order = fk_order(&current.tables, Some(&dropped));
    order.reverse();
    let mut gone: BTreeSet<&String> = BTreeSet::new();
    for name in &order {
        for other in order.iter().filter(|o| *o != name && !gone.contains(o)) {
            for fk in current.tables[other]
                .foreign_keys
                .iter()
                .filter(|fk| &fk.ref_table == name)
            {
                changes.push(Change::DropForeignKey {
                    table: other.clone(),
                    foreign_key: fk.clone(),
                });
            }
        }
        gone.insert(name);
    }
    changes
}

/// (table, name) of every index or constraint the plan both drops and re-adds.
fn replaced_names(changes: &[Change]) -> BTreeSet<(String, String)> {
    let mut dropped = BTreeSet::new();
    let mut added = BTreeSet::new();
    for c in changes {
        match c {
            Change::DropIndex { table, index } => {
                dropped.insert((table.clone(), index.name.clone()))
            }
            Change::DropUnique { table, unique } => {
                dropped.insert((table.clone(), unique.name.clone()))
            }
            Change::DropCheck { table, check } => {
                dropped.insert((table.clone(), check.name.clone()))
            }
            Change::DropForeignKey { table, foreign_key } => {
                dropped.insert((table.clone(), foreign_key.name.clone()))
            }
            Change::CreateIndex { table, index } => {
                added.insert((table.clone(), index.name.clone()))
            }
            Change::AddUnique { table, unique } => {
                added.insert((table.clone(), unique.name.clone()))
            }
            Change::AddCheck { table, check } => added.insert((table.clone(), check.name.clone())),
            Change::AddForeignKey { table, foreign_key } => {
                added.insert((table.clone(), foreign_key.name.clone()))
            }
            _ => false,
        };
    }
    dropped.intersection(&added).cloned().collect()
}
