//! types/*.yaml: enum types, one file per type (issue 12 item 1; docs/model.md "Enum types").
//!
//! ```yaml
//! enum: player_status
//! values:
//!   - active
//!   - { name: suspended, renamed_from: banned }   # ALTER TYPE ... RENAME VALUE
//!   - deleted
//! ```
//!
//! A column names the enum as its type (`type: player_status`, `player_status[]`). Enum
//! names are lower-case words (`[a-z_][a-z0-9_]*`), so a column type never needs quoting
//! and reads back from both catalogs as written; CockroachDB's `crdb_internal_region` and
//! every type bmdb models (`status` may not be called `date`) are refused.

use super::diagnostic::Diagnostic;
use super::normalize::canonical_type;
use super::read::{get, Cx, Origins};
use super::types::{Dialect, EnumType};
use super::yaml::NodeKind;
use std::collections::BTreeMap;
use std::path::Path;

pub const ENUM_FILE_KEYS: &[&str] = &["enum", "schema", "values"];
pub const ENUM_VALUE_KEYS: &[&str] = &["name", "renamed_from"];
/// PostgreSQL's NAMEDATALEN - 1: the longest enum label both servers keep.
pub const MAX_LABEL_BYTES: usize = 63;

/// Whether `name` can be an enum's name: a lower-case SQL word that is not a type bmdb
/// already models nor the database's own region type.
pub fn valid_enum_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A type name bmdb models itself (or the database's region enum): never an enum's name.
pub fn is_reserved_type_name(name: &str) -> bool {
    canonical_type(name, Dialect::Cockroach).is_some()
        || canonical_type(name, Dialect::Postgres).is_some()
        || name.eq_ignore_ascii_case("crdb_internal_region")
}

/// The enum a column type names (`status`, `status[]`, `public.status`, `game.status`,
/// `db.game.status` as CockroachDB may qualify it), if it is one of `enums` (keyed by
/// qualified name, `crate::model::schemas`).
pub fn enum_of<'a>(ty: &str, enums: &'a BTreeMap<String, EnumType>) -> Option<&'a EnumType> {
    enums.get(&enum_key(ty)?)
}

/// The key a column type names an enum by (`game.status[]` -> `game.status`), whether or not
/// the model has it; `None` when it cannot be an enum's name.
pub fn enum_key(ty: &str) -> Option<String> {
    let base = ty.trim().trim_end_matches("[]");
    // a name that is a keyword comes back quoted from format_type (`"order"`)
    let unquote = |p: &str| {
        p.strip_prefix('"')
            .and_then(|b| b.strip_suffix('"'))
            .unwrap_or(p)
            .to_string()
    };
    let parts: Vec<String> = base.split('.').map(unquote).collect();
    let (schema, name) = match parts.as_slice() {
        [n] => (super::schemas::PUBLIC, n.as_str()),
        [s, n] | [_, s, n] => (s.as_str(), n.as_str()),
        _ => return None,
    };
    (!name.is_empty()).then(|| super::schemas::qualified(schema, name))
}

