//! apply: run pending migrations against a live server and report where each stands.
//! Owns the history table, the table lock, per-server execution with crash-safe resume,
//! progress display, and `status`. The CLI only parses and calls `run_apply`/`run_status`.
//!
//! Stage: may import model, db, migrations, sql and output (docs/architecture.md); drift and cli use it.

pub mod bootstrap;
pub mod exec;
pub mod files;
pub mod history;
pub mod interrupt;
pub mod lock;
pub mod progress;
pub mod relock;
pub mod review;
pub mod schedule_ids;
pub mod status;
#[cfg(debug_assertions)]
mod test_hook;

/// Crash points for the kill -9 tests: only debug builds have them (see `test_hook`).
#[cfg(debug_assertions)]
pub(crate) use test_hook::crash_point;
/// Release builds: no crash points, and no environment variable is read.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub(crate) fn crash_point(_label: &str) {}

use crate::db::{scrub_error, ConnectOpts, Connection};
use crate::migrations::{comment_text, Line};
use crate::model::Dialect;
use anyhow::{bail, Context, Result};
use files::Migration;
use history::HistoryRow;
use progress::{Outcome, Progress};
use std::path::Path;
use std::time::{Duration, Instant};

pub use status::{run_status, MigrationState, StatusArgs, StatusReport};

/// Flags of `bmdb apply`.
#[derive(clap::Args, Debug, Clone)]
pub struct ApplyArgs {
    /// Print what would run and change nothing (not even the history table).
    #[arg(long)]
    pub dry_run: bool,
    /// Apply up to and including this version, no further (`V4` or `4`).
    #[arg(long, value_name = "VERSION", value_parser = crate::migrations::parse_version_flag)]
    pub target: Option<i64>,
    /// Record migrations up to this version (`V4` or `4`) as applied without running them
    /// (adopting a database that already has their schema), then stop.
    #[arg(long, value_name = "VERSION", conflicts_with = "target",
          value_parser = crate::migrations::parse_version_flag)]
    pub baseline: Option<i64>,
    /// How long to wait for another apply's lock before giving up: 120s, 2m, 1h or bare
    /// seconds (at most 7 days).
    #[arg(long, value_name = "DURATION", default_value = "60s",
          value_parser = |s: &str| duration_within(s, Duration::ZERO, Duration::from_secs(604_800)))]
    pub lock_timeout: Duration,
    /// How long a lock stays valid without a heartbeat (a dead holder's lock frees after
    /// this): 30s, 1m or bare seconds (1s to 1 day).
    #[arg(long, value_name = "DURATION", default_value = "30s",
          value_parser = |s: &str| duration_within(s, Duration::from_secs(1), Duration::from_secs(86_400)))]
    pub lock_lease: Duration,
    /// Allow migrations that hold destructive steps (`-- destructive:` lines).
    #[arg(long)]
    pub allow_destructive: bool,
    /// Do not ask for confirmation. On a terminal apply shows what will run and asks first;
    /// without one (CI, a pipe) it never asks.
    #[arg(long)]
    pub auto_approve: bool,
    /// No progress output; only warnings, errors and the final summary (the global
    /// `--quiet`).
    #[arg(skip)]
    pub quiet: bool,
    /// Report as JSON (the global `--format json`): nothing but the caller's document on
    /// stdout, so no summary table and no dry-run SQL there.
    #[arg(skip)]
    pub json: bool,
    /// Show every statement's time, not only those of a second or more (the global
    /// `--verbose`).
    #[arg(skip)]
    pub verbose: bool,
}

/// A duration flag's value within `min..=max`.
fn duration_within(raw: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    let d = crate::model::parse_duration_flag(raw)?;
    if d < min || d > max {
        return Err(format!(
            "{} is outside {}..={}",
            crate::model::format_duration(d),
            crate::model::format_duration(min),
            crate::model::format_duration(max)
        ));
    }
    Ok(d)
}

impl Default for ApplyArgs {
    fn default() -> Self {
        ApplyArgs {
            dry_run: false,
            target: None,
            baseline: None,
            lock_timeout: Duration::from_secs(60),
            lock_lease: Duration::from_secs(30),
            allow_destructive: false,
            auto_approve: false,
            quiet: false,
            json: false,
            verbose: false,
        }
    }
}

