//! Roles and users from roles.yaml end to end against the real PostgreSQL: created with
//! their options and memberships, altered, a membership revoked and a role dropped (both
//! hazards), a role or membership made by hand is drift naming it, inspect writes roles.yaml
//! back; every apply ends converged (plan empty, drift exit 0). Roles are cluster-wide, so
//! the whole story is one test (tests of one binary share the server).

mod support;

use std::path::Path;
use support::{bmdb, pg, run};

const REGIONS: &str = "database: game\ndialect: postgres\n";
const PLAYERS: &str =
    "table: players\ncolumns:\n  - { name: player_id, type: INT8 }\nprimary_key: [player_id]\n";

fn write(dir: &Path, roles: &str) {
    std::fs::write(dir.join("regions.yaml"), REGIONS).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::write(dir.join("schema/players.yaml"), PLAYERS).unwrap();
    std::fs::write(dir.join("roles.yaml"), roles).unwrap();
}

fn write_and_apply(dir: &Path, name: &str, url: &str, extra: &[&str]) -> support::Run {
    let r = run(bmdb(dir).args(["plan", "--write", name]));
    assert_eq!(r.code, 0, "plan --write: {r:?}");
    run(bmdb(dir).args(["apply", "--url", url]).args(extra))
}

fn converged(dir: &Path, url: &str) {
    let r = run(bmdb(dir).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "the plan after apply is not empty: {r:?}");
    let r = run(bmdb(dir).args(["drift", "--url", url]));
    assert_eq!(r.code, 0, "drift after apply: {r:?}");
}

#[test]
fn roles_apply_change_drift_and_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let url = pg().url(&pg().new_db("roles"));
    write(
        p,
        "roles:\n  app_reader:\n  old_group:\n  game_server:\n    login: true\n    member_of: [app_reader, old_group]\n  \
         analytics: { login: true, createdb: true, valid_until: 2027-01-31 }\n  retired: { login: true }\n",
    );
    let r = write_and_apply(p, "roles", &url, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let sql = std::fs::read_to_string(p.join("migrations/V1__roles.sql")).unwrap();
    assert!(
        sql.contains(
            "CREATE ROLE analytics WITH CREATEDB LOGIN VALID UNTIL '2027-01-31T00:00:00Z';"
        ),
        "{sql}"
    );
    assert!(sql.contains("GRANT app_reader TO game_server;"), "{sql}");
    assert!(!sql.to_lowercase().contains("password"), "{sql}");
    converged(p, &url);
    let mut admin = pg().admin().unwrap();
    let row = admin
        .query_one(
            "SELECT rolcanlogin, rolcreatedb, rolvaliduntil IS NOT NULL FROM pg_roles WHERE rolname = 'analytics'",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            row.get::<_, bool>(0),
            row.get::<_, bool>(1),
            row.get::<_, bool>(2)
        ),
        (true, true, true)
    );

    // a role and a membership made by hand are drift, each named
    admin
        .batch_execute("CREATE ROLE intruder LOGIN; GRANT game_server TO analytics")
        .unwrap();
    let r = run(bmdb(p).args(["drift", "--url", &url]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("role intruder"), "{r:?}");
    assert!(r.stdout.contains("role analytics in game_server"), "{r:?}");
    admin
        .batch_execute("DROP ROLE intruder; REVOKE game_server FROM analytics")
        .unwrap();
    converged(p, &url);

    // options off, expiry lifted, a membership revoked (a hazard), a role dropped
    // (destructive: refused without --allow-destructive)
    write(
        p,
        "roles:\n  app_reader:\n  old_group:\n  game_server:\n    login: true\n    member_of: [app_reader]\n  \
         analytics: { login: true }\n",
    );
    let r = run(bmdb(p).args(["plan"]));
    assert!(r.stdout.contains("revoke"), "{r:?}");
    assert!(r.stdout.contains("drop-role"), "{r:?}");
    let r = write_and_apply(p, "roles_changed", &url, &[]);
    assert_ne!(r.code, 0, "a role drop needs --allow-destructive: {r:?}");
    let r = run(bmdb(p).args(["apply", "--url", &url, "--allow-destructive"]));
    assert_eq!(r.code, 0, "{r:?}");
    converged(p, &url);
    let row = admin
        .query_one(
            "SELECT rolcreatedb, rolvaliduntil IS NULL OR rolvaliduntil = 'infinity' FROM pg_roles WHERE rolname = 'analytics'",
            &[],
        )
        .unwrap();
    assert_eq!(
        (row.get::<_, bool>(0), row.get::<_, bool>(1)),
        (false, true)
    );
    assert!(admin
        .query("SELECT 1 FROM pg_roles WHERE rolname = 'retired'", &[])
        .unwrap()
        .is_empty());

    // inspect writes roles.yaml back; the inspected project plans nothing against the server
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("inspected");
    let r = run(bmdb(p).args(["inspect", "--url", &url, "--out"]).arg(&o));
    assert_eq!(r.code, 0, "{r:?}");
    let roles = std::fs::read_to_string(o.join("roles.yaml")).unwrap();
    assert!(
        roles.contains("game_server: { login: true, member_of: [app_reader] }"),
        "{roles}"
    );
    let r = run(bmdb(&o).args(["plan", "--url", &url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");

    for role in ["game_server", "analytics", "app_reader", "old_group"] {
        admin
            .batch_execute(&format!("DROP ROLE IF EXISTS {role}"))
            .unwrap();
    }
}
