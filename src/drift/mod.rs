//! The drift report behind `bmdb drift`, the CI gate: three categories, each clean or
//! not — the model against the migrations (changes never written), the migrations
//! against the history table (pending, partly applied, edited, missing), and the live
//! schema against the model (every difference named, with expected and actual). The
//! migrations category also names each file that disagrees with `bmdb.lock` (edited,
//! missing, stray): drift reports that as drift where other commands refuse to start.
//!
//! JSON shape (`bmdb drift --format json`):
//!
//! ```json
//! { "version": 1, "clean": false,
//!   "categories": {
//!     "model_vs_migrations":   { "clean": true,  "changes": [ { "kind": "add_column", "object": "players.email" } ] },
//!     "migrations_vs_history": { "clean": false, "migrations": [
//!         { "version": 1, "name": "init", "state": "pending", "against": "history" },
//!         { "version": 2, "name": "more", "state": "edited", "against": "lock",
//!           "recorded_checksum": "9f2c…", "file_checksum": "41ab…" } ] },
//!     "live_vs_model":         { "clean": false, "differences": [
//!         { "object": "players.level", "what": "default", "kind": "set_column_default",
//!           "expected": "1", "actual": "2" } ] } },
//!   "catalog_queries": 6, "skipped": [] }
//! ```
//! `changes` and `migrations` list only what is not clean (`migrations` omits applied ones).
//! `against` is `history` (the file vs `bmdb_schema_history`: pending, partly applied,
//! edited, missing) or `lock` (the file vs `bmdb.lock`: edited, missing, stray); the
//! checksums appear for an edited migration.
//!
//! Stage: drift sits on top of the pipeline — it combines the project (model, migrations,
//! lock), apply's history and status, catalog's live read and zones' placement rules — and nothing below it
//! imports it; only `cli` does. `report` shows a report as a table or JSON.

mod report;

use crate::apply::MigrationState;
use crate::catalog::difference::{describe_all, Difference};
use crate::catalog::{live_changes, read_catalog_beside, CatalogStats};
use crate::db::ConnectOpts;
use crate::diff::Against;
use crate::migrations::LockMismatch;
use crate::model::Dialect;
use crate::project::Project;
use crate::zones::rules::{RulesUsed, VersionSource};
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

/// A change the migrations do not yet hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnwrittenChange {
    pub kind: &'static str,
    pub object: String,
}

/// A migration whose state is not `applied`, or whose file disagrees with the lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationDrift {
    pub version: i64,
    pub name: String,
    pub state: &'static str,
    /// What the file was compared with: `history` or `lock`.
    pub against: &'static str,
    /// The checksum the history table or the lock recorded (for an edited migration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_checksum: Option<String>,
    /// The checksum of the file on disk (for an edited migration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_checksum: Option<String>,
}

const AGAINST_HISTORY: &str = "history";
const AGAINST_LOCK: &str = "lock";

