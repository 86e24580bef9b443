//! No password in any output, whatever shape the URL has and whichever command gets it;
//! usage errors exit 1 (2 means "changes or drift found"); a closed pipe is not a panic.

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
