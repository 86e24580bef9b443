//! progress: what apply shows while it runs. A bar over migrations with the running
//! statement and elapsed time on a terminal; plain lines on stderr without one; nothing
//! but the final summary with --quiet. NO_COLOR drops the colours.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

pub enum Progress {
    Bar(ProgressBar),
    Plain,
    Quiet,
}

impl Progress {
    pub fn new(quiet: bool, migrations: usize) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
            return Progress::Plain;
        }
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let template = if colour {
            "{spinner:.green} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} migrations  {msg}"
        } else {
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} migrations  {msg}"
        };
        let bar =
            ProgressBar::with_draw_target(Some(migrations as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        // schema changes can run for minutes: keep the elapsed clock moving
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress::Bar(bar)
    }

    /// A line that should stay on screen (not in --quiet).
    pub fn line(&self, text: &str) {
        match self {
            Progress::Bar(bar) => bar.println(text),
            Progress::Plain => eprintln!("{text}"),
            Progress::Quiet => {}
        }
    }

    /// A warning, shown even with --quiet.
    pub fn warn(&self, text: &str) {
        match self {
            Progress::Bar(bar) => bar.println(format!("warning: {text}")),
            _ => eprintln!("warning: {text}"),
        }
    }

    pub fn statement(&self, label: &str, n: usize, total: usize, sql: &str) {
        let first = sql.lines().next().unwrap_or_default();
        let short: String = first.chars().take(60).collect();
        match self {
            Progress::Bar(bar) => bar.set_message(format!("{label} [{n}/{total}] {short}")),
            Progress::Plain => eprintln!("  {label} [{n}/{total}] {short}"),
            Progress::Quiet => {}
        }
    }

    pub fn migration_done(&self) {
        if let Progress::Bar(bar) = self {
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// One row of the final summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    pub version: i64,
    pub name: String,
    /// Statements run by this apply.
    pub statements_run: usize,
    pub statements_total: usize,
    pub millis: u128,
    /// applied | resumed | baselined | would apply | would resume | failed
    pub result: String,
}

pub fn summary_table(outcomes: &[Outcome]) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
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

pub fn format_millis(ms: u128) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}
