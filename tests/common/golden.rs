//! Golden files, one way for every test target: compare the produced text with the file,
//! or, with `BMDB_BLESS=1`, write it (and remove files no case produces any more).
#![allow(dead_code)] // each test target uses the part it needs

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn blessing() -> bool {
    std::env::var_os("BMDB_BLESS").is_some_and(|v| v == "1")
}

/// Compare `text` with the file at `path` (blessing: write it). `Some(reason)` on a mismatch.
pub fn check_file(path: &Path, text: &str) -> Option<String> {
    if blessing() {
        std::fs::create_dir_all(path.parent().expect("a golden file has a folder")).unwrap();
        std::fs::write(path, text).unwrap();
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(on_disk) if on_disk == text => None,
        Ok(on_disk) => Some(format!(
            "{} differs:\n--- file\n{on_disk}--- produced\n{text}",
            path.display()
        )),
        Err(e) => Some(format!("{}: {e} (BMDB_BLESS=1 writes it)", path.display())),
    }
}

/// A folder whose every file some case must produce.
pub struct GoldenDir {
    dir: PathBuf,
    produced: BTreeSet<PathBuf>,
    pub failures: Vec<String>,
}

impl GoldenDir {
    pub fn new(dir: PathBuf) -> GoldenDir {
        GoldenDir {
            dir,
            produced: BTreeSet::new(),
            failures: Vec::new(),
        }
    }

    pub fn check(&mut self, file_name: &str, text: &str) {
        let path = self.dir.join(file_name);
        if let Some(f) = check_file(&path, text) {
            self.failures.push(f);
        }
        self.produced.insert(path);
    }

    /// Files no case produced are failures (blessing: removed). Returns every failure.
    pub fn finish(mut self) -> Vec<String> {
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries {
                let path = entry.unwrap().path();
                if self.produced.contains(&path) {
                    continue;
                }
                if blessing() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    self.failures
                        .push(format!("{}: no case produces this file", path.display()));
                }
            }
        }
        self.failures
    }
}
