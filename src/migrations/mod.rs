//! migrations: the `migrations/` folder — `V<n>__<slug>.sql` files (refinery's naming),
//! generated, committed and append-only, plus `bmdb.lock`, which records the normalised
//! model state those files produce and each file's checksum.
//!
//! A project has one migrations line per dialect it targets: a project without
//! `environments:` has the one line `migrations/` (its lock `migrations/bmdb.lock`); a project
//! with environments has `migrations/<dialect>/` for each dialect its environments use, each
//! with its own lock, shared by every environment of that dialect. [`Line`] names one.
//!
//! Stage: may import model, diff, plan and render — it lays out what they produce
//! (`format_file`); apply builds on it, never the reverse (docs/architecture.md).
//!
//! The lock is JSON: it is read on every `bmdb plan`, and serde_json reads a 10,000-table
//! state several times faster than a YAML parser would.

use crate::model::{Database, Dialect, Model};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

pub const DIR: &str = "migrations";
pub const LOCK_FILE: &str = "bmdb.lock";
/// How every generated migration file begins; a file that does not is hand-written, and
/// apply checks its statements for destructive ones itself.
pub const GENERATED_HEADER: &str = "-- bmdb migration ";
const LOCK_VERSION: u32 = 1;

/// One migrations line: the folder of `V<n>__<name>.sql` files written for one dialect and
/// the lock beside them. Every reading and writing of migrations goes through a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The dialect whose SQL the line holds (for the single line of a project without
    /// environments: the dialect regions.yaml names; its lock says what the files hold).
    pub dialect: Dialect,
    /// The folder, relative to the project: `migrations` or `migrations/<dialect>`.
    pub rel: PathBuf,
    /// The folder on disk (the project directory joined with `rel`).
    pub dir: PathBuf,
}

impl Line {
    /// The one line of a project without `environments:`: `migrations/`.
    pub fn single(project: &Path, dialect: Dialect) -> Line {
        Line {
            dialect,
            rel: PathBuf::from(DIR),
            dir: project.join(DIR),
        }
    }

    /// The line of one dialect in a project with `environments:`: `migrations/<dialect>/`.
    pub fn of_dialect(project: &Path, dialect: Dialect) -> Line {
        let rel = Path::new(DIR).join(dialect.as_str());
        Line {
            dialect,
            dir: project.join(&rel),
            rel,
        }
    }

    /// `migrations/bmdb.lock` or `migrations/<dialect>/bmdb.lock`.
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// The folder as messages name it, relative to the project: `migrations`.
    pub fn name(&self) -> String {
        self.rel.display().to_string()
    }

