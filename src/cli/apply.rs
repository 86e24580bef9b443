//! `bmdb apply` and `bmdb status`: the model must be fully written as migrations before
//! anything is sent; the engine lives in `crate::apply`.

use super::{Cli, Format};
use crate::apply::{self, ApplyArgs, StatusArgs};
use crate::db::ConnectOpts;
use crate::migrations::Line;
use crate::project::Project;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ApplyCmd {
    #[command(flatten)]
    pub conn: ConnectOpts,
    #[command(flatten)]
    pub args: ApplyArgs,
}

#[derive(Args, Debug)]
pub struct StatusCmd {
    #[command(flatten)]
    pub conn: ConnectOpts,
    #[command(flatten)]
    pub args: StatusArgs,
}

pub fn run_apply(cli: &Cli, cmd: &ApplyCmd) -> anyhow::Result<ExitCode> {
    let json = cli.format == Format::Json;
    let args = ApplyArgs {
        quiet: cli.quiet,
        verbose: cli.verbose,
        json,
        ..cmd.args.clone()
    };
    // With --format json stdout holds one document: what ran, and the error if it failed
    // (from the first check on, so every failure of apply has the same document).
    let mut verified = None;
    let (report, result) = match super::connect_for(cli, &cmd.conn) {
        Ok(conn) => apply_checked(
            cli,
            &ApplyCmd {
                conn,
                args: args.clone(),
            },
            &mut verified,
        ),
        Err(e) => (None, Err(e)),
    };
    if json {
        let doc = apply_document(&args, &report, verified, result.as_ref().err());
        super::print_document("apply", doc);
        if result.is_err() {
            super::json_error_printed();
        }
    }
    result.map(|()| ExitCode::SUCCESS)
}

/// The apply document (docs/json.md): what ran, per migration and per statement, with
/// times; the outcome; on failure the error document's fields.
fn apply_document(
    args: &ApplyArgs,
    report: &Option<apply::ApplyReport>,
    verified: Option<bool>,
    error: Option<&anyhow::Error>,
) -> serde_json::Value {
    let migrations: Vec<serde_json::Value> = report
        .iter()
        .flat_map(|r| &r.migrations)
        .map(|o| {
            serde_json::json!({
                "version": o.version,
                "name": o.name,
                "file": o.file,
                "mode": o.mode,
                "result": o.result.replace(", ", "_").replace(' ', "_"),
                "resumed_after": o.resumed_after,
                "statements_run": o.statements_run,
                "statements_total": o.statements_total,
                "elapsed_ms": if args.dry_run { None } else { Some(o.millis) },
                "error": o.error,
                "statements": o.statements,
            })
        })
        .collect();
    let interrupted = report
        .iter()
        .flat_map(|r| &r.migrations)
        .any(|o| o.result == "interrupted");
    let result = match (error, report) {
        (Some(_), _) if interrupted => "interrupted",
        (Some(_), _) => "failed",
        (None, _) if args.dry_run => "dry_run",
        (None, Some(r)) if r.migrations.is_empty() => "nothing_to_apply",
        (None, Some(r)) if r.baseline => "baselined",
        _ => "applied",
    };
    let mut doc = serde_json::json!({
        "version": crate::JSON_VERSION,
        "command": "apply",
        "database": report.as_ref().and_then(|r| r.database.clone()),
        "dry_run": args.dry_run,
        "result": result,
        "elapsed_ms": report.as_ref().map(|r| r.elapsed_ms),
        "migrations": migrations,
        "verified": verified,
        "error": null,
    });
    if let Some(e) = error {
        let err = super::error_document("apply", e);
        if let serde_json::Value::Object(fields) = err {
            for (k, v) in fields {
                if k != "version" && k != "command" {
                    doc[k] = v;
                }
            }
        }
    }
    doc
}

/// Apply with the model's checks; the report of what ran (None when apply never started)
/// and the outcome. `verified` is set once the live schema was compared with the model.
fn apply_checked(
    cli: &Cli,
    cmd: &ApplyCmd,
    verified: &mut Option<bool>,
) -> (Option<apply::ApplyReport>, anyhow::Result<()>) {
    let mut report = None;
    let result = apply_with_checks(cli, cmd, verified, &mut report);
    (report, result)
}

