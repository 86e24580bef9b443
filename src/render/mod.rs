//! render: each typed `Change` of a plan -> SQL statements, through one minijinja template per
//! change kind (`templates/<kind>.sql.j2`), in the CockroachDB or the PostgreSQL dialect.
//!
//! Stage: may import model, diff, plan, dialect and sql — nothing of apply (docs/architecture.md).
//!
//! Templates decide what SQL to write; Rust only supplies the change (serialised with serde),
//! small derived values (zone settings) and the filters that must exist in one place:
//! `ident` (identifier quoting), `literal` (string literals), `sql_type` (a column type per
//! dialect), the `crdb_only` test (a default PostgreSQL cannot run) and, from the capability
//! table `dialect::FEATURES`, `supports` in every context (`supports.zone_configs`) and the
//! `supports` filter for macros (`dialect|supports("crdb_only_defaults")`).

pub mod keywords;

use crate::dialect;
use crate::diff::change::with_change_kinds;
use crate::diff::Change;
use crate::model::types::{sql_string, Dialect, ZoneConfig};
use crate::plan::Plan;
use anyhow::{bail, Context, Result};
use minijinja::{context, AutoEscape, Environment, UndefinedBehavior, Value};
use serde::Serialize;
use std::path::Path;

/// The templates compiled into the binary: the `_` helpers (imported by the kind templates,
/// never rendered for a change), then one per change kind, from the list of kinds.
macro_rules! builtin_templates {
    ($( $(#[$meta:meta])* $variant:ident = $id:literal { $($fields:tt)* }, )*) => {
        &[
            (
                "_macros.sql.j2",
                include_str!("../../templates/_macros.sql.j2"),
            ),
            (
                "_preamble.sql.j2",
                include_str!("../../templates/_preamble.sql.j2"),
            ),
            $( (
                concat!($id, ".sql.j2"),
                include_str!(concat!("../../templates/", $id, ".sql.j2")),
            ), )*
        ]
    };
}
const BUILTIN: &[(&str, &str)] = with_change_kinds!(builtin_templates);

/// The file name of the template that renders a change kind.
pub fn template_name(kind: &str) -> String {
    format!("{kind}.sql.j2")
}

/// Names of the built-in templates (kinds and `_` helpers), for tests and `bmdb init`.
pub fn builtin_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.iter().copied()
}

/// Change kinds CockroachDB runs on a `schema_locked` table only after the table is unlocked
/// by hand: it unlocks a table itself for the statements of its declarative schema changer,
/// not for these. `set_locality`: cockroachdb/docs
/// `src/current/_includes/v26.1/cdc/cdc-schema-locked-example.md` at 9950a7a7 (line 10:
/// "certain schema changes (such as `ALTER TABLE ... SET LOCALITY`) cannot automatically unset
/// it"; v26.2 moved SET LOCALITY to the declarative schema changer, #161763).
/// `configure_zone` on a table or index: cockroachdb/cockroach
/// `pkg/sql/logictest/testdata/logic_test/schema_locked` at 82f797ac, `subtest zone_config`
/// (`ALTER TABLE ref CONFIGURE ZONE USING num_replicas = 11` fails with 57000 on a locked
/// table). Unlocking before a statement that would have unlocked by itself costs one more
/// schema change, never a failure. Any other statement refused for a lock is unlocked by apply
/// (`apply::exec`).
pub const UNLOCKING_KINDS: [&str; 2] = ["set_locality", "configure_zone"];

/// The table to unlock around `change`, if it needs one.
fn unlocks(change: &crate::diff::Change, locked: &std::collections::BTreeSet<String>) -> Value {
    match change.table() {
        Some(t) if UNLOCKING_KINDS.contains(&change.kind()) && locked.contains(t) => Value::from(t),
        _ => Value::from(false),
    }
}

/// What a rendering is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderContext {
    pub dialect: Dialect,
    pub database: String,
    pub multi_region: bool,
    /// Set by the caller: the desired model has GEOGRAPHY/GEOMETRY and the current does not.
    pub postgis_needed: bool,
}

