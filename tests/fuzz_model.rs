//! Property-based fuzzing of the loader and planner on the bundled BlueMarble project:
//! byte flips, truncations, deleted and repeated lines and hostile YAML fragments spliced
//! into regions.yaml and schema/*.yaml. A seeded PRNG (xorshift64*) keeps every run the
//! same and a failure reproducible (`BMDB_FUZZ_SEED`, `BMDB_FUZZ_CASES`); no crate needed.
//!
//! Properties: the loader never panics; every problem it reports has a relative file, a
//! line and column >= 1 and a help line; a model it accepts can be diffed, planned (against
//! the committed lock and against nothing) and rendered without a panic. A sample of cases
//! also runs the real binary (`bmdb validate`): exit 0 or 1, never 101 or "panicked", and
//! exit 1 comes with `file:line:col: error[...]`.

use std::path::{Path, PathBuf};

#[path = "common/rng.rs"]
mod rng;
use rng::{env_or, Rng};

/// Fragments that have broken YAML readers or model checks somewhere.
const FRAGMENTS: &[&str] = &[
    "&a [*a, *a]",
    "*missing",
    "- ",
    "- - - - x",
    "{",
    "}",
    "[",
    "]",
    ": ",
    ":",
    "\t",
    "---\n",
    "? ",
    "!!binary aGVsbG8=",
    "!custom",
    "'",
    "\"",
    "\u{2028}",
    "\0",
    "\u{7f}",
    "\u{85}",
    "%YAML 1.2\n",
    "<<: *a",
    "&x",
    "|\n  a\n",
    ">-\n",
    "# ",
    "ñ",
    "🦀",
    "\r\n",
    "\r",
    "2147483648",
    "4294967296",
    "-1",
    "-9223372036854775808",
    "99999999999999999999",
    "1e999",
    ".nan",
    "0x10",
    "~",
    "null",
    "true",
    "\"\\u0000\"",
    "\"\\n\"",
    "num_replicas: 4294967295",
    "num_voters: 0",
    "gc.ttlseconds: 99999999999",
    "constraints: {+region=a: 4294967295, +region=b: 2}",
    "range_max_bytes: 1",
    "renamed_from: player_id",
    "renamed_from: ''",
    "primary_key: []",
    "primary_key: [nope]",
    "type: DECIMAL(99999999999,2)",
    "type: VARCHAR(0)",
    "type: \"INT8[]\"",
    "type: GEOGRAPHY(POINT,4326",
    "locality: regional_by_row",
    "locality: {regional_by_row: nope}",
    "locality: {global: x}",
    "zone: {}",
    "zone: []",
    "zone: {num_replicas: 5, constraints: {+region=x: 9}}",
    "columns: *a",
    "columns: {}",
    "columns: [{}]",
    "columns: [{name: a}]",
    "indexes: [{columns: []}]",
    "indexes: [{columns: [{column: x, desc: maybe}]}]",
    "sharded: {buckets: 99999999999}",
    "foreign_keys: [{columns: [a], references: {table: x, columns: []}}]",
    "checks: [{expr: \"1; DROP TABLE x\"}]",
    "default: \"1; DELETE FROM x\"",
    "where: \"(\"",
    "ttl: {expire_after: nope}",
    "ttl: {expiration_expression: \"(\", job_cron: \"* *\", select_batch_size: -1}",
    "families: [{name: f, columns: [id, id, nope]}, {columns: []}, 7]",
    "super_regions: {s: [us-west-2, us-west-2]}",
    "regions: []",
    "primary_region: nowhere",
    "dialect: postgres",
    "survival_goal: region",
    "table: \"a\\nDROP TABLE accounts;--\"",
    "name: \"x\\ty\"",
    "table: ''",
    "expectations: {stale_reads: 99999999999999999d}",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn files(dir: &Path, under: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir.join(under)).unwrap().flatten() {
        let rel = under.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            files(dir, &rel, out);
        } else {
            out.push(rel);
        }
    }
}

/// One mutation of `text`, and a description of it for the failure message.
fn mutate(rng: &mut Rng, text: &[u8]) -> (Vec<u8>, String) {
    let mut out = text.to_vec();
    let at = rng.below(out.len() + 1);
    match rng.below(7) {
        0 => {
            let n = 1 + rng.below(4);
            for _ in 0..n {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    out[i] ^= 1 << rng.below(8);
                }
            }
            (out, format!("{n} bit flips"))
        }
        1 => {
            out.truncate(at);
            (out, format!("truncated at byte {at}"))
        }
        2 | 3 => {
            let f = FRAGMENTS[rng.below(FRAGMENTS.len())];
            // At a line start (a new key or item) or anywhere.
            let at = if rng.below(2) == 0 {
                out[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1)
            } else {
                at
            };
            let indent = " ".repeat(rng.below(3) * 2);
            let piece = format!("{indent}{f}\n");
            out.splice(at..at, piece.bytes());
            (out, format!("spliced {f:?} at byte {at}"))
        }
        4 => {
            let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
            let i = rng.below(lines.len());
            let kept: Vec<&[u8]> = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect();
            (kept.join(&b'\n'), format!("deleted line {}", i + 1))
        }
        5 => {
            let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
            let i = rng.below(lines.len());
            let mut v: Vec<&[u8]> = lines.clone();
            v.insert(i, lines[i]);
            (v.join(&b'\n'), format!("repeated line {}", i + 1))
        }
        _ => {
            let b = [
                b'"', b'\'', b'[', b'{', b':', b'&', b'*', b'\t', b'-', b'#', 0xff, 0xc3,
            ][rng.below(12)];
            out.insert(at, b);
            (out, format!("inserted byte {b:#x} at {at}"))
        }
    }
}

