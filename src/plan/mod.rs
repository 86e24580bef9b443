//! plan: order the changes so they run, mark hazards on each typed change, check
//! CockroachDB's preconditions over the ordered steps before anything is sent, and
//! gather the replication warnings of the desired model.
//!
//! Stage: may import model, diff, zones and dialect (docs/architecture.md).

mod check;
mod hazard;
mod order;

pub use check::{check, PlanProblem, PlanRefused};
pub use hazard::{hazards, narrows};

use crate::diff::{Change, Hazard, ZoneTarget};
use crate::model::types::{Model, ZoneConfig};
use crate::zones::{replication_hazards, ZoneHazard};
use serde::Serialize;

/// Orders `changes` (from `diff(current, desired)`) so that they run, and marks each
/// step's hazards. Foreign keys that cannot be created inline with their table become
/// `AddForeignKey` steps; foreign keys between dropped tables in a cycle are dropped first.
/// Zones that override multi-region fields are re-applied after the region and locality
/// changes that reset them (a `ConfigureZone` whose `from` equals its `to`).
pub fn plan(current: &Model, desired: &Model, changes: Vec<Change>) -> Plan {
    let steps = order::order(current, desired, changes)
        .into_iter()
        .map(|change| Step {
            hazards: hazards(&change, current, desired),
            change,
        })
        .collect();
    Plan { steps }
}

/// `plan`, then `check`: the plan only when CockroachDB would accept every step in order.
pub fn checked_plan(
    current: &Model,
    desired: &Model,
    changes: Vec<Change>,
) -> Result<Plan, PlanRefused> {
    let planned = plan(current, desired, changes);
    check(current, desired, &planned)?;
    Ok(planned)
}

/// Replication hazards of the model the plan leads to (`zones::replication_hazards`),
/// each with a stable id, a one-line reason and a help line. Empty for PostgreSQL.
pub fn warnings(desired: &Model) -> Vec<ZoneHazard> {
    if desired.database.dialect != crate::model::types::Dialect::Cockroach {
        return Vec::new();
    }
    replication_hazards(desired)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub change: Change,
    pub hazards: Vec<Hazard>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
    pub fn destructive(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.hazards.iter().any(|h| h.destructive))
    }

    /// Whether step `index` must run with `override_multi_region_zone_config` on: it makes
    /// CockroachDB rewrite multi-region zones (a region, survival, placement, secondary or
    /// super region change for the whole database; SET LOCALITY for its table) while a zone
    /// it rewrites still carries an override. The planner re-applies (or changes, or drops
    /// with its table) every such zone later in the plan, so the later steps say which.
    pub fn needs_zone_override(&self, index: usize) -> bool {
        let Some(step) = self.steps.get(index) else {
            return false;
        };
        let Some(scope) = rewrite_scope(&step.change) else {
            return false;
        };
        self.steps[index + 1..]
            .iter()
            .flat_map(|s| overridden_zones(&s.change))
            .any(|table| match (&scope, table) {
                (RewriteScope::Database, _) => true,
                (RewriteScope::Table(t), Some(z)) => *t == z,
                (RewriteScope::Table(_), None) => false,
            })
    }
}

/// A `ConfigureZone` that writes the zone it found: the planner's re-apply marker.
pub fn is_zone_reapply(change: &Change) -> bool {
    matches!(change, Change::ConfigureZone { from: Some(f), to: Some(t), .. } if f == t)
}

/// Which multi-region zones a change makes CockroachDB rewrite.
pub(crate) enum RewriteScope<'a> {
    Database,
    Table(&'a str),
}

/// The zones a change rewrites, or `None` when it rewrites none. The first primary region
/// is left out: before it the database is not multi-region and has no overrides.
pub(crate) fn rewrite_scope(change: &Change) -> Option<RewriteScope<'_>> {
    match change {
        Change::SetPrimaryRegion { from: Some(_), .. }
        | Change::AddRegion { .. }
        | Change::DropRegion { .. }
        | Change::SetSecondaryRegion { .. }
        | Change::DropSecondaryRegion { .. }
        | Change::SetSurvivalGoal { .. }
        | Change::SetPlacement { .. }
        | Change::AddSuperRegion { .. }
        | Change::AlterSuperRegion { .. }
        | Change::DropSuperRegion { .. } => Some(RewriteScope::Database),
        Change::SetLocality { table, .. } => Some(RewriteScope::Table(table)),
        _ => None,
    }
}

/// The overridden zones a change finds in place: `Some(table)` for a table or index zone,
/// `None` for the database zone.
fn overridden_zones(change: &Change) -> Vec<Option<&str>> {
    let overridden = |z: &Option<ZoneConfig>| z.as_ref().is_some_and(|z| z.override_multi_region);
    match change {
        Change::ConfigureZone { target, from, .. } if overridden(from) => match target {
            ZoneTarget::Database => vec![None],
            ZoneTarget::Table { table } | ZoneTarget::Index { table, .. } => {
                vec![Some(table.as_str())]
            }
            ZoneTarget::Range { .. } | ZoneTarget::Extension { .. } => vec![],
        },
        Change::DropTable { table } => {
            let own = overridden(&table.zone) || overridden(&table.primary_key_zone);
            let indexes = table.indexes.iter().any(|i| overridden(&i.zone));
            if own || indexes {
                vec![Some(table.name.as_str())]
            } else {
                vec![]
            }
        }
        Change::DropIndex { table, index } if overridden(&index.zone) => vec![Some(table)],
        _ => vec![],
    }
}
