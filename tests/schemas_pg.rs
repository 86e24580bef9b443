//! Schemas other than public end to end on the real PostgreSQL (issue 12 items 6 and 8):
//! two schemas holding a table of the same name, a foreign key across schemas, a view, a
//! sequence and an enum in a schema other than public, an index per schema under one name,
//! and a model with no table in public at all. plan -> apply -> drift 0 -> inspect (which
//! writes `schema:` back) -> `plan --url` empty from the inspected project; then a schema no
//! longer used is dropped after the objects in it (destructive, flagged), and a table moved
//! to another schema is a drop and a create.

mod support;

use support::{at, bmdb, converged, inspected, pg, run, write, write_and_apply};

const REGIONS: &str = "database: game\ndialect: postgres\nschemas: [staging]\n";

const ACCOUNTS: &str = "table: accounts\nschema: auth\ncolumns:\n  \
    - { name: id, type: INT8, nullable: false }\n  \
    - { name: email, type: STRING }\nprimary_key: [id]\n\
    indexes:\n  - { name: by_email, columns: [email] }\n";

/// `game.players`: an enum column of `game.mood`, a default from `game.ticket`, a foreign key
/// to `auth.accounts`, an index named like auth.accounts' (index names are per schema).
const GAME_PLAYERS: &str = "table: players\nschema: game\ncomment: players of the game\ncolumns:\n  \
    - { name: id, type: INT8, nullable: false, default: \"nextval('game.ticket')\" }\n  \
    - { name: account_id, type: INT8 }\n  \
    - { name: mood, type: game.mood, default: \"'ok'\" }\n  \
    - { name: email, type: STRING }\n\
    primary_key: [id]\n\
    indexes:\n  - { name: by_email, columns: [email] }\n\
    foreign_keys:\n  - { columns: [account_id], references: { table: auth.accounts, columns: [id] } }\n";

/// `legacy.players`: the same table name in another schema.
const LEGACY_PLAYERS: &str = "table: players\nschema: legacy\ncolumns:\n  \
    - { name: id, type: INT8, nullable: false }\n  \
    - { name: game_id, type: INT8 }\nprimary_key: [id]\n\
    foreign_keys:\n  - { columns: [game_id], references: { table: game.players, columns: [id] } }\n";

const MOOD: &str = "enum: mood\nschema: game\nvalues: [ok, sad]\n";
const TICKET: &str = "sequence: ticket\nschema: game\nstart: 100\nowned_by: game.players.id\n";
const ROSTER: &str = "view: roster\nschema: game\nquery: |\n  \
    SELECT p.id, a.email FROM game.players AS p JOIN auth.accounts AS a ON a.id = p.account_id\n";

/// Grants in schemas other than public: on a schema (one with no object, declared), all the
/// tables of one, a table, a sequence and a type by their qualified names, and default
/// privileges in one.
const ROLES: &str =
    "roles:\n  schemas_owner: { login: true }\n  schemas_reader:\n    grants:\n      \
    - { on: { schema: game }, privileges: [USAGE] }\n      \
    - { on: { schema: staging }, privileges: [USAGE, CREATE] }\n      \
    - { on: { all_tables_in_schema: game }, privileges: [SELECT] }\n      \
    - { on: { tables: [auth.accounts] }, privileges: [SELECT, UPDATE] }\n      \
    - { on: { sequences: [game.ticket] }, privileges: [USAGE] }\n      \
    - { on: { types: [game.mood] }, privileges: [USAGE] }\n    \
    default_privileges:\n      \
    - { for_role: schemas_owner, in_schema: game, on: tables, privileges: [SELECT] }\n";

fn value(db: &str, sql: &str) -> String {
    pg().client(db).query_one(sql, &[]).unwrap().get(0)
}

