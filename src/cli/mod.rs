//! cli: every clap type lives here; each command parses, calls the library and returns an
//! exit code. Errors travel up to main.rs, which prints them with their whole context.
//!
//! Stage: the top; may import every other stage (docs/architecture.md).

mod apply;
mod drift;
mod generate;
mod init;
mod inspect;
mod migrate;
mod plan;
mod zones;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "bmdb",
    version,
    about = "Schema-as-code for CockroachDB: model, plan, migrate, gate drift"
)]
pub struct Cli {
    /// The project directory (holds regions.yaml, schema/, migrations/). Not for `init`,
    /// which takes the new project's directory as its argument.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub project: PathBuf,
    /// The environment of regions.yaml's `environments:` to work on: its dialect, its
    /// migrations line and its url_env [default: default_environment:, else the first].
    #[arg(long, global = true, value_name = "NAME")]
    pub env: Option<String>,
    /// When to colour the output (auto: on a terminal, unless NO_COLOR or CLICOLOR=0).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: crate::output::ColorWhen,
    /// Draw tables with ASCII characters (also when not on a UTF-8 terminal).
    #[arg(long, global = true, env = "BMDB_ASCII")]
    pub ascii: bool,
    /// Output format: table for people; json a stable document with a `version` field
    /// (docs/json.md), and a JSON error document when the command fails.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "table",
        value_name = "FORMAT"
    )]
    pub format: Format,
    /// Only warnings, errors and the result: no progress, notes or next steps.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More detail where a command has more to say (apply: every statement's time; drift:
    /// the catalog queries).
    #[arg(long, short, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load and check the model; report every problem at once.
    Validate(ValidateArgs),
    /// Diff the model against the state the migrations produce; print the ordered steps and SQL.
    Plan(plan::PlanArgs),
    /// Apply pending migrations to the database (history, lock, crash-safe resume).
    Apply(apply::ApplyCmd),
    /// Each migration: applied / pending / partly applied / edited / missing.
    Status(apply::StatusCmd),
    /// Zone configurations: show the effective values, set or unset overrides in the model.
    #[command(subcommand)]
    Zones(zones::ZonesCmd),
    /// Scaffold a small project in DIR.
    Init(init::InitArgs),
    /// The CI gate: model vs migrations, migrations vs history, live schema vs model.
    Drift(drift::DriftArgs),
    /// Write a model (regions.yaml and schema/) from a live database.
    Inspect(inspect::InspectArgs),
    /// Hand-written migrations: `migrate new NAME`, `migrate hash`.
    #[command(subcommand)]
    Migrate(migrate::MigrateCmd),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(generate::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --out DIR.
    Man(generate::ManArgs),
}

#[derive(Args, Debug)]
pub struct ValidateArgs {}

/// `--format`, global: every command reads it from [`Cli`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// Parse the process's arguments. A usage error is rendered from the arguments with every
/// URL-shaped one redacted (clap echoes what it did not expect, and an unquoted password
/// with a space splits into words clap reports), so its text never holds a password.
pub fn parse_args() -> Result<Cli, clap::Error> {
    parse_args_from(std::env::args_os().collect())
}

