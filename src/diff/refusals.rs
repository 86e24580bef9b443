//! What the differ cannot turn into changes: a dialect switch or a database rename against
//! the migrations already written, and a primary key removed from a table. The differ
//! alone would say nothing about them ("No changes", or a plan the server rejects), so
//! every command that plans (`plan`, `plan --url`, `plan --write`, apply's unwritten-changes
//! check, drift's model-vs-migrations) asks here first and refuses with what to do next.

use crate::model::types::*;
use serde::Serialize;

/// What `current` is: the state the committed migrations produce (the lock), or a live
/// database read from its catalog (whose name is whatever the URL connects to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    Migrations,
    Live,
}

/// One difference bmdb will not plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// What it is about, e.g. `players` or `database shop`.
    pub object: String,
    pub message: String,
    pub help: String,
}

/// Every refusal at once; an error for the commands that plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplannable {
    pub refusals: Vec<Refusal>,
}

impl std::fmt::Display for Unplannable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.refusals.len();
        write!(
            f,
            "the model cannot be planned: {n} change{} bmdb will not make; nothing was written or sent",
            if n == 1 { "" } else { "s" }
        )?;
        for r in &self.refusals {
            write!(f, "\nerror[{}]: {}\n  help: {}", r.id, r.message, r.help)?;
        }
        Ok(())
    }
}

impl std::error::Error for Unplannable {}

/// The refusals between `current` and `desired`, in a fixed order (database first, then
/// tables by name).
pub fn refusals(current: &Model, desired: &Model, against: Against) -> Vec<Refusal> {
    let mut out = Vec::new();
    let (have, want) = (&current.database, &desired.database);
    if against == Against::Migrations && have.dialect != want.dialect {
        out.push(Refusal {
            id: "dialect-changed",
            object: format!("database {}", want.name),
            message: format!(
                "regions.yaml says `dialect: {}`, but the migrations in migrations/ were written for the {} dialect and hold its SQL",
                want.dialect.as_str(),
                have.dialect.as_str()
            ),
            help: format!(
                "to keep the {old} database, put `dialect: {old}` back in regions.yaml; to run the model on both (a {old} phase and a {new} one, e.g. a prototype and production), declare them as `environments:` in regions.yaml and move these migrations to migrations/{old}/: the {new} line then starts with the whole model as its first migration (docs/environments.md); to leave {old} behind, keep its migrations elsewhere, remove migrations/ and run `bmdb plan --write initial`",
                old = have.dialect.as_str(),
                new = want.dialect.as_str()
            ),
        });
    }
    if against == Against::Migrations && have.name != want.name && !have.name.is_empty() {
        out.push(Refusal {
            id: "database-renamed",
            object: format!("database {}", want.name),
            message: format!(
                "regions.yaml names the database \"{}\", but the migrations in migrations/ were written for \"{}\"; bmdb does not rename databases",
                want.name, have.name
            ),
            help: format!(
                "put `database: {}` back in regions.yaml (the URL, not this name, chooses the database bmdb connects to); to rename the database itself, run ALTER DATABASE ... RENAME TO ... on the server yourself, then start a new migrations line (remove migrations/ and run `bmdb plan --write initial`)",
                have.name
            ),
        });
    }
    for (name, want_t) in &desired.tables {
        let Some(have_t) = current.tables.get(name) else {
            continue;
        };
        if let (Some(pk), None) = (&have_t.primary_key, &want_t.primary_key) {
            out.push(Refusal {
                id: "primary-key-removed",
                object: name.clone(),
                message: format!(
                    "table \"{name}\" has the primary key {} ({}) and the model removes it",
                    pk.name,
                    pk.columns.join(", ")
                ),
                help: "a table keeps a primary key (CockroachDB gives a table without one a hidden rowid key, and cannot drop a key without adding another): write `primary_key: [...]` with the columns of the new key to change it, or keep the old one".to_string(),
            });
        }
    }
    super::enums::refusals(current, desired, &mut out);
    super::families::refusals(current, desired, &mut out);
    out
}

/// `refusals` as a result.
pub fn check(current: &Model, desired: &Model, against: Against) -> Result<(), Unplannable> {
    let refusals = refusals(current, desired, against);
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(Unplannable { refusals })
    }
}