/// The SQL of one plan step; may be empty (a CockroachDB-only change in postgres).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RenderedStep {
    /// Each a complete SQL statement ending in `;`, to be run on its own.
    pub statements: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RenderedPlan {
    /// Statements to run before the steps (e.g. `CREATE EXTENSION IF NOT EXISTS postgis;`).
    pub preamble: Vec<String>,
    /// `steps[i]` renders `plan.steps[i]`.
    pub steps: Vec<RenderedStep>,
    /// What the rendering left out, one entry per feature of `dialect::FEATURES` the dialect
    /// lacks, e.g. `locality (9 tables)`; on CockroachDB only what PostgreSQL alone has.
    pub left_out: Vec<String>,
    /// The dialect rendered, which the left-out line names.
    pub dialect: Dialect,
}

impl RenderedPlan {
    /// One line naming which settings the dialect lacks and the rendering left out.
    pub fn left_out_line(&self) -> Option<String> {
        if self.left_out.is_empty() {
            None
        } else {
            Some(format!(
                "{} dialect: left out {}",
                self.dialect.as_str(),
                self.left_out.join(", ")
            ))
        }
    }

    /// Every statement, preamble first, in the order they run.
    pub fn statements(&self) -> impl Iterator<Item = &String> {
        self.preamble
            .iter()
            .chain(self.steps.iter().flat_map(|s| s.statements.iter()))
    }
}

/// THE identifier-quoting function: a name stays bare only if it is a lower-case SQL word
/// (`[a-z_][a-z0-9_$]*`) that is not a keyword needing quotes; otherwise it is put in
/// double quotes with any `"` doubled.
pub fn quote_ident(name: &str) -> String {
    let mut chars = name.chars();
    let plain = match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c == '_' => {
            chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        }
        _ => false,
    };
    if plain && !keywords::is_reserved(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// THE quoting of an object's key (`crate::model::schemas`): `players`, `game.players`,
/// `game."Order"`, each part quoted as [`quote_ident`] quotes it. Tables, views, sequences,
/// enum types and their references are rendered through it (the `qident` filter).
pub fn quote_qualified(key: &str) -> String {
    match key.split_once('.') {
        None => quote_ident(key),
        Some((schema, name)) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
    }
}

/// An object that lives in the schema of the object keyed `key` (an index in its table's
/// schema): `name` quoted, qualified by that schema outside public (`game.players_name_idx`,
/// what PostgreSQL's `DROP INDEX` and `COMMENT ON INDEX` take).
pub fn quote_sibling(name: &str, key: &str) -> String {
    let schema = crate::model::schemas::schema_of(key);
    if schema == crate::model::schemas::PUBLIC {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(schema), quote_ident(name))
    }
}

/// A column type as the dialect spells it. Types are canonical CockroachDB names (see
/// `Column::ty`); PostgreSQL gets its own name for the few that differ.
fn sql_type(ty: &str, dialect: Dialect) -> String {
    if let Some(elem) = ty.strip_suffix("[]") {
        return format!("{}[]", sql_type(elem, dialect));
    }
    // an enum's name (a lower-case word bmdb does not model as a type): quoted when it is a
    // keyword (`order`); a type kept as written is already the server's spelling
    if crate::model::enums::valid_enum_name(ty)
        && crate::model::normalize::canonical_type(ty, dialect).is_none()
    {
        return quote_ident(ty);
    }
    // an enum of another schema, by its key (`game.mood`)
    if let Some((schema, name)) = ty.split_once('.') {
        if crate::model::schemas::valid_schema_name(schema)
            && crate::model::enums::valid_enum_name(name)
        {
            return quote_qualified(ty);
        }
    }
    if dialect == Dialect::Cockroach {
        return ty.to_string();
    }
    let upper = ty.to_ascii_uppercase();
    match upper.as_str() {
        "STRING" => "TEXT".to_string(),
        "BYTES" => "BYTEA".to_string(),
        "FLOAT8" => "DOUBLE PRECISION".to_string(),
        "FLOAT4" => "REAL".to_string(),
        "CRDB_INTERNAL_REGION" => "TEXT".to_string(),
        // STRING(n) is CockroachDB's VARCHAR(n).
        _ if upper.starts_with("STRING(") => format!("VARCHAR{}", &ty["STRING".len()..]),
        _ => ty.to_string(),
    }
}

