//! zones: effective zone configurations (`zones show`), in-place model edits
//! (`zones set` / `zones unset`), and replication hazard checks.
//!
//! Stage: may import model and output (docs/architecture.md).
pub mod edit;
pub mod effective;
pub mod hazards;
pub mod rules;
pub mod satisfy;

pub use effective::{
    effective_zones, render_table, to_json, EffectiveField, FieldValue, ObjectZone, Source,
    ZoneObject,
};
pub use hazards::{replication_hazards, ZoneHazard};

use crate::model::types::Model;

/// `bmdb zones show` without `--url`: the effective zones as a table or as the documented
/// JSON. On a multi-region database both say whose placement rules they computed with
/// (`placement_rules`: the declared `cockroach_version`, else the newest bmdb knows).
pub fn zones_show(model: &Model, format_json: bool) -> String {
    let zones = effective_zones(model);
    let used = model
        .database
        .is_multi_region()
        .then(|| rules::RulesUsed::of_model(model.database.cockroach_version));
    if format_json {
        let mut json = to_json(&zones);
        if let Some(used) = used {
            json["placement_rules"] = serde_json::json!(used);
        }
        serde_json::to_string_pretty(&json).expect("zone JSON is always serialisable")
    } else {
        match used {
            Some(used) => format!("{}\n{used}", render_table(&zones)),
            None => render_table(&zones),
        }
    }
}
