//! Problems found in a project's files, each pinned to file:line:col, squawk-style:
//! `schema/orders.yaml:4:11: error[unknown-region]: region "eu-west-9" is not declared`
//! followed by `  help: declared regions are us-west-2, eu-west-1`.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Relative to the project directory (e.g. `schema/players.yaml`).
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub col: usize,
    /// Stable kebab-case check id, e.g. `unknown-key`, `unknown-region`.
    pub check: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error[{}]: {}",
            self.file.display(),
            self.line,
            self.col,
            self.check,
            self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Every problem at once; sorted by file, line, column.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}
