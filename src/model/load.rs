//! Loading a project: reads regions.yaml and every schema/**/*.yaml into the typed,
//! normalised `Model`, remembering where each element came from, then runs the
//! validator. Every problem in every file is reported at once.

use super::diagnostic::{Diagnostic, Diagnostics};
use super::environment::{self, Environments};
use super::normalize::{
    canonical_type, did_you_mean, fit_identifier, generated_name, parse_duration, KNOWN_TYPES,
    TYPE_NAMES,
};
use super::read::{get, key_pos, Cx, Origins};
use super::types::*;
use super::validate;
use super::yaml::{self, Node, NodeKind, Pos};
use super::zone::{read_zone, ZoneCx};
use std::path::{Path, PathBuf};

/// A loaded model with the positions the validator needs.
pub struct Loaded {
    pub model: Model,
    pub origins: Origins,
    /// Some schema file could not be read, so a reference to an unknown table may be a false alarm.
    pub incomplete: bool,
    /// regions.yaml loaded well enough for database-level checks.
    pub database_ok: bool,
    /// regions.yaml's `environments:`, and the one the model was loaded for.
    pub environments: Environments,
}

/// Loads, validates and normalises the project in `dir` (for its default environment, when
/// it declares environments).
pub fn load_project(dir: &Path) -> Result<Model, Diagnostics> {
    load_project_for(dir, None).map(|(model, _)| model)
}

/// Loads, validates and normalises the project in `dir` for the environment `env` (`--env`;
/// `None`: `default_environment:`, else the first declared): the model in that
/// environment's dialect, and the environments regions.yaml declares.
pub fn load_project_for(
    dir: &Path,
    env: Option<&str>,
) -> Result<(Model, Environments), Diagnostics> {
    load_project_with(dir, env, |_| {})
}

/// `load_project_for`, calling `on_environments` as soon as regions.yaml is read (before the
/// schema files), so a caller can start work that depends only on the environment, such as
/// reading the migrations line's lock, while the tables load.
pub fn load_project_with(
    dir: &Path,
    env: Option<&str>,
    mut on_environments: impl FnMut(&Environments),
) -> Result<(Model, Environments), Diagnostics> {
    let mut diags = Vec::new();
    let loaded = load_with(dir, env, &mut diags, &mut on_environments);
    validate::validate(&loaded, &mut diags);
    if diags.is_empty() {
        return Ok((loaded.model, loaded.environments));
    }
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.check, &a.message)
            .cmp(&(&b.file, b.line, b.col, b.check, &b.message))
    });
    diags.dedup();
    Err(Diagnostics(diags))
}

/// regions.yaml's `environments:` alone, with the one selected for `env` (see
/// `load_project_for`): what a command needs to choose its URL and its migrations line
/// before (or without) loading the tables. Fails with regions.yaml's problems.
pub fn read_environments(dir: &Path, env: Option<&str>) -> Result<Environments, Diagnostics> {
    let mut diags = Vec::new();
    let (_, _, environments) = read_regions_file(dir, env, &mut diags, &mut Origins::default());
    if diags.is_empty() {
        Ok(environments)
    } else {
        Err(Diagnostics(diags))
    }
}

/// The schema file (relative to `dir`) that defines `table`, for commands that edit the
/// model in place (`bmdb zones set`).
pub fn table_file(dir: &Path, table: &str) -> Option<PathBuf> {
    let loaded = load(dir, None, &mut Vec::new());
    loaded.origins.get(&["table", table]).map(|(file, _)| file)
}

pub const REGIONS_KEYS: &[&str] = &[
    "database",
    "dialect",
    "primary_region",
    "regions",
    "survival_goal",
    "placement",
    "secondary_region",
    "super_regions",
    "zones",
    "zone_extensions",
    "expectations",
    "cockroach_version",
    "environments",
    "default_environment",
    "ignore",
    "schemas",
];
const RANGE_NAMES: &[&str] = &[
    "default",
    "meta",
    "liveness",
    "system",
    "timeseries",
    "tenants",
];
pub const TABLE_KEYS: &[&str] = &[
    "table",
    "schema",
    "comment",
    "locality",
    "columns",
    "primary_key",
    "unique",
    "indexes",
    "foreign_keys",
    "checks",
    "families",
    "ttl",
    "zone",
    "primary_key_zone",
];
pub const COLUMN_KEYS: &[&str] = &[
    "name",
    "type",
    "nullable",
    "default",
    "comment",
    "renamed_from",
    "as_written",
    "identity",
    "computed",
    "collate",
];
pub const COMPUTED_KEYS: &[&str] = &["expr", "virtual"];
pub const IDENTITY_KEYS: &[&str] = &["generated", "start", "increment", "min_value", "max_value"];
pub const INDEX_KEYS: &[&str] = &[
    "name", "columns", "unique", "using", "sharded", "storing", "where", "zone", "comment",
];
pub const FK_KEYS: &[&str] = &[
    "name",
    "columns",
    "references",
    "on_delete",
    "on_update",
    "match",
    "deferrable",
    "initially_deferred",
    "comment",
];
pub const UNIQUE_KEYS: &[&str] = &["name", "columns", "nulls_not_distinct", "comment"];
pub const CHECK_KEYS: &[&str] = &["name", "expr", "comment"];
pub const INDEX_COLUMN_KEYS: &[&str] = &["column", "desc", "nulls", "opclass"];
const FK_ACTIONS: &[&str] = &[
    "no_action",
    "restrict",
    "cascade",
    "set_null",
    "set_default",
];

/// Reads every file for the environment `env` (see `load_project_for`); findings go to
/// `diags`.
pub fn load(dir: &Path, env: Option<&str>, diags: &mut Vec<Diagnostic>) -> Loaded {
    load_with(dir, env, diags, &mut |_| {})
}

fn load_with(
    dir: &Path,
    env: Option<&str>,
    diags: &mut Vec<Diagnostic>,
    on_environments: &mut dyn FnMut(&Environments),
) -> Loaded {
    let mut origins = Origins::default();
    let (mut database, database_ok, environments) =
        read_regions_file(dir, env, diags, &mut origins);
    database.backup_schedules =
        super::backups::read_backups_file(dir, &database, diags, &mut origins);
    on_environments(&environments);
    let mut pending_grants = super::roles::PendingGrants::default();
    let roles = super::roles::read_roles_file(
        dir,
        database.dialect,
        diags,
        &mut origins,
        &mut pending_grants,
    );
    let enums = super::enums::read_types(dir, diags, &mut origins);
    let mut model = Model {
        database,
        tables: Default::default(),
        roles,
        enums,
        views: Default::default(),
        sequences: Default::default(),
    };
    let found_before = diags.len();
    let files = schema_files(dir, diags);
    let mut incomplete = diags.len() > found_before;
    // A project with no table yet (only types, or every table dropped) is valid: it plans
    // the types, or the drops (issue 12 item 8).
    let read_with = TypeNames {
        db: &model.database,
        enums: &model.enums,
    };
    let read = read_schema_files(dir, files, &read_with);
    origins.reserve(read.iter().map(|f| f.origins.len()).sum());
    for file in read {
        diags.extend(file.diags);
        if !file.parsed {
            incomplete = true;
            continue;
        }
        let duplicate_of = file.table.as_ref().and_then(|t| {
            origins
                .get(&["table", &t.name])
                .filter(|(f, _)| *f != file.rel)
                .map(|(first, _)| (t.name.clone(), first))
        });
        origins.merge(file.origins);
        match (file.table, duplicate_of) {
            (Some(table), None) => {
                model.tables.insert(table.name.clone(), table);
            }
            (Some(_), Some((name, first))) => {
                let mut cx = Cx {
                    file: file.rel.clone(),
                    diags,
                };
                cx.err(
                    file.table_pos.unwrap_or(Pos::START),
                    "duplicate-table",
                    format!("table \"{name}\" is also defined in {}", first.display()),
                    "keep one file per table; merge or rename one of them".to_string(),
                );
            }
            (None, _) => incomplete = true,
        }
    }
    // after the tables: a view may not take a table's name
    model.views = super::views::read_views(dir, diags, &mut origins);
    // after the tables and views: a sequence shares their namespace, owned_by names a column
    model.sequences = super::sequences::read_sequences(dir, &model, diags, &mut origins);
    if !incomplete {
        super::sequences::check_nextval_defaults(&model, &origins, diags);
    }
    // the schemas regions.yaml declares and every one an object lives in
    model.database.schemas = super::schemas::model_schemas(&model);
    super::roles::resolve_grants(&mut model, pending_grants, !incomplete, diags);
    Loaded {
        model,
        origins,
        incomplete,
        database_ok,
        environments,
    }
}

