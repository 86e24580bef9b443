//! views/*.yaml: views and materialized views, one file per view (issue 12 item 4;
//! docs/model.md "Views").
//!
//! ```yaml
//! view: top_players
//! materialized: false        # optional; true: CREATE MATERIALIZED VIEW
//! query: |
//!   SELECT id, name, score FROM players ORDER BY score DESC LIMIT 100
//! ```
//!
//! The query is exactly one SELECT / WITH / VALUES / TABLE statement with no `;` outside
//! its literals, read with the one SQL scanner (`crate::sql::tokens`). There is no
//! `depends_on`: the tables and views a view reads are the model's table and view names
//! that appear in the query as identifiers ([`reads`]); a column or alias that happens to
//! share a table's name only adds an ordering constraint, which is harmless.

use super::diagnostic::Diagnostic;
use super::read::{get, Cx, Origins};
use super::types::{Model, View};
use crate::sql::{tokenize, Kind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const VIEW_FILE_KEYS: &[&str] = &["view", "schema", "materialized", "query"];

/// Why `query` is not one view query, or `None` when it is.
pub fn check_query(query: &str) -> Option<(String, String)> {
    check_query_at(query).map(|(p, h, _)| (p, h))
}

/// [`check_query`], with the byte offset in `query` the problem is at.
pub fn check_query_at(query: &str) -> Option<(String, String, usize)> {
    let mut first: Option<String> = None;
    let mut last_is_line_comment = None;
    let mut prev: Option<crate::sql::Token<'_>> = None;
    for t in tokenize(query) {
        if t.kind != Kind::Space {
            last_is_line_comment = (t.kind == Kind::LineComment).then_some(t.start);
        }
        if !t.closed {
            return Some((
                "a literal, quoted identifier or comment is never closed".to_string(),
                "close it".to_string(),
                t.start,
            ));
        }
        if t.is_trivia() {
            continue;
        }
        if first.is_none() {
            first = Some(t.text.to_ascii_uppercase());
        }
        // `SELECT *` / `t.*` (not `count(*)`): both servers expand it when the view is
        // created, so the server's query would never match the model's
        if t.is_punct("*")
            && prev.is_some_and(|p| {
                p.is_word("select") || p.is_word("distinct") || p.is_punct(",") || p.is_punct(".")
            })
        {
            return Some((
                "it selects `*`".to_string(),
                "list the columns: the server expands `*` when the view is created, so the view would not follow the table and its query would read back different".to_string(),
                t.start,
            ));
        }
        prev = Some(t);
        if t.is_punct(";") {
            return Some((
                "it has a `;` outside its literals".to_string(),
                "a view's query is one statement without a trailing `;`; remove it".to_string(),
                t.start,
            ));
        }
    }
    if let (Some(at), Some(_)) = (last_is_line_comment, &first) {
        return Some((
            "it ends with a `--` comment".to_string(),
            "the statement's `;` follows the query on its last line; move the comment above or use /* */".to_string(),
            at,
        ));
    }
    match first.as_deref() {
        None => Some((
            "it is empty".to_string(),
            "write the query, e.g. `SELECT id, name FROM players`".to_string(),
            0,
        )),
        Some("SELECT" | "WITH" | "VALUES" | "TABLE") => None,
        Some("(") => None,
        Some(other) => Some((
            format!("it starts with `{other}`"),
            "a view's query starts with SELECT, WITH, VALUES or TABLE".to_string(),
            0,
        )),
    }
}

/// The names among `names` that `query` mentions as identifiers (unquoted words in any
/// case, quoted identifiers exactly): the tables and views the view reads. A name outside
/// public (`game.players`, a key of `crate::model::schemas`) is mentioned when the query
/// writes it qualified (`game.players`, `db.game.players`), as SQL must name it.
pub fn reads<'a>(query: &str, names: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    // the identifier before the last `.` seen, for `schema.name`
    let mut qualifier: Option<String> = None;
    let mut after_dot = false;
    for t in tokenize(query).filter(|t| !t.is_trivia()) {
        let ident = match t.kind {
            Kind::Word => Some(t.text.to_ascii_lowercase()),
            Kind::QuotedIdent => t.value().map(|v| v.into_owned()),
            _ => None,
        };
        match ident {
            Some(w) => {
                if let (true, Some(q)) = (after_dot, &qualifier) {
                    words.insert(format!("{q}.{w}"));
                }
                words.insert(w.clone());
                qualifier = Some(w);
                after_dot = false;
            }
            None if t.is_punct(".") && qualifier.is_some() => after_dot = true,
            None => {
                qualifier = None;
                after_dot = false;
            }
        }
    }
    names
        .into_iter()
        .filter(|n| words.contains(n.as_str()))
        .cloned()
        .collect()
}

/// Each view's depth among views: 0 when it reads only tables, 1 + the deepest view it
/// reads otherwise (a cycle counts as no further depth). Created in increasing depth,
/// dropped in decreasing depth.
pub fn depths(model: &Model) -> BTreeMap<String, usize> {
    fn depth(
        name: &str,
        model: &Model,
        seen: &mut BTreeSet<String>,
        memo: &mut BTreeMap<String, usize>,
    ) -> usize {
        if let Some(d) = memo.get(name) {
            return *d;
        }
        if !seen.insert(name.to_string()) {
            return 0;
        }
        let Some(v) = model.views.get(name) else {
            return 0;
        };
        let d = reads(&v.query, model.views.keys().filter(|k| *k != name))
            .iter()
            .map(|r| depth(r, model, seen, memo) + 1)
            .max()
            .unwrap_or(0);
        memo.insert(name.to_string(), d);
        d
    }
    let mut memo = BTreeMap::new();
    for name in model.views.keys() {
        depth(name, model, &mut BTreeSet::new(), &mut memo);
    }
    memo
}

