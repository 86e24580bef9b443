//! Enum types: the changes between two models' `enums`, and what bmdb refuses to plan
//! for them (a value dropped on PostgreSQL, values reordered). Kept apart from the table
//! differ: a new kind of type is one more function here.

use super::change::Change;
use super::refusals::Refusal;
use crate::model::types::*;
use std::collections::BTreeMap;

/// Creates, value renames (from `renamed_from`), added values (placed with BEFORE/AFTER
/// where they do not go last), dropped values, and dropped types.
pub fn diff_enums(
    have: &BTreeMap<String, EnumType>,
    want: &BTreeMap<String, EnumType>,
    out: &mut Vec<Change>,
) {
    for (name, w) in want {
        let Some(h) = have.get(name) else {
            out.push(Change::CreateEnum {
                name: name.clone(),
                values: w.values.clone(),
            });
            continue;
        };
        let mut cur = h.values.clone();
        for (to, from) in &w.renamed_from {
            if let Some(i) = cur.iter().position(|v| v == from) {
                if !cur.contains(to) {
                    out.push(Change::RenameEnumValue {
                        name: name.clone(),
                        from: from.clone(),
                        to: to.clone(),
                    });
                    cur[i] = to.clone();
                }
            }
        }
        for v in cur.clone() {
            if !w.values.contains(&v) {
                out.push(Change::DropEnumValue {
                    name: name.clone(),
                    value: v.clone(),
                });
                cur.retain(|c| *c != v);
            }
        }
        for (i, v) in w.values.iter().enumerate() {
            if cur.contains(v) {
                continue;
            }
            let (before, after, at) = if i == 0 {
                match cur.first() {
                    Some(first) => (Some(first.clone()), None, 0),
                    None => (None, None, 0),
                }
            } else {
                let prev = &w.values[i - 1];
                let p = cur.iter().position(|c| c == prev).unwrap_or(cur.len() - 1);
                if p + 1 == cur.len() {
                    // last: a plain ADD VALUE appends
                    (None, None, cur.len())
                } else {
                    (None, Some(prev.clone()), p + 1)
                }
            };
            out.push(Change::AddEnumValue {
                name: name.clone(),
                value: v.clone(),
                before,
                after,
            });
            cur.insert(at, v.clone());
        }
    }
    for name in have.keys() {
        if !want.contains_key(name) {
            out.push(Change::DropEnum { name: name.clone() });
        }
    }
}

/// Enum differences neither server can make in place: values whose order changes (an enum
/// sorts by its declared order; no ALTER TYPE moves a value), and, on PostgreSQL, a value
/// dropped (PostgreSQL has no `ALTER TYPE ... DROP VALUE`).
pub fn refusals(current: &Model, desired: &Model, out: &mut Vec<Refusal>) {
    for (name, w) in &desired.enums {
        let Some(h) = current.enums.get(name) else {
            continue;
        };
        let renamed = |v: &String| -> String {
            w.renamed_from
                .iter()
                .find(|(to, from)| *from == v && !h.values.contains(to))
                .map_or_else(|| v.clone(), |(to, _)| to.clone())
        };
        let kept: Vec<String> = h
            .values
            .iter()
            .map(renamed)
            .filter(|v| w.values.contains(v))
            .collect();
        let order: Vec<&String> = w.values.iter().filter(|v| kept.contains(v)).collect();
        if kept.iter().collect::<Vec<_>>() != order {
            out.push(Refusal {
                id: "enum-values-reordered",
                object: format!("enum {name}"),
                message: format!(
                    "enum \"{name}\" lists its values in another order ({}) than the database has them ({})",
                    order.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                    kept.join(", ")
                ),
                help: "an enum sorts by its declared order and no ALTER TYPE moves a value: keep the existing values in their order and add new ones where they belong (BEFORE/AFTER is planned for you)".to_string(),
            });
        }
        if desired.database.dialect == Dialect::Postgres {
            let dropped: Vec<&String> = h
                .values
                .iter()
                .filter(|v| !w.values.contains(&renamed(v)))
                .collect();
            if !dropped.is_empty() {
                let list = dropped
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(Refusal {
                    id: "enum-value-dropped",
                    object: format!("enum {name}"),
                    message: format!(
                        "enum \"{name}\" no longer lists {list}, and PostgreSQL cannot drop a value from an enum"
                    ),
                    help: format!(
                        "keep the value (rename it with `renamed_from` to mark it retired, e.g. \"{}_retired\"), or rebuild the type in a hand-written migration (`bmdb migrate new`: create the new type, ALTER each column TYPE ... USING col::text::new_type, drop the old one) and then change the model to match",
                        dropped[0]
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(values: &[&str]) -> EnumType {
        EnumType {
            name: "status".into(),
            values: values.iter().map(|s| s.to_string()).collect(),
            renamed_from: BTreeMap::new(),
        }
    }
    fn map(e: EnumType) -> BTreeMap<String, EnumType> {
        BTreeMap::from([(e.name.clone(), e)])
    }

    #[test]
    fn added_values_are_placed() {
        let mut out = Vec::new();
        diff_enums(
            &map(e(&["b", "d"])),
            &map(e(&["a", "b", "c", "d", "e"])),
            &mut out,
        );
        let got: Vec<(String, Option<String>, Option<String>)> = out
            .into_iter()
            .map(|c| match c {
                Change::AddEnumValue {
                    value,
                    before,
                    after,
                    ..
                } => (value, before, after),
                other => panic!("{other:?}"),
            })
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            got,
            vec![
                ("a".into(), s("b"), None),
                ("c".into(), None, s("b")),
                ("e".into(), None, None),
            ]
        );
    }

    #[test]
    fn renames_drops_and_refusals() {
        let mut want = e(&["active", "suspended"]);
        want.renamed_from
            .insert("suspended".into(), "banned".into());
        let have = e(&["active", "banned", "gone"]);
        let mut out = Vec::new();
        diff_enums(&map(have.clone()), &map(want.clone()), &mut out);
        assert_eq!(
            out,
            vec![
                Change::RenameEnumValue {
                    name: "status".into(),
                    from: "banned".into(),
                    to: "suspended".into()
                },
                Change::DropEnumValue {
                    name: "status".into(),
                    value: "gone".into()
                },
            ]
        );
        let model = |e: EnumType, d: Dialect| Model {
            database: Database {
                dialect: d,
                ..Default::default()
            },
            enums: map(e),
            ..Default::default()
        };
        let mut r = Vec::new();
        refusals(
            &model(have.clone(), Dialect::Postgres),
            &model(want.clone(), Dialect::Postgres),
            &mut r,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].id, "enum-value-dropped");
        assert!(r[0].message.contains("\"gone\""), "{}", r[0].message);
        let mut r = Vec::new();
        refusals(
            &model(have, Dialect::Cockroach),
            &model(want, Dialect::Cockroach),
            &mut r,
        );
        assert!(r.is_empty(), "{r:?}");
        let mut r = Vec::new();
        refusals(
            &model(e(&["a", "b"]), Dialect::Cockroach),
            &model(e(&["b", "a"]), Dialect::Cockroach),
            &mut r,
        );
        assert_eq!(r[0].id, "enum-values-reordered");
    }
}
