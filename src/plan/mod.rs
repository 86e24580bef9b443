//! plan: order the changes so they run, and mark hazards on each typed change.

use crate::diff::{Change, Hazard};
use serde::Serialize;

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