/// One schema file, read on its own: what `load` merges in file order.
struct SchemaFile {
    rel: PathBuf,
    parsed: bool,
    table: Option<Table>,
    table_pos: Option<Pos>,
    origins: Origins,
    diags: Vec<Diagnostic>,
}

/// What a table file is read against: the database settings and the enums a column may name.
struct TypeNames<'a> {
    db: &'a Database,
    enums: &'a std::collections::BTreeMap<String, EnumType>,
}

fn read_schema_file(dir: &Path, rel: PathBuf, ty: &TypeNames) -> SchemaFile {
    let mut diags = Vec::new();
    let mut origins = Origins::default();
    let Some(root) = read_yaml(dir, &rel, &mut diags) else {
        return SchemaFile {
            rel,
            parsed: false,
            table: None,
            table_pos: None,
            origins,
            diags,
        };
    };
    let mut cx = Cx {
        file: rel.clone(),
        diags: &mut diags,
    };
    let table = read_table(&mut cx, &root, ty, &mut origins);
    let table_pos = origins_pos_in(&root);
    SchemaFile {
        rel,
        parsed: true,
        table,
        table_pos,
        origins,
        diags,
    }
}

/// Read every schema file, on all cores (YAML parsing is most of a large project's load
/// time); each file's tree is dropped as soon as its table is read, so memory stays that of
/// the model. The result keeps the order of `files`.
fn read_schema_files(dir: &Path, files: Vec<PathBuf>, db: &TypeNames) -> Vec<SchemaFile> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || files.len() < 64 {
        return files
            .into_iter()
            .map(|rel| read_schema_file(dir, rel, db))
            .collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|c| {
                scope.spawn(move || {
                    c.iter()
                        .map(|rel| read_schema_file(dir, rel.clone(), db))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a schema reader thread panicked"))
            .collect()
    })
}

fn origins_pos_in(root: &Node) -> Option<Pos> {
    root.as_map().and_then(|m| get(m, "table")).map(|n| n.pos)
}

/// The most files a project's schema/ may hold (see docs/limits.md).
pub const MAX_FILES: usize = 100_000;
/// The largest YAML file bmdb reads (see docs/limits.md).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Every `schema/**/*.yaml` (and `.yml`), relative to `dir`, sorted. A folder or entry that
/// cannot be read (permissions, a dangling symlink, a symlink loop) is a finding, never
/// skipped: skipping it would plan its tables as dropped.
fn schema_files(dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    yaml_files(dir, "schema", diags)
}

/// Every `<folder>/**/*.yaml` (and `.yml`) of the project, relative to `dir`, sorted; see
/// `schema_files`. `types/` is read through here too.
pub(crate) fn yaml_files(dir: &Path, folder: &str, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    struct Walk<'a> {
        base: &'a Path,
        out: Vec<PathBuf>,
        diags: &'a mut Vec<Diagnostic>,
        /// Folders already walked (canonical), so a symlink cycle is walked once.
        seen: std::collections::HashSet<PathBuf>,
    }
    impl Walk<'_> {
        fn rel(&self, p: &Path) -> PathBuf {
            p.strip_prefix(self.base).unwrap_or(p).to_path_buf()
        }
        fn problem(&mut self, p: &Path, check: &'static str, message: String, help: &str) {
            let file = self.rel(p);
            self.diags.push(Diagnostic {
                file,
                line: 1,
                col: 1,
                check,
                message,
                help: Some(help.to_string()),
            });
        }
        fn walk(&mut self, d: &Path) {
            if self.out.len() > MAX_FILES {
                return; // reported once by the caller
            }
            match d.canonicalize() {
                Ok(c) => {
                    if !self.seen.insert(c) {
                        let shown = self.rel(d).display().to_string();
                        self.problem(
                            d,
                            "unreadable-folder",
                            format!("{shown} leads back to a folder already read (a symlink loop)"),
                            "remove the symlink, or point it outside the folders it is in",
                        );
                        return;
                    }
                }
                Err(e) => {
                    let shown = self.rel(d).display().to_string();
                    self.problem(
                        d,
                        "unreadable-folder",
                        format!("cannot read the folder {shown}: {e}"),
                        "check that it exists and that bmdb may read it",
                    );
                    return;
                }
            }
            let rd = match std::fs::read_dir(d) {
                Ok(rd) => rd,
                Err(e) => {
                    let shown = self.rel(d).display().to_string();
                    self.problem(
                        d,
                        "unreadable-folder",
                        format!("cannot read the folder {shown}: {e}"),
                        "check the folder's permissions (bmdb must list every folder of the project)",
                    );
                    return;
                }
            };
            let mut entries = Vec::new();
            for e in rd {
                match e {
                    Ok(e) => entries.push(e.path()),
                    Err(e) => {
                        let shown = self.rel(d).display().to_string();
                        self.problem(
                            d,
                            "unreadable-folder",
                            format!("cannot list the folder {shown}: {e}"),
                            "check the folder's permissions",
                        );
                        return;
                    }
                }
            }
            entries.sort();
            for p in entries {
                // Follows symlinks: a dangling one or a loop fails here.
                match std::fs::metadata(&p) {
                    Ok(m) if m.is_dir() => self.walk(&p),
                    Ok(_) if is_yaml(&p) => self.out.push(self.rel(&p)),
                    Ok(_) => {}
                    Err(e) => {
                        let shown = self.rel(&p).display().to_string();
                        self.problem(
                            &p,
                            "unreadable-file",
                            format!("cannot read {shown}: {e}"),
                            "fix or remove the entry (a dangling symlink or a symlink loop?)",
                        );
                    }
                }
            }
        }
    }
    fn is_yaml(p: &Path) -> bool {
        matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml"))
    }
    let schema = dir.join(folder);
    if std::fs::symlink_metadata(&schema).is_err() {
        return Vec::new();
    }
    let mut w = Walk {
        base: dir,
        out: Vec::new(),
        diags,
        seen: Default::default(),
    };
    w.walk(&schema);
    let mut out = w.out;
    if out.len() > MAX_FILES {
        diags.push(Diagnostic {
            file: PathBuf::from(format!("{folder}/")),
            line: 1,
            col: 1,
            check: "too-many-files",
            message: format!("{folder}/ holds more than {MAX_FILES} YAML files"),
            help: Some(format!(
                "bmdb reads at most {MAX_FILES} files there (see docs/limits.md); is {folder}/ the right folder?"
            )),
        });
        return Vec::new();
    }
    out.sort();
    out
}

enum ReadError {
    NotAFile,
    TooLarge(u64),
    Io(std::io::Error),
}

/// A file's bytes, if it is a regular file (a FIFO would block the read forever) of at most
/// MAX_FILE_BYTES (checked again while reading, for a file that grows).
fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let f = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads and parses one file within the limits of docs/limits.md; `None` (with a finding)
/// when it cannot give a tree. Every YAML file of a project is read through here.
pub fn read_yaml(dir: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let mut cx = Cx {
        file: rel.to_path_buf(),
        diags,
    };
    let text = match read_limited(&dir.join(rel)) {
        Err(ReadError::NotAFile) => {
            cx.err(
                Pos::START,
                "unreadable-file",
                format!("{} is not a regular file", rel.display()),
                "a project file must be a plain file (not a FIFO, socket or device)".to_string(),
            );
            return None;
        }
        Err(ReadError::TooLarge(n)) => {
            cx.err(
                Pos::START,
                "file-too-large",
                format!(
                    "{} is {n} bytes; bmdb reads files of at most {MAX_FILE_BYTES} bytes (4 MiB)",
                    rel.display()
                ),
                "split it: one table per file (see docs/limits.md)".to_string(),
            );
            return None;
        }
        Err(ReadError::Io(e)) => {
            cx.err(
                Pos::START,
                "unreadable-file",
                format!("cannot read {}: {e}", rel.display()),
                "check that the file exists and is readable".to_string(),
            );
            return None;
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                cx.err(
                    Pos::START,
                    "unreadable-file",
                    format!("{} is not UTF-8 text", rel.display()),
                    "save the file as UTF-8".to_string(),
                );
                return None;
            }
        },
    };
    match yaml::parse(&text) {
        Err(p) => {
            cx.err(p.pos, p.check, p.message, p.help);
            None
        }
        Ok((root, problems)) => {
            for p in problems {
                cx.err(p.pos, p.check, p.message, p.help);
            }
            match root {
                Some(r) if !matches!(r.kind, NodeKind::Null) => Some(r),
                _ => {
                    cx.err(
                        Pos::START,
                        "wrong-type",
                        format!(
                            "expected a map in {}, found an empty document",
                            rel.display()
                        ),
                        "write the file's keys, or delete the file".to_string(),
                    );
                    None
                }
            }
        }
    }
}

