//! Grants, default privileges and session defaults from roles.yaml end to end against the
//! real PostgreSQL: BlueMarble's roles and grants apply (the prototype line); a GRANT or a
//! role added by hand is drift naming it; revoking is a hazard; inspect writes roles and
//! grants back and `plan --url` is then empty; every apply ends converged (plan empty,
//! drift exit 0). Roles are cluster-wide and the tests of one binary share the server, so
//! the tests here take turns (SERIAL) and drop their roles at the end.

mod support;

use std::path::Path;
use std::sync::Mutex;
use support::{bmdb, pg, run};

static SERIAL: Mutex<()> = Mutex::new(());

fn converged(dir: &Path, url: &str, env: &[&str]) {
    let r = run(bmdb(dir).args(["plan", "--detailed-exitcode"]).args(env));
    assert_eq!(r.code, 0, "the plan after apply is not empty: {r:?}");
    let r = run(bmdb(dir)
        .args(["plan", "--detailed-exitcode", "--url", url])
        .args(env));
    assert_eq!(r.code, 0, "plan --url after apply is not empty: {r:?}");
    let r = run(bmdb(dir).args(["drift", "--url", url]).args(env));
    assert_eq!(r.code, 0, "drift after apply: {r:?}");
}

fn drop_roles(roles: &[&str]) {
    let mut admin = pg().admin().unwrap();
    for role in roles {
        admin
            .batch_execute(&format!("DROP ROLE IF EXISTS {role}"))
            .unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

const BLUEMARBLE_ROLES: [&str; 5] = [
    "game_server",
    "api_server",
    "worker",
    "analytics",
    "migrator",
];

/// The bundled BlueMarble project as committed: its prototype line (migrations/postgres)
/// applies on PostgreSQL with every role and grant, and converges.
#[test]
fn bluemarble_roles_and_grants_apply_and_drift_names_what_is_added_by_hand() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    for f in ["regions.yaml", "roles.yaml", "backups.yaml"] {
        std::fs::copy(root.join(f), p.join(f)).unwrap();
    }
    copy_dir(&root.join("schema"), &p.join("schema"));
    copy_dir(&root.join("migrations"), &p.join("migrations"));
    let env = ["--env", "prototype"];
    let db = pg().new_db_postgis("bm_grants");
    let url = pg().url(&db);
    let r = run(bmdb(p).args(["apply", "--url", &url]).args(env));
    assert_eq!(r.code, 0, "{r:?}");
    converged(p, &url, &env);

    let mut c = pg().client(&db);
    let has =
        |c: &mut postgres::Client, sql: &str| -> bool { c.query_one(sql, &[]).unwrap().get(0) };
    // least privilege: the game server reads and writes characters, never drops them;
    // analytics reads, never writes
    assert!(has(
        &mut c,
        "SELECT has_table_privilege('game_server', 'characters', 'SELECT, INSERT, UPDATE')"
    ));
    assert!(!has(
        &mut c,
        "SELECT has_table_privilege('game_server', 'characters', 'TRUNCATE')"
    ));
    assert!(has(
        &mut c,
        "SELECT has_table_privilege('analytics', 'currency_transactions', 'SELECT')"
    ));
    assert!(!has(
        &mut c,
        "SELECT has_table_privilege('analytics', 'currency_transactions', 'INSERT')"
    ));
    assert!(has(
        &mut c,
        "SELECT has_sequence_privilege('api_server', 'players_player_id_seq', 'USAGE')"
    ));
    assert!(has(
        &mut c,
        "SELECT has_database_privilege('worker', current_database(), 'CONNECT')"
    ));

    // a GRANT and a role made by hand are drift, each named
    c.batch_execute("GRANT DELETE ON TABLE players TO analytics; CREATE ROLE intruder")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]).args(env));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout.contains("grant analytics on table players"),
        "{r:?}"
    );
    assert!(r.stdout.contains("role intruder"), "{r:?}");
    // plan --url shows the repair: a revoke, a hazard
    let r = run(bmdb(p).args(["plan", "--url", &url]).args(env));
    assert!(
        r.stdout
            .contains("REVOKE DELETE ON TABLE players FROM analytics;"),
        "{r:?}"
    );
    assert!(r.stdout.contains("revoke"), "{r:?}");
    c.batch_execute("REVOKE DELETE ON TABLE players FROM analytics; DROP ROLE intruder")
        .unwrap();
    converged(p, &url, &env);

    // inspect writes the roles and grants back; the inspected project plans nothing
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("inspected");
    let r = run(bmdb(p)
        .args(["inspect", "--url", &url, "--out"])
        .arg(&o)
        .args(env));
    assert_eq!(r.code, 0, "{r:?}");
    let roles = std::fs::read_to_string(o.join("roles.yaml")).unwrap();
    assert!(roles.contains("grants:"), "{roles}\n{r:?}");
    assert!(!roles.contains("password:"), "{roles}");
    let r = run(bmdb(&o).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}\n{roles}");

    drop(c);
    pg().admin()
        .unwrap()
        .batch_execute(&format!("DROP DATABASE {db}"))
        .unwrap();
    drop_roles(&BLUEMARBLE_ROLES);
}

