//! `bmdb inspect --url --out DIR`: adopt an existing database by writing its model.

use super::Cli;
use crate::catalog::{read_catalog, write_yaml};
use crate::db::{scrub_error, ConnectOpts};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct InspectArgs {
    #[command(flatten)]
    pub connect: ConnectOpts,
    /// Directory to write regions.yaml and schema/ into (default: --project). Must not
    /// already hold a project.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let out = args.out.clone().unwrap_or_else(|| cli.project.clone());
    let secret = args.connect.resolve().ok().and_then(|u| u.password());
    let inner = || -> anyhow::Result<ExitCode> {
        let mut conn = args.connect.connect()?;
        let (model, stats) = read_catalog(&mut conn)?;
        let files = write_yaml::write_project(&out, &model)?;
        for s in &stats.skipped {
            eprintln!("warning: not modelled: {s}");
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
        println!(
            "Next: `bmdb --project {} plan --url ...` should report no changes; \
             `bmdb plan --write init` then writes the baseline migration.",
            out.display()
        );
        Ok(ExitCode::SUCCESS)
    };
    inner().map_err(|e| scrub_error(e, secret.as_deref()))
}
