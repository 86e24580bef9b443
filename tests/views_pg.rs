//! Views and materialized views (views/*.yaml) end to end on the real PostgreSQL (issue 12
//! item 4): created after the tables they read, a view over a view after it; drift 0 and
//! `plan --url` empty although PostgreSQL gives the query back deparsed; inspect writes
//! views/ back and its `plan --url` is empty; a column dropped (and one retyped) under a view
//! drops the view before the change and creates it after, flagged view-rebuilt; a changed
//! query is one replace_view step; a dropped view goes before the table it reads.

mod support;

use support::{at, bmdb, converged, inspected, pg, run, write, write_and_apply};

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str = "table: players\ncolumns:\n  - { name: id, type: INT8 }\n  \
    - { name: name, type: STRING, nullable: false }\n  - { name: level, type: INT4 }\n  \
    - { name: score, type: INT8 }\nprimary_key: [id]\n";
const TOP: &str = "view: top_players\nquery: |\n  SELECT id, name, score\n    FROM players\n   \
    WHERE score != 0 AND name <> 'nobody'\n   ORDER BY score DESC\n   LIMIT 100\n";
const NAMES: &str =
    "view: top_names\nquery: |\n  SELECT upper(t.name) AS shout FROM top_players t\n";
const PAIRS: &str =
    "view: pairs\nquery: |\n  SELECT a.id, b.id AS other\n    FROM players AS a\n   \
    INNER JOIN players b ON a.level = b.level AND a.id <> b.id\n   ORDER BY a.id ASC, other\n";
const LEVELS: &str = "view: level_counts\nmaterialized: true\nquery: |\n  \
    SELECT level, count(*) FROM players GROUP BY level\n";

#[test]
fn views_plan_apply_drift_inspect_and_a_column_dropped_under_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("views");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/players.yaml", PLAYERS);
    write(p, "views/top_players.yaml", TOP);
    write(p, "views/top_names.yaml", NAMES);
    write(p, "views/level_counts.yaml", LEVELS);
    write(p, "views/pairs.yaml", PAIRS);
    let sql = write_and_apply(p, "init", &url);
    let table = at(&sql, "CREATE TABLE");
    let top = at(&sql, "CREATE VIEW top_players AS");
    let names = at(&sql, "CREATE VIEW top_names AS");
    let levels = at(&sql, "CREATE MATERIALIZED VIEW level_counts AS");
    assert!(table < top && top < names && table < levels, "{sql}");
    converged(p, &url);

    // inspect writes views/ back; the inspected project plans nothing against the database
    let (out, r) = inspected(p, &url, "inspected");
    assert!(!r.stderr.contains("view top_players"), "{r:?}");
    let v = std::fs::read_to_string(out.join("views/level_counts.yaml")).unwrap();
    assert!(v.contains("view: level_counts"), "{v}");
    assert!(v.contains("materialized: true"), "{v}");
    let v = std::fs::read_to_string(out.join("views/top_players.yaml")).unwrap();
    assert!(v.contains("query: |"), "{v}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // a hand-made change to a view's query is drift
    pg().client(&db)
        .batch_execute(
            "DROP VIEW top_names; DROP VIEW top_players; \
             CREATE VIEW top_players AS SELECT id, name, score FROM players; \
             CREATE VIEW top_names AS SELECT upper(t.name) AS shout FROM top_players t",
        )
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("view top_players"), "{r:?}");
    let r = run(bmdb(p).args(["plan", "--url", &url]));
    assert!(r.stdout.contains("replace_view"), "{r:?}");

    // score goes; top_players now ranks by level: the views over it are dropped first and
    // created after the column is gone
    write(
        p,
        "schema/players.yaml",
        &PLAYERS.replace("  - { name: score, type: INT8 }\n", ""),
    );
    write(p, "views/top_players.yaml", &TOP.replace("score", "level"));
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("view-rebuilt"), "{r:?}");
    let sql = write_and_apply(p, "drop_score", &url);
    let drop_names = at(&sql, "DROP VIEW IF EXISTS top_names;");
    let drop_top = at(&sql, "DROP VIEW IF EXISTS top_players;");
    let drop_col = at(&sql, "DROP COLUMN");
    let create_top = at(&sql, "CREATE VIEW top_players AS");
    let create_names = at(&sql, "CREATE VIEW top_names AS");
    assert!(
        drop_names < drop_top
            && drop_top < drop_col
            && drop_col < create_top
            && create_top < create_names,
        "{sql}"
    );
    assert!(
        !sql.contains("level_counts") && !sql.contains("pairs"),
        "{sql}"
    );
    converged(p, &url);

    // level is retyped under both top_players and the materialized view: both rebuilt
    write(
        p,
        "schema/players.yaml",
        &PLAYERS
            .replace("  - { name: score, type: INT8 }\n", "")
            .replace("name: level, type: INT4", "name: level, type: INT8"),
    );
    let sql = write_and_apply(p, "retype_level", &url);
    let drop_levels = at(&sql, "DROP MATERIALIZED VIEW IF EXISTS level_counts;");
    let alter = at(&sql, "ALTER COLUMN level TYPE");
    let create_levels = at(&sql, "CREATE MATERIALIZED VIEW level_counts AS");
    assert!(drop_levels < alter && alter < create_levels, "{sql}");
    assert!(
        at(&sql, "DROP VIEW IF EXISTS top_players;") < alter,
        "{sql}"
    );
    converged(p, &url);

    // the views and then the table go: views first
    for v in ["top_players", "top_names", "level_counts", "pairs"] {
        std::fs::remove_file(p.join(format!("views/{v}.yaml"))).unwrap();
    }
    std::fs::remove_file(p.join("schema/players.yaml")).unwrap();
    let sql = write_and_apply(p, "drop_all", &url);
    assert!(
        at(&sql, "DROP VIEW IF EXISTS top_names;") < at(&sql, "DROP TABLE"),
        "{sql}"
    );
    converged(p, &url);
}
