//! No password in any output, whatever shape the URL has and whichever command gets it;
//! usage errors exit 1 (2 means "changes or drift found"); a closed pipe is not a panic.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};

const PW: &str = "Hunter2pw";

fn bluemarble() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bmdb(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("--project")
        .arg(bluemarble())
        .args(args)
        .env_remove("BMDB_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn no_url_shape_leaks_its_password_through_any_command() {
    // Port 1 on loopback refuses at once; every command must fail without the password.
    let urls = [
        format!("postgres://bmdb:{PW}@127.0.0.1:1/db"),
        format!("postgres://bmdb:{PW}/x@127.0.0.1:1/db"),
        format!("postgres://bmdb:{PW}?x@127.0.0.1:1/db"),
        format!("postgres://bmdb:{PW}@x@127.0.0.1:1/db?sslmode=disable"),
        format!("postgres:/bmdb:{PW}@127.0.0.1:1/db"),
        format!("bmdb:{PW}@127.0.0.1:1/db"),
        format!("postgres://bmdb@127.0.0.1:1/db?password={PW}"),
        format!("postgres://bmdb:{PW}@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.crt"),
        format!("postgres://bmdb:{PW}@127.0.0.1:1/db?sslmode=bogus"),
    ];
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("adopted");
    let out = out.to_str().unwrap();
    let mut checked = 0;
    for url in &urls {
        for cmd in [
            vec!["status", "--url", url, "--connect-retries", "0"],
            vec!["drift", "--url", url, "--connect-retries", "0"],
            vec!["plan", "--url", url, "--connect-retries", "0"],
            vec![
                "inspect",
                "--url",
                url,
                "--out",
                out,
                "--connect-retries",
                "0",
            ],
            vec!["zones", "show", "--url", url, "--connect-retries", "0"],
            vec!["apply", "--url", url, "--connect-retries", "0"],
        ] {
            let (code, text) = bmdb(&cmd);
            assert_eq!(code, 1, "{cmd:?}: {text}");
            assert!(!text.contains(PW), "{cmd:?} printed the password:\n{text}");
            checked += 1;
        }
    }
    assert_eq!(checked, urls.len() * 6);
}

#[test]
fn a_url_typed_where_no_url_belongs_is_redacted_in_the_usage_error() {
    let (code, text) = bmdb(&["plan", &format!("postgres://u:{PW}@h/d")]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("unexpected argument"), "{text}");
    assert!(!text.contains(PW), "{text}");
}

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    for args in [
        &["drift", "--bogus"][..],
        &["status", "--url"][..],
        &["plan", "--format", "xml"][..],
        &["nope"][..],
    ] {
        let (code, text) = bmdb(args);
        assert_eq!(code, 1, "{args:?}: {text}");
    }
    let (code, text) = bmdb(&["--help"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Usage"), "{text}");
    let (code, _) = bmdb(&["--version"]);
    assert_eq!(code, 0);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("--project")
        .arg(bluemarble())
        .args(["zones", "show", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

/// The panic hook: exit 101, a short message naming the place, never the payload (debug
/// builds can be made to panic with BMDB_DEBUG_PANIC, whose value goes into the payload).
#[cfg(debug_assertions)]
#[test]
fn a_panic_prints_where_but_never_its_payload() {
    let secret = format!("postgres://u:{PW}@h/d");
    for backtrace in [false, true] {
        let mut c = Command::new(env!("CARGO_BIN_EXE_bmdb"));
        c.args(["--version"]).env("BMDB_DEBUG_PANIC", &secret);
        if backtrace {
            c.env("BMDB_BACKTRACE", "1");
        }
        let out = c.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(101), "{text}");
        assert!(
            text.contains("bmdb: internal error at src/main.rs:"),
            "{text}"
        );
        assert!(text.contains("please report it"), "{text}");
        assert!(!text.contains(PW) && !text.contains("payload"), "{text}");
    }
}

/// Passwords holding every character that has a meaning in a URL, and multibyte ones. Each
/// is made of distinctive fragments: no fragment may appear in any output.
const HOSTILE: &[&str] = &[
    "Pw1%Frag2",
    "Pw1 Frag3",
    "Pw1@Frag4",
    "Pw1/Frag5",
    "Pw1?Frag6",
    "Pw1#Frag7",
    "Pw1ñFrag8é",
    "Pw1%1ñFrag9",
    "Pw1:Frag0&x=1",
];

fn fragments(password: &str) -> Vec<String> {
    let mut out: Vec<String> = password
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|f| f.len() >= 3)
        .map(str::to_string)
        .collect();
    out.push(password.to_string());
    out.push(encode(password));
    out
}

/// Percent-encode everything but unreserved ASCII.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every command that takes a URL, with `url` (the project decides what runs).
fn url_commands(url: &str, out: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&["plan", "--url", url, "--connect-retries", "0"]),
        v(&["apply", "--url", url, "--connect-retries", "0"]),
        v(&["status", "--url", url, "--connect-retries", "0"]),
        v(&["drift", "--url", url, "--connect-retries", "0"]),
        v(&[
            "inspect",
            "--url",
            url,
            "--out",
            out,
            "--connect-retries",
            "0",
        ]),
        v(&["zones", "show", "--url", url, "--connect-retries", "0"]),
        v(&["plan", &format!("--url={url}"), "--format", "json"]),
        v(&[
            "status",
            "--url",
            url,
            "--format",
            "json",
            "--connect-retries",
            "0",
        ]),
        // the JSON error documents (kind connection) quote the redacted URL
        v(&[
            "apply",
            "--url",
            url,
            "--format",
            "json",
            "--connect-retries",
            "0",
        ]),
        v(&[
            "drift",
            "--url",
            url,
            "--format",
            "json",
            "--connect-retries",
            "0",
        ]),
    ]
}

fn assert_clean(what: &str, r: &support::Run, password: &str) {
    assert_ne!(r.code, 101, "{what}: panicked: {r:?}");
    assert!(!r.all().contains("panicked"), "{what}: {r:?}");
    for f in fragments(password) {
        assert!(!r.all().contains(&f), "{what}: printed {f:?}:\n{r:?}");
    }
}

#[test]
fn hostile_passwords_leak_through_no_command_when_the_server_refuses() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("adopted");
    let out = out.to_str().unwrap();
    let mut runs = 0;
    for pw in HOSTILE {
        for url in [
            format!("postgres://bmdb:{}@127.0.0.1:1/db", encode(pw)),
            format!("postgres://bmdb:{pw}@127.0.0.1:1/db"),
            format!("postgres://bmdb@127.0.0.1:1/db?password={}", encode(pw)),
            format!("postgres://bmdb:{pw}@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=%aé"),
        ] {
            for cmd in url_commands(&url, out) {
                let r = support::run(support::bmdb(bluemarble()).args(&cmd));
                assert_eq!(r.code, 1, "{cmd:?}: {r:?}");
                assert_clean(&format!("{cmd:?}"), &r, pw);
                runs += 1;
            }
        }
    }
    assert_eq!(runs, HOSTILE.len() * 4 * 10);
}

