//! Secrets in hand-written migrations (a role's PASSWORD, credentials in a storage URI)
//! never reach bmdb's output: not `apply --dry-run`'s listing, not the progress lines, not
//! a failing statement's error. The real binary against the suite's PostgreSQL.

mod support;

use support::{bmdb, pg, run_checking, Project, PASSWORD};

const SECRETS: &[&str] = &[
    "hunter2",
    "s3cr3tKEY",
    "t0k3nVALUE",
    "hunter3",
    "pa55word",
    "unquotedHunter4",
    PASSWORD,
];

const SCHEMA: &[(&str, &str)] = &[(
    "accounts.yaml",
    "table: accounts\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: [id]\n",
)];

#[test]
fn secrets_in_migrations_never_reach_the_output() {
    let db = pg().new_db("sql_secrets");
    let url = pg().url(&db);
    // roles are cluster-wide: one name per test process
    let role = format!("bmdb_sr_{}", std::process::id());
    let late = format!("{role}_late");
    let v2 = format!(
        "CREATE ROLE {role} WITH LOGIN PASSWORD 'hunter2';\n\
         SELECT 's3://bucket/backups?AWS_ACCESS_KEY_ID=AKIA1&AWS_SECRET_ACCESS_KEY=s3cr3tKEY&AWS_SESSION_TOKEN=t0k3nVALUE';\n\
         SELECT 'postgresql://app:pa55word@db.internal:5432/x';\n"
    );
    // fails until the role exists: its error shows the statement
    let v3 = format!("ALTER ROLE {late} WITH PASSWORD 'hunter3';\n");
    let migrations = [
        (
            "V1__init.sql",
            "CREATE TABLE accounts (id INT8 PRIMARY KEY);\n".to_string(),
        ),
        ("V2__role.sql", v2),
        ("V3__rotate.sql", v3),
    ];
    let migrations: Vec<(&str, &str)> = migrations.iter().map(|(n, s)| (*n, s.as_str())).collect();
    let p = Project::modelled("postgres", &migrations, SCHEMA);
    let cleanup = |c: &mut postgres::Client| {
        for r in [&role, &late] {
            c.batch_execute(&format!("DROP ROLE IF EXISTS {r}"))
                .unwrap();
        }
    };

    let r = run_checking(
        bmdb(p.path()).args(["apply", "--dry-run", "--url", &url]),
        SECRETS,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains(&format!("CREATE ROLE {role} WITH LOGIN PASSWORD '***';")),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("AWS_SECRET_ACCESS_KEY=***&AWS_SESSION_TOKEN=***"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("postgresql://app:***@db.internal"),
        "{r:?}"
    );

    // the JSON dry run lists every statement, masked the same way
    let r = run_checking(
        bmdb(p.path()).args(["apply", "--dry-run", "--url", &url, "--format", "json"]),
        SECRETS,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains(&format!("CREATE ROLE {role} WITH LOGIN PASSWORD '***'\"")),
        "{r:?}"
    );

    // progress lines name each statement; the failing one's error shows it too
    let r = run_checking(bmdb(p.path()).args(["apply", "--url", &url]), SECRETS);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("ALTER ROLE {late} WITH PASSWORD '***'")),
        "{r:?}"
    );
    assert!(r.stderr.contains("does not exist"), "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("CREATE ROLE {role} WITH LOGIN PASSWORD '***'")),
        "the progress line shows the statement, masked: {r:?}"
    );

    // and so does the JSON document: the statement and its error, masked
    let r = run_checking(
        bmdb(p.path()).args(["apply", "--url", &url, "--format", "json"]),
        SECRETS,
    );
    assert_eq!(r.code, 1, "{r:?}");
    let d: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let failed = &d["migrations"][0]["statements"][0];
    assert_eq!(failed["result"], "failed", "{d:#}");
    assert_eq!(
        failed["sql"],
        format!("ALTER ROLE {late} WITH PASSWORD '***'"),
        "{d:#}"
    );
    assert!(
        failed["error"].as_str().unwrap().contains("does not exist"),
        "{d:#}"
    );

    let mut admin = pg().admin().unwrap();
    admin.batch_execute(&format!("CREATE ROLE {late}")).unwrap();
    let r = run_checking(bmdb(p.path()).args(["apply", "--url", &url]), SECRETS);
    assert_eq!(r.code, 0, "{r:?}");
    p.assert_converged(&url);
    cleanup(&mut admin);
}

/// A password the server echoes: `PASSWORD unquotedHunter4` is a syntax error PostgreSQL
/// reports `at or near "unquotedHunter4"`; the error names the statement and masks both.
/// The corrected migration then applies and converges.
#[test]
fn a_syntax_error_near_a_password_does_not_echo_it() {
    let db = pg().new_db("sql_secrets_echo");
    let url = pg().url(&db);
    let role = format!("bmdb_se_{}", std::process::id());
    let table = "CREATE TABLE accounts (id INT8 PRIMARY KEY);\n";
    let bad = format!("{table}CREATE ROLE {role} WITH LOGIN PASSWORD unquotedHunter4;\n");
    let p = Project::modelled("postgres", &[("V1__role.sql", &bad)], SCHEMA);
    let r = run_checking(bmdb(p.path()).args(["apply", "--url", &url]), SECRETS);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("syntax error"), "{r:?}");
    assert!(
        r.stderr.contains("\"***\""),
        "the echoed token is masked: {r:?}"
    );
    // the same failure as a JSON document: the statement's error masks the echoed token
    let r = run_checking(
        bmdb(p.path()).args(["apply", "--url", &url, "--format", "json"]),
        SECRETS,
    );
    assert_eq!(r.code, 1, "{r:?}");
    let d: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let failed = &d["migrations"][0]["statements"][1];
    assert_eq!(failed["result"], "failed", "{d:#}");
    assert!(
        failed["error"].as_str().unwrap().contains("syntax error"),
        "{d:#}"
    );
    assert!(
        r.stderr
            .contains(&format!("CREATE ROLE {role} WITH LOGIN PASSWORD '***'")),
        "{r:?}"
    );
    // nothing ran (one transaction): the fixed file applies from the start
    let good = format!("{table}CREATE ROLE {role} WITH LOGIN PASSWORD 'hunter2';\n");
    let p = Project::modelled("postgres", &[("V1__role.sql", &good)], SCHEMA);
    let r = run_checking(bmdb(p.path()).args(["apply", "--url", &url]), SECRETS);
    assert_eq!(r.code, 0, "{r:?}");
    p.assert_converged(&url);
    pg().admin()
        .unwrap()
        .batch_execute(&format!("DROP ROLE IF EXISTS {role}"))
        .unwrap();
}
