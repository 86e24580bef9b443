//! CockroachDB column families and row-level TTL options on the real PostgreSQL (issue 12
//! item 5): one model serves both dialects, so a postgres project accepts `families:` and the
//! whole `ttl:`, writes neither (the plan's left-out line says so, one line), applies,
//! converges (drift 0, `plan --url` empty), and inspect's project plans nothing against the
//! database. A later regrouping of the families, which CockroachDB refuses, is no change on
//! PostgreSQL; a column added into a new family is a plain ADD COLUMN.

mod support;

use support::{bmdb, converged, inspected, pg, run, write, write_and_apply};

const REGIONS: &str = "database: game\ndialect: postgres\n";
const EVENTS: &str = "table: events\ncolumns:\n  \
    - { name: id, type: INT8 }\n  \
    - { name: kind, type: STRING, nullable: false }\n  \
    - { name: payload, type: JSONB }\n  \
    - { name: occurred_at, type: TIMESTAMPTZ, nullable: false, default: now() }\n\
    primary_key: [id]\n\
    families:\n  \
    - { name: hot, columns: [id, kind, occurred_at] }\n  \
    - { name: cold, columns: [payload] }\n\
    ttl:\n  \
    expiration_expression: \"occurred_at + INTERVAL '30 days'\"\n  \
    job_cron: \"0 3 * * *\"\n  \
    select_batch_size: 500\n  \
    delete_rate_limit: 100\n  \
    pause: true\n";

#[test]
fn families_and_ttl_options_are_left_out_on_postgres_and_converge() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("families_ttl");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/events.yaml", EVENTS);
    let sql = write_and_apply(p, "init", &url);
    assert!(!sql.contains("FAMILY"), "{sql}");
    assert!(!sql.contains("ttl_"), "{sql}");
    assert!(
        sql.contains("-- postgres dialect: left out row-level TTL (1), column families (1 table)"),
        "{sql}"
    );
    converged(p, &url);

    // inspect's project (no families, no TTL: PostgreSQL has neither) plans nothing
    let (out, _) = inspected(p, &url, "inspected");
    let y = std::fs::read_to_string(out.join("schema/events.yaml")).unwrap();
    assert!(!y.contains("families") && !y.contains("ttl"), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // regroup (payload moves to hot: refused on CockroachDB, nothing on PostgreSQL) and add
    // a column into a new family
    write(
        p,
        "schema/events.yaml",
        &EVENTS
            .replace(
                "columns: [id, kind, occurred_at] }",
                "columns: [id, kind, occurred_at, payload] }",
            )
            .replace(
                "  - { name: cold, columns: [payload] }\n",
                "  - { name: notes, columns: [note] }\n",
            )
            .replace(
                "primary_key: [id]",
                "  - { name: note, type: STRING }\nprimary_key: [id]",
            ),
    );
    let sql = write_and_apply(p, "note", &url);
    assert!(
        sql.contains("ALTER TABLE events ADD COLUMN IF NOT EXISTS note TEXT;"),
        "{sql}"
    );
    assert!(sql.contains("left out column families (1 table)"), "{sql}");
    converged(p, &url);
}
