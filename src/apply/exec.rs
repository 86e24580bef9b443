//! exec: run one migration's remaining statements the way its server needs, recording
//! progress so that a process killed at any instant resumes at the first statement not
//! done. Where a statement and its progress record can share a transaction they do;
//! where they cannot (CockroachDB DDL, PostgreSQL's CREATE INDEX CONCURRENTLY ...), an
//! intent (`in_doubt`) is written before and the completion after.

use super::files::{is_schema_change, pg_needs_autocommit, Migration};
use super::history;
use super::progress::Progress;
use super::relock;
use super::{crash_point, interrupt};
use crate::model::Dialect;
use anyhow::{anyhow, bail, Context, Result};
use postgres::error::SqlState;
use postgres::Client;
use std::time::{Duration, Instant};

/// Attempts for a statement CockroachDB refuses with 40001 (serialization failure).
const RETRIES_40001: u32 = 6;

/// How a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// PostgreSQL: the whole migration and its history row in one transaction.
    OneTransaction,
    /// Statement by statement, each with its own progress record.
    PerStatement,
}

impl Mode {
    /// As `apply --format json` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::OneTransaction => "one_transaction",
            Mode::PerStatement => "per_statement",
        }
    }
}

pub fn mode_for(dialect: Dialect, m: &Migration) -> Mode {
    match dialect {
        Dialect::Postgres if !m.statements.iter().any(|s| pg_needs_autocommit(&s.sql)) => {
            Mode::OneTransaction
        }
        _ => Mode::PerStatement,
    }
}

/// Whether statement `sql` can share a transaction with its progress update.
fn shares_transaction(dialect: Dialect, sql: &str) -> bool {
    match dialect {
        Dialect::Postgres => !pg_needs_autocommit(sql),
        // CockroachDB: DDL runs as a job and wants its own implicit transaction
        Dialect::Cockroach => !is_schema_change(sql),
    }
}

pub struct Run<'a> {
    pub client: &'a mut Client,
    pub dialect: Dialect,
    pub applied_by: &'a str,
    pub progress: &'a Progress,
    pub lock_held: &'a dyn Fn() -> bool,
    /// Every statement this run sent, in order, with its time and outcome (for
    /// `apply --format json`).
    pub statements: Vec<StatementRun>,
}

/// One statement apply sent: which, how long it took, how it ended.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatementRun {
    /// 1-based, within its migration.
    pub statement: usize,
    /// The line of the migration file it starts on.
    pub line: usize,
    /// Its text, with secrets (passwords of CREATE/ALTER ROLE ...) masked.
    pub sql: String,
    /// None when it was not run (a dry run).
    pub elapsed_ms: Option<u128>,
    /// `done`; `already_done` (in doubt, and running it again said its effect was there);
    /// `failed`; `rolled_back` (it ran, but its migration's transaction was rolled back);
    /// `would_run` (a dry run).
    pub result: &'static str,
    /// The server's error, for the failed one.
    pub error: Option<String>,
}

impl StatementRun {
    pub fn new(m: &Migration, index: usize, result: &'static str) -> StatementRun {
        let st = &m.statements[index];
        StatementRun {
            statement: index + 1,
            line: st.line,
            sql: crate::sql::redact_secrets(&st.sql),
            elapsed_ms: None,
            result,
            error: None,
        }
    }

    fn timed(m: &Migration, index: usize, started: Instant, result: &'static str) -> StatementRun {
        StatementRun {
            elapsed_ms: Some(started.elapsed().as_millis()),
            ..StatementRun::new(m, index, result)
        }
    }
}

/// The failed statement's record, carrying `e`'s text.
fn failed(m: &Migration, index: usize, started: Instant, e: &anyhow::Error) -> StatementRun {
    StatementRun {
        error: Some(format!("{e:#}")),
        ..StatementRun::timed(m, index, started, "failed")
    }
}

