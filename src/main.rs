use std::process::ExitCode;

fn main() -> ExitCode {
    // First of all: a panic prints where, never its message (it may hold a password).
    install_panic_hook();
    #[cfg(debug_assertions)]
    if let Some(payload) = std::env::var_os("BMDB_DEBUG_PANIC") {
        // Debug builds only: lets the tests provoke a panic carrying a secret.
        panic!("debug panic with payload {}", payload.to_string_lossy());
    }
    // Like every Unix filter: a closed pipe (`bmdb plan | head`) ends the process quietly.
    // SAFETY: setting a signal disposition at startup, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match bmdb::cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; a usage error exits 1, never 2, which
            // means "changes or drift found" to a CI gate. The text echoes the arguments,
            // so it was rendered from redacted arguments, and is redacted again.
            return if e.use_stderr() {
                let text = bmdb::db::redact_text(&e.render().to_string());
                // --format json asked for: the error document on stdout too
                if bmdb::cli::json_requested(&std::env::args_os().collect::<Vec<_>>()) {
                    println!("{}", bmdb::cli::usage_error_document(&text));
                }
                eprint!("{text}");
                ExitCode::FAILURE
            } else {
                // --help, --version: bmdb's own text, nothing of the user's
                print!("{}", e.render());
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

/// A panic ends the process with exit 101 and a short message naming where it happened; its
/// payload is never printed (it may quote a URL or a server's row). BMDB_BACKTRACE=1 adds
/// the backtrace (frames only: no values).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".to_string());
        eprintln!(
            "bmdb: internal error at {place}; please report it (run with BMDB_BACKTRACE=1 to add a backtrace to the report)"
        );
        if std::env::var_os("BMDB_BACKTRACE").is_some_and(|v| v == "1") {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
        std::process::exit(101);
    }));
}

// Loading and planning a large model is allocation-bound (many small strings and vectors);
// mimalloc takes a 10,000-table plan well under glibc malloc's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