/// The properties for the project in `dir`; an error names what broke.
/// `Ok(true)` when the loader refused the project (with well-formed problems).
fn check_library(
    dir: &Path,
    lock: &Option<bmdb::migrations::Lock>,
    renderer: &bmdb::render::Renderer,
) -> Result<bool, String> {
    let loaded = std::panic::catch_unwind(|| bmdb::model::load_project(dir))
        .map_err(|_| "load_project panicked".to_string())?;
    match loaded {
        Err(d) => {
            if d.0.is_empty() {
                return Err("Err with no problem".into());
            }
            for x in &d.0 {
                if x.line < 1 || x.col < 1 || x.help.is_none() || !x.file.is_relative() {
                    return Err(format!("malformed problem: {x}"));
                }
            }
            Ok(true)
        }
        Ok(model) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let ctx = bmdb::render::RenderContext {
                dialect: model.database.dialect,
                database: model.database.name.clone(),
                multi_region: model.database.is_multi_region(),
                postgis_needed: true,
            };
            let empty = bmdb::migrations::empty_state(&model.database);
            let mut currents = vec![empty];
            if let Some(l) = lock {
                currents.push(l.state.clone());
            }
            for current in &currents {
                let _ = bmdb::diff::refusals(current, &model, bmdb::diff::Against::Migrations);
                let changes = bmdb::diff::diff(current, &model);
                if let Ok(plan) = bmdb::plan::checked_plan(current, &model, changes) {
                    let _ = renderer.render_plan(&plan, &ctx);
                }
            }
        }))
        .map(|()| false)
        .map_err(|_| "diff, plan or render panicked on a model the loader accepted".to_string()),
    }
}

fn check_binary(dir: &Path) -> Result<(), String> {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("--project")
        .arg(dir)
        .arg("validate")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    match o.status.code() {
        Some(0) => Ok(()),
        Some(1) if !stderr.contains("panicked") && has_position(&stderr) => Ok(()),
        code => Err(format!("bmdb validate: exit {code:?}\n{stderr}")),
    }
}

/// A `file:line:col: error[` line.
fn has_position(s: &str) -> bool {
    s.lines().any(|l| {
        let Some((head, _)) = l.split_once(": error[") else {
            return false;
        };
        let parts: Vec<&str> = head.rsplitn(3, ':').collect();
        parts.len() == 3 && parts[0].parse::<usize>().is_ok() && parts[1].parse::<usize>().is_ok()
    })
}

#[test]
fn mutated_bluemarble_files_never_panic_and_always_point_at_a_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed: u64 = env_or("BMDB_FUZZ_SEED", 0x5eed_b1de_ba11_2026);
    let cases: usize = env_or("BMDB_FUZZ_CASES", 3000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::copy(root.join("regions.yaml"), dir.join("regions.yaml")).unwrap();
    copy_dir(&root.join("schema"), &dir.join("schema"));
    let lock = bmdb::migrations::read_lock(&bmdb::migrations::Line::of_dialect(
        root,
        bmdb::model::Dialect::Cockroach,
    ))
    .unwrap();
    let mut targets = vec![PathBuf::from("regions.yaml")];
    files(dir, Path::new("schema"), &mut targets);
    targets.sort();
    let originals: Vec<Vec<u8>> = targets
        .iter()
        .map(|t| std::fs::read(dir.join(t)).unwrap())
        .collect();
    assert!(
        bmdb::model::load_project(dir).is_ok(),
        "the bundled project must load"
    );

    let renderer = bmdb::render::Renderer::new(None).unwrap();
    let mut rng = Rng(seed | 1);
    let (mut refused, mut failures) = (0usize, Vec::new());
    // Quiet the default hook: caught panics are reported below, with the case that made them.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..cases {
        let i = rng.below(targets.len());
        let (mut text, mut what) = mutate(&mut rng, &originals[i]);
        // Sometimes a second mutation of the same file.
        if rng.below(4) == 0 {
            let (t, w) = mutate(&mut rng, &text);
            text = t;
            what = format!("{what}, then {w}");
        }
        std::fs::write(dir.join(&targets[i]), &text).unwrap();
        let result = check_library(dir, &lock, &renderer).and_then(|was_refused| {
            refused += usize::from(was_refused);
            if case % 25 == 0 {
                check_binary(dir)
            } else {
                Ok(())
            }
        });
        if let Err(e) = result {
            failures.push(format!(
                "case {case} ({}: {what}): {e}\n--- file ---\n{}",
                targets[i].display(),
                String::from_utf8_lossy(&text)
            ));
        }
        std::fs::write(dir.join(&targets[i]), &originals[i]).unwrap();
    }
    std::panic::set_hook(hook);
    eprintln!("{cases} cases (seed {seed:#x}): {refused} refused with positions, {} accepted, {} failures", cases - refused, failures.len());
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // The mutations must reach the checks, not only the YAML reader.
    assert!(
        refused > cases / 4 && refused < cases,
        "{refused} of {cases} refused"
    );
}

