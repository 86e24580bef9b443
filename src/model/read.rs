//! Typed reading of the marked YAML tree: the shared vocabulary every loader uses to
//! say "expected a list, found a map", "unknown key", "missing key", with positions.

use super::diagnostic::Diagnostic;
use super::normalize::{did_you_mean, MAX_IDENT_BYTES};
use super::yaml::{Key, Node, NodeKind, Pos};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `s` with control characters (newlines, tabs ...) escaped, everything else as written.
fn escape_controls(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Collects the findings of one file.
pub struct Cx<'a> {
    pub file: PathBuf,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    pub fn err(
        &mut self,
        pos: Pos,
        check: &'static str,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) {
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            line: pos.line,
            col: pos.col,
            check,
            message: message.into(),
            help: help.into(),
        });
    }

    pub fn wrong_type(&mut self, node: &Node, expected: &str, what: &str) {
        self.err(
            node.pos,
            "wrong-type",
            format!("expected {expected} for {what}, found {}", node.kind_name()),
            format!("write {what} as {expected}"),
        );
    }

    /// The entries of a map, or a `wrong-type` finding.
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Key, Node)]> {
        match &node.kind {
            NodeKind::Map(m) => Some(m),
            _ => {
                self.wrong_type(node, "a map", what);
                None
            }
        }
    }

    pub fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            NodeKind::Seq(s) => Some(s),
            _ => {
                self.wrong_type(node, "a list", what);
                None
            }
        }
    }

    /// Flags every key not in `allowed`, suggesting the nearest allowed one.
    pub fn check_keys(&mut self, entries: &[(Key, Node)], allowed: &[&str], what: &str) {
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let help = match did_you_mean(&k.name, allowed) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("allowed keys here: {}", allowed.join(", ")),
                };
                self.err(
                    k.pos,
                    "unknown-key",
                    format!("unknown key \"{}\" in {what}", k.name),
                    help,
                );
            }
        }
    }

    /// A required key, or a `missing-key` finding at `at`.
    pub fn require<'n>(
        &mut self,
        entries: &'n [(Key, Node)],
        key: &str,
        at: Pos,
        what: &str,
        help: &str,
    ) -> Option<&'n Node> {
        let found = get(entries, key);
        if found.is_none() {
            self.err(
                at,
                "missing-key",
                format!("{what} has no \"{key}\""),
                help.to_string(),
            );
        }
        found
    }

    /// Any scalar as text (numbers and booleans as written).
    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Scalar { value, .. } => Some(value.clone()),
            _ => {
                self.wrong_type(node, "a string", what);
                None
            }
        }
    }

    /// The SQL expression under `key` (a default, a check's `expr`, an index's `where`),
    /// checked to be exactly one expression (`crate::sql::check_expression`); an
    /// `invalid-expression` finding otherwise. Every expression of the model is read here.
    pub fn expression(&mut self, node: &Node, key: &str) -> Option<String> {
        let s = self.text(node, &format!("\"{key}\""))?;
        match crate::sql::check_expression(&s) {
            Ok(()) => Some(s),
            Err(e) => {
                self.err(
                    node.pos,
                    "invalid-expression",
                    format!(
                        "\"{key}\" `{}` is not one SQL expression: {e}",
                        escape_controls(&s)
                    ),
                    e.help.to_string(),
                );
                None
            }
        }
    }

    /// A non-empty identifier; one longer than 63 bytes is flagged but still returned.
    pub fn ident(&mut self, node: &Node, what: &str) -> Option<String> {
        let s = self.text(node, what)?;
        self.name(s, node.pos, what)
    }

    /// `s` (written at `pos`) checked as a name: not empty, no control characters
    /// (`invalid-identifier`, refused), at most 63 bytes (flagged but still returned).
    pub fn name(&mut self, s: String, pos: Pos, what: &str) -> Option<String> {
        if s.trim().is_empty() {
            self.err(
                pos,
                "invalid-value",
                format!("{what} is empty"),
                "give it a name".to_string(),
            );
            return None;
        }
        if let Some((i, c)) = s.char_indices().find(|(_, c)| forbidden_in_identifier(*c)) {
            self.err(
                pos,
                "invalid-identifier",
                format!(
                    "{what} \"{}\" contains U+{:04X}, a control or line-break character, at byte {i}",
                    s.escape_debug(),
                    c as u32
                ),
                "names may not contain newlines, tabs, NUL or other control characters; use letters, digits and '_'"
                    .to_string(),
            );
            return None;
        }
        if s.len() > MAX_IDENT_BYTES {
            self.err(
                pos,
                "identifier-too-long",
                format!(
                    "{what} \"{s}\" is {} bytes long; the limit is {MAX_IDENT_BYTES}",
                    s.len()
                ),
                "PostgreSQL and CockroachDB truncate longer names; choose a shorter one"
                    .to_string(),
            );
        }
        Some(s)
    }

    pub fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.kind {
            NodeKind::Scalar {
                value,
                quoted: false,
            } => match value.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => {
                    self.wrong_type(node, "true or false", what);
                    None
                }
            },
            _ => {
                self.wrong_type(node, "true or false", what);
                None
            }
        }
    }

    /// A whole number (negative allowed, so range checks can name the value).
    pub fn int(&mut self, node: &Node, what: &str) -> Option<i64> {
        match &node.kind {
            NodeKind::Scalar {
                value,
                quoted: false,
            } => match value.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.wrong_type(node, "a whole number", what);
                    None
                }
            },
            _ => {
                self.wrong_type(node, "a whole number", what);
                None
            }
        }
    }

    /// One of a fixed set of words.
    pub fn choice(&mut self, node: &Node, allowed: &[&str], what: &str) -> Option<String> {
        let v = self.text(node, what)?;
        if allowed.contains(&v.as_str()) {
            return Some(v);
        }
        let mut help = format!("allowed values: {}", allowed.join(", "));
        if let Some(s) = did_you_mean(&v, allowed) {
            help = format!("did you mean \"{s}\"? ({help})");
        }
        self.err(
            node.pos,
            "invalid-value",
            format!("invalid value \"{v}\" for {what}"),
            help,
        );
        None
    }

    /// A list of identifiers with their positions.
    pub fn ident_list(
        &mut self,
        node: &Node,
        list: &str,
        item_what: &str,
    ) -> Option<Vec<(String, Pos)>> {
        let items = self.seq(node, list)?;
        let mut out = Vec::new();
        for item in items {
            if let Some(s) = self.ident(item, item_what) {
                out.push((s, item.pos));
            }
        }
        Some(out)
    }
}

