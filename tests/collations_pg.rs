//! Column collations end to end on the real PostgreSQL (issue 12 item 5): string columns
//! created with `COLLATE "C"` / `"POSIX"` and an index on one; drift 0 and `plan --url` empty;
//! inspect writes `collate:` back (a collation other than the type's default, from
//! `pg_attribute.attcollation`) and its `plan --url` is empty; then a collation changed, one
//! back to the default, one added, and a collated column retyped (the collation restated
//! after the type, which PostgreSQL's ALTER TYPE would otherwise reset).

mod support;

use support::{at, bmdb, converged, inspected, pg, run, write, write_and_apply};

/// `attname:collation` of every column of `t` (`default` for the type's own).
fn collations(db: &str, table: &str) -> String {
    pg().client(db)
        .query_one(
            &format!(
                "SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || co.collname, ',' ORDER BY a.attnum) \
                 FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation \
                 WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
            ),
            &[],
        )
        .unwrap()
        .get(0)
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str = "table: players\ncolumns:\n  \
    - { name: id, type: INT8 }\n  \
    - { name: handle, type: STRING, nullable: false, collate: C }\n  \
    - { name: motto, type: VARCHAR(40), collate: POSIX }\n  \
    - { name: bio, type: STRING }\n  \
    - { name: tag, type: VARCHAR(8), collate: C }\n\
    primary_key: [id]\n\
    indexes:\n  - { columns: [handle] }\n";

#[test]
fn collations_plan_apply_drift_inspect_and_change() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("collations");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/players.yaml", PLAYERS);
    let sql = write_and_apply(p, "init", &url);
    assert!(sql.contains("handle TEXT COLLATE \"C\" NOT NULL"), "{sql}");
    assert_eq!(
        collations(&db, "players"),
        "handle:text:C,motto:character varying(40):POSIX,bio:text:default,\
         tag:character varying(8):C"
    );
    converged(p, &url);

    // inspect writes the collations back; its project plans nothing against the database
    let (out, r) = inspected(p, &url, "inspected");
    // a modelled collation is not also named as an object bmdb does not manage
    assert!(
        !r.stderr.contains("COLLATE") && !r.stderr.contains("not modelled"),
        "{}",
        r.stderr
    );
    let y = std::fs::read_to_string(out.join("schema/players.yaml")).unwrap();
    assert!(y.contains("collate: \"C\""), "{y}");
    assert!(y.contains("collate: \"POSIX\""), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");
    assert!(!r.stderr.contains("not modelled"), "{}", r.stderr);

    // handle C -> POSIX; motto back to the default; bio gains C; tag is widened and keeps C
    write(
        p,
        "schema/players.yaml",
        &PLAYERS
            .replace(
                "nullable: false, collate: C",
                "nullable: false, collate: POSIX",
            )
            .replace("type: VARCHAR(40), collate: POSIX", "type: VARCHAR(40)")
            .replace(
                "name: bio, type: STRING }",
                "name: bio, type: STRING, collate: C }",
            )
            .replace(
                "type: VARCHAR(8), collate: C",
                "type: VARCHAR(16), collate: C",
            ),
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("collation-change"), "{r:?}");
    let sql = write_and_apply(p, "change", &url);
    assert!(
        sql.contains("ALTER COLUMN handle TYPE TEXT COLLATE \"POSIX\";"),
        "{sql}"
    );
    assert!(
        sql.contains("ALTER COLUMN motto TYPE VARCHAR(40) COLLATE \"default\";"),
        "{sql}"
    );
    assert!(
        at(&sql, "ALTER COLUMN tag TYPE VARCHAR(16)")
            < at(&sql, "ALTER COLUMN tag TYPE VARCHAR(16) COLLATE \"C\";"),
        "{sql}"
    );
    assert_eq!(
        collations(&db, "players"),
        "handle:text:POSIX,motto:character varying(40):default,bio:text:C,\
         tag:character varying(16):C"
    );
    converged(p, &url);

    // a hand-made change is drift
    pg().client(&db)
        .batch_execute("ALTER TABLE players ALTER COLUMN bio TYPE text COLLATE \"POSIX\"")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("players.bio"), "{r:?}");
}
