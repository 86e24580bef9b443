//! status: each migration as applied / pending / partly applied / edited / missing, from
//! the files and `bmdb_schema_history`; as a table or as JSON (`{"version":1,...}`).

use super::files::{self, Migration};
use super::history::{self, HistoryRow};
use crate::db::{scrub_error, ConnectOpts};
use crate::migrations::Line;
use anyhow::Result;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum StatusFormat {
    #[default]
    Table,
    Json,
}

/// Flags of `bmdb status`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StatusArgs {
    /// Output format (the global `--format`).
    #[arg(skip)]
    pub format: StatusFormat,
    /// Exit 2 when any migration is pending or partly applied.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationState {
    Applied,
    Pending,
    PartlyApplied,
    Edited,
    Missing,
}

impl MigrationState {
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::PartlyApplied => "partly applied",
            MigrationState::Edited => "edited",
            MigrationState::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MigrationStatus {
    pub version: i64,
    pub name: String,
    pub state: MigrationState,
    pub statements_done: Option<i64>,
    pub statements_total: i64,
    /// The checksum of the file on disk (absent when missing).
    pub file_checksum: Option<String>,
    /// The checksum recorded when it was applied (absent when pending).
    pub applied_checksum: Option<String>,
    pub applied_at: Option<String>,
    pub applied_by: Option<String>,
    /// Statement started outside a transaction whose completion was not recorded.
    pub in_doubt: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Shape version of this JSON document.
    pub version: u32,
    pub database: String,
    /// The migrations line's folder: `migrations`, or `migrations/<dialect>` in a project
    /// with environments.
    pub line: String,
    pub migrations: Vec<MigrationStatus>,
}

impl StatusReport {
    pub fn count(&self, state: MigrationState) -> usize {
        self.migrations.iter().filter(|m| m.state == state).count()
    }
    fn has_pending(&self) -> bool {
        self.count(MigrationState::Pending) + self.count(MigrationState::PartlyApplied) > 0
    }
    fn has_problems(&self) -> bool {
        self.count(MigrationState::Edited) + self.count(MigrationState::Missing) > 0
    }
    /// 1 when an applied migration was edited or removed (apply would refuse), 2 with
    /// --detailed-exitcode when something is pending, else 0.
    pub fn exit_code(&self, detailed: bool) -> i32 {
        if self.has_problems() {
            1
        } else if detailed && self.has_pending() {
            2
        } else {
            0
        }
    }

    pub fn to_table(&self) -> String {
        let mut table = crate::output::table();
        table.set_header([
            "Version",
            "Name",
            "State",
            "Statements",
            "Applied at",
            "Note",
        ]);
        for m in &self.migrations {
            let statements = match m.statements_done {
                Some(done) => format!("{done}/{}", m.statements_total),
                None => format!("0/{}", m.statements_total),
            };
            let note = match m.state {
                MigrationState::Edited => format!(
                    "file {} != applied {}",
                    short(m.file_checksum.as_deref()),
                    short(m.applied_checksum.as_deref())
                ),
                MigrationState::Missing => format!("file removed from {}/", self.line),
                MigrationState::PartlyApplied => match m.in_doubt {
                    Some(n) => format!("statement {n} in doubt; apply resumes there"),
                    None => "apply resumes at the next statement".into(),
                },
                _ => String::new(),
            };
            table.add_row([
                format!("V{}", m.version),
                m.name.clone(),
                m.state.as_str().to_string(),
                statements,
                m.applied_at.clone().unwrap_or_default(),
                note,
            ]);
        }
        let summary = [
            MigrationState::Applied,
            MigrationState::Pending,
            MigrationState::PartlyApplied,
            MigrationState::Edited,
            MigrationState::Missing,
        ]
        .iter()
        .map(|s| format!("{} {}", self.count(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
        format!("{}: {summary}\n{table}", self.database)
    }
}

fn short(checksum: Option<&str>) -> &str {
    checksum.map_or("-", crate::migrations::short_checksum)
}

/// Compute each migration's state; prints nothing (the caller renders the report).
pub fn run_status(line: &Line, conn: &ConnectOpts, _args: &StatusArgs) -> Result<StatusReport> {
    let secret = conn.resolve().ok().and_then(|u| u.password());
    let inner = || -> Result<StatusReport> {
        let files = files::load_migrations(line)?;
        let mut db = conn.connect()?;
        let rows = history::read(&mut db.client)?;
        Ok(StatusReport {
            version: crate::JSON_VERSION,
            database: db.url.redacted(),
            line: line.name(),
            migrations: states(&files, &rows),
        })
    };
    inner().map_err(|e| scrub_error(e, secret.as_deref()))
}

pub fn states(files: &[Migration], rows: &[HistoryRow]) -> Vec<MigrationStatus> {
    let mut versions: Vec<i64> = files
        .iter()
        .map(|f| f.version())
        .chain(rows.iter().map(|r| r.version))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    versions
        .into_iter()
        .map(|v| {
            let file = files.iter().find(|f| f.version() == v);
            let row = rows.iter().find(|r| r.version == v);
            let state = match (file, row) {
                (Some(_), None) => MigrationState::Pending,
                (None, Some(_)) => MigrationState::Missing,
                (Some(f), Some(r)) if f.file.checksum != r.checksum => MigrationState::Edited,
                (Some(_), Some(r)) if r.is_complete() => MigrationState::Applied,
                _ => MigrationState::PartlyApplied,
            };
            MigrationStatus {
                version: v,
                name: file
                    .map(|f| f.file.name.clone())
                    .or(row.map(|r| r.name.clone()))
                    .unwrap_or_default(),
                state,
                statements_done: row.map(|r| r.statements_done),
                statements_total: file
                    .map(|f| f.statements.len() as i64)
                    .or(row.map(|r| r.statements_total))
                    .unwrap_or(0),
                file_checksum: file.map(|f| f.file.checksum.clone()),
                applied_checksum: row.map(|r| r.checksum.clone()),
                applied_at: row.and_then(|r| r.finished_at.clone()),
                applied_by: row.map(|r| r.applied_by.clone()),
                in_doubt: row.and_then(|r| r.in_doubt),
            }
        })
        .collect()
}
