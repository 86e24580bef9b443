//! The release binary carries no test hook: the crash points that block on
//! `BMDB_TEST_PAUSE_AT` live in one module compiled only with `debug_assertions` (the tests
//! run the debug binary), and release builds get an empty `crash_point`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn test_hooks_are_compiled_only_into_debug_builds() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let hook = src.join("apply").join("test_hook.rs");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if f != &hook {
            assert!(
                !text.contains("BMDB_TEST_"),
                "{} reads a test hook outside src/apply/test_hook.rs",
                f.display()
            );
        }
    }
    let hook_text = std::fs::read_to_string(&hook).unwrap();
    assert!(hook_text.contains("BMDB_TEST_PAUSE_AT"));

    let module = std::fs::read_to_string(src.join("apply").join("mod.rs")).unwrap();
    let lines: Vec<&str> = module.lines().map(str::trim).collect();
    let declared = lines
        .iter()
        .position(|l| *l == "mod test_hook;")
        .expect("src/apply/mod.rs declares mod test_hook");
    assert_eq!(lines[declared - 1], "#[cfg(debug_assertions)]");
    let reexport = lines
        .iter()
        .position(|l| l.starts_with("pub(crate) use test_hook::crash_point"))
        .expect("the debug crash_point is test_hook's");
    assert_eq!(lines[reexport - 1], "#[cfg(debug_assertions)]");
    let stub = lines
        .iter()
        .position(|l| *l == "pub(crate) fn crash_point(_label: &str) {}")
        .expect("release builds get an empty crash_point");
    assert!(
        lines[stub.saturating_sub(3)..stub].contains(&"#[cfg(not(debug_assertions))]"),
        "the empty crash_point is the release one"
    );
}

/// When a release binary was built (`cargo build --release`), it holds no hook's name.
#[test]
fn a_release_binary_if_built_holds_no_hook() {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/bmdb");
    let (Ok(bin_meta), Ok(src_meta)) = (
        std::fs::metadata(&bin),
        std::fs::metadata(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/apply/mod.rs")),
    ) else {
        return; // no release build to look at
    };
    if bin_meta.modified().unwrap() < src_meta.modified().unwrap() {
        return; // a stale build says nothing about this source
    }
    let bytes = std::fs::read(&bin).unwrap();
    let needle = b"BMDB_TEST_PAUSE_AT";
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "{} contains the test hook",
        bin.display()
    );
}
