//! sequences/*.yaml: sequences, one file per sequence (issue 12 item 2; docs/model.md
//! "Sequences").
//!
//! ```yaml
//! sequence: order_no
//! as: int4             # optional; bigint (int8), or smallint (int2) / int4: the range follows
//! start: 1000          # optional; the end it counts from
//! increment: 1         # optional; 1; negative counts down
//! min_value: 1         # optional; 1 ascending, -2^63 descending
//! max_value: 999999    # optional; 2^63-1 ascending, -1 descending
//! cache: 1             # optional; 1
//! cycle: false         # optional; PostgreSQL only (CockroachDB has no CYCLE)
//! owned_by: orders.order_no   # optional; dropped with that column
//! renamed_from: order_seq      # optional; the name it had: renamed, not dropped and created
//! ```
//!
//! A column uses one with `default: nextval('order_no')`; the loader keeps that default
//! in this one spelling (`nextval('name')`, whatever cast or `public.` the YAML wrote) so it
//! compares equal to what the catalogs read back, and refuses a `nextval` of a sequence the
//! model does not have (unless `ignore:` names it: `sequence legacy_seq`).

use super::diagnostic::Diagnostic;
use super::normalize::did_you_mean;
use super::read::{get, Cx, Origins};
use super::types::{
    sequence_option_problem, Dialect, Model, Sequence, SequenceOptionProblem, SequenceOwner,
};
use super::yaml::{Node, NodeKind};
use std::collections::BTreeMap;
use std::path::Path;

pub const SEQUENCE_FILE_KEYS: &[&str] = &[
    "sequence",
    "schema",
    "start",
    "increment",
    "min_value",
    "max_value",
    "cache",
    "cycle",
    "owned_by",
    "as",
    "renamed_from",
];

/// The sequence a default draws from: `nextval('s')`, `nextval('s'::regclass)`,
/// `nextval('public.s'::REGCLASS)`, `nextval('db.public.s':::REGCLASS)` (CockroachDB),
/// `nextval('"Odd"')` give `s` (`Odd`). `None` for any other expression, or one that does
/// more than call nextval.
pub fn nextval_target(expr: &str) -> Option<String> {
    let e = expr.trim();
    let head = e.get(..8)?;
    if !head.eq_ignore_ascii_case("nextval(") || !e.ends_with(')') {
        return None;
    }
    let inner = e[8..e.len() - 1].trim();
    // the literal, then an optional ::regclass / :::REGCLASS cast
    let rest = inner.strip_prefix('\'')?;
    let end = rest.find('\'')?;
    let text = &rest[..end];
    let after = rest[end + 1..].trim();
    if !after.is_empty() {
        let cast = after.trim_start_matches(':');
        if after.len() - cast.len() < 2 || !cast.trim().eq_ignore_ascii_case("regclass") {
            return None;
        }
    }
    // a qualified name, as the sequence's key: `s` in public, `game.s` in schema game
    // (CockroachDB writes the database first: `db.game.s`)
    let parts = split_qualified(text)?;
    let (schema, name) = match parts.as_slice() {
        [n] => (super::schemas::PUBLIC, n),
        [schema, n] | [_, schema, n] => (schema.as_str(), n),
        _ => return None,
    };
    if name.is_empty() || schema.is_empty() || name.contains('.') || schema.contains('.') {
        return None;
    }
    Some(super::schemas::qualified(schema, name))
}

/// `a.b."C d"` -> [a, b, C d]: unquoted parts folded to lower case, quoted ones as written.
fn split_qualified(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.push(c.to_ascii_lowercase());
                chars.next();
            }
        }
        out.push(part);
        match chars.next() {
            None => return Some(out),
            Some('.') => continue,
            Some(_) => return None,
        }
    }
}

