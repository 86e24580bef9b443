use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = bmdb::cli::Cli::parse();
    match bmdb::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if let Some(diags) = err.downcast_ref::<bmdb::model::Diagnostics>() {
                eprintln!("{diags}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::FAILURE
        }
    }
}

// Loading and planning a large model is allocation-bound (many small strings and vectors);
// mimalloc takes a 10,000-table plan well under glibc malloc's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
