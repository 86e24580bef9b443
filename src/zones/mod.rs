//! zones: effective zone configurations (`zones show`), in-place model edits
//! (`zones set` / `zones unset`), and replication hazard checks.
//!
//! Stage: may import model and output (docs/architecture.md).
pub mod edit;
pub mod effective;
pub mod hazards;

pub use effective::{
    effective_zones, render_table, to_json, EffectiveField, FieldValue, ObjectZone, Source,
    ZoneObject,
};
pub use hazards::{replication_hazards, ZoneHazard};

use crate::model::types::Model;

/// `bmdb zones show` without `--url`: the effective zones as a table or as the documented JSON.
pub fn zones_show(model: &Model, format_json: bool) -> String {
    let zones = effective_zones(model);
    if format_json {
        serde_json::to_string_pretty(&to_json(&zones)).expect("zone JSON is always serialisable")
    } else {
        render_table(&zones)
    }
}
