//! catalog: the live database read back into bmdb's normalised `Model`, so the differ can
//! compare it with the YAML. One reader per dialect (a fixed number of catalog queries
//! whatever the number of tables), the projection of a desired model onto what a dialect
//! can hold, expression reconciliation, the live-vs-model differences (what `bmdb drift` and
//! apply's final check name), and the YAML writer of inspect.
//!
//! Stage: beside the pipeline; may import model, diff, dialect, db, sql and zones — never
//! apply, drift or project (docs/architecture.md).

pub mod cockroach;
pub mod difference;
pub mod expr;
pub mod postgres;
pub mod privileges;
pub mod write_yaml;

use crate::db::Connection;
use crate::diff;
use crate::model::types::*;
use anyhow::Result;

/// What reading the catalog cost, and what it could not represent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CatalogStats {
    /// Catalog queries sent; fixed per dialect, independent of the number of tables.
    pub queries: usize,
    /// Objects the model cannot express (expression indexes, exclusion constraints ...),
    /// each as `object: reason`; they are left out of the live model.
    pub skipped: Vec<String>,
    /// CockroachDB tables with `schema_locked` on (v26.1 creates every table so). Not part
    /// of the model, so never drift: the renderer unlocks them around the statements that
    /// cannot unlock a table themselves (`render::UNLOCKING_KINDS`).
    pub schema_locked: std::collections::BTreeSet<String>,
}

/// Whether the model can hold a live schema of this name (`crate::model::schemas`): a
/// lower-case word the server does not reserve.
pub fn schema_managed(schema: &str) -> bool {
    schema == crate::model::schemas::PUBLIC
        || (crate::model::schemas::valid_schema_name(schema)
            && crate::model::schemas::reserved_schema(schema).is_none())
}

/// The key of live object `name` of `kind` (`table`, `view`, `sequence`, `enum`) in
/// `schema`, or `None` with a "not managed" note when the model cannot hold it: its schema's
/// name is not a lower-case word, or its own name holds a `.` (which would read as a schema).
pub fn live_key(schema: &str, name: &str, kind: &str, notes: &mut Vec<String>) -> Option<String> {
    let shown = crate::model::schemas::qualified(schema, name);
    if !schema_managed(schema) {
        notes.push(format!(
            "{kind} {shown}: in schema {schema}, whose name is not a lower-case word; not managed by bmdb"
        ));
        return None;
    }
    if name.contains('.') {
        notes.push(format!(
            "{kind} {shown}: its name holds a '.'; not managed by bmdb"
        ));
        return None;
    }
    Some(shown)
}

/// The live schemas other than public the model can hold; each other one is named.
pub fn live_schemas(
    names: impl IntoIterator<Item = String>,
    notes: &mut Vec<String>,
) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for s in names {
        if s == crate::model::schemas::PUBLIC {
            continue;
        }
        if schema_managed(&s) {
            out.insert(s);
        } else {
            notes.push(format!(
                "schema {s}: its name is not a lower-case word; not managed by bmdb, nor what it holds"
            ));
        }
    }
    out
}

/// Reads the live schema of the connection's current database, dispatching on its dialect.
pub fn read_catalog(conn: &mut Connection) -> Result<(Model, CatalogStats)> {
    match conn.dialect {
        Dialect::Postgres => postgres::read_postgres_with_stats(&mut conn.client),
        Dialect::Cockroach => cockroach::read_cockroach(
            &mut conn.client,
            crate::model::types::CrdbVersion::parse(&conn.server_version),
        ),
    }
}

/// [`read_catalog`], with a second session of the same server for the reads that can run
/// beside the table reads (PostgreSQL: unmanaged objects, roles, privileges, enums); without
/// one, or on CockroachDB, everything goes through `conn`.
pub fn read_catalog_beside(
    conn: &mut Connection,
    side: Option<&mut Connection>,
) -> Result<(Model, CatalogStats)> {
    match conn.dialect {
        Dialect::Postgres => {
            postgres::read_postgres_sessions(&mut conn.client, side.map(|s| &mut s.client))
        }
        Dialect::Cockroach => read_catalog(conn),
    }
}