/// The name PostgreSQL gives the sequence of a SERIAL column (`table_column_seq`, fitted
/// to 63 bytes): the model's own function, which also refuses a sequence of that name.
pub use crate::model::sequences::serial_sequence;

/// Renders plans; holds the compiled templates.
pub struct Renderer {
    env: Environment<'static>,
    /// The templates the project's `templates/` overrides (errors name their file).
    overridden: std::collections::HashSet<String>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").finish_non_exhaustive()
    }
}

impl Renderer {
    /// Built-in templates embedded in the binary, overridden by any file of the same name in
    /// `<project>/templates/` when `project_dir` is given.
    pub fn new(project_dir: Option<&Path>) -> Result<Renderer> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_filter("serial_sequence", |table: &str, column: &str| {
            serial_sequence(table, column)
        });
        // The filters take any value and say what was wrong with it: a misspelt field arrives
        // undefined, and "value is not a string" would not lead anyone to the field.
        env.add_filter("ident", |name: Value| -> Result<String, minijinja::Error> {
            Ok(quote_ident(&text_arg(&name, "ident")?))
        });
        // a table, view, sequence or enum by its key: `players`, `game.players`
        env.add_filter("qident", |key: Value| -> Result<String, minijinja::Error> {
            Ok(quote_qualified(&text_arg(&key, "qident")?))
        });
        // `key|unqualified`: the object's own name without its schema, `s` of `game.s` (what
        // RENAME TO takes: the object stays in its schema)
        env.add_filter(
            "unqualified",
            |key: Value| -> Result<String, minijinja::Error> {
                Ok(quote_ident(crate::model::schemas::name_of(&text_arg(
                    &key,
                    "unqualified",
                )?)))
            },
        );
        // `index|sibling(table)`: an index (a name) in its table's schema, `game.players_idx`
        env.add_filter(
            "sibling",
            |name: Value, key: Value| -> Result<String, minijinja::Error> {
                Ok(quote_sibling(
                    &text_arg(&name, "sibling")?,
                    &text_arg(&key, "sibling")?,
                ))
            },
        );
        env.add_filter(
            "literal",
            |text: Value| -> Result<String, minijinja::Error> {
                Ok(sql_string(&text_arg(&text, "literal")?))
            },
        );
        env.add_filter(
            "idents",
            |names: Value| -> Result<String, minijinja::Error> {
                Ok(list_arg(&names, "idents")?
                    .iter()
                    .map(|n| quote_ident(n))
                    .collect::<Vec<_>>()
                    .join(", "))
            },
        );
        env.add_filter(
            "sql_type",
            |ty: Value, dialect: &str| -> Result<String, minijinja::Error> {
                Ok(sql_type(
                    &text_arg(&ty, "sql_type")?,
                    parse_dialect(dialect)?,
                ))
            },
        );
        // `GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(options)]` of a column's `identity`.
        env.add_filter(
            "identity",
            |id: Value| -> Result<String, minijinja::Error> {
                let bad = |e: String| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("identity: not an identity ({e})"),
                    )
                };
                let json = serde_json::to_value(&id).map_err(|e| bad(e.to_string()))?;
                let id: crate::model::types::Identity =
                    serde_json::from_value(json).map_err(|e| bad(e.to_string()))?;
                Ok(id.definition_sql())
            },
        );
        env.add_test(
            "crdb_only",
            |expr: Value| -> Result<bool, minijinja::Error> {
                Ok(dialect::is_crdb_only_default(&text_arg(
                    &expr,
                    "crdb_only",
                )?))
            },
        );
        // `dialect|supports("flag")`: for macros, which do not see the template's `supports`.
        env.add_filter(
            "supports",
            |dialect: &str, flag: &str| -> Result<bool, minijinja::Error> {
                let feature = dialect::feature(flag).ok_or_else(|| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("no dialect feature is named {flag:?}"),
                    )
                })?;
                Ok(feature.supported_by(parse_dialect(dialect)?))
            },
        );

        for &(name, source) in BUILTIN {
            env.add_template(name, source)
                .with_context(|| format!("built-in template {name} does not compile"))?;
        }
        let overridden = match project_dir {
            Some(dir) => load_overrides(&mut env, &dir.join("templates"))?,
            None => Default::default(),
        };
        Ok(Renderer { env, overridden })
    }

    pub fn render_plan(&self, plan: &Plan, ctx: &RenderContext) -> Result<RenderedPlan> {
        self.render_plan_unlocking(plan, ctx, &std::collections::BTreeSet::new())
    }

    /// [`Self::render_plan`] for a database whose tables in `schema_locked` have CockroachDB's
    /// `schema_locked` on (read from the live catalog): the steps of [`UNLOCKING_KINDS`] on
    /// them are rendered between `SET (schema_locked = false)` and `SET (schema_locked =
    /// true)`.
    pub fn render_plan_unlocking(
        &self,
        plan: &Plan,
        ctx: &RenderContext,
        schema_locked: &std::collections::BTreeSet<String>,
    ) -> Result<RenderedPlan> {
        // What the dialect has, from the capability table: templates test `supports.<flag>`.
        let supports = Value::from_serialize(dialect::supports(ctx.dialect));
        let preamble = self.render_template(
            "_preamble.sql.j2",
            context! {
                dialect => ctx.dialect.as_str(),
                supports => supports.clone(),
                database => &ctx.database,
                multi_region => ctx.multi_region,
                postgis_needed => ctx.postgis_needed,
            },
        )?;
        let render_step = |i: usize| -> Result<RenderedStep> {
            let change = &plan.steps[i].change;
            // No template sees an expression that is not exactly one SQL expression, whatever
            // path the model took (validation refuses them first, with the file position).
            for (what, expr) in change.rendered_expressions() {
                if let Err(e) = crate::sql::check_expression(expr) {
                    anyhow::bail!(
                        "step {}: {} {}: the {what} `{}` is not one SQL expression: {e}",
                        i + 1,
                        change.kind(),
                        change.object(),
                        expr.escape_debug()
                    );
                }
            }
            let name = template_name(change.kind());
            let values = context! {
                change => Value::from_serialize(change),
                dialect => ctx.dialect.as_str(),
                supports => supports.clone(),
                database => &ctx.database,
                multi_region => ctx.multi_region,
                zone => zone_values(change),
                override_multi_region => plan.needs_zone_override(i),
                schema_locked => unlocks(change, schema_locked),
            };
            let statements = self.render_template(&name, values).with_context(|| {
                format!("step {}: {} {}", i + 1, change.kind(), change.object())
            })?;
            Ok(RenderedStep { statements })
        };
        // Steps render independently: a large plan (a new 10,000-table model) uses every core.
        let n = plan.steps.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .min(8);
        let steps: Vec<RenderedStep> = if threads < 2 || n < 512 {
            (0..n).map(render_step).collect::<Result<_>>()?
        } else {
            let chunk = n.div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..n)
                    .step_by(chunk)
                    .map(|start| {
                        let render_step = &render_step;
                        scope.spawn(move || {
                            (start..(start + chunk).min(n))
                                .map(render_step)
                                .collect::<Result<Vec<_>>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a render thread panicked"))
                    .collect::<Result<Vec<Vec<_>>>>()
            })?
            .into_iter()
            .flatten()
            .collect()
        };
        let left_out = dialect::left_out(plan.steps.iter().map(|s| &s.change), ctx.dialect);
        Ok(RenderedPlan {
            preamble,
            steps,
            left_out,
            dialect: ctx.dialect,
        })
    }

    fn render_template(&self, name: &str, values: Value) -> Result<Vec<String>> {
        let template = self
            .env
            .get_template(name)
            .with_context(|| format!("template {name} is missing"))?;
        let text = template
            .render(&values)
            .map_err(|e| anyhow::anyhow!("{}", self.explain(name, &values, &e)))?;
        split_statements(&text)
    }

    /// A template error as a person can act on it: the file and line, the expression, the
    /// field that does not exist with the closest one the template receives, and where the
    /// fields are documented; not minijinja's dump of every variable.
    fn explain(&self, name: &str, values: &Value, e: &minijinja::Error) -> String {
        let at = e.name().unwrap_or(name);
        let file = if self.overridden.contains(at) {
            format!("templates/{at}")
        } else {
            format!("built-in template {at}")
        };
        let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
        // The span may start mid-path (`.tabel.name` of `change.tabel.name`): widen it to the
        // whole dotted name.
        let expr = match (e.template_source(), e.range()) {
            (Some(src), Some(r)) => {
                let path_char = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
                let path_start = |end: usize| {
                    src[..end]
                        .char_indices()
                        .rev()
                        .take_while(|(_, c)| path_char(*c))
                        .last()
                        .map_or(end, |(i, _)| i)
                };
                let mut start = path_start(r.start.min(src.len()));
                // A filter's span is its name: take in the value it filtered (`t.nmae|ident`).
                let before = src[..start].trim_end();
                if let Some(value_end) = before.strip_suffix('|').map(|b| b.trim_end().len()) {
                    start = path_start(value_end);
                }
                src.get(start..r.end).map(|x| x.trim().to_string())
            }
            _ => None,
        };
        let what = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        let mut out = format!("template {name} failed: {file}{line}: {what}");
        if let Some(expr) = &expr {
            out.push_str(&format!(" in `{expr}`"));
        }
        let mut keys = std::collections::BTreeSet::new();
        collect_keys(values, &mut keys, 0);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        // The missing field of an undefined value: the first name after a dot that nothing
        // the template receives is called (the first name may be a template variable).
        let field = expr
            .as_deref()
            .filter(|_| e.kind() == minijinja::ErrorKind::UndefinedError)
            .and_then(|x| x.split('|').next())
            .and_then(|x| {
                x.trim()
                    .split('.')
                    .skip(1)
                    .map(str::trim)
                    .find(|f| !f.is_empty() && !keys.contains(f))
            });
        let mut help = format!(
            "the fields `{}` receives are listed in docs/templates.md",
            name.trim_end_matches(".sql.j2")
        );
        if let Some(f) = field {
            help = format!("no field is named `{f}`; {help}");
            if let Some(s) = crate::model::normalize::did_you_mean(f, &keys) {
                help = format!("did you mean `{s}`? {help}");
            }
        }
        format!("{out}\n  help: {help}")
    }
}

