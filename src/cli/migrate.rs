//! `bmdb migrate new|hash|rm`: hand-written migrations beside the generated ones. `new` writes
//! the next, empty migration and records it in the lock without changing the lock's model
//! state; `hash` re-records the checksums of files edited on purpose, refusing one that the
//! history at `--url` says already ran; `rm` takes the latest migration back, lock state and
//! all.

use super::{Cli, Format};
use crate::apply::history;
use crate::db::{scrub_error, ConnectOpts};
use crate::migrations::{self, LockMismatch};
use crate::project::Project;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum MigrateCmd {
    /// Create the next, empty, hand-written migration migrations/V<n>__NAME.sql and record it
    /// in the lock (the lock's model state is unchanged).
    New(NewArgs),
    /// Re-record the checksums of migrations edited on purpose; with --url, refuse one the
    /// database's history says already ran.
    Hash(HashArgs),
    /// Remove the latest migration (V must be it) and restore the lock's model state from
    /// before it; a database that already applied it will show drift.
    Rm(RmArgs),
}

#[derive(Args, Debug)]
pub struct RmArgs {
    /// The migration to remove: the latest (V4 or 4); default the latest.
    #[arg(value_parser = migrations::parse_version_flag)]
    pub version: Option<i64>,
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The migration's name: lower-case letters, digits and `_` (`backfill_email`).
    pub name: String,
}

#[derive(Args, Debug)]
#[command(mut_arg("url", |a| a.help("The database whose history must not have run an edited migration (a migration that ran is never re-hashed); without it, the lock alone is rewritten")))]
pub struct HashArgs {
    #[command(flatten)]
    pub connect: ConnectOpts,
}

pub fn run(cli: &Cli, cmd: &MigrateCmd) -> Result<ExitCode> {
    match cmd {
        MigrateCmd::New(args) => new(cli, args),
        MigrateCmd::Hash(args) => hash(cli, args),
        MigrateCmd::Rm(args) => rm(cli, args),
    }
}

fn rm(cli: &Cli, args: &RmArgs) -> Result<ExitCode> {
    let project = Project::open(&cli.project, cli.env.as_deref())?;
    let line = &project.line;
    let Some(lock) = project.lock.as_ref().filter(|l| !l.migrations.is_empty()) else {
        bail!(
            "{} records no migration: nothing to remove",
            line.lock_name()
        );
    };
    let latest = lock.migrations.last().map(|m| m.version).unwrap_or(0);
    let version = match args.version {
        None => latest,
        Some(v) => u32::try_from(v).unwrap_or(u32::MAX),
    };
    let path = migrations::remove_latest(line, lock, &project.files, version)?;
    if cli.format == Format::Json {
        println!(
            "{}",
            super::to_json(&serde_json::json!({
                "version": crate::JSON_VERSION,
                "removed": path.display().to_string(),
                "lock": line.lock_path().display().to_string(),
            }))
        );
    } else {
        println!(
            "Removed {} and restored {} to the model state from before it",
            path.display(),
            line.lock_name()
        );
    }
    eprintln!(
        "warning: a database that already applied V{version} keeps what it did: `bmdb drift` and `bmdb status` will report it there"
    );
    Ok(ExitCode::SUCCESS)
}

