//! `bmdb completions` and `bmdb man`: generated from the clap definitions, so every
//! subcommand is in them; the bash script is sourced by a real bash and completes.

use std::process::Command;

fn bmdb(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .args(args)
        .output()
        .unwrap()
}

const SUBCOMMANDS: [&str; 10] = [
    "validate",
    "plan",
    "apply",
    "status",
    "zones",
    "init",
    "drift",
    "inspect",
    "completions",
    "man",
];

/// Runs `script` in bash after sourcing `bmdb completions bash`; returns stdout.
fn bash_with_completions(script: &str) -> String {
    let exe = env!("CARGO_BIN_EXE_bmdb");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -e; source <('{exe}' completions bash); {script}"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "sourcing the bash completions failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completions_source_cleanly_and_complete() {
    assert!(bash_with_completions("complete -p bmdb").contains("-F _bmdb bmdb"));
    let words = bash_with_completions(
        r#"COMP_WORDS=(bmdb pl); COMP_CWORD=1; _bmdb bmdb pl bmdb; echo "${COMPREPLY[@]}""#,
    );
    assert_eq!(words.trim(), "plan");
    let flags = bash_with_completions(
        r#"COMP_WORDS=(bmdb plan --det); COMP_CWORD=2; _bmdb bmdb --det plan; echo "${COMPREPLY[@]}""#,
    );
    assert_eq!(flags.trim(), "--detailed-exitcode");
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bmdb(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} completions lack {sub}");
        }
    }
    let out = bmdb(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let out = bmdb(&["man"]);
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH bmdb 1"), "no roff title header:\n{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "no SUBCOMMANDS section");
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("bmdb\\-{sub}(1)")),
            "the man page does not list {sub}"
        );
    }
}

#[test]
fn man_out_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = bmdb(&["man", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    for page in ["bmdb", "bmdb-plan", "bmdb-zones-set", "bmdb-drift"] {
        let text = std::fs::read_to_string(dir.path().join(format!("{page}.1")))
            .unwrap_or_else(|e| panic!("{page}.1: {e}"));
        assert!(
            text.contains(&format!(".TH {page} 1")),
            "{page}.1 has no title"
        );
    }
    let plan = std::fs::read_to_string(dir.path().join("bmdb-plan.1")).unwrap();
    assert!(
        plan.contains("detailed\\-exitcode"),
        "bmdb-plan.1 lacks its flags"
    );
}
