//! `bmdb drift`: the CI gate. Exit 0 clean, 2 drift, 1 error (see the drift module).

use super::{Cli, Format};
use crate::db::{scrub_error, ConnectOpts};
use crate::drift::run_drift;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct DriftArgs {
    #[command(flatten)]
    pub connect: ConnectOpts,
}

pub fn run(cli: &Cli, args: &DriftArgs) -> anyhow::Result<ExitCode> {
    let connect = super::connect_for(cli, &args.connect)?;
    let secret = connect.resolve().ok().and_then(|u| u.password());
    let report = run_drift(&cli.project, cli.env.as_deref(), &connect)
        .map_err(|e| scrub_error(e, secret.as_deref()))?;
    match cli.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
        Format::Table => crate::output::print_stdout(&report.to_table(cli.verbose)),
    }
    Ok(if report.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
