//! bmdb: schema-as-code for CockroachDB.
//!
//! The pipeline, one module per arrow:
//! `model` (load + validate + normalise) -> `diff` (Vec<Change>) -> `plan` (order, hazards)
//! -> `render` (minijinja templates, per dialect) -> `migrations` (files + lock) -> `apply`
//! (over `db` connections). `project` ties them together for the commands in `cli`.
pub mod apply;
pub mod catalog;
pub mod cli;
pub mod db;
pub mod dialect;
pub mod diff;
pub mod drift;
pub mod migrations;
pub mod model;
pub mod output;
pub mod plan;
pub mod project;
pub mod render;
pub mod sql;
pub mod zones;

/// The version of every JSON document bmdb prints (the `version` field).
pub const JSON_VERSION: u32 = 1;
