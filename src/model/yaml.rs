//! A YAML tree that remembers where every node came from: built from yaml-rust2's
//! event parser so each key and value keeps its own 1-based line and column.
//! Maps keep insertion order; duplicate keys and syntax errors become findings.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    fn from_marker(m: &Marker) -> Pos {
        // yaml-rust2 lines are 1-based, columns 0-based.
        Pos {
            line: m.line().max(1),
            col: m.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Map(Vec<(Key, Node)>),
    Seq(Vec<Node>),
    Scalar { value: String, quoted: bool },
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

impl Node {
    /// What the node is, for "expected a list, found a map" messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a map",
            NodeKind::Seq(_) => "a list",
            NodeKind::Null => "nothing",
            NodeKind::Scalar { value, quoted } => {
                if *quoted {
                    "a string"
                } else if value.parse::<i64>().is_ok() || value.parse::<f64>().is_ok() {
                    "a number"
                } else if matches!(
                    value.as_str(),
                    "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
                ) {
                    "a boolean"
                } else {
                    "a string"
                }
            }
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// A problem found while reading YAML: duplicate keys, syntax errors, odd keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    pub pos: Pos,
    pub check: &'static str,
    pub message: String,
    pub help: Option<String>,
}

/// The deepest nesting of lists and maps a file may have (see docs/limits.md).
pub const MAX_DEPTH: usize = 64;
/// Aliases (`*name`) are resolved by copying the anchored node; a file's aliases may copy
/// at most this many nodes in all, and at most MAX_ALIAS_BYTES of scalar text, so that a
/// few lines of nested aliases ("billion laughs") cannot exhaust memory. The check is made
/// before each copy.
pub const MAX_ALIAS_NODES: u64 = 100_000;
pub const MAX_ALIAS_BYTES: u64 = 4 * 1024 * 1024;

/// Parses one YAML document. `Ok(None)` for a file with no document at all.
/// A syntax error gives `Err` with the single `yaml-syntax` problem; other
/// problems (duplicate keys, non-string keys) come back beside the tree.
pub fn parse(text: &str) -> Result<(Option<Node>, Vec<YamlProblem>), YamlProblem> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    // Events are pulled one by one rather than through `Parser::load`, which recurses once
    // per nesting level (a file of a million nested `- ` would overflow the stack) and
    // asserts on what it expects; reading stops at the first limit hit.
    let loaded = loop {
        match parser.next_token() {
            Err(e) => break Err(e),
            Ok((ev, mark)) => {
                let end = matches!(ev, Event::StreamEnd);
                builder.on_event(ev, mark);
                if end || builder.fatal.is_some() {
                    break Ok(());
                }
            }
        }
    };
    if let Some(fatal) = builder.fatal {
        return Err(fatal);
    }
    if let Err(e) = loaded {
        return Err(YamlProblem {
            pos: Pos::from_marker(e.marker()),
            check: "yaml-syntax",
            message: format!("invalid YAML: {}", e.info()),
            help: Some(syntax_help(text, e.marker())),
        });
    }
    Ok((builder.root, builder.problems))
}

fn syntax_help(text: &str, m: &Marker) -> String {
    let line = text.lines().nth(m.line().saturating_sub(1)).unwrap_or("");
    if line.starts_with('\t') || line.trim_start_matches(' ').starts_with('\t') {
        return "YAML does not allow tabs for indentation; indent with spaces".to_string();
    }
    "check the indentation, quoting and brackets near this point; quote values that contain ': ' or start with '{', '[', '*', '&' or '@'".to_string()
}

/// How much a node weighs once built: its nodes and the bytes of its scalars.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: u64,
    bytes: u64,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

enum Frame {
    Map {
        pos: Pos,
        entries: Vec<(Key, Node)>,
        /// Each key's first position: a duplicate is found in O(1), not by a scan of
        /// `entries` (quadratic: a 4 MiB map of 300,000 keys took minutes).
        seen: HashMap<String, Pos>,
        pending_key: Option<Key>,
        anchor: usize,
        size: Size,
    },
    Seq {
        pos: Pos,
        items: Vec<Node>,
        anchor: usize,
        size: Size,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, Size)>,
    /// What aliases have copied so far.
    copied: Size,
    problems: Vec<YamlProblem>,
    /// A limit was hit: the file is refused with this, and later events are ignored.
    fatal: Option<YamlProblem>,
    done: bool,
    second_document_reported: bool,
}

