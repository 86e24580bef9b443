//! Sequences (sequences/*.yaml) end to end on the real PostgreSQL (issue 12 item 2): created
//! before the table whose default draws from them and owned by a column once it exists;
//! drift 0 and `plan --url` empty; inspect writes sequences/ back (a SERIAL column's own
//! sequence stays the column's) and its `plan --url` is empty; a hand-made sequence and a
//! hand-changed option are drift; changed options are one ALTER SEQUENCE; a dropped sequence
//! needs --allow-destructive and goes after the default that used it.

mod support;

use support::{at, bmdb, converged, inspected, pg, run, write, write_and_apply};

fn value(db: &str, sql: &str) -> String {
    let row = pg().client(db).query_one(sql, &[]).unwrap();
    row.get::<_, String>(0)
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const ORDERS: &str = "table: orders\ncolumns:\n  \
    - { name: id, type: INT8, nullable: false, default: \"nextval('order_no')\" }\n  \
    - { name: ticket, type: INT8, default: \"nextval('tickets'::regclass)\" }\n  \
    - { name: note, type: STRING }\nprimary_key: [id]\n";
const PLAYERS: &str = "table: players\ncolumns:\n  - { name: id, type: SERIAL }\n  \
    - { name: name, type: STRING }\nprimary_key: [id]\n";
const ORDER_NO: &str = "sequence: order_no\nincrement: 5\nmin_value: 1000\n\
    max_value: 999999999\ncache: 10\nowned_by: orders.id\n";
const TICKETS: &str = "sequence: tickets\n";
const COUNTDOWN: &str = "sequence: countdown\nincrement: -1\ncycle: true\n";

#[test]
fn sequences_plan_apply_drift_inspect_alter_and_drop() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("sequences");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/orders.yaml", ORDERS);
    write(p, "schema/players.yaml", PLAYERS);
    write(p, "sequences/order_no.yaml", ORDER_NO);
    write(p, "sequences/tickets.yaml", TICKETS);
    write(p, "sequences/countdown.yaml", COUNTDOWN);
    // a grant may name a sequence of the model (roles.rs sees them beside SERIAL's own)
    write(
        p,
        "roles.yaml",
        "roles:\n  seq_app:\n    grants:\n      \
         - { on: { sequences: [order_no, players_id_seq] }, privileges: [USAGE] }\n",
    );
    let sql = write_and_apply(p, "init", &url);
    let grant = at(&sql, "GRANT USAGE ON SEQUENCE order_no TO seq_app;");
    assert!(
        at(&sql, "CREATE SEQUENCE IF NOT EXISTS order_no") < grant,
        "{sql}"
    );
    let create = at(&sql, "CREATE SEQUENCE IF NOT EXISTS order_no");
    let table = at(&sql, "CREATE TABLE IF NOT EXISTS orders");
    let owner = at(&sql, "ALTER SEQUENCE order_no OWNED BY orders.id;");
    assert!(create < table && table < owner, "{sql}");
    assert!(sql.contains("DEFAULT nextval('tickets')"), "{sql}");
    assert!(sql.contains(" CYCLE;"), "{sql}");
    converged(p, &url);

    // the defaults draw from the sequences as modelled
    let mut c = pg().client(&db);
    c.batch_execute("INSERT INTO orders (note) VALUES ('a'), ('b')")
        .unwrap();
    let ids: Vec<i64> = c
        .query("SELECT id FROM orders ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [1000, 1005]);
    let next: i64 = c
        .query_one("SELECT nextval('countdown')", &[])
        .unwrap()
        .get(0);
    assert_eq!(next, -1);

    // inspect writes sequences/ back; players.id stays SERIAL (its sequence is the column's)
    let (out, r) = inspected(p, &url, "inspected");
    assert!(!r.stderr.contains("sequence order_no"), "{r:?}");
    assert!(!r.stdout.contains("sequence order_no"), "{r:?}");
    let s = std::fs::read_to_string(out.join("sequences/order_no.yaml")).unwrap();
    assert_eq!(s, ORDER_NO, "{s}");
    let s = std::fs::read_to_string(out.join("sequences/countdown.yaml")).unwrap();
    assert_eq!(s, COUNTDOWN, "{s}");
    assert!(!out.join("sequences/players_id_seq.yaml").exists());
    let players = std::fs::read_to_string(out.join("schema/players.yaml")).unwrap();
    assert!(players.contains("type: SERIAL"), "{players}");
    let orders = std::fs::read_to_string(out.join("schema/orders.yaml")).unwrap();
    assert!(orders.contains("nextval('order_no')"), "{orders}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // a hand-made sequence and a hand-changed option are drift
    c.batch_execute("CREATE SEQUENCE stray; ALTER SEQUENCE tickets CACHE 5")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("sequence stray"), "{r:?}");
    assert!(r.stdout.contains("sequence tickets"), "{r:?}");
    c.batch_execute("ALTER SEQUENCE tickets CACHE 1").unwrap();
    // one the project leaves alone on purpose (ignore:) is neither drift nor dropped
    write(
        p,
        "regions.yaml",
        &format!("{REGIONS}ignore:\n  - sequence stray\n"),
    );
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(p).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    write(p, "regions.yaml", REGIONS);
    c.batch_execute("DROP SEQUENCE stray").unwrap();
    converged(p, &url);

    // changed options: one ALTER SEQUENCE with what differs; the narrower range is flagged
    write(
        p,
        "sequences/order_no.yaml",
        &ORDER_NO
            .replace("cache: 10", "cache: 1")
            .replace("max_value: 999999999", "max_value: 99999999"),
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("sequence-range-narrowed"), "{r:?}");
    let sql = write_and_apply(p, "alter", &url);
    assert!(
        sql.contains("ALTER SEQUENCE order_no MAXVALUE 99999999 CACHE 1;"),
        "{sql}"
    );
    converged(p, &url);
    assert_eq!(
        value(
            &db,
            "SELECT seqmax::text FROM pg_sequence WHERE seqrelid = 'order_no'::regclass"
        ),
        "99999999"
    );

    // tickets goes with the default that used it: destructive, after the default is dropped
    std::fs::remove_file(p.join("sequences/tickets.yaml")).unwrap();
    write(
        p,
        "schema/orders.yaml",
        &ORDERS.replace(", default: \"nextval('tickets'::regclass)\"", ""),
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("drop-sequence"), "{r:?}");
    let r = run(bmdb(p).args(["plan", "--write", "drop_tickets"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(p).args(["apply", "--url", &url]));
    assert_ne!(
        r.code, 0,
        "a dropped sequence needs --allow-destructive: {r:?}"
    );
    let r = run(bmdb(p).args(["apply", "--allow-destructive", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_dir(p.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy().contains("drop_tickets")
                && p.extension().is_some_and(|x| x == "sql")
        })
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap();
    let drop_default = at(&sql, "ALTER COLUMN ticket DROP DEFAULT;");
    let drop_seq = at(&sql, "DROP SEQUENCE IF EXISTS tickets;");
    assert!(drop_default < drop_seq, "{sql}");
    converged(p, &url);
    assert_eq!(
        value(
            &db,
            "SELECT count(*)::text FROM pg_class WHERE relname = 'tickets'"
        ),
        "0"
    );
}

/// A default drawing from a sequence the model does not have is refused where it is written.
#[test]
fn a_nextval_of_an_unknown_sequence_is_refused_at_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/orders.yaml", ORDERS);
    write(p, "sequences/order_no.yaml", ORDER_NO);
    let r = run(bmdb(p).args(["validate"]));
    assert_ne!(r.code, 0, "{r:?}");
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("schema/orders.yaml:4:42"), "{all}");
    assert!(all.contains("unknown-sequence"), "{all}");
    // named in ignore:, a live sequence bmdb leaves alone may be drawn from
    write(
        p,
        "regions.yaml",
        &format!("{REGIONS}ignore:\n  - sequence tickets\n"),
    );
    let r = run(bmdb(p).args(["validate"]));
    assert_eq!(r.code, 0, "{r:?}");
}

/// `as:` (issue 12, sequence data type): a smallint sequence is created AS INT2 with the
/// type's range; drift 0 and `plan --url` empty (PostgreSQL reads it back as smallint);
/// inspect writes `as: int2` back and its `plan --url` is empty; a new type is one ALTER
/// SEQUENCE ... AS with the range it brings; back to bigint the same way.
#[test]
fn sequence_types_plan_apply_drift_inspect_and_alter() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("sequence_types");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/orders.yaml", ORDERS);
    write(
        p,
        "sequences/order_no.yaml",
        "sequence: order_no\nas: int2\n",
    );
    write(
        p,
        "sequences/tickets.yaml",
        "sequence: tickets\nas: INT4\nincrement: -1\n",
    );
    let sql = write_and_apply(p, "init", &url);
    assert!(
        sql.contains("CREATE SEQUENCE IF NOT EXISTS order_no AS INT2 INCREMENT BY 1 MINVALUE 1 MAXVALUE 32767 START WITH 1"),
        "{sql}"
    );
    assert!(
        sql.contains("CREATE SEQUENCE IF NOT EXISTS tickets AS INT4 INCREMENT BY -1 MINVALUE -2147483648 MAXVALUE -1 START WITH -1"),
        "{sql}"
    );
    let types = |db: &str| {
        value(
            db,
            "SELECT string_agg(sequencename || ':' || data_type::text || ':' || min_value || '..' \
             || max_value, ',' ORDER BY sequencename) FROM pg_sequences",
        )
    };
    assert_eq!(
        types(&db),
        "order_no:smallint:1..32767,tickets:integer:-2147483648..-1"
    );
    converged(p, &url);

    // inspect writes the types back; its project plans nothing against the database
    let (out, r) = inspected(p, &url, "inspected");
    assert!(!r.stderr.contains("AS "), "{r:?}");
    let y = std::fs::read_to_string(out.join("sequences/order_no.yaml")).unwrap();
    assert_eq!(y, "sequence: order_no\nas: int2\n");
    let y = std::fs::read_to_string(out.join("sequences/tickets.yaml")).unwrap();
    assert!(y.contains("as: int4\n") && !y.contains("min_value"), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // order_no widens to int4, tickets to bigint: one ALTER SEQUENCE each, the range after
    // the type
    write(
        p,
        "sequences/order_no.yaml",
        "sequence: order_no\nas: int4\n",
    );
    write(
        p,
        "sequences/tickets.yaml",
        "sequence: tickets\nincrement: -1\n",
    );
    let sql = write_and_apply(p, "widen", &url);
    let alter = at(&sql, "ALTER SEQUENCE order_no AS INT4 MAXVALUE 2147483647;");
    assert!(alter > 0, "{sql}");
    assert!(
        sql.contains("ALTER SEQUENCE tickets AS INT8 MINVALUE -9223372036854775808;"),
        "{sql}"
    );
    assert_eq!(
        types(&db),
        "order_no:integer:1..2147483647,tickets:bigint:-9223372036854775808..-1"
    );
    converged(p, &url);

    // a hand-made change of type is drift, named with the sequence
    pg().client(&db)
        .batch_execute("ALTER SEQUENCE order_no AS smallint")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("sequence order_no"), "{r:?}");
}

/// `renamed_from:` on a sequence: one ALTER SEQUENCE ... RENAME TO, never a drop and a
/// create; the sequence keeps its position, the column default drawing from it and its owner
/// follow; drift 0, `plan --url` empty; inspect writes the new name and plans nothing.
#[test]
fn a_renamed_sequence_keeps_its_position_default_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("sequence_rename");
    let url = pg().url(&db);
    let orders = |seq: &str| {
        format!(
            "table: orders\ncolumns:\n  \
             - {{ name: id, type: INT8, nullable: false, default: \"nextval('{seq}')\" }}\n  \
             - {{ name: note, type: STRING }}\nprimary_key: [id]\n"
        )
    };
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/orders.yaml", &orders("order_seq"));
    write(
        p,
        "sequences/order_seq.yaml",
        "sequence: order_seq\nowned_by: orders.id\n",
    );
    write_and_apply(p, "init", &url);
    pg().client(&db)
        .batch_execute("INSERT INTO orders (note) VALUES ('a'), ('b'), ('c')")
        .unwrap();

    std::fs::remove_file(p.join("sequences/order_seq.yaml")).unwrap();
    write(p, "schema/orders.yaml", &orders("order_no"));
    write(
        p,
        "sequences/order_no.yaml",
        "sequence: order_no\nrenamed_from: order_seq\nowned_by: orders.id\n",
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(!r.stdout.contains("drop-sequence"), "{r:?}");
    let sql = write_and_apply(p, "rename", &url);
    assert!(
        sql.contains("ALTER SEQUENCE IF EXISTS order_seq RENAME TO order_no;"),
        "{sql}"
    );
    for not in [
        "DROP SEQUENCE",
        "CREATE SEQUENCE",
        "SET DEFAULT",
        "OWNED BY",
    ] {
        assert!(!sql.contains(not), "{not}\n{sql}");
    }
    assert_eq!(
        value(
            &db,
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d \
             WHERE d.adrelid = 'orders'::regclass AND d.adnum = 1"
        ),
        "nextval('order_no'::regclass)"
    );
    assert_eq!(
        value(
            &db,
            "SELECT pg_get_serial_sequence('orders', 'id') || ':' || last_value::text \
             FROM order_no"
        ),
        "public.order_no:3"
    );
    pg().client(&db)
        .batch_execute("INSERT INTO orders (note) VALUES ('d')")
        .unwrap();
    assert_eq!(value(&db, "SELECT max(id)::text FROM orders"), "4");
    converged(p, &url);

    let (out, _) = inspected(p, &url, "inspected");
    let y = std::fs::read_to_string(out.join("sequences/order_no.yaml")).unwrap();
    assert!(!y.contains("renamed_from"), "{y}");
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // renamed_from may stay in the model: once applied it is no change
    let r = run(bmdb(p).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
}

/// A sequence in another schema renamed: `renamed_from` names a sequence of the same schema
/// (a rename never moves it), so the plan is one ALTER SEQUENCE game.old RENAME TO new
/// (bare: RENAME TO takes no schema), the sequence keeps its position; drift 0, `plan
/// --url` empty.
#[test]
fn a_sequence_renamed_in_another_schema_stays_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("sequence_rename_schema");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(
        p,
        "schema/orders.yaml",
        "table: orders\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: [id]\n",
    );
    write(
        p,
        "sequences/ticket.yaml",
        "sequence: ticket\nschema: game\n",
    );
    write_and_apply(p, "init", &url);
    let _ = value(&db, "SELECT nextval('game.ticket')::text");

    std::fs::remove_file(p.join("sequences/ticket.yaml")).unwrap();
    write(
        p,
        "sequences/ticket_no.yaml",
        "sequence: ticket_no\nschema: game\nrenamed_from: ticket\n",
    );
    let sql = write_and_apply(p, "rename", &url);
    assert!(
        sql.contains("ALTER SEQUENCE IF EXISTS game.ticket RENAME TO ticket_no;"),
        "{sql}"
    );
    assert!(!sql.contains("DROP SEQUENCE"), "{sql}");
    assert_eq!(
        value(&db, "SELECT last_value::text FROM game.ticket_no"),
        "1"
    );
    converged(p, &url);
}