fn apply_with_checks(
    cli: &Cli,
    cmd: &ApplyCmd,
    verified: &mut Option<bool>,
    out: &mut Option<apply::ApplyReport>,
) -> anyhow::Result<()> {
    // A folder of hand-written migrations with no model (no schema/) is run as a plain
    // migration runner; a project with a model gets the model checks.
    if !cli.project.join("schema").is_dir() {
        if !cmd.args.quiet {
            eprintln!(
                "note: {} has no schema/ folder: applying its migrations without model checks",
                cli.project.display()
            );
        }
        let line = Line::single(&cli.project, apply::project_dialect(&cli.project)?);
        let (report, result) = apply::run_apply_reporting(&line, &cmd.conn, &cmd.args);
        *out = Some(report);
        return result;
    }
    let project = Project::open(&cli.project, cli.env.as_deref())?;
    refuse_unwritten_changes(&project)?;
    let last = project.files.last().map(|f| i64::from(f.version));
    let secret = cmd.conn.resolve().ok().and_then(|u| u.password());
    let verify = |lead: &str| -> anyhow::Result<()> {
        let mut conn = cmd.conn.connect()?;
        crate::catalog::verify_live_as(&mut conn, &project.desired, lead)
            .map_err(|e| crate::db::scrub_error(e, secret.as_deref()))
    };
    // --baseline records migrations as applied without running them: the schema must
    // already be what they build, and that is checked before anything is recorded. The lock
    // holds the model as of the last migration only, so a baseline below it cannot be
    // checked against the model as of its version: it is recorded unverified (said so), and
    // the apply that runs the rest verifies the whole.
    if let Some(v) = cmd.args.baseline {
        if Some(v) == last {
            verify(&format!(
                "--baseline {v} records every migration as applied without running them, but the live schema"
            ))
            .map_err(|e| {
                e.context(format!(
                    "--baseline {v}: nothing was recorded; bring the schema to the model first, or baseline \
                     at the version the schema is at"
                ))
            })?;
        } else if project.files.iter().any(|f| i64::from(f.version) == v) {
            eprintln!(
                "note: --baseline {v} is below the last migration (V{}): bmdb cannot derive the model as of \
                 V{v}, so the live schema is not verified now; the apply that runs the rest verifies it \
                 against the whole model",
                last.unwrap_or_default()
            );
        }
    }
    let (report, result) = apply::run_apply_reporting(&project.line, &cmd.conn, &cmd.args);
    let report = out.insert(report);
    result?;
    // The history says what ran; the catalog says what is there. They must agree with the
    // model once every migration is in (not after --dry-run, a --target short of the end, or
    // a --baseline, checked above).
    let reached_end = cmd.args.target.is_none_or(|t| Some(t) >= last);
    if !report.dry_run && reached_end && cmd.args.baseline.is_none() {
        *verified = Some(false);
        verify("after applying, the live schema")?;
        *verified = Some(true);
        if !cmd.args.quiet {
            eprintln!("verified: the live schema matches the model");
        }
    }
    if let (Some(v), false) = (cmd.args.baseline, report.dry_run) {
        if Some(v) == last {
            *verified = Some(true);
            if !cmd.args.quiet {
                eprintln!("verified: the live schema matches the model");
            }
        }
    }
    Ok(())
}

/// Applying migrations that do not reach the model would leave the database short of what the
/// YAML says, and the next `plan --write` would then describe a state the database never had.
fn refuse_unwritten_changes(project: &Project) -> anyhow::Result<()> {
    let plan = project.plan_from(&project.migrated_state())?;
    if plan.is_empty() {
        return Ok(());
    }
    let objects: Vec<String> = plan
        .steps
        .iter()
        .take(5)
        .map(|s| format!("{} {}", s.change.kind(), s.change.object()))
        .collect();
    let more = plan.steps.len().saturating_sub(objects.len());
    anyhow::bail!(
        "the model has {} change{} not yet written as a migration ({}{})\n  help: run `bmdb plan` to review and `bmdb plan --write NAME` to write them, then apply",
        plan.steps.len(),
        if plan.steps.len() == 1 { "" } else { "s" },
        objects.join(", "),
        if more > 0 { format!(", and {more} more") } else { String::new() }
    )
}

pub fn run_status(cli: &Cli, cmd: &StatusCmd) -> anyhow::Result<ExitCode> {
    // status reads the files and the history only: the line's folder, whatever the dialect
    let line = super::line_for(cli)?;
    // The folder's disagreements with its lock, in the words plan, apply and drift use.
    if let Ok(lock) = crate::migrations::read_lock(&line) {
        let found = crate::migrations::compare_with_lock(&line, lock.as_ref());
        for m in found.map(|(_, m)| m).unwrap_or_default() {
            anstream::eprintln!(
                "{} {}",
                crate::output::warning("warning:"),
                m.message(&line)
            );
        }
    }
    let conn = super::connect_for(cli, &cmd.conn)?;
    let args = StatusArgs {
        format: match cli.format {
            Format::Json => apply::status::StatusFormat::Json,
            Format::Table => apply::status::StatusFormat::Table,
        },
        ..cmd.args.clone()
    };
    let report = apply::run_status(&line, &conn, &args)?;
    match args.format {
        apply::status::StatusFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        apply::status::StatusFormat::Table => println!("{}", report.to_table()),
    }
    Ok(ExitCode::from(
        report.exit_code(cmd.args.detailed_exitcode) as u8
    ))
}
