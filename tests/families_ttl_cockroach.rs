//! Column families and row-level TTL options against a live CockroachDB, when
//! BMDB_TEST_COCKROACH_URL names one (any cluster: nothing here is multi-region). Not run
//! where no CockroachDB is at hand: the test is `#[ignore]`d with that reason. It applies a
//! table with two families and a TTL by expression with job options, checks convergence
//! (`plan` and `plan --url` empty, drift 0), adds a column into a new family and changes the
//! TTL (SET then RESET), converges again, and finally checks that moving a kept column to
//! another family is refused by `plan --url` with `family-changed`.

mod support;

use bmdb::db::ConnectOpts;
use support::{bmdb, converged, run, write, write_and_apply};

const VAR: &str = "BMDB_TEST_COCKROACH_URL";

fn fresh_db(base: &str) -> String {
    let name = format!("bmdb_families_{}", std::process::id());
    ConnectOpts {
        url: Some(base.into()),
        ..Default::default()
    }
    .connect()
    .unwrap()
    .client
    .batch_execute(&format!(
        "DROP DATABASE IF EXISTS {name} CASCADE; CREATE DATABASE {name}"
    ))
    .unwrap();
    let (head, query) = base.split_once('?').unwrap_or((base, ""));
    let scheme_end = head.find("://").unwrap() + 3;
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    let url = format!("{}/{name}", &head[..host_end]);
    if query.is_empty() {
        url
    } else {
        format!("{url}?{query}")
    }
}

const EVENTS: &str = "table: events\ncolumns:\n  \
    - { name: id, type: INT8, nullable: false }\n  \
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
    delete_rate_limit: 100\n";

#[test]
#[ignore = "needs a live CockroachDB: set BMDB_TEST_COCKROACH_URL"]
fn families_and_ttl_options_on_cockroachdb() {
    let base = std::env::var(VAR).expect("BMDB_TEST_COCKROACH_URL");
    let url = fresh_db(&base);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    write(p, "regions.yaml", &format!("database: {db}\n"));
    write(p, "schema/events.yaml", EVENTS);
    let sql = write_and_apply(p, "init", &url);
    assert!(sql.contains("FAMILY hot (id, kind, occurred_at)"), "{sql}");
    assert!(sql.contains("ttl_expiration_expression = "), "{sql}");
    converged(p, &url);

    // a column into a new family; the TTL moves to expire_after, its expression reset
    write(
        p,
        "schema/events.yaml",
        &EVENTS
            .replace(
                "primary_key: [id]",
                "  - { name: note, type: STRING }\nprimary_key: [id]",
            )
            .replace(
                "  - { name: cold, columns: [payload] }\n",
                "  - { name: cold, columns: [payload] }\n  - { name: notes, columns: [note] }\n",
            )
            .replace(
                "expiration_expression: \"occurred_at + INTERVAL '30 days'\"",
                "expire_after: 30 days",
            ),
    );
    let sql = write_and_apply(p, "note", &url);
    assert!(sql.contains("CREATE IF NOT EXISTS FAMILY notes"), "{sql}");
    assert!(sql.contains("RESET (ttl_expiration_expression)"), "{sql}");
    converged(p, &url);

    // payload moved to hot: CockroachDB cannot, bmdb refuses
    write(
        p,
        "schema/events.yaml",
        &std::fs::read_to_string(p.join("schema/events.yaml"))
            .unwrap()
            .replace(
                "[id, kind, occurred_at]",
                "[id, kind, occurred_at, payload]",
            )
            .replace("  - { name: cold, columns: [payload] }\n", ""),
    );
    let r = run(bmdb(p).args(["plan", "--url", &url]));
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("family-changed"), "{r:?}");
}