fn new(cli: &Cli, args: &NewArgs) -> Result<ExitCode> {
    // the name first, so a bad one changes nothing
    let slug = migrations::slug(&args.name)?;
    let project = Project::open(&cli.project, cli.env.as_deref())?;
    let version = migrations::next_version(&project.files, project.lock.as_ref());
    let name = migrations::file_name(version, &slug);
    let text =
        migrations::hand_written_template(name.trim_end_matches(".sql"), project.line.dialect);
    let state = project.migrated_state().into_owned();
    let path = migrations::write(&project.line, project.lock.as_ref(), &slug, &text, &state)?;
    if cli.format == Format::Json {
        println!(
            "{}",
            super::to_json(&serde_json::json!({
                "version": crate::JSON_VERSION,
                "written": path.display().to_string(),
                "lock": project.line.lock_path().display().to_string(),
            }))
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Wrote {} (hand-written; the lock's model state is unchanged)",
        path.display()
    );
    if !cli.quiet {
        println!("  next: write its statements, run `bmdb migrate hash`, then `bmdb apply`");
    }
    Ok(ExitCode::SUCCESS)
}

fn hash(cli: &Cli, args: &HashArgs) -> Result<ExitCode> {
    let (project, mismatches) = Project::open_with_mismatches(&cli.project, cli.env.as_deref())?;
    let line = &project.line;
    // Only edits are re-hashed: a missing or stray file is another problem with its own help.
    let others: Vec<&LockMismatch> = mismatches
        .iter()
        .filter(|m| !matches!(m, LockMismatch::Edited { .. }))
        .collect();
    if !others.is_empty() {
        let text: Vec<String> = others.iter().map(|m| m.message(line)).collect();
        bail!(
            "the migrations folder does not match its lock:\n{}\n(`bmdb migrate hash` re-records edited files only)",
            text.join("\n")
        );
    }
    let edited: Vec<(&migrations::LockedMigration, &migrations::MigrationFile)> = mismatches
        .iter()
        .filter_map(|m| match m {
            LockMismatch::Edited { locked, file } => Some((locked, file)),
            _ => None,
        })
        .collect();
    let json = cli.format == Format::Json;
    let document = |rehashed: Vec<serde_json::Value>| {
        super::to_json(&serde_json::json!({
            "version": crate::JSON_VERSION,
            "rehashed": rehashed,
            "history_checked": args.connect.url.is_some(),
        }))
    };
    if edited.is_empty() {
        if json {
            println!("{}", document(Vec::new()));
            return Ok(ExitCode::SUCCESS);
        }
        println!(
            "Every migration matches {}: nothing to re-hash",
            line.lock_name()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.connect.url.is_some() {
        let secret = args.connect.resolve().ok().and_then(|u| u.password());
        let rows = (|| -> Result<_> {
            let mut db = args.connect.connect()?;
            history::read(&mut db.client)
        })()
        .map_err(|e| scrub_error(e, secret.as_deref()))?;
        let ran: Vec<String> = edited
            .iter()
            .filter_map(|(locked, file)| {
                let row = rows.iter().find(|r| r.version == i64::from(locked.version))?;
                Some(format!(
                    "{}/{}: the database's history has it {} with checksum {}; the file's checksum is now {}",
                    line.name(),
                    locked.file_name(),
                    row.status,
                    migrations::short_checksum(&row.checksum),
                    migrations::short_checksum(&file.checksum)
                ))
            })
            .collect();
        if !ran.is_empty() {
            bail!(
                "refusing to re-hash migrations that already ran:\n{}\n  help: restore the file as it ran; put the new statements in a new migration (`bmdb migrate new NAME`)",
                ran.join("\n")
            );
        }
    }
    let lock = project
        .lock
        .clone()
        .expect("an edited file implies a lock that records it");
    let mut locked = lock.migrations;
    for (old, file) in &edited {
        if let Some(m) = locked.iter_mut().find(|m| m.version == old.version) {
            m.checksum = file.checksum.clone();
        }
    }
    migrations::write_lock(line, locked, lock.state)?;
    if json {
        let rehashed = edited
            .iter()
            .map(|(old, file)| {
                serde_json::json!({
                    "file": format!("{}/{}", line.name(), old.file_name()),
                    "from": old.checksum,
                    "to": file.checksum,
                })
            })
            .collect();
        println!("{}", document(rehashed));
        return Ok(ExitCode::SUCCESS);
    }
    for (old, file) in &edited {
        println!(
            "Re-hashed {}/{} ({} -> {})",
            line.name(),
            old.file_name(),
            migrations::short_checksum(&old.checksum),
            migrations::short_checksum(&file.checksum)
        );
    }
    if args.connect.url.is_none() && !cli.quiet {
        println!("  note: without --url nothing checked that no database already ran them");
    }
    Ok(ExitCode::SUCCESS)
}
