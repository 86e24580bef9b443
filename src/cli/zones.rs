//! `bmdb zones show|set|unset`. `set`/`unset` edit the model file in place (everything else
//! byte-identical) and then go down the ordinary line: validate, plan, `--write`, `--apply`.

use super::plan::PlanArgs;
use super::{Cli, Format};
use crate::apply::ApplyArgs;
use crate::db::ConnectOpts;
use crate::model::Dialect;
use crate::project::Project;
use crate::zones::edit::{self, MultiRegionGuard, ZoneTargetArg};
use crate::zones::rules::{version_difference, RulesUsed, VersionSource};
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum ZonesCmd {
    /// Every object's effective zone configuration and where each value comes from.
    Show(ShowArgs),
    /// `zones set TARGET KEY=VALUE...`; TARGET is `database`, `range NAME`, `table T` or `index T@I`.
    Set(SetArgs),
    /// `zones unset TARGET KEY...`: remove overrides from the model.
    Unset(UnsetArgs),
}

#[derive(Args, Debug)]
#[command(mut_arg("url", |a| a.help(crate::db::OFFLINE_URL_HELP)))]
pub struct ShowArgs {
    /// Only this object: `database`, `range NAME`, `table T` (with its indexes and
    /// partitions) or `index T@I`; every object when left out.
    #[arg(value_name = "TARGET", num_args = 0..)]
    pub target: Vec<String>,
    /// Every field with its full source, not the compact 80-column table.
    #[arg(long)]
    pub wide: bool,
    /// With --url: the live value beside the model's, differences marked.
    #[command(flatten)]
    pub conn: ConnectOpts,
    /// With --url: exit 2 when a live value differs from the model's.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    /// Write the change as the next migration, migrations/V<n>__NAME.sql.
    #[arg(long, value_name = "NAME")]
    pub write: Option<String>,
    /// Also apply it (needs --write and a connection).
    #[arg(long, requires = "write")]
    pub apply: bool,
    #[command(flatten)]
    pub conn: ConnectOpts,
}

#[derive(Args, Debug)]
pub struct SetArgs {
    /// TARGET words, then KEY=VALUE assignments.
    #[arg(required = true, num_args = 2.., value_name = "TARGET KEY=VALUE")]
    pub words: Vec<String>,
    /// Consent to set a field CockroachDB's multi-region machinery manages; recorded as
    /// `override_multi_region: true` in the zone.
    #[arg(long)]
    pub override_multi_region: bool,
    #[command(flatten)]
    pub edit: EditArgs,
}

#[derive(Args, Debug)]
pub struct UnsetArgs {
    /// TARGET words, then the KEYs to remove.
    #[arg(required = true, num_args = 2.., value_name = "TARGET KEY")]
    pub words: Vec<String>,
    #[command(flatten)]
    pub edit: EditArgs,
}