/// Whether the catalog note `line` (`view v: not managed by bmdb`, `t.doc: type tsvector
/// ...`, `t@t_m: ...`) is about an object of `ignore` (regions.yaml's `ignore:`): its subject
/// (before the first `": "`) is an entry, or belongs to an ignored table.
pub fn is_ignored(line: &str, ignore: &[String]) -> bool {
    let subject = line.split(": ").next().unwrap_or(line);
    ignore.iter().any(|entry| {
        if entry == subject || entry.strip_prefix("column ") == Some(subject) {
            return true;
        }
        // `schema legacy`: the schema and everything in it (`table legacy.t`, `legacy.t.c`)
        if let Some(s) = entry.strip_prefix("schema ") {
            let prefix = format!("{s}.");
            return subject
                .split_whitespace()
                .any(|w| w.starts_with(&prefix) || w == s);
        }
        match entry.strip_prefix("table ") {
            Some(t) => {
                subject == t
                    || subject.strip_prefix(t).is_some_and(|rest| {
                        rest.starts_with('.') || rest.starts_with('@') || rest.starts_with(' ')
                    })
                    || subject.ends_with(&format!(" on {t}"))
            }
            None => false,
        }
    })
}

/// Leaves out of a live read what the project ignores on purpose (`ignore:`): ignored
/// tables, enums, sequences and views are removed from `live`, and the notes about ignored objects from
/// `stats`. Called by every command that reads a live database for a project.
pub fn drop_ignored(live: &mut Model, stats: &mut CatalogStats, ignore: &[String]) {
    if ignore.is_empty() {
        return;
    }
    // `schema legacy`: the schema is never dropped, and neither is anything in it
    let schemas: Vec<&str> = ignore
        .iter()
        .filter_map(|e| e.strip_prefix("schema "))
        .collect();
    let in_ignored = |key: &String| schemas.contains(&crate::model::schemas::schema_of(key));
    live.database
        .schemas
        .retain(|s| !schemas.contains(&s.as_str()));
    live.tables.retain(|t, _| !in_ignored(t));
    live.enums.retain(|t, _| !in_ignored(t));
    live.sequences.retain(|t, _| !in_ignored(t));
    live.views.retain(|t, _| !in_ignored(t));
    live.tables
        .retain(|t, _| !ignore.iter().any(|e| e.strip_prefix("table ") == Some(t)));
    live.enums
        .retain(|n, _| !ignore.iter().any(|e| e.strip_prefix("enum ") == Some(n)));
    live.sequences.retain(|n, _| {
        !ignore
            .iter()
            .any(|e| e.strip_prefix("sequence ") == Some(n))
    });
    live.views.retain(|n, _| {
        !ignore.iter().any(|e| {
            e.strip_prefix("view ") == Some(n) || e.strip_prefix("materialized view ") == Some(n)
        })
    });
    for (t, c) in ignore
        .iter()
        .filter_map(|e| e.strip_prefix("column ")?.split_once('.'))
    {
        if let Some(table) = live.tables.get_mut(t) {
            table.columns.retain(|col| col.name != c);
        }
    }
    stats.skipped.retain(|line| !is_ignored(line, ignore));
}

/// The desired model as a server of `dialect` can hold it: what the dialect lacks
/// (`dialect::FEATURES`: regions, zones, locality, TTL, hash sharding, CockroachDB-only
/// defaults ...) is projected away exactly as the rendering leaves it out, so it never shows
/// up as drift.
pub fn comparable(desired: &Model, dialect: Dialect) -> Model {
    let mut m = desired.clone();
    for t in m.tables.values_mut() {
        for c in &mut t.columns {
            c.renamed_from = None;
        }
    }
    crate::dialect::project(&mut m, dialect);
    m
}