/// Every map key in `v`, however deep (the names a template can reach).
fn collect_keys(v: &Value, out: &mut std::collections::BTreeSet<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match v.kind() {
        minijinja::value::ValueKind::Map => {
            if let Ok(keys) = v.try_iter() {
                for k in keys {
                    if let Ok(item) = v.get_item(&k) {
                        collect_keys(&item, out, depth + 1);
                    }
                    if let Some(k) = k.as_str() {
                        out.insert(k.to_string());
                    }
                }
            }
        }
        minijinja::value::ValueKind::Seq => {
            if let Ok(items) = v.try_iter() {
                for item in items {
                    collect_keys(&item, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// A filter's string argument; an undefined one (a field that does not exist) or another
/// kind of value is an error saying so.
fn text_arg(v: &Value, filter: &str) -> Result<String, minijinja::Error> {
    if v.is_undefined() {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("`{filter}` was given a field that does not exist"),
        ));
    }
    v.as_str().map(str::to_string).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "`{filter}` needs a string, but was given the {} {}",
                v.kind(),
                short(v)
            ),
        )
    })
}

/// A value as an error shows it: cut at 60 characters.
fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 60 {
        text
    } else {
        format!("{}...", text.chars().take(57).collect::<String>())
    }
}

/// A filter's list-of-strings argument, checked like [`text_arg`].
fn list_arg(v: &Value, filter: &str) -> Result<Vec<String>, minijinja::Error> {
    if v.is_undefined() {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("`{filter}` was given a field that does not exist"),
        ));
    }
    let not_list = || {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "`{filter}` needs a list of strings, but was given the {} {}",
                v.kind(),
                short(v)
            ),
        )
    };
    if v.kind() != minijinja::value::ValueKind::Seq {
        return Err(not_list());
    }
    v.try_iter()
        .map_err(|_| not_list())?
        .map(|item| item.as_str().map(str::to_string).ok_or_else(not_list))
        .collect()
}