/// Run statements `done..` of `m`; `existing` is its history row when one exists (a resume).
/// Returns how many statements this call ran.
pub fn run_migration(
    run: &mut Run<'_>,
    m: &Migration,
    existing: Option<&history::HistoryRow>,
) -> Result<usize> {
    let total = m.statements.len();
    let label = m.label();
    match mode_for(run.dialect, m) {
        Mode::OneTransaction => {
            if existing.is_some() {
                // only PerStatement leaves a running row behind, and the same file picks the same mode
                bail!("{label} has a partial history row but runs in one transaction; this cannot happen unless the row was edited by hand");
            }
            let started = std::time::Instant::now();
            let mut tx = run
                .client
                .transaction()
                .context("could not begin a transaction")?;
            crash_point("tx-begun");
            let first = run.statements.len();
            for (i, st) in m.statements.iter().enumerate() {
                check_continue(run.lock_held)
                    .inspect_err(|_| rolled_back(&mut run.statements, first))?;
                run.progress.statement(&label, i + 1, total, &st.sql);
                let at = Instant::now();
                if let Err(e) = tx.batch_execute(&st.sql) {
                    let e = statement_error(e, m, i);
                    rolled_back(&mut run.statements, first);
                    run.statements.push(failed(m, i, at, &e));
                    return Err(e.context(format!(
                        "nothing of {label} was applied: it ran in one transaction, which was rolled back"
                    )));
                }
                run.statements.push(StatementRun::timed(m, i, at, "done"));
                crash_point("tx-statement-ran");
            }
            // one row written with the statements: a crash leaves neither, so no per-statement updates
            history::insert(
                &mut tx,
                m,
                run.applied_by,
                history::Recorded::Applied {
                    execution_ms: started.elapsed().as_millis() as i64,
                },
            )
            .inspect_err(|_| rolled_back(&mut run.statements, first))?;
            crash_point("tx-before-commit");
            tx.commit()
                .with_context(|| format!("could not commit {label}"))
                .inspect_err(|_| rolled_back(&mut run.statements, first))?;
            crash_point("tx-committed");
            Ok(total)
        }
        Mode::PerStatement => {
            let started = std::time::Instant::now();
            let mut done = match existing {
                Some(row) => row.statements_done as usize,
                None => {
                    history::insert(run.client, m, run.applied_by, history::Recorded::Running)?;
                    crash_point("row-inserted");
                    0
                }
            };
            if let Some(n) = existing.and_then(|r| r.in_doubt) {
                let sql = m
                    .statements
                    .get(n as usize - 1)
                    .map(|s| s.sql.as_str())
                    .unwrap_or("?");
                run.progress.warn(&format!(
                    "{label}: statement {n} (line {}) was started by an apply that died before recording \
                     whether it finished; running it again. bmdb's templates write IF [NOT] EXISTS forms \
                     so this is safe for them; check hand-written statements: {}",
                    m.statements.get(n as usize - 1).map(|s| s.line).unwrap_or(0),
                    crate::sql::redact_secrets(sql).lines().next().unwrap_or_default()
                ));
            }
            let ran_before = done;
            while done < total {
                check_continue(run.lock_held)?;
                let st = &m.statements[done];
                run.progress.statement(&label, done + 1, total, &st.sql);
                let n = (done + 1) as i64;
                let at = Instant::now();
                let mut result = "done";
                if shares_transaction(run.dialect, &st.sql) {
                    with_retry(run.dialect, || {
                        let mut tx = run.client.transaction()?;
                        crash_point("stmt-tx-begun");
                        tx.batch_execute(&st.sql)?;
                        crash_point("stmt-tx-ran");
                        tx.execute(
                            "UPDATE bmdb_schema_history SET statements_done = $2, in_doubt = NULL WHERE version = $1",
                            &[&m.version(), &n],
                        )?;
                        crash_point("stmt-tx-recorded");
                        tx.commit()
                    })
                    .map_err(|e| statement_error(e, m, done))
                    .inspect_err(|e| run.statements.push(failed(m, done, at, e)))?;
                    crash_point("stmt-tx-committed");
                } else {
                    let was_in_doubt = existing.and_then(|r| r.in_doubt) == Some(n);
                    history::mark_in_doubt(run.client, m.version(), n)?;
                    crash_point("intent-recorded");
                    let outcome =
                        match with_retry(run.dialect, || run.client.batch_execute(&st.sql)) {
                            Err(e) if run.dialect == Dialect::Cockroach => match locked_table(&e) {
                                Some(table) => unlocking(run, &table, &st.sql, m.version(), n),
                                None => Err(e),
                            },
                            other => other,
                        };
                    match outcome {
                        Ok(()) => {}
                        // The apply that died had sent this statement: an error saying its
                        // effect is already there (the index exists, the renamed column is
                        // gone) means that first run completed.
                        Err(e) if was_in_doubt && already_took_effect(&e) => {
                            result = "already_done";
                            run.progress.warn(&format!(
                                "{label}: statement {n} was in doubt and running it again says its effect is \
                                 already there ({}): recording it as done",
                                crate::sql::scrub_message(
                                    &e.as_db_error().map_or(String::new(), |d| d.message().to_string()),
                                    &st.sql
                                )
                            ));
                        }
                        Err(e) => {
                            let e = statement_error(e, m, done);
                            run.statements.push(failed(m, done, at, &e));
                            return Err(e.context(format!(
                                "statement {n} of {label} ran on its own (outside a transaction): \
                                 check whether it took effect before running apply again"
                            )));
                        }
                    }
                    crash_point("autocommit-ran");
                    history::mark_done(run.client, m.version(), n)?;
                    crash_point("completion-recorded");
                }
                run.statements
                    .push(StatementRun::timed(m, done, at, result));
                done += 1;
            }
            history::mark_applied(
                run.client,
                m.version(),
                started.elapsed().as_millis() as i64,
            )?;
            crash_point("marked-applied");
            Ok(total - ran_before)
        }
    }
}