/// What an apply did (or, with --dry-run, would do), as far as it got.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplyReport {
    pub dry_run: bool,
    pub baseline: bool,
    /// The server's URL, password redacted; None when apply stopped before connecting.
    pub database: Option<String>,
    pub migrations: Vec<Outcome>,
    /// The whole apply, from reading the files to the last statement (not the verification
    /// the CLI runs after it).
    pub elapsed_ms: u128,
}

/// Who applies, for the history's `applied_by`: the database user the statements run as, and
/// the operating-system user, host and process that ran bmdb, e.g.
/// `app by alice@build-7 pid 4242`. The OS user is the effective user's name from the
/// password database (not `$USER`, unset under cron and in containers), else its uid.
fn applied_by(client: &mut postgres::Client) -> Result<String> {
    let db_user: String = client
        .query_one("SELECT current_user", &[])
        .context("could not read the database user (SELECT current_user)")?
        .try_get(0)
        .context("could not read the database user (SELECT current_user)")?;
    let os_user = crate::db::os_user()
        // SAFETY: geteuid has no preconditions and cannot fail.
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::geteuid() }));
    Ok(format!(
        "{db_user} by {os_user}@{} pid {}",
        lock::this_host(),
        std::process::id()
    ))
}

/// Apply the pending migrations of `line` to the server of `conn`, which must speak the
/// line's dialect; prints progress on stderr and the summary (or the dry-run SQL) on stdout.
pub fn run_apply(line: &Line, conn: &ConnectOpts, args: &ApplyArgs) -> Result<ApplyReport> {
    let (report, result) = run_apply_reporting(line, conn, args);
    result.map(|()| report)
}

/// [`run_apply`], with the report of what ran even when it fails (the migrations done, the
/// one that failed with its statements and error), for `apply --format json`. Every error
/// text in it has the password scrubbed.
pub fn run_apply_reporting(
    line: &Line,
    conn: &ConnectOpts,
    args: &ApplyArgs,
) -> (ApplyReport, Result<()>) {
    let started = Instant::now();
    let secret = conn.resolve().ok().and_then(|u| u.password());
    let mut report = ApplyReport {
        dry_run: args.dry_run,
        baseline: args.baseline.is_some(),
        database: None,
        migrations: Vec::new(),
        elapsed_ms: 0,
    };
    let result =
        apply_inner(line, conn, args, &mut report).map_err(|e| scrub_error(e, secret.as_deref()));
    report.elapsed_ms = started.elapsed().as_millis();
    let scrub = |t: &mut Option<String>| {
        if let Some(text) = t {
            *text = crate::db::scrub_text(text, secret.as_deref());
        }
    };
    for o in &mut report.migrations {
        scrub(&mut o.error);
        for st in &mut o.statements {
            scrub(&mut st.error);
        }
    }
    (report, result)
}