fn parse_dialect(name: &str) -> Result<Dialect, minijinja::Error> {
    match name {
        "cockroach" => Ok(Dialect::Cockroach),
        "postgres" => Ok(Dialect::Postgres),
        other => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("unknown dialect {other:?}: expected \"cockroach\" or \"postgres\""),
        )),
    }
}

/// Adds `<dir>/*.sql.j2`, replacing built-ins of the same name. A file that matches neither a
/// built-in nor a `_helper` name is an error: a misspelt override would otherwise be ignored.
fn load_overrides(
    env: &mut Environment<'static>,
    dir: &Path,
) -> Result<std::collections::HashSet<String>> {
    let mut names = std::collections::HashSet::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(names),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut files: Vec<_> = entries
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("cannot read {}", dir.display()))?;
    files.sort_by_key(|e| e.file_name());
    for entry in files {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !file_name.ends_with(".sql.j2") {
            continue;
        }
        let known = BUILTIN.iter().any(|(n, _)| *n == file_name);
        if !known && !file_name.starts_with('_') {
            bail!(
                "{}: no change kind is named {:?}; an override must be named after one of: {}",
                entry.path().display(),
                file_name.trim_end_matches(".sql.j2"),
                Change::ALL_KINDS.join(", ")
            );
        }
        let source = std::fs::read_to_string(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        env.add_template_owned(file_name.clone(), source)
            .with_context(|| format!("{} does not compile", entry.path().display()))?;
        names.insert(file_name);
    }
    Ok(names)
}