const REGIONS: &str = "database: game\ndialect: postgres\n";
const TABLES: [(&str, &str); 2] = [
    (
        "players",
        "table: players\ncolumns:\n  - { name: player_id, type: BIGSERIAL }\n  - { name: name, type: TEXT }\nprimary_key: [player_id]\n",
    ),
    (
        "scores",
        "table: scores\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: [id]\n",
    ),
];

fn write(dir: &Path, roles: &str) {
    std::fs::write(dir.join("regions.yaml"), REGIONS).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    for (t, y) in TABLES {
        std::fs::write(dir.join(format!("schema/{t}.yaml")), y).unwrap();
    }
    std::fs::write(dir.join("roles.yaml"), roles).unwrap();
}

fn write_and_apply(dir: &Path, name: &str, url: &str, extra: &[&str]) -> support::Run {
    let r = run(bmdb(dir).args(["plan", "--write", name]));
    assert_eq!(r.code, 0, "plan --write: {r:?}");
    run(bmdb(dir).args(["apply", "--url", url]).args(extra))
}

/// Grants on every kind of object the model has, default privileges and session defaults
/// (one database's too) are created, changed, revoked (a hazard) and reset; a role with
/// grants is dropped after they are revoked.
#[test]
fn grants_settings_and_default_privileges_change_and_converge() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let db = pg().new_db("grants");
    let url = pg().url(&db);
    write(
        p,
        &format!(
            "roles:\n  owner_role:\n  reader:\n    login: true\n    settings: {{ statement_timeout: 5s, default_transaction_use_follower_reads: on }}\n    \
             in_database:\n      {db}: {{ work_mem: 8MB }}\n    grants:\n      - {{ on: database, privileges: [CONNECT, TEMP] }}\n      \
             - {{ on: {{ schema: public }}, privileges: [USAGE] }}\n      - {{ on: {{ all_tables_in_schema: public }}, privileges: [SELECT] }}\n      \
             - {{ on: {{ sequence: players_player_id_seq }}, privileges: [USAGE, SELECT] }}\n    \
             default_privileges:\n      - {{ for_role: owner_role, in_schema: public, on: tables, privileges: [SELECT] }}\n  \
             writer:\n    login: true\n    grants:\n      - {{ on: {{ tables: [players, scores] }}, privileges: [SELECT, INSERT, UPDATE, DELETE] }}\n"
        ),
    );
    let r = write_and_apply(p, "grants", &url, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V1__grants.sql")).unwrap();
    for want in [
        "GRANT SELECT ON TABLE players TO reader;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE owner_role IN SCHEMA public GRANT SELECT ON TABLES TO reader;",
        "ALTER ROLE reader SET statement_timeout = '5s';",
        &format!("ALTER ROLE reader IN DATABASE {db} SET work_mem = '8MB';"),
    ] {
        assert!(sql.contains(want), "{want}\n{sql}");
    }
    // CockroachDB's follower reads are left out on PostgreSQL, and the plan says so
    assert!(
        !sql.contains("ALTER ROLE reader SET default_transaction_use_follower_reads"),
        "{sql}"
    );
    // grants come after the tables they are on
    assert!(
        sql.find("CREATE TABLE IF NOT EXISTS players").unwrap()
            < sql.find("GRANT SELECT ON TABLE players").unwrap()
    );
    converged(p, &url, &[]);
    let mut c = pg().client(&db);
    let setting: Vec<String> = c
        .query_one(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'reader' AND s.setdatabase = 0",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(setting, ["statement_timeout=5s"]);

    // a session default and a default privilege made by hand are drift too, each named
    c.batch_execute(
        "ALTER ROLE reader SET search_path = 'public'; \
         ALTER DEFAULT PRIVILEGES FOR ROLE owner_role IN SCHEMA public GRANT INSERT ON TABLES TO writer",
    )
    .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("setting reader.search_path"), "{r:?}");
    assert!(
        r.stdout
            .contains("default grant writer on tables of owner_role in public"),
        "{r:?}"
    );
    c.batch_execute(
        "ALTER ROLE reader RESET search_path; \
         ALTER DEFAULT PRIVILEGES FOR ROLE owner_role IN SCHEMA public REVOKE INSERT ON TABLES FROM writer",
    )
    .unwrap();
    converged(p, &url, &[]);

    // narrower grants: writer loses DELETE (a revoke, a hazard), reader's timeout changes
    // and work_mem is reset, the default privilege goes
    write(
        p,
        "roles:\n  owner_role:\n  reader:\n    login: true\n    settings: { statement_timeout: 10s }\n    grants:\n      \
         - { on: database, privileges: [CONNECT, TEMPORARY] }\n      - { on: { schema: public }, privileges: [USAGE] }\n      \
         - { on: { all_tables_in_schema: public }, privileges: [SELECT] }\n      - { on: { sequences: [players_player_id_seq] }, privileges: [SELECT, USAGE] }\n  \
         writer:\n    login: true\n    grants:\n      - { on: { tables: [players, scores] }, privileges: [SELECT, INSERT, UPDATE] }\n",
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("revoke_privileges"), "{r:?}");
    assert!(r.stdout.contains("revoke"), "{r:?}");
    let r = write_and_apply(p, "narrower", &url, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    converged(p, &url, &[]);
    let sql = std::fs::read_to_string(p.join("migrations/V2__narrower.sql")).unwrap();
    assert!(
        sql.contains("REVOKE DELETE ON TABLE players FROM writer;"),
        "{sql}"
    );
    assert!(
        sql.contains(&format!(
            "ALTER ROLE reader IN DATABASE {db} RESET work_mem;"
        )),
        "{sql}"
    );

    // writer goes: its grants are revoked before the role is dropped
    write(
        p,
        "roles:\n  owner_role:\n  reader:\n    login: true\n    settings: { statement_timeout: 10s }\n    grants:\n      \
         - { on: database, privileges: [CONNECT, TEMPORARY] }\n      - { on: { schema: public }, privileges: [USAGE] }\n      \
         - { on: { all_tables_in_schema: public }, privileges: [SELECT] }\n      - { on: { sequences: [players_player_id_seq] }, privileges: [SELECT, USAGE] }\n",
    );
    let r = run(bmdb(p).args(["plan", "--write", "writer_gone"]));
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V3__writer_gone.sql")).unwrap();
    assert!(
        sql.find("REVOKE").unwrap() < sql.find("DROP ROLE IF EXISTS writer").unwrap(),
        "{sql}"
    );
    let r = run(bmdb(p).args(["apply", "--url", &url, "--allow-destructive"]));
    assert_eq!(r.code, 0, "{r:?}");
    converged(p, &url, &[]);

    drop(c);
    pg().admin()
        .unwrap()
        .batch_execute(&format!("DROP DATABASE {db}"))
        .unwrap();
    drop_roles(&["reader", "writer", "owner_role"]);
}

/// A grant on one of the model's enum types (types/*.yaml, from main's enums) is planned after
/// the type is created, read back from pg_type's ACL so the project converges, drift names a
/// USAGE revoked by hand, and a type the model drops takes its grant with it.
#[test]
fn a_grant_on_an_enum_type_applies_and_converges() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let db = pg().new_db("grants_enum");
    let url = pg().url(&db);
    write(
        p,
        "roles:\n  enum_reader:\n    grants:\n      - { on: { types: [mood] }, privileges: [USAGE] }\n",
    );
    std::fs::create_dir_all(p.join("types")).unwrap();
    std::fs::write(p.join("types/mood.yaml"), "enum: mood\nvalues: [ok, sad]\n").unwrap();
    let r = write_and_apply(p, "mood", &url, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V1__mood.sql")).unwrap();
    let grant = sql
        .find("GRANT USAGE ON TYPE mood TO enum_reader;")
        .unwrap_or_else(|| panic!("{sql}"));
    assert!(sql.find("CREATE TYPE").unwrap() < grant, "{sql}");
    converged(p, &url, &[]);
    let mut c = pg().client(&db);
    let has: bool = c
        .query_one(
            "SELECT has_type_privilege('enum_reader', 'mood', 'USAGE')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(has);

    // revoked by hand: drift names the grant
    c.batch_execute("REVOKE USAGE ON TYPE mood FROM enum_reader")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("grant enum_reader on type mood"), "{r:?}");
    c.batch_execute("GRANT USAGE ON TYPE mood TO enum_reader")
        .unwrap();
    converged(p, &url, &[]);

    // the type goes, and its grant with it: no revoke is planned
    std::fs::remove_file(p.join("types/mood.yaml")).unwrap();
    std::fs::write(p.join("roles.yaml"), "roles:\n  enum_reader:\n").unwrap();
    let r = run(bmdb(p).args(["plan", "--write", "mood_gone"]));
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V2__mood_gone.sql")).unwrap();
    assert!(sql.contains("DROP TYPE"), "{sql}");
    assert!(!sql.contains("REVOKE"), "{sql}");
    let r = run(bmdb(p).args(["apply", "--url", &url, "--allow-destructive"]));
    assert_eq!(r.code, 0, "{r:?}");
    converged(p, &url, &[]);

    drop(c);
    pg().admin()
        .unwrap()
        .batch_execute(&format!("DROP DATABASE {db}"))
        .unwrap();
    drop_roles(&["enum_reader"]);
}

/// `with_grant_option: true` (issue 13's follow-up): GRANT ... WITH GRANT OPTION applies,
/// is read back from the ACL's grant option (aclexplode's is_grantable) so the project
/// converges, a grant option taken away by hand is drift naming it, inspect writes it back,
/// and dropping it from the file is a REVOKE GRANT OPTION FOR (a caution) that keeps the
/// privilege.
#[test]
fn a_grant_with_grant_option_applies_reads_back_and_is_taken_away_alone() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let db = pg().new_db("grants_option");
    let url = pg().url(&db);
    write(
        p,
        "roles:\n  delegate:\n    grants:\n      \
         - { on: database, privileges: [CONNECT], with_grant_option: true }\n      \
         - { on: { tables: [players] }, privileges: [SELECT], with_grant_option: true }\n      \
         - { on: { tables: [players] }, privileges: [INSERT] }\n",
    );
    let r = write_and_apply(p, "delegate", &url, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V1__delegate.sql")).unwrap();
    for want in [
        "GRANT SELECT ON TABLE players TO delegate WITH GRANT OPTION;",
        "GRANT INSERT ON TABLE players TO delegate;",
        "GRANT CONNECT ON DATABASE %I TO %I WITH GRANT OPTION",
    ] {
        assert!(sql.contains(want), "{want}\n{sql}");
    }
    converged(p, &url, &[]);
    let mut c = pg().client(&db);
    let grantable = |c: &mut postgres::Client, p: &str| -> bool {
        c.query_one(
            "SELECT has_table_privilege('delegate', 'players', $1)",
            &[&format!("{p} WITH GRANT OPTION")],
        )
        .unwrap()
        .get(0)
    };
    assert!(grantable(&mut c, "SELECT"));
    assert!(!grantable(&mut c, "INSERT"));

    // inspect writes the option back; the inspected project plans nothing
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("inspected");
    let r = run(bmdb(p).args(["inspect", "--url", &url, "--out"]).arg(&o));
    assert_eq!(r.code, 0, "{r:?}");
    let roles = std::fs::read_to_string(o.join("roles.yaml")).unwrap();
    assert!(
        roles.contains(
            "- { on: { tables: [players] }, privileges: [SELECT], with_grant_option: true }"
        ),
        "{roles}"
    );
    assert!(
        roles.contains("- { on: { tables: [players] }, privileges: [INSERT] }"),
        "{roles}"
    );
    let r = run(bmdb(&o).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}\n{roles}");

    // taken away by hand: drift names the grant option, not the privilege
    c.batch_execute("REVOKE GRANT OPTION FOR SELECT ON players FROM delegate")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout.contains("grant option delegate on table players"),
        "{r:?}"
    );
    c.batch_execute("GRANT SELECT ON players TO delegate WITH GRANT OPTION")
        .unwrap();
    converged(p, &url, &[]);

    // dropped from the file: only the option goes, SELECT stays
    std::fs::write(
        p.join("roles.yaml"),
        "roles:\n  delegate:\n    grants:\n      \
         - { on: database, privileges: [CONNECT], with_grant_option: true }\n      \
         - { on: { tables: [players] }, privileges: [SELECT, INSERT] }\n",
    )
    .unwrap();
    let r = run(bmdb(p).args(["plan", "--write", "no_option"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("revoke"), "a caution: {r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V2__no_option.sql")).unwrap();
    assert!(
        sql.contains("REVOKE GRANT OPTION FOR SELECT ON TABLE players FROM delegate;"),
        "{sql}"
    );
    let r = run(bmdb(p).args(["apply", "--url", &url]));
    assert_eq!(r.code, 0, "{r:?}");
    converged(p, &url, &[]);
    assert!(!grantable(&mut c, "SELECT"));
    let has: bool = c
        .query_one(
            "SELECT has_table_privilege('delegate', 'players', 'SELECT')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(has, "SELECT itself stays");

    drop(c);
    pg().admin()
        .unwrap()
        .batch_execute(&format!("DROP DATABASE {db}"))
        .unwrap();
    drop_roles(&["delegate"]);
}
