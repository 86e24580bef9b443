//! A bmdb project on disk, opened: the desired model from the YAML, the lock state the
//! migrations produce, and the plan between them. Every command starts here.
//!
//! Stage: may import model, diff, plan, render and migrations (docs/architecture.md).

use crate::diff;
use crate::migrations::{self, Line, Lock, LockMismatch, MigrationFile};
use crate::model::{self, Dialect, Environment, Environments, Model};
use crate::plan::{self, Plan};
use crate::render::{RenderContext, RenderedPlan, Renderer};
use anyhow::Result;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub struct Project {
    pub dir: PathBuf,
    /// The model as the YAML says it should be (normalised).
    pub desired: Model,
    /// regions.yaml's `environments:` and the one this project was opened for.
    pub environments: Environments,
    /// The migrations line this project plans against (its folder, lock and dialect): the
    /// line of the environment's dialect, or `migrations/` without environments.
    pub line: Line,
    pub lock: Option<Lock>,
    pub files: Vec<MigrationFile>,
}

impl Project {
    /// Load and validate the model for the environment `env` (`--env`; `None`: the default
    /// one), read its migrations line's lock and check it against the line's files.
    /// A model with problems fails with `model::Diagnostics` inside the error.
    pub fn open(dir: &Path, env: Option<&str>) -> Result<Project> {
        let (project, mismatches) = Project::open_with_mismatches(dir, env)?;
        migrations::refuse_mismatches(&project.line, &mismatches)?;
        Ok(project)
    }

    /// `open`, except that migration files disagreeing with the lock are returned instead of
    /// refused (`bmdb drift` reports them): the lock's state still stands for what the
    /// migrations produce.
    pub fn open_with_mismatches(
        dir: &Path,
        env: Option<&str>,
    ) -> Result<(Project, Vec<LockMismatch>)> {
        if !dir.is_dir() {
            anyhow::bail!(
                "--project {}: no such directory\n  help: run bmdb inside a project, pass --project DIR, or create one with `bmdb init DIR`",
                dir.display()
            );
        }
        // The lock (a large JSON state) is read, and the migration files checksummed, while
        // the tables load: the line depends on regions.yaml alone, read first.
        let (desired, migrations) = std::thread::scope(|scope| {
            let mut reader = None;
            let desired = model::load_project_with(dir, env, |envs| {
                let line = line_for(dir, envs);
                reader = Some(scope.spawn(move || -> Result<_> {
                    check_layout(dir, envs_declared(&line), &line)?;
                    let lock = migrations::read_lock(&line)?;
                    let (files, mismatches) = migrations::compare_with_lock(&line, lock.as_ref())?;
                    Ok((line, lock, files, mismatches))
                }));
            });
            let migrations = reader.map(|r| r.join().expect("the lock reader panicked"));
            (desired, migrations)
        });
        // a broken model is the first thing to fix
        let (desired, environments) = desired?;
        let (mut line, lock, files, mismatches) =
            migrations.expect("regions.yaml was read, so the line is known")?;
        if !environments.declared() {
            // the single line's folder does not depend on the dialect; its dialect is the model's
            line.dialect = desired.database.dialect;
        }
        let project = Project {
            dir: dir.to_path_buf(),
            desired,
            environments,
            line,
            lock,
            files,
        };
        Ok((project, mismatches))
    }

    /// The environment the project was opened for (`None` without `environments:`).
    pub fn environment(&self) -> Option<&Environment> {
        self.environments.selected()
    }