/// Characters no name may hold: control characters (C0 incl. NUL, DEL, C1) and the Unicode
/// line and paragraph separators. The servers cannot name some of them (NUL), and the rest
/// would break the one-line SQL comments and messages that carry names.
pub fn forbidden_in_identifier(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

pub fn get<'n>(entries: &'n [(Key, Node)], key: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
}

pub fn key_pos(entries: &[(Key, Node)], key: &str) -> Option<Pos> {
    entries
        .iter()
        .find(|(k, _)| k.name == key)
        .map(|(k, _)| k.pos)
}

/// Where each model element came from, keyed by a path like `["column", "t", "c"]`,
/// so the validator can point at the file, line and column of what it checks.
#[derive(Debug, Default)]
pub struct Origins {
    /// The file is shared by every entry read from it: one allocation a file, not one a key
    /// (a 10,000-table project records some 200,000 keys).
    map: HashMap<String, (Arc<Path>, Pos)>,
    last: Option<Arc<Path>>,
}

fn join(key: &[&str]) -> String {
    key.join("\u{1f}")
}

impl Origins {
    pub fn set(&mut self, key: &[&str], file: &Path, pos: Pos) {
        let file = match &self.last {
            Some(last) if **last == *file => last.clone(),
            _ => {
                let f: Arc<Path> = Arc::from(file);
                self.last = Some(f.clone());
                f
            }
        };
        self.map.entry(join(key)).or_insert((file, pos));
    }

    /// Take in what another file recorded; what is already here wins (first file first).
    pub fn merge(&mut self, other: Origins) {
        for (k, v) in other.map {
            self.map.entry(k).or_insert(v);
        }
    }

    /// Room for `n` more keys, so merging many files' origins grows the map once.
    pub fn reserve(&mut self, n: usize) {
        self.map.reserve(n);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn get(&self, key: &[&str]) -> Option<(PathBuf, Pos)> {
        self.map
            .get(&join(key))
            .map(|(f, pos)| (f.to_path_buf(), *pos))
    }
}