fn apply_inner(
    line: &Line,
    conn: &ConnectOpts,
    args: &ApplyArgs,
    report: &mut ApplyReport,
) -> Result<()> {
    let files = files::load_migrations(line)?;
    let mut db = conn.connect()?;
    db.expect_dialect(line.dialect)?;
    report.database = Some(db.url.redacted());
    let secret = db.url.password();

    let history_rows = history::read(&mut db.client)?;
    check_history(line, &files, &history_rows)?;
    let pending = pending_work(line, &files, &history_rows, args.target, args.baseline)?;

    if args.dry_run {
        report.migrations = dry_run(&db, &pending, args);
        return Ok(());
    }
    if pending.is_empty() {
        if !args.quiet {
            eprintln!(
                "{}: nothing to apply, every migration is applied",
                db.url.redacted()
            );
        }
        return Ok(());
    }
    if args.baseline.is_none() && !args.allow_destructive {
        refuse_destructive(&pending)?;
    }

    // Asked before bmdb's tables or lock are touched, so a "no" leaves the database as it was.
    review::confirm(
        &review::summary(
            &db.url.redacted(),
            db.dialect,
            &pending,
            args.baseline.is_some(),
        ),
        args.auto_approve,
    )?;

    interrupt::install(db.cancel_handle());
    bootstrap::ensure(&mut db.client, db.dialect, &[&lock::TABLE, &history::TABLE])?;
    let heartbeat_session = db.reconnect()?;
    let progress = Progress::new(args.quiet, args.verbose, statements_to_run(&pending, args));
    let guard = lock::acquire(
        &mut db.client,
        heartbeat_session,
        args.lock_timeout,
        args.lock_lease.max(Duration::from_secs(1)),
        |holder| {
            progress.line(&format!(
                "waiting for the apply lock held by host {}, pid {}, since {} (up to {})",
                holder.host,
                holder.pid,
                holder.since,
                crate::model::format_duration(args.lock_timeout)
            ))
        },
    )?;
    // the lock may have been waited for: read history again under it
    let history_rows = history::read(&mut db.client)?;
    check_history(line, &files, &history_rows)?;
    // a table an apply that died left unlocked is locked again before anything resumes
    if db.dialect == Dialect::Cockroach {
        relock::relock_pending(&mut db.client, &|m| progress.warn(m))?;
    }
    let pending = pending_work(line, &files, &history_rows, args.target, args.baseline)?;
    progress.set_total(statements_to_run(&pending, args));

    let applied_by = applied_by(&mut db.client)?;
    let result = run_pending(
        &mut db,
        &pending,
        args,
        &applied_by,
        &progress,
        &guard,
        &mut report.migrations,
    );
    progress.finish();
    drop(guard);
    if !report.migrations.is_empty() && !args.json {
        println!(
            "{}",
            crate::db::scrub_text(
                &progress::summary_table(&report.migrations),
                secret.as_deref()
            )
        );
    }
    result
}