/// Reads every `views/**/*.yaml`. A project without `views/` has no views.
pub fn read_views(
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    origins: &mut Origins,
) -> BTreeMap<String, View> {
    let mut out: BTreeMap<String, View> = BTreeMap::new();
    for rel in super::load::yaml_files(dir, "views", diags) {
        let Some(root) = super::load::read_yaml(dir, &rel, diags) else {
            continue;
        };
        let mut cx = Cx {
            file: rel.clone(),
            diags,
        };
        let Some(entries) = cx.map(&root, "a view file") else {
            continue;
        };
        cx.check_keys(entries, VIEW_FILE_KEYS, "a view file");
        let Some(name_node) = cx.require(
            entries,
            "view",
            root.pos,
            "this view file",
            "add `view: <name>` at the top (views/ holds views, one per file)",
        ) else {
            continue;
        };
        let Some(name) = super::schemas::read_object_name(&mut cx, name_node, "the view name")
        else {
            continue;
        };
        let Some(schema) = super::schemas::read_schema_key(&mut cx, entries) else {
            continue;
        };
        // keyed by its qualified name: `v`, or `game.v` in schema game
        let name = super::schemas::qualified(&schema, &name);
        if origins.get(&["table", &name]).is_some() {
            cx.err(
                name_node.pos,
                "duplicate-view",
                format!("view \"{name}\" has the name of a table"),
                "a view and a table share one namespace; rename one of them".to_string(),
            );
            continue;
        }
        if let Some((first, _)) = origins.get(&["view", &name]) {
            cx.err(
                name_node.pos,
                "duplicate-view",
                format!("view \"{name}\" is also defined in {}", first.display()),
                "keep one file per view; merge or rename one of them".to_string(),
            );
            continue;
        }
        origins.set(&["view", &name], &rel, name_node.pos);
        let what = format!("view \"{name}\"");
        let materialized = match get(entries, "materialized") {
            Some(n) => match cx.boolean(n, "\"materialized\"") {
                Some(b) => b,
                None => continue,
            },
            None => false,
        };
        let Some(query_node) = cx.require(
            entries,
            "query",
            name_node.pos,
            &what,
            "add `query: |` followed by the SELECT, indented",
        ) else {
            continue;
        };
        let Some(query) = cx.text(query_node, &format!("the query of {what}")) else {
            continue;
        };
        let query = query.trim().to_string();
        if let Some((problem, help, at)) = check_query_at(&query) {
            // the problem's own line and column: a block scalar's lines keep the indentation
            // of its first line (the node's column)
            let before = &query[..at];
            let lines = before.matches('\n').count();
            let col = match before.rfind('\n') {
                Some(nl) => query_node.pos.col + (at - nl - 1),
                None => query_node.pos.col + at,
            };
            cx.err(
                super::yaml::Pos {
                    line: query_node.pos.line + lines,
                    col,
                },
                "invalid-query",
                format!("the query of {what} is not one view query: {problem}"),
                help,
            );
            continue;
        }
        out.insert(
            name.clone(),
            View {
                name,
                materialized,
                query,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        assert!(check_query("SELECT 1").is_none());
        assert!(check_query("with x as (select 1 as one) select one from x").is_none());
        assert!(check_query("VALUES (1)").is_none());
        assert!(check_query("TABLE players").is_none());
        assert!(check_query("SELECT ';' AS semi -- ;\n").is_some());
        assert!(check_query("SELECT ';' AS semi /* ; */").is_none());
        assert!(check_query("SELECT 1;").is_some());
        assert!(check_query("SELECT * FROM players").is_some());
        assert!(check_query("SELECT p.* FROM players p").is_some());
        assert!(check_query("SELECT id, * FROM players").is_some());
        assert!(check_query("SELECT count(*), 2 * 3 FROM players").is_none());
        assert!(check_query("SELECT 1; DROP TABLE x").is_some());
        assert!(check_query("DELETE FROM players").is_some());
        assert!(check_query("  -- nothing\n").is_some());
        assert!(check_query("SELECT 'open").is_some());
    }

    #[test]
    fn reads_names() {
        let names = ["players".to_string(), "guilds".to_string(), "x".to_string()];
        let r = reads(
            "SELECT p.id FROM Players p JOIN \"guilds\" g ON g.id = p.guild -- x\n WHERE 'x' = ''",
            names.iter(),
        );
        assert_eq!(
            r.into_iter().collect::<Vec<_>>(),
            vec!["guilds".to_string(), "players".to_string()]
        );
        // a table outside public is read when the query names it qualified
        let names = ["game.players".to_string(), "other.players".to_string()];
        let r = reads(
            "SELECT p.id FROM db.game.players p JOIN other . \"players\" o ON true",
            names.iter(),
        );
        assert_eq!(r.len(), 2, "{r:?}");
        let r = reads("SELECT id FROM players", names.iter());
        assert!(r.is_empty(), "{r:?}");
    }
}