    /// The lock as messages name it: `migrations/bmdb.lock`.
    pub fn lock_name(&self) -> String {
        self.rel.join(LOCK_FILE).display().to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    pub version: u32,
    pub migrations: Vec<LockedMigration>,
    /// The model state after every migration above has run.
    pub state: Model,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedMigration {
    pub version: u32,
    pub name: String,
    /// sha256 of the file's bytes, lower-case hex.
    pub checksum: String,
}

impl LockedMigration {
    pub fn file_name(&self) -> String {
        file_name(self.version, &self.name)
    }
}

/// A migration file found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub version: u32,
    pub name: String,
    pub path: PathBuf,
    pub checksum: String,
}

/// A version flag's value (clap's value parser): `V4` (as bmdb prints versions) or `4`.
pub fn parse_version_flag(raw: &str) -> Result<i64, String> {
    let digits = raw.trim().strip_prefix(['V', 'v']).unwrap_or(raw.trim());
    match digits.parse::<u32>() {
        Ok(v) if !digits.starts_with('+') => Ok(i64::from(v)),
        _ => Err("not a migration version: write it as V4 or 4".to_string()),
    }
}

pub fn file_name(version: u32, name: &str) -> String {
    format!("V{version}__{name}.sql")
}

pub fn checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A checksum as reports show it: its first 12 characters.
pub fn short_checksum(sum: &str) -> &str {
    sum.char_indices().nth(12).map_or(sum, |(i, _)| &sum[..i])
}

/// The version of the next migration: one past the last file on disk and the last one
/// the lock records.
pub fn next_version(files: &[MigrationFile], lock: Option<&Lock>) -> u32 {
    let last = files.last().map(|f| f.version).unwrap_or(0);
    let last_locked = lock
        .and_then(|l| l.migrations.last())
        .map(|m| m.version)
        .unwrap_or(0);
    last.max(last_locked) + 1
}

/// The state before any migration: an empty, single-region database of the project's
/// name and dialect.
pub fn empty_state(desired: &Database) -> Model {
    Model {
        database: Database {
            name: desired.name.clone(),
            dialect: desired.dialect,
            ..Database::default()
        },
        tables: Default::default(),
        roles: None,
        enums: Default::default(),
        views: Default::default(),
        sequences: Default::default(),
    }
}

/// Every `V<n>__<name>.sql` of the line, sorted by version: refinery-core does the walking
/// and the name parsing (refinery's naming rules), bmdb the checksum. An unversioned
/// `U<n>__` file or two files with one version are an error.
pub fn scan(line: &Line) -> Result<Vec<MigrationFile>> {
    let dir = &line.dir;
    let mut out: Vec<MigrationFile> = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let paths = refinery_core::find_migration_files(dir, refinery_core::MigrationType::Sql)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot list migrations in {}", dir.display()))?;
    for path in paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let (_, version, name) = refinery_core::parse_migration_name(&stem)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| {
                format!("{}: not a V<n>__<name>.sql migration name", path.display())
            })?;
        // refinery also accepts U<n>__ (unversioned); its Type enum is not exported
        if !stem.starts_with('V') {
            bail!(
                "{}: bmdb runs only versioned migrations (V<n>__<name>.sql)\n  help: rename the file",
                path.display()
            );
        }
        let version = u32::try_from(version)
            .with_context(|| format!("{}: a negative version", path.display()))?;
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        out.push(MigrationFile {
            version,
            name,
            path,
            checksum: checksum(&bytes),
        });
    }
    out.sort_by_key(|m| m.version);
    for pair in out.windows(2) {
        if pair[0].version == pair[1].version {
            bail!(
                "two migrations have version {}: {} and {}\n  help: versions are unique; rename one of them or remove it",
                pair[0].version,
                pair[0].path.display(),
                pair[1].path.display()
            );
        }
    }
    Ok(out)
}

/// The line's lock, or `None` when the line has no migrations yet.
pub fn read_lock(line: &Line) -> Result<Option<Lock>> {
    let path = line.lock_path();
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let lock: Lock = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a bmdb lock file\n  help: it is generated by `bmdb plan --write`; restore it from version control",
            path.display()
        )
    })?;
    if lock.version != LOCK_VERSION {
        bail!(
            "{} has lock version {}, this bmdb reads version {LOCK_VERSION}\n  help: use the bmdb release that wrote it",
            path.display(),
            lock.version
        );
    }
    Ok(Some(lock))
}

/// One way the migrations folder and its lock disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockMismatch {
    /// Recorded in the lock, no file on disk.
    Missing { locked: LockedMigration },
    /// On disk with another name or other bytes than the lock records.
    Edited {
        locked: LockedMigration,
        file: MigrationFile,
    },
    /// On disk, not recorded in the lock.
    Stray { file: MigrationFile },
}

impl LockMismatch {
    pub fn version(&self) -> u32 {
        match self {
            LockMismatch::Missing { locked } | LockMismatch::Edited { locked, .. } => {
                locked.version
            }
            LockMismatch::Stray { file } => file.version,
        }
    }

    /// The problem and what to do about it, as `refuse_mismatches` reports it, naming the
    /// files inside `line`.
    pub fn message(&self, line: &Line) -> String {
        let dir = line.name();
        let disk_name = |f: &MigrationFile| {
            f.path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        };
        match self {
            LockMismatch::Missing { locked } => format!(
                "{}/{} is recorded in {LOCK_FILE} but missing\n  help: restore it from version control; migrations are append-only",
                dir,
                locked.file_name()
            ),
            LockMismatch::Edited { locked, file } => format!(
                "{}/{} was edited after bmdb wrote it (lock checksum {}, file checksum {})\n  help: restore the file; if the edit is deliberate (a hand-written migration not yet applied), run `bmdb migrate hash`; to change the schema, edit the model and run `bmdb plan --write NAME`",
                dir,
                disk_name(file),
                short_checksum(&locked.checksum),
                short_checksum(&file.checksum)
            ),
            LockMismatch::Stray { file } => format!(
                "{}/{} is not recorded in {}\n  help: migrations are written by `bmdb plan --write NAME` or `bmdb migrate new NAME`; remove the stray file or restore the lock",
                dir,
                disk_name(file),
                line.lock_name()
            ),
        }
    }
}