/// The statements of a one-transaction migration recorded since `first` were undone with it.
fn rolled_back(statements: &mut [StatementRun], first: usize) {
    for s in &mut statements[first..] {
        s.result = "rolled_back";
    }
}

/// The table CockroachDB names when it refuses a statement because the table has
/// `schema_locked` on (SQLSTATE 57000): "schema changes are disallowed on table \"t\" because
/// it is locked" (a statement of the legacy schema changer), or "this schema change is
/// disallowed because table \"t\" is locked and this operation cannot automatically unlock
/// the table" (v25.x on; cockroachdb/docs `_includes/v26.1/cdc/cdc-schema-locked-example.md`:
/// SET LOCALITY is one such statement).
pub fn locked_table(e: &postgres::Error) -> Option<String> {
    let db = e.as_db_error()?;
    (db.code() == &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE)
        .then(|| locked_table_in(db.message()))
        .flatten()
}

/// [`locked_table`] on the message text.
pub fn locked_table_in(message: &str) -> Option<String> {
    if !message.contains("locked") {
        return None;
    }
    let start = message.find("table \"")? + "table \"".len();
    let len = message[start..].find('"')?;
    Some(message[start..start + len].to_string())
}

/// Run `sql` on `table` unlocked: `SET (schema_locked = false)`, the statement, `SET
/// (schema_locked = true)`, each on its own (CockroachDB changes schema_locked only in a
/// single-statement implicit transaction). The table is locked again whether the statement
/// succeeds or fails. The intent to lock it again is recorded in `bmdb_relock` before the
/// unlock and forgotten after the relock, so a process killed in between leaves the intent
/// and the next apply locks the table again before it resumes ([`super::relock`]).
fn unlocking(
    run: &mut Run<'_>,
    table: &str,
    sql: &str,
    version: i64,
    n: i64,
) -> Result<(), postgres::Error> {
    run.progress.warn(&format!(
        "table {table} has schema_locked on and this statement cannot unlock it itself: \
         unlocking it for the statement and locking it again after"
    ));
    let intent = relock::Unlocked {
        table: table.to_string(),
        version,
        statement: n,
    };
    with_retry(run.dialect, || relock::record(run.client, &intent))?;
    crash_point("relock-recorded");
    with_retry(run.dialect, || {
        run.client.batch_execute(&relock::unlock_sql(table))
    })?;
    crash_point("schema-unlocked");
    let ran = with_retry(run.dialect, || run.client.batch_execute(sql));
    crash_point("unlocked-statement-ran");
    let relocked = with_retry(run.dialect, || {
        run.client.batch_execute(&relock::relock_sql(table))
    })
    .and_then(|()| {
        crash_point("schema-relocked");
        with_retry(run.dialect, || relock::forget(run.client, table))
    });
    ran.and(relocked)
}