/// Keys the loader knows, so random documents reach the model checks, not only the reader.
const KEYS: &[&str] = &[
    "table",
    "columns",
    "name",
    "type",
    "nullable",
    "default",
    "comment",
    "primary_key",
    "indexes",
    "unique",
    "using",
    "storing",
    "where",
    "sharded",
    "foreign_keys",
    "references",
    "on_delete",
    "on_update",
    "checks",
    "expr",
    "locality",
    "zone",
    "ttl",
    "renamed_from",
    "column",
    "desc",
    "regional_by_row",
    "global",
    "expire_after",
    "families",
    "job_cron",
    "num_replicas",
];

const SCALARS: &[&str] = &[
    "players",
    "id",
    "INT8",
    "STRING",
    "UUID",
    "VARCHAR(3)",
    "SERIAL",
    "true",
    "false",
    "0",
    "-1",
    "4294967296",
    "''",
    "\"\"",
    "~",
    "cascade",
    "btree",
    "gin",
    "now()",
    "a > 0",
    "\"1; DROP TABLE x\"",
    "\"(\"",
    "regional_by_row",
    "global",
    "10m",
    "us-east1",
    "ñ",
];

/// A random YAML value of bounded depth, in block or flow style.
fn random_value(rng: &mut Rng, depth: usize, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match if depth == 0 { 0 } else { rng.below(5) } {
        0 | 1 => {
            let s = if rng.below(6) == 0 {
                FRAGMENTS[rng.below(FRAGMENTS.len())]
            } else {
                SCALARS[rng.below(SCALARS.len())]
            };
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        2 => {
            out.push('\n');
            for _ in 0..rng.below(4) {
                out.push_str(&pad);
                out.push('-');
                random_value(rng, depth - 1, indent + 2, out);
            }
        }
        3 => {
            out.push('\n');
            for _ in 0..rng.below(5) {
                out.push_str(&pad);
                out.push_str(KEYS[rng.below(KEYS.len())]);
                out.push(':');
                random_value(rng, depth - 1, indent + 2, out);
            }
        }
        _ => {
            let items: Vec<String> = (0..rng.below(4))
                .map(|_| {
                    let k = KEYS[rng.below(KEYS.len())];
                    let v = SCALARS[rng.below(SCALARS.len())];
                    format!("{k}: {v}")
                })
                .collect();
            out.push_str(&format!(" {{{}}}\n", items.join(", ")));
        }
    }
}

/// Whole random table files (keys of the model, random shapes and values), not mutations of
/// a valid one: the loader never panics and every refusal points at file:line:col with help.
#[test]
fn random_table_files_never_panic_and_always_point_at_a_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed: u64 = std::env::var("BMDB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0dd_5eed_2026);
    let cases: usize = std::env::var("BMDB_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::copy(root.join("regions.yaml"), dir.join("regions.yaml")).unwrap();
    copy_dir(&root.join("schema"), &dir.join("schema"));
    let renderer = bmdb::render::Renderer::new(None).unwrap();
    let target = dir.join("schema/zz_random.yaml");
    let mut rng = Rng(seed | 1);
    let (mut refused, mut failures) = (0usize, Vec::new());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..cases {
        let mut text = format!("table: random_{case}\n");
        for _ in 0..1 + rng.below(6) {
            text.push_str(KEYS[rng.below(KEYS.len())]);
            text.push(':');
            random_value(&mut rng, 3, 2, &mut text);
        }
        std::fs::write(&target, &text).unwrap();
        let result = check_library(dir, &None, &renderer).and_then(|was_refused| {
            refused += usize::from(was_refused);
            if case % 50 == 0 {
                check_binary(dir)
            } else {
                Ok(())
            }
        });
        if let Err(e) = result {
            failures.push(format!("case {case}: {e}\n--- file ---\n{text}"));
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "{cases} random files (seed {seed:#x}): {refused} refused, {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // Random files are almost always refused; the point is that every refusal is well formed.
    assert!(refused > cases / 2, "{refused} of {cases} refused");
}
