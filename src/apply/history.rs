//! history: the `bmdb_schema_history` table, one row per migration that was started,
//! with how many of its statements are done, so a killed apply resumes exactly.

use super::bootstrap::{self, OwnTable};
use crate::db::cell;
use crate::output::rfc3339;
use anyhow::{Context, Result};
use postgres::GenericClient;
use std::time::SystemTime;

pub const HISTORY_TABLE: &str = "bmdb_schema_history";

/// `running` while statements remain; `applied` when all ran; `baseline` when recorded
/// by `--baseline` without running.
pub const RUNNING: &str = "running";
pub const APPLIED: &str = "applied";
pub const BASELINE: &str = "baseline";

const CREATE: &str = "CREATE TABLE IF NOT EXISTS bmdb_schema_history (
    version INT8 PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    status TEXT NOT NULL,
    statements_total INT8 NOT NULL,
    statements_done INT8 NOT NULL,
    -- 1-based statement started outside a transaction whose completion is not yet recorded
    in_doubt INT8,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    execution_ms INT8,
    applied_by TEXT NOT NULL
)";

/// The history table as bmdb creates it and the columns it reads and writes.
pub const TABLE: OwnTable = OwnTable {
    name: HISTORY_TABLE,
    create: CREATE,
    columns: &[
        ("version", "bigint"),
        ("name", "text"),
        ("checksum", "text"),
        ("status", "text"),
        ("statements_total", "bigint"),
        ("statements_done", "bigint"),
        ("in_doubt", "bigint"),
        ("started_at", "timestamp with time zone"),
        ("finished_at", "timestamp with time zone"),
        ("execution_ms", "bigint"),
        ("applied_by", "text"),
    ],
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub version: i64,
    pub name: String,
    pub checksum: String,
    pub status: String,
    pub statements_total: i64,
    pub statements_done: i64,
    pub in_doubt: Option<i64>,
    /// RFC 3339 in UTC (`2026-12-05T07:26:08.427221Z`), as every time bmdb shows.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub applied_by: String,
}

impl HistoryRow {
    pub fn is_complete(&self) -> bool {
        self.status == APPLIED || self.status == BASELINE
    }
}

/// Every history row, by version; empty when the table does not exist. A table of another
/// shape, or a row with a NULL or a value of another type, is an error naming the column.
pub fn read(client: &mut impl GenericClient) -> Result<Vec<HistoryRow>> {
    if !bootstrap::exists(client, HISTORY_TABLE)? {
        return Ok(Vec::new());
    }
    bootstrap::check_shape(client, &TABLE)?;
    let rows = client
        .query(
            "SELECT version, name, checksum, status, statements_total, statements_done, in_doubt, \
             started_at, finished_at, applied_by FROM bmdb_schema_history ORDER BY version",
            &[],
        )
        .context("could not read the history table bmdb_schema_history")?;
    rows.iter()
        .map(|r| {
            let version: i64 = cell(r, 0, HISTORY_TABLE, None)?;
            let label = format!("V{version}");
            let of = Some(label.as_str());
            Ok(HistoryRow {
                version,
                name: cell(r, 1, HISTORY_TABLE, of)?,
                checksum: cell(r, 2, HISTORY_TABLE, of)?,
                status: cell(r, 3, HISTORY_TABLE, of)?,
                statements_total: cell(r, 4, HISTORY_TABLE, of)?,
                statements_done: cell(r, 5, HISTORY_TABLE, of)?,
                in_doubt: cell(r, 6, HISTORY_TABLE, of)?,
                started_at: rfc3339(cell(r, 7, HISTORY_TABLE, of)?),
                finished_at: cell::<Option<SystemTime>>(r, 8, HISTORY_TABLE, of)?.map(rfc3339),
                applied_by: cell(r, 9, HISTORY_TABLE, of)?,
            })
        })
        .collect()
}

/// How a migration's history row starts out.
pub enum Recorded {
    /// Started, no statement done yet (statement-by-statement execution).
    Running,
    /// Ran whole inside the caller's transaction.
    Applied { execution_ms: i64 },
    /// `--baseline`: recorded as applied without running anything.
    Baseline,
}

/// Insert the history row of a migration (one place for the row's shape).
pub fn insert(
    client: &mut impl GenericClient,
    m: &super::files::Migration,
    applied_by: &str,
    how: Recorded,
) -> Result<()> {
    let total = m.statements.len() as i64;
    let (status, done, execution_ms, what) = match how {
        Recorded::Running => (RUNNING, 0, None, "started"),
        Recorded::Applied { execution_ms } => (APPLIED, total, Some(execution_ms), "applied"),
        Recorded::Baseline => (BASELINE, total, Some(0), "baselined"),
    };
    client
        .execute(
            &format!("INSERT INTO bmdb_schema_history \
             (version, name, checksum, status, statements_total, statements_done, finished_at, execution_ms, applied_by) \
             VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = '{RUNNING}' THEN NULL ELSE now() END, $7, $8)"),
            &[&m.version(), &m.file.name, &m.file.checksum, &status, &total, &done, &execution_ms, &applied_by],
        )
        .with_context(|| format!("could not record V{} as {what}", m.version()))?;
    Ok(())
}

/// Intent: statement `n` (1-based) is about to run outside a transaction.
pub fn mark_in_doubt(client: &mut impl GenericClient, version: i64, n: i64) -> Result<()> {
    client
        .execute(
            "UPDATE bmdb_schema_history SET in_doubt = $2 WHERE version = $1",
            &[&version, &n],
        )
        .with_context(|| {
            format!("could not record that statement {n} of V{version} is starting")
        })?;
    Ok(())
}

/// Completion: `done` statements of the migration have run.
pub fn mark_done(client: &mut impl GenericClient, version: i64, done: i64) -> Result<()> {
    client
        .execute(
            "UPDATE bmdb_schema_history SET statements_done = $2, in_doubt = NULL WHERE version = $1",
            &[&version, &done],
        )
        .with_context(|| format!("could not record statement {done} of V{version} as done"))?;
    Ok(())
}

pub fn mark_applied(
    client: &mut impl GenericClient,
    version: i64,
    execution_ms: i64,
) -> Result<()> {
    client
        .execute(
            &format!(
                "UPDATE bmdb_schema_history SET status = '{APPLIED}', in_doubt = NULL, \
             finished_at = now(), execution_ms = $2 WHERE version = $1"
            ),
            &[&version, &execution_ms],
        )
        .with_context(|| format!("could not record V{version} as applied"))?;
    Ok(())
}
