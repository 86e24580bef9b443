//! review: before apply changes anything on a terminal, it shows what will run (each
//! migration, its statement count, how it runs, its hazards and destructive steps) and asks
//! for confirmation. `--auto-approve` skips the question; without a terminal (CI, a pipe,
//! cron) nothing is asked and apply runs as it always has.

use super::exec::{self, Mode};
use super::Pending;
use crate::model::Dialect;
use anyhow::{bail, Result};
use std::io::{BufRead, IsTerminal, Write};

/// Whether to ask: only when a person can answer (stdin and stderr are terminals) and
/// `--auto-approve` was not given.
pub fn should_ask(auto_approve: bool, stdin_is_terminal: bool, stderr_is_terminal: bool) -> bool {
    !auto_approve && stdin_is_terminal && stderr_is_terminal
}

/// `y` or `yes` (any case, surrounding spaces ignored) goes on; anything else, an empty
/// line or end of input included, stops.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// What will run, one block per migration.
pub fn summary(target: &str, dialect: Dialect, pending: &[Pending<'_>], baseline: bool) -> String {
    let mut out = String::new();
    let n = pending.len();
    let verb = if baseline {
        "record as applied (baseline, nothing run) in"
    } else {
        "apply to"
    };
    out.push_str(&format!(
        "bmdb will {verb} {target}: {n} migration{}\n",
        if n == 1 { "" } else { "s" }
    ));
    for p in pending {
        let m = p.file;
        let done = p.row.map_or(0, |r| r.statements_done.max(0) as usize);
        let left = m.statements.len().saturating_sub(done);
        let how = match exec::mode_for(dialect, m) {
            Mode::OneTransaction => "in one transaction",
            Mode::PerStatement => "statement by statement",
        };
        let resume = if done > 0 {
            format!(", resuming after statement {done}")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {}: {left} statement{}, {how}{resume}\n",
            m.label(),
            if left == 1 { "" } else { "s" }
        ));
        for h in &m.hazards {
            out.push_str(&format!("      hazard: {h}\n"));
        }
        for d in &m.destructive {
            out.push_str(&format!("      destructive: {d}\n"));
        }
    }
    out
}

/// On a terminal (and without `--auto-approve`): show `summary` and ask; a refusal is an
/// error saying that nothing ran.
pub fn confirm(summary: &str, auto_approve: bool) -> Result<()> {
    if !should_ask(
        auto_approve,
        std::io::stdin().is_terminal(),
        std::io::stderr().is_terminal(),
    ) {
        return Ok(());
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "{summary}Run it? Type `yes` to go on (--auto-approve skips this question): "
    );
    let _ = err.flush();
    drop(err);
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if !is_yes(&answer) {
        bail!("apply cancelled at the confirmation: nothing was run or recorded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_only_a_person_and_never_with_auto_approve() {
        assert!(should_ask(false, true, true));
        assert!(!should_ask(true, true, true));
        assert!(
            !should_ask(false, false, true),
            "stdin is a pipe or /dev/null"
        );
        assert!(!should_ask(false, true, false), "stderr is redirected");
        assert!(!should_ask(false, false, false));
    }

    #[test]
    fn only_yes_goes_on() {
        for a in ["yes\n", "y\n", " YES \r\n", "Y"] {
            assert!(is_yes(a), "{a:?}");
        }
        for a in ["", "\n", "no\n", "n", "yess", "ye s", "sure"] {
            assert!(!is_yes(a), "{a:?}");
        }
    }
}
