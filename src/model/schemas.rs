//! Schemas other than `public` (issue 12 item 6; docs/model.md "Schemas").
//!
//! An object of the model (table, view, sequence, enum type) lives in the schema its file's
//! `schema:` key names, `public` when it names none. Its key in the model — the key of
//! `Model::tables` and the others, its `name` field, what a foreign key's `references`, a
//! column's enum type, a `nextval`, an `owned_by` and a grant name it by — is its
//! **qualified name**: `name` in `public`, `schema.name` in any other schema. So two tables
//! `a.t` and `b.t` are two objects, a public object keeps the key (and the lock state, and
//! the rendered SQL) it always had, and every stage that compares keys compares (schema,
//! name). What renders SQL splits the key back into its two parts ([`split`]).
//!
//! The split is unambiguous because a schema's name is a lower-case SQL word (so it never
//! needs quotes and reads back from both catalogs as written, like an enum's name) and an
//! object's own name never holds a `.` (the loader refuses one; a live object named so is
//! named as not managed).

use std::collections::BTreeSet;

/// The schema of every object that names none.
pub const PUBLIC: &str = "public";

/// The key of object `name` in `schema`: `name` in public, `schema.name` elsewhere.
pub fn qualified(schema: &str, name: &str) -> String {
    if schema == PUBLIC || schema.is_empty() {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// (schema, name) of a key: `a.t` -> (`a`, `t`), `t` -> (`public`, `t`).
pub fn split(key: &str) -> (&str, &str) {
    match key.split_once('.') {
        Some((schema, name)) => (schema, name),
        None => (PUBLIC, key),
    }
}

/// The schema of a key.
pub fn schema_of(key: &str) -> &str {
    split(key).0
}

/// The object's own name of a key, without its schema.
pub fn name_of(key: &str) -> &str {
    split(key).1
}

/// `name` in the schema of `key`: how an index or a SERIAL column's sequence, which live in
/// their table's schema, are keyed.
pub fn sibling(key: &str, name: &str) -> String {
    qualified(schema_of(key), name)
}

/// A reference as a model file writes it (`t`, `a.t`, `public.t`) as a key; `None` when it
/// has more than two parts or an empty one.
pub fn reference_key(written: &str) -> Option<String> {
    match written.split_once('.') {
        None => (!written.is_empty()).then(|| written.to_string()),
        Some((s, n)) if !s.is_empty() && !n.is_empty() && !n.contains('.') => Some(qualified(s, n)),
        Some(_) => None,
    }
}

/// Whether `name` can be a schema's name: a lower-case SQL word (`[a-z_][a-z0-9_]*`).
pub fn valid_schema_name(name: &str) -> bool {
    crate::model::enums::valid_enum_name(name)
}

/// Why a schema of this name is the server's own, or `None` when a model may use it:
/// PostgreSQL reserves `pg_*` (pg_catalog, pg_toast, pg_temp_N ...) and information_schema;
/// CockroachDB adds crdb_internal and pg_extension.
pub fn reserved_schema(name: &str) -> Option<&'static str> {
    if name.starts_with("pg_") {
        Some("schema names beginning with pg_ are reserved for the system (pg_catalog, pg_toast, pg_extension on CockroachDB)")
    } else if name == "information_schema" {
        Some("information_schema is the SQL standard's catalog, the server's own")
    } else if name == "crdb_internal" {
        Some("crdb_internal is CockroachDB's own catalog schema")
    } else {
        None
    }
}

/// The schemas other than public that `keys` live in.
pub fn schemas_of<'a>(keys: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    keys.into_iter()
        .map(|k| schema_of(k))
        .filter(|s| *s != PUBLIC)
        .map(str::to_string)
        .collect()
}

/// Every schema other than public that `model` has: the ones it declares and the ones its
/// objects live in.
pub fn model_schemas(model: &crate::model::Model) -> BTreeSet<String> {
    let mut out = model.database.schemas.clone();
    out.extend(schemas_of(model.tables.keys()));
    out.extend(schemas_of(model.views.keys()));
    out.extend(schemas_of(model.sequences.keys()));
    out.extend(schemas_of(model.enums.keys()));
    out.remove(PUBLIC);
    out
}

/// The keys every object file (`schema/`, `views/`, `sequences/`, `types/`) accepts beside
/// its own: the schema it lives in.
pub const SCHEMA_KEY: &str = "schema";

