//! Views and materialized views: the changes between two models' `views`. Kept apart from
//! the table differ, which runs first: a view over a column the plan drops, retypes or
//! renames is dropped before that change and created again after it (neither server lets a
//! column a view depends on go, or change type, under the view; CockroachDB does not rename
//! it either), and so is every view that reads a view dropped that way.
//!
//! A changed view is one `replace_view` step (DROP then CREATE) when nothing forces the two
//! apart: CREATE OR REPLACE VIEW may only add columns at the end of the view on both
//! servers (docs/model.md "Views" cites both), so bmdb never relies on it. Queries are
//! compared by their fingerprints (`crate::sql::query_fingerprint`), so PostgreSQL's
//! deparsed text and the model's agree.

use super::change::Change;
use crate::model::types::*;
use crate::model::views::reads;
use crate::sql::{query_fingerprint, tokenize};
use std::collections::{BTreeMap, BTreeSet};

/// Whether two views are the same view as far as the servers can tell.
pub fn same_view(a: &View, b: &View) -> bool {
    a.materialized == b.materialized && query_fingerprint(&a.query) == query_fingerprint(&b.query)
}

/// The column a table change takes from under the views that read it: a drop, a retype, a
/// rename or a computed column dropped and added again (`table.column`), or a dropped table (`table`).
fn taken(c: &Change) -> Option<(String, Option<String>)> {
    match c {
        Change::DropColumn { table, column } => Some((table.clone(), Some(column.name.clone()))),
        Change::AlterColumnType { table, column, .. } => {
            Some((table.clone(), Some(column.clone())))
        }
        Change::RenameColumn { table, from, .. } => Some((table.clone(), Some(from.clone()))),
        Change::SetColumnCollation { table, column, .. } => {
            Some((table.clone(), Some(column.clone())))
        }
        Change::ReplaceComputedColumn { table, from, .. } => {
            Some((table.clone(), Some(from.name.clone())))
        }
        Change::DropTable { table } => Some((table.name.clone(), None)),
        _ => None,
    }
}

/// Whether `view` (as it is in the database) depends on what `taken` takes.
fn depends_on(view: &View, table: &str, column: Option<&str>) -> bool {
    if reads(&view.query, [&table.to_string()]).is_empty() {
        return false;
    }
    let Some(column) = column else {
        return true;
    };
    // `SELECT *` is expanded when the view is created: it depends on every column
    // (a `*` after SELECT, `,` or `t.`; not `count(*)` nor a product)
    let toks: Vec<_> = tokenize(&view.query).filter(|t| !t.is_trivia()).collect();
    let star = toks.windows(2).any(|w| {
        w[1].is_punct("*")
            && (w[0].is_word("select")
                || w[0].is_word("distinct")
                || w[0].is_punct(",")
                || w[0].is_punct("."))
    });
    star || !reads(&view.query, [&column.to_string()]).is_empty()
}

/// Creates, replacements and drops of views, after the table changes in `out`.
pub fn diff_views(current: &Model, desired: &Model, out: &mut Vec<Change>) {
    // what each live view is rebuilt for: the first column change under it
    let mut rebuilt: BTreeMap<String, String> = BTreeMap::new();
    for c in out.iter() {
        let Some((table, column)) = taken(c) else {
            continue;
        };
        for (name, v) in &current.views {
            if desired.views.contains_key(name) && depends_on(v, &table, column.as_deref()) {
                let what = match &column {
                    Some(col) => format!("{} of {table}.{col}", c.kind().replace('_', " ")),
                    None => format!("drop table of {table}"),
                };
                rebuilt.entry(name.clone()).or_insert(what);
            }
        }
    }
    // a view that is dropped or replaced takes the live views reading it along
    let changed: BTreeSet<String> = current
        .views
        .iter()
        .filter(|(n, h)| desired.views.get(*n).is_none_or(|w| !same_view(h, w)))
        .map(|(n, _)| n.clone())
        .collect();
    loop {
        let gone: BTreeSet<String> = rebuilt.keys().chain(changed.iter()).cloned().collect();
        let mut more = Vec::new();
        for (name, v) in &current.views {
            if gone.contains(name) || !desired.views.contains_key(name) {
                continue;
            }
            if let Some(r) = reads(&v.query, gone.iter()).into_iter().next() {
                more.push((name.clone(), format!("view {r} dropped under it")));
            }
        }
        if more.is_empty() {
            break;
        }
        rebuilt.extend(more);
    }
    for (name, w) in &desired.views {
        match current.views.get(name) {
            None => out.push(Change::CreateView {
                view: w.clone(),
                rebuilt_for: None,
            }),
            Some(h) => {
                if let Some(why) = rebuilt.get(name) {
                    out.push(Change::DropView {
                        view: h.clone(),
                        rebuilt_for: Some(why.clone()),
                    });
                    out.push(Change::CreateView {
                        view: w.clone(),
                        rebuilt_for: Some(why.clone()),
                    });
                } else if !same_view(h, w) {
                    // a replaced view read by another view is dropped with it (above): here
                    // nothing reads it, so one step does both
                    out.push(Change::ReplaceView {
                        from: h.clone(),
                        to: w.clone(),
                    });
                }
            }
        }
    }
    for (name, h) in &current.views {
        if !desired.views.contains_key(name) {
            out.push(Change::DropView {
                view: h.clone(),
                rebuilt_for: None,
            });
        }
    }
}
