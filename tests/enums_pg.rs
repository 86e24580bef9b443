//! Enum types (types/*.yaml) end to end on the real PostgreSQL (issue 12 item 1): created
//! before the table whose column uses one, values added BEFORE / AFTER / last, a value
//! renamed, the type dropped; drift 0 after each apply; inspect writes types/ back and
//! `plan --url` from the inspected project is empty. Also: a dropped value is refused on
//! PostgreSQL with what to do, a hand-made enum is drift until `ignore:` names it, a project
//! with only types (no table) plans, and a type bmdb does not model is kept as written.

mod support;

use support::{bmdb, converged, pg, run, write, write_and_apply_binary, Run};

fn labels(db: &str, ty: &str) -> String {
    pg().client(db)
        .query_one(
            "SELECT string_agg(enumlabel::text, ',' ORDER BY enumsortorder) FROM pg_enum \
             WHERE enumtypid = $1::text::regtype",
            &[&ty],
        )
        .unwrap()
        .get(0)
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str = "table: players\ncolumns:\n  - { name: player_id, type: INT8 }\n  \
    - { name: status, type: player_status, nullable: false, default: \"'active'\" }\n  \
    - { name: history, type: \"player_status[]\" }\nprimary_key: [player_id]\n";

#[test]
fn enums_plan_apply_change_drift_and_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("enums");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/players.yaml", PLAYERS);
    write(
        p,
        "types/player_status.yaml",
        "enum: player_status\nvalues: [active, banned, \"it's gone\"]\n",
    );
    let (sql, r) = write_and_apply_binary(p, "init", &url);
    assert_eq!(r.code, 0, "{r:?}");
    let create = sql
        .find("CREATE TYPE player_status AS ENUM ('active', 'banned', 'it''s gone');")
        .unwrap_or_else(|| panic!("{sql}"));
    assert!(create < sql.find("CREATE TABLE").unwrap(), "{sql}");
    assert!(
        sql.contains("status player_status NOT NULL DEFAULT 'active'"),
        "{sql}"
    );
    converged(p, &url);

    // values added first, in the middle and last; one renamed
    write(
        p,
        "types/player_status.yaml",
        "enum: player_status\nvalues:\n  - pending\n  - active\n  - muted\n  \
         - { name: suspended, renamed_from: banned }\n  - \"it's gone\"\n  - deleted\n",
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("rename-enum-value"), "{r:?}");
    assert!(r.stdout.contains("enum-value-in-transaction"), "{r:?}");
    let (sql, r) = write_and_apply_binary(p, "values", &url);
    assert_eq!(r.code, 0, "{r:?}");
    for stmt in [
        "ALTER TYPE player_status RENAME VALUE 'banned' TO 'suspended';",
        "ALTER TYPE player_status ADD VALUE IF NOT EXISTS 'pending' BEFORE 'active';",
        "ALTER TYPE player_status ADD VALUE IF NOT EXISTS 'muted' AFTER 'active';",
        "ALTER TYPE player_status ADD VALUE IF NOT EXISTS 'deleted';",
    ] {
        assert!(sql.contains(stmt), "{stmt} not in\n{sql}");
    }
    assert_eq!(
        labels(&db, "player_status"),
        "pending,active,muted,suspended,it's gone,deleted"
    );
    converged(p, &url);

    // a dropped value: PostgreSQL has no DROP VALUE; refused with what to do, nothing written
    write(
        p,
        "types/player_status.yaml",
        "enum: player_status\nvalues: [pending, active, muted, suspended, deleted]\n",
    );
    let r = run(bmdb(p).args(["plan"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("error[enum-value-dropped]"), "{r:?}");
    assert!(r.stderr.contains("\"it's gone\""), "{r:?}");
    assert!(r.stderr.contains("help: keep the value"), "{r:?}");
    // reordered values: refused in both dialects
    write(
        p,
        "types/player_status.yaml",
        "enum: player_status\nvalues: [active, pending, muted, suspended, \"it's gone\", deleted]\n",
    );
    let r = run(bmdb(p).args(["plan"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("error[enum-values-reordered]"), "{r:?}");
    write(
        p,
        "types/player_status.yaml",
        "enum: player_status\nvalues: [pending, active, muted, suspended, \"it's gone\", deleted]\n",
    );

    // a type made by hand is drift, and plan --url drops it; `ignore:` leaves it alone
    pg().client(&db)
        .batch_execute("CREATE TYPE mood AS ENUM ('ok', 'sad')")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("enum mood"), "{r:?}");
    let r = run(bmdb(p).args(["plan", "--url", &url]));
    assert!(r.stdout.contains("DROP TYPE IF EXISTS mood;"), "{r:?}");
    write(
        p,
        "regions.yaml",
        &format!("{REGIONS}ignore: [\"enum mood\"]\n"),
    );
    converged(p, &url);

    // inspect writes types/ back (mood ignored on purpose); its plan --url is empty
    let out = dir.path().join("inspected");
    let r = run(bmdb(&out)
        .args([
            "inspect",
            "--url",
            &url,
            "--ignore",
            "enum mood",
            "--ignore",
            "table bmdb_schema_history",
            "--out",
        ])
        .arg(&out));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.contains("mood"), "{r:?}");
    let ty = std::fs::read_to_string(out.join("types/player_status.yaml")).unwrap();
    assert!(ty.contains("enum: player_status"), "{ty}");
    assert!(ty.contains("\"it's gone\""), "{ty}");
    assert!(!out.join("types/mood.yaml").exists());
    let schema = std::fs::read_to_string(out.join("schema/players.yaml")).unwrap();
    assert!(schema.contains("type: player_status"), "{schema}");
    assert!(schema.contains("default: \"'active'\""), "{schema}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // the table goes, then the type: drops after the table, the project keeps no table
    std::fs::remove_file(p.join("schema/players.yaml")).unwrap();
    std::fs::remove_file(p.join("types/player_status.yaml")).unwrap();
    let (sql, r) = write_and_apply_binary(p, "drop_all", &url);
    assert_eq!(r.code, 0, "{r:?}");
    let drop_table = sql.find("DROP TABLE IF EXISTS players;").unwrap();
    let drop_type = sql.find("DROP TYPE IF EXISTS player_status;").unwrap();
    assert!(drop_table < drop_type, "{sql}");
    converged(p, &url);
}

/// Issue 12 item 8: a project with only types (no table yet) is valid and plans them.
#[test]
fn a_project_with_only_types_plans_and_applies() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let url = pg().url(&pg().new_db("only_types"));
    write(p, "regions.yaml", REGIONS);
    write(p, "types/mood.yaml", "enum: mood\nvalues: [ok, sad]\n");
    let r = run(bmdb(p).args(["validate"]));
    assert_eq!(r.code, 0, "{r:?}");
    let (sql, r) = write_and_apply_binary(p, "types", &url);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        sql.contains("CREATE TYPE mood AS ENUM ('ok', 'sad');"),
        "{sql}"
    );
    converged(p, &url);
}

/// Issue 12 item 7: a type bmdb does not model, as inspect keeps it (`as_written: true`),
/// loads, plans, applies and reads back the same.
#[test]
fn a_type_kept_as_written_loads_plans_and_converges() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let url = pg().url(&pg().new_db("as_written"));
    write(p, "regions.yaml", REGIONS);
    write(
        p,
        "schema/docs.yaml",
        "table: docs\ncolumns:\n  - { name: id, type: INT8 }\n  \
         - { name: body, type: tsvector, as_written: true }\nprimary_key: [id]\n",
    );
    let (sql, r) = write_and_apply_binary(p, "init", &url);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(sql.contains("body tsvector"), "{sql}");
    converged(p, &url);
    // without the flag the type is still an error, with the way out in its help
    write(
        p,
        "schema/docs.yaml",
        "table: docs\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: body, type: tsvector }\nprimary_key: [id]\n",
    );
    let r = run(bmdb(p).args(["validate"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("as_written: true"), "{r:?}");
}

/// Issue 12 item 7: `ignore:` in regions.yaml stops drift, `plan --url` and inspect from
/// naming an object left alone on purpose; one not ignored is still named.
#[test]
fn ignored_objects_are_not_named_by_drift_plan_url_or_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("ignore");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(
        p,
        "schema/scores.yaml",
        "table: scores\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: points, type: INT8 }\nprimary_key: [id]\n",
    );
    let (_, r) = write_and_apply_binary(p, "init", &url);
    assert_eq!(r.code, 0, "{r:?}");
    pg().client(&db)
        .batch_execute(
            "CREATE VIEW leaderboard AS SELECT id, points FROM scores ORDER BY points DESC;\
             CREATE FUNCTION top10() RETURNS int LANGUAGE sql AS 'SELECT 10';\
             CREATE TABLE legacy_scores (id int)",
        )
        .unwrap();
    let named = |r: &Run, what: &str| r.stdout.contains(what) || r.stderr.contains(what);
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    // a view is managed (issue 12 item 4): one made by hand is drift, naming it
    assert_eq!(r.code, 2, "{r:?}");
    assert!(named(&r, "view leaderboard"), "{r:?}");
    assert!(named(&r, "legacy_scores"), "{r:?}");
    write(
        p,
        "regions.yaml",
        &format!("{REGIONS}ignore:\n  - view leaderboard\n  - table legacy_scores\n"),
    );
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!named(&r, "leaderboard"), "{r:?}");
    assert!(!named(&r, "legacy_scores"), "{r:?}");
    assert!(named(&r, "function top10(): not managed"), "{r:?}");
    let r = run(bmdb(p).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !named(&r, "leaderboard") && !named(&r, "legacy_scores"),
        "{r:?}"
    );
    assert!(named(&r, "function top10()"), "{r:?}");
    // inspect --ignore writes the list, so the adopted project keeps leaving them alone
    let out = p.join("adopted");
    let r = run(bmdb(&out)
        .args([
            "inspect",
            "--url",
            &url,
            "--ignore",
            "view leaderboard",
            "--out",
        ])
        .arg(&out));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!named(&r, "leaderboard"), "{r:?}");
    assert!(!out.join("views/leaderboard.yaml").exists());
    assert!(named(&r, "function top10()"), "{r:?}");
    let regions = std::fs::read_to_string(out.join("regions.yaml")).unwrap();
    assert!(
        regions.contains("ignore:\n  - \"view leaderboard\""),
        "{regions}"
    );
}
