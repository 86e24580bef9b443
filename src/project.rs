//! A bmdb project on disk, opened: the desired model from the YAML, the lock state the
//! migrations produce, and the plan between them. Every command starts here.
//!
//! Stage: may import model, diff, plan, render and migrations (docs/architecture.md).

use crate::diff;
use crate::migrations::{self, Line, Lock, LockMismatch, MigrationFile};
use crate::model::{self, Model};
use crate::plan::{self, Plan};
use crate::render::{RenderContext, RenderedPlan, Renderer};
use anyhow::Result;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub struct Project {
    pub dir: PathBuf,
    /// The model as the YAML says it should be (normalised).
    pub desired: Model,
    /// The migrations line this project plans against (its folder, lock and dialect).
    pub line: Line,
    pub lock: Option<Lock>,
    pub files: Vec<MigrationFile>,
}

impl Project {
    /// Load and validate the model, read the lock and check it against the migration files.
    /// A model with problems fails with `model::Diagnostics` inside the error.
    pub fn open(dir: &Path) -> Result<Project> {
        let (project, mismatches) = Project::open_with_mismatches(dir)?;
        migrations::refuse_mismatches(&project.line, &mismatches)?;
        Ok(project)
    }

    /// `open`, except that migration files disagreeing with the lock are returned instead of
    /// refused (`bmdb drift` reports them): the lock's state still stands for what the
    /// migrations produce.
    pub fn open_with_mismatches(dir: &Path) -> Result<(Project, Vec<LockMismatch>)> {
        if !dir.is_dir() {
            anyhow::bail!(
                "--project {}: no such directory\n  help: run bmdb inside a project, pass --project DIR, or create one with `bmdb init DIR`",
                dir.display()
            );
        }
        // The lock (a large JSON state) is read, and the migration files checksummed, while
        // the YAML loads: neither depends on the model.
        // The single line's folder does not depend on the dialect; the dialect is the model's.
        let mut line = Line::single(dir, Default::default());
        let (desired, migrations) = std::thread::scope(|scope| {
            let reading = &line;
            let migrations = scope.spawn(move || -> Result<_> {
                let lock = migrations::read_lock(reading)?;
                let (files, mismatches) = migrations::compare_with_lock(reading, lock.as_ref())?;
                Ok((lock, files, mismatches))
            });
            let desired = model::load_project(dir);
            (
                desired,
                migrations.join().expect("the lock reader panicked"),
            )
        });
        // a broken model is the first thing to fix
        let desired = desired?;
        let (lock, files, mismatches) = migrations?;
        line.dialect = desired.database.dialect;
        let project = Project {
            dir: dir.to_path_buf(),
            desired,
            line,
            lock,
            files,
        };
        Ok((project, mismatches))
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
        let renderer = Renderer::new(Some(&self.dir))?;
        let ctx = RenderContext {
            dialect: self.desired.database.dialect,
            database: self.desired.database.name.clone(),
            multi_region: self.desired.database.is_multi_region(),
            postgis_needed: uses_spatial(&self.desired) && !uses_spatial(current),
        };
        renderer.render_plan(plan, &ctx)
    }
}

fn uses_spatial(m: &Model) -> bool {
    m.tables.values().flat_map(|t| &t.columns).any(|c| {
        let ty = c.ty.to_ascii_uppercase();
        ty.starts_with("GEOGRAPHY") || ty.starts_with("GEOMETRY")
    })
}
