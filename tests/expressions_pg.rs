//! Expressions PostgreSQL stores in its own spelling (issue 12): `trim(x)` comes back from
//! pg_get_expr as `TRIM(BOTH FROM x)`, `substring(x for 2)` as `SUBSTRING(x FROM 1 FOR 2)`,
//! `position('a' in x)` as `POSITION(('a'::text) IN (x))`, `extract('year' from d)` as
//! `EXTRACT(year FROM d)`, `x LIKE 'a%'` as `(x ~~ 'a%'::text)`. End to end on the real
//! PostgreSQL 15: computed columns, checks, an index predicate and a default written the
//! author's way apply, then drift 0 and `plan --url` empty; inspect writes the server's
//! spelling, and its `plan --url` is empty too.

mod support;

use support::{bmdb, converged, inspected, pg, run, write, write_and_apply};

fn value(db: &str, sql: &str) -> String {
    pg().client(db).query_one(sql, &[]).unwrap().get(0)
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str = "table: players\ncolumns:\n  \
    - { name: id, type: INT8 }\n  \
    - { name: name, type: STRING, nullable: false }\n  \
    - { name: born, type: DATE }\n  \
    - { name: level, type: INT4 }\n  \
    - { name: tag, type: STRING, default: \"trim('  new  ')\" }\n  \
    - { name: name_trimmed, type: STRING, computed: \"trim(name)\" }\n  \
    - { name: name_stripped, type: STRING, computed: \"trim(name, '_')\" }\n  \
    - { name: initials, type: STRING, computed: \"substring(name for 2)\" }\n  \
    - { name: at_sign, type: INT4, computed: \"position('@' in name)\" }\n  \
    - { name: born_year, type: DECIMAL, computed: \"extract('year' from born)\" }\n  \
    - { name: level_or_one, type: INT4, computed: \"coalesce(level, 1)\" }\n  \
    - { name: is_bot, type: BOOL, computed: \"name like 'bot\\\\_%'\" }\n\
    primary_key: [id]\n\
    indexes:\n  - { columns: [name], where: \"position('@' in name) > 0 and name not ilike 'test%'\" }\n\
    checks:\n  \
    - { name: name_not_blank, expr: \"trim(leading from name) <> ''\" }\n  \
    - { name: name_short, expr: \"length(substring(name from 1 for 40)) <= 40\" }\n";

#[test]
fn server_spellings_of_expressions_are_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("expressions");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/players.yaml", PLAYERS);
    write_and_apply(p, "init", &url);
    // the server does keep its own spelling
    let stored = value(
        &db,
        "SELECT string_agg(pg_get_expr(d.adbin, d.adrelid), ' | ' ORDER BY d.adnum) \
         FROM pg_attrdef d WHERE d.adrelid = 'players'::regclass",
    );
    for spelling in [
        "TRIM(BOTH FROM name)",
        "TRIM(BOTH '_'::text FROM name)",
        "SUBSTRING(name FROM 1 FOR 2)",
        "POSITION(('@'::text) IN (name))",
        "EXTRACT(year FROM born)",
        "COALESCE(level, 1)",
        "~~",
    ] {
        assert!(stored.contains(spelling), "{spelling} not in {stored}");
    }
    converged(p, &url);

    // inspect writes the server's spelling; its project plans nothing against the database
    let (out, _) = inspected(p, &url, "inspected");
    let y = std::fs::read_to_string(out.join("schema/players.yaml")).unwrap();
    assert!(y.contains("TRIM(BOTH FROM name)"), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");
    let r = run(bmdb(&out).args(["drift", "--url", &url]));
    assert!(!r.stdout.contains("players."), "{r:?}");

    // a real change of one is still a change: trim(name) -> ltrim(name)
    write(
        p,
        "schema/players.yaml",
        &PLAYERS.replace(
            "computed: \"trim(name)\"",
            "computed: \"trim(leading from name)\"",
        ),
    );
    let r = run(bmdb(p).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("players.name_trimmed"), "{r:?}");
}
