//! Every tests/bad/<case>/ is a malformed project; its expected.txt holds the exact
//! diagnostics `load_project` must report. `BMDB_BLESS=1 cargo test` rewrites them.

#[path = "common/golden.rs"]
mod golden_files;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/bad exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The report for one case, as the CLI prints it (without the trailing count line).
fn report(dir: &Path) -> String {
    match bmdb::model::load_project(dir) {
        Ok(_) => "(loaded without errors)\n".to_string(),
        Err(d) => d.0.iter().map(|x| format!("{x}\n")).collect(),
    }
}

#[test]
fn every_bad_case_reports_exactly_its_expected_diagnostics() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} bad cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let got = match std::panic::catch_unwind(|| report(case)) {
            Ok(r) => r,
            Err(_) => {
                failures.push(format!("{name}: load_project panicked"));
                continue;
            }
        };
        if let Some(f) = golden_files::check_file(&case.join("expected.txt"), &got) {
            failures.push(format!("{name}: {f}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad cases differ (BMDB_BLESS=1 re-blesses):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_bad_case_fails_to_load() {
    for case in cases() {
        assert!(
            bmdb::model::load_project(&case).is_err(),
            "{} loaded",
            case.display()
        );
    }
}

#[test]
fn diagnostics_are_sorted_by_file_line_and_column() {
    for case in cases() {
        if let Err(d) = bmdb::model::load_project(&case) {
            let keys: Vec<_> =
                d.0.iter()
                    .map(|x| (x.file.clone(), x.line, x.col))
                    .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "{}", case.display());
            for x in &d.0 {
                assert!(x.line >= 1 && x.col >= 1, "{}: {x}", case.display());
                assert!(x.help.is_some(), "{}: no help for {x}", case.display());
                assert!(x.file.is_relative(), "{}: {x}", case.display());
            }
        }
    }
}

/// Every prefix of every file of the full good project: load_project must never panic.
#[test]
fn truncated_files_never_panic() {
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/good/full");
    for rel in [
        "regions.yaml",
        "schema/inventory.yaml",
        "schema/economy/currency_transactions.yaml",
    ] {
        let text = std::fs::read_to_string(good.join(rel)).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&good, tmp.path());
        for cut in (0..text.len()).filter(|i| text.is_char_boundary(*i)) {
            std::fs::write(tmp.path().join(rel), &text[..cut]).unwrap();
            let result = std::panic::catch_unwind(|| bmdb::model::load_project(tmp.path()));
            assert!(result.is_ok(), "{rel} cut at byte {cut} panicked");
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