fn read_regions_file(
    dir: &Path,
    env: Option<&str>,
    diags: &mut Vec<Diagnostic>,
    origins: &mut Origins,
) -> (Database, bool, Environments) {
    let rel = PathBuf::from("regions.yaml");
    if !dir.join(&rel).exists() {
        diags.push(Diagnostic {
            file: rel,
            line: 1,
            col: 1,
            check: "missing-file",
            message: "regions.yaml not found in the project".to_string(),
            help: Some("create regions.yaml with at least `database: <name>` (run `bmdb init` for a template)".to_string()),
        });
        return (Database::default(), false, Environments::default());
    }
    let Some(root) = read_yaml(dir, &rel, diags) else {
        return (Database::default(), false, Environments::default());
    };
    let mut cx = Cx {
        file: rel.clone(),
        diags,
    };
    origins.set(&["db"], &rel, Pos::START);
    let Some(entries) = cx.map(&root, "regions.yaml") else {
        return (Database::default(), false, Environments::default());
    };
    cx.check_keys(entries, REGIONS_KEYS, "regions.yaml");
    for (k, _) in entries {
        origins.set(&["db", &k.name], &rel, k.pos);
    }
    let mut db = Database::default();
    let mut ok = true;
    match cx.require(
        entries,
        "database",
        root.pos,
        "regions.yaml",
        "add `database: <name>`",
    ) {
        Some(n) => match cx.ident(n, "the database name") {
            Some(s) => db.name = s,
            None => ok = false,
        },
        None => ok = false,
    }
    if let Some(n) = get(entries, "dialect") {
        match cx
            .choice(n, &["cockroach", "postgres"], "\"dialect\"")
            .as_deref()
        {
            Some("postgres") => db.dialect = Dialect::Postgres,
            Some(_) => {}
            None => ok = false,
        }
    }
    // An environment's dialect is the model's: read before anything that depends on it.
    let environments = environment::read(&mut cx, entries, env);
    if let Some(e) = environments.selected() {
        db.dialect = e.dialect;
    }
    if let Some(n) = get(entries, "primary_region") {
        db.primary_region = cx.ident(n, "the primary region");
        ok &= db.primary_region.is_some();
    }
    if let Some(n) = get(entries, "regions") {
        match cx.ident_list(n, "\"regions\"", "a region name") {
            Some(list) => {
                for (r, pos) in list {
                    if db.regions.contains(&r) {
                        cx.err(
                            pos,
                            "duplicate-name",
                            format!("region \"{r}\" is listed twice"),
                            "list each region once".to_string(),
                        );
                        continue;
                    }
                    origins.set(&["region", &r], &rel, pos);
                    db.regions.push(r);
                }
                db.regions.sort();
            }
            None => ok = false,
        }
    }
    if let Some(n) = get(entries, "survival_goal") {
        match cx
            .choice(n, &["zone", "region"], "\"survival_goal\"")
            .as_deref()
        {
            Some("region") => db.survival_goal = SurvivalGoal::Region,
            Some(_) => {}
            None => ok = false,
        }
    }
    if let Some(n) = get(entries, "placement") {
        match cx
            .choice(n, &["default", "restricted"], "\"placement\"")
            .as_deref()
        {
            Some("restricted") => db.placement = Placement::Restricted,
            Some(_) => {}
            None => ok = false,
        }
    }
    if let Some(n) = get(entries, "secondary_region") {
        db.secondary_region = cx.ident(n, "the secondary region");
        ok &= db.secondary_region.is_some();
    }
    if let Some(n) = get(entries, "super_regions") {
        if let Some(sr) = cx.map(n, "\"super_regions\"") {
            for (k, v) in sr {
                if cx
                    .name(k.name.clone(), k.pos, "a super region name")
                    .is_none()
                {
                    ok = false;
                    continue;
                }
                if let Some(list) = cx.ident_list(
                    v,
                    &format!("super region \"{}\"", k.name),
                    "a super region member",
                ) {
                    origins.set(&["super", &k.name], &rel, k.pos);
                    let mut members = Vec::new();
                    for (m, pos) in list {
                        origins.set(&["super", &k.name, &m], &rel, pos);
                        members.push(m);
                    }
                    members.sort();
                    members.dedup();
                    db.super_regions.insert(k.name.clone(), members);
                }
            }
        } else {
            ok = false;
        }
    }
    if let Some(n) = get(entries, "expectations") {
        if let Some(ex) = cx.map(n, "\"expectations\"") {
            cx.check_keys(ex, &["stale_reads", "backup_interval"], "\"expectations\"");
            let dur = |cx: &mut Cx, key: &str| -> Option<u64> {
                let v = get(ex, key)?;
                let s = cx.text(v, &format!("\"{key}\""))?;
                let d = parse_duration(&s);
                if d.is_none() {
                    cx.err(
                        v.pos,
                        "invalid-value",
                        format!("invalid duration \"{s}\" for \"{key}\""),
                        "write a duration like 30s, 5m, 1h or 2d".to_string(),
                    );
                }
                d
            };
            db.expectations.stale_reads_seconds = dur(&mut cx, "stale_reads");
            db.expectations.backup_interval_seconds = dur(&mut cx, "backup_interval");
        }
    }
    if let Some(v) = get(entries, "cockroach_version") {
        if let Some(text) = cx.text(v, "\"cockroach_version\"") {
            match CrdbVersion::parse(&text) {
                Some(version) if version >= CrdbVersion::OLDEST_KNOWN => {
                    db.cockroach_version = Some(version)
                }
                Some(version) => cx.err(
                    v.pos,
                    "invalid-value",
                    format!("cockroach_version {version} is older than bmdb's placement rules"),
                    format!(
                        "bmdb computes CockroachDB's placement rules from {} on; declare that release or a later one",
                        CrdbVersion::OLDEST_KNOWN
                    ),
                ),
                None => cx.err(
                    v.pos,
                    "invalid-value",
                    format!("invalid cockroach_version \"{text}\""),
                    "write a CockroachDB release like v25.2 or v25.1.3".to_string(),
                ),
            }
        }
    }
    if let Some(n) = get(entries, "ignore") {
        if let Some(items) = cx.seq(n, "\"ignore\"") {
            for item in items {
                let Some(entry) = cx.text(item, "an \"ignore\" entry") else {
                    continue;
                };
                let entry = entry.split_whitespace().collect::<Vec<_>>().join(" ");
                if !entry.contains(' ') {
                    cx.err(
                        item.pos,
                        "invalid-value",
                        format!("\"ignore\" entry \"{entry}\" names no kind of object"),
                        "write it as the warning names it: `view v`, `function touch()`, `table legacy`, `enum mood`".to_string(),
                    );
                    continue;
                }
                db.ignore.push(entry);
            }
        }
    }
    if let Some(n) = get(entries, "schemas") {
        // schemas the model has even while no object lives in them (a schema that holds
        // only what is granted on it, or one the next objects go to); every schema an
        // object names is the model's anyway
        if let Some(list) = cx.ident_list(n, "\"schemas\"", "a schema name") {
            for (name, pos) in list {
                if name == super::schemas::PUBLIC
                    || !super::schemas::check_schema_name(&mut cx, &name, pos)
                {
                    continue;
                }
                if !db.schemas.insert(name.clone()) {
                    cx.err(
                        pos,
                        "duplicate-name",
                        format!("schema \"{name}\" is listed twice"),
                        "list each schema once".to_string(),
                    );
                    continue;
                }
                origins.set(&["schema", &name], &rel, pos);
            }
        }
    }
    let multi_region = db.dialect == Dialect::Cockroach && db.primary_region.is_some();
    if let Some(n) = get(entries, "zones") {
        if let Some(zones) = cx.map(n, "\"zones\"") {
            for (k, v) in zones {
                let owner;
                let range = k.name.strip_prefix("range ").map(str::trim);
                if k.name == "database" {
                    owner = "the database".to_string();
                } else if let Some(r) = range {
                    if !RANGE_NAMES.contains(&r) {
                        cx.err(
                            k.pos,
                            "invalid-value",
                            format!("unknown range \"{r}\" in \"zones\""),
                            format!("named ranges are {}", RANGE_NAMES.join(", ")),
                        );
                        continue;
                    }
                    owner = format!("range {r}");
                } else {
                    let allowed: Vec<String> = std::iter::once("database".to_string())
                        .chain(RANGE_NAMES.iter().map(|r| format!("range {r}")))
                        .collect();
                    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    let help = match did_you_mean(&k.name, &allowed) {
                        Some(s) => format!("did you mean \"{s}\"?"),
                        None => {
                            "zones are keyed `database` or `range <name>`, e.g. `range default`"
                                .to_string()
                        }
                    };
                    cx.err(
                        k.pos,
                        "unknown-key",
                        format!("unknown key \"{}\" in \"zones\"", k.name),
                        help,
                    );
                    continue;
                }
                let zcx = ZoneCx {
                    // Named ranges are not multi-region objects: their replica fields are free.
                    multi_region: multi_region && range.is_none(),
                    regions: &db.regions,
                    owner,
                    extension: false,
                };
                let z = read_zone(&mut cx, v, &zcx);
                match range {
                    None => db.zone = z,
                    Some(r) => {
                        if let Some(z) = z {
                            db.range_zones.insert(r.to_string(), z);
                        }
                    }
                }
            }
        }
    }
    if let Some(n) = get(entries, "zone_extensions") {
        read_zone_extensions(&mut cx, n, &mut db, n.pos);
    }
    (db, ok, environments)
}

