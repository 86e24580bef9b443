//! Sequences: the changes between two models' `sequences`. Kept apart from the table
//! differ, as enums and views are. A sequence is created with its options and given its
//! owner in a second step, once the owning column exists; an option change is one ALTER
//! SEQUENCE; a sequence the model no longer has is dropped (destructive: its position goes).

use super::change::Change;
use crate::model::types::*;
use std::collections::BTreeMap;

pub fn diff_sequences(
    have: &BTreeMap<String, Sequence>,
    want: &BTreeMap<String, Sequence>,
    out: &mut Vec<Change>,
) {
    for (name, w) in want {
        match have.get(name) {
            None => {
                out.push(Change::CreateSequence {
                    sequence: w.options(),
                });
                if w.owned_by.is_some() {
                    out.push(Change::SetSequenceOwner {
                        name: name.clone(),
                        owned_by: w.owned_by.clone(),
                    });
                }
            }
            Some(h) => {
                if h.options() != w.options() {
                    out.push(Change::AlterSequence {
                        from: h.options(),
                        to: w.options(),
                    });
                }
                if h.owned_by != w.owned_by {
                    out.push(Change::SetSequenceOwner {
                        name: name.clone(),
                        owned_by: w.owned_by.clone(),
                    });
                }
            }
        }
    }
    for (name, h) in have {
        if !want.contains_key(name) {
            out.push(Change::DropSequence {
                sequence: h.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(name: &str) -> Sequence {
        Sequence::with_defaults(name, None)
    }

    #[test]
    fn create_alter_own_and_drop() {
        let mut have = BTreeMap::new();
        have.insert("a".to_string(), seq("a"));
        have.insert("gone".to_string(), seq("gone"));
        let mut want = BTreeMap::new();
        want.insert(
            "a".to_string(),
            Sequence {
                cache: 10,
                ..seq("a")
            },
        );
        want.insert(
            "b".to_string(),
            Sequence {
                owned_by: Some(SequenceOwner {
                    table: "t".into(),
                    column: "id".into(),
                }),
                ..seq("b")
            },
        );
        let mut out = Vec::new();
        diff_sequences(&have, &want, &mut out);
        let kinds: Vec<&str> = out.iter().map(|c| c.kind()).collect();
        assert_eq!(
            kinds,
            [
                "alter_sequence",
                "create_sequence",
                "set_sequence_owner",
                "drop_sequence"
            ]
        );
        let mut none = Vec::new();
        diff_sequences(&want, &want, &mut none);
        assert!(none.is_empty());
    }
}