/// Makes `live` take the model's spelling wherever the two say the same thing in
/// different words: a default, check or index predicate the server deparsed
/// (`'active'::text`, `((a > 0) AND (b > 0))`), and the database name. Anything that
/// really differs is left alone, so the differ still sees it.
pub fn reconcile(live: &mut Model, desired: &Model) {
    live.database.name = desired.database.name.clone();
    // what the reader could not read is not known to differ: the model's word stands (the
    // reader's note says it was not read)
    let unread = std::mem::take(&mut live.database.unread);
    if unread.contains(cockroach::SEQUENCE_OWNERS) {
        for (name, s) in live.sequences.iter_mut() {
            let w = desired.sequences.get(name).or_else(|| {
                desired
                    .sequences
                    .values()
                    .find(|w| w.renamed_from.as_deref() == Some(name.as_str()))
            });
            if let Some(w) = w {
                s.owned_by = w.owned_by.clone();
            }
        }
    }
    // a view the server gave back deparsed (PostgreSQL) or qualified (CockroachDB) with the
    // model's fingerprint is the model's view, in the model's words
    for (name, v) in live.views.iter_mut() {
        if let Some(w) = desired.views.get(name) {
            if crate::diff::views::same_view(v, w) {
                v.query = w.query.clone();
            }
        }
    }
    // roles are compared only when the project manages them (it has roles.yaml)
    if desired.roles.is_none() {
        live.roles = None;
    }
    // the role bmdb is connected as is the operator's unless roles.yaml declares it
    if let (Some(have), Some(want)) = (live.roles.as_mut(), desired.roles.as_ref()) {
        have.retain(|name, r| !r.connected || want.contains_key(name));
        for r in have.values_mut() {
            r.connected = false;
        }
    }
    live.database.expectations = desired.database.expectations.clone();
    live.database.ignore = desired.database.ignore.clone();
    let ignore = desired.database.ignore.clone();
    drop_ignored(live, &mut CatalogStats::default(), &ignore);
    // backup schedules are compared only when the project manages them (backups.yaml)
    if desired.database.backup_schedules.is_none() {
        live.database.backup_schedules = None;
    }
    for (name, want) in &desired.tables {
        let Some(have) = live.tables.get_mut(name) else {
            continue;
        };
        for c in &mut have.columns {
            let Some(w) = want.column(&c.name) else {
                continue;
            };
            if let (Some(h), Some(wd)) = (&c.default, &w.default) {
                if h != wd && expr::same_expr(h, wd) {
                    c.default = Some(wd.clone());
                }
            }
            if let (Some(h), Some(wk)) = (&mut c.computed, &w.computed) {
                if h.expr != wk.expr && expr::same_expr(&h.expr, &wk.expr) {
                    h.expr = wk.expr.clone();
                }
            }
        }
        // CockroachDB prints a TTL's expiration expression as it stores it, which some
        // releases parenthesise (`e'(expires_at)'`)
        if let (Some(h), Some(w)) = (&mut have.ttl, &want.ttl) {
            if let (Some(he), Some(we)) = (&h.expiration_expression, &w.expiration_expression) {
                if he != we && expr::same_expr(he, we) {
                    h.expiration_expression = Some(we.clone());
                }
            }
            // releases that print the job's cron whether set or not print the default
            if w.job_cron.is_none() && h.job_cron.as_deref() == Some(cockroach::TTL_DEFAULT_CRON) {
                h.job_cron = None;
            }
        }
        for ch in &mut have.checks {
            if let Some(w) = want.checks.iter().find(|w| w.name == ch.name) {
                if ch.expr != w.expr && expr::same_expr(&ch.expr, &w.expr) {
                    ch.expr = w.expr.clone();
                }
            }
        }
        for ix in &mut have.indexes {
            if let Some(w) = want.index(&ix.name) {
                if let (Some(h), Some(wp)) = (&ix.predicate, &w.predicate) {
                    if h != wp && expr::same_expr(h, wp) {
                        ix.predicate = Some(wp.clone());
                    }
                }
            }
        }
    }
    if live.database.dialect == Dialect::Cockroach {
        cockroach::reconcile_unique(live, desired);
    }
    cockroach::reconcile_range_zones(live, desired);
}

/// PostgreSQL keeps a view as a parse tree and writes it back its own way (`pg_get_viewdef`:
/// output aliases resolved, joins and conditions parenthesised ...), more than
/// `sql::query_fingerprint` can undo. A live view whose query differs from the model's by
/// fingerprint is compared once more against the model's query as this server writes it
/// back (`postgres::deparse_queries`, a fixed number of statements, sent only when some view
/// differs): the same text is the model's view, and takes the model's words. Best effort: a
/// server that cannot deparse (a read-only session) leaves the views as read.
pub fn reconcile_views_on_server(conn: &mut Connection, live: &mut Model, desired: &Model) {
    if conn.dialect != Dialect::Postgres {
        return;
    }
    let differing: Vec<(String, String)> = live
        .views
        .iter()
        .filter_map(|(name, v)| {
            let w = desired.views.get(name)?;
            (w.materialized == v.materialized && !crate::diff::views::same_view(v, w))
                .then(|| (name.clone(), w.query.clone()))
        })
        .collect();
    if differing.is_empty() {
        return;
    }
    let Ok(deparsed) = postgres::deparse_queries(&mut conn.client, &differing) else {
        return;
    };
    for (name, text) in deparsed {
        if let (Some(v), Some(w)) = (live.views.get_mut(&name), desired.views.get(&name)) {
            if crate::sql::query_fingerprint(&text) == crate::sql::query_fingerprint(&v.query) {
                v.query = w.query.clone();
            }
        }
    }
}

/// The changes that would turn the live schema into the model, after projecting the
/// model onto the live dialect and reconciling spellings. Empty = no drift.
pub fn live_changes(live: &Model, desired: &Model) -> (Model, Model, Vec<diff::Change>) {
    let want = comparable(desired, live.database.dialect);
    let mut have = live.clone();
    reconcile(&mut have, &want);
    let changes = diff::diff(&have, &want);
    (have, want, changes)
}

