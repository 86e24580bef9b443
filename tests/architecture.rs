//! The stage map, enforced: every top-level module under src/ has a line in `STAGES`
//! naming the top-level modules it may import (`use crate::X`, `crate::X::` paths).
//! Stages depend only downward (model → diff → plan → render → migrations → apply, with
//! catalog beside them, drift on top, cli at the top); docs/architecture.md draws the map.
//! A unit-test module at the end of a file (`#[cfg(test)] mod tests`) is not scanned: a
//! test may look across stages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// (module, the top-level modules it may import). Crate-root items (`crate::JSON_VERSION`)
/// are open to all.
const STAGES: &[(&str, &[&str])] = &[
    // reading SQL text: statements, literals, identifiers, expressions
    ("sql", &[]),
    // what every command's printing shares: colour, table style, plurals
    ("output", &[]),
    ("model", &["sql"]),
    ("diff", &["model", "sql"]),
    // zone configurations: effective values, replication hazards, edits of the YAML
    ("zones", &["model", "output"]),
    // what each dialect renders and leaves out (read by render and catalog)
    ("dialect", &["model", "diff"]),
    ("plan", &["model", "diff", "zones", "dialect"]),
    ("render", &["model", "diff", "plan", "dialect", "sql"]),
    // files + lock: writes what plan and render produce
    ("migrations", &["model", "diff", "plan", "render"]),
    ("db", &["model", "output"]),
    ("apply", &["model", "db", "migrations", "sql", "output"]),
    // beside the pipeline: the live database read back into a model
    (
        "catalog",
        &["model", "diff", "dialect", "db", "sql", "zones"],
    ),
    (
        "project",
        &["model", "diff", "plan", "render", "migrations"],
    ),
    // on top: combines migrations, history and the live catalog
    (
        "drift",
        &[
            "model",
            "diff",
            "db",
            "catalog",
            "migrations",
            "apply",
            "project",
            "output",
            // whose placement rules the live zones were compared with
            "zones",
        ],
    ),
    (
        "cli",
        &[
            "sql",
            "model",
            "diff",
            "zones",
            "dialect",
            "plan",
            "render",
            "migrations",
            "db",
            "apply",
            "catalog",
            "project",
            "drift",
            "output",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every top-level module: `src/X.rs` or `src/X/`, except the crate roots.
fn top_level_modules() -> BTreeSet<String> {
    std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            let module = p.is_dir() || p.extension().is_some_and(|e| e == "rs");
            (module && name != "lib" && name != "main").then_some(name)
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a line names through `crate::`, including `use crate::{a, b::c}`.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                out.push(first_ident(part.trim()));
            }
        } else {
            out.push(first_ident(after));
        }
        rest = after;
    }
    out.retain(|m| !m.is_empty());
    out
}

fn first_ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Illegal imports as `file:line: X imports Y`, and modules with no line in STAGES.
fn violations() -> Vec<String> {
    let modules = top_level_modules();
    let mut problems = Vec::new();
    for m in &modules {
        let Some((_, allowed)) = STAGES.iter().find(|(name, _)| name == m) else {
            problems.push(format!(
                "src/{m}: a top-level module with no line in STAGES (tests/architecture.rs): say which stages it may import"
            ));
            continue;
        };
        let root = if src().join(m).is_dir() {
            src().join(m)
        } else {
            src().join(format!("{m}.rs"))
        };
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                // the unit tests at the end of a file are not part of the stage
                if line.trim() == "#[cfg(test)]"
                    && lines
                        .get(i + 1)
                        .is_some_and(|l| l.trim_start().starts_with("mod tests"))
                {
                    break;
                }
                for target in crate_paths(line) {
                    if &target == m || !modules.contains(&target) {
                        continue; // itself, or a crate-root item
                    }
                    if !allowed.contains(&target.as_str()) {
                        problems.push(format!(
                            "{}:{}: {m} imports {target}, which its STAGES line does not allow: {}",
                            f.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                                .unwrap_or(&f)
                                .display(),
                            i + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    for (name, _) in STAGES {
        if !modules.contains(*name) {
            problems.push(format!(
                "STAGES lists {name}, which is not a top-level module under src/"
            ));
        }
    }
    problems
}

#[test]
fn stages_import_only_what_the_map_allows() {
    let problems = violations();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_map_has_no_circles() {
    // depth-first search over the allowed edges: a stage may never reach itself
    fn reaches(from: &str, to: &str, seen: &mut Vec<String>) -> bool {
        let Some((_, allowed)) = STAGES.iter().find(|(n, _)| *n == from) else {
            return false;
        };
        for next in *allowed {
            if *next == to {
                return true;
            }
            if !seen.iter().any(|s| s == next) {
                seen.push(next.to_string());
                if reaches(next, to, seen) {
                    return true;
                }
            }
        }
        false
    }
    for (name, _) in STAGES {
        assert!(
            !reaches(name, name, &mut Vec::new()),
            "{name} can reach itself through the allowed imports of STAGES"
        );
    }
}

#[test]
fn the_scanner_sees_every_form_of_import() {
    assert_eq!(crate_paths("use crate::apply::split::x;"), ["apply"]);
    assert_eq!(
        crate_paths("use crate::{diff::Change, model::Model};"),
        ["diff", "model"]
    );
    assert_eq!(
        crate_paths("    let x = crate::render::f(crate::plan::P);"),
        ["render", "plan"]
    );
    assert!(crate_paths("// see crate::apply").is_empty());
}
