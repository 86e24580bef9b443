//! The bad-input corpus (tests/bad/<case>/ + expected.txt) through the built binary:
//! every case exits 1, prints its diagnostics (file:line:col) on stderr, never panics,
//! and `plan --write` changes no file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            // Not following symlinks: some cases hold dangling or looping ones.
            let kind = fs::symlink_metadata(&p).unwrap().file_type();
            if kind.is_symlink() {
                let target = fs::read_link(&p).unwrap();
                out.push((p, target.into_os_string().into_encoded_bytes()));
            } else if kind.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_bad_project_fails_cleanly_through_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "the corpus holds {} cases, want at least 40",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
        let before = snapshot(case);
        for args in [
            &["validate"][..],
            &["plan", "--write", "should_not_exist"][..],
        ] {
            let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
                .arg("--project")
                .arg(case)
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            if o.status.code() != Some(1) {
                failures.push(format!(
                    "{name} {args:?}: exit {:?}, want 1\n{stderr}",
                    o.status.code()
                ));
            }
            if stderr.contains("panicked") {
                failures.push(format!("{name} {args:?}: panicked\n{stderr}"));
            }
            // Every expected diagnostic line appears, with its file:line:col.
            for line in expected.lines().filter(|l| l.contains(": error[")) {
                if !stderr.contains(line) {
                    failures.push(format!(
                        "{name} {args:?}: missing line\n  {line}\nstderr:\n{stderr}"
                    ));
                }
            }
        }
        // The same problems as a JSON document, one entry per diagnostic line.
        let o = Command::new(env!("CARGO_BIN_EXE_bmdb"))
            .arg("--project")
            .arg(case)
            .args(["validate", "--format", "json"])
            .output()
            .unwrap();
        match serde_json::from_slice::<serde_json::Value>(&o.stdout) {
            Ok(v) => {
                let want = expected.lines().filter(|l| l.contains(": error[")).count();
                let got = v["problems"].as_array().map_or(0, |p| p.len());
                if v["version"] != 1
                    || v["valid"] != false
                    || got != want
                    || o.status.code() != Some(1)
                {
                    failures.push(format!("{name}: validate --format json gave {got} problems (want {want}), exit {:?}: {v}", o.status.code()));
                }
            }
            Err(e) => failures.push(format!(
                "{name}: validate --format json printed no JSON ({e})"
            )),
        }
        if before != snapshot(case) {
            failures.push(format!("{name}: files changed"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
