//! bmdb: schema-as-code for CockroachDB (and PostgreSQL). The library behind the `bmdb`
//! command: load a YAML model (`model`), diff it against the state the committed migrations
//! produce or against a live database (`diff`, `catalog`), order and check the changes
//! (`plan`), render them as SQL per dialect (`render`, `dialect`), write migration files and
//! their lock (`migrations`), apply them with resumable history (`apply`, over `db`), and
//! report drift (`drift`). `project` opens a project on disk; `cli` holds the commands.
//!
//! The stages depend only downward — model → diff → plan → render → migrations → apply, with
//! catalog beside them, drift on top and cli at the top; `sql` (reading SQL text) is below
//! them all, and `output` (colour, table style, plurals) below every stage that prints.
//! tests/architecture.rs enforces the map drawn in docs/architecture.md.
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
