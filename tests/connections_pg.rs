//! Connection conventions on the real PostgreSQL: libpq's PG* variables and password file
//! (in libpq's order, below --url / BMDB_DATABASE_URL / DATABASE_URL), and flags as people
//! write them (`--target V1`, durations on every timeout flag).

mod support;

use std::path::Path;
use support::{bmdb, pg, run, Project, PASSWORD, USER};

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "V1__one.sql",
        "-- step 1: create_table one\nCREATE TABLE one (id int8 PRIMARY KEY);\n",
    ),
    (
        "V2__two.sql",
        "-- step 1: create_table two\nCREATE TABLE two (id int8 PRIMARY KEY);\n",
    ),
];
const SCHEMA: &[(&str, &str)] = &[
    (
        "one.yaml",
        "table: one\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: [id]\n",
    ),
    (
        "two.yaml",
        "table: two\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: [id]\n",
    ),
];

fn project() -> Project {
    Project::modelled("postgres", MIGRATIONS, SCHEMA)
}

/// `bmdb status --format json` with the given extra environment; no --url.
fn status_env(project: &Project, vars: &[(&str, &str)]) -> support::Run {
    let mut c = bmdb(project.path());
    c.args(["status", "--format", "json", "--connect-retries", "0"]);
    for (k, v) in vars {
        c.env(k, v);
    }
    run(&mut c)
}

fn pg_vars(db: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PGHOST", "127.0.0.1".to_string()),
        ("PGPORT", pg().port.to_string()),
        ("PGUSER", USER.to_string()),
        ("PGDATABASE", db.to_string()),
        ("PGSSLMODE", "disable".to_string()),
    ]
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn write_pgpass(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(
        path,
        format!(
            "# a comment\nother.example:*:*:*:wrong\n127.0.0.1:{}:*:{USER}:{}\n",
            pg().port,
            PASSWORD.replace('\\', "\\\\").replace(':', "\\:")
        ),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn pg_variables_alone_connect_with_pgpassword() {
    let db = pg().new_db("pgvars");
    let p = project();
    let mut vars = pg_vars(&db);
    vars.push(("PGPASSWORD", PASSWORD.to_string()));
    vars.push(("PGCONNECT_TIMEOUT", "5".to_string()));
    vars.push(("PGAPPNAME", "bmdb-pgvars-test".to_string()));
    let r = status_env(&p, &as_refs(&vars));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("pending"), "{r:?}");
    // without the password the server refuses, and says so without any secret
    let r = status_env(&p, &as_refs(&pg_vars(&db)));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("password"), "{r:?}");
}

#[test]
fn the_url_wins_and_pg_variables_fill_what_it_leaves_out() {
    let db = pg().new_db("pgfill");
    let p = project();
    // the URL names host, port and database but no password: PGPASSWORD supplies it
    let url = format!(
        "postgres://{USER}@127.0.0.1:{}/{db}?sslmode=disable",
        pg().port
    );
    let mut c = bmdb(p.path());
    c.args(["apply", "--url", &url])
        .env("PGPASSWORD", PASSWORD)
        .env("PGDATABASE", "no_such_database")
        .env("PGPORT", "1");
    let r = run(&mut c);
    assert_eq!(r.code, 0, "{r:?}");
    // BMDB_DATABASE_URL beats the PG* variables
    let mut c = bmdb(p.path());
    c.args(["drift"])
        .env("BMDB_DATABASE_URL", pg().url(&db))
        .env("PGHOST", "no-such-host.invalid")
        .env("PGPASSWORD", "wrong");
    let r = run(&mut c);
    assert_eq!(r.code, 0, "{r:?}");
    p.assert_converged(&pg().url(&db));
}

#[test]
fn pgpassfile_and_home_pgpass_supply_the_password() {
    let db = pg().new_db("pgpass");
    let p = project();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("passwords");
    write_pgpass(&file, 0o600);
    let mut vars = pg_vars(&db);
    vars.push(("PGPASSFILE", file.display().to_string()));
    let r = status_env(&p, &as_refs(&vars));
    assert_eq!(r.code, 0, "PGPASSFILE: {r:?}");

    // ~/.pgpass through HOME, with a URL that has no password
    let home = tempfile::tempdir().unwrap();
    write_pgpass(&home.path().join(".pgpass"), 0o600);
    let url = format!(
        "postgres://{USER}@127.0.0.1:{}/{db}?sslmode=disable",
        pg().port
    );
    let mut c = bmdb(p.path());
    c.args(["apply", "--url", &url]).env("HOME", home.path());
    let r = run(&mut c);
    assert_eq!(r.code, 0, "~/.pgpass: {r:?}");
    assert!(!r.stderr.contains("warning"), "{r:?}");
    p.assert_converged(&pg().url(&db));
}

#[test]
fn a_pgpass_others_can_read_is_ignored_with_a_warning() {
    let db = pg().new_db("pgpass644");
    let p = project();
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join(".pgpass");
    write_pgpass(&file, 0o644);
    let mut vars = pg_vars(&db);
    let home_text = home.path().display().to_string();
    vars.push(("HOME", home_text));
    let r = status_env(&p, &as_refs(&vars));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("has group or world access")
            && r.stderr.contains(&file.display().to_string()),
        "{r:?}"
    );
}

#[test]
fn target_takes_v4_and_timeouts_take_durations() {
    let db = pg().new_db("flags");
    let p = project();
    let url = pg().url(&db);
    let r = run(bmdb(p.path()).args([
        "apply",
        "--url",
        &url,
        "--target",
        "V1",
        "--lock-timeout",
        "2m",
        "--lock-lease",
        "30s",
        "--connect-timeout",
        "1500ms",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(p.path()).args(["status", "--format", "json", "--url", &url]));
    let st: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let states: Vec<_> = st["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["applied", "pending"], "{st}");
    let r = run(bmdb(p.path()).args([
        "apply",
        "--url",
        &url,
        "--target",
        "2",
        "--lock-timeout",
        "120",
        "--connect-timeout",
        "1h",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    p.assert_converged(&url);
}

#[test]
fn bad_flag_values_name_the_flag() {
    let p = project();
    for (flag, value) in [
        ("--target", "W4"),
        ("--target", "V-1"),
        ("--baseline", "four"),
        ("--lock-timeout", "2x"),
        ("--lock-timeout", "8d"),
        ("--lock-lease", "0s"),
        ("--connect-timeout", "soon"),
        ("--connect-timeout", "1.5s"),
    ] {
        let r = run(bmdb(p.path()).args(["apply", flag, value]));
        assert_eq!(r.code, 1, "{flag} {value}: {r:?}");
        assert!(
            r.stderr.contains(flag) && r.stderr.contains(value),
            "{flag} {value}: {r:?}"
        );
    }
    let r = run(bmdb(p.path()).args(["drift", "--connect-timeout", "2 minutes"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("--connect-timeout"), "{r:?}");
}
