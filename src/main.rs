//! bmdb binary: parse, call the library, map the outcome to an exit code.
//! (Minimal wiring of `apply` and `status`; the lead owns the full CLI.)

use bmdb::apply::{self, ApplyArgs, StatusArgs};
use bmdb::db::ConnectOpts;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "bmdb", version, about = "Schema-as-code for CockroachDB")]
struct Cli {
    /// The project directory.
    #[arg(long, global = true, default_value = ".")]
    project: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations to the database.
    Apply {
        #[command(flatten)]
        conn: ConnectOpts,
        #[command(flatten)]
        args: ApplyArgs,
    },
    /// Show each migration as applied / pending / partly applied / edited / missing.
    Status {
        #[command(flatten)]
        conn: ConnectOpts,
        #[command(flatten)]
        args: StatusArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Apply { conn, args } => apply::project_dialect(&cli.project)
            .and_then(|dialect| apply::run_apply(&cli.project, dialect, conn, args))
            .map(|_| 0),
        Command::Status { conn, args } => {
            apply::run_status(&cli.project, conn, args).and_then(|report| {
                match args.format {
                    apply::status::StatusFormat::Json => {
                        println!("{}", serde_json::to_string_pretty(&report)?)
                    }
                    apply::status::StatusFormat::Table => println!("{}", report.to_table()),
                }
                Ok(report.exit_code(args.detailed_exitcode))
            })
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