fn check_continue(lock_held: &dyn Fn() -> bool) -> Result<()> {
    if interrupt::requested() {
        bail!("stopped before the next statement");
    }
    if !lock_held() {
        bail!("lost the apply lock (its lease could not be renewed): stopped before the next statement");
    }
    Ok(())
}

/// Errors a schema change gives when run a second time after it completed: the object it
/// creates exists (42P07, 42710, 42701) or the one it renames or drops is gone (42703,
/// 42704, 42P01). Only consulted for a statement that was in doubt.
fn already_took_effect(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        [
            SqlState::DUPLICATE_TABLE,
            SqlState::DUPLICATE_OBJECT,
            SqlState::DUPLICATE_COLUMN,
            SqlState::UNDEFINED_COLUMN,
            SqlState::UNDEFINED_OBJECT,
            SqlState::UNDEFINED_TABLE,
        ]
        .contains(c)
    })
}

/// Retry CockroachDB serialization failures (40001) with exponential backoff, boundedly.
fn with_retry<T>(
    dialect: Dialect,
    mut f: impl FnMut() -> Result<T, postgres::Error>,
) -> Result<T, postgres::Error> {
    let mut attempt = 0;
    loop {
        match f() {
            Err(e)
                if dialect == Dialect::Cockroach
                    && attempt + 1 < RETRIES_40001
                    && e.code() == Some(&SqlState::T_R_SERIALIZATION_FAILURE) =>
            {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(50 * 2u64.pow(attempt)));
            }
            other => return other,
        }
    }
}

/// A failed statement, named by migration, number and line, with the server's detail and hint.
fn statement_error(e: postgres::Error, m: &Migration, i: usize) -> anyhow::Error {
    let st = &m.statements[i];
    let msg = match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} ({})", db.message(), db.code().code());
            if let Some(d) = db.detail() {
                s.push_str(&format!("; detail: {d}"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("; hint: {h}"));
            }
            s
        }
        None => e.to_string(),
    };
    // the server may echo a secret of the statement (a syntax error near it)
    let msg = crate::sql::scrub_message(&msg, &st.sql);
    let msg = format!(
        "{}: statement {} of {} (line {}) failed: {msg}\n  {}",
        m.file.path.display(),
        i + 1,
        m.statements.len(),
        st.line,
        crate::sql::redact_secrets(&st.sql)
            .lines()
            .next()
            .unwrap_or_default()
    );
    anyhow!(msg)
}

#[cfg(test)]
mod tests {
    use super::locked_table_in;

    #[test]
    fn the_locked_table_is_read_off_both_of_cockroachdbs_messages() {
        assert_eq!(
            locked_table_in("schema changes are disallowed on table \"t\" because it is locked")
                .as_deref(),
            Some("t")
        );
        assert_eq!(
            locked_table_in(
                "this schema change is disallowed because table \"player-sessions\" is locked and \
                 this operation cannot automatically unlock the table"
            )
            .as_deref(),
            Some("player-sessions")
        );
        assert_eq!(locked_table_in("relation \"t\" does not exist"), None);
    }
}
