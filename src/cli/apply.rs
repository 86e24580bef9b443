//! `bmdb apply` and `bmdb status`: the model must be fully written as migrations before
//! anything is sent; the engine lives in `crate::apply`.

use super::Cli;
use crate::apply::{self, ApplyArgs, StatusArgs};
use crate::db::ConnectOpts;
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
    // A folder of hand-written migrations with no model (no schema/) is run as a plain
    // migration runner; a project with a model gets the model checks.
    if !cli.project.join("schema").is_dir() {
        if !cmd.args.quiet {
            eprintln!(
                "note: {} has no schema/ folder: applying its migrations without model checks",
                cli.project.display()
            );
        }
        let dialect = apply::project_dialect(&cli.project)?;
        apply::run_apply(&cli.project, dialect, &cmd.conn, &cmd.args)?;
        return Ok(ExitCode::SUCCESS);
    }
    let project = Project::open(&cli.project)?;
    refuse_unwritten_changes(&project)?;
    let report = apply::run_apply(
        &cli.project,
        project.desired.database.dialect,
        &cmd.conn,
        &cmd.args,
    )?;
    // The history says what ran; the catalog says what is there. They must agree with the
    // model once every migration is in (not after --dry-run or a --target short of the end).
    let last = project.files.last().map(|f| i64::from(f.version));
    let reached_end = cmd.args.target.is_none_or(|t| Some(t) >= last);
    if !report.dry_run && reached_end {
        let secret = cmd.conn.resolve().ok().and_then(|u| u.password());
        let verify = || -> anyhow::Result<()> {
            let mut conn = cmd.conn.connect()?;
            crate::catalog::verify_live(&mut conn, &project.desired)
        };
        verify().map_err(|e| crate::db::scrub_error(e, secret.as_deref()))?;
        if !cmd.args.quiet {
            eprintln!("verified: the live schema matches the model");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Applying migrations that do not reach the model would leave the database short of what the
/// YAML says, and the next `plan --write` would then describe a state the database never had.
pub fn refuse_unwritten_changes(project: &Project) -> anyhow::Result<()> {
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
    let report = apply::run_status(&cli.project, &cmd.conn, &cmd.args)?;
    match cmd.args.format {
        apply::status::StatusFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        apply::status::StatusFormat::Table => println!("{}", report.to_table()),
    }
    Ok(ExitCode::from(
        report.exit_code(cmd.args.detailed_exitcode) as u8
    ))
}
