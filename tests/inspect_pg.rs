//! `bmdb inspect` round trip on a database built by plain SQL bmdb never saw: inspect,
//! then `plan --url` is empty, then the inspected model applied to an empty database gives
//! the same schema (compared as read_postgres models).

mod support;

use bmdb::apply::{run_apply, ApplyArgs};
use bmdb::catalog::postgres::read_postgres;
use bmdb::db::ConnectOpts;
use bmdb::model::Dialect;
use support::{bmdb, pg, run};

const PLAIN_SQL: &str = r#"
CREATE TABLE "Guild" (
    "GuildId" bigint PRIMARY KEY,
    "select" text NOT NULL DEFAULT 'x',
    created timestamptz DEFAULT now(),
    motto varchar(200)
);
CREATE UNIQUE INDEX guild_select_uq ON "Guild" ("select");
COMMENT ON TABLE "Guild" IS 'A guild; it''s mixed case';
CREATE TABLE members (
    guild_id bigint REFERENCES "Guild" ("GuildId") ON DELETE CASCADE,
    player int NOT NULL,
    rank smallint DEFAULT 0 CHECK (rank >= 0),
    joined date,
    PRIMARY KEY (guild_id, player)
);
CREATE TABLE "order" (
    id serial PRIMARY KEY,
    guild_id bigint,
    player int,
    amount numeric(12,2) NOT NULL CHECK (amount > 0 AND amount < 1000000),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
    note varchar(200),
    tags text[],
    ratio double precision DEFAULT -1,
    FOREIGN KEY (guild_id, player) REFERENCES members (guild_id, player) ON UPDATE RESTRICT,
    UNIQUE (guild_id, note)
);
CREATE INDEX order_amount_partial ON "order" (amount DESC) INCLUDE (note) WHERE amount > 100;
CREATE INDEX order_guild_player ON "order" (guild_id, player);
CREATE TABLE places (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    loc geography(Point,4326) NOT NULL,
    props jsonb,
    big bigserial
);
CREATE INDEX places_loc_gist ON places USING gist (loc);
CREATE INDEX places_props_gin ON places USING gin (props);
COMMENT ON COLUMN places.props IS 'free-form';
"#;

fn opts(url: &str) -> ConnectOpts {
    ConnectOpts {
        url: Some(url.into()),
        connect_timeout: Some(std::time::Duration::from_secs(10)),
        connect_retries: 3,
        ..Default::default()
    }
}

