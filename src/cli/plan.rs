//! `bmdb plan`: model vs the migrations' state -> ordered steps, hazards and SQL.

use super::{Cli, Format};
use crate::catalog;
use crate::db::{scrub_error, ConnectOpts};
use crate::migrations;
use crate::model::Model;
use crate::output;
use crate::plan::Plan;
use crate::project::Project;
use clap::Args;
use comfy_table::Cell;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(mut_arg("url", |a| a.help(crate::db::OFFLINE_URL_HELP)))]
pub struct PlanArgs {
    /// Write the plan as the next migration, migrations/V<n>__NAME.sql, and update the lock.
    #[arg(long, value_name = "NAME")]
    pub write: Option<String>,
    /// Exit 2 when there is something to do (0 when not, 1 on error).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Plan from the live database at --url (not from the migrations' state): the repair
    /// of any drift. With --write, that repair becomes the next migration.
    #[command(flatten)]
    pub connect: ConnectOpts,
    /// Warnings (id, object) already shown by the caller (`zones set` shows the edited
    /// zone's before it keeps the edit): the table leaves them out rather than repeat them.
    #[arg(skip)]
    pub already_shown: Vec<(&'static str, String)>,
}

pub fn run(cli: &Cli, args: &PlanArgs) -> anyhow::Result<ExitCode> {
    // Check the name before anything else so a bad flag changes nothing.
    let slug = args.write.as_deref().map(migrations::slug).transpose()?;
    let project = Project::open(&cli.project, cli.env.as_deref())?;
    let live = args.connect.url.is_some();
    // Replication warnings depend on the model alone: worked out while the plan is made.
    let (planned, warnings) = std::thread::scope(|scope| {
        let warnings = scope.spawn(|| crate::plan::warnings(&project.desired));
        let planned = (|| -> anyhow::Result<_> {
            let (current, plan, not_managed, locked) = if live {
                let secret = args.connect.resolve().ok().and_then(|u| u.password());
                let (have, plan, not_managed, locked) = live_plan(&project, &args.connect)
                    .map_err(|e| scrub_error(e, secret.as_deref()))?;
                (std::borrow::Cow::Owned(have), plan, not_managed, locked)
            } else {
                let current = project.migrated_state();
                let plan = project.plan_from(&current)?;
                (current, plan, Vec::new(), Default::default())
            };
            // against a live database, its schema_locked tables are unlocked around the
            // statements that need it (render::UNLOCKING_KINDS)
            let rendered = project.render_unlocking(&current, &plan, &locked)?;
            Ok((plan, rendered, not_managed))
        })();
        (
            planned,
            warnings.join().expect("the warnings thread panicked"),
        )
    });
    let (plan, rendered, not_managed) = planned?;

    // With environments, --write writes every migrations line at once (each from its own
    // lock, rendered for its dialect), so the phases never diverge: every line is planned
    // and checked before anything is written.
    // Without --write the other lines are planned too, to say when one of them has changes
    // not yet written (a line added later, before its first --write); a line that cannot be
    // planned is then a warning, not this plan's failure.
    let others = match &slug {
        Some(_) => other_lines(cli, &project)?,
        None if live => Vec::new(),
        None => other_lines(cli, &project).unwrap_or_else(|e| {
            anstream::eprintln!(
                "{}: the other migrations lines could not be planned: {}",
                output::warning("warning"),
                crate::db::redact_text(&format!("{e:#}"))
            );
            Vec::new()
        }),
    };
    // (line, environment, changes) of every other line with something to write
    let unwritten: Vec<(String, String, usize)> = match &slug {
        Some(_) => Vec::new(),
        None => others
            .iter()
            .filter(|(_, p, _)| !p.is_empty())
            .map(|(o, p, _)| {
                (
                    o.line.name(),
                    o.environment().map(|e| e.name.clone()).unwrap_or_default(),
                    p.steps.len(),
                )
            })
            .collect(),
    };
    let mut written = None;
    let mut written_others = Vec::new();
    if let Some(slug) = &slug {
        if !plan.is_empty() {
            written = Some(project.write_next(slug, &plan, &rendered)?);
        }
        for (other, plan, rendered) in &others {
            if !plan.is_empty() {
                written_others.push((
                    other.write_next(slug, plan, rendered)?,
                    other.line.lock_name(),
                ));
            }
        }
    }

    match cli.format {
        Format::Json => {
            let steps: Vec<_> = plan
                .steps
                .iter()
                .zip(&rendered.steps)
                .enumerate()
                .map(|(i, (s, r))| {
                    serde_json::json!({
                        "step": i + 1,
                        "kind": s.change.kind(),
                        "object": s.change.object(),
                        "hazards": s.hazards,
                        "sql": r.statements,
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "version": crate::JSON_VERSION,
                "dialect": project.desired.database.dialect.as_str(),
                "changes": plan.steps.len(),
                "destructive": plan.destructive(),
                "preamble": rendered.preamble,
                "steps": steps,
                "left_out": rendered.left_out_line(),
                "warnings": warnings,
                "not_managed": not_managed,
                "written": written.as_ref().map(|p| p.display().to_string()),
                "from": if live { "live" } else { "migrations" },
            });
            let mut doc = doc;
            if let Some(env) = project.environment() {
                // which environment this is, and (with --write) what every other line got
                doc["environment"] = env.name.clone().into();
                doc["line"] = project.line.name().into();
                doc["written_other_lines"] = written_others
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .into();
                doc["unwritten_other_lines"] = unwritten
                    .iter()
                    .map(|(line, env, n)| {
                        serde_json::json!({"line": line, "environment": env, "changes": n})
                    })
                    .collect::<Vec<_>>()
                    .into();
            }
            super::print_document("plan", doc);
        }
        Format::Table => {
            let warnings: Vec<_> = warnings
                .into_iter()
                .filter(|w| !args.already_shown.contains(&(w.id, w.object.clone())))
                .collect();
            print_table(
                &project,
                &plan,
                &rendered,
                &warnings,
                &not_managed,
                written.as_deref(),
                live,
            );
            for (path, lock) in &written_others {
                println!("Wrote {} and updated {lock}.", path.display());
            }
            if slug.is_some() {
                for (other, _, _) in others.iter().filter(|(_, p, _)| p.is_empty()) {
                    println!("No changes in {}.", other.line.name());
                }
            }
            for (line, env, n) in unwritten.iter().filter(|_| !cli.quiet) {
                anstream::eprintln!(
                    "{}: the {line}/ line (environment {env}) has {} not yet written; \
                     `bmdb plan --env {env}` shows {}, `bmdb plan --write NAME` writes every line",
                    output::caution("note"),
                    output::count(*n, "change", "changes"),
                    if *n == 1 { "it" } else { "them" }
                );
            }
        }
    }
    let code = if args.detailed_exitcode && !plan.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    };
    // Freeing a 10,000-table model, its lock state and the rendered plan piece by piece is a
    // tenth of a second: it happens on a thread of its own, so `bmdb plan` exits without
    // waiting for it, while a caller that goes on (`zones set --apply`) gets the memory back
    // instead of leaking it.
    std::thread::spawn(move || drop((project, plan, rendered)));
    Ok(code)
}

/// The plan and SQL of every other migrations line of the project (one per dialect its
/// environments use, besides the one `project` was opened for), each from its own lock.
fn other_lines(
    cli: &Cli,
    project: &Project,
) -> anyhow::Result<Vec<(Project, Plan, crate::render::RenderedPlan)>> {
    let mut out = Vec::new();
    for dialect in project.environments.dialects() {
        if dialect == project.line.dialect {
            continue;
        }
        let env = project
            .environments
            .first_of(dialect)
            .expect("a dialect of the environments has one")
            .name
            .clone();
        let other = Project::open(&cli.project, Some(&env))
            .map_err(|e| e.context(format!("the {} line (environment {env})", dialect.as_str())))?;
        let current = other.migrated_state();
        let plan = other
            .plan_from(&current)
            .map_err(|e| e.context(format!("the {} line (environment {env})", dialect.as_str())))?;
        let rendered = other.render(&current, &plan)?;
        drop(current);
        out.push((other, plan, rendered));
    }
    Ok(out)
}

fn print_table(
    project: &Project,
    plan: &crate::plan::Plan,
    rendered: &crate::render::RenderedPlan,
    warnings: &[crate::zones::ZoneHazard],
    not_managed: &[String],
    written: Option<&std::path::Path>,
    live: bool,
) {
    // Replication hazards are about the model, not the change: shown even with no changes.
    for w in warnings {
        anstream::eprintln!(
            "{}[{}]: {}: {}\n  help: {}",
            output::warning("warning"),
            w.id,
            w.object,
            w.reason,
            w.help
        );
    }
    // What the live database holds beyond the model: never silent, even with no changes.
    for s in not_managed {
        anstream::eprintln!("{}: not modelled: {s}", output::warning("warning"));
    }
    if plan.is_empty() && live {
        println!("No changes: the live database matches the model.");
        return;
    }
    if plan.is_empty() {
        println!(
            "No changes: the model matches the state of {} ({}).",
            output::count(project.files.len(), "migration", "migrations"),
            project.line.lock_name()
        );
        return;
    }
    let mut table = output::table();
    table.set_header(vec!["#", "object", "change", "hazard"]);
    for (i, s) in plan.steps.iter().enumerate() {
        let hz: Vec<String> = s
            .hazards
            .iter()
            .map(|h| {
                format!(
                    "{}{}",
                    h.id,
                    if h.destructive { " (destructive)" } else { "" }
                )
            })
            .collect();
        let colour = if s.hazards.iter().any(|h| h.destructive) {
            comfy_table::Color::Red
        } else {
            comfy_table::Color::Yellow
        };
        // only a hazard is painted: styling every empty cell of a large plan costs
        let hazard = if hz.is_empty() {
            Cell::new("")
        } else {
            Cell::new(hz.join(", ")).fg(colour)
        };
        table.add_row(vec![
            Cell::new(i + 1),
            Cell::new(s.change.object()),
            Cell::new(s.change.kind()),
            hazard,
        ]);
    }
    // One write: stdout is line-buffered, and a 10,000-table plan prints 200,000 lines.
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{table}");
    if let Some(line) = rendered.left_out_line() {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    for s in &rendered.preamble {
        let _ = writeln!(out, "{}", s.trim_end());
    }
    for (i, (step, r)) in plan.steps.iter().zip(&rendered.steps).enumerate() {
        let _ = writeln!(
            out,
            "-- step {}: {} {}",
            i + 1,
            step.change.kind(),
            migrations::comment_text(&step.change.object())
        );
        for h in &step.hazards {
            let _ = writeln!(
                out,
                "-- hazard {}: {}",
                h.id,
                migrations::comment_text(&h.reason)
            );
        }
        for s in &r.statements {
            let _ = writeln!(out, "{}", s.trim_end());
        }
    }
    let _ = writeln!(out);
    let destructive = plan
        .steps
        .iter()
        .filter(|s| s.hazards.iter().any(|h| h.destructive))
        .count();
    let _ = write!(
        out,
        "Plan: {}",
        output::count(plan.steps.len(), "step", "steps")
    );
    if destructive > 0 {
        let _ = write!(
            out,
            ", {}",
            output::danger(&format!(
                "{destructive} destructive (apply needs --allow-destructive)"
            ))
        );
    }
    let _ = writeln!(out, ".");
    let _ = match written {
        Some(p) => writeln!(
            out,
            "Wrote {} and updated {}.",
            p.display(),
            project.line.lock_name()
        ),
        None => writeln!(
            out,
            "Run `bmdb plan --write NAME` to write it as the next migration."
        ),
    };
    output::print_stdout(&out);
}

/// The plan from the live database (read from its catalog) to the model, on the model's
/// projection onto the server's dialect.
/// The plan from the live database, what the database holds that bmdb does not manage, and
/// its tables with `schema_locked` on.
fn live_plan(
    project: &Project,
    connect: &ConnectOpts,
) -> anyhow::Result<(Model, Plan, Vec<String>, std::collections::BTreeSet<String>)> {
    let mut conn = connect.connect()?;
    conn.expect_dialect(project.desired.database.dialect)?;
    let (mut live, mut stats) = catalog::read_catalog(&mut conn)?;
    catalog::drop_ignored(&mut live, &mut stats, &project.desired.database.ignore);
    catalog::reconcile_views_on_server(&mut conn, &mut live, &project.desired);
    let (have, want, changes) = catalog::live_changes(&live, &project.desired);
    crate::diff::refusals::check(&have, &want, crate::diff::Against::Live)?;
    let plan = crate::plan::checked_plan(&have, &want, changes)?;
    Ok((have, plan, stats.skipped, stats.schema_locked))
}