/// `schema.name` of every relation of `kinds` outside pg_catalog and information_schema.
fn relations(db: &str, kinds: &str) -> String {
    value(
        db,
        &format!(
            "SELECT COALESCE(string_agg(n.nspname || '.' || c.relname, ',' \
             ORDER BY n.nspname, c.relname), '') FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ({kinds}) AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
             AND n.nspname NOT LIKE 'pg\\_%' AND c.relname NOT LIKE 'bmdb\\_%'"
        ),
    )
}

#[test]
fn schemas_plan_apply_drift_inspect_move_and_drop() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let db = pg().new_db("schemas");
    let url = pg().url(&db);
    write(p, "regions.yaml", REGIONS);
    write(p, "schema/auth/accounts.yaml", ACCOUNTS);
    write(p, "schema/game/players.yaml", GAME_PLAYERS);
    write(p, "schema/legacy/players.yaml", LEGACY_PLAYERS);
    write(p, "types/game/mood.yaml", MOOD);
    write(p, "sequences/game/ticket.yaml", TICKET);
    write(p, "views/game/roster.yaml", ROSTER);
    write(p, "roles.yaml", ROLES);

    // a model with no table in public is valid (issue 12 item 8)
    let r = run(bmdb(p).args(["validate"]));
    assert_eq!(r.code, 0, "{r:?}");
    let sql = write_and_apply(p, "init", &url);
    // each schema before the objects in it; the referenced table before its referrer
    let auth = at(&sql, "CREATE SCHEMA IF NOT EXISTS auth;");
    let game = at(&sql, "CREATE SCHEMA IF NOT EXISTS game;");
    assert!(
        sql.contains("CREATE SCHEMA IF NOT EXISTS staging;"),
        "{sql}"
    );
    let mood = at(&sql, "CREATE TYPE game.mood AS ENUM ('ok', 'sad');");
    let ticket = at(&sql, "CREATE SEQUENCE IF NOT EXISTS game.ticket");
    let accounts = at(&sql, "CREATE TABLE IF NOT EXISTS auth.accounts (");
    let players = at(&sql, "CREATE TABLE IF NOT EXISTS game.players (");
    let legacy = at(&sql, "CREATE TABLE IF NOT EXISTS legacy.players (");
    assert!(
        auth < accounts && game < mood && mood < players && ticket < players,
        "{sql}"
    );
    assert!(accounts < players && players < legacy, "{sql}");
    assert!(sql.contains("REFERENCES auth.accounts (id)"), "{sql}");
    assert!(sql.contains("REFERENCES game.players (id)"), "{sql}");
    assert!(sql.contains("mood game.mood DEFAULT 'ok'"), "{sql}");
    assert!(sql.contains("DEFAULT nextval('game.ticket')"), "{sql}");
    assert!(
        sql.contains("CREATE INDEX IF NOT EXISTS by_email ON auth.accounts"),
        "{sql}"
    );
    assert!(
        sql.contains("CREATE INDEX IF NOT EXISTS by_email ON game.players"),
        "{sql}"
    );
    assert!(
        sql.contains("ALTER SEQUENCE game.ticket OWNED BY game.players.id;"),
        "{sql}"
    );
    assert!(at(&sql, "CREATE VIEW game.roster AS") > players, "{sql}");
    assert!(sql.contains("COMMENT ON TABLE game.players IS"), "{sql}");
    // grants by qualified name, after the objects and their schemas
    for g in [
        "GRANT USAGE ON SCHEMA game TO schemas_reader;",
        "GRANT CREATE, USAGE ON SCHEMA staging TO schemas_reader;",
        "GRANT SELECT ON TABLE game.players TO schemas_reader;",
        "GRANT SELECT, UPDATE ON TABLE auth.accounts TO schemas_reader;",
        "GRANT USAGE ON SEQUENCE game.ticket TO schemas_reader;",
        "GRANT USAGE ON TYPE game.mood TO schemas_reader;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE schemas_owner IN SCHEMA game GRANT SELECT ON TABLES TO schemas_reader;",
    ] {
        assert!(at(&sql, g) > players, "{g}\n{sql}");
    }
    assert!(
        !sql.contains("ON TABLE legacy.players TO"),
        "all_tables_in_schema game names only game's tables: {sql}"
    );
    converged(p, &url);

    assert_eq!(
        relations(&db, "'r'"),
        "auth.accounts,game.players,legacy.players"
    );
    assert_eq!(
        relations(&db, "'i'"),
        "auth.accounts_pkey,auth.by_email,game.by_email,game.players_pkey,legacy.players_pkey"
    );
    assert_eq!(relations(&db, "'v'"), "game.roster");
    assert_eq!(relations(&db, "'S'"), "game.ticket");
    assert_eq!(
        value(
            &db,
            "SELECT string_agg(nspname::text, ',' ORDER BY nspname) FROM pg_namespace \
             WHERE nspname IN ('auth', 'game', 'legacy', 'staging')"
        ),
        "auth,game,legacy,staging"
    );
    // the defaults draw from the sequence in its schema
    let mut c = pg().client(&db);
    c.batch_execute(
        "INSERT INTO auth.accounts (id, email) VALUES (1, 'a@b'); \
         INSERT INTO game.players (account_id) VALUES (1)",
    )
    .unwrap();
    assert_eq!(
        value(
            &db,
            "SELECT id::text || ' ' || mood::text FROM game.players"
        ),
        "100 ok"
    );

    // inspect writes `schema:` back, each object under its schema's folder, the empty
    // schema in regions.yaml; its `plan --url` is empty
    let (out, r) = inspected(p, &url, "inspected");
    assert!(!r.stderr.contains("not managed"), "{r:?}");
    let read =
        |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let t = read("schema/game/players.yaml");
    assert!(t.starts_with("table: players\nschema: game\n"), "{t}");
    assert!(t.contains("type: game.mood"), "{t}");
    assert!(t.contains("nextval('game.ticket')"), "{t}");
    assert!(
        t.contains("references: { table: auth.accounts, columns: [id] }"),
        "{t}"
    );
    let t = read("schema/legacy/players.yaml");
    assert!(
        t.contains("references: { table: game.players, columns: [id] }"),
        "{t}"
    );
    assert_eq!(
        read("types/game/mood.yaml"),
        "enum: mood\nschema: game\nvalues:\n  - \"ok\"\n  - \"sad\"\n"
    );
    let q = read("sequences/game/ticket.yaml");
    assert_eq!(q, TICKET, "{q}");
    let v = read("views/game/roster.yaml");
    assert!(v.starts_with("view: roster\nschema: game\n"), "{v}");
    let regions = read("regions.yaml");
    assert!(regions.contains("schemas: [staging]"), "{regions}");
    let roles = read("roles.yaml");
    for g in [
        "{ on: { schema: game }, privileges: [USAGE] }",
        "{ on: { sequences: [game.ticket] }, privileges: [USAGE] }",
        "{ on: { types: [game.mood] }, privileges: [USAGE] }",
        "{ for_role: schemas_owner, in_schema: game, on: tables, privileges: [SELECT] }",
        "auth.accounts",
        "game.players",
    ] {
        assert!(roles.contains(g), "{g}\n{roles}");
    }
    let r = run(bmdb(&out).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url from the inspected project: {r:?}");

    // a hand-made schema is drift; `ignore: [schema x]` leaves it (and what it holds) alone
    c.batch_execute("CREATE SCHEMA scratch; CREATE TABLE scratch.notes (id int)")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("schema scratch"), "{r:?}");
    assert!(r.stdout.contains("scratch.notes"), "{r:?}");
    write(
        p,
        "regions.yaml",
        &format!("{REGIONS}ignore:\n  - schema scratch\n"),
    );
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(p).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    write(p, "regions.yaml", REGIONS);
    c.batch_execute("DROP SCHEMA scratch CASCADE").unwrap();
    // a schema whose name the model cannot hold is named as not managed, with what it holds
    c.batch_execute("CREATE SCHEMA \"Odd\"; CREATE TABLE \"Odd\".t (id int)")
        .unwrap();
    let r = run(bmdb(p).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.all()
            .contains("schema Odd: its name is not a lower-case word"),
        "{r:?}"
    );
    assert!(r.all().contains("table Odd.t: in schema Odd"), "{r:?}");
    c.batch_execute("DROP SCHEMA \"Odd\" CASCADE").unwrap();

    // legacy.players moves to the archive schema: a drop (destructive) and a create; the
    // legacy schema, empty once it goes, is dropped after it; staging is no longer declared
    std::fs::remove_file(p.join("schema/legacy/players.yaml")).unwrap();
    write(
        p,
        "schema/archive/players.yaml",
        &LEGACY_PLAYERS.replace("schema: legacy", "schema: archive"),
    );
    write(p, "regions.yaml", "database: game\ndialect: postgres\n");
    // a grant on a schema the model no longer has is refused: the grant goes too
    let r = run(bmdb(p).args(["plan"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.all().contains("unknown-schema"), "{r:?}");
    write(
        p,
        "roles.yaml",
        &ROLES.replace(
            "      - { on: { schema: staging }, privileges: [USAGE, CREATE] }\n",
            "",
        ),
    );
    let r = run(bmdb(p).args(["plan"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("drop-schema"), "{r:?}");
    assert!(r.stdout.contains("drop-table"), "{r:?}");
    // destructive: apply refuses without --allow-destructive
    let r = run(bmdb(p).args(["plan", "--write", "move"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(p).args(["apply", "--url", &url]));
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.all().contains("destructive"), "{r:?}");
    let r = run(bmdb(p).args(["apply", "--allow-destructive", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(
        std::fs::read_dir(p.join("migrations"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|f| f.to_string_lossy().ends_with("__move.sql"))
            .unwrap(),
    )
    .unwrap();
    let create = at(&sql, "CREATE SCHEMA IF NOT EXISTS archive;");
    let moved = at(&sql, "CREATE TABLE IF NOT EXISTS archive.players (");
    let dropped = at(&sql, "DROP TABLE IF EXISTS legacy.players;");
    let gone = at(&sql, "DROP SCHEMA IF EXISTS legacy;");
    assert!(create < moved && dropped < gone, "{sql}");
    assert!(sql.contains("DROP SCHEMA IF EXISTS staging;"), "{sql}");
    converged(p, &url);
    assert_eq!(
        relations(&db, "'r'"),
        "archive.players,auth.accounts,game.players"
    );

    // everything in game goes, then game itself: its index, view, sequence and enum first
    write(
        p,
        "roles.yaml",
        "roles:\n  schemas_owner: { login: true }\n  schemas_reader:\n    grants:\n      \
         - { on: { tables: [auth.accounts] }, privileges: [SELECT] }\n",
    );
    for f in [
        "schema/game/players.yaml",
        "schema/archive/players.yaml",
        "types/game/mood.yaml",
        "sequences/game/ticket.yaml",
        "views/game/roster.yaml",
    ] {
        std::fs::remove_file(p.join(f)).unwrap();
    }
    let sql = write_and_apply(p, "drop_game", &url);
    let gone = at(&sql, "DROP SCHEMA IF EXISTS game;");
    for before in [
        "DROP VIEW IF EXISTS game.roster;",
        "DROP TABLE IF EXISTS game.players;",
        "DROP SEQUENCE IF EXISTS game.ticket;",
        "DROP TYPE IF EXISTS game.mood;",
    ] {
        assert!(at(&sql, before) < gone, "{before}\n{sql}");
    }
    converged(p, &url);
    assert_eq!(relations(&db, "'r'"), "auth.accounts");
}
