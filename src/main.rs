use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Like every Unix filter: a closed pipe (`bmdb plan | head`) ends the process quietly.
    // SAFETY: setting a signal disposition at startup, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match bmdb::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; a usage error exits 1, never 2, which
            // means "changes or drift found" to a CI gate. The text echoes the arguments,
            // so anything URL-shaped in it is redacted.
            let text = bmdb::db::redact_text(&e.render().to_string());
            return if e.use_stderr() {
                eprint!("{text}");
                ExitCode::FAILURE
            } else {
                print!("{text}");
                ExitCode::SUCCESS
            };
        }
    };
    match bmdb::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if let Some(diags) = err.downcast_ref::<bmdb::model::Diagnostics>() {
                anstream::eprintln!("{}", bmdb::output::paint_diagnostics(&diags.to_string()));
            } else {
                anstream::eprintln!(
                    "{}: {}",
                    bmdb::output::error("error"),
                    bmdb::db::redact_text(&format!("{err:#}"))
                );
            }
            ExitCode::FAILURE
        }
    }
}

// Loading and planning a large model is allocation-bound (many small strings and vectors);
// mimalloc takes a 10,000-table plan well under glibc malloc's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