/// [`parse_args`] over given arguments (the program name first).
pub fn parse_args_from(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let err = match Cli::try_parse_from(&args) {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    if !err.use_stderr() {
        return Err(err); // --help, --version: nothing of the user's echoed
    }
    match Cli::try_parse_from(redact_args(&args)) {
        Err(redacted) => Err(redacted),
        // Masking changed what parses: say only that the arguments were refused.
        Ok(_) => Err(clap::Error::raw(
            clap::error::ErrorKind::InvalidValue,
            "the arguments were refused; the error is not shown because it would quote a database URL\n",
        )),
    }
}

/// The arguments with every URL (and the words that follow a `--url` value, up to the next
/// flag) masked, token for token, so clap's error has the same shape without the secrets.
/// An unquoted URL whose password holds a space reaches bmdb as several words, and a word
/// holding `@` before the space (`app:Q@a b@host/db`) makes the first look complete, so
/// every word after a `--url` value is taken as a possible piece of it.
fn redact_args(args: &[std::ffi::OsString]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut url_value_next = false;
    let mut continuing = false;
    for arg in args {
        let text = arg.to_string_lossy().into_owned();
        if continuing && !looks_like_flag(&text) {
            out.push("********".to_string());
            continue;
        }
        continuing = false;
        if url_value_next {
            url_value_next = false;
            continuing = true;
            out.push(mask_url_arg(&text));
            continue;
        }
        if text == "--url" {
            url_value_next = true;
            out.push(text);
            continue;
        }
        if let Some(value) = text.strip_prefix("--url=") {
            continuing = true;
            out.push(format!("--url={}", mask_url_arg(value)));
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if text.contains('@') || text.contains("://") || lower.contains("password") {
            out.push(mask_url_arg(&text));
            continue;
        }
        out.push(text);
    }
    out
}

/// `--name`, `--name=value` or `-x`: a flag, not a piece of a password (a word with `@`,
/// `:` or `/` in what would be its name is one).
fn looks_like_flag(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('-') else {
        return false;
    };
    let name = rest.trim_start_matches('-');
    let name = name.split_once('=').map_or(name, |(n, _)| n);
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A URL-ish argument with its password masked. One with `@` but no scheme is a piece of a
/// URL split at a space: all before its last `@` may be password. One without `@` loses all
/// after its first `:` past the scheme (it may be the start of a password cut at a space).
fn mask_url_arg(text: &str) -> String {
    if !text.contains("://") {
        if let Some(at) = text.rfind('@') {
            return format!("********{}", &text[at..]);
        }
    }
    let redacted = crate::db::redact_text(text);
    if text.contains('@') {
        return redacted;
    }
    let start = redacted.find("://").map_or(0, |i| i + 3);
    match redacted[start..].find(':') {
        Some(colon) => format!("{}********", &redacted[..start + colon + 1]),
        None => redacted,
    }
}

/// Set by a command that printed its own JSON document for a failure (apply: what ran, and
/// the error), so that [`run`] does not print a second one.
static JSON_ERROR_PRINTED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// A command printed the JSON document of its failure itself.
fn json_error_printed() {
    JSON_ERROR_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Run the command. With `--format json`, a failure also prints the JSON error document on
/// stdout (the text still goes to stderr, from main); the exit code is the same either way.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    crate::output::init(cli.color, cli.ascii);
    let result = dispatch(&cli);
    if let (Format::Json, Err(e)) = (cli.format, &result) {
        if !JSON_ERROR_PRINTED.load(std::sync::atomic::Ordering::Relaxed) {
            let doc = error_document(&command_name(&cli.command), e);
            println!("{}", to_json(&doc));
        }
    }
    result
}

/// The name of the command as typed: `plan`, `zones show`, `migrate new`.
pub fn command_name(command: &Command) -> String {
    let name = match command {
        Command::Validate(_) => "validate",
        Command::Plan(_) => "plan",
        Command::Apply(_) => "apply",
        Command::Status(_) => "status",
        Command::Zones(zones::ZonesCmd::Show(_)) => "zones show",
        Command::Zones(zones::ZonesCmd::Set(_)) => "zones set",
        Command::Zones(zones::ZonesCmd::Unset(_)) => "zones unset",
        Command::Init(_) => "init",
        Command::Drift(_) => "drift",
        Command::Inspect(_) => "inspect",
        Command::Migrate(migrate::MigrateCmd::New(_)) => "migrate new",
        Command::Migrate(migrate::MigrateCmd::Hash(_)) => "migrate hash",
        Command::Migrate(migrate::MigrateCmd::Rm(_)) => "migrate rm",
        Command::Completions(_) => "completions",
        Command::Man(_) => "man",
    };
    name.to_string()
}

thread_local! {
    /// While a command runs others (`zones set --write --apply` runs plan and apply), the
    /// documents they would print, to go into its own one document.
    static CAPTURED: std::cell::RefCell<Option<Vec<(&'static str, serde_json::Value)>>> =
        const { std::cell::RefCell::new(None) };
}

/// Print a command's JSON document, or keep it for the command that ran it (see
/// [`capture_documents`]).
pub fn print_document(name: &'static str, doc: serde_json::Value) {
    let kept = CAPTURED.with(|c| match c.borrow_mut().as_mut() {
        Some(docs) => {
            docs.push((name, doc.clone()));
            true
        }
        None => false,
    });
    if !kept {
        println!("{}", to_json(&doc));
    }
}

/// Run `f`, keeping the documents it prints instead of printing them; returns them by name.
fn capture_documents<T>(
    f: impl FnOnce() -> T,
) -> (
    T,
    std::collections::BTreeMap<&'static str, serde_json::Value>,
) {
    CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
    let out = f();
    let docs = CAPTURED
        .with(|c| c.borrow_mut().take())
        .unwrap_or_default()
        .into_iter()
        .collect();
    (out, docs)
}

/// A JSON document as bmdb prints it: pretty, and with every URL's password redacted and
/// every known password masked (an error may quote what a server said).
pub fn to_json(doc: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(doc).expect("a serde_json::Value always serialises");
    crate::db::redact_text(&text)
}

/// The one error document of every command under `--format json` (docs/json.md):
/// `{"version":1,"command":"plan","error":{"kind","message"},"problems":[...]}`, plus
/// `"valid": false` when the model is invalid, as `validate` prints it. `kind` is
/// `invalid_model` (each problem in `problems`), `usage` (a bad flag), `connection` (no URL,
/// or the server could not be reached) or `error`.
pub fn error_document(command: &str, err: &anyhow::Error) -> serde_json::Value {
    let message = crate::db::redact_text(&format!("{err:#}"));
    let problems: Option<Vec<serde_json::Value>> = err
        .downcast_ref::<crate::model::Diagnostics>()
        .map(|diags| {
            diags
                .0
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "file": d.file.display().to_string(),
                        "line": d.line,
                        "col": d.col,
                        "id": d.check,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect()
        });
    let kind = if problems.is_some() {
        "invalid_model"
    } else if message.contains("could not connect to ") || message.starts_with("no database URL") {
        "connection"
    } else {
        "error"
    };
    let mut doc = serde_json::json!({
        "version": crate::JSON_VERSION,
        "command": command,
        "error": { "kind": kind, "message": message },
        "problems": problems.clone().unwrap_or_default(),
    });
    if problems.is_some() {
        doc["valid"] = false.into();
    }
    doc
}

/// The error document of a usage error (a bad flag, a missing argument), for `main` when
/// the arguments ask for `--format json`; `text` is clap's message, already redacted.
pub fn usage_error_document(text: &str) -> String {
    let message = text.trim().trim_start_matches("error: ").to_string();
    to_json(&serde_json::json!({
        "version": crate::JSON_VERSION,
        "command": null,
        "error": { "kind": "usage", "message": message },
        "problems": [],
    }))
}

/// Whether raw arguments ask for JSON (`--format json` or `--format=json`), for the errors
/// that come before the arguments parse.
pub fn json_requested(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .zip(args.iter().skip(1))
        .any(|(a, b)| a == "--format" && b == "json")
        || args.iter().any(|a| a == "--format=json")
}

fn dispatch(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Validate(args) => validate(cli, args),
        Command::Plan(args) => plan::run(cli, args),
        Command::Migrate(cmd) => migrate::run(cli, cmd),
        Command::Apply(cmd) => apply::run_apply(cli, cmd),
        Command::Status(cmd) => apply::run_status(cli, cmd),
        Command::Zones(cmd) => zones::run(cli, cmd),
        Command::Init(args) => init::run(
            cli,
            args,
            std::env::args_os().any(|a| {
                let a = a.to_string_lossy();
                a == "--project" || a.starts_with("--project=")
            }),
        ),
        Command::Drift(args) => drift::run(cli, args),
        Command::Inspect(args) => inspect::run(cli, args),
        Command::Completions(_) | Command::Man(_) if cli.format == Format::Json => {
            anyhow::bail!(
                "{} prints {}: --format json does not apply",
                command_name(&cli.command),
                if matches!(cli.command, Command::Man(_)) {
                    "roff man pages"
                } else {
                    "a shell script"
                }
            )
        }
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
    }
}

/// `conn` with the `url_env` of the environment the command runs for (`--env`, else the
/// default one), read from regions.yaml before anything connects. A project without
/// `environments:` (or without regions.yaml) connects as `conn` says.
pub fn connect_for(
    cli: &Cli,
    conn: &crate::db::ConnectOpts,
) -> anyhow::Result<crate::db::ConnectOpts> {
    let mut conn = conn.clone();
    let Some(envs) = environments(cli)? else {
        return Ok(conn);
    };
    if let Some(e) = envs.selected() {
        conn.environment = Some(crate::db::EnvironmentUrl {
            name: e.name.clone(),
            var: e.url_env.clone(),
            others: envs
                .list
                .iter()
                .filter(|o| o.name != e.name)
                .filter_map(|o| o.url_env.clone())
                .collect(),
        });
    }
    Ok(conn)
}

/// regions.yaml's environments (`None` without regions.yaml); `--env` naming none of them,
/// or a regions.yaml with problems, is an error.
fn environments(cli: &Cli) -> anyhow::Result<Option<crate::model::Environments>> {
    if !cli.project.join("regions.yaml").is_file() {
        if let Some(name) = &cli.env {
            anyhow::bail!(
                "--env {name}: {} has no regions.yaml to declare environments in",
                cli.project.display()
            );
        }
        return Ok(None);
    }
    Ok(Some(crate::model::load::read_environments(
        &cli.project,
        cli.env.as_deref(),
    )?))
}

/// The migrations line a command without a model (status) works on: the selected
/// environment's, or `migrations/`.
pub fn line_for(cli: &Cli) -> anyhow::Result<crate::migrations::Line> {
    let envs = environments(cli)?.unwrap_or_default();
    Ok(crate::project::line_for(&cli.project, &envs))
}

/// The project for its environment, after its model loaded in the dialect of every other
/// environment too (`plan --write` writes every line, so each must load).
fn open_in_every_dialect(cli: &Cli) -> anyhow::Result<crate::project::Project> {
    let project = crate::project::Project::open(&cli.project, cli.env.as_deref())?;
    for dialect in project.environments.dialects() {
        if dialect == project.line.dialect {
            continue;
        }
        if let Some(e) = project.environments.first_of(dialect) {
            crate::model::load_project_for(&cli.project, Some(&e.name))?;
        }
    }
    Ok(project)
}

fn validate(cli: &Cli, _args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    // An invalid model is an error: under --format json, `run` prints it as the error
    // document, with `"valid": false` and every problem.
    let project = open_in_every_dialect(cli)?;
    let m = &project.desired;
    match cli.format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"version": crate::JSON_VERSION, "valid": true, "database": m.database.name, "tables": m.tables.len()})
        ),
        Format::Table => println!(
            "{}: the model is valid ({} tables, dialect {})",
            cli.project.display(),
            m.tables.len(),
            m.database.dialect.as_str()
        ),
    }
    Ok(ExitCode::SUCCESS)
}
