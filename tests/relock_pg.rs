//! The bookkeeping of `bmdb_relock` (apply's record of a table it unlocked for a statement
//! that cannot unlock it itself), on the real PostgreSQL the harness starts. The unlock and
//! relock statements are CockroachDB's (`tests/apply_cockroach.rs` kills an apply between
//! them); what runs here is everything around them: the table's shape, reading the intents,
//! forgetting one, and a table dropped since needing no relock.

mod support;

use bmdb::apply::relock::{self, Unlocked};
use support::pg;

#[test]
fn intents_are_read_in_table_order_and_forgotten() {
    let db = pg().new_db("relock");
    let mut c = pg().client(&db);
    assert!(
        relock::pending(&mut c).unwrap().is_empty(),
        "no table, no intent"
    );
    c.batch_execute(relock::TABLE.create).unwrap();
    c.batch_execute(
        "INSERT INTO bmdb_relock (table_name, version, statement) VALUES ('players', 7, 3), ('items', 8, 1)",
    )
    .unwrap();
    assert_eq!(
        relock::pending(&mut c).unwrap(),
        vec![
            Unlocked {
                table: "items".into(),
                version: 8,
                statement: 1
            },
            Unlocked {
                table: "players".into(),
                version: 7,
                statement: 3
            },
        ]
    );
    relock::forget(&mut c, "items").unwrap();
    assert_eq!(relock::pending(&mut c).unwrap().len(), 1);
    // `players` no longer exists (dropped since): nothing to lock, the intent goes, and
    // nothing is said about it
    let said = std::cell::RefCell::new(Vec::new());
    let done = relock::relock_pending(&mut c, &|m| said.borrow_mut().push(m.to_string())).unwrap();
    assert_eq!(done.len(), 1);
    assert!(said.borrow().is_empty(), "{:?}", said.borrow());
    assert!(relock::pending(&mut c).unwrap().is_empty());
}

#[test]
fn a_table_of_that_name_with_another_shape_is_refused() {
    let db = pg().new_db("relock_shape");
    let mut c = pg().client(&db);
    c.batch_execute("CREATE TABLE bmdb_relock (table_name TEXT PRIMARY KEY)")
        .unwrap();
    let e = relock::pending(&mut c).unwrap_err();
    assert!(format!("{e:#}").contains("bmdb_relock"), "{e:#}");
}