/// The statements this apply will run: every pending one, not those a resumed migration
/// already ran; none for a baseline.
fn statements_to_run(pending: &[Pending<'_>], args: &ApplyArgs) -> usize {
    if args.baseline.is_some() {
        return 0;
    }
    pending
        .iter()
        .map(|p| {
            let done = p.row.map_or(0, |r| r.statements_done.max(0) as usize);
            p.file.statements.len().saturating_sub(done)
        })
        .sum()
}

fn run_pending(
    db: &mut Connection,
    pending: &[Pending<'_>],
    args: &ApplyArgs,
    applied_by: &str,
    progress: &Progress,
    guard: &lock::LockGuard,
    outcomes: &mut Vec<Outcome>,
) -> Result<()> {
    for p in pending {
        let m = p.file;
        let total = m.statements.len();
        let started = Instant::now();
        if args.baseline.is_some() {
            history::insert(&mut db.client, m, applied_by, history::Recorded::Baseline)?;
            progress.line(&format!(
                "{}: recorded as applied (baseline), nothing run",
                m.label()
            ));
            outcomes.push(outcome(m, 0, started, "baselined"));
            progress.migration_done();
            continue;
        }
        let resumed = p.row.is_some();
        let mode = exec::mode_for(db.dialect, m);
        if let Some(row) = p.row {
            progress.line(&format!(
                "{}: resuming at statement {} of {} (an earlier apply stopped there)",
                m.label(),
                row.statements_done + 1,
                total
            ));
        } else {
            progress.line(&format!("{}: {} statements", m.label(), total));
        }
        // `-- bmdb:backup-schedule-id` directives: ids looked up now, before the migration's
        // history row, so a label that does not resolve leaves this migration untouched
        let from = p.row.map_or(0, |r| r.statements_done.max(0) as usize);
        let dialect = db.dialect;
        let resolved = match schedule_ids::resolve(m, from, &mut |label| {
            schedule_ids::lookup(&mut db.client, dialect, label)
        }) {
            Ok(r) => r,
            Err(e) => {
                let mut o = outcome(m, 0, started, "failed");
                o.error = Some(format!("{e:#}"));
                outcomes.push(o);
                return Err(e.context(format!(
                    "{} failed; later migrations were not run",
                    m.label()
                )));
            }
        };
        if let Some((_, ids)) = &resolved {
            for (label, id) in ids {
                progress.line(&format!(
                    "{}: backup schedule '{}' is schedule {id}",
                    m.label(),
                    label.replace('\'', "''")
                ));
            }
        }
        let m = resolved.as_ref().map_or(m, |(r, _)| r);
        let mut run = exec::Run {
            client: &mut db.client,
            dialect: db.dialect,
            applied_by,
            progress,
            lock_held: &|| guard.still_held(),
            statements: Vec::new(),
        };
        let result = exec::run_migration(&mut run, m, p.row);
        let statements = std::mem::take(&mut run.statements);
        let ran = statements
            .iter()
            .filter(|s| matches!(s.result, "done" | "already_done"))
            .count();
        let mut record = |result: &str, error: Option<&anyhow::Error>| {
            let mut o = outcome(m, ran, started, result);
            o.mode = Some(mode.as_str());
            o.resumed_after = p.row.map(|r| r.statements_done);
            o.statements = statements.clone();
            o.error = error.map(|e| format!("{e:#}"));
            outcomes.push(o);
        };
        match result {
            Ok(ran) => {
                let result = if resumed {
                    "resumed, applied"
                } else {
                    "applied"
                };
                progress.line(&format!(
                    "{}: {result} in {}",
                    m.label(),
                    progress::format_millis(started.elapsed().as_millis())
                ));
                debug_assert_eq!(ran, statements.len());
                record(result, None);
                progress.migration_done();
            }
            Err(e) if interrupt::requested() => {
                record("interrupted", Some(&e));
                let stopped = where_stopped(&mut db.client, m);
                return Err(e.context(format!(
                    "interrupted (Ctrl-C): {stopped}; later migrations were not run; run apply again to resume"
                )));
            }
            Err(e) => {
                record("failed", Some(&e));
                return Err(e.context(format!(
                    "{} failed; later migrations were not run",
                    m.label()
                )));
            }
        }
    }
    Ok(())
}

/// Where an interrupted migration stopped, as its history row says (the server's word, not
/// our count: a cancelled statement's transaction was rolled back there).
fn where_stopped(client: &mut postgres::Client, m: &Migration) -> String {
    let total = m.statements.len();
    match history::read(client) {
        Ok(rows) => match rows.iter().find(|r| r.version == m.version()) {
            Some(r) => format!(
                "{} stopped with {} of {total} statements done, as recorded in {}",
                m.label(),
                r.statements_done,
                history::HISTORY_TABLE
            ),
            None => format!(
                "nothing of {} was applied (it runs in one transaction, which was rolled back)",
                m.label()
            ),
        },
        Err(e) => format!(
            "{} stopped; could not read {} to say where ({e:#})",
            m.label(),
            history::HISTORY_TABLE
        ),
    }
}

fn outcome(m: &Migration, ran: usize, started: Instant, result: &str) -> Outcome {
    Outcome {
        version: m.version(),
        name: m.file.name.clone(),
        file: m.file.path.display().to_string(),
        mode: None,
        resumed_after: None,
        statements_run: ran,
        statements_total: m.statements.len(),
        millis: started.elapsed().as_millis(),
        result: result.to_string(),
        statements: Vec::new(),
        error: None,
    }
}

/// A migration still to run, with its partial history row when an earlier apply died in it.
pub struct Pending<'a> {
    pub file: &'a Migration,
    pub row: Option<&'a HistoryRow>,
}

/// Refuse when an applied (or partly applied) migration's file was edited or removed, or
/// when its history row does not fit the file (a count of statements outside the file's, an
/// unknown status): resuming would skip or repeat statements, or index past the file.
fn check_history(line: &Line, files: &[Migration], rows: &[HistoryRow]) -> Result<()> {
    let mut problems = Vec::new();
    let mut misfits = Vec::new();
    for row in rows {
        match files.iter().find(|f| f.version() == row.version) {
            None => problems.push(format!(
                "V{}__{} is recorded as {} in bmdb_schema_history but its file is missing from {}/",
                row.version,
                row.name,
                row.status,
                line.name()
            )),
            Some(f) if f.file.checksum != row.checksum => problems.push(format!(
                "{} was edited after it was applied: file checksum {} , applied checksum {}",
                f.file.path.display(),
                f.file.checksum,
                row.checksum
            )),
            Some(f) => misfits.extend(row_misfit(row, f)),
        }
    }
    if !problems.is_empty() {
        bail!(
            "applied migrations do not match the files:\n  {}\nhelp: migrations are append-only; restore the \
             original files (git checkout) and put new changes in a new migration",
            problems.join("\n  ")
        );
    }
    if !misfits.is_empty() {
        bail!(
            "{} does not fit the migration files:\n  {}\nhelp: the row was edited by hand or written by \
             another tool (or by a bmdb that cut the file into statements differently); check the database \
             against the file and correct the row (UPDATE {} SET statements_total = ..., statements_done = ... \
             WHERE version = ...) before running apply again",
            history::HISTORY_TABLE,
            misfits.join("\n  "),
            history::HISTORY_TABLE
        );
    }
    Ok(())
}

/// What is wrong with a history row whose checksum matches its file, if anything.
fn row_misfit(row: &HistoryRow, f: &Migration) -> Option<String> {
    let total = f.statements.len() as i64;
    let label = f.label();
    let known = [history::RUNNING, history::APPLIED, history::BASELINE];
    if !known.contains(&row.status.as_str()) {
        return Some(format!(
            "{label}: status {:?} is not one bmdb writes ({})",
            row.status,
            known.join(", ")
        ));
    }
    if row.statements_total != total {
        return Some(format!(
            "{label}: the row counts {} statements but {} holds {total}",
            row.statements_total,
            f.file.path.display()
        ));
    }
    if !(0..=total).contains(&row.statements_done) {
        return Some(format!(
            "{label}: the row says {} statements are done, outside 0..={total}",
            row.statements_done
        ));
    }
    if row.is_complete() && row.statements_done != total {
        return Some(format!(
            "{label}: recorded as {} with only {} of {total} statements done",
            row.status, row.statements_done
        ));
    }
    match row.in_doubt {
        Some(n)
            if row.is_complete() || !(1..=total).contains(&n) || n != row.statements_done + 1 =>
        {
            Some(format!(
                "{label}: statement {n} is recorded as in doubt, but {} of {total} are done ({})",
                row.statements_done, row.status
            ))
        }
        _ => None,
    }
}

fn pending_work<'a>(
    line: &Line,
    files: &'a [Migration],
    rows: &'a [HistoryRow],
    target: Option<i64>,
    baseline: Option<i64>,
) -> Result<Vec<Pending<'a>>> {
    let limit = target.or(baseline);
    if let Some(v) = limit {
        if !files.iter().any(|f| f.version() == v) {
            let flag = if target.is_some() {
                "--target"
            } else {
                "--baseline"
            };
            bail!(
                "{flag} {v}: there is no migration V{v} in {}/ (versions: {})",
                line.name(),
                files
                    .iter()
                    .map(|f| format!("V{}", f.version()))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    let last_applied = rows
        .iter()
        .filter(|r| r.is_complete())
        .map(|r| r.version)
        .max();
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| limit.is_none_or(|v| f.version() <= v))
    {
        let row = rows.iter().find(|r| r.version == f.version());
        match row {
            Some(r) if r.is_complete() => continue,
            Some(r) if baseline.is_some() => bail!(
                "--baseline: V{} is partly applied ({} of {} statements); finish it with apply first",
                r.version,
                r.statements_done,
                r.statements_total
            ),
            _ => {}
        }
        if let (None, Some(last)) = (row, last_applied) {
            if f.version() < last && baseline.is_none() {
                bail!(
                    "{} is pending but V{last} is already applied: migrations run in version order; \
                     give the new migration a version above V{last}",
                    f.file.path.display()
                );
            }
        }
        out.push(Pending { file: f, row });
    }
    Ok(out)
}

fn refuse_destructive(pending: &[Pending<'_>]) -> Result<()> {
    let found: Vec<String> = pending
        .iter()
        .flat_map(|p| {
            p.file
                .destructive
                .iter()
                .map(move |d| format!("{}: {d}", p.file.label()))
        })
        .collect();
    if !found.is_empty() {
        bail!(
            "pending migrations hold destructive steps:\n  {}\nhelp: review them, then run apply with --allow-destructive",
            found.join("\n  ")
        );
    }
    Ok(())
}

/// What would run: printed as SQL (not with `--format json`), and returned.
fn dry_run(db: &Connection, pending: &[Pending<'_>], args: &ApplyArgs) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    // the JSON document is the caller's: print nothing here
    let println = |text: &str| {
        if !args.json {
            println!("{text}");
        }
    };
    if pending.is_empty() {
        println(&format!(
            "-- {}: nothing to apply",
            comment_text(&db.url.redacted())
        ));
    }
    for p in pending {
        let m = p.file;
        let from = p.row.map(|r| r.statements_done as usize).unwrap_or(0);
        let total = m.statements.len();
        if args.baseline.is_some() {
            println(&format!(
                "-- {}: would be recorded as applied (baseline), nothing run",
                comment_text(&m.label())
            ));
            outcomes.push(outcome(m, 0, Instant::now(), "would baseline"));
            continue;
        }
        let mode = exec::mode_for(db.dialect, m);
        let how = match mode {
            exec::Mode::OneTransaction => "in one transaction",
            exec::Mode::PerStatement => "statement by statement",
        };
        println(&format!(
            "-- {} ({} statements, {how})",
            comment_text(&m.label()),
            total
        ));
        if from > 0 {
            println(&format!(
                "-- resuming after statement {from} (an earlier apply stopped there)"
            ));
        }
        for d in &m.destructive {
            let need = if args.allow_destructive {
                ""
            } else {
                " (needs --allow-destructive)"
            };
            println(&format!("-- destructive: {}{need}", comment_text(d)));
        }
        for (i, st) in m.statements.iter().enumerate().skip(from) {
            // the id is looked up when the migration runs (an earlier one may create it)
            for d in m.schedule_ids.iter().filter(|d| d.statement == i) {
                println(&format!(
                    "-- {} '{}': :schedule_id is looked up when the migration runs",
                    crate::sql::SCHEDULE_ID_DIRECTIVE,
                    comment_text(&d.label.replace('\'', "''"))
                ));
            }
            println(&format!("{};", crate::sql::redact_secrets(&st.sql)));
        }
        println("");
        let result = if from > 0 {
            "would resume"
        } else {
            "would apply"
        };
        let mut o = outcome(m, total - from, Instant::now(), result);
        o.millis = 0;
        o.mode = Some(mode.as_str());
        o.resumed_after = p.row.map(|r| r.statements_done);
        o.statements = (from..total)
            .map(|i| exec::StatementRun::new(m, i, "would_run"))
            .collect();
        outcomes.push(o);
    }
    outcomes
}

/// Read `dialect:` from `<project>/regions.yaml` (default cockroach), for callers that have
/// not loaded the model.
pub fn project_dialect(project_dir: &Path) -> Result<Dialect> {
    let path = project_dir.join("regions.yaml");
    if !path.exists() {
        return Ok(Dialect::default());
    }
    // The loader's reader, so the same size, depth and alias limits hold here.
    let mut diags = Vec::new();
    let root = crate::model::load::read_yaml(project_dir, Path::new("regions.yaml"), &mut diags);
    if let Some(d) = diags.first() {
        bail!("{d}");
    }
    let value = root
        .as_ref()
        .and_then(|r| r.as_map())
        .and_then(|m| m.iter().find(|(k, _)| k.name == "dialect"))
        .map(|(_, v)| v);
    match value.map(|v| (v.as_scalar(), v.pos)) {
        None => Ok(Dialect::default()),
        Some((Some("cockroach"), _)) => Ok(Dialect::Cockroach),
        Some((Some("postgres"), _)) => Ok(Dialect::Postgres),
        Some((_, pos)) => bail!(
            "regions.yaml:{}:{}: error[invalid-value]: \"dialect\" must be cockroach or postgres",
            pos.line,
            pos.col
        ),
    }
}
