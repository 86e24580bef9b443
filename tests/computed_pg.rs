//! Computed (generated) columns end to end on the real PostgreSQL (issue 12 item 3): STORED
//! columns created with the table and an index on one; drift 0 and `plan --url` empty although
//! PostgreSQL gives the expression back deparsed; inspect writes `computed:` back and its
//! `plan --url` is empty; then a changed expression (the column dropped and added again in one
//! step, its index created again after it), a computed column made plain (DROP EXPRESSION,
//! values kept) and a plain column made computed (destructive).

mod support;

use support::{at, bmdb, converged, inspected, pg, run, write, write_and_apply};

fn value(db: &str, sql: &str) -> String {
    pg().client(db).query_one(sql, &[]).unwrap().get(0)
}

/// `attname:attgenerated:expression` of every column of `t`.
fn generated(db: &str, table: &str) -> String {
    value(
        db,
        &format!(
            "SELECT string_agg(a.attname || ':' || a.attgenerated::text || ':' \
               || COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), ',' ORDER BY a.attnum) \
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
        ),
    )
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str = "table: players\ncolumns:\n  \
    - { name: id, type: INT8 }\n  \
    - { name: email, type: STRING, nullable: false }\n  \
    - { name: level, type: INT4, nullable: false, default: \"1\" }\n  \
    - { name: email_key, type: STRING, computed: \"lower(email)\", comment: search key }\n  \
    - { name: xp_floor, type: INT8, computed: { expr: \"level * 100 + 1\" } }\n  \
    - { name: score, type: INT8 }\n\
    primary_key: [id]\n\
    indexes:\n  - { columns: [email_key] }\n";

#[test]
fn computed_columns_plan_apply_drift_inspect_and_change() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("computed");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/players.yaml", PLAYERS);
    let sql = write_and_apply(p, "init", &url);
    assert!(
        sql.contains("email_key TEXT GENERATED ALWAYS AS (lower(email)) STORED"),
        "{sql}"
    );
    assert_eq!(
        generated(&db, "players"),
        "id::,email::,level::1,email_key:s:lower(email),xp_floor:s:((level * 100) + 1),score::"
    );
    converged(p, &url);
    pg().client(&db)
        .batch_execute(
            "INSERT INTO players (id, email, level, score) VALUES (1, ' Ann@X.org', 3, 9), (2, 'bo@y.org', 1, 0)",
        )
        .unwrap();

    // inspect writes the computations back; its project plans nothing against the database
    let (out, r) = inspected(p, &url, "inspected");
    assert!(!r.stderr.contains("generated column"), "{r:?}");
    let y = std::fs::read_to_string(out.join("schema/players.yaml")).unwrap();
    assert!(y.contains("computed: \"lower(email)\""), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // email_key's expression changes (dropped and added again, its index after it); xp_floor
    // becomes a plain column keeping its values; score becomes computed (destructive)
    write(
        p,
        "schema/players.yaml",
        &PLAYERS
            .replace("\"lower(email)\"", "\"upper(email)\"")
            .replace(", computed: { expr: \"level * 100 + 1\" }", "")
            .replace(
                "name: score, type: INT8 }",
                "name: score, type: INT8, computed: \"level * 2\" }",
            ),
    );
    let r = run(bmdb(p).args(["plan"]));
    for hazard in ["computed-rebuilt", "computed-replaces-column"] {
        assert!(r.stdout.contains(hazard), "{hazard}: {r:?}");
    }
    let sql = write_and_apply(p, "change", &url);
    let drop = at(&sql, "DROP COLUMN IF EXISTS email_key;");
    let add = at(
        &sql,
        "ADD COLUMN IF NOT EXISTS email_key TEXT GENERATED ALWAYS AS (upper(email)) STORED;",
    );
    let index = at(&sql, "CREATE INDEX");
    assert!(drop < add && add < index, "{sql}");
    assert!(
        sql.contains("ALTER COLUMN xp_floor DROP EXPRESSION;"),
        "{sql}"
    );
    assert!(sql.contains("DROP COLUMN IF EXISTS score;"), "{sql}");
    assert_eq!(
        generated(&db, "players"),
        "id::,email::,level::1,xp_floor::,email_key:s:upper(email),score:s:(level * 2)"
    );
    assert_eq!(
        value(
            &db,
            "SELECT string_agg(email_key || '/' || xp_floor || '/' || score, ',' ORDER BY id) FROM players"
        ),
        " ANN@X.ORG/301/6,BO@Y.ORG/101/2"
    );
    converged(p, &url);

    // a hand-made change to an expression is drift
    pg().client(&db)
        .batch_execute(
            "ALTER TABLE players DROP COLUMN score; \
             ALTER TABLE players ADD COLUMN score INT8 GENERATED ALWAYS AS (level * 3) STORED",
        )
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("players.score"), "{r:?}");
}

/// `virtual: true` is CockroachDB's; PostgreSQL 15 stores the column (the capability row
/// `virtual_columns`): created STORED, and drift, `plan --url` and the lock all agree.
#[test]
fn a_virtual_column_is_stored_on_postgres_and_converges() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("virtual");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(
        p,
        "schema/scores.yaml",
        "table: scores\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: level, type: INT4 }\n  \
         - { name: xp, type: INT8, computed: { expr: \"level * 100\", virtual: true } }\n\
         primary_key: [id]\n",
    );
    let sql = write_and_apply(p, "init", &url);
    assert!(
        sql.contains("xp INT8 GENERATED ALWAYS AS (level * 100) STORED"),
        "{sql}"
    );
    assert!(!sql.contains("VIRTUAL"), "{sql}");
    assert_eq!(generated(&db, "scores"), "id::,level::,xp:s:(level * 100)");
    converged(p, &url);
}