/// The files on disk and every way they disagree with the lock, without failing on a
/// disagreement (`bmdb drift` reports them; other commands refuse through
/// `refuse_mismatches`). Fails only when the folder cannot be read.
pub fn compare_with_lock(
    line: &Line,
    lock: Option<&Lock>,
) -> Result<(Vec<MigrationFile>, Vec<LockMismatch>)> {
    let files = scan(line)?;
    let locked: &[LockedMigration] = lock.map(|l| l.migrations.as_slice()).unwrap_or(&[]);
    let mut problems = Vec::new();
    for m in locked {
        match files.iter().find(|f| f.version == m.version) {
            None => problems.push(LockMismatch::Missing { locked: m.clone() }),
            Some(f) if f.name != m.name || f.checksum != m.checksum => {
                problems.push(LockMismatch::Edited {
                    locked: m.clone(),
                    file: f.clone(),
                })
            }
            Some(_) => {}
        }
    }
    for f in &files {
        if !locked.iter().any(|m| m.version == f.version) {
            problems.push(LockMismatch::Stray { file: f.clone() });
        }
    }
    Ok((files, problems))
}

/// The migrations folder and the lock must tell one story: the state in the lock is only
/// the truth if every file it lists is there, unedited, and no other file is. Fails,
/// naming every disagreement, when they do not.
pub fn refuse_mismatches(line: &Line, problems: &[LockMismatch]) -> Result<()> {
    if !problems.is_empty() {
        let problems: Vec<String> = problems.iter().map(|p| p.message(line)).collect();
        bail!(
            "the migrations folder does not match its lock:\n{}",
            problems.join("\n")
        );
    }
    Ok(())
}

/// A `--write` name becomes the file's slug: lower-case letters, digits and `_`.
pub fn slug(name: &str) -> Result<String> {
    let s: String = name
        .trim()
        .chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'a'..='z' | '0'..='9' | '_' => c,
            ' ' | '-' | '.' => '_',
            _ => '\u{0}',
        })
        .collect();
    if s.is_empty() || s.contains('\u{0}') || s.len() > 100 {
        bail!(
            "--write {name:?}: a migration name uses letters, digits, '_', '-' or spaces (at most 100)\n  help: for example `--write add_player_nickname`"
        );
    }
    Ok(s)
}

/// Write `V<next>__<slug>.sql` and the new lock. The file goes first and the lock last,
/// each through a temporary file and a rename, so an interrupted write leaves the old lock
/// (and `refuse_mismatches` names the stray file).
pub fn write(
    line: &Line,
    lock: Option<&Lock>,
    slug: &str,
    sql: &str,
    new_state: &Model,
) -> Result<PathBuf> {
    let version = next_version(&scan(line)?, lock);
    let dir = &line.dir;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(file_name(version, slug));
    write_atomic(&path, sql.as_bytes())?;
    // what `bmdb migrate rm` needs to take this step back: the state before it
    let before = match lock {
        Some(l) => l.state.clone(),
        None => empty_state(&new_state.database),
    };
    write_undo(line, version, before)?;
    let mut migrations = lock.map(|l| l.migrations.clone()).unwrap_or_default();
    migrations.push(LockedMigration {
        version,
        name: slug.to_string(),
        checksum: checksum(sql.as_bytes()),
    });
    write_lock(line, migrations, new_state.clone())?;
    Ok(path)
}

/// Beside the lock, the model state from before the latest migration, so `bmdb migrate rm`
/// can take that step back. It lives in its own file (`bmdb.undo.json`) rather than in the
/// lock, which every `bmdb plan` reads: a second 10,000-table state there would double that.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undo {
    /// The migration this undoes (the latest when it was written).
    pub version: u32,
    /// The lock's state before that migration.
    pub state: Model,
}

pub const UNDO_FILE: &str = "bmdb.undo.json";

fn write_undo(line: &Line, version: u32, state: Model) -> Result<()> {
    let mut text = serde_json::to_string(&Undo { version, state })?;
    text.push('\n');
    write_atomic(&line.dir.join(UNDO_FILE), text.as_bytes())
}

