//! plan: order the changes so they run, and mark hazards on each typed change.

mod hazard;
mod order;

pub use hazard::{hazards, narrows};

use crate::diff::{Change, Hazard};
use crate::model::types::Model;
use serde::Serialize;

/// Orders `changes` (from `diff(current, desired)`) so that they run, and marks each
/// step's hazards. Foreign keys that cannot be created inline with their table become
/// `AddForeignKey` steps; foreign keys between dropped tables in a cycle are dropped first.
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
}