/// The one spelling of a default that draws from the sequence of key `key` (`s`, or
/// `game.s` in schema game: `nextval('game.s')`).
pub fn nextval_default(key: &str) -> String {
    // regclass input folds an unquoted name to lower case and ignores keywords: a plain
    // lower-case word stays bare, anything else is quoted
    let part = |name: &str| {
        let mut chars = name.chars();
        let plain = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
        if plain {
            name.to_string()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    };
    let (schema, name) = super::schemas::split(key);
    let quoted = if schema == super::schemas::PUBLIC {
        part(name)
    } else {
        format!("{}.{}", part(schema), part(name))
    };
    format!("nextval({})", super::types::sql_string(&quoted))
}

/// A default in the one spelling when it is a `nextval`, else as it was.
pub fn normalize_default(expr: &str) -> String {
    match nextval_target(expr) {
        Some(name) => nextval_default(&name),
        None => expr.to_string(),
    }
}

/// Reads every `sequences/**/*.yaml`, after the tables and views (a sequence shares their
/// namespace, and `owned_by` names a column). A project without `sequences/` has none.
pub fn read_sequences(
    dir: &Path,
    model: &Model,
    diags: &mut Vec<Diagnostic>,
    origins: &mut Origins,
) -> BTreeMap<String, Sequence> {
    let mut out: BTreeMap<String, Sequence> = BTreeMap::new();
    let mut renamed = Vec::new();
    let dialect = model.database.dialect;
    for rel in super::load::yaml_files(dir, "sequences", diags) {
        let Some(root) = super::load::read_yaml(dir, &rel, diags) else {
            continue;
        };
        let mut cx = Cx {
            file: rel.clone(),
            diags,
        };
        let Some(entries) = cx.map(&root, "a sequence file") else {
            continue;
        };
        cx.check_keys(entries, SEQUENCE_FILE_KEYS, "a sequence file");
        let Some(name_node) = cx.require(
            entries,
            "sequence",
            root.pos,
            "this sequence file",
            "add `sequence: <name>` at the top (sequences/ holds sequences, one per file)",
        ) else {
            continue;
        };
        let Some(name) = super::schemas::read_object_name(&mut cx, name_node, "the sequence name")
        else {
            continue;
        };
        let Some(schema) = super::schemas::read_schema_key(&mut cx, entries) else {
            continue;
        };
        // keyed by its qualified name: `s`, or `game.s` in schema game
        let name = super::schemas::qualified(&schema, &name);
        let clash = if origins.get(&["table", &name]).is_some() {
            Some("a table")
        } else if origins.get(&["view", &name]).is_some() {
            Some("a view")
        } else {
            None
        };
        if let Some(what) = clash {
            cx.err(
                name_node.pos,
                "duplicate-sequence",
                format!("sequence \"{name}\" has the name of {what}"),
                "sequences, tables and views share one namespace; rename one of them".to_string(),
            );
            continue;
        }
        if let Some((first, _)) = origins.get(&["sequence", &name]) {
            cx.err(
                name_node.pos,
                "duplicate-sequence",
                format!("sequence \"{name}\" is also defined in {}", first.display()),
                "keep one file per sequence; merge or rename one of them".to_string(),
            );
            continue;
        }
        if dialect == Dialect::Postgres {
            if let Some((t, c)) = serial_owner_of(model, &name) {
                cx.err(
                    name_node.pos,
                    "duplicate-sequence",
                    format!("sequence \"{name}\" is the name PostgreSQL gives the sequence of SERIAL column {t}.{c}"),
                    "rename the sequence, or make the column a plain integer with `default: nextval(...)` of this sequence".to_string(),
                );
                continue;
            }
        }
        origins.set(&["sequence", &name], &rel, name_node.pos);
        let what = format!("sequence \"{name}\"");
        let mut ok = true;
        let mut int = |cx: &mut Cx, key: &str| -> Option<(i64, Node)> {
            let n = get(entries, key)?;
            if matches!(n.kind, NodeKind::Null) {
                return None;
            }
            // a whole number past the 64-bit range is named as such, not as a wrong type
            if let NodeKind::Scalar {
                value,
                quoted: false,
            } = &n.kind
            {
                if value.parse::<i64>().is_err() && value.parse::<i128>().is_ok() {
                    cx.err(
                        n.pos,
                        "sequence-option",
                        format!("\"{key}\" of {what} is {value}, outside the 64-bit range"),
                        "sequence values lie between -9223372036854775808 and 9223372036854775807"
                            .to_string(),
                    );
                    ok = false;
                    return None;
                }
            }
            match cx.int(n, &format!("\"{key}\" of {what}")) {
                Some(v) => Some((v, n.clone())),
                None => {
                    ok = false;
                    None
                }
            }
        };
        let increment = int(&mut cx, "increment");
        let start = int(&mut cx, "start");
        let min = int(&mut cx, "min_value");
        let max = int(&mut cx, "max_value");
        let cache = int(&mut cx, "cache");
        let cycle = match get(entries, "cycle") {
            Some(n) => match cx.boolean(n, "\"cycle\"") {
                Some(b) => Some((b, n.pos)),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let data_type = match get(entries, "as") {
            Some(n) => match read_data_type(&mut cx, n, &what) {
                Some(t) => Some((t, n.pos)),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        if !ok {
            continue;
        }
        let ty = data_type.map_or("INT8", |(t, _)| t);
        let mut seq = Sequence::with_type_defaults(&name, increment.as_ref().map(|(v, _)| *v), ty);
        if let Some((c, n)) = &cache {
            if *c < 1 {
                cx.err(
                    n.pos,
                    "sequence-option",
                    format!("the cache of {what} is {c}"),
                    "the cache is at least 1 (1: no values are cached)".to_string(),
                );
                continue;
            }
            seq.cache = *c;
        }
        if let Some((v, _)) = &min {
            seq.min_value = *v;
        }
        if let Some((v, _)) = &max {
            seq.max_value = *v;
        }
        seq.start = match &start {
            Some((v, _)) => *v,
            None if seq.increment < 0 => seq.max_value,
            None => seq.min_value,
        };
        // a bound written outside the type's range (`as: int2` with max_value 100000)
        let (lo, hi) = (
            super::types::Identity::type_min(ty),
            super::types::Identity::type_max(ty),
        );
        let outside = [(&min, "min_value"), (&max, "max_value")]
            .into_iter()
            .find_map(|(o, key)| {
                o.as_ref()
                    .filter(|(v, _)| *v < lo || *v > hi)
                    .map(|(v, n)| (*v, n.pos, key))
            });
        if let Some((v, pos, key)) = outside {
            cx.err(
                pos,
                "sequence-option",
                format!(
                    "{key} ({v}) of {what} is outside the range of its type {} ({lo}..{hi})",
                    seq.sql_type()
                ),
                "write a bound the type holds, or a larger type in `as`".to_string(),
            );
            continue;
        }
        if let Some(problem) =
            sequence_option_problem(seq.increment, seq.min_value, seq.max_value, seq.start)
        {
            // the first of the options concerned that is written, else the sequence's name
            let at = |written: &[&Option<(i64, Node)>]| {
                written
                    .iter()
                    .find_map(|o| o.as_ref())
                    .map_or(name_node.pos, |(_, n)| n.pos)
            };
            let (pos, message, help) = match problem {
                SequenceOptionProblem::IncrementZero => (
                    at(&[&increment]),
                    format!("the increment of {what} is 0"),
                    "a sequence counts up (a positive increment) or down (a negative one)",
                ),
                SequenceOptionProblem::MinNotBelowMax => (
                    at(&[&min, &max]),
                    format!(
                        "min_value ({}) of {what} is not less than its max_value ({})",
                        seq.min_value, seq.max_value
                    ),
                    "min_value must be less than max_value (a descending sequence's defaults are -9223372036854775808 and -1)",
                ),
                SequenceOptionProblem::StartOutside => (
                    at(&[&start, &min, &max]),
                    format!(
                        "the start ({}) of {what} is outside its range {}..{}",
                        seq.start, seq.min_value, seq.max_value
                    ),
                    "start from a value between min_value and max_value",
                ),
            };
            cx.err(pos, "sequence-option", message, help.to_string());
            continue;
        }
        if let Some((true, pos)) = cycle {
            if dialect == Dialect::Cockroach {
                cx.err(
                    pos,
                    "sequence-option",
                    format!("{what} cycles, and CockroachDB has no CYCLE"),
                    "CockroachDB refuses CYCLE (\"CYCLE option is not supported\"); remove `cycle: true`".to_string(),
                );
                continue;
            }
            seq.cycle = true;
        }
        if let Some(n) = get(entries, "owned_by") {
            if !matches!(n.kind, NodeKind::Null) {
                let Some(text) = cx.text(n, &format!("\"owned_by\" of {what}")) else {
                    continue;
                };
                // `table.column`, or `schema.table.column` for a table in another schema
                let owner = text
                    .rsplit_once('.')
                    .and_then(|(t, c)| Some((super::schemas::reference_key(t)?, c)))
                    .filter(|(t, _)| model.tables.contains_key(t))
                    .or_else(|| {
                        let (t, c) = text.split_once('.')?;
                        Some((super::schemas::reference_key(t)?, c))
                    });
                let Some((t, c)) = owner else {
                    cx.err(
                        n.pos,
                        "sequence-owner",
                        format!("\"owned_by\" of {what} is \"{text}\", not table.column"),
                        "write the column the sequence belongs to as `table.column` (`schema.table.column` for a table in another schema)".to_string(),
                    );
                    continue;
                };
                let t = t.as_str();
                let Some(table) = model.tables.get(t) else {
                    let hint = super::schemas::closest_key(t, model.tables.keys())
                        .map(|s| format!("did you mean \"{s}\"? "))
                        .unwrap_or_default();
                    cx.err(
                        n.pos,
                        "sequence-owner",
                        format!("{what} is owned by a column of \"{t}\", which is not a table of the model"),
                        format!("{hint}owned_by names a table of schema/ and one of its columns"),
                    );
                    continue;
                };
                if table.column(c).is_none() {
                    let hint = did_you_mean(
                        c,
                        &table
                            .columns
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>(),
                    )
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                    cx.err(
                        n.pos,
                        "sequence-owner",
                        format!("{what} is owned by \"{t}.{c}\", and table \"{t}\" has no column \"{c}\""),
                        format!("{hint}owned_by names a column of the table"),
                    );
                    continue;
                }
                seq.owned_by = Some(SequenceOwner {
                    table: t.to_string(),
                    column: c.to_string(),
                });
            }
        }
        if let Some(n) = get(entries, "renamed_from") {
            let Some(old) = cx.ident(n, &format!("\"renamed_from\" of {what}")) else {
                continue;
            };
            // the old name is in the sequence's own schema: a rename does not move it
            let old = super::schemas::sibling(&name, &old);
            if old == name {
                cx.err(
                    n.pos,
                    "invalid-rename",
                    format!("{what} is renamed from itself"),
                    "remove renamed_from, or name the sequence it used to be called".to_string(),
                );
                continue;
            }
            renamed.push((rel.clone(), n.pos, name.clone(), old.clone()));
            seq.renamed_from = Some(old);
        }
        out.insert(name, seq);
    }
    // once every sequence is known: a rename leaves no sequence of the old name, and one old
    // name becomes one sequence
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (rel, pos, name, old) in renamed {
        let mut cx = Cx { file: rel, diags };
        let problem = if out.contains_key(&old) {
            Some((
                format!("sequence \"{name}\" is renamed from \"{old}\", which the model still has"),
                format!("a rename leaves no sequence \"{old}\" behind: remove its file, or remove renamed_from to create \"{name}\" as a new sequence"),
            ))
        } else {
            sources.insert(old.clone(), name.clone()).map(|first| {
                (
                    format!("sequences \"{first}\" and \"{name}\" are both renamed from \"{old}\""),
                    "one sequence can become only one: keep renamed_from on one of them"
                        .to_string(),
                )
            })
        };
        if let Some((message, help)) = problem {
            cx.err(pos, "invalid-rename", message, help);
            if let Some(s) = out.get_mut(&name) {
                s.renamed_from = None;
            }
        }
    }
    out
}

/// `as:` of a sequence: `smallint`/`int2`, `int4`, `bigint`/`int8` (any case) as the model's
/// `INT2` / `INT4` / `INT8`. `integer` and `int` are refused: the model reads them as INT8
/// (CockroachDB's meaning, as for a column's type) where PostgreSQL's `AS integer` is INT4.
fn read_data_type(cx: &mut Cx, n: &Node, what: &str) -> Option<&'static str> {
    let text = cx.text(n, &format!("\"as\" of {what}"))?;
    if matches!(text.trim().to_ascii_lowercase().as_str(), "integer" | "int") {
        cx.err(
            n.pos,
            "sequence-type",
            format!(
                "\"as\" of {what} is {text}, which is INT4 on PostgreSQL and INT8 on CockroachDB"
            ),
            "write int4 (32-bit) or bigint (64-bit)".to_string(),
        );
        return None;
    }
    let ty = Sequence::data_type_of(&text);
    if ty.is_none() {
        cx.err(
            n.pos,
            "sequence-type",
            format!("\"as\" of {what} is {text}, not a type a sequence counts in"),
            "a sequence is smallint (int2), int4 or bigint (int8)".to_string(),
        );
    }
    ty
}

/// The name PostgreSQL gives the sequence of a SERIAL column `table.column`:
/// `table_column_seq`, the longer of the two names shortened (by whole characters) until
/// it fits in 63 bytes, as `makeObjectName` does; in the table's schema, so keyed like it
/// (`game.t_id_seq` for a column of `game.t`).
pub fn serial_sequence(table: &str, column: &str) -> String {
    super::schemas::sibling(
        table,
        &serial_sequence_name(super::schemas::name_of(table), column),
    )
}

/// [`serial_sequence`]'s own name, for a table's own name.
fn serial_sequence_name(table: &str, column: &str) -> String {
    const LABEL: &str = "seq";
    let avail = super::normalize::MAX_IDENT_BYTES - (LABEL.len() + 1) - 1;
    let (mut a, mut b): (Vec<char>, Vec<char>) =
        (table.chars().collect(), column.chars().collect());
    let bytes = |v: &[char]| v.iter().map(|c| c.len_utf8()).sum::<usize>();
    while bytes(&a) + bytes(&b) > avail {
        if bytes(&a) > bytes(&b) {
            a.pop();
        } else {
            b.pop();
        }
    }
    format!(
        "{}_{}_{LABEL}",
        a.into_iter().collect::<String>(),
        b.into_iter().collect::<String>()
    )
}

/// The SERIAL column (table, column) whose implicit sequence PostgreSQL names `name`.
pub fn serial_owner_of(model: &Model, name: &str) -> Option<(String, String)> {
    model.tables.values().find_map(|t| {
        t.columns.iter().find_map(|c| {
            (c.ty.ends_with("SERIAL") && serial_sequence(&t.name, &c.name) == name)
                .then(|| (t.name.clone(), c.name.clone()))
        })
    })
}

/// Every column default that calls `nextval` of a sequence the model does not have (nor
/// `ignore:`s as `sequence <name>`, nor is a SERIAL column's own on PostgreSQL): an
/// `unknown-sequence` error at the default.
pub fn check_nextval_defaults(model: &Model, origins: &Origins, diags: &mut Vec<Diagnostic>) {
    for t in model.tables.values() {
        for c in &t.columns {
            let Some(target) = c.default.as_deref().and_then(nextval_target) else {
                continue;
            };
            // a SERIAL column's own sequence (PostgreSQL) may be drawn from by another column
            let serial_own = model.database.dialect == Dialect::Postgres
                && serial_owner_of(model, &target).is_some();
            if serial_own
                || model.sequences.contains_key(&target)
                || model
                    .database
                    .ignore
                    .iter()
                    .any(|i| *i == format!("sequence {target}"))
            {
                continue;
            }
            let Some((file, pos)) = origins
                .get(&["default", &t.name, &c.name])
                .or_else(|| origins.get(&["column", &t.name, &c.name]))
            else {
                continue;
            };
            let hint = super::schemas::closest_key(&target, model.sequences.keys())
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default();
            let mut cx = Cx { file, diags };
            cx.err(
                pos,
                "unknown-sequence",
                format!(
                    "the default of {}.{} draws from sequence \"{target}\", which the model does not have",
                    t.name, c.name
                ),
                format!("{hint}declare it in sequences/{target}.yaml (`sequence: {target}`), or name a live sequence bmdb leaves alone in regions.yaml's ignore: (`sequence {target}`)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextval_targets() {
        for (expr, want) in [
            ("nextval('s')", Some("s")),
            ("NEXTVAL('s'::regclass)", Some("s")),
            ("nextval('public.s'::REGCLASS)", Some("s")),
            ("nextval('game.public.s':::REGCLASS)", Some("s")),
            ("nextval('\"Odd\"'::regclass)", Some("Odd")),
            ("nextval('S')", Some("s")),
            ("nextval('other.s')", Some("other.s")),
            ("nextval('public.s')", Some("s")),
            ("nextval('db.game.s':::REGCLASS)", Some("game.s")),
            ("nextval('a.b.c.d')", None),
            ("nextval('s') + 1", None),
            ("nextval('s'::text)", None),
            ("now()", None),
        ] {
            assert_eq!(nextval_target(expr).as_deref(), want, "{expr}");
        }
        assert_eq!(normalize_default("nextval('s'::regclass)"), "nextval('s')");
        assert_eq!(normalize_default("nextval('Odd')"), "nextval('odd')");
        assert_eq!(
            normalize_default("nextval('\"Odd\"'::regclass)"),
            "nextval('\"Odd\"')"
        );
        assert_eq!(normalize_default("now()"), "now()");
        assert_eq!(
            normalize_default("nextval('game.\"Odd\"'::regclass)"),
            "nextval('game.\"Odd\"')"
        );
        assert_eq!(serial_sequence("game.t", "id"), "game.t_id_seq");
        assert_eq!(serial_sequence("t", "id"), "t_id_seq");
    }
}