/// The `schema:` of an object file, checked: `public` when it names none; `None` (with a
/// finding) when it names one the model cannot have.
pub(crate) fn read_schema_key(
    cx: &mut super::read::Cx,
    entries: &[(super::yaml::Key, super::yaml::Node)],
) -> Option<String> {
    let Some(node) = super::read::get(entries, SCHEMA_KEY) else {
        return Some(PUBLIC.to_string());
    };
    let name = cx.ident(node, "the schema name")?;
    check_schema_name(cx, &name, node.pos).then_some(name)
}

/// Whether `name` may be a schema of the model; a finding at `pos` when not.
pub(crate) fn check_schema_name(
    cx: &mut super::read::Cx,
    name: &str,
    pos: super::yaml::Pos,
) -> bool {
    if !valid_schema_name(name) {
        let lower = name.to_ascii_lowercase();
        cx.err(
            pos,
            "invalid-schema-name",
            format!("schema name \"{name}\" is not a lower-case SQL word"),
            if valid_schema_name(&lower) {
                format!("write it \"{lower}\": schema names are lower case, letters, digits and '_', so a qualified name never needs quotes")
            } else {
                "use lower-case letters, digits and '_' (starting with a letter or '_')".to_string()
            },
        );
        return false;
    }
    if let Some(why) = reserved_schema(name) {
        cx.err(
            pos,
            "reserved-schema",
            format!("schema \"{name}\" is the server's own"),
            format!("{why}; pick another name"),
        );
        return false;
    }
    true
}

/// An object's own name (`table:`, `view:`, `sequence:`): an identifier without a `.`, which
/// would read as a schema (the schema is the file's `schema:` key).
pub(crate) fn read_object_name(
    cx: &mut super::read::Cx,
    node: &super::yaml::Node,
    what: &str,
) -> Option<String> {
    let name = cx.ident(node, what)?;
    if let Some((s, n)) = name.split_once('.') {
        cx.err(
            node.pos,
            "invalid-identifier",
            format!("{what} \"{name}\" holds a '.'"),
            if valid_schema_name(s) && !n.is_empty() && !n.contains('.') {
                format!("an object in another schema is written with the file's `schema:` key: `schema: {s}` and the name \"{n}\"")
            } else {
                "a name may not hold a '.'; the schema is given with the file's `schema:` key".to_string()
            },
        );
        return None;
    }
    Some(name)
}

/// A reference to an object of the model as written (`t`, `a.t`, `public.t`), as its key;
/// a finding at the node when it is not one (more than two parts, an empty one).
pub(crate) fn read_reference(
    cx: &mut super::read::Cx,
    node: &super::yaml::Node,
    what: &str,
) -> Option<String> {
    let written = cx.ident(node, what)?;
    match reference_key(&written) {
        Some(k) => Some(k),
        None => {
            cx.err(
                node.pos,
                "invalid-value",
                format!("{what} \"{written}\" is neither a name nor schema.name"),
                "write the name of an object in public, or schema.name for one in another schema"
                    .to_string(),
            );
            None
        }
    }
}

/// The key among `keys` a reference `written` most likely meant: one of the same own name in
/// another schema (`players` for `game.players`: a name without its schema is public's),
/// else the closest by spelling.
pub fn closest_key<'a>(
    written: &str,
    keys: impl IntoIterator<Item = &'a String>,
) -> Option<&'a str> {
    let keys: Vec<&str> = keys.into_iter().map(String::as_str).collect();
    keys.iter()
        .find(|k| **k != written && name_of(k) == name_of(written))
        .copied()
        .or_else(|| super::normalize::did_you_mean(written, &keys).filter(|s| *s != written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_and_join() {
        assert_eq!(qualified("public", "t"), "t");
        assert_eq!(qualified("a", "t"), "a.t");
        assert_eq!(split("a.t"), ("a", "t"));
        assert_eq!(split("t"), ("public", "t"));
        assert_eq!(sibling("a.t", "t_pkey"), "a.t_pkey");
        assert_eq!(sibling("t", "t_pkey"), "t_pkey");
        assert_eq!(reference_key("public.t").as_deref(), Some("t"));
        assert_eq!(reference_key("a.t").as_deref(), Some("a.t"));
        assert_eq!(reference_key("t").as_deref(), Some("t"));
        assert_eq!(reference_key("a.b.c"), None);
        assert_eq!(reference_key(".t"), None);
        assert!(valid_schema_name("analytics"));
        assert!(!valid_schema_name("Analytics"));
        assert!(reserved_schema("pg_catalog").is_some());
        assert!(reserved_schema("crdb_internal").is_some());
        assert!(reserved_schema("information_schema").is_some());
        assert!(reserved_schema("analytics").is_none());
    }
}