/// Reads the catalog again and fails, naming every difference, when the live schema does
/// not match `desired`. `bmdb apply` calls this after its last migration.
pub fn verify_live(conn: &mut Connection, desired: &Model) -> Result<()> {
    verify_live_as(conn, desired, "after applying, the live schema")
}

/// `verify_live`, with the message's subject: `lead` says when the schema was read.
pub fn verify_live_as(conn: &mut Connection, desired: &Model, lead: &str) -> Result<()> {
    let (mut live, _) = read_catalog(conn)?;
    reconcile_views_on_server(conn, &mut live, desired);
    let (have, want, changes) = live_changes(&live, desired);
    if changes.is_empty() {
        return Ok(());
    }
    let diffs = difference::describe_all(&changes, &have, &want);
    let mut msg = format!(
        "{lead} of {} does not match the model ({} difference{}):",
        conn.url.redacted(),
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" }
    );
    for d in &diffs {
        msg.push_str(&format!(
            "\n  {}: {} (expected {}, actual {})",
            d.object, d.what, d.expected, d.actual
        ));
    }
    msg.push_str("\n  help: run `bmdb drift` for the full report; a migration edited by hand or a change made outside bmdb is the usual cause; `bmdb plan --url` shows the repair");
    anyhow::bail!(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, connected: bool) -> (String, Role) {
        (
            name.to_string(),
            Role {
                name: name.to_string(),
                connected,
                ..Role::default()
            },
        )
    }

    /// The role bmdb connects as is compared when roles.yaml declares it (BlueMarble's
    /// migrator running `bmdb apply`) and left out when it does not (the operator's).
    #[test]
    fn the_connected_role_counts_only_when_declared() {
        let desired = Model {
            roles: Some([role("migrator", false)].into_iter().collect()),
            ..Model::default()
        };
        let live = Model {
            roles: Some([role("migrator", true)].into_iter().collect()),
            ..Model::default()
        };
        let (_, _, changes) = live_changes(&live, &desired);
        assert!(changes.is_empty(), "{changes:?}");
        let operator = Model {
            roles: Some(
                [role("migrator", false), role("ops", true)]
                    .into_iter()
                    .collect(),
            ),
            ..Model::default()
        };
        let (_, _, changes) = live_changes(&operator, &desired);
        assert!(changes.is_empty(), "{changes:?}");
        let stranger = Model {
            roles: Some(
                [role("migrator", false), role("intruder", false)]
                    .into_iter()
                    .collect(),
            ),
            ..Model::default()
        };
        let (_, _, changes) = live_changes(&stranger, &desired);
        assert_eq!(changes.len(), 1, "{changes:?}");
    }

    #[test]
    fn ignored_objects_are_left_out_of_the_read() {
        let ignore = vec![
            "view v".to_string(),
            "table legacy".to_string(),
            "enum mood".to_string(),
            "column players.doc".to_string(),
        ];
        let mut live = Model::default();
        for t in ["legacy", "players"] {
            live.tables.insert(
                t.into(),
                Table {
                    name: t.into(),
                    columns: ["id", "doc"]
                        .map(|c| Column {
                            name: c.into(),
                            ty: "INT8".into(),
                            ..Default::default()
                        })
                        .to_vec(),
                    ..Default::default()
                },
            );
        }
        live.enums.insert(
            "mood".into(),
            EnumType {
                name: "mood".into(),
                ..Default::default()
            },
        );
        let mut stats = CatalogStats {
            queries: 8,
            skipped: [
                "view v: not managed by bmdb",
                "view vv: not managed by bmdb",
                "legacy.doc: type tsvector is not one bmdb models; kept as written",
                "legacy@legacy_idx: expression index; bmdb models column indexes only",
                "trigger touch on legacy: not managed by bmdb",
                "legacy_two.x: generated column; its expression is not modelled",
                "players.doc: type tsvector is not one bmdb models; kept as written",
            ]
            .map(String::from)
            .to_vec(),
            ..Default::default()
        };
        drop_ignored(&mut live, &mut stats, &ignore);
        assert_eq!(live.tables.keys().collect::<Vec<_>>(), ["players"]);
        assert_eq!(live.tables["players"].columns.len(), 1);
        assert!(live.enums.is_empty());
        assert_eq!(
            stats.skipped,
            [
                "view vv: not managed by bmdb",
                "legacy_two.x: generated column; its expression is not modelled"
            ]
        );
    }
}
