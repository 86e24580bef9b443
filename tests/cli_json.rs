//! `--format json` through the built binary: `apply --format json` on the real PostgreSQL
//! (what ran, per migration and per statement, with times, the outcome and the error), one
//! JSON error document for every command, and the global `--format`, `-q` and `-v`.
//! Every stdout under `--format json` must parse whole as one JSON document: any progress
//! line or table printed there fails the parse.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use support::{bmdb, pg, run, Run};

const REGIONS: &str = "database: shop\ndialect: postgres\n";
const ACCOUNTS: &str = "table: accounts\ncolumns:\n  - { name: account_id, type: UUID, default: gen_random_uuid() }\n  - { name: email, type: STRING, nullable: false }\nprimary_key: [account_id]\nunique:\n  - [email]\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("regions.yaml"), REGIONS).unwrap();
    fs::create_dir(dir.path().join("schema")).unwrap();
    fs::write(dir.path().join("schema/accounts.yaml"), ACCOUNTS).unwrap();
    dir
}

/// stdout as one JSON document, or the test fails showing the whole run.
fn doc(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{r:?}"))
}

/// `plan --write init`, then a hand-written V2 with `statements` (re-hashed into the lock).
fn with_hand_written(p: &Path, statements: &str) {
    let r = run(bmdb(p).args(["plan", "--write", "init"]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(p).args(["migrate", "new", "by_hand"]));
    assert_eq!(r.code, 0, "{r:?}");
    let file = p.join("migrations/V2__by_hand.sql");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}{statements}")).unwrap();
    let r = run(bmdb(p).args(["migrate", "hash"]));
    assert_eq!(r.code, 0, "{r:?}");
}

fn ms(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not a number of milliseconds: {v}"))
}