/// The undo record of the line, if there is one.
pub fn read_undo(line: &Line) -> Result<Option<Undo>> {
    let path = line.dir.join(UNDO_FILE);
    match fs::read_to_string(&path) {
        Ok(t) => serde_json::from_str(&t).map(Some).with_context(|| {
            format!(
                "{} is not a bmdb undo record\n  help: restore it from version control",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Take back the latest migration `version` of the line: its file goes, the lock loses its
/// entry and gets back the state from before it (from the undo record, which is then spent).
/// The lock is written first, so an interruption leaves a stray file `refuse_mismatches`
/// names, never a lock whose state includes a step that is gone.
pub fn remove_latest(
    line: &Line,
    lock: &Lock,
    files: &[MigrationFile],
    version: u32,
) -> Result<PathBuf> {
    let Some(last) = lock.migrations.last() else {
        bail!(
            "{} records no migration: nothing to remove",
            line.lock_name()
        );
    };
    if last.version != version {
        bail!(
            "V{version} is not the latest migration of {} (V{} is)\n  help: migrations are removed newest first; `bmdb migrate rm` removes V{}",
            line.name(),
            last.version,
            last.version
        );
    }
    let undo = read_undo(line)?.filter(|u| u.version == version);
    let Some(undo) = undo else {
        bail!(
            "{}/{UNDO_FILE} holds no state from before V{version}, so the lock cannot be taken back a step\n  help: restore migrations/ from version control as it was before V{version} was written",
            line.name()
        );
    };
    let path = files
        .iter()
        .find(|f| f.version == version)
        .map(|f| f.path.clone())
        .unwrap_or_else(|| line.dir.join(last.file_name()));
    let mut migrations = lock.migrations.clone();
    migrations.pop();
    write_lock(line, migrations, undo.state)?;
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
    fs::remove_file(line.dir.join(UNDO_FILE))
        .with_context(|| format!("cannot remove {}/{UNDO_FILE}", line.name()))?;
    Ok(path)
}

/// Write the line's lock (through a temporary file and a rename).
pub fn write_lock(line: &Line, migrations: Vec<LockedMigration>, state: Model) -> Result<()> {
    let new_lock = Lock {
        version: LOCK_VERSION,
        migrations,
        state,
    };
    let mut text = serde_json::to_string_pretty(&new_lock)?;
    text.push('\n');
    write_atomic(&line.lock_path(), text.as_bytes())
}

/// The text of a new hand-written migration (`bmdb migrate new`): comments only, so it
/// runs as nothing until statements are written into it.
pub fn hand_written_template(version_name: &str, dialect: Dialect) -> String {
    format!(
        "-- Hand-written migration {} ({} dialect), created by `bmdb migrate new`.\n\
         -- Write its statements below, then run `bmdb migrate hash` to record its checksum.\n\
         -- bmdb checks them for DROP, TRUNCATE, ALTER ... DROP and DELETE or UPDATE without\n\
         -- WHERE: those need `bmdb apply --allow-destructive`.\n",
        comment_text(version_name),
        dialect.as_str()
    )
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp~");
    fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `s` made safe to write after `--` or inside `/* */` in SQL text: control characters
/// (newlines, carriage returns, tabs, NUL, DEL, C1) and the Unicode line and paragraph
/// separators become visible escapes such as `\n` or `\u{7f}`, and `*/` becomes `*\/`, so a
/// comment can never end early and nothing after it can become a statement. Every name,
/// label or message bmdb puts in a SQL comment goes through here.
pub fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = '\0';
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '/' if prev == '*' => out.push_str("\\/"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
        prev = c;
    }
    out
}

/// How a step header names its hazards: `-- step 3: add_column players.x [hazard: backfill]`.
const HAZARD_TAG: &str = " [hazard: ";

/// The hazards a migration's step headers name, one entry per step that has any:
/// `step 3: add_column players.x: backfill` (apply's review shows them).
pub fn step_hazards(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("-- "))
        .filter(|l| l.starts_with("step "))
        .filter_map(|l| {
            let (head, rest) = l.rsplit_once(HAZARD_TAG)?;
            Some(format!("{head}: {}", rest.strip_suffix(']')?))
        })
        .collect()
}

/// The text of a migration file: a header, then each step as comment lines (kind, object,
/// hazards; `-- destructive:` lines are what `bmdb apply` checks before running) and its
/// statements, each ending with `;` at the end of a line.
pub fn format_file(
    version_name: &str,
    dialect: crate::model::Dialect,
    plan: &crate::plan::Plan,
    rendered: &crate::render::RenderedPlan,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{GENERATED_HEADER}{} ({} dialect)",
        comment_text(version_name),
        dialect.as_str()
    );
    let _ = writeln!(
        out,
        "-- Generated by `bmdb plan --write`; do not edit: bmdb.lock records its checksum."
    );
    if let Some(line) = rendered.left_out_line() {
        let _ = writeln!(out, "-- {}", comment_text(&line));
    }
    if !rendered.preamble.is_empty() {
        out.push('\n');
        for s in &rendered.preamble {
            let _ = writeln!(out, "{}", s.trim_end());
        }
    }
    for (i, (step, r)) in plan.steps.iter().zip(&rendered.steps).enumerate() {
        out.push('\n');
        let hz: Vec<&str> = step.hazards.iter().map(|h| h.id).collect();
        let _ = write!(
            out,
            "-- step {}: {} {}",
            i + 1,
            step.change.kind(),
            comment_text(&step.change.object())
        );
        if !hz.is_empty() {
            let _ = write!(out, "{HAZARD_TAG}{}]", hz.join(", "));
        }
        out.push('\n');
        for h in step.hazards.iter().filter(|h| h.destructive) {
            let _ = writeln!(
                out,
                "-- destructive: {} {}",
                h.id,
                comment_text(&step.change.object())
            );
        }
        if r.statements.is_empty() {
            let _ = writeln!(
                out,
                "-- (nothing to run in the {} dialect)",
                dialect.as_str()
            );
        }
        for s in &r.statements {
            let _ = writeln!(out, "{}", s.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_hazards_reads_what_format_file_writes() {
        let text = "-- step 1: create_table a\nCREATE TABLE a ();\n\n-- step 2: add_column a.b [hazard: backfill, table-rewrite]\nALTER TABLE a ADD b INT;\n";
        assert_eq!(
            step_hazards(text),
            vec!["step 2: add_column a.b: backfill, table-rewrite".to_string()]
        );
    }

    #[test]
    fn comment_text_leaves_no_way_out_of_a_comment() {
        assert_eq!(comment_text("players.note"), "players.note");
        assert_eq!(
            comment_text("a\nDROP TABLE accounts;--"),
            "a\\nDROP TABLE accounts;--"
        );
        assert_eq!(
            comment_text("x\r\t\0\u{7f}\u{85}\u{2028}\u{2029}*/y"),
            "x\\r\\t\\u{0}\\u{7f}\\u{85}\\u{2028}\\u{2029}*\\/y"
        );
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            let out = comment_text(&format!("a{c}b"));
            assert_eq!(out.lines().count(), 1, "U+{:04X}", c as u32);
            assert!(!out.chars().any(|c| c.is_control()), "U+{:04X}", c as u32);
        }
    }

    /// A name that slipped past the loader still cannot put a statement on a line of its
    /// own in a migration's comment headers.
    #[test]
    fn no_comment_line_of_a_migration_carries_a_newline() {
        use crate::model::{Column, Table};
        let evil = "a\nDROP TABLE accounts;--".to_string();
        let mut desired = Model::default();
        desired.database.name = "shop".into();
        desired.tables.insert(
            evil.clone(),
            Table {
                name: evil,
                columns: vec![Column {
                    name: "id\nDELETE FROM x;".into(),
                    ty: "INT8".into(),
                    nullable: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        );
        let current = Model {
            database: desired.database.clone(),
            ..Default::default()
        };
        let changes = crate::diff::diff(&current, &desired);
        let plan = crate::plan::plan(&current, &desired, changes);
        let rendered = crate::render::Renderer::new(None)
            .unwrap()
            .render_plan(
                &plan,
                &crate::render::RenderContext {
                    dialect: crate::model::Dialect::Cockroach,
                    database: "shop".into(),
                    multi_region: false,
                    postgis_needed: false,
                },
            )
            .unwrap();
        let text = format_file("V1__x", crate::model::Dialect::Cockroach, &plan, &rendered);
        assert!(
            text.contains("-- step 1: create_table a\\nDROP TABLE accounts;--"),
            "{text}"
        );
        // Outside quoted identifiers ("" toggles twice), no statement the model did not ask for.
        let statements: Vec<&str> = text.lines().filter(|l| !l.starts_with("--")).collect();
        let statements = statements.join("\n");
        let unquoted: String = statements.split('"').step_by(2).collect();
        assert!(!unquoted.contains("DROP TABLE"), "{text}");
        assert!(!unquoted.contains("DELETE"), "{text}");
        for line in text.lines().filter(|l| l.starts_with("--")) {
            assert!(!line.contains('\r'), "{line}");
        }
    }

    #[test]
    fn scan_finds_versioned_sql_files_only_in_version_order() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join(DIR);
        fs::create_dir(&m).unwrap();
        for (name, text) in [
            ("V12__add_nickname.sql", "SELECT 12;\n"),
            (file_name(3, "init").as_str(), "SELECT 3;\n"),
            ("bmdb.lock", "{}"),
            ("README.md", "notes"),
            ("V1__a.sql.bak", "old"),
            ("v1__lower.sql", "SELECT 1;"),
        ] {
            fs::write(m.join(name), text).unwrap();
        }
        let line = Line::single(dir.path(), Dialect::Cockroach);
        let got = scan(&line).unwrap();
        let names: Vec<(u32, &str)> = got.iter().map(|f| (f.version, f.name.as_str())).collect();
        assert_eq!(names, vec![(3, "init"), (12, "add_nickname")]);
        assert_eq!(got[0].checksum, checksum(b"SELECT 3;\n"));
        fs::write(m.join("U4__unversioned.sql"), "SELECT 4;").unwrap();
        let err = scan(&line).unwrap_err().to_string();
        assert!(err.contains("only versioned migrations"), "{err}");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Add player-nickname").unwrap(), "add_player_nickname");
        assert!(slug("").is_err());
        assert!(slug("drop;table").is_err());
        assert!(slug("../etc").is_err());
    }

    /// A line of one dialect lives in its own folder with its own lock, and names it.
    #[test]
    fn a_dialect_line_keeps_its_files_and_lock_in_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        let pg = Line::of_dialect(dir.path(), Dialect::Postgres);
        let crdb = Line::of_dialect(dir.path(), Dialect::Cockroach);
        assert_eq!(pg.name(), "migrations/postgres");
        assert_eq!(crdb.lock_name(), "migrations/cockroach/bmdb.lock");
        let state = Model::default();
        let p = write(&pg, None, "init", "SELECT 1;\n", &state).unwrap();
        assert!(p.ends_with("migrations/postgres/V1__init.sql"), "{p:?}");
        assert!(dir.path().join("migrations/postgres/bmdb.lock").is_file());
        assert!(read_lock(&crdb).unwrap().is_none());
        assert!(scan(&crdb).unwrap().is_empty());
        let lock = read_lock(&pg).unwrap();
        assert_eq!(check_consistency(&pg, lock.as_ref()).unwrap().len(), 1);
        fs::create_dir_all(&crdb.dir).unwrap();
        fs::write(crdb.dir.join("V1__stray.sql"), "SELECT 1;").unwrap();
        let err = check_consistency(&crdb, None).unwrap_err().to_string();
        assert!(
            err.contains("migrations/cockroach/V1__stray.sql is not recorded in migrations/cockroach/bmdb.lock"),
            "{err}"
        );
    }

    fn check_consistency(line: &Line, lock: Option<&Lock>) -> Result<Vec<MigrationFile>> {
        let (files, problems) = compare_with_lock(line, lock)?;
        refuse_mismatches(line, &problems)?;
        Ok(files)
    }

    #[test]
    fn write_then_check_then_tamper() {
        let dir = tempfile::tempdir().unwrap();
        let state = Model::default();
        let line = &Line::single(dir.path(), Dialect::Cockroach);
        let p1 = write(line, None, "init", "SELECT 1;\n", &state).unwrap();
        assert!(p1.ends_with("migrations/V1__init.sql"));
        let lock = read_lock(line).unwrap().unwrap();
        assert_eq!(lock.migrations.len(), 1);
        check_consistency(line, Some(&lock)).unwrap();
        let p2 = write(line, Some(&lock), "second", "SELECT 2;\n", &state).unwrap();
        assert!(p2.ends_with("V2__second.sql"));
        let lock = read_lock(line).unwrap().unwrap();
        fs::write(&p1, "SELECT 3;\n").unwrap();
        let (_, found) = compare_with_lock(line, Some(&lock)).unwrap();
        assert!(
            matches!(&found[..], [LockMismatch::Edited { locked, file }]
                if locked.version == 1 && file.checksum == checksum(b"SELECT 3;\n")
                    && locked.checksum == checksum(b"SELECT 1;\n")),
            "{found:?}"
        );
        let err = check_consistency(line, Some(&lock))
            .unwrap_err()
            .to_string();
        assert!(err.contains("V1__init.sql was edited"), "{err}");
        fs::remove_file(&p2).unwrap();
        let err = check_consistency(line, Some(&lock))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("V2__second.sql is recorded") && err.contains("missing"),
            "{err}"
        );
    }
}