/// Derived values for `configure_zone`: the settings to write, the fields the new zone drops,
/// and whether the multi-region override must be on around the statements.
fn zone_values(change: &Change) -> Value {
    let Change::ConfigureZone { from, to, .. } = change else {
        return Value::UNDEFINED;
    };
    let settings: Vec<(&str, String)> = to.as_ref().map(ZoneConfig::settings).unwrap_or_default();
    let kept: Vec<&str> = settings.iter().map(|(k, _)| *k).collect();
    let removed_fields: Vec<&str> = from
        .as_ref()
        .map(|f| {
            f.settings()
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| !kept.contains(k))
                .collect()
        })
        .unwrap_or_default();
    // Touching a zone whose protected fields were overridden needs the override again.
    let override_multi_region = to.as_ref().is_some_and(|z| z.override_multi_region)
        || from.as_ref().is_some_and(|z| z.override_multi_region);
    context! { settings, removed_fields, override_multi_region }
}

/// Splits rendered text into statements, each ending in `;`. Templates pass defaults, checks
/// and predicates through as the schema's authors wrote them (E'' escapes, dollar quotes), so
/// this is the same splitter `apply` uses on the written file: one notion of a statement.
fn split_statements(text: &str) -> Result<Vec<String>> {
    let statements = crate::sql::split_statements(text)
        .map_err(|e| anyhow::anyhow!("the rendered SQL does not split into statements: {e}"))?;
    // A template's own `--` comment lines above a statement stay with it (they end up in the
    // migration file, where a reviewer reads them).
    Ok(statements
        .into_iter()
        .map(|s| {
            let mut text = s.header.join("\n");
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(s.sql.trim_end());
            text.push(';');
            text
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_ident_leaves_plain_lower_case_names_bare() {
        assert_eq!(quote_ident("players"), "players");
        assert_eq!(quote_ident("_tmp"), "_tmp");
        assert_eq!(quote_ident("item_2$x"), "item_2$x");
    }

    #[test]
    fn quote_ident_quotes_mixed_case_hyphen_digits_first_and_empty() {
        assert_eq!(quote_ident("PlayerStats"), "\"PlayerStats\"");
        assert_eq!(quote_ident("us-west-2"), "\"us-west-2\"");
        assert_eq!(quote_ident("2fa"), "\"2fa\"");
        assert_eq!(quote_ident("has space"), "\"has space\"");
        assert_eq!(quote_ident(""), "\"\"");
    }

    #[test]
    fn quote_ident_quotes_reserved_words_from_both_dialects() {
        for word in [
            "user", "order", "table", "select", "index", "family", "primary", "int",
        ] {
            assert_eq!(quote_ident(word), format!("\"{word}\""), "{word}");
        }
        // PostgreSQL-only reserved words (CockroachDB lists them as unreserved).
        for word in ["freeze", "verbose", "isnull", "left"] {
            assert_eq!(quote_ident(word), format!("\"{word}\""), "{word}");
        }
        // Unreserved keywords are fine as names in both.
        for word in ["name", "data", "region", "zone", "level"] {
            assert_eq!(quote_ident(word), word, "{word}");
        }
    }

    #[test]
    fn keys_are_quoted_part_by_part() {
        assert_eq!(quote_qualified("players"), "players");
        assert_eq!(quote_qualified("game.players"), "game.players");
        assert_eq!(quote_qualified("game.Order"), "game.\"Order\"");
        assert_eq!(quote_qualified("game.order"), "game.\"order\"");
        assert_eq!(
            quote_sibling("players_idx", "game.players"),
            "game.players_idx"
        );
        assert_eq!(quote_sibling("players_idx", "players"), "players_idx");
        for d in [Dialect::Cockroach, Dialect::Postgres] {
            assert_eq!(sql_type("game.mood", d), "game.mood");
            assert_eq!(sql_type("game.mood[]", d), "game.mood[]");
            assert_eq!(sql_type("game.order", d), "game.\"order\"");
        }
    }

    #[test]
    fn quote_ident_doubles_embedded_quotes_and_quotes_unicode() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("straße"), "\"straße\"");
        assert_eq!(quote_ident("日本"), "\"日本\"");
    }

    #[test]
    fn postgres_types_use_postgres_names() {
        let pg = |t| sql_type(t, Dialect::Postgres);
        assert_eq!(pg("STRING"), "TEXT");
        assert_eq!(pg("STRING[]"), "TEXT[]");
        assert_eq!(pg("STRING(32)"), "VARCHAR(32)");
        assert_eq!(pg("BYTES"), "BYTEA");
        assert_eq!(pg("FLOAT8"), "DOUBLE PRECISION");
        assert_eq!(pg("FLOAT4"), "REAL");
        assert_eq!(pg("crdb_internal_region"), "TEXT");
        assert_eq!(pg("GEOGRAPHY(POINT,4326)"), "GEOGRAPHY(POINT,4326)");
        assert_eq!(pg("INT8"), "INT8");
        assert_eq!(sql_type("STRING", Dialect::Cockroach), "STRING");
        // enums by name, quoted when a keyword; a type kept as written stays as it is
        for d in [Dialect::Cockroach, Dialect::Postgres] {
            assert_eq!(sql_type("player_status", d), "player_status");
            assert_eq!(sql_type("player_status[]", d), "player_status[]");
            assert_eq!(sql_type("order", d), "\"order\"");
            assert_eq!(
                sql_type("character varying(8)[]", d),
                "character varying(8)[]"
            );
        }
    }

    #[test]
    fn statements_split_at_top_level_semicolons_only() {
        let text = "COMMENT ON TABLE t IS 'a; b';\n\nALTER TABLE \"x;y\" ADD COLUMN c INT8 DEFAULT E'a\\';b';\n\
                    ALTER TABLE t ADD COLUMN d STRING DEFAULT $$it's; fine$$;\n\
                    -- the player's; own\nDROP TABLE t;";
        assert_eq!(
            split_statements(text).unwrap(),
            vec![
                "COMMENT ON TABLE t IS 'a; b';",
                "ALTER TABLE \"x;y\" ADD COLUMN c INT8 DEFAULT E'a\\';b';",
                "ALTER TABLE t ADD COLUMN d STRING DEFAULT $$it's; fine$$;",
                "-- the player's; own\nDROP TABLE t;"
            ]
        );
        assert!(split_statements("\n  \n").unwrap().is_empty());
        assert!(split_statements("SELECT 'open").is_err());
    }
}
