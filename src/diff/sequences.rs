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
    let renames = sequence_renames(have, want);
    for (name, w) in want {
        let renamed = renames.iter().find(|(_, to)| *to == name);
        if let Some((from, to)) = renamed {
            out.push(Change::RenameSequence {
                from: from.clone(),
                to: to.clone(),
            });
        }
        // a name a rename leaves behind is free for a new sequence
        let current = match renamed {
            Some((from, _)) => have.get(from),
            None if renames.contains_key(name) => None,
            None => have.get(name),
        };
        match current {
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
                // under its new name once renamed
                let from = Sequence {
                    name: name.clone(),
                    ..h.options()
                };
                if from != w.options() {
                    out.push(Change::AlterSequence {
                        from,
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
        if !want.contains_key(name) && !renames.contains_key(name) {
            out.push(Change::DropSequence {
                sequence: h.clone(),
            });
        }
    }
}

/// Old name -> new name of every sequence the desired model renames (`renamed_from`) that
/// exists under its old name and not yet under its new one: a rename already applied (or of
/// a sequence that is not there) is no rename.
pub fn sequence_renames(
    have: &BTreeMap<String, Sequence>,
    want: &BTreeMap<String, Sequence>,
) -> BTreeMap<String, String> {
    want.values()
        .filter_map(|w| {
            let from = w.renamed_from.as_ref()?;
            (have.contains_key(from) && !have.contains_key(&w.name))
                .then(|| (from.clone(), w.name.clone()))
        })
        .collect()
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

    #[test]
    fn a_renamed_sequence_is_renamed_then_compared_not_dropped() {
        let mut have = BTreeMap::new();
        have.insert("old".to_string(), seq("old"));
        let mut want = BTreeMap::new();
        want.insert(
            "new".to_string(),
            Sequence {
                renamed_from: Some("old".into()),
                cache: 5,
                ..seq("new")
            },
        );
        let mut out = Vec::new();
        diff_sequences(&have, &want, &mut out);
        let kinds: Vec<String> = out
            .iter()
            .map(|c| format!("{} {}", c.kind(), c.object()))
            .collect();
        assert_eq!(
            kinds,
            [
                "rename_sequence sequence new",
                "alter_sequence sequence new"
            ]
        );
        // applied: the live sequence has the new name, renamed_from is no difference
        let mut live = BTreeMap::new();
        live.insert(
            "new".to_string(),
            Sequence {
                cache: 5,
                ..seq("new")
            },
        );
        let mut none = Vec::new();
        diff_sequences(&live, &want, &mut none);
        assert!(none.is_empty(), "{none:?}");
    }
}