#[test]
fn inspect_round_trip_on_a_database_bmdb_never_saw() {
    let src = pg().new_db_postgis("inspect_src");
    pg().client(&src).batch_execute(PLAIN_SQL).unwrap();
    let src_url = pg().url(&src);

    let out = tempfile::tempdir().unwrap();
    let proj = out.path().join("adopted");
    let r = run(bmdb(&proj)
        .args(["inspect", "--url", &src_url, "--out"])
        .arg(&proj));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("4 tables"), "{r:?}");
    // readable YAML: parameterised types quoted, names as written
    let order = std::fs::read_to_string(proj.join("schema/order.yaml")).unwrap();
    assert!(order.contains("type: \"DECIMAL(12,2)\""), "{order}");
    assert!(order.contains("type: SERIAL"), "{order}");
    assert!(order.contains("{ column: amount, desc: true }"), "{order}");
    let guild = std::fs::read_to_string(proj.join("schema/Guild.yaml")).unwrap();
    assert!(guild.starts_with("table: Guild\n"), "{guild}");
    let places = std::fs::read_to_string(proj.join("schema/places.yaml")).unwrap();
    assert!(
        places.contains("type: \"GEOGRAPHY(POINT,4326)\""),
        "{places}"
    );
    assert!(places.contains("using: gist"), "{places}");

    // the inspected project loads and matches the database it came from
    let r = run(bmdb(&proj).args(["validate"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(&proj).args(["plan", "--url", &src_url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url must be empty: {r:?}");
    let r = run(bmdb(&proj).args(["drift", "--url", &src_url, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["categories"]["live_vs_model"]["clean"], true, "{v:#}");

    // ... and holds its baseline: the first migration and its lock, so the offline plan is
    // empty and the database is one `apply --baseline 1` away from being managed
    let baseline = std::fs::read_to_string(proj.join("migrations/V1__baseline.sql")).unwrap();
    assert!(baseline.contains("CREATE TABLE"), "{baseline}");
    assert!(proj.join("migrations/bmdb.lock").is_file());
    let r = run(bmdb(&proj).args(["plan", "--detailed-exitcode"]));
    assert_eq!(
        r.code, 0,
        "the offline plan of an inspected project is empty: {r:?}"
    );
    let r = run(bmdb(&proj).args(["apply", "--url", &src_url, "--baseline", "1"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("baselined"), "{r:?}");
    let r = run(bmdb(&proj).args(["status", "--url", &src_url, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["migrations"][0]["state"], "applied", "{v:#}");
    let r = run(bmdb(&proj).args(["plan", "--url", &src_url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(&proj).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(&proj).args(["drift", "--url", &src_url]));
    assert_eq!(r.code, 0, "drift after the baseline: {r:?}");
    let r = run(bmdb(&proj).args(["apply", "--url", &src_url]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("nothing to apply"), "{r:?}");
    // managed from here: a change is written and applied like any other
    std::fs::write(
        proj.join("schema/extra.yaml"),
        "table: extra\ncolumns:\n  - { name: id, type: INT8, nullable: false }\nprimary_key: [id]\n",
    )
    .unwrap();
    let r = run(bmdb(&proj).args(["plan", "--write", "extra"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(&proj).args(["apply", "--url", &src_url]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(&proj).args(["plan", "--url", &src_url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(&proj).args(["drift", "--url", &src_url]));
    assert_eq!(r.code, 0, "{r:?}");

    // inspect refuses to overwrite a project
    let r = run(bmdb(&proj)
        .args(["inspect", "--url", &src_url, "--out"])
        .arg(&proj));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("refusing to overwrite"), "{r:?}");

    // the baseline (and the change after it) applied to an empty database: the same schema
    let dst = pg().new_db_postgis("inspect_dst");
    let dst_url = pg().url(&dst);
    let args = ApplyArgs {
        quiet: true,
        ..ApplyArgs::default()
    };
    run_apply(
        &bmdb::migrations::Line::single(&proj, Dialect::Postgres),
        &opts(&dst_url),
        &args,
    )
    .expect("apply inspected model");
    let mut a = read_postgres(&mut pg().client(&src)).unwrap();
    let mut b = read_postgres(&mut pg().client(&dst)).unwrap();
    a.database.name = String::new();
    b.database.name = String::new();
    assert_eq!(a.tables.len(), 5);
    for (name, t) in &a.tables {
        assert_eq!(Some(t), b.tables.get(name), "table {name} differs");
    }
    assert_eq!(a, b);
}

#[test]
fn read_postgres_sends_a_fixed_number_of_queries() {
    let db = pg().new_db("query_count");
    let mut c = pg().client(&db);
    let (_, small) = bmdb::catalog::postgres::read_postgres_with_stats(&mut c).unwrap();
    let mut ddl = String::new();
    for i in 0..40 {
        ddl.push_str(&format!(
            "CREATE TABLE t{i} (id int8 PRIMARY KEY, v text CHECK (v <> ''), w int4 DEFAULT {i});\
             CREATE INDEX t{i}_w ON t{i} (w);"
        ));
    }
    c.batch_execute(&ddl).unwrap();
    let (m, big) = bmdb::catalog::postgres::read_postgres_with_stats(&mut c).unwrap();
    assert_eq!(m.tables.len(), 40);
    assert_eq!(small.queries, big.queries);
    assert_eq!(big.queries, bmdb::catalog::postgres::QUERY_COUNT);

    // drift's read on two sessions sends the same queries and reads the same model,
    // unmanaged objects and enums included
    c.batch_execute(
        // (no role: roles are the cluster's, and other tests of this binary read them)
        "CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE VIEW v AS SELECT id FROM t0;",
    )
    .unwrap();
    let (one, one_stats) = bmdb::catalog::postgres::read_postgres_with_stats(&mut c).unwrap();
    let mut side = pg().client(&db);
    let (two, two_stats) =
        bmdb::catalog::postgres::read_postgres_sessions(&mut c, Some(&mut side)).unwrap();
    assert_eq!(one, two);
    assert_eq!(one_stats.queries, two_stats.queries);
    assert_eq!(one_stats.skipped, two_stats.skipped);
    // a view is managed (issue 12 item 4): read as one, not named as unmanaged
    assert!(two.views.contains_key("v"), "{:?}", two.views);
    assert!(
        !two_stats.skipped.iter().any(|s| s.starts_with("view v")),
        "{:?}",
        two_stats.skipped
    );
    assert!(two.enums.contains_key("mood"), "{:?}", two.enums);
}

#[test]
fn what_the_model_cannot_express_is_named_not_hidden() {
    let db = pg().new_db("skipped");
    let mut c = pg().client(&db);
    c.batch_execute(
        "CREATE TABLE t (id int8 PRIMARY KEY, name text); CREATE INDEX t_lower ON t (lower(name)); \
         CREATE INDEX t_hash ON t USING hash (name);",
    )
    .unwrap();
    let (m, stats) = bmdb::catalog::postgres::read_postgres_with_stats(&mut c).unwrap();
    assert!(m.tables["t"].indexes.is_empty());
    let all = stats.skipped.join("\n");
    assert!(all.contains("t@t_lower: expression index"), "{all}");
    assert!(all.contains("t@t_hash: index method hash"), "{all}");
}
