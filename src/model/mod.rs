//! model: load regions.yaml and schema/**/*.yaml, validate, normalise.
//!
//! Stage: the bottom of the pipeline; may import sql only (docs/architecture.md).
pub mod backups;
pub mod diagnostic;
pub mod enums;
pub mod environment;
pub mod load;
pub mod normalize;
mod read;
pub mod roles;
pub mod schemas;
pub mod sequences;
pub mod types;
pub mod validate;
pub mod views;
pub mod yaml;
mod zone;
pub use diagnostic::{Diagnostic, Diagnostics};
pub use environment::{Environment, Environments};
pub use load::{load_project, load_project_for, load_project_with};
/// The keys each YAML object accepts (tests/jsonschema.rs holds the JSON Schemas to them).
pub use load::{COLUMN_KEYS, FK_KEYS, INDEX_KEYS, REGIONS_KEYS, TABLE_KEYS};
pub use normalize::{canonical_type, format_duration, parse_duration_flag, parse_duration_text};
pub use types::*;
pub use zone::ZONE_COUNT_MAX;
pub use zone::ZONE_KEYS;