#[test]
fn apply_json_reports_each_migration_and_statement_with_times_and_converges() {
    let db = pg().new_db("json_apply");
    let url = pg().url(&db);
    let p = project();
    with_hand_written(
        p.path(),
        "SELECT pg_sleep(0.3);\nINSERT INTO accounts (email) VALUES ('a@example.com');\n",
    );

    // --dry-run first: what would run, nothing sent, nothing but the document on stdout
    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "--format", "json", "--dry-run"]));
    assert_eq!(r.code, 0, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["result"], "dry_run", "{d:#}");
    assert_eq!(d["dry_run"], true);
    let m = d["migrations"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{d:#}");
    assert_eq!(m[1]["result"], "would_apply");
    assert_eq!(m[1]["elapsed_ms"], Value::Null);
    let st = m[1]["statements"].as_array().unwrap();
    assert_eq!(st.len(), 2, "{d:#}");
    assert_eq!(st[0]["sql"], "SELECT pg_sleep(0.3)");
    assert_eq!(st[0]["result"], "would_run");
    assert_eq!(st[0]["elapsed_ms"], Value::Null);
    let tables: i64 = pg()
        .client(&db)
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "a dry run sends nothing");

    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "--format", "json"]));
    assert_eq!(r.code, 0, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["version"], 1);
    assert_eq!(d["command"], "apply");
    assert_eq!(d["result"], "applied", "{d:#}");
    assert_eq!(d["verified"], true, "{d:#}");
    assert_eq!(d["error"], Value::Null);
    let database = d["database"].as_str().unwrap();
    assert!(
        database.contains("127.0.0.1") && database.ends_with(&format!("/{db}?sslmode=disable")),
        "{database}"
    );
    let m = d["migrations"].as_array().unwrap();
    assert_eq!(
        m.iter()
            .map(|m| m["version"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    for mig in m {
        assert_eq!(mig["result"], "applied", "{mig:#}");
        assert_eq!(mig["mode"], "one_transaction", "{mig:#}");
        let st = mig["statements"].as_array().unwrap();
        assert_eq!(mig["statements_run"], st.len(), "{mig:#}");
        assert_eq!(mig["statements_total"], st.len(), "{mig:#}");
        for (i, s) in st.iter().enumerate() {
            assert_eq!(s["statement"], i + 1, "{s:#}");
            assert_eq!(s["result"], "done", "{s:#}");
            assert_eq!(s["error"], Value::Null);
            ms(&s["elapsed_ms"]);
        }
    }
    assert_eq!(m[0]["name"], "init");
    assert!(m[0]["file"].as_str().unwrap().ends_with("V1__init.sql"));
    assert!(m[0]["statements"][0]["sql"]
        .as_str()
        .unwrap()
        .starts_with("CREATE TABLE"));
    // the times are each statement's own: the sleep holds the 300 ms, the insert does not
    let st = m[1]["statements"].as_array().unwrap();
    assert!(ms(&st[0]["elapsed_ms"]) >= 300, "{st:#?}");
    assert!(ms(&st[1]["elapsed_ms"]) < 300, "{st:#?}");
    assert_eq!(
        st[1]["line"], 6,
        "the line of the file the statement starts on"
    );
    assert!(ms(&m[1]["elapsed_ms"]) >= ms(&st[0]["elapsed_ms"]));
    assert!(ms(&d["elapsed_ms"]) >= ms(&m[0]["elapsed_ms"]) + ms(&m[1]["elapsed_ms"]));

    // converged: the next plan is empty and the drift gate clean, in JSON too
    let r = run(bmdb(p.path()).args(["plan", "--format", "json", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc(&r)["changes"], 0);
    let r = run(bmdb(p.path()).args(["drift", "--url", &url, "--format", "json"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc(&r)["clean"], true);

    // and a second apply has nothing to do
    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "--format", "json"]));
    assert_eq!(r.code, 0, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["result"], "nothing_to_apply", "{d:#}");
    assert_eq!(d["migrations"], serde_json::json!([]));
}

#[test]
fn apply_json_names_the_failed_statement_and_what_was_rolled_back() {
    let db = pg().new_db("json_fail_tx");
    let url = pg().url(&db);
    let p = project();
    with_hand_written(
        p.path(),
        "INSERT INTO accounts (email) VALUES ('a@example.com');\nINSERT INTO no_such_table VALUES (1);\n",
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["result"], "failed", "{d:#}");
    assert_eq!(d["error"]["kind"], "error", "{d:#}");
    let message = d["error"]["message"].as_str().unwrap();
    assert!(message.contains("V2__by_hand failed"), "{message}");
    assert!(message.contains("no_such_table"), "{message}");
    assert_eq!(d["problems"], serde_json::json!([]));
    assert_eq!(d["verified"], Value::Null, "not verified after a failure");
    let m = d["migrations"].as_array().unwrap();
    assert_eq!(m[0]["result"], "applied");
    assert_eq!(m[1]["result"], "failed");
    assert_eq!(m[1]["statements_run"], 0, "its transaction was rolled back");
    assert!(
        m[1]["error"].as_str().unwrap().contains("42P01"),
        "{:#}",
        m[1]
    );
    let st = m[1]["statements"].as_array().unwrap();
    assert_eq!(st.len(), 2, "{st:#?}");
    assert_eq!(st[0]["result"], "rolled_back");
    assert_eq!(st[1]["result"], "failed");
    assert!(st[1]["error"].as_str().unwrap().contains("no_such_table"));
    ms(&st[1]["elapsed_ms"]);
    // the text is still on stderr, once; the document on stdout, once
    assert!(r.stderr.contains("error:"), "{r:?}");
    assert_eq!(
        r.stdout.matches("\"version\": 1,\n  \"command\"").count(),
        1,
        "{r:?}"
    );
}

#[test]
fn apply_json_records_statement_by_statement_runs_and_where_they_stopped() {
    let db = pg().new_db("json_fail_each");
    let url = pg().url(&db);
    // a folder of hand-written migrations (no model): CONCURRENTLY runs outside a transaction
    let p = support::Project::new(
        "postgres",
        &[(
            "V1__each.sql",
            "CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_i ON a (id);\nCREATE TABLE a (id int);\n",
        )],
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["result"], "failed", "{d:#}");
    let m = &d["migrations"][0];
    assert_eq!(m["mode"], "per_statement", "{m:#}");
    assert_eq!(m["statements_run"], 2, "{m:#}");
    let results: Vec<&str> = m["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["done", "done", "failed"]);
    assert!(m["statements"][2]["error"]
        .as_str()
        .unwrap()
        .contains("42P07"));
    // status agrees: two of three done
    let r = run(bmdb(p.path()).args(["status", "--url", &url, "--format", "json"]));
    let s = doc(&r);
    assert_eq!(s["migrations"][0]["state"], "partly_applied", "{s:#}");
    assert_eq!(s["migrations"][0]["statements_done"], 2, "{s:#}");
}

#[test]
fn a_connection_error_is_a_json_error_document_on_every_command_that_connects() {
    let p = project();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("adopted");
    let dead = format!(
        "postgres://bmdb:{}@127.0.0.1:1/db?sslmode=disable",
        support::PASSWORD
    );
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("apply", vec!["apply", "--url", &dead]),
        ("status", vec!["status", "--url", &dead]),
        ("drift", vec!["drift", "--url", &dead]),
        ("plan", vec!["plan", "--url", &dead]),
        (
            "inspect",
            vec!["inspect", "--url", &dead, "--out", out.to_str().unwrap()],
        ),
        ("migrate hash", vec!["migrate", "hash", "--url", &dead]),
    ];
    // migrate hash connects only when something was edited
    with_hand_written(p.path(), "SELECT 1;\n");
    let v2 = p.path().join("migrations/V2__by_hand.sql");
    for (name, args) in commands {
        if name == "migrate hash" {
            // (the others refuse an edited migration before they connect)
            fs::write(&v2, fs::read_to_string(&v2).unwrap() + "SELECT 2;\n").unwrap();
        }
        let r =
            run(bmdb(p.path())
                .args(&args)
                .args(["--connect-retries", "0", "--format", "json"]));
        assert_eq!(r.code, 1, "{name}: {r:?}");
        let d = doc(&r);
        assert_eq!(d["version"], 1, "{name}: {d:#}");
        assert_eq!(d["command"], name, "{d:#}");
        assert_eq!(d["error"]["kind"], "connection", "{name}: {d:#}");
        assert!(
            d["error"]["message"]
                .as_str()
                .unwrap()
                .contains("could not connect to postgres://bmdb:"),
            "{name}: {d:#}"
        );
        assert!(r.stderr.contains("could not connect"), "{name}: {r:?}");
        if name == "apply" {
            // apply's own document, with the error document's fields
            assert_eq!(d["result"], "failed", "{d:#}");
            assert_eq!(d["migrations"], serde_json::json!([]), "{d:#}");
            assert_eq!(d["database"], Value::Null, "{d:#}");
        }
    }
    // a failure before apply reads anything (an unknown environment) is apply's document too
    let r = run(bmdb(p.path()).args(["apply", "--env", "nosuch", "--dry-run", "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["command"], "apply", "{d:#}");
    assert_eq!(d["result"], "failed", "{d:#}");
    assert_eq!(d["dry_run"], true, "{d:#}");
    assert!(
        d["error"]["message"].as_str().unwrap().contains("nosuch"),
        "{d:#}"
    );
    // no URL at all
    let r = run(bmdb(p.path()).args(["status", "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["error"]["kind"], "connection", "{d:#}");
    assert!(d["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("no database URL"));
}

#[test]
fn a_broken_model_prints_the_document_validate_prints_from_every_command() {
    let p = project();
    fs::write(
        p.path().join("regions.yaml"),
        "database: shop\ndialect: postgres\nsurvival_goal: planet\n",
    )
    .unwrap();
    let dead = "postgres://bmdb@127.0.0.1:1/db";
    let r = run(bmdb(p.path()).args(["validate", "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let reference = doc(&r);
    assert_eq!(reference["valid"], false, "{reference:#}");
    assert_eq!(reference["error"]["kind"], "invalid_model");
    let problems = reference["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{reference:#}");
    assert_eq!(problems[0]["file"], "regions.yaml");
    assert_eq!(problems[0]["line"], 3);
    assert_eq!(problems[0]["id"], "invalid-value");
    for (name, args) in [
        ("plan", vec!["plan"]),
        ("plan", vec!["plan", "--write", "x"]),
        ("apply", vec!["apply", "--url", dead]),
        ("zones show", vec!["zones", "show"]),
        ("migrate new", vec!["migrate", "new", "x"]),
    ] {
        // --format before the command: it is global
        let r = run(bmdb(p.path()).args(["--format", "json"]).args(&args));
        assert_eq!(r.code, 1, "{args:?}: {r:?}");
        let mut d = doc(&r);
        assert_eq!(d["command"], name, "{d:#}");
        d["command"] = reference["command"].clone();
        if name == "apply" {
            // apply's own document carries every field of the error document, the same
            assert_eq!(d["result"], "failed", "{d:#}");
            for (key, value) in reference.as_object().unwrap() {
                assert_eq!(&d[key], value, "{key} of {d:#}");
            }
        } else {
            assert_eq!(d, reference, "{args:?}");
        }
        assert!(r.stderr.contains("error[invalid-value]"), "{args:?}: {r:?}");
    }
    assert!(!p.path().join("migrations").exists(), "nothing was written");
}

#[test]
fn offline_commands_print_one_json_document_and_usage_errors_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let p = root.join("shop");
    let r = run(bmdb(root).current_dir(root).env_remove("BMDB_ASCII").args([
        "init",
        "shop",
        "--dialect",
        "postgres",
        "--format",
        "json",
    ]));
    // the harness passes --project: init refuses it, as a JSON document
    assert_eq!(r.code, 1, "{r:?}");
    assert!(doc(&r)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--project does not apply to init"));
    let init = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_bmdb"));
        c.current_dir(root).args(args);
        run(&mut c)
    };
    let r = init(&["init", "shop", "--dialect", "postgres", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let d = doc(&r);
    let created: Vec<&str> = d["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for f in [
        "regions.yaml",
        "schema/accounts.yaml",
        "templates/README.md",
    ] {
        assert!(created.contains(&f), "{d:#}");
    }
    for f in &created {
        assert!(p.join(f).is_file(), "{f} was not created");
    }
    assert_eq!(d["kept"], serde_json::json!([]));
    // a second init into a directory with a file of the user's keeps it, and says so
    let other = root.join("other");
    fs::create_dir_all(other.join("templates")).unwrap();
    fs::write(other.join("templates/README.md"), "mine\n").unwrap();
    let r = init(&["init", "other", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(doc(&r)["kept"], serde_json::json!(["templates/README.md"]));
    assert_eq!(
        fs::read_to_string(other.join("templates/README.md")).unwrap(),
        "mine\n"
    );

    let ok = |args: &[&str]| -> Value {
        let r = run(bmdb(&p).args(args).args(["--format", "json"]));
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
        let d = doc(&r);
        assert_eq!(d["version"], 1, "{args:?}: {d:#}");
        d
    };
    assert_eq!(ok(&["validate"])["valid"], true);
    assert_eq!(ok(&["plan", "--write", "init"])["changes"], 1);
    assert!(ok(&["migrate", "new", "fill"])["written"]
        .as_str()
        .unwrap()
        .ends_with("V2__fill.sql"));
    let v2 = p.join("migrations/V2__fill.sql");
    fs::write(&v2, fs::read_to_string(&v2).unwrap() + "SELECT 1;\n").unwrap();
    let d = ok(&["migrate", "hash"]);
    assert_eq!(d["rehashed"][0]["file"], "migrations/V2__fill.sql", "{d:#}");
    assert_eq!(d["history_checked"], false);
    assert!(ok(&["migrate", "rm"])["removed"]
        .as_str()
        .unwrap()
        .ends_with("V2__fill.sql"));
    assert_eq!(ok(&["zones", "show"])["applies"], false);

    // commands whose output is not a report refuse JSON rather than print text
    for args in [vec!["completions", "bash"], vec!["man"]] {
        let r = run(bmdb(&p).args(&args).args(["--format", "json"]));
        assert_eq!(r.code, 1, "{args:?}: {r:?}");
        assert!(
            doc(&r)["error"]["message"]
                .as_str()
                .unwrap()
                .contains("json"),
            "{args:?}: {r:?}"
        );
    }

    // a usage error, when the arguments ask for JSON
    let r = run(bmdb(&p).args(["plan", "--no-such-flag", "--format", "json"]));
    assert_eq!(r.code, 1, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["error"]["kind"], "usage", "{d:#}");
    assert!(d["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--no-such-flag"));
    // ... and not otherwise
    let r = run(bmdb(&p).args(["plan", "--no-such-flag"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
}

#[test]
fn format_quiet_and_verbose_are_the_same_flags_on_every_command() {
    let p = project();
    for cmd in [
        vec!["validate"],
        vec!["plan"],
        vec!["apply"],
        vec!["status"],
        vec!["drift"],
        vec!["inspect"],
        vec!["init"],
        vec!["zones", "show"],
        vec!["zones", "set"],
        vec!["migrate", "new"],
        vec!["migrate", "hash"],
        vec!["migrate", "rm"],
    ] {
        let r = run(bmdb(p.path()).args(&cmd).arg("--help"));
        assert_eq!(r.code, 0, "{cmd:?}: {r:?}");
        for flag in ["--format <FORMAT>", "-q, --quiet", "-v, --verbose"] {
            assert!(
                r.stdout.contains(flag),
                "{cmd:?} --help lacks {flag}:\n{}",
                r.stdout
            );
        }
    }
    // either side of the command, the same
    let before = run(bmdb(p.path()).args(["-q", "--format", "json", "plan"]));
    let after = run(bmdb(p.path()).args(["plan", "--format", "json", "-q"]));
    assert_eq!(before.code, 0, "{before:?}");
    assert_eq!(before.stdout, after.stdout);
    assert_eq!(doc(&before)["changes"], 1);
    // -q drops the next steps, not the result
    assert_eq!(
        run(bmdb(p.path()).args(["plan", "--write", "init"])).code,
        0
    );
    let r = run(bmdb(p.path()).args(["migrate", "new", "fill"]));
    assert!(
        r.stdout.contains("Wrote ") && r.stdout.contains("next: "),
        "{r:?}"
    );
    assert_eq!(run(bmdb(p.path()).args(["migrate", "rm"])).code, 0);
    let r = run(bmdb(p.path()).args(["migrate", "new", "fill", "-q"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("Wrote ") && !r.stdout.contains("next: "),
        "{r:?}"
    );
    // -q and -v contradict each other
    let r = run(bmdb(p.path()).args(["plan", "-q", "-v"]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("cannot be used with"), "{r:?}");
}

#[test]
fn quiet_and_verbose_change_what_apply_says_on_stderr() {
    let db = pg().new_db("json_quiet");
    let url = pg().url(&db);
    let p = project();
    with_hand_written(p.path(), "SELECT 1;\n");
    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "-v", "--target", "V1"]));
    assert_eq!(r.code, 0, "{r:?}");
    // -v: every statement gets its time, not only those of a second or more
    assert!(
        r.stderr.contains("V1__init [1/") && r.stderr.contains("] took "),
        "{r:?}"
    );
    let r = run(bmdb(p.path()).args(["apply", "--url", &url, "-q"]));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stderr, "", "{r:?}");
    assert!(r.stdout.contains("V2"), "the summary stays: {r:?}");
}

#[test]
fn inspect_json_names_what_it_wrote_and_the_baseline() {
    let db = pg().new_db("json_inspect");
    let url = pg().url(&db);
    pg().client(&db)
        .batch_execute("CREATE TABLE things (id int8 PRIMARY KEY, label text NOT NULL)")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("adopted");
    let r = run(bmdb(dir.path()).args([
        "inspect",
        "--url",
        &url,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["tables"], 1, "{d:#}");
    assert_eq!(d["dialect"], "postgres");
    let baseline = d["baseline"].as_str().unwrap();
    assert!(baseline.ends_with("V1__baseline.sql"), "{d:#}");
    assert!(Path::new(baseline).is_file());
    let written: Vec<&str> = d["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(written.contains(&baseline), "{d:#}");
    for w in &written {
        assert!(Path::new(w).is_file(), "{w} was not written");
    }
    assert!(written.iter().any(|w| w.ends_with("things.yaml")), "{d:#}");
}

#[test]
fn zones_set_json_is_one_document_with_the_edit_and_its_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_bmdb"));
    c.current_dir(dir.path()).args(["init", "game"]);
    assert_eq!(run(&mut c).code, 0);
    let p = dir.path().join("game");
    assert_eq!(run(bmdb(&p).args(["plan", "--write", "init"])).code, 0);
    let r = run(bmdb(&p).args([
        "zones",
        "set",
        "database",
        "gc.ttlseconds=600",
        "--write",
        "ttl",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["edited"], "regions.yaml", "{d:#}");
    assert_eq!(d["plan"]["changes"], 1, "{d:#}");
    assert!(d["plan"]["written"]
        .as_str()
        .unwrap()
        .ends_with("V2__ttl.sql"));
    assert_eq!(d["apply"], Value::Null);
    assert!(fs::read_to_string(p.join("regions.yaml"))
        .unwrap()
        .contains("600"));
    // --apply to a server that is not there: the edit and the plan happened, the apply
    // failed; one document says all three
    let r = run(bmdb(&p).args([
        "zones",
        "set",
        "database",
        "gc.ttlseconds=700",
        "--write",
        "ttl2",
        "--apply",
        "--url",
        "postgres://bmdb@127.0.0.1:1/db",
        "--connect-retries",
        "0",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    let d = doc(&r);
    assert_eq!(d["plan"]["changes"], 1, "{d:#}");
    assert_eq!(d["apply"]["result"], "failed", "{d:#}");
    assert_eq!(d["error"]["kind"], "connection", "{d:#}");
    assert_eq!(d["command"], "apply", "{d:#}");
}