pub fn run(cli: &Cli, cmd: &ZonesCmd) -> anyhow::Result<ExitCode> {
    let project = Project::open(&cli.project, cli.env.as_deref())?;
    let dialect = project.desired.database.dialect;
    match cmd {
        ZonesCmd::Show(args) => {
            if dialect == Dialect::Postgres {
                match cli.format {
                    Format::Json => println!(
                        "{}",
                        serde_json::json!({"version": crate::JSON_VERSION, "applies": false, "message": not_on_postgres("zones show"), "objects": []})
                    ),
                    Format::Table => println!("{}", not_on_postgres("zones show")),
                }
                return Ok(ExitCode::SUCCESS);
            }
            let only = show_target(&project, &args.target)?;
            if args.conn.url.is_some() {
                return show_live(&project, args, only.as_ref(), cli.format);
            }
            let opts = crate::zones::ShowOptions {
                json: cli.format == Format::Json,
                wide: args.wide,
                only: only.as_ref(),
            };
            println!("{}", crate::zones::zones_show_with(&project.desired, &opts));
            Ok(ExitCode::SUCCESS)
        }
        ZonesCmd::Set(args) => {
            refuse_on_postgres(dialect, "zones set")?;
            check_edit_flags(&args.edit)?;
            let (target, rest) = split_target(&args.words)?;
            let sets = all_or_every_error(rest.iter().map(|a| edit::parse_assignment(a)))?;
            refuse_repeated_keys(sets.iter().map(|(k, _)| *k))?;
            let guard = MultiRegionGuard {
                database_is_multi_region: project.desired.database.is_multi_region(),
                override_multi_region: args.override_multi_region,
            };
            let (edited, shown) = edit_model(cli, &project, &target, |text| {
                edit::set_in_text(text, &target, &sets, guard)
            })?;
            after_edit(cli, &args.edit, edited, shown)
        }
        ZonesCmd::Unset(args) => {
            refuse_on_postgres(dialect, "zones unset")?;
            check_edit_flags(&args.edit)?;
            let (target, rest) = split_target(&args.words)?;
            let keys = all_or_every_error(rest.iter().map(|k| edit::ZoneKey::parse(k)))?;
            refuse_repeated_keys(keys.iter().copied())?;
            let (edited, shown) = edit_model(cli, &project, &target, |text| {
                edit::unset_in_text(text, &target, &keys)
            })?;
            after_edit(cli, &args.edit, edited, shown)
        }
    }
}

/// `zones show TARGET`: the target parsed and checked against the model (did-you-mean for
/// a misspelt table, index or range) before any connection.
fn show_target(project: &Project, words: &[String]) -> anyhow::Result<Option<ZoneTargetArg>> {
    if words.is_empty() {
        return Ok(None);
    }
    let target = edit::parse_target(words)?;
    if let ZoneTargetArg::Extension(_) = target {
        bail!("`zones show` shows objects (`database`, `range NAME`, `table T`, `index T@I`), not an extension\n  help: an extension's values show on the objects it extends, with the source `extension {{global | regional | regional in R}}`; run `bmdb zones show` or `bmdb zones show database`");
    }
    edit::check_target(&project.desired, &target)?;
    Ok(Some(target))
}

