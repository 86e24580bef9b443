//! bmdb: schema-as-code for CockroachDB.
//!
//! The pipeline, one module per arrow:
//! `model` (load + validate + normalise) -> `diff` (Vec<Change>) -> `plan` (order, hazards)
//! -> `render` (minijinja templates, per dialect) -> `migrations` (files + lock) -> `apply`.
pub mod diff;
pub mod model;
pub mod plan;
pub mod zones;
