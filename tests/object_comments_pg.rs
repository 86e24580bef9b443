//! Comments on indexes and constraints end to end on the real PostgreSQL (issue 12 item 9):
//! `comment:` on an index, a unique constraint, a foreign key and a check is created with
//! the object (COMMENT ON INDEX / COMMENT ON CONSTRAINT after it); drift 0 and `plan --url`
//! empty; inspect writes the comments back and its `plan --url` is empty; a changed or
//! removed comment is one COMMENT statement, never a rebuild; a hand-made comment is drift.

mod support;

use support::{bmdb, converged, inspected, pg, run, write, write_and_apply};

fn value(db: &str, sql: &str) -> Option<String> {
    pg().client(db).query_one(sql, &[]).unwrap().get(0)
}

/// The comment of index `name`.
fn index_comment(db: &str, name: &str) -> Option<String> {
    value(
        db,
        &format!("SELECT obj_description('{name}'::regclass, 'pg_class')"),
    )
}

/// The comment of constraint `name` on `table`.
fn constraint_comment(db: &str, table: &str, name: &str) -> Option<String> {
    value(
        db,
        &format!(
            "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint \
             WHERE conrelid = '{table}'::regclass AND conname = '{name}'"
        ),
    )
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str = "table: players\ncolumns:\n  \
    - { name: id, type: INT8 }\n  \
    - { name: email, type: STRING, nullable: false }\n  \
    - { name: level, type: INT4, nullable: false }\n\
    primary_key: [id]\n\
    unique:\n  - { columns: [email], comment: \"One account per address\" }\n\
    indexes:\n  - { columns: [level], comment: \"Leaderboard's scan\" }\n\
    checks:\n  - { name: level_positive, expr: \"level > 0\", comment: levels start at 1 }\n";
const ITEMS: &str = "table: items\ncolumns:\n  \
    - { name: id, type: INT8 }\n  \
    - { name: owner, type: INT8, nullable: false }\n\
    primary_key: [id]\n\
    foreign_keys:\n  - { columns: [owner], references: { table: players, columns: [id] }, comment: \"Who holds it\" }\n";

#[test]
fn index_and_constraint_comments_plan_apply_drift_inspect_and_change() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("comments");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/players.yaml", PLAYERS);
    write(p, "schema/items.yaml", ITEMS);
    let sql = write_and_apply(p, "init", &url);
    for stmt in [
        "COMMENT ON CONSTRAINT players_email_key ON players IS 'One account per address';",
        "COMMENT ON CONSTRAINT level_positive ON players IS 'levels start at 1';",
        "COMMENT ON INDEX players_level_idx IS 'Leaderboard''s scan';",
        "COMMENT ON CONSTRAINT items_owner_fkey ON items IS 'Who holds it';",
    ] {
        assert!(sql.contains(stmt), "{stmt}\n{sql}");
    }
    assert_eq!(
        index_comment(&db, "players_level_idx").as_deref(),
        Some("Leaderboard's scan")
    );
    assert_eq!(
        constraint_comment(&db, "players", "players_email_key").as_deref(),
        Some("One account per address")
    );
    assert_eq!(
        constraint_comment(&db, "items", "items_owner_fkey").as_deref(),
        Some("Who holds it")
    );
    converged(p, &url);

    // inspect writes the comments back (and no "not managed" line for them); its project
    // plans nothing against the database
    let (out, r) = inspected(p, &url, "inspected");
    assert!(!r.stderr.contains("comment on"), "{r:?}");
    let y = std::fs::read_to_string(out.join("schema/players.yaml")).unwrap();
    for part in [
        "comment: \"One account per address\"",
        "comment: \"Leaderboard's scan\"",
        "comment: \"levels start at 1\"",
    ] {
        assert!(y.contains(part), "{part}\n{y}");
    }
    let y = std::fs::read_to_string(out.join("schema/items.yaml")).unwrap();
    assert!(y.contains("comment: \"Who holds it\""), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // a changed comment and a removed one: COMMENT statements, nothing rebuilt
    write(
        p,
        "schema/players.yaml",
        &PLAYERS
            .replace("Leaderboard's scan", "Top players")
            .replace(", comment: levels start at 1", ""),
    );
    let sql = write_and_apply(p, "change", &url);
    assert!(
        sql.contains("COMMENT ON INDEX players_level_idx IS 'Top players';"),
        "{sql}"
    );
    assert!(
        sql.contains("COMMENT ON CONSTRAINT level_positive ON players IS NULL;"),
        "{sql}"
    );
    for rebuilt in [
        "DROP INDEX",
        "CREATE INDEX",
        "DROP CONSTRAINT",
        "ADD CONSTRAINT",
    ] {
        assert!(!sql.contains(rebuilt), "{rebuilt}\n{sql}");
    }
    assert_eq!(
        index_comment(&db, "players_level_idx").as_deref(),
        Some("Top players")
    );
    assert_eq!(constraint_comment(&db, "players", "level_positive"), None);
    converged(p, &url);

    // a hand-made comment is drift, named with the object
    pg().client(&db)
        .batch_execute("COMMENT ON CONSTRAINT items_owner_fkey ON items IS 'by hand'")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("items.items_owner_fkey"), "{r:?}");
}
