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
//!   "catalog_queries": 5, "skipped": [] }
//! ```
//! `changes` and `migrations` list only what is not clean (`migrations` omits applied ones).
//! `against` is `history` (the file vs `bmdb_schema_history`: pending, partly applied,
//! edited, missing) or `lock` (the file vs `bmdb.lock`: edited, missing, stray); the
//! checksums appear for an edited migration.

use crate::apply::MigrationState;
use crate::catalog::{live_changes, read_catalog, CatalogStats};
use crate::db::ConnectOpts;
use crate::diff::{Change, ZoneTarget};
use crate::migrations::{self, LockMismatch};
use crate::model::types::*;
use crate::project::Project;
use anyhow::Result;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table as Comfy};
use serde::Serialize;
use std::path::Path;

/// One object that differs between the live database and the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `players`, `players.level`, `players@players_name_idx`, `zone table players` ...
    pub object: String,
    /// What differs: `table`, `column`, `type`, `default`, `nullability`, `index` ...
    pub what: String,
    /// The change kind that would repair it (`Change::kind`).
    pub kind: &'static str,
    /// What the model says.
    pub expected: String,
    /// What the live database has.
    pub actual: String,
}

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

    /// The table's `expected` and `actual` cells.
    fn cells(&self) -> (String, String) {
        let short = |c: &Option<String>| {
            c.as_deref()
                .map_or("-".to_string(), |c| c.chars().take(12).collect())
        };
        match (self.against, self.state) {
            (_, "edited") => (
                format!(
                    "{} checksum {}",
                    if self.against == AGAINST_LOCK {
                        "bmdb.lock"
                    } else {
                        "applied"
                    },
                    short(&self.recorded_checksum)
                ),
                format!("file checksum {}", short(&self.file_checksum)),
            ),
            (AGAINST_LOCK, "missing") => ("in bmdb.lock".into(), "file missing".into()),
            (AGAINST_LOCK, state) => ("not in bmdb.lock".into(), format!("{state} file")),
            (_, state) => ("applied".into(), state.to_string()),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftReport {
    pub unwritten: Vec<UnwrittenChange>,
    pub migrations: Vec<MigrationDrift>,
    pub live: Vec<Difference>,
    pub stats: CatalogStats,
}

impl DriftReport {
    pub fn clean(&self) -> bool {
        self.unwritten.is_empty() && self.migrations.is_empty() && self.live.is_empty()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "version": 1,
            "clean": self.clean(),
            "categories": {
                "model_vs_migrations": { "clean": self.unwritten.is_empty(), "changes": self.unwritten },
                "migrations_vs_history": { "clean": self.migrations.is_empty(), "migrations": self.migrations },
                "live_vs_model": { "clean": self.live.is_empty(), "differences": self.live },
            },
            "catalog_queries": self.stats.queries,
            "skipped": self.stats.skipped,
        })
    }

    /// The human report: one line per category, then a table of what differs.
    pub fn to_table(&self, verbose: bool) -> String {
        let mut out = String::new();
        let mark = |clean: bool| if clean { "clean" } else { "DRIFT" };
        out.push_str(&format!(
            "model vs migrations:   {} ({} unwritten change{})\n",
            mark(self.unwritten.is_empty()),
            self.unwritten.len(),
            plural(self.unwritten.len())
        ));
        out.push_str(&format!(
            "migrations vs history: {} ({} migration finding{})\n",
            mark(self.migrations.is_empty()),
            self.migrations.len(),
            plural(self.migrations.len())
        ));
        out.push_str(&format!(
            "live schema vs model:  {} ({} difference{})\n",
            mark(self.live.is_empty()),
            self.live.len(),
            plural(self.live.len())
        ));
        if !self.clean() {
            let mut t = Comfy::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
            if std::env::var_os("NO_COLOR").is_some() {
                t.force_no_tty();
            }
            t.set_header(["category", "object", "what", "expected (model)", "actual"]);
            for c in &self.unwritten {
                t.add_row([
                    "model vs migrations",
                    &c.object,
                    c.kind,
                    "in the model",
                    "not in any migration",
                ]);
            }
            for m in &self.migrations {
                let (expected, actual) = m.cells();
                let what = if m.against == AGAINST_LOCK {
                    "file vs bmdb.lock"
                } else {
                    "migration"
                };
                t.add_row([
                    "migrations vs history".to_string(),
                    format!("V{} {}", m.version, m.name),
                    what.to_string(),
                    expected,
                    actual,
                ]);
            }
            for d in &self.live {
                t.add_row(["live vs model", &d.object, &d.what, &d.expected, &d.actual]);
            }
            out.push_str(&format!("{t}\n"));
        }
        if verbose || !self.stats.skipped.is_empty() {
            out.push_str(&format!("catalog read in {} queries\n", self.stats.queries));
            for s in &self.stats.skipped {
                out.push_str(&format!("not modelled: {s}\n"));
            }
        }
        if self.migrations.iter().any(|m| m.against == AGAINST_LOCK) {
            out.push_str(
                "Migration files differ from bmdb.lock: restore them from version control (migrations are append-only); to change the schema, edit the model and run `bmdb plan --write NAME`.\n",
            );
        }
        out.push_str(if self.clean() {
            "No drift.\n"
        } else {
            "Drift found: `bmdb plan` writes unwritten changes, `bmdb apply` runs pending migrations, `bmdb plan --url` shows the repair of the live schema.\n"
        });
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Builds the report for the project in `dir` against the database of `conn`.
pub fn run_drift(dir: &Path, conn: &ConnectOpts) -> Result<DriftReport> {
    // The live read (server round trips) and the project load (files) are independent:
    // run them side by side.
    let (project, live_side) = std::thread::scope(|scope| {
        let live = scope.spawn(|| -> Result<_> {
            let mut db = conn.connect()?;
            let rows = crate::apply::history::read(&mut db.client)?;
            let (live, stats) = read_catalog(&mut db)?;
            Ok((db, rows, live, stats))
        });
        let files = scope.spawn(|| crate::apply::files::load_migrations(dir));
        let project = open_reporting_lock_mismatches(dir);
        let live = live.join().unwrap_or_else(|_| Err(panicked()));
        let files = files.join().unwrap_or_else(|_| Err(panicked()));
        (project.and_then(|p| Ok((p, files?))), live)
    });
    // a broken model is the first thing to fix, whatever the database said
    let ((project, mismatches), files) = project?;
    let (db, rows, live, stats) = live_side?;
    db.expect_dialect(project.desired.database.dialect)?;

    let migrated = project.migrated_state();
    // the differ alone says whether anything is unwritten; ordering is `bmdb plan`'s job
    let unwritten = crate::diff::diff(&migrated, &project.desired)
        .iter()
        .map(|c| UnwrittenChange {
            kind: c.kind(),
            object: c.object(),
        })
        .collect();

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
    // by version, the history finding before the lock finding of one version
    migrations.sort_by_key(|m| (m.version, m.against == AGAINST_LOCK));

    let (have, want, changes) = live_changes(&live, &project.desired);
    Ok(DriftReport {
        unwritten,
        migrations,
        live: describe_all(&changes, &have, &want),
        stats,
    })
}

/// `Project::open`, except that files disagreeing with the lock are returned as findings
/// instead of failing: the lock's state still stands for what the migrations produce.
fn open_reporting_lock_mismatches(dir: &Path) -> Result<(Project, Vec<LockMismatch>)> {
    if !dir.is_dir() {
        // Project::open owns the message for a missing project directory
        Project::open(dir)?;
    }
    std::thread::scope(|scope| {
        let lock_side = scope.spawn(|| -> Result<_> {
            let lock = migrations::read_lock(dir)?;
            let (files, mismatches) = migrations::compare_with_lock(dir, lock.as_ref())?;
            Ok((lock, files, mismatches))
        });
        let desired = crate::model::load_project(dir);
        let lock_side = lock_side.join().unwrap_or_else(|_| Err(panicked()));
        let desired = desired?;
        let (lock, files, mismatches) = lock_side?;
        Ok((
            Project {
                dir: dir.to_path_buf(),
                desired,
                lock,
                files,
            },
            mismatches,
        ))
    })
}

fn panicked() -> anyhow::Error {
    anyhow::anyhow!("a drift worker thread panicked")
}

/// One `Difference` per object: a drop and an add of the same object (a changed index,
/// check, key) read as one difference with both definitions.
pub fn describe_all(changes: &[Change], have: &Model, want: &Model) -> Vec<Difference> {
    let mut out: Vec<Difference> = Vec::new();
    for c in changes {
        let d = describe(c, have, want);
        if let Some(prev) = out.iter_mut().find(|p| {
            p.object == d.object && p.what == d.what && p.expected == ABSENT && d.actual == MISSING
        }) {
            prev.expected = d.expected;
            prev.kind = d.kind;
            continue;
        }
        out.push(d);
    }
    out
}

const MISSING: &str = "missing";
const ABSENT: &str = "absent (not in the model)";

fn diff(
    object: String,
    what: &str,
    kind: &'static str,
    expected: String,
    actual: String,
) -> Difference {
    Difference {
        object,
        what: what.to_string(),
        kind,
        expected,
        actual,
    }
}

fn column_def(c: &Column) -> String {
    let mut s = c.ty.clone();
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    s
}

fn index_def(i: &Index) -> String {
    let cols: Vec<String> = i
        .columns
        .iter()
        .map(|c| format!("{}{}", c.name, if c.desc { " DESC" } else { "" }))
        .collect();
    let mut s = format!(
        "{}{:?} ({})",
        if i.unique { "UNIQUE " } else { "" },
        i.using,
        cols.join(", ")
    )
    .to_lowercase()
    .replacen("unique ", "UNIQUE ", 1);
    if let Some(b) = i.sharded_buckets {
        s.push_str(&format!(" sharded {b}"));
    }
    if !i.storing.is_empty() {
        s.push_str(&format!(" storing ({})", i.storing.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

fn fk_def(fk: &ForeignKey) -> String {
    let mut s = format!(
        "({}) -> {}({})",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", ")
    );
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    s
}

fn zone_def(z: &Option<ZoneConfig>) -> String {
    match z {
        None => "none (inherited)".into(),
        Some(z) => {
            let mut parts: Vec<String> = z
                .settings()
                .into_iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            if z.override_multi_region {
                parts.push("override_multi_region".into());
            }
            parts.join(", ")
        }
    }
}

fn locality_def(l: &Option<Locality>) -> String {
    match l {
        None => "none".into(),
        Some(Locality::Global) => "GLOBAL".into(),
        Some(Locality::RegionalByTable { region: None }) => {
            "REGIONAL BY TABLE IN PRIMARY REGION".into()
        }
        Some(Locality::RegionalByTable { region: Some(r) }) => format!("REGIONAL BY TABLE IN {r}"),
        Some(Locality::RegionalByRow { column: None }) => "REGIONAL BY ROW".into(),
        Some(Locality::RegionalByRow { column: Some(c) }) => format!("REGIONAL BY ROW AS {c}"),
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "none".into())
}

fn column<'a>(m: &'a Model, table: &str, col: &str) -> Option<&'a Column> {
    m.tables.get(table).and_then(|t| t.column(col))
}

/// Names the object a change is about, with the model's and the live database's side.
pub fn describe(c: &Change, have: &Model, want: &Model) -> Difference {
    let obj = c.object();
    let kind = c.kind();
    let db_have = &have.database;
    match c {
        Change::CreateTable { table } => diff(
            obj,
            "table",
            kind,
            format!(
                "table with {} columns",
                want.tables
                    .get(&table.name)
                    .map_or(table.columns.len(), |t| t.columns.len())
            ),
            MISSING.into(),
        ),
        Change::DropTable { table } => diff(
            obj,
            "table",
            kind,
            ABSENT.into(),
            format!("table with {} columns", table.columns.len()),
        ),
        Change::AddColumn { column, .. } => {
            diff(obj, "column", kind, column_def(column), MISSING.into())
        }
        Change::DropColumn { column, .. } => {
            diff(obj, "column", kind, ABSENT.into(), column_def(column))
        }
        Change::RenameColumn { from, to, .. } => {
            diff(obj, "column name", kind, to.clone(), from.clone())
        }
        Change::AlterColumnType { from, to, .. } => {
            diff(obj, "type", kind, to.clone(), from.clone())
        }
        Change::SetColumnDefault {
            table,
            column: col,
            default,
        } => diff(
            obj,
            "default",
            kind,
            opt(default),
            opt(&column(have, table, col).and_then(|c| c.default.clone())),
        ),
        Change::SetColumnNullable { nullable, .. } => {
            let word = |n: bool| if n { "NULL" } else { "NOT NULL" };
            diff(
                obj,
                "nullability",
                kind,
                word(*nullable).into(),
                word(!*nullable).into(),
            )
        }
        Change::SetColumnComment {
            table,
            column: col,
            comment,
        } => diff(
            obj,
            "comment",
            kind,
            opt(comment),
            opt(&column(have, table, col).and_then(|c| c.comment.clone())),
        ),
        Change::SetTableComment { table, comment } => diff(
            obj,
            "comment",
            kind,
            opt(comment),
            opt(&have.tables.get(table).and_then(|t| t.comment.clone())),
        ),
        Change::SetLocality { from, to, .. } => {
            diff(obj, "locality", kind, locality_def(to), locality_def(from))
        }
        Change::SetTtl { table, ttl } => diff(
            obj,
            "row-level TTL",
            kind,
            ttl.expire_after.clone(),
            have.tables
                .get(table)
                .and_then(|t| t.ttl.as_ref())
                .map_or("none".into(), |t| t.expire_after.clone()),
        ),
        Change::ResetTtl { table } => diff(
            obj,
            "row-level TTL",
            kind,
            "none".into(),
            have.tables
                .get(table)
                .and_then(|t| t.ttl.as_ref())
                .map_or("none".into(), |t| t.expire_after.clone()),
        ),
        Change::AlterPrimaryKey { from, to, .. } => diff(
            obj,
            "primary key",
            kind,
            format!("{} ({})", to.name, to.columns.join(", ")),
            from.as_ref().map_or("none".into(), |p| {
                format!("{} ({})", p.name, p.columns.join(", "))
            }),
        ),
        Change::CreateIndex { index, .. } => {
            diff(obj, "index", kind, index_def(index), MISSING.into())
        }
        Change::DropIndex { index, .. } => {
            diff(obj, "index", kind, ABSENT.into(), index_def(index))
        }
        Change::AddUnique { unique, .. } => diff(
            obj,
            "unique constraint",
            kind,
            format!("UNIQUE ({})", unique.columns.join(", ")),
            MISSING.into(),
        ),
        Change::DropUnique { unique, .. } => diff(
            obj,
            "unique constraint",
            kind,
            ABSENT.into(),
            format!("UNIQUE ({})", unique.columns.join(", ")),
        ),
        Change::AddForeignKey { foreign_key, .. } => diff(
            obj,
            "foreign key",
            kind,
            fk_def(foreign_key),
            MISSING.into(),
        ),
        Change::DropForeignKey { foreign_key, .. } => {
            diff(obj, "foreign key", kind, ABSENT.into(), fk_def(foreign_key))
        }
        Change::AddCheck { check, .. } => diff(
            obj,
            "check",
            kind,
            format!("CHECK ({})", check.expr),
            MISSING.into(),
        ),
        Change::DropCheck { check, .. } => diff(
            obj,
            "check",
            kind,
            ABSENT.into(),
            format!("CHECK ({})", check.expr),
        ),
        Change::ConfigureZone {
            from, to, target, ..
        } => {
            let _ = target as &ZoneTarget;
            diff(obj, "zone config", kind, zone_def(to), zone_def(from))
        }
        Change::SetPrimaryRegion { region, from, .. } => {
            diff(obj, "primary region", kind, region.clone(), opt(from))
        }
        Change::AddRegion { .. } => diff(obj, "region", kind, "present".into(), MISSING.into()),
        Change::DropRegion { .. } => diff(obj, "region", kind, ABSENT.into(), "present".into()),
        Change::SetSecondaryRegion { region, .. } => diff(
            obj,
            "secondary region",
            kind,
            region.clone(),
            opt(&db_have.secondary_region),
        ),
        Change::DropSecondaryRegion { region, .. } => {
            diff(obj, "secondary region", kind, "none".into(), region.clone())
        }
        Change::SetSurvivalGoal { from, to, .. } => diff(
            obj,
            "survival goal",
            kind,
            format!("{to:?}").to_lowercase(),
            format!("{from:?}").to_lowercase(),
        ),
        Change::SetPlacement { from, to, .. } => diff(
            obj,
            "placement",
            kind,
            format!("{to:?}").to_lowercase(),
            format!("{from:?}").to_lowercase(),
        ),
        Change::AddSuperRegion { regions, .. } => diff(
            obj,
            "super region",
            kind,
            regions.join(", "),
            MISSING.into(),
        ),
        Change::AlterSuperRegion { name, regions, .. } => diff(
            obj,
            "super region",
            kind,
            regions.join(", "),
            db_have
                .super_regions
                .get(name)
                .map_or("none".into(), |r| r.join(", ")),
        ),
        Change::DropSuperRegion { name, .. } => diff(
            obj,
            "super region",
            kind,
            ABSENT.into(),
            db_have
                .super_regions
                .get(name)
                .map_or("none".into(), |r| r.join(", ")),
        ),
    }
}
