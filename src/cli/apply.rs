//! `bmdb apply` and `bmdb status`: the model must be fully written as migrations before
//! anything is sent; the engine lives in `crate::apply`.

use super::Cli;
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
    let conn = super::connect_for(cli, &cmd.conn)?;
    let cmd = &ApplyCmd {
        conn,
        args: cmd.args.clone(),
    };
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
        apply::run_apply(&line, &cmd.conn, &cmd.args)?;
        return Ok(ExitCode::SUCCESS);
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
    let report = apply::run_apply(&project.line, &cmd.conn, &cmd.args)?;
    // The history says what ran; the catalog says what is there. They must agree with the
    // model once every migration is in (not after --dry-run, a --target short of the end, or
    // a --baseline, checked above).
    let reached_end = cmd.args.target.is_none_or(|t| Some(t) >= last);
    if !report.dry_run && reached_end && cmd.args.baseline.is_none() {
        verify("after applying, the live schema")?;
        if !cmd.args.quiet {
            eprintln!("verified: the live schema matches the model");
        }
    }
    if let (Some(v), false) = (cmd.args.baseline, report.dry_run) {
        if Some(v) == last && !cmd.args.quiet {
            eprintln!("verified: the live schema matches the model");
        }
    }
    Ok(ExitCode::SUCCESS)
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
    let report = apply::run_status(&line, &conn, &cmd.args)?;
    match cmd.args.format {
        apply::status::StatusFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        apply::status::StatusFormat::Table => println!("{}", report.to_table()),
    }
    Ok(ExitCode::from(
        report.exit_code(cmd.args.detailed_exitcode) as u8
    ))
}