/// Reads every `types/**/*.yaml`. A project without `types/` has no enums.
pub fn read_types(
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    origins: &mut Origins,
) -> BTreeMap<String, EnumType> {
    let mut out: BTreeMap<String, EnumType> = BTreeMap::new();
    for rel in super::load::yaml_files(dir, "types", diags) {
        let Some(root) = super::load::read_yaml(dir, &rel, diags) else {
            continue;
        };
        let mut cx = Cx {
            file: rel.clone(),
            diags,
        };
        let Some(entries) = cx.map(&root, "a type file") else {
            continue;
        };
        cx.check_keys(entries, ENUM_FILE_KEYS, "a type file");
        let Some(name_node) = cx.require(
            entries,
            "enum",
            root.pos,
            "this type file",
            "add `enum: <name>` at the top (types/ holds enum types, one per file)",
        ) else {
            continue;
        };
        let Some(name) = cx.ident(name_node, "the enum name") else {
            continue;
        };
        if !valid_enum_name(&name) {
            let lower = name.to_ascii_lowercase();
            cx.err(
                name_node.pos,
                "invalid-type-name",
                format!("enum name \"{name}\" is not a lower-case SQL word"),
                if valid_enum_name(&lower) {
                    format!("write it \"{lower}\": enum names are lower case, letters, digits and '_', so a column type never needs quotes")
                } else {
                    "use lower-case letters, digits and '_' (starting with a letter or '_')"
                        .to_string()
                },
            );
            continue;
        }
        if is_reserved_type_name(&name) {
            cx.err(
                name_node.pos,
                "reserved-type",
                format!("enum name \"{name}\" is a type the server already has"),
                if name == "crdb_internal_region" {
                    "crdb_internal_region is CockroachDB's own region enum, managed through `regions:` in regions.yaml".to_string()
                } else {
                    format!("pick another name, e.g. \"{name}_kind\"")
                },
            );
            continue;
        }
        let Some(schema) = super::schemas::read_schema_key(&mut cx, entries) else {
            continue;
        };
        // keyed by its qualified name: `mood`, or `game.mood` in schema game
        let name = super::schemas::qualified(&schema, &name);
        if let Some((first, _)) = origins.get(&["enum", &name]) {
            cx.err(
                name_node.pos,
                "duplicate-type",
                format!("enum \"{name}\" is also defined in {}", first.display()),
                "keep one file per type; merge or rename one of them".to_string(),
            );
            continue;
        }
        origins.set(&["enum", &name], &rel, name_node.pos);
        let what = format!("enum \"{name}\"");
        let mut e = EnumType {
            name: name.clone(),
            ..Default::default()
        };
        let Some(values_node) = cx.require(
            entries,
            "values",
            name_node.pos,
            &what,
            "add `values: [a, b, c]`, in the order the type sorts them",
        ) else {
            continue;
        };
        let Some(items) = cx.seq(values_node, &format!("the values of {what}")) else {
            continue;
        };
        let mut renames: Vec<(String, String, super::yaml::Pos)> = Vec::new();
        for item in items {
            let (label, pos, from) = match &item.kind {
                NodeKind::Map(m) => {
                    cx.check_keys(m, ENUM_VALUE_KEYS, &format!("a value of {what}"));
                    let Some(n) = cx.require(
                        m,
                        "name",
                        item.pos,
                        &format!("a value of {what}"),
                        "add `name: <value>`",
                    ) else {
                        continue;
                    };
                    let Some(label) = cx.text(n, &format!("a value of {what}")) else {
                        continue;
                    };
                    let from = get(m, "renamed_from")
                        .and_then(|r| cx.text(r, "\"renamed_from\"").map(|s| (s, r.pos)));
                    (label, n.pos, from)
                }
                _ => {
                    let Some(label) = cx.text(item, &format!("a value of {what}")) else {
                        continue;
                    };
                    (label, item.pos, None)
                }
            };
            if label.is_empty() || label.len() > MAX_LABEL_BYTES {
                cx.err(
                    pos,
                    "invalid-value",
                    format!(
                        "value \"{}\" of {what} is {} bytes long",
                        label.escape_debug(),
                        label.len()
                    ),
                    format!("an enum value has 1 to {MAX_LABEL_BYTES} bytes"),
                );
                continue;
            }
            if label.chars().any(super::read::forbidden_in_identifier) {
                cx.err(
                    pos,
                    "invalid-value",
                    format!(
                        "value \"{}\" of {what} contains a control character",
                        label.escape_debug()
                    ),
                    "enum values may not contain newlines, tabs or other control characters"
                        .to_string(),
                );
                continue;
            }
            if e.values.contains(&label) {
                cx.err(
                    pos,
                    "duplicate-name",
                    format!("value \"{label}\" is listed twice in {what}"),
                    "list each value once".to_string(),
                );
                continue;
            }
            origins.set(&["enumvalue", &name, &label], &rel, pos);
            if let Some((from, fpos)) = from {
                renames.push((label.clone(), from, fpos));
            }
            e.values.push(label);
        }
        for (to, from, pos) in renames {
            let problem = if from == to {
                Some(format!("value \"{to}\" of {what} is renamed from itself"))
            } else if e.values.contains(&from) {
                Some(format!(
                    "value \"{to}\" of {what} is renamed from \"{from}\", which the type still lists"
                ))
            } else if e.renamed_from.values().any(|f| *f == from) {
                Some(format!("two values of {what} are renamed from \"{from}\""))
            } else {
                None
            };
            match problem {
                Some(message) => cx.err(
                    pos,
                    "invalid-rename",
                    message,
                    "renamed_from names the value's old label, which the type no longer lists; remove it once the rename is applied".to_string(),
                ),
                None => {
                    e.renamed_from.insert(to, from);
                }
            }
        }
        out.insert(name, e);
    }
    out
}

/// The `unknown-type` help for a column type that is neither a modelled type nor one of
/// `enums`: the closest enum when there is one.
pub fn closest_enum<'a>(raw: &str, enums: &'a BTreeMap<String, EnumType>) -> Option<&'a str> {
    let base = raw.trim().trim_end_matches("[]").to_ascii_lowercase();
    super::schemas::closest_key(&base, enums.keys())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names() {
        assert!(valid_enum_name("player_status"));
        assert!(valid_enum_name("_x1"));
        assert!(!valid_enum_name("Status"));
        assert!(!valid_enum_name("1st"));
        assert!(!valid_enum_name("a-b"));
        assert!(is_reserved_type_name("date"));
        assert!(is_reserved_type_name("text"));
        assert!(is_reserved_type_name("crdb_internal_region"));
        assert!(!is_reserved_type_name("player_status"));
    }
}