/// `zone_extensions:` (`global`, `regional`, `regional_in: {region: zone}`): zone blocks
/// CockroachDB applies over its multi-region zones. They may set the fields the
/// multi-region machinery manages (that is their purpose), so no override consent;
/// `ExtendZoneConfigWithRegionalIn` refuses lease_preferences in `regional`, and a
/// `regional_in` block's lease preferences must keep the home region first
/// (`validateZoneConfigExtension`); num_replicas / num_voters below what the survival goal
/// needs are refused too (both in `pkg/sql/catalog/multiregion/region_config.go`).
fn read_zone_extensions(cx: &mut Cx, n: &Node, db: &mut Database, pos: Pos) {
    let Some(entries) = cx.map(n, "\"zone_extensions\"") else {
        return;
    };
    if db.dialect == Dialect::Cockroach && db.primary_region.is_none() {
        cx.err(
            pos,
            "invalid-value",
            "zone_extensions need a multi-region database".to_string(),
            "set primary_region and regions first: CockroachDB refuses ALTER LOCALITY ... CONFIGURE ZONE on a database without regions".to_string(),
        );
        return;
    }
    cx.check_keys(
        entries,
        &["global", "regional", "regional_in"],
        "\"zone_extensions\"",
    );
    let regions = db.regions.clone();
    let db_copy = db.clone();
    let read = |cx: &mut Cx, node: &Node, owner: String, home: Option<&str>| {
        let (min_voters, min_replicas) =
            survival_minimum(&db_copy, home.is_none() && owner.ends_with("GLOBAL"));
        let zcx = ZoneCx {
            multi_region: false,
            regions: &regions,
            owner: owner.clone(),
            extension: true,
        };
        let z = read_zone(cx, node, &zcx)?;
        let what = format!("the zone of {owner}");
        let entries = match &node.kind {
            NodeKind::Map(e) => e.as_slice(),
            _ => &[],
        };
        let at = |k: &str| get(entries, k).map(|n| n.pos).unwrap_or(node.pos);
        if z.override_multi_region {
            cx.err(
                at(zone_field_name::OVERRIDE_MULTI_REGION),
                "unknown-key",
                format!("override_multi_region in {what} has no meaning"),
                "a zone config extension may set every field the multi-region machinery manages; remove the key".to_string(),
            );
        }
        if let Some(v) = z.num_voters.filter(|v| (*v as u64) < min_voters) {
            cx.err(
                at(zone_field_name::NUM_VOTERS),
                "zone-value-out-of-range",
                format!("num_voters = {v} in {what} is below the {min_voters} the survival goal needs"),
                "CockroachDB refuses a zone config extension that lowers num_voters below the survival goal's".to_string(),
            );
        }
        if let Some(r) = z.num_replicas.filter(|r| (*r as u64) < min_replicas) {
            cx.err(
                at(zone_field_name::NUM_REPLICAS),
                "zone-value-out-of-range",
                format!("num_replicas = {r} in {what} is below the {min_replicas} the survival goal needs"),
                "CockroachDB refuses a zone config extension that lowers num_replicas below the survival goal's".to_string(),
            );
        }
        match home {
            None if owner.ends_with("REGIONAL") && z.lease_preferences.is_some() => {
                cx.err(
                    at(zone_field_name::LEASE_PREFERENCES),
                    "invalid-value",
                    format!("lease_preferences in {what} is not allowed"),
                    "CockroachDB: REGIONAL zone config extensions are not allowed to set lease_preferences; set them per region under regional_in".to_string(),
                );
            }
            Some(home) => {
                if let Some(prefs) = &z.lease_preferences {
                    let first_is_home = prefs
                        .first()
                        .is_some_and(|p| p.len() == 1 && p[0] == format!("+region={home}"));
                    if !first_is_home {
                        cx.err(
                            at(zone_field_name::LEASE_PREFERENCES),
                            "invalid-value",
                            format!("lease_preferences in {what} must start with [+region={home}]"),
                            "CockroachDB refuses an extension that unsets, demotes or negates the home region's lease preference".to_string(),
                        );
                    }
                }
            }
            None => {}
        }
        Some(z)
    };
    for (k, v) in entries {
        match k.name.as_str() {
            "global" => {
                db.zone_extensions.global = read(cx, v, "ALTER LOCALITY GLOBAL".into(), None)
            }
            "regional" => {
                db.zone_extensions.regional = read(cx, v, "ALTER LOCALITY REGIONAL".into(), None)
            }
            "regional_in" => {
                let Some(per) = cx.map(v, "\"regional_in\"") else {
                    continue;
                };
                for (rk, rv) in per {
                    if !regions.contains(&rk.name) {
                        let names: Vec<&str> = regions.iter().map(String::as_str).collect();
                        let help = match did_you_mean(&rk.name, &names) {
                            Some(s) => format!("did you mean \"{s}\"?"),
                            None => format!("declared regions: {}", names.join(", ")),
                        };
                        cx.err(
                            rk.pos,
                            "unknown-region",
                            format!(
                                "regional_in names region \"{}\", which the database does not have",
                                rk.name
                            ),
                            help,
                        );
                        continue;
                    }
                    let owner = format!("ALTER LOCALITY REGIONAL IN {}", rk.name);
                    if let Some(z) = read(cx, rv, owner, Some(&rk.name)) {
                        db.zone_extensions.regional_in.insert(rk.name.clone(), z);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `GetNumVotersAndNumReplicas` of the database's own region configuration: the least
/// num_voters and num_replicas a zone config extension may set.
/// GLOBAL tables use DEFAULT placement whatever the database's.
fn survival_minimum(db: &Database, global: bool) -> (u64, u64) {
    let n = db.regions.len().max(1) as u64;
    let placement = if global {
        Placement::Default
    } else {
        db.placement
    };
    match db.survival_goal {
        SurvivalGoal::Zone => match placement {
            Placement::Default => (3, 3 + n - 1),
            Placement::Restricted => (3, 3),
        },
        SurvivalGoal::Region => {
            let extra = u64::from(db.secondary_region.is_some());
            (5, (2 + n - 1 + extra).max(5))
        }
    }
}

fn read_table(cx: &mut Cx, root: &Node, ty: &TypeNames, origins: &mut Origins) -> Option<Table> {
    let db = ty.db;
    let file = cx.file.clone();
    let entries = cx.map(root, "a table file")?;
    cx.check_keys(entries, TABLE_KEYS, "a table file");
    let name_node = cx.require(
        entries,
        "table",
        root.pos,
        "this table file",
        "add `table: <name>` at the top",
    )?;
    let bare = super::schemas::read_object_name(cx, name_node, "the table name")?;
    let schema = super::schemas::read_schema_key(cx, entries)?;
    // the table's key: its qualified name (`crate::model::schemas`); names bmdb generates
    // for its keys and indexes use the table's own name, as the servers do
    let name = super::schemas::qualified(&schema, &bare);
    origins.set(&["table", &name], &file, name_node.pos);
    let t = name.as_str();
    let mut table = Table {
        name: name.clone(),
        ..Default::default()
    };
    if let Some(n) = get(entries, "comment") {
        table.comment = cx.text(n, "\"comment\"");
    }
    if let Some(n) = get(entries, "locality") {
        origins.set(&["locality", t], &file, n.pos);
        table.locality = read_locality(cx, n, t, origins);
    }
    let columns_node = cx.require(
        entries,
        "columns",
        key_pos(entries, "table").unwrap_or(root.pos),
        &format!("table \"{t}\""),
        "add `columns:` with at least one `{ name: ..., type: ... }`",
    );
    if let Some(n) = columns_node {
        if let Some(items) = cx.seq(n, "\"columns\"") {
            // Only a real list can be empty; other shapes already have their finding.
            origins.set(&["columns", t], &file, n.pos);
            // A set, not a scan of the columns read so far: 100,000 columns stay linear.
            let mut names = std::collections::HashSet::new();
            for item in items {
                if let Some(col) = read_column(cx, item, ty, t, origins) {
                    if !names.insert(col.name.clone()) {
                        let pos = item
                            .as_map()
                            .and_then(|m| get(m, "name"))
                            .map(|n| n.pos)
                            .unwrap_or(item.pos);
                        cx.err(
                            pos,
                            "duplicate-column",
                            format!("column \"{}\" is defined twice in table \"{t}\"", col.name),
                            "remove or rename one of them".to_string(),
                        );
                    } else {
                        table.columns.push(col);
                    }
                }
            }
        }
    }
    if let Some(n) = get(entries, "primary_key") {
        if let Some((pk_name, cols)) =
            read_named_columns(cx, n, "\"primary_key\"", t, "pk", 0, origins)
        {
            table.primary_key = Some(PrimaryKey {
                name: pk_name.unwrap_or_else(|| fit_identifier(&format!("{bare}_pkey"))),
                columns: cols,
            });
        }
    }
    if let Some(n) = get(entries, "unique") {
        if let Some(items) = cx.seq(n, "\"unique\"") {
            for item in items {
                let i = table.unique.len();
                if let Some((uname, cols)) =
                    read_named_columns(cx, item, "a unique constraint", t, "unique", i, origins)
                {
                    let name = uname.unwrap_or_else(|| generated_name(&bare, &cols, "key"));
                    let (nulls_not_distinct, comment) = match &item.kind {
                        NodeKind::Map(m) => (
                            get(m, "nulls_not_distinct")
                                .and_then(|v| cx.boolean(v, "\"nulls_not_distinct\""))
                                .unwrap_or(false),
                            read_comment(cx, m, &format!("unique constraint \"{name}\"")),
                        ),
                        _ => (false, None),
                    };
                    table.unique.push(UniqueConstraint {
                        name,
                        columns: cols,
                        nulls_not_distinct,
                        comment,
                    });
                }
            }
        }
    }
    if let Some(n) = get(entries, "indexes") {
        if let Some(items) = cx.seq(n, "\"indexes\"") {
            for item in items {
                let i = table.indexes.len();
                if let Some(ix) = read_index(cx, item, t, i, db, origins) {
                    table.indexes.push(ix);
                }
            }
        }
    }
    if let Some(n) = get(entries, "foreign_keys") {
        if let Some(items) = cx.seq(n, "\"foreign_keys\"") {
            for item in items {
                let i = table.foreign_keys.len();
                if let Some(fk) = read_fk(cx, item, t, i, origins) {
                    table.foreign_keys.push(fk);
                }
            }
        }
    }
    if let Some(n) = get(entries, "checks") {
        if let Some(items) = cx.seq(n, "\"checks\"") {
            let mut unnamed = 0;
            for item in items {
                let Some(m) = cx.map(item, "a check") else {
                    continue;
                };
                cx.check_keys(m, CHECK_KEYS, "a check");
                let i = table.checks.len();
                origins.set(&["check", t, &i.to_string()], &file, item.pos);
                let given = get(m, "name").and_then(|v| {
                    origins.set(&["name", t, "check", &i.to_string()], &file, v.pos);
                    cx.ident(v, "a check name")
                });
                let Some(expr) = cx
                    .require(
                        m,
                        "expr",
                        item.pos,
                        "a check",
                        "add `expr: <SQL boolean expression>`",
                    )
                    .and_then(|v| cx.expression(v, "expr"))
                else {
                    continue;
                };
                let name = given.unwrap_or_else(|| {
                    unnamed += 1;
                    fit_identifier(&format!("{bare}_check{unnamed}"))
                });
                let comment = read_comment(cx, m, &format!("check \"{name}\""));
                table.checks.push(Check {
                    name,
                    expr: expr.trim().to_string(),
                    comment,
                });
            }
        }
    }
    if let Some(n) = get(entries, "families") {
        if let Some(items) = cx.seq(n, "\"families\"") {
            for (i, item) in items.iter().enumerate() {
                let what = format!("family {} of table \"{t}\"", i + 1);
                if !matches!(item.kind, NodeKind::Map(_)) {
                    cx.wrong_type(item, "{name, columns}", &what);
                    continue;
                }
                let Some((name, columns)) =
                    read_named_columns(cx, item, &what, t, "family", i, origins)
                else {
                    continue;
                };
                let Some(name) = name else {
                    cx.err(
                        item.pos,
                        "missing-key",
                        format!("{what} has no name"),
                        "add `name: <family name>`: bmdb does not make up family names".to_string(),
                    );
                    continue;
                };
                table.families.push(Family { name, columns });
            }
        }
    }
    if let Some(n) = get(entries, "ttl") {
        table.ttl = read_ttl(cx, n);
    }
    if let Some(n) = get(entries, "zone") {
        let zcx = ZoneCx {
            multi_region: db.dialect == Dialect::Cockroach && db.primary_region.is_some(),
            regions: &db.regions,
            owner: format!("table \"{t}\""),
            extension: false,
        };
        table.zone = read_zone(cx, n, &zcx);
    }
    if let Some(n) = get(entries, "primary_key_zone") {
        let zcx = ZoneCx {
            multi_region: db.dialect == Dialect::Cockroach && db.primary_region.is_some(),
            regions: &db.regions,
            owner: format!("the primary index of table \"{t}\""),
            extension: false,
        };
        table.primary_key_zone = read_zone(cx, n, &zcx);
    }
    normalise_table(&mut table, db);
    Some(table)
}

/// Model-wide defaults that depend on more than one field.
/// The keys of a table's `ttl:`: CockroachDB's `ttl_*` storage parameters without the prefix.
const TTL_KEYS: &[&str] = &[
    "expire_after",
    "expiration_expression",
    "job_cron",
    "select_batch_size",
    "delete_batch_size",
    "select_rate_limit",
    "delete_rate_limit",
    "pause",
    "label_metrics",
    "disable_changefeed_replication",
];

/// A table's `ttl:` (CockroachDB row-level TTL): each key checked as CockroachDB's
/// `tableParams` checks its storage parameter (an interval, one expression, a cron
/// expression `cron.ParseStandard` reads, integers of at least 1), and one of
/// `expire_after` / `expiration_expression` set (`ValidateRowLevelTTL`: a TTL needs one).
fn read_ttl(cx: &mut Cx, n: &Node) -> Option<Ttl> {
    let m = cx.map(n, "\"ttl\"")?;
    cx.check_keys(m, TTL_KEYS, "\"ttl\"");
    let mut ttl = Ttl::default();
    let mut ok = true;
    if let Some(v) = get(m, "expire_after") {
        ttl.expire_after = cx.text(v, "\"expire_after\"").and_then(|s| {
            let s = s.trim().to_string();
            if crate::model::normalize::is_interval(&s) {
                Some(s)
            } else {
                cx.err(
                    v.pos,
                    "ttl-interval",
                    format!("expire_after {s:?} is not an interval"),
                    "write it like \"90 days\", \"12 hours\", \"1 day 12:00:00\" or \"P90D\""
                        .to_string(),
                );
                None
            }
        });
        ok &= ttl.expire_after.is_some();
    }
    if let Some(v) = get(m, "expiration_expression") {
        ttl.expiration_expression = cx
            .expression(v, "expiration_expression")
            .map(|s| s.trim().to_string());
        ok &= ttl.expiration_expression.is_some();
    }
    if let Some(v) = get(m, "job_cron") {
        ttl.job_cron = cx.text(v, "\"job_cron\"").and_then(|s| {
            let s = s.trim().to_string();
            match crate::model::backups::Cron::parse(&s) {
                Ok(_) => Some(s),
                Err(e) => {
                    cx.err(
                        v.pos,
                        "ttl-invalid-cron",
                        format!("job_cron {s:?} is not a cron expression CockroachDB reads: {e}"),
                        "write five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\", or a descriptor such as \"@daily\"".to_string(),
                    );
                    None
                }
            }
        });
        ok &= ttl.job_cron.is_some();
    }
    for (key, slot) in [
        ("select_batch_size", &mut ttl.select_batch_size),
        ("delete_batch_size", &mut ttl.delete_batch_size),
        ("select_rate_limit", &mut ttl.select_rate_limit),
        ("delete_rate_limit", &mut ttl.delete_rate_limit),
    ] {
        let Some(v) = get(m, key) else { continue };
        *slot = cx.int(v, &format!("\"{key}\"")).and_then(|i| {
            if i >= 1 {
                Some(i as u64)
            } else {
                cx.err(
                    v.pos,
                    "ttl-not-positive",
                    format!("{key} is {i}; CockroachDB needs ttl_{key} to be at least 1"),
                    format!("write a whole number of at least 1, or leave {key} out for CockroachDB's default"),
                );
                None
            }
        });
        ok &= slot.is_some();
    }
    for (key, slot) in [
        ("pause", &mut ttl.pause),
        ("label_metrics", &mut ttl.label_metrics),
        (
            "disable_changefeed_replication",
            &mut ttl.disable_changefeed_replication,
        ),
    ] {
        if let Some(v) = get(m, key) {
            match cx.boolean(v, &format!("\"{key}\"")) {
                Some(b) => *slot = b,
                None => ok = false,
            }
        }
    }
    if get(m, "expire_after").is_none() && get(m, "expiration_expression").is_none() {
        cx.err(
            n.pos,
            "ttl-without-expiry",
            "\"ttl\" sets neither expire_after nor expiration_expression: CockroachDB needs one to know when a row expires".to_string(),
            "add `expire_after: \"90 days\"`, or `expiration_expression: \"created_at + INTERVAL '90 days'\"` over a TIMESTAMPTZ column".to_string(),
        );
        return None;
    }
    ok.then_some(ttl)
}

fn normalise_table(table: &mut Table, db: &Database) {
    if let Some(pk) = &table.primary_key {
        for c in table.columns.iter_mut() {
            if pk.columns.contains(&c.name) {
                c.nullable = false;
            }
        }
    }
    if table.locality.is_none() && db.dialect == Dialect::Cockroach && db.primary_region.is_some() {
        table.locality = Some(Locality::RegionalByTable { region: None });
    }
}

fn read_locality(cx: &mut Cx, n: &Node, t: &str, origins: &mut Origins) -> Option<Locality> {
    const FORMS: &str = "global, regional_by_table, {regional_by_table: <region>}, regional_by_row, {regional_by_row: <column>}";
    match &n.kind {
        NodeKind::Scalar { .. } => match cx
            .choice(
                n,
                &["global", "regional_by_table", "regional_by_row"],
                "\"locality\"",
            )?
            .as_str()
        {
            "global" => Some(Locality::Global),
            "regional_by_table" => Some(Locality::RegionalByTable { region: None }),
            _ => Some(Locality::RegionalByRow { column: None }),
        },
        NodeKind::Map(m) => {
            cx.check_keys(m, &["regional_by_table", "regional_by_row"], "\"locality\"");
            if m.len() != 1 {
                cx.err(
                    n.pos,
                    "invalid-value",
                    "\"locality\" takes exactly one key".to_string(),
                    format!("write one of {FORMS}"),
                );
                return None;
            }
            let (k, v) = &m[0];
            match k.name.as_str() {
                "regional_by_table" => {
                    let r = cx.ident(v, "the locality region")?;
                    origins.set(&["locality_arg", t], &cx.file, v.pos);
                    Some(Locality::RegionalByTable { region: Some(r) })
                }
                "regional_by_row" => {
                    let c = cx.ident(v, "the region column")?;
                    origins.set(&["locality_arg", t], &cx.file, v.pos);
                    Some(Locality::RegionalByRow { column: Some(c) })
                }
                _ => None,
            }
        }
        _ => {
            cx.wrong_type(n, &format!("one of {FORMS}"), "\"locality\"");
            None
        }
    }
}

fn read_column(
    cx: &mut Cx,
    item: &Node,
    types: &TypeNames,
    t: &str,
    origins: &mut Origins,
) -> Option<Column> {
    let dialect = types.db.dialect;
    let m = cx.map(item, "a column")?;
    let label = match get(m, "name").and_then(|n| n.as_scalar()) {
        Some(n) => format!("column \"{n}\""),
        None => "a column".to_string(),
    };
    cx.check_keys(m, COLUMN_KEYS, &label);
    let name_node = cx.require(m, "name", item.pos, "a column", "add `name: <column name>`")?;
    let name = cx.ident(name_node, "a column name")?;
    origins.set(&["column", t, &name], &cx.file, name_node.pos);
    let mut col = Column {
        name: name.clone(),
        nullable: true,
        ..Default::default()
    };
    let type_node = cx.require(
        m,
        "type",
        item.pos,
        &format!("column \"{name}\""),
        "add `type: <SQL type>`, e.g. INT8, STRING, UUID, TIMESTAMPTZ",
    );
    let mut serial_default = None;
    if let Some(tn) = type_node {
        origins.set(&["coltype", t, &name], &cx.file, tn.pos);
        let as_written = get(m, "as_written")
            .and_then(|n| cx.boolean(n, "\"as_written\""))
            .unwrap_or(false);
        let raw = cx.text(tn, &format!("the type of column \"{name}\""));
        let enum_type = raw.as_deref().and_then(|r| {
            let base = r.trim().trim_end_matches("[]");
            let suffix = &r.trim()[base.len()..];
            // `status[]`: an array of the enum; only one level, as PostgreSQL spells it
            (suffix.is_empty() || suffix == "[]")
                .then(|| super::enums::enum_of(base, types.enums))
                .flatten()
                .map(|e| format!("{}{suffix}", e.name))
        });
        if let Some(ty) = enum_type {
            col.ty = ty;
        } else if let (true, Some(raw)) = (as_written, &raw) {
            // a type bmdb does not model, passed through as written (issue 12 item 7): no
            // alias folding, no check; the server's own spelling reads back the same
            col.ty = raw.trim().to_string();
        } else if let Some(raw) = raw {
            match canonical_type(&raw, dialect) {
                Some(c) => {
                    col.ty = c.ty;
                    serial_default = c.serial_default;
                    // Serial columns are NOT NULL in both dialects.
                    if serial_default.is_some() || col.ty.ends_with("SERIAL") {
                        col.nullable = false;
                        serial_default = serial_default.or(Some(""));
                    }
                }
                None => {
                    let base = raw
                        .split(['(', '['])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_uppercase();
                    let closest_enum = super::enums::closest_enum(&raw, types.enums);
                    let hint = match did_you_mean(&base, TYPE_NAMES) {
                        // In a flow map `{ type: DECIMAL(18,4) }` the comma ends the value.
                        _ if raw.contains('(') && !raw.contains(')') => {
                            "quote the type, e.g. type: \"DECIMAL(18,4)\": inside { } a comma ends the value; ".to_string()
                        }
                        _ if closest_enum.is_some() => {
                            format!("did you mean the enum \"{}\"? ", closest_enum.unwrap_or_default())
                        }
                        Some(s) if s != base => format!("did you mean {s}? "),
                        _ => String::new(),
                    };
                    cx.err(
                        tn.pos,
                        "unknown-type",
                        format!("unknown type \"{raw}\" for column \"{name}\""),
                        format!("{hint}known types include {}; an enum is declared in types/<name>.yaml; a type bmdb does not model is kept with `as_written: true`", KNOWN_TYPES.join(", ")),
                    );
                }
            }
        }
    }
    if let Some(n) = get(m, "nullable") {
        if let Some(b) = cx.boolean(n, "\"nullable\"") {
            col.nullable = b && serial_default.is_none();
        }
    }
    if let Some(n) = get(m, "default") {
        origins.set(&["default", t, &name], &cx.file, n.pos);
        // nextval('s'::regclass) and nextval('public.s') are kept as nextval('s'), the
        // spelling the catalog readers give back (model::sequences)
        col.default = match &n.kind {
            NodeKind::Null => None,
            _ => cx
                .expression(n, "default")
                .map(|s| super::sequences::normalize_default(s.trim())),
        };
    }
    if col.default.is_none() {
        col.default = serial_default.filter(|d| !d.is_empty()).map(str::to_string);
    }
    if let Some(n) = get(m, "collate") {
        col.collate = cx.ident(n, &format!("\"collate\" of column \"{name}\""));
        if col.collate.is_some() && !col.ty.is_empty() && !is_string_type(&col.ty) {
            cx.err(
                n.pos,
                "invalid-collation",
                format!("column \"{name}\" is {} and cannot have a collation", col.ty),
                "a collation orders and compares text: only STRING (TEXT), VARCHAR(n) and CHAR(n) columns (or arrays of them) take one".to_string(),
            );
            col.collate = None;
        }
    }
    if let Some(n) = get(m, "computed") {
        col.computed = read_computed(cx, n, m, &name);
    }
    if let Some(n) = get(m, "identity") {
        col.identity = read_identity(cx, n, &col, m, &name);
        if col.identity.is_some() {
            col.nullable = false;
        }
    }
    if let Some(n) = get(m, "comment") {
        col.comment = cx.text(n, "\"comment\"");
    }
    if let Some(n) = get(m, "renamed_from") {
        origins.set(&["renamed_from", t, &name], &cx.file, n.pos);
        col.renamed_from = cx.ident(n, "\"renamed_from\"");
    }
    Some(col)
}

/// `identity: always | by_default`, or `{generated, start, increment, min_value, max_value}`: on an integer column without a default that is not declared nullable.
fn read_identity(
    cx: &mut Cx,
    n: &Node,
    col: &Column,
    m: &[(yaml::Key, Node)],
    name: &str,
) -> Option<Identity> {
    const GENERATED: &[&str] = &["always", "by_default"];
    let what = format!("\"identity\" of column \"{name}\"");
    let generated = |cx: &mut Cx, g: &Node| {
        cx.choice(g, GENERATED, &what).map(|g| match g.as_str() {
            "by_default" => Generated::ByDefault,
            _ => Generated::Always,
        })
    };
    let mut id = Identity::default();
    match &n.kind {
        NodeKind::Map(map) => {
            cx.check_keys(map, IDENTITY_KEYS, &what);
            if let Some(g) = get(map, "generated") {
                id.generated = generated(cx, g)?;
            }
            for (key, slot) in [
                ("start", &mut id.start),
                ("increment", &mut id.increment),
                ("min_value", &mut id.min_value),
                ("max_value", &mut id.max_value),
            ] {
                if let Some(v) = get(map, key) {
                    *slot = cx.int(
                        v,
                        &format!("\"{key}\" of the identity of column \"{name}\""),
                    );
                }
            }
        }
        _ => id.generated = generated(cx, n)?,
    }
    let mut ok = true;
    if !col.ty.is_empty() && !matches!(col.ty.as_str(), "INT2" | "INT4" | "INT8") {
        cx.err(
            n.pos,
            "invalid-identity",
            format!(
                "column \"{name}\" is {} and cannot be an identity column",
                col.ty
            ),
            "an identity column is an integer: INT2, INT4 or INT8 (SMALLINT, INTEGER, BIGINT); SERIAL is the other way to number rows".to_string(),
        );
        ok = false;
    }
    if col.default.is_some() {
        cx.err(
            get(m, "default").map_or(n.pos, |d| d.pos),
            "invalid-identity",
            format!("column \"{name}\" has both a default and an identity"),
            "an identity column takes its values from its own sequence: remove `default` (or `identity`)".to_string(),
        );
        ok = false;
    }
    if let Some(nn) = get(m, "nullable") {
        if matches!(&nn.kind, NodeKind::Scalar { value, .. } if value.eq_ignore_ascii_case("true"))
        {
            cx.err(
                nn.pos,
                "invalid-identity",
                format!("identity column \"{name}\" cannot be nullable"),
                "an identity column is always NOT NULL: remove `nullable: true`".to_string(),
            );
            ok = false;
        }
    }
    // the options in effect, the type's defaults filled in: one rule with sequences/
    let ty = if col.ty.is_empty() { "INT8" } else { &col.ty };
    let increment = id.increment.unwrap_or(1);
    let (dmin, dmax) = default_sequence_range(increment, ty);
    let (lo, hi) = (id.min_value.unwrap_or(dmin), id.max_value.unwrap_or(dmax));
    let start = id.start.unwrap_or(if increment < 0 { hi } else { lo });
    if let Some(problem) = sequence_option_problem(increment, lo, hi, start) {
        let at = |key: &str| get_in(n, key).map_or(n.pos, |d| d.pos);
        let (pos, message, help) = match problem {
            SequenceOptionProblem::IncrementZero => (
                at("increment"),
                format!("the identity of column \"{name}\" has increment 0"),
                "write a positive increment (ascending) or a negative one (descending)",
            ),
            SequenceOptionProblem::MinNotBelowMax => (
                at(if id.min_value.is_some() {
                    "min_value"
                } else {
                    "max_value"
                }),
                format!(
                    "the identity of column \"{name}\" has min_value {lo} not below max_value {hi}"
                ),
                "min_value must be smaller than max_value",
            ),
            SequenceOptionProblem::StartOutside => (
                at("start"),
                format!("the identity of column \"{name}\" starts at {start}, outside {lo}..{hi}"),
                "start between min_value and max_value (or the type's range)",
            ),
        };
        cx.err(pos, "invalid-identity", message, help.to_string());
        ok = false;
    }
    if !ok {
        return None;
    }
    Some(id.normalised(ty))
}

/// `computed: "expr"` (STORED) or `{expr, virtual}`: no default or identity beside it.
/// VIRTUAL is CockroachDB's; PostgreSQL 15 stores the column (`dialect::FEATURES`,
/// `virtual_columns`).
fn read_computed(cx: &mut Cx, n: &Node, m: &[(yaml::Key, Node)], name: &str) -> Option<Computed> {
    let what = format!("\"computed\" of column \"{name}\"");
    let (expr_node, virtual_node) = match &n.kind {
        NodeKind::Map(map) => {
            cx.check_keys(map, COMPUTED_KEYS, &what);
            let e = cx.require(
                map,
                "expr",
                n.pos,
                &what,
                "add `expr: <SQL expression>`, e.g. expr: \"lower(email)\"",
            )?;
            (e, get(map, "virtual"))
        }
        _ => (n, None),
    };
    let expr = cx.expression(expr_node, "computed")?.trim().to_string();
    let is_virtual = match virtual_node {
        Some(v) => cx.boolean(v, &format!("\"virtual\" of column \"{name}\""))?,
        None => false,
    };
    let mut ok = true;
    if let Some(d) = get(m, "default") {
        cx.err(
            d.pos,
            "invalid-computed",
            format!("computed column \"{name}\" cannot have a default"),
            "a computed column's value is its expression: remove `default` (or `computed`)"
                .to_string(),
        );
        ok = false;
    }
    if let Some(i) = get(m, "identity") {
        cx.err(
            i.pos,
            "invalid-computed",
            format!("computed column \"{name}\" cannot be an identity column"),
            "keep one of `computed` and `identity`".to_string(),
        );
        ok = false;
    }
    ok.then_some(Computed { expr, is_virtual })
}

/// STRING, STRING(n), VARCHAR, VARCHAR(n), CHAR(n) and arrays of them: the types a collation
/// applies to.
fn is_string_type(ty: &str) -> bool {
    let base = ty.trim_end_matches("[]").to_ascii_uppercase();
    let name = base.split('(').next().unwrap_or("").trim();
    matches!(name, "STRING" | "VARCHAR" | "CHAR" | "TEXT")
}

fn get_in<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
    match &n.kind {
        NodeKind::Map(m) => get(m, key),
        _ => None,
    }
}

/// A column list, or `{name, columns}`: primary keys and unique constraints.
fn read_named_columns(
    cx: &mut Cx,
    n: &Node,
    what: &str,
    t: &str,
    kind: &str,
    i: usize,
    origins: &mut Origins,
) -> Option<(Option<String>, Vec<String>)> {
    let idx = i.to_string();
    origins.set(&[kind, t, &idx], &cx.file, n.pos);
    let (name, list_node) = match &n.kind {
        NodeKind::Seq(_) => (None, n),
        NodeKind::Map(m) => {
            cx.check_keys(
                m,
                if kind == "unique" {
                    UNIQUE_KEYS
                } else {
                    &["name", "columns"]
                },
                what,
            );
            let name = get(m, "name").and_then(|v| {
                origins.set(&["name", t, kind, &idx], &cx.file, v.pos);
                cx.ident(v, &format!("the name of {what}"))
            });
            (
                name,
                cx.require(m, "columns", n.pos, what, "add `columns: [<column>, ...]`")?,
            )
        }
        _ => {
            cx.wrong_type(n, "a list of columns or {name, columns}", what);
            return None;
        }
    };
    let cols = cx.ident_list(
        list_node,
        &format!("the columns of {what}"),
        "a column name",
    )?;
    if cols.is_empty() {
        cx.err(
            list_node.pos,
            "invalid-value",
            format!("{what} has no columns"),
            "list at least one column".to_string(),
        );
        return None;
    }
    for (j, (_, pos)) in cols.iter().enumerate() {
        origins.set(
            &[&format!("{kind}col"), t, &idx, &j.to_string()],
            &cx.file,
            *pos,
        );
    }
    Some((name, cols.into_iter().map(|(c, _)| c).collect()))
}

fn read_index(
    cx: &mut Cx,
    item: &Node,
    t: &str,
    i: usize,
    db: &Database,
    origins: &mut Origins,
) -> Option<Index> {
    let idx = i.to_string();
    let m = cx.map(item, "an index")?;
    cx.check_keys(m, INDEX_KEYS, "an index");
    origins.set(&["index", t, &idx], &cx.file, item.pos);
    let given = get(m, "name").and_then(|v| {
        origins.set(&["name", t, "index", &idx], &cx.file, v.pos);
        cx.ident(v, "an index name")
    });
    let cols_node = cx.require(
        m,
        "columns",
        item.pos,
        "an index",
        "add `columns: [<column>, ...]`",
    )?;
    let items = cx.seq(cols_node, "the columns of an index")?;
    let mut columns = Vec::new();
    for (j, c) in items.iter().enumerate() {
        let (name, pos, desc, nulls, opclass) = match &c.kind {
            NodeKind::Map(cm) => {
                cx.check_keys(cm, INDEX_COLUMN_KEYS, "an index column");
                let Some(cn) = cx.require(
                    cm,
                    "column",
                    c.pos,
                    "an index column",
                    "add `column: <name>`",
                ) else {
                    continue;
                };
                let Some(name) = cx.ident(cn, "an index column") else {
                    continue;
                };
                let desc = get(cm, "desc")
                    .and_then(|d| cx.boolean(d, "\"desc\""))
                    .unwrap_or(false);
                let nulls = match get(cm, "nulls")
                    .and_then(|v| cx.choice(v, &["first", "last"], "\"nulls\""))
                    .as_deref()
                {
                    Some("first") => Some(NullsOrder::First),
                    Some("last") => Some(NullsOrder::Last),
                    _ => None,
                };
                let opclass = get(cm, "opclass").and_then(|v| cx.ident(v, "an operator class"));
                (name, cn.pos, desc, nulls, opclass)
            }
            _ => {
                let Some(name) = cx.ident(c, "an index column") else {
                    continue;
                };
                (name, c.pos, false, None, None)
            }
        };
        origins.set(&["indexcol", t, &idx, &j.to_string()], &cx.file, pos);
        columns.push(IndexColumn {
            name,
            desc,
            // NULLS LAST ascending and NULLS FIRST descending are what the index does anyway
            nulls: NullsOrder::unless_default(nulls, desc),
            opclass,
        });
    }
    if columns.is_empty() {
        cx.err(
            cols_node.pos,
            "invalid-value",
            "an index has no columns".to_string(),
            "list at least one column".to_string(),
        );
        return None;
    }
    let mut ix = Index {
        columns,
        ..Default::default()
    };
    if let Some(v) = get(m, "unique") {
        ix.unique = cx.boolean(v, "\"unique\"").unwrap_or(false);
    }
    if let Some(v) = get(m, "using") {
        ix.using = match cx
            .choice(v, &["btree", "gin", "gist"], "\"using\"")
            .as_deref()
        {
            Some("gin") => IndexMethod::Gin,
            Some("gist") => IndexMethod::Gist,
            _ => IndexMethod::Btree,
        };
    }
    if let Some(v) = get(m, "sharded") {
        if let Some(sm) = cx.map(v, "\"sharded\"") {
            cx.check_keys(sm, &["buckets"], "\"sharded\"");
            if let Some(b) = cx.require(sm, "buckets", v.pos, "\"sharded\"", "add `buckets: 16`") {
                if let Some(n) = cx.int(b, "\"buckets\"") {
                    if !(2..=2048).contains(&n) {
                        cx.err(b.pos, "sharded-buckets", format!("buckets = {n} is out of range"), "a hash-sharded index needs between 2 and 2048 buckets; 16 is CockroachDB's default".to_string());
                    } else {
                        ix.sharded_buckets = Some(n as u32);
                    }
                }
            }
        }
    }
    if let Some(v) = get(m, "storing") {
        if let Some(list) = cx.ident_list(v, "\"storing\"", "a stored column") {
            for (j, (c, pos)) in list.into_iter().enumerate() {
                origins.set(&["storing", t, &idx, &j.to_string()], &cx.file, pos);
                ix.storing.push(c);
            }
        }
    }
    if let Some(v) = get(m, "where") {
        ix.predicate = cx.expression(v, "where").map(|s| s.trim().to_string());
    }
    if let Some(v) = get(m, "zone") {
        let label = given.clone().unwrap_or_else(|| "an index".to_string());
        let zcx = ZoneCx {
            multi_region: db.dialect == Dialect::Cockroach && db.primary_region.is_some(),
            regions: &db.regions,
            owner: format!("index \"{t}@{label}\""),
            extension: false,
        };
        ix.zone = read_zone(cx, v, &zcx);
    }
    let names: Vec<String> = ix.columns.iter().map(|c| c.name.clone()).collect();
    let bare = super::schemas::name_of(t);
    ix.name = given
        .unwrap_or_else(|| generated_name(bare, &names, if ix.unique { "key" } else { "idx" }));
    ix.comment = read_comment(cx, m, &format!("index \"{}\"", ix.name));
    Some(ix)
}

fn read_fk(
    cx: &mut Cx,
    item: &Node,
    t: &str,
    i: usize,
    origins: &mut Origins,
) -> Option<ForeignKey> {
    let idx = i.to_string();
    let m = cx.map(item, "a foreign key")?;
    cx.check_keys(m, FK_KEYS, "a foreign key");
    origins.set(&["fk", t, &idx], &cx.file, item.pos);
    let given = get(m, "name").and_then(|v| {
        origins.set(&["name", t, "fk", &idx], &cx.file, v.pos);
        cx.ident(v, "a foreign key name")
    });
    let cols = cx
        .require(
            m,
            "columns",
            item.pos,
            "a foreign key",
            "add `columns: [<column>, ...]`",
        )
        .and_then(|n| cx.ident_list(n, "the columns of a foreign key", "a column name"));
    let refs = cx.require(
        m,
        "references",
        item.pos,
        "a foreign key",
        "add `references: { table: <table>, columns: [<column>] }`",
    );
    let mut ref_table = None;
    let mut ref_cols = None;
    if let Some(r) = refs {
        if let Some(rm) = cx.map(r, "\"references\"") {
            cx.check_keys(rm, &["table", "columns"], "\"references\"");
            if let Some(tn) = cx.require(
                rm,
                "table",
                r.pos,
                "\"references\"",
                "add `table: <referenced table>`",
            ) {
                origins.set(&["fkref", t, &idx], &cx.file, tn.pos);
                // `t` (public) or `schema.t`: a key of the model
                ref_table = super::schemas::read_reference(cx, tn, "the referenced table");
            }
            ref_cols = cx
                .require(
                    rm,
                    "columns",
                    r.pos,
                    "\"references\"",
                    "add `columns: [<referenced column>, ...]`",
                )
                .and_then(|n| cx.ident_list(n, "the referenced columns", "a column name"));
        }
    }
    let action = |cx: &mut Cx, key: &str| -> FkAction {
        match get(m, key)
            .and_then(|v| cx.choice(v, FK_ACTIONS, &format!("\"{key}\"")))
            .as_deref()
        {
            Some("restrict") => FkAction::Restrict,
            Some("cascade") => FkAction::Cascade,
            Some("set_null") => FkAction::SetNull,
            Some("set_default") => FkAction::SetDefault,
            _ => FkAction::NoAction,
        }
    };
    let on_delete = action(cx, "on_delete");
    let on_update = action(cx, "on_update");
    let match_full = get(m, "match")
        .and_then(|v| cx.choice(v, &["simple", "full"], "\"match\""))
        .is_some_and(|v| v == "full");
    let flag = |cx: &mut Cx, key: &str| {
        get(m, key)
            .and_then(|v| cx.boolean(v, &format!("\"{key}\"")))
            .unwrap_or(false)
    };
    let deferrable = flag(cx, "deferrable");
    let initially_deferred = flag(cx, "initially_deferred");
    if let (true, false, Some(v)) = (initially_deferred, deferrable, get(m, "initially_deferred")) {
        cx.err(
            v.pos,
            "invalid-value",
            "initially_deferred: true on a foreign key that is not deferrable".to_string(),
            "add `deferrable: true` (a constraint must be DEFERRABLE to start deferred)"
                .to_string(),
        );
    }
    let (cols, ref_table, ref_cols) = (cols?, ref_table?, ref_cols?);
    for (j, (_, pos)) in cols.iter().enumerate() {
        origins.set(&["fkcol", t, &idx, &j.to_string()], &cx.file, *pos);
    }
    for (j, (_, pos)) in ref_cols.iter().enumerate() {
        origins.set(&["fkrefcol", t, &idx, &j.to_string()], &cx.file, *pos);
    }
    let columns: Vec<String> = cols.into_iter().map(|(c, _)| c).collect();
    let name =
        given.unwrap_or_else(|| generated_name(super::schemas::name_of(t), &columns, "fkey"));
    let comment = read_comment(cx, m, &format!("foreign key \"{name}\""));
    Some(ForeignKey {
        name,
        columns,
        ref_table,
        ref_columns: ref_cols.into_iter().map(|(c, _)| c).collect(),
        on_delete,
        on_update,
        match_full,
        deferrable,
        initially_deferred,
        comment,
    })
}

/// `comment:` of an index or a constraint (`COMMENT ON INDEX` / `COMMENT ON CONSTRAINT`):
/// text, and not empty (an empty comment is how both servers remove one, so it could never
/// be read back).
fn read_comment(cx: &mut Cx, m: &[(yaml::Key, Node)], owner: &str) -> Option<String> {
    let n = get(m, "comment")?;
    let text = cx.text(n, &format!("the comment of {owner}"))?;
    if text.is_empty() {
        cx.err(
            n.pos,
            "invalid-value",
            format!("the comment of {owner} is empty"),
            "write the comment's text, or remove `comment` (no comment)".to_string(),
        );
        return None;
    }
    Some(text)
}
