//! CockroachDB column families: what the differ cannot change. CockroachDB assigns a family
//! to a column when the column is created (`CREATE TABLE ... FAMILY f (cols)`, `ALTER TABLE
//! ... ADD COLUMN c T FAMILY f | CREATE [IF NOT EXISTS] FAMILY f`: logic test `family` of
//! cockroachdb/cockroach at 0de26b724280eca755328c04d07bfc37d799090c, lines 142-160) and has
//! no statement that moves a column to another family or renames a family (its ALTER TABLE
//! grammar has no such command); a family goes away with its last column. So a column kept
//! across a change keeps its family: a model that moves one, or renames its family, is
//! refused (`family-changed`), and drift names it the same way.

use super::refusals::Refusal;
use crate::model::types::*;

/// The columns `have` and `want` share (through `renamed_from`) whose family differs:
/// `(column in want, family in have, family in want)`. Virtual computed columns belong to
/// no family (CockroachDB refuses one in a family: `validateColumnFamilies`,
/// pkg/sql/catalog/tabledesc/validate.go) and are skipped.
pub fn moved_columns(have: &Table, want: &Table) -> Vec<(String, String, String)> {
    let is_virtual = |c: &Column| c.computed.as_ref().is_some_and(|k| k.is_virtual);
    want.columns
        .iter()
        .filter(|c| !is_virtual(c))
        .filter_map(|c| {
            let old = c.renamed_from.as_deref().unwrap_or(&c.name);
            let h = have.column(old).filter(|h| !is_virtual(h))?;
            let (from, to) = (have.family_of(&h.name), want.family_of(&c.name));
            (from != to).then(|| (c.name.clone(), from.to_string(), to.to_string()))
        })
        .collect()
}

/// A table's families as one line: `f1 (a, b), f2 (c)`, or `primary (every column)`.
pub fn describe(t: &Table) -> String {
    if t.families.is_empty() {
        return format!("{PRIMARY_FAMILY} (every column)");
    }
    t.families
        .iter()
        .map(|f| format!("{} ({})", f.name, f.columns.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `family-changed` for every table of a CockroachDB model whose kept columns change family.
pub fn refusals(current: &Model, desired: &Model, out: &mut Vec<Refusal>) {
    if desired.database.dialect != Dialect::Cockroach {
        return;
    }
    for (name, want) in &desired.tables {
        let Some(have) = current.tables.get(name) else {
            continue;
        };
        let moved = moved_columns(have, want);
        if moved.is_empty() {
            continue;
        }
        let list = moved
            .iter()
            .map(|(c, from, to)| format!("{c} from {from} to {to}"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Refusal {
            id: "family-changed",
            object: name.clone(),
            message: format!(
                "table \"{name}\" moves columns to another column family ({list}); CockroachDB fixes a column's family when the column is created and cannot move it or rename a family"
            ),
            help: format!(
                "keep the families as they are ({}); to regroup, create a new table with the families wanted, copy the rows over and drop the old one (a rebuild bmdb does not plan); a new column may go into any family, new or existing",
                describe(have)
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, Change};

    fn table(cols: &[&str], families: &[(&str, &[&str])]) -> Table {
        Table {
            name: "t".into(),
            columns: cols
                .iter()
                .map(|c| Column {
                    name: c.to_string(),
                    ty: "INT8".into(),
                    nullable: true,
                    ..Default::default()
                })
                .collect(),
            families: families
                .iter()
                .map(|(n, cs)| Family {
                    name: n.to_string(),
                    columns: cs.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn model(t: Table) -> Model {
        let mut m = Model::default();
        m.database.dialect = Dialect::Cockroach;
        m.tables.insert(t.name.clone(), t);
        m
    }

    fn added(have: Table, want: Table) -> Vec<(String, Option<String>, bool)> {
        diff(&model(have), &model(want))
            .into_iter()
            .filter_map(|c| match c {
                Change::AddColumn {
                    column,
                    family,
                    create_family,
                    ..
                } => Some((column.name, family, create_family)),
                _ => None,
            })
            .collect()
    }

    /// A new column goes into the model's family: `FAMILY f` when the table has it,
    /// `CREATE IF NOT EXISTS FAMILY f` when not; without `families:` no clause at all.
    #[test]
    fn new_columns_name_their_family() {
        let have = table(&["a", "b"], &[("f1", &["a"]), ("f2", &["b"])]);
        let want = table(
            &["a", "b", "c", "d"],
            &[("f1", &["a", "c"]), ("f2", &["b"]), ("f3", &["d"])],
        );
        assert_eq!(
            added(have.clone(), want.clone()),
            [
                ("c".into(), Some("f1".into()), false),
                ("d".into(), Some("f3".into()), true)
            ]
        );
        let mut r = Vec::new();
        refusals(&model(have), &model(want), &mut r);
        assert!(r.is_empty(), "{r:?}");
        // from CockroachDB's one `primary` family to two: the kept columns stay in `primary`
        let plain = table(&["a", "b"], &[]);
        let split = table(
            &["a", "b", "c"],
            &[("primary", &["a", "b"]), ("cold", &["c"])],
        );
        assert_eq!(
            added(plain.clone(), split.clone()),
            [("c".into(), Some("cold".into()), true)]
        );
        assert_eq!(
            added(plain.clone(), table(&["a", "b", "c"], &[])),
            [("c".into(), None, false)]
        );
        let mut r = Vec::new();
        refusals(&model(plain.clone()), &model(split), &mut r);
        assert!(r.is_empty(), "{r:?}");
        // splitting the kept columns is refused, naming each move
        let mut r = Vec::new();
        refusals(
            &model(plain),
            &model(table(&["a", "b"], &[("primary", &["a"]), ("cold", &["b"])])),
            &mut r,
        );
        assert_eq!(r.len(), 1);
        assert!(
            r[0].message.contains("b from primary to cold"),
            "{}",
            r[0].message
        );
    }

    /// PostgreSQL has no families: a model that regroups them is not refused there.
    #[test]
    fn postgres_never_refuses_families() {
        let mut want = model(table(&["a", "b"], &[("x", &["a"]), ("y", &["b"])]));
        want.database.dialect = Dialect::Postgres;
        let mut have = model(table(&["a", "b"], &[]));
        have.database.dialect = Dialect::Postgres;
        let mut r = Vec::new();
        refusals(&have, &want, &mut r);
        assert!(r.is_empty());
    }
}
