//! progress: what apply shows while it runs. On a terminal a bar over every statement of
//! the apply (not migrations: one migration may hold hundreds), with the ETA, and below it
//! the running statement with its own clock, cut to the terminal's width; plain lines on
//! stderr without one; nothing but the final summary with --quiet. Colour follows
//! `output` (--color, NO_COLOR, CLICOLOR).

pub use crate::output::format_millis;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub enum Progress {
    Bar {
        bar: ProgressBar,
        current: Arc<Mutex<Option<Running>>>,
        slow: Duration,
    },
    Plain {
        current: Mutex<Option<Running>>,
        slow: Duration,
    },
    Quiet,
}

/// The statement being run: its label for the "took" line, and since when.
pub struct Running {
    label: String,
    started: Instant,
}

/// A statement that ran at least this long gets a line of its own with its time.
const SLOW: Duration = Duration::from_secs(1);

impl Progress {
    /// `statements`: how many statements the apply will run, over every pending migration.
    /// `verbose`: every statement gets its `took` line, not only the slow ones.
    pub fn new(quiet: bool, verbose: bool, statements: usize) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        let slow = if verbose { Duration::ZERO } else { SLOW };
        if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
            return Progress::Plain {
                current: Mutex::new(None),
                slow,
            };
        }
        // Two lines: the bar with counts and ETA, then the running statement with its own
        // clock, cut to the terminal's width ({wide_msg}) so nothing wraps into stale lines.
        let template = if crate::output::colour_stderr() {
            "{spinner:.green} [{elapsed_precise}] {bar:24.cyan/blue} {pos}/{len} statements  ETA {eta}\n  {statement_elapsed:.yellow} {wide_msg}"
        } else {
            "{spinner} [{elapsed_precise}] {bar:24} {pos}/{len} statements  ETA {eta}\n  {statement_elapsed} {wide_msg}"
        };
        let current: Arc<Mutex<Option<Running>>> = Arc::new(Mutex::new(None));
        let clock = Arc::clone(&current);
        let bar =
            ProgressBar::with_draw_target(Some(statements as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key(
                    "statement_elapsed",
                    move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let since = clock
                            .lock()
                            .ok()
                            .and_then(|c| c.as_ref().map(|r| r.started.elapsed()));
                        let _ = write!(
                            w,
                            "{:>6}",
                            since.map_or(String::new(), |d| format_millis(d.as_millis()))
                        );
                    },
                )
                .progress_chars("=> "),
        );
        // schema changes can run for minutes: keep both clocks moving
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress::Bar { bar, current, slow }
    }

    /// A line that should stay on screen (not in --quiet).
    pub fn line(&self, text: &str) {
        match self {
            Progress::Bar { bar, .. } => bar.println(text),
            Progress::Plain { .. } => eprintln!("{text}"),
            Progress::Quiet => {}
        }
    }

    /// A warning, shown even with --quiet.
    pub fn warn(&self, text: &str) {
        let text = format!("{}: {text}", crate::output::warning("warning"));
        match self {
            Progress::Bar { bar, .. } => {
                // indicatif writes through its own target: strip the colour where it is off
                if crate::output::colour_stderr() {
                    bar.println(text)
                } else {
                    bar.println(anstream::adapter::strip_str(&text).to_string())
                }
            }
            _ => anstream::eprintln!("{text}"),
        }
    }

    /// Statement `n` of `total` of migration `label` starts (the previous one, if any, is done).
    pub fn statement(&self, label: &str, n: usize, total: usize, sql: &str) {
        self.statement_done();
        let shown = crate::sql::redact_secrets(sql);
        let first = shown.lines().next().unwrap_or_default();
        let running = Running {
            label: format!("{label} [{n}/{total}]"),
            started: Instant::now(),
        };
        match self {
            Progress::Bar { bar, current, .. } => {
                bar.set_message(format!("{} {first}", running.label));
                if let Ok(mut c) = current.lock() {
                    *c = Some(running);
                }
            }
            Progress::Plain { current, .. } => {
                let short: String = first.chars().take(60).collect();
                eprintln!("  {} {short}", running.label);
                if let Ok(mut c) = current.lock() {
                    *c = Some(running);
                }
            }
            Progress::Quiet => {}
        }
    }

    /// The running statement finished: counted, and its time shown when it was slow.
    fn statement_done(&self) {
        let (current, bar, slow) = match self {
            Progress::Bar { bar, current, slow } => (&**current, Some(bar), *slow),
            Progress::Plain { current, slow } => (current, None, *slow),
            Progress::Quiet => return,
        };
        let Some(done) = current.lock().ok().and_then(|mut c| c.take()) else {
            return;
        };
        let took = done.started.elapsed();
        if let Some(bar) = bar {
            bar.inc(1);
        }
        if took >= slow {
            self.line(&format!(
                "  {} took {}",
                done.label,
                format_millis(took.as_millis())
            ));
        }
    }

    /// A migration finished: its last statement is done.
    pub fn migration_done(&self) {
        self.statement_done();
    }

    /// The total, once known for certain (the pending list is read again under the lock).
    pub fn set_total(&self, statements: usize) {
        if let Progress::Bar { bar, .. } = self {
            bar.set_length(statements as u64);
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar { bar, current, .. } = self {
            if let Ok(mut c) = current.lock() {
                *c = None;
            }
            bar.finish_and_clear();
        }
    }
}

/// One row of the final summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    pub version: i64,
    pub name: String,
    /// The migration file, as apply found it (under the line's folder).
    pub file: String,
    /// `one_transaction` or `per_statement`; None for a baseline.
    pub mode: Option<&'static str>,
    /// A resumed migration: the statements an earlier apply had done.
    pub resumed_after: Option<i64>,
    /// Statements run by this apply.
    pub statements_run: usize,
    pub statements_total: usize,
    pub millis: u128,
    /// applied | resumed, applied | baselined | would apply | would resume | would baseline
    /// | failed | interrupted
    pub result: String,
    /// Every statement this apply sent (or, dry, would send), with its time and outcome.
    pub statements: Vec<super::exec::StatementRun>,
    /// Why it failed or stopped.
    pub error: Option<String>,
}

pub fn summary_table(outcomes: &[Outcome]) -> String {
    let mut table = crate::output::table();
    table.set_header(["Version", "Name", "Statements", "Time", "Result"]);
    for o in outcomes {
        table.add_row([
            format!("V{}", o.version),
            o.name.clone(),
            format!("{}/{}", o.statements_run, o.statements_total),
            format_millis(o.millis),
            o.result.clone(),
        ]);
    }
    table.to_string()
}
