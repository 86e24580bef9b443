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
use edit::ZoneTargetArg;

/// `bmdb zones show` without `--url`, in full (every field, every source's rule): the
/// documented JSON, or the wide table.
pub fn zones_show(model: &Model, format_json: bool) -> String {
    zones_show_with(
        model,
        &ShowOptions {
            json: format_json,
            wide: true,
            only: None,
        },
    )
}

/// How `zones show` prints.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShowOptions<'a> {
    pub json: bool,
    /// Every field with its full source (the multi-region rule spelled out), no width limit;
    /// otherwise the compact table: fields at CockroachDB's default left out, sources
    /// shortened, 80 columns.
    pub wide: bool,
    /// `zones show TARGET`: only that object (a table brings its indexes and partitions).
    pub only: Option<&'a ZoneTargetArg>,
}

/// Whether `zones show TARGET` lists `object`: the database, a range, a table with its
/// indexes and REGIONAL BY ROW partitions, or one index.
pub fn shows(target: &ZoneTargetArg, object: &ZoneObject) -> bool {
    match (target, object) {
        (ZoneTargetArg::Database, ZoneObject::Database { .. }) => true,
        (ZoneTargetArg::Range(r), ZoneObject::Range { name }) => r == name,
        (ZoneTargetArg::Table(t), ZoneObject::Table { table })
        | (ZoneTargetArg::Table(t), ZoneObject::Index { table, .. })
        | (ZoneTargetArg::Table(t), ZoneObject::Partition { table, .. }) => t == table,
        (ZoneTargetArg::Index(t, i), ZoneObject::Index { table, index }) => {
            t == table && i == index
        }
        _ => false,
    }
}

/// `bmdb zones show [TARGET] [--wide]` without `--url`: the effective zones as a table or as
/// the documented JSON. On a multi-region database both say whose placement rules they
/// computed with (`placement_rules`: the declared `cockroach_version`, else the newest bmdb
/// knows).
pub fn zones_show_with(model: &Model, opts: &ShowOptions) -> String {
    let mut zones = effective_zones(model);
    if let Some(target) = opts.only {
        zones.retain(|z| shows(target, &z.object));
    }
    let used = model
        .database
        .is_multi_region()
        .then(|| rules::RulesUsed::of_model(model.database.cockroach_version));
    if opts.json {
        let mut json = to_json(&zones);
        if let Some(used) = used {
            json["placement_rules"] = serde_json::json!(used);
        }
        serde_json::to_string_pretty(&json).expect("zone JSON is always serialisable")
    } else {
        let table = if opts.wide {
            render_table(&zones)
        } else {
            effective::render_compact_table(&zones, COMPACT_WIDTH)
        };
        match used {
            Some(used) if opts.wide => format!("{table}\n{used}"),
            Some(used) => format!("{table}\n{}", wrap(&used.to_string(), COMPACT_WIDTH)),
            None => table,
        }
    }
}

/// The compact table's width: it fits an 80-column terminal.
pub const COMPACT_WIDTH: u16 = 80;

/// `text` broken at spaces into lines of at most `width` characters.
pub fn wrap(text: &str, width: u16) -> String {
    let width = usize::from(width);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}