    /// The state the committed migrations produce (empty before the first one).
    pub fn migrated_state(&self) -> Cow<'_, Model> {
        // Borrowed: a 10,000-table state is not worth copying just to compare against.
        match &self.lock {
            Some(l) => Cow::Borrowed(&l.state),
            None => Cow::Owned(migrations::empty_state(&self.desired.database)),
        }
    }

    /// The ordered plan from `current` to the desired model, refused (every problem at once)
    /// when a step would be one CockroachDB rejects, before anything is written or sent.
    pub fn plan_from(&self, current: &Model) -> Result<Plan> {
        diff::refusals::check(current, &self.desired, diff::Against::Migrations)?;
        let changes = diff::diff(current, &self.desired);
        Ok(plan::checked_plan(current, &self.desired, changes)?)
    }

    /// Write `plan` (rendered) as the next migration of the line, `V<n>__<slug>.sql`, and the
    /// lock with the desired model as its state: `plan --write` and `inspect`'s baseline.
    pub fn write_next(&self, slug: &str, plan: &Plan, rendered: &RenderedPlan) -> Result<PathBuf> {
        let version = migrations::next_version(&self.files, self.lock.as_ref());
        let name = migrations::file_name(version, slug);
        let text = migrations::format_file(
            name.trim_end_matches(".sql"),
            self.desired.database.dialect,
            plan,
            rendered,
        );
        migrations::write(&self.line, self.lock.as_ref(), slug, &text, &self.desired)
    }

    pub fn render(&self, current: &Model, plan: &Plan) -> Result<RenderedPlan> {
        self.render_unlocking(current, plan, &std::collections::BTreeSet::new())
    }

    /// [`Self::render`] against a live database whose `schema_locked` tables are listed:
    /// `Renderer::render_plan_unlocking`.
    pub fn render_unlocking(
        &self,
        current: &Model,
        plan: &Plan,
        schema_locked: &std::collections::BTreeSet<String>,
    ) -> Result<RenderedPlan> {
        let renderer = Renderer::new(Some(&self.dir))?;
        let ctx = RenderContext {
            dialect: self.desired.database.dialect,
            database: self.desired.database.name.clone(),
            multi_region: self.desired.database.is_multi_region(),
            postgis_needed: uses_spatial(&self.desired) && !uses_spatial(current),
        };
        renderer.render_plan_unlocking(plan, &ctx, schema_locked)
    }
}

/// The migrations line of the selected environment, or the single line `migrations/`.
pub fn line_for(dir: &Path, envs: &Environments) -> Line {
    match envs.selected() {
        Some(e) => Line::of_dialect(dir, e.dialect),
        None => Line::single(dir, Dialect::default()),
    }
}

fn envs_declared(line: &Line) -> bool {
    line.rel != Path::new(migrations::DIR)
}

/// A project's migrations are laid out for whether it declares environments: one line in
/// `migrations/` without them, `migrations/<dialect>/` with them. Files in the other layout
/// would be silently left out (or scanned into the wrong line), so they are refused with the
/// move that fixes them.
fn check_layout(dir: &Path, declared: bool, line: &Line) -> Result<()> {
    let single = Line::single(dir, Dialect::default());
    if declared && single.lock_path().is_file() {
        let held = migrations::read_lock(&single)
            .ok()
            .flatten()
            .map(|l| l.state.database.dialect)
            .unwrap_or(line.dialect);
        let to = Line::of_dialect(dir, held).name();
        anyhow::bail!(
            "regions.yaml declares environments, so migrations live in one folder per dialect ({}/postgres/, {}/cockroach/), but {} is the lock of a project without environments\n  help: move the existing {} line into its dialect's folder: `mkdir {to} && git mv {}/*.sql {} {to}/` (versions and checksums stay, so databases that applied them are unaffected)",
            migrations::DIR,
            migrations::DIR,
            single.lock_name(),
            held.as_str(),
            migrations::DIR,
            single.lock_name(),
        );
    }
    if !declared {
        for d in [Dialect::Postgres, Dialect::Cockroach] {
            let other = Line::of_dialect(dir, d);
            if other.lock_path().is_file() {
                anyhow::bail!(
                    "{} belongs to a project with environments, but regions.yaml declares no `environments:`\n  help: declare the environments again (docs/environments.md), or move that line back to {}/ if the project has only one",
                    other.lock_name(),
                    migrations::DIR
                );
            }
        }
    }
    Ok(())
}

fn uses_spatial(m: &Model) -> bool {
    m.tables.values().flat_map(|t| &t.columns).any(|c| {
        let ty = c.ty.to_ascii_uppercase();
        ty.starts_with("GEOGRAPHY") || ty.starts_with("GEOMETRY")
    })
}
