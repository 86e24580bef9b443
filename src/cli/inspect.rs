//! `bmdb inspect --url --out DIR`: adopt an existing database by writing its model and the
//! baseline migration that builds it, so the database is one `apply --baseline 1` away from
//! being managed.

use super::{Cli, Format};
use crate::catalog::{read_catalog, write_yaml};
use crate::db::{scrub_error, ConnectOpts};
use crate::project::Project;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The name of the migration `inspect` writes: `V1__baseline.sql`.
const BASELINE_NAME: &str = "baseline";

#[derive(Args, Debug)]
pub struct InspectArgs {
    #[command(flatten)]
    pub connect: ConnectOpts,
    /// Directory to write regions.yaml, schema/ and the baseline migration
    /// (migrations/V1__baseline.sql and its lock) into (default: --project). Must not already
    /// hold a project.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// An object to leave alone on purpose, named as the "not modelled" warnings name it
    /// (`--ignore "view v" --ignore "table legacy"`); written to regions.yaml's `ignore:` so
    /// that drift and `plan --url` leave it alone too.
    #[arg(long, value_name = "OBJECT")]
    pub ignore: Vec<String>,
}

pub fn run(cli: &Cli, args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let out = args.out.clone().unwrap_or_else(|| cli.project.clone());
    let secret = args.connect.resolve().ok().and_then(|u| u.password());
    let inner = || -> anyhow::Result<ExitCode> {
        let mut conn = args.connect.connect()?;
        let (mut model, mut stats) = read_catalog(&mut conn)?;
        model.database.ignore = args.ignore.clone();
        crate::catalog::drop_ignored(&mut model, &mut stats, &args.ignore);
        let mut files = write_yaml::write_project(&out, &model)?;
        // The model is on disk; the baseline is planned from it as `plan --write` would. If
        // that fails, what this run wrote is taken back: nothing is left half-adopted.
        let baseline = write_baseline(&out).inspect_err(|_| remove_written(&out))?;
        for s in &stats.skipped {
            eprintln!("warning: not modelled: {s}");
        }
        files.extend(baseline.iter().cloned());
        if cli.format == Format::Json {
            println!(
                "{}",
                super::to_json(&serde_json::json!({
                    "version": crate::JSON_VERSION,
                    "out": out.display().to_string(),
                    "written": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                    "tables": model.tables.len(),
                    "dialect": model.database.dialect.as_str(),
                    "catalog_queries": stats.queries,
                    "baseline": baseline.first().map(|m| m.display().to_string()),
                    "not_modelled": stats.skipped,
                }))
            );
            return Ok(ExitCode::SUCCESS);
        }
        println!(
            "Wrote {} file{} to {} ({} tables, dialect {}, catalog read in {} queries).",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            out.display(),
            model.tables.len(),
            model.database.dialect.as_str(),
            stats.queries
        );
        match baseline.first() {
            Some(migration) => println!(
                "Baseline: {} builds this schema. Next: `bmdb --project {} apply --url ... --baseline 1` \
                 checks that the database matches the model and records the baseline as applied \
                 (nothing is run); from then on `bmdb plan --write NAME` and `bmdb apply` manage it.",
                migration.display(),
                out.display()
            ),
            None => println!(
                "No baseline migration: the database holds nothing to model. Next: describe tables \
                 under {}/schema/ and `bmdb plan --write NAME`.",
                out.display()
            ),
        }
        Ok(ExitCode::SUCCESS)
    };
    inner().map_err(|e| scrub_error(e, secret.as_deref()))
}

/// Plan the written project from nothing and write that plan as its first migration and
/// lock. Returns the migration and the lock, or nothing when there is nothing to build.
fn write_baseline(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let project = Project::open(dir, None)?;
    let current = project.migrated_state();
    let plan = project.plan_from(&current)?;
    if plan.is_empty() {
        return Ok(Vec::new());
    }
    let rendered = project.render(&current, &plan)?;
    let migration = project.write_next(BASELINE_NAME, &plan, &rendered)?;
    Ok(vec![migration, project.line.lock_path()])
}

/// Take back what `write_project` and `write_baseline` wrote into `dir` (they refuse a
/// directory that held any of these, so each is this run's own).
fn remove_written(dir: &Path) {
    let _ = std::fs::remove_file(dir.join("regions.yaml"));
    let _ = std::fs::remove_dir_all(dir.join("schema"));
    let _ = std::fs::remove_dir_all(dir.join(crate::migrations::DIR));
}