/// The model's effective zones beside the live database's, both by the same rules.
fn show_live(
    project: &Project,
    args: &ShowArgs,
    only: Option<&ZoneTargetArg>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    use crate::zones::effective;
    let secret = args.conn.resolve().ok().and_then(|u| u.password());
    let read = || -> anyhow::Result<crate::model::Model> {
        let mut conn = args.conn.connect()?;
        conn.expect_dialect(project.desired.database.dialect)?;
        Ok(crate::catalog::read_catalog(&mut conn)?.0)
    };
    let live = read().map_err(|e| crate::db::scrub_error(e, secret.as_deref()))?;
    // the server's version wins over the declared one: both sides by the server's rules
    let server = live.database.cockroach_version;
    let mut desired = project.desired.clone();
    if server.is_some() {
        desired.database.cockroach_version = server;
    }
    let mut want = effective::effective_zones(&desired);
    if let Some(target) = only {
        want.retain(|z| crate::zones::shows(target, &z.object));
    }
    let have = effective::effective_zones(&live);
    let multi_region = desired.database.is_multi_region() || live.database.is_multi_region();
    let used = server.filter(|_| multi_region).map(|version| RulesUsed {
        version,
        source: VersionSource::Server,
    });
    let note =
        server.and_then(|s| version_difference(project.desired.database.cockroach_version, s));
    let rows = effective::compare(&want, &have);
    match format {
        Format::Json => {
            let mut json = effective::comparison_json(&rows);
            if let Some(used) = used {
                json["placement_rules"] = serde_json::json!({
                    "version": used.version,
                    "source": used.source,
                    "note": note,
                });
            }
            println!("{}", serde_json::to_string_pretty(&json)?)
        }
        Format::Table => {
            let width = (!args.wide).then_some(crate::zones::COMPACT_WIDTH);
            println!(
                "{}",
                effective::render_comparison_table_within(&rows, width)
            );
            if let Some(used) = used {
                println!("{used}");
            }
            if let Some(note) = note {
                println!("{note}");
            }
        }
    }
    let differs = rows.iter().any(|r| r.differs());
    Ok(if differs && args.detailed_exitcode {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--write NAME` and `--apply` are checked before the model file is touched: a bad name or
/// a missing URL must change nothing.
fn check_edit_flags(args: &EditArgs) -> anyhow::Result<()> {
    if let Some(name) = &args.write {
        crate::migrations::slug(name)?;
    }
    if args.apply {
        args.conn.resolve()?;
    }
    Ok(())
}

/// Every bad assignment at once, not the first.
fn all_or_every_error<T>(items: impl Iterator<Item = anyhow::Result<T>>) -> anyhow::Result<Vec<T>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(v) => ok.push(v),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        bail!("{}", errors.join("\n"))
    }
}

fn refuse_repeated_keys(keys: impl Iterator<Item = edit::ZoneKey>) -> anyhow::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for k in keys {
        if !seen.insert(k) {
            bail!(
                "{} is given twice\n  help: give each variable once",
                k.as_str()
            );
        }
    }
    Ok(())
}

fn not_on_postgres(what: &str) -> String {
    format!(
        "`bmdb {what}`: zone configurations are CockroachDB settings and do not apply to this project (dialect: postgres); nothing was changed"
    )
}

fn refuse_on_postgres(dialect: Dialect, what: &str) -> anyhow::Result<()> {
    if dialect == Dialect::Postgres {
        bail!("{}\n  help: set `dialect: cockroach` in regions.yaml when the project moves to CockroachDB", not_on_postgres(what));
    }
    Ok(())
}

/// `database` takes one word; `range`, `table`, `index`, `extension global` and
/// `extension regional` two; `extension regional in REGION` four.
fn split_target(words: &[String]) -> anyhow::Result<(ZoneTargetArg, &[String])> {
    let word = |i: usize| words.get(i).map(String::as_str);
    let n = match (word(0), word(1), word(2)) {
        (Some("database"), _, _) => 1,
        (Some("extension"), Some("regional"), Some("in")) => 4,
        _ => 2,
    };
    let n = n.min(words.len());
    let target = edit::parse_target(&words[..n])?;
    let rest = &words[n..];
    if rest.is_empty() {
        bail!(
            "nothing to change after `{}`; e.g. `bmdb zones set table players gc.ttlseconds=600`",
            words[..n].join(" ")
        );
    }
    Ok((target, rest))
}

/// Edit the file that holds `target`; if the edited model does not load, put the file back.
fn edit_model(
    cli: &Cli,
    project: &Project,
    target: &ZoneTargetArg,
    edit: impl FnOnce(&str) -> anyhow::Result<String>,
) -> anyhow::Result<(PathBuf, Vec<(&'static str, String)>)> {
    edit::check_target(&project.desired, target)?;
    let rel: PathBuf = match target.table() {
        None => PathBuf::from("regions.yaml"),
        Some(t) => crate::model::load::table_file(&cli.project, t)
            .with_context(|| format!("cannot find the schema file of {t:?}"))?,
    };
    let path = cli.project.join(&rel);
    let original =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let edited = edit(&original)?;
    fs::write(&path, &edited).with_context(|| format!("cannot write {}", path.display()))?;
    let edited_project = match Project::open(&cli.project, cli.env.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            fs::write(&path, &original)
                .with_context(|| format!("cannot restore {}", path.display()))?;
            return Err(e.context(format!(
                "the edit would make the model invalid; {} is unchanged",
                rel.display()
            )));
        }
    };
    // The edited zone, complete (inherited values filled in): what CockroachDB would
    // reject is refused and the file put back; what it accepts but cannot satisfy is shown
    // before the edit is kept.
    let (rejected, unsatisfiable) = satisfiability(&edited_project.desired, target);
    if !rejected.is_empty() {
        fs::write(&path, &original)
            .with_context(|| format!("cannot restore {}", path.display()))?;
        let lines: Vec<String> = rejected
            .iter()
            .map(|r| {
                format!(
                    "error[{}]: {}
  help: {}",
                    r.id, r.reason, r.help
                )
            })
            .collect();
        bail!(
            "the edit would give {target} a zone CockroachDB rejects; {} is unchanged\n{}",
            rel.display(),
            lines.join("\n")
        );
    }
    for w in &unsatisfiable {
        anstream::eprintln!(
            "{}[{}]: {}: {}\n  help: {}",
            crate::output::warning("warning"),
            w.id,
            w.object,
            w.reason,
            w.help
        );
    }
    if cli.format == Format::Table {
        println!("Edited {}.", rel.display());
    }
    Ok((
        rel,
        unsatisfiable
            .into_iter()
            .map(|w| (w.id, w.object))
            .collect(),
    ))
}

/// What CockroachDB rejects in `target`'s complete zone, and the satisfiability warnings
/// on it (`zones::satisfy`), in the edited model.
fn satisfiability(
    model: &crate::model::Model,
    target: &ZoneTargetArg,
) -> (Vec<crate::zones::ZoneHazard>, Vec<crate::zones::ZoneHazard>) {
    let label = target.to_string();
    let zones = crate::zones::effective_zones(model);
    // an extension: every object that takes a value from it
    let edited: Vec<&crate::zones::effective::ObjectZone> = match target {
        ZoneTargetArg::Extension(locality) => {
            let locality = locality.to_string();
            zones
                .iter()
                .filter(|z| {
                    z.fields.iter().any(|f| {
                        matches!(&f.source, crate::zones::effective::Source::Extension { locality: l } if *l == locality)
                    })
                })
                .collect()
        }
        _ => zones.iter().filter(|z| z.label() == label).collect(),
    };
    let (mut rejected, mut warnings) = (Vec::new(), Vec::new());
    for z in edited {
        warnings.extend(crate::zones::satisfy::warnings(z, &[]));
        warnings.extend(crate::zones::satisfy::restricted_breach(model, z));
        rejected.extend(crate::zones::satisfy::rejections(z));
    }
    (rejected, warnings)
}

fn after_edit(
    cli: &Cli,
    args: &EditArgs,
    edited: PathBuf,
    already_shown: Vec<(&'static str, String)>,
) -> anyhow::Result<ExitCode> {
    let plan_args = PlanArgs {
        write: args.write.clone(),
        detailed_exitcode: false,
        // the plan of a model edit is against the migrations' state, not a live database
        connect: ConnectOpts::default(),
        already_shown,
    };
    let steps = || -> anyhow::Result<ExitCode> {
        super::plan::run(cli, &plan_args)?;
        if args.apply {
            let cmd = super::apply::ApplyCmd {
                conn: args.conn.clone(),
                args: ApplyArgs::default(),
            };
            return super::apply::run_apply(cli, &cmd);
        }
        Ok(ExitCode::SUCCESS)
    };
    if cli.format == Format::Table {
        return steps();
    }
    // One document: the file edited, the plan, and what apply did (or null).
    let (result, docs) = super::capture_documents(steps);
    let mut doc = serde_json::json!({
        "version": crate::JSON_VERSION,
        "edited": edited.display().to_string(),
        "plan": docs.get("plan"),
        "apply": docs.get("apply"),
    });
    if let Err(e) = &result {
        let command = if args.apply { "apply" } else { "plan" };
        if let serde_json::Value::Object(fields) = super::error_document(command, e) {
            for (k, v) in fields.into_iter().filter(|(k, _)| k != "version") {
                doc[k] = v;
            }
        }
        super::json_error_printed();
    }
    super::print_document("zones", doc);
    result
}