impl Builder {
    fn push_node(&mut self, node: Node, weight: Size) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, size, .. }) => {
                size.add(weight);
                items.push(node)
            }
            Some(Frame::Map {
                entries,
                seen,
                pending_key,
                size,
                ..
            }) => {
                size.add(weight);
                match pending_key.take() {
                    None => {
                        let name = match &node.kind {
                            NodeKind::Scalar { value, .. } => value.clone(),
                            NodeKind::Null => String::new(),
                            _ => {
                                self.problems.push(YamlProblem {
                                    pos: node.pos,
                                    check: "wrong-type",
                                    message: format!(
                                        "expected a string key, found {}",
                                        node.kind_name()
                                    ),
                                    help: Some("map keys must be plain names".to_string()),
                                });
                                String::from("\u{0}")
                            }
                        };
                        *pending_key = Some(Key {
                            name,
                            pos: node.pos,
                        });
                    }
                    Some(key) => {
                        if let Some(first) = seen.get(&key.name) {
                            self.problems.push(YamlProblem {
                                pos: key.pos,
                                check: "duplicate-key",
                                message: format!("duplicate key \"{}\"", key.name),
                                help: Some(format!(
                                    "remove one of them; the first is at line {}",
                                    first.line
                                )),
                            });
                        } else if key.name != "\u{0}" {
                            seen.insert(key.name.clone(), key.pos);
                            entries.push((key, node));
                        }
                    }
                }
            }
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node, size: Size) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
    }

    fn refuse(&mut self, pos: Pos, check: &'static str, message: String, help: &str) {
        self.fatal = Some(YamlProblem {
            pos,
            check,
            message,
            help: Some(help.to_string()),
        });
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.fatal.is_some() {
            return;
        }
        if self.done {
            // A second document would be silently ignored: one table per file, so say so.
            if matches!(ev, Event::DocumentStart) && !self.second_document_reported {
                self.second_document_reported = true;
                self.problems.push(YamlProblem {
                    pos: Pos::from_marker(&mark),
                    check: "multiple-documents",
                    message: "a second YAML document (`---`) in one file".to_string(),
                    help: Some(
                        "put one table in each file; move this document to a file of its own"
                            .to_string(),
                    ),
                });
            }
            return;
        }
        let pos = Pos::from_marker(&mark);
        match ev {
            Event::DocumentEnd => {
                if self.root.is_some() {
                    self.done = true;
                }
            }
            Event::Scalar(value, style, anchor, _tag) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let is_null =
                    !quoted && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL");
                let node = Node {
                    kind: if is_null {
                        NodeKind::Null
                    } else {
                        NodeKind::Scalar { value, quoted }
                    },
                    pos,
                };
                let size = Size {
                    nodes: 1,
                    bytes: match &node.kind {
                        NodeKind::Scalar { value, .. } => value.len() as u64,
                        _ => 0,
                    },
                };
                self.remember(anchor, &node, size);
                self.push_node(node, size);
            }
            Event::Alias(id) => {
                // Aliases resolve to a copy of the anchored node, at the alias's position;
                // the copy is made only if the file's copies stay within the limits.
                let Some((anchored, size)) = self.anchors.get(&id) else {
                    let node = Node {
                        kind: NodeKind::Null,
                        pos,
                    };
                    self.push_node(node, Size { nodes: 1, bytes: 0 });
                    return;
                };
                let size = *size;
                let mut copied = self.copied;
                copied.add(size);
                if copied.nodes > MAX_ALIAS_NODES || copied.bytes > MAX_ALIAS_BYTES {
                    self.refuse(
                        pos,
                        "yaml-alias-limit",
                        format!(
                            "the aliases in this file expand to more than {MAX_ALIAS_NODES} nodes or {MAX_ALIAS_BYTES} bytes"
                        ),
                        "aliases are copied where they are used; use fewer or smaller ones, or write the values out (see docs/limits.md)",
                    );
                    return;
                }
                self.copied = copied;
                let node = Node {
                    kind: anchored.kind.clone(),
                    pos,
                };
                self.push_node(node, size);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.refuse(
                    pos,
                    "yaml-too-deep",
                    format!("lists and maps nest more than {MAX_DEPTH} levels deep here"),
                    "a bmdb file needs a few levels; look for a runaway indentation or unclosed brackets (see docs/limits.md)",
                );
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                pos,
                items: Vec::new(),
                anchor,
                size: Size::default(),
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                pos,
                entries: Vec::new(),
                seen: HashMap::new(),
                pending_key: None,
                anchor,
                size: Size::default(),
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, mut size) = match self.stack.pop() {
                    Some(Frame::Seq {
                        pos,
                        items,
                        anchor,
                        size,
                    }) => (
                        Node {
                            pos: items.first().map_or(pos, |i| pos.min(i.pos)),
                            kind: NodeKind::Seq(items),
                        },
                        anchor,
                        size,
                    ),
                    Some(Frame::Map {
                        pos,
                        entries,
                        anchor,
                        size,
                        ..
                    }) => (
                        Node {
                            // A block map's start mark lies after its first key; point at that key.
                            pos: entries.first().map_or(pos, |(k, _)| pos.min(k.pos)),
                            kind: NodeKind::Map(entries),
                        },
                        anchor,
                        size,
                    ),
                    None => return,
                };
                size.add(Size { nodes: 1, bytes: 0 });
                self.remember(anchor, &node, size);
                self.push_node(node, size);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_for_keys_and_values() {
        let (root, problems) = parse("a: 1\nbb:\n  c: \"x\"\n").unwrap();
        assert!(problems.is_empty());
        let root = root.unwrap();
        let map = root.as_map().unwrap();
        assert_eq!(map[0].0.pos, Pos { line: 1, col: 1 });
        assert_eq!(map[0].1.pos, Pos { line: 1, col: 4 });
        let inner = map[1].1.as_map().unwrap();
        assert_eq!(inner[0].0.pos, Pos { line: 3, col: 3 });
        assert_eq!(
            inner[0].1.kind,
            NodeKind::Scalar {
                value: "x".into(),
                quoted: true
            }
        );
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second_key() {
        let (_, problems) = parse("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].check, "duplicate-key");
        assert_eq!(problems[0].pos, Pos { line: 3, col: 1 });
    }

    #[test]
    fn aliases_resolve_to_the_anchored_node() {
        let (root, _) = parse("a: &x [1, 2]\nb: *x\n").unwrap();
        let root = root.unwrap();
        let map = root.as_map().unwrap();
        assert_eq!(map[1].1.as_seq().unwrap().len(), 2);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(err.check, "yaml-syntax");
        assert!(err.pos.line >= 1);
    }
}