#[test]
fn hostile_passwords_work_and_never_show_on_the_real_postgresql() {
    let pg = support::pg();
    let project = support::Project::modelled(
        "postgres",
        &[(
            "V1__one.sql",
            "-- step 1: create_table one\nCREATE TABLE one (id int8 PRIMARY KEY);\n",
        )],
        &[(
            "one.yaml",
            "table: one\ncolumns:\n  - { name: id, type: INT8 }\nprimary_key: [id]\n",
        )],
    );
    let mut admin = pg.admin().unwrap();
    for (i, pw) in HOSTILE.iter().enumerate() {
        let role = format!("hostile{}_{i}", std::process::id());
        let db = format!("{role}_db");
        admin
            .batch_execute(&format!(
                "CREATE ROLE {role} LOGIN PASSWORD '{}'",
                pw.replace('\'', "''")
            ))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {db} OWNER {role}"))
            .unwrap();
        let good = format!(
            "postgres://{role}:{}@127.0.0.1:{}/{db}?sslmode=disable",
            encode(pw),
            pg.port
        );
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("adopted");
        // the right password, percent-encoded: every command connects
        for cmd in url_commands(&good, out.to_str().unwrap()) {
            let r = support::run(support::bmdb(project.path()).args(&cmd));
            assert!(r.code == 0 || r.code == 2, "{pw:?} {cmd:?}: {r:?}");
            assert_clean(&format!("{cmd:?}"), &r, pw);
        }
        project.assert_converged(&good);
        // a wrong password: refused by the server, named without any secret
        let wrong = good.replace(&encode(pw), &encode(&format!("{pw}Frag1x")));
        for cmd in url_commands(&wrong, out.to_str().unwrap()) {
            let r = support::run(support::bmdb(project.path()).args(&cmd));
            // (zones show does not connect on a postgres project)
            assert!(r.code == 1 || cmd[0] == "zones", "{cmd:?}: {r:?}");
            assert_clean(&format!("{cmd:?}"), &r, &format!("{pw}Frag1x"));
        }
        // the same password unencoded: it works where the URL stays unambiguous, and
        // otherwise fails with a message that quotes nothing of it
        let raw = good.replace(&encode(pw), pw);
        for cmd in url_commands(&raw, out.to_str().unwrap()) {
            let r = support::run(support::bmdb(project.path()).args(&cmd));
            assert_clean(&format!("{cmd:?}"), &r, pw);
        }
        // and through PGPASSWORD
        let no_pw = format!(
            "postgres://{role}@127.0.0.1:{}/{db}?sslmode=disable",
            pg.port
        );
        let r = support::run(
            support::bmdb(project.path())
                .args(["drift", "--url", &no_pw])
                .env("PGPASSWORD", pw),
        );
        assert_eq!(r.code, 0, "{pw:?}: {r:?}");
        assert_clean("drift with PGPASSWORD", &r, pw);
    }
}

#[test]
fn a_password_split_by_the_shell_at_a_space_is_not_echoed_by_the_usage_error() {
    for args in [
        vec![
            "status",
            "--url",
            "postgres://u:Frag1",
            "Frag2@127.0.0.1:1/db",
        ],
        vec![
            "status",
            "--url=postgres://u:Frag1",
            "Frag2",
            "Frag3@127.0.0.1:1/db",
        ],
        vec![
            "drift",
            "--url",
            "postgres://u:Frag1",
            "--bogus",
            "Frag2@h/d",
        ],
        vec!["plan", "postgres://u:Frag1 Frag2@h/d"],
        // an `@` before the space makes the first word look like a whole URL
        vec![
            "status",
            "--url",
            "postgres://u:Frag1@a",
            "%zzFrag2@127.0.0.1:1/db",
        ],
    ] {
        let (code, text) = bmdb(&args);
        assert_eq!(code, 1, "{args:?}: {text}");
        assert!(text.contains("error"), "{args:?}: {text}");
        for f in ["Frag1", "Frag2", "Frag3"] {
            assert!(!text.contains(f), "{args:?} printed {f}: {text}");
        }
    }
}