impl MigrationDrift {
    fn from_lock(m: &LockMismatch) -> MigrationDrift {
        let (name, state, recorded, file) = match m {
            LockMismatch::Missing { locked } => (locked.name.clone(), "missing", None, None),
            LockMismatch::Edited { locked, file } => (
                file.name.clone(),
                "edited",
                Some(locked.checksum.clone()),
                Some(file.checksum.clone()),
            ),
            LockMismatch::Stray { file } => (file.name.clone(), "stray", None, None),
        };
        MigrationDrift {
            version: i64::from(m.version()),
            name,
            state,
            against: AGAINST_LOCK,
            recorded_checksum: recorded,
            file_checksum: file,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftReport {
    pub unwritten: Vec<UnwrittenChange>,
    pub migrations: Vec<MigrationDrift>,
    pub live: Vec<Difference>,
    pub stats: CatalogStats,
    /// On a multi-region CockroachDB database: the placement rules the live zones were
    /// normalised by (the server's version), and a note when the declared one differs.
    pub placement_rules: Option<RulesUsed>,
    pub version_note: Option<String>,
    /// Each disagreement of the folder with its lock in the words plan, apply and status use
    /// (`LockMismatch::message`, with what to do); the JSON carries the findings in
    /// `migrations`.
    #[serde(skip)]
    pub lock_findings: Vec<String>,
}

impl DriftReport {
    pub fn clean(&self) -> bool {
        self.unwritten.is_empty() && self.migrations.is_empty() && self.live.is_empty()
    }
}

/// Builds the report for the project in `dir` against the database of `conn`.
pub fn run_drift(dir: &Path, env: Option<&str>, conn: &ConnectOpts) -> Result<DriftReport> {
    // The live read (server round trips) and the project load (files) are independent:
    // run them side by side.
    let (project, live_side) = std::thread::scope(|scope| {
        let live = scope.spawn(|| -> Result<_> {
            let mut db = conn.connect()?;
            // On PostgreSQL a second session reads what the table reads do not need, side by
            // side with them (read_catalog_beside); it connects while the history is read.
            // Without it (a connection limit, say) everything goes through the first.
            let side_opts = ConnectOpts {
                connect_retries: 0,
                ..conn.clone()
            };
            std::thread::scope(|inner| {
                let side = (db.dialect == Dialect::Postgres)
                    .then(|| inner.spawn(|| side_opts.connect().ok()));
                let rows = crate::apply::history::read(&mut db.client)?;
                let mut side = side.and_then(|h| h.join().ok().flatten());
                let (live, stats) = read_catalog_beside(&mut db, side.as_mut())?;
                Ok((rows, live, stats))
            })
            .map(|(rows, live, stats)| (db, rows, live, stats))
        });
        // What the migrations leave unwritten needs only the project: found here, beside
        // the catalog read, rather than after it.
        let project = Project::open_with_mismatches(dir, env).and_then(|(p, mismatches)| {
            let files = crate::apply::files::load_migrations(&p.line)?;
            let unwritten = unwritten_changes(&p);
            Ok(((p, mismatches), files, unwritten))
        });
        let live = live.join().unwrap_or_else(|_| Err(panicked()));
        (project, live)
    });
    // a broken model is the first thing to fix, whatever the database said
    let ((project, mismatches), files, unwritten) = project?;
    let (mut db, rows, mut live, mut stats) = live_side?;
    db.expect_dialect(project.desired.database.dialect)?;
    crate::catalog::drop_ignored(&mut live, &mut stats, &project.desired.database.ignore);
    crate::catalog::reconcile_views_on_server(&mut db, &mut live, &project.desired);

    // the same states `bmdb status` reports
    let mut migrations: Vec<MigrationDrift> = crate::apply::status::states(&files, &rows)
        .iter()
        .filter(|m| m.state != MigrationState::Applied)
        .map(|m| {
            let edited = m.state == MigrationState::Edited;
            MigrationDrift {
                version: m.version,
                name: m.name.clone(),
                state: m.state.as_str(),
                against: AGAINST_HISTORY,
                recorded_checksum: m.applied_checksum.clone().filter(|_| edited),
                file_checksum: m.file_checksum.clone().filter(|_| edited),
            }
        })
        .collect();
    migrations.extend(mismatches.iter().map(MigrationDrift::from_lock));
    let lock_findings = mismatches
        .iter()
        .map(|m| m.message(&project.line))
        .collect();
    // by version, the history finding before the lock finding of one version
    migrations.sort_by_key(|m| (m.version, m.against == AGAINST_LOCK));

    let server = live
        .database
        .cockroach_version
        .filter(|_| live.database.is_multi_region());
    let placement_rules = server.map(|version| RulesUsed {
        version,
        source: VersionSource::Server,
    });
    let version_note = server.and_then(|s| {
        crate::zones::rules::version_difference(project.desired.database.cockroach_version, s)
    });
    let (have, want, changes) = live_changes(&live, &project.desired);
    Ok(DriftReport {
        unwritten,
        migrations,
        live: describe_all(&changes, &have, &want),
        stats,
        placement_rules,
        version_note,
        lock_findings,
    })
}

/// The changes the migrations do not hold yet: what bmdb refuses to plan (a dialect switch,
/// a removed primary key) and what the differ finds between the migrated state and the
/// model. Ordering is `bmdb plan`'s job.
fn unwritten_changes(project: &Project) -> Vec<UnwrittenChange> {
    let migrated = project.migrated_state();
    crate::diff::refusals(&migrated, &project.desired, Against::Migrations)
        .into_iter()
        .map(|r| UnwrittenChange {
            kind: r.id,
            object: r.object,
        })
        .chain(
            crate::diff::diff(&migrated, &project.desired)
                .iter()
                .map(|c| UnwrittenChange {
                    kind: c.kind(),
                    object: c.object(),
                }),
        )
        .collect()
}

fn panicked() -> anyhow::Error {
    anyhow::anyhow!("a drift worker thread panicked")
}
