//! Differ and planner cases: every `tests/cases/*.yaml` holds a current and a desired
//! model, the ordered plan as `<kind> <object>` lines, and optionally the hazard ids per
//! object. Models use the lock-file state shape, with two shorthands to keep cases small:
//! `database` defaults to `{name: game, dialect: cockroach}`, and a table's `name`
//! defaults to its key. An omitted `current` is the empty model.
//!
//! A case with `error:` expects `bmdb::plan::check` to refuse the plan: each entry is
//! `<id>: <text the message contains>`, in step order. Every other case must pass the check.
//!
//! A case with `refused:` expects `bmdb::diff::refusals` (against the migrations) to refuse
//! what the differ cannot plan, in the same `<id>: <text>` form; every other case must have
//! no refusal.

use bmdb::diff::{diff, Change};
use bmdb::model::sequences::nextval_target;
use bmdb::model::Model;
use bmdb::plan::{check as check_plan, plan, Plan};
use serde::Deserialize;
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    current: Option<Value>,
    desired: Value,
    #[serde(default)]
    expected: Vec<String>,
    /// Object (or full `<kind> <object>` line) -> hazard ids, in step order. When given,
    /// every step with a hazard must be listed.
    #[serde(default)]
    hazards: Option<BTreeMap<String, Vec<String>>>,
    /// `<id>: <message text>` per refused step, in order.
    #[serde(default)]
    error: Option<Vec<String>>,
    /// `<id>: <message text>` per difference the differ refuses to plan, in order.
    #[serde(default)]
    refused: Option<Vec<String>>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// Fills the shorthands, then reads the value as a `Model`.
fn model(value: Option<Value>) -> Result<Model, String> {
    let Some(mut value) = value else {
        return Ok(Model::default());
    };
    let map = value.as_mapping_mut().ok_or("a model must be a mapping")?;
    let database = map
        .entry("database".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(db) = database.as_mapping_mut() {
        db.entry("name".into()).or_insert("game".into());
        db.entry("dialect".into()).or_insert("cockroach".into());
    }
    let tables = map
        .entry("tables".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(tables) = tables.as_mapping_mut() {
        for (key, table) in tables.iter_mut() {
            if let Some(table) = table.as_mapping_mut() {
                table.entry("name".into()).or_insert(key.clone());
                table
                    .entry("columns".into())
                    .or_insert(Value::Sequence(Vec::new()));
            }
        }
    }
    // Through JSON: serde_yaml wants `!tag` enums, the state shape writes `{variant: ...}`.
    let json = serde_json::to_value(&value).map_err(|e| format!("model is not plain data: {e}"))?;
    serde_json::from_value(json).map_err(|e| format!("model does not parse: {e}"))
}

/// What a step does to the sequences and the defaults drawing from them; why it fails, if it
/// does.
fn sequences_step(
    change: &Change,
    seqs: &mut BTreeMap<String, Option<(String, String)>>,
    users: &mut BTreeMap<(String, String), String>,
) -> Option<String> {
    let mut use_default = |table: &str, column: &str, default: Option<&str>| {
        let key = (table.to_string(), column.to_string());
        users.remove(&key);
        let q = default.and_then(nextval_target)?;
        let missing = !seqs.contains_key(&q);
        users.insert(key, q.clone());
        missing.then(|| format!("sequence {q} does not exist"))
    };
    match change {
        Change::CreateSequence { sequence } => seqs
            .insert(sequence.name.clone(), None)
            .map(|_| format!("sequence {} exists", sequence.name)),
        Change::AlterSequence { to, .. } => {
            (!seqs.contains_key(&to.name)).then(|| format!("sequence {} does not exist", to.name))
        }
        Change::SetSequenceOwner { name, owned_by } => match seqs.get_mut(name) {
            None => Some(format!("sequence {name} does not exist")),
            Some(o) => {
                *o = owned_by
                    .as_ref()
                    .map(|o| (o.table.clone(), o.column.clone()));
                None
            }
        },
        Change::RenameSequence { from, to } => {
            if seqs.contains_key(to) {
                return Some(format!("sequence {to} exists"));
            }
            let Some(owner) = seqs.remove(from) else {
                return Some(format!("sequence {from} does not exist"));
            };
            seqs.insert(to.clone(), owner);
            // the defaults drawing from it follow
            for q in users.values_mut() {
                if q == from {
                    *q = to.clone();
                }
            }
            None
        }
        Change::DropSequence { sequence } => {
            let used: Vec<String> = users
                .iter()
                .filter(|(_, q)| **q == sequence.name)
                .map(|((t, c), _)| format!("{t}.{c}"))
                .collect();
            seqs.remove(&sequence.name);
            (!used.is_empty()).then(|| format!("the defaults of {used:?} draw from it"))
        }
        Change::CreateTable { table } => table
            .columns
            .iter()
            .filter_map(|c| use_default(&table.name, &c.name, c.default.as_deref()))
            .next(),
        Change::AddColumn { table, column, .. } => {
            use_default(table, &column.name, column.default.as_deref())
        }
        Change::SetColumnDefault {
            table,
            column,
            default,
        } => use_default(table, column, default.as_deref()),
        Change::DropColumn { table, column } => {
            users.remove(&(table.clone(), column.name.clone()));
            seqs.retain(|_, o| o.as_ref() != Some(&(table.clone(), column.name.clone())));
            None
        }
        Change::DropTable { table } => {
            users.retain(|(t, _), _| *t != table.name);
            seqs.retain(|_, o| o.as_ref().is_none_or(|(t, _)| *t != table.name));
            None
        }
        _ => None,
    }
}

fn run(current: &Model, desired: &Model) -> Plan {
    plan(current, desired, diff(current, desired))
}

fn line(change: &Change) -> String {
    format!("{} {}", change.kind(), change.object())
}

/// Every problem with one case, empty when it passes.
fn check(case: Case, kinds: &mut BTreeSet<&'static str>) -> Vec<String> {
    let mut problems = Vec::new();
    let (current, desired) = match (model(case.current), model(Some(case.desired))) {
        (Ok(c), Ok(d)) => (c, d),
        (c, d) => {
            return [c.err(), d.err()].into_iter().flatten().collect();
        }
    };

    let planned = run(&current, &desired);
    let actual: Vec<String> = planned.steps.iter().map(|s| line(&s.change)).collect();
    kinds.extend(planned.steps.iter().map(|s| s.change.kind()));
    if actual != case.expected {
        problems.push(format!(
            "plan differs\n  expected:\n{}\n  actual:\n{}",
            indent(&case.expected),
            indent(&actual)
        ));
    }

    if let Some(want) = &case.hazards {
        for (key, ids) in want {
            let matching: Vec<_> = planned
                .steps
                .iter()
                .filter(|s| s.change.object() == *key || line(&s.change) == *key)
                .collect();
            if matching.is_empty() {
                problems.push(format!("hazards: no step for {key:?}"));
                continue;
            }
            let got: Vec<&str> = matching
                .iter()
                .flat_map(|s| s.hazards.iter().map(|h| h.id))
                .collect();
            if got != *ids {
                problems.push(format!(
                    "hazards of {key:?}: expected {ids:?}, actual {got:?}"
                ));
            }
        }
        for step in planned.steps.iter().filter(|s| !s.hazards.is_empty()) {
            let l = line(&step.change);
            if !want.contains_key(&l) && !want.contains_key(&step.change.object()) {
                let ids: Vec<&str> = step.hazards.iter().map(|h| h.id).collect();
                problems.push(format!(
                    "hazards: step {l:?} has {ids:?} but the case lists none"
                ));
            }
        }
    }

    for step in &planned.steps {
        for hazard in &step.hazards {
            if hazard.reason.contains('\n') || !hazard.reason.contains(&step.change.object()) {
                problems.push(format!(
                    "hazard {} of {:?} is not one line naming the object: {:?}",
                    hazard.id,
                    line(&step.change),
                    hazard.reason
                ));
            }
        }
        if let Change::CreateTable { table } = &step.change {
            if !table.indexes.is_empty() || table.zone.is_some() {
                problems.push(format!(
                    "create_table {} carries indexes or a zone",
                    table.name
                ));
            }
        }
    }

    let refused = check_plan(&current, &desired, &planned);
    match (&case.error, &refused) {
        (None, Err(e)) => problems.push(format!("the check refuses the plan:\n{e}")),
        (Some(want), Ok(())) => problems.push(format!("expected the check to refuse: {want:?}")),
        (Some(want), Err(e)) => {
            let got: Vec<String> = e
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.id, p.message))
                .collect();
            let matches = got.len() == want.len()
                && got.iter().zip(want).all(|(g, w)| {
                    let (id, text) = w.split_once(": ").unwrap_or((w, ""));
                    g.starts_with(&format!("{id}: ")) && g.contains(text)
                });
            if !matches {
                problems.push(format!(
                    "refusals differ\n  expected:\n{}\n  actual:\n{}",
                    indent(want),
                    indent(&got)
                ));
            }
            for p in &e.problems {
                if p.help.is_empty() || p.message.contains('\n') {
                    problems.push(format!(
                        "refusal {} lacks a one-line message and help",
                        p.id
                    ));
                }
            }
        }
        (None, Ok(())) => {}
    }
    let got: Vec<String> =
        bmdb::diff::refusals(&current, &desired, bmdb::diff::Against::Migrations)
            .iter()
            .map(|r| {
                if r.help.is_empty() || r.message.contains('\n') || r.help.contains('\n') {
                    problems.push(format!(
                        "refusal {} lacks a one-line message and help",
                        r.id
                    ));
                }
                format!("{}: {}", r.id, r.message)
            })
            .collect();
    let want = case.refused.clone().unwrap_or_default();
    let matches = got.len() == want.len()
        && got.iter().zip(&want).all(|(g, w)| {
            let (id, text) = w.split_once(": ").unwrap_or((w, ""));
            g.starts_with(&format!("{id}: ")) && g.contains(text)
        });
    if !matches {
        problems.push(format!(
            "differ refusals differ\n  expected:\n{}\n  actual:\n{}",
            indent(&want),
            indent(&got)
        ));
    }
    // A refused plan is never run: the simulator only judges plans the check accepts.
    if case.error.is_none() && case.refused.is_none() {
        problems.extend(simulate(&current, &desired, &planned));
    }

    if run(&current, &desired) != planned {
        problems.push("the plan is not deterministic: a second run differs".into());
    }
    for (name, m) in [("current", &current), ("desired", &desired)] {
        let same = diff(m, m);
        if !same.is_empty() {
            let lines: Vec<String> = same.iter().map(line).collect();
            problems.push(format!(
                "{name} diffed against itself is not empty:\n{}",
                indent(&lines)
            ));
        }
    }
    problems
}

/// `Ok` when table `t` exists with every column in `cols`.
fn has_cols<'a>(
    tables: &BTreeMap<String, SimTable>,
    t: &str,
    cols: impl IntoIterator<Item = &'a String>,
) -> Result<(), String> {
    let Some(table) = tables.get(t) else {
        return Err(format!("table {t} does not exist"));
    };
    match cols.into_iter().find(|c| !table.columns.contains(*c)) {
        Some(c) => Err(format!("column {t}.{c} does not exist")),
        None => Ok(()),
    }
}

/// The names a plan step can depend on, per table.
#[derive(Debug, Default, PartialEq)]
struct SimTable {
    columns: BTreeSet<String>,
    /// Indexes and unique constraints share one namespace.
    indexes: BTreeSet<String>,
    checks: BTreeSet<String>,
    /// Foreign key name -> referenced table.
    fks: BTreeMap<String, String>,
}

impl SimTable {
    fn of(t: &bmdb::model::Table) -> SimTable {
        SimTable {
            columns: t.columns.iter().map(|c| c.name.clone()).collect(),
            indexes: t
                .indexes
                .iter()
                .map(|i| i.name.clone())
                .chain(t.unique.iter().map(|u| u.name.clone()))
                .collect(),
            checks: t.checks.iter().map(|c| c.name.clone()).collect(),
            fks: t
                .foreign_keys
                .iter()
                .map(|f| (f.name.clone(), f.ref_table.clone()))
                .collect(),
        }
    }
}

#[derive(Debug, PartialEq)]
struct SimDatabase {
    primary: Option<String>,
    regions: BTreeSet<String>,
    secondary: Option<String>,
    region_survival: bool,
    restricted: bool,
    super_regions: BTreeMap<String, Vec<String>>,
}

impl SimDatabase {
    fn of(d: &bmdb::model::Database) -> SimDatabase {
        SimDatabase {
            primary: d.primary_region.clone(),
            regions: d.regions.iter().cloned().collect(),
            secondary: d.secondary_region.clone(),
            region_survival: d.survival_goal == bmdb::model::SurvivalGoal::Region,
            restricted: d.placement == bmdb::model::Placement::Restricted,
            super_regions: d.super_regions.clone(),
        }
    }
}

/// Runs the plan against a model of what CockroachDB checks before each statement
/// (names exist, regions and survival preconditions, foreign key targets), then checks
/// that the end state has the desired names: the plan runs and converges.
fn simulate(current: &Model, desired: &Model, planned: &Plan) -> Vec<String> {
    use bmdb::model::{Locality, Placement, SurvivalGoal};
    let mut db = SimDatabase::of(&current.database);
    let mut tables: BTreeMap<String, SimTable> = current
        .tables
        .iter()
        .map(|(n, t)| (n.clone(), SimTable::of(t)))
        .collect();
    let mut problems = Vec::new();
    let mut zones = OverrideZones::of(current);
    // role name -> the roles it is a member of
    let mut roles: BTreeMap<String, BTreeSet<String>> = current
        .roles
        .iter()
        .flatten()
        .map(|(n, r)| (n.clone(), r.member_of.iter().cloned().collect()))
        .collect();
    // backup schedule labels; a schedule is created once every desired table exists
    let mut schedules: BTreeSet<String> = current
        .database
        .backup_schedules
        .iter()
        .flatten()
        .map(|(l, _)| l.clone())
        .collect();

    // enum name -> its values in order
    // views as the server keeps them: neither server drops, retypes or (CockroachDB) renames
    // a column a view reads, nor drops a table or view a view reads
    let mut views: BTreeMap<String, String> = current
        .views
        .iter()
        .map(|(n, v)| (n.clone(), v.query.clone()))
        .collect();
    let mentions = |query: &str, name: &str| {
        bmdb::model::views::reads(query, [&name.to_string()]).contains(name)
    };
    let mut enums: BTreeMap<String, Vec<String>> = current
        .enums
        .iter()
        .map(|(n, e)| (n.clone(), e.values.clone()))
        .collect();

    // (table, column) -> type: a column's enum must exist, a used enum cannot be dropped
    let mut col_types: BTreeMap<(String, String), String> = current
        .tables
        .values()
        .flat_map(|t| {
            t.columns
                .iter()
                .map(|c| ((t.name.clone(), c.name.clone()), c.ty.clone()))
        })
        .collect();

    // role name -> what it holds privileges on (a role holding any cannot be dropped)
    let mut held: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (n, r) in current.roles.iter().flatten() {
        let h = held.entry(n.clone()).or_default();
        h.extend(r.grants.iter().map(|g| g.on.to_string()));
        h.extend(
            r.default_privileges
                .iter()
                .map(|d| format!("default {} of {}", d.on, d.for_role)),
        );
    }

    // sequences as the server keeps them (name -> owner): a default draws only from one that
    // exists, one is dropped only once no default draws from it, and a dropped column or
    // table takes the sequences it owns with it
    let mut seqs: BTreeMap<String, Option<(String, String)>> = current
        .sequences
        .iter()
        .map(|(n, q)| {
            let owner = q
                .owned_by
                .as_ref()
                .map(|o| (o.table.clone(), o.column.clone()));
            (n.clone(), owner)
        })
        .collect();
    let mut seq_users: BTreeMap<(String, String), String> = BTreeMap::new();
    for t in current.tables.values() {
        for c in &t.columns {
            if let Some(q) = c.default.as_deref().and_then(nextval_target) {
                seq_users.insert((t.name.clone(), c.name.clone()), q);
            }
        }
    }

    // the schemas other than public that exist: an object is created only in one that
    // exists, and a schema is dropped only once it holds nothing (DROP SCHEMA's RESTRICT)
    let mut schemas: BTreeSet<String> = bmdb::model::schemas::model_schemas(current);

    for (i, step) in planned.steps.iter().enumerate() {
        if let Some(why) = schemas_step(&step.change, &mut schemas, &tables, &views, &seqs, &enums)
        {
            problems.push(format!("step {:?} would fail: {why}", line(&step.change)));
        }
        if let Some(why) = sequences_step(&step.change, &mut seqs, &mut seq_users) {
            problems.push(format!("step {:?} would fail: {why}", line(&step.change)));
        }
        if let Some(why) = enum_types_step(&step.change, &mut col_types, &enums) {
            problems.push(format!("step {:?} would fail: {why}", line(&step.change)));
        }
        if let Some(why) = zones.step(&step.change, planned.needs_zone_override(i)) {
            problems.push(format!("step {:?} would fail: {why}", line(&step.change)));
        }
        let at = line(&step.change);
        let mut fail = |why: String| problems.push(format!("step {at:?} would fail: {why}"));
        let mut check = |r: Result<(), String>| {
            if let Err(e) = r {
                fail(e)
            }
        };
        let under_views = |what: &str, column: Option<&str>| -> Vec<String> {
            views
                .iter()
                .filter(|(n, q)| {
                    *n != what
                        && mentions(q, what)
                        && column.is_none_or(|c| {
                            mentions(q, c)
                                || q.to_ascii_lowercase().contains("select *")
                                || q.contains(".*")
                        })
                })
                .map(|(n, _)| n.clone())
                .collect()
        };
        let taken = match &step.change {
            Change::DropColumn { table, column } => under_views(table, Some(&column.name)),
            Change::AlterColumnType { table, column, .. } => under_views(table, Some(column)),
            Change::RenameColumn { table, from, .. } => under_views(table, Some(from)),
            Change::DropTable { table } => under_views(&table.name, None),
            Change::DropView { view, .. } => under_views(&view.name, None),
            Change::ReplaceView { from, .. } => under_views(&from.name, None),
            _ => Vec::new(),
        };
        if !taken.is_empty() {
            check(Err(format!("views {taken:?} depend on it")));
        }
        match &step.change {
            Change::CreateView { view, .. } | Change::ReplaceView { to: view, .. } => {
                let replace = matches!(step.change, Change::ReplaceView { .. });
                if views.contains_key(&view.name) != replace {
                    check(Err(format!("view {} exists: {}", view.name, !replace)));
                }
                let known: Vec<String> = desired
                    .tables
                    .keys()
                    .chain(desired.views.keys())
                    .cloned()
                    .collect();
                for r in bmdb::model::views::reads(&view.query, known.iter()) {
                    if r != view.name && !tables.contains_key(&r) && !views.contains_key(&r) {
                        check(Err(format!("it reads {r}, which does not exist")));
                    }
                }
                views.insert(view.name.clone(), view.query.clone());
            }
            Change::DropView { view, .. } => {
                if views.remove(&view.name).is_none() {
                    check(Err(format!("view {} does not exist", view.name)));
                }
            }
            Change::SetPrimaryRegion { region, from, .. } => {
                if from.is_some() && !db.regions.contains(region) {
                    check(Err(format!("region {region} has not been added")));
                }
                if db.secondary.as_ref() == Some(region) {
                    check(Err(format!("region {region} is the secondary region")));
                }
                db.regions.insert(region.clone());
                db.primary = Some(region.clone());
            }
            Change::AddRegion { region, .. } => {
                if db.primary.is_none() {
                    check(Err("the database has no primary region".into()));
                }
                db.regions.insert(region.clone());
            }
            Change::DropRegion { region, .. } => {
                if db.secondary.as_ref() == Some(region) {
                    check(Err("it is the secondary region".into()));
                }
                if db.super_regions.values().any(|m| m.contains(region)) {
                    check(Err("it is part of a super region".into()));
                }
                if db.primary.as_ref() == Some(region) && db.regions.len() > 1 {
                    check(Err("the primary region can only go last".into()));
                }
                db.regions.remove(region);
                if db.region_survival && db.regions.len() < 3 {
                    check(Err("REGION survival needs 3 regions".into()));
                }
                if db.regions.is_empty() {
                    db.primary = None;
                }
            }
            Change::SetSecondaryRegion { region, .. } => {
                if !db.regions.contains(region) || db.primary.as_ref() == Some(region) {
                    check(Err(format!("{region} is not a non-primary region")));
                }
                db.secondary = Some(region.clone());
            }
            Change::DropSecondaryRegion { .. } => db.secondary = None,
            Change::SetSurvivalGoal { to, .. } => {
                db.region_survival = *to == SurvivalGoal::Region;
                if db.region_survival && (db.regions.len() < 3 || db.restricted) {
                    check(Err(
                        "REGION survival needs 3 regions and DEFAULT placement".into()
                    ));
                }
            }
            Change::SetPlacement { to, .. } => {
                db.restricted = *to == Placement::Restricted;
                if db.restricted && db.region_survival {
                    check(Err("RESTRICTED placement needs ZONE survival".into()));
                }
            }
            Change::AddSuperRegion { name, regions, .. }
            | Change::AlterSuperRegion { name, regions, .. } => {
                if let Some(r) = regions.iter().find(|r| !db.regions.contains(*r)) {
                    check(Err(format!("region {r} has not been added")));
                }
                let taken = db
                    .super_regions
                    .iter()
                    .any(|(o, m)| o != name && m.iter().any(|r| regions.contains(r)));
                if taken {
                    check(Err("super regions must be disjoint".into()));
                }
                db.super_regions.insert(name.clone(), regions.clone());
            }
            Change::DropSuperRegion { name, .. } => {
                db.super_regions.remove(name);
            }
            Change::CreateBackupSchedule { schedule }
            | Change::AlterBackupSchedule { to: schedule, .. } => {
                if let Some(t) = desired.tables.keys().find(|t| !tables.contains_key(*t)) {
                    check(Err(format!("table {t} does not exist yet")));
                }
                let created = schedules.insert(schedule.label.clone());
                if created != matches!(step.change, Change::CreateBackupSchedule { .. }) {
                    check(Err(format!(
                        "schedule {} exists: {}",
                        schedule.label, !created
                    )));
                }
            }
            Change::DropBackupSchedule { schedule } => {
                if !schedules.remove(&schedule.label) {
                    check(Err(format!("schedule {} does not exist", schedule.label)));
                }
            }
            Change::CreateRole { role, .. } => {
                if roles.insert(role.clone(), BTreeSet::new()).is_some() {
                    check(Err(format!("role {role} exists")));
                }
            }
            Change::AlterRole { role, .. } if !roles.contains_key(role) => {
                check(Err(format!("role {role} does not exist")))
            }
            Change::AlterRole { .. } => {}
            Change::GrantRole { role, of } | Change::RevokeRole { role, of } => {
                if !roles.contains_key(of) {
                    check(Err(format!("role {of} does not exist")));
                }
                let grant = matches!(step.change, Change::GrantRole { .. });
                match roles.get_mut(role) {
                    Some(m) if grant => _ = m.insert(of.clone()),
                    Some(m) => _ = m.remove(of),
                    None => check(Err(format!("role {role} does not exist"))),
                }
            }
            Change::GrantPrivileges { role, on, .. }
            | Change::RevokePrivileges { role, on, .. } => {
                if !roles.contains_key(role) {
                    check(Err(format!("role {role} does not exist")));
                }
                if let bmdb::model::types::GrantObject::Table(t) = on {
                    if !tables.contains_key(t) {
                        check(Err(format!("table {t} does not exist")));
                    }
                }
                let h = held.entry(role.clone()).or_default();
                if matches!(step.change, Change::GrantPrivileges { .. }) {
                    h.insert(on.to_string());
                } else {
                    h.remove(&on.to_string());
                }
            }
            Change::GrantDefaultPrivileges {
                role, for_role, on, ..
            }
            | Change::RevokeDefaultPrivileges {
                role, for_role, on, ..
            } => {
                for r in [role, for_role] {
                    if !roles.contains_key(r) {
                        check(Err(format!("role {r} does not exist")));
                    }
                }
                let h = held.entry(role.clone()).or_default();
                let what = format!("default {on} of {for_role}");
                if matches!(step.change, Change::GrantDefaultPrivileges { .. }) {
                    h.insert(what);
                } else {
                    h.remove(&what);
                }
            }
            Change::SetRoleSetting { role, .. } | Change::ResetRoleSetting { role, .. } => {
                if !roles.contains_key(role) {
                    check(Err(format!("role {role} does not exist")));
                }
            }
            Change::DropRole { role } => {
                if let Some(h) = held.get(role).filter(|h| !h.is_empty()) {
                    check(Err(format!("role {role} still holds privileges on {h:?}")));
                }
                if roles.remove(role).is_none() {
                    check(Err(format!("role {role} does not exist")));
                }
                for m in roles.values_mut() {
                    m.remove(role);
                }
            }
            Change::CreateSequence { .. }
            | Change::AlterSequence { .. }
            | Change::RenameSequence { .. }
            | Change::DropSequence { .. } => {}
            Change::SetSequenceOwner { owned_by, .. } => {
                if let Some(o) = owned_by {
                    check(has_cols(&tables, &o.table, std::iter::once(&o.column)));
                }
            }
            Change::CreateEnum { name, values } => {
                if enums.insert(name.clone(), values.clone()).is_some() {
                    check(Err(format!("type {name} exists")));
                }
            }
            Change::AddEnumValue {
                name,
                value,
                before,
                after,
            } => match enums.get_mut(name) {
                None => check(Err(format!("type {name} does not exist"))),
                Some(vals) => {
                    let at = match (before, after) {
                        (Some(b), _) => vals.iter().position(|v| v == b),
                        (_, Some(a)) => vals.iter().position(|v| v == a).map(|p| p + 1),
                        _ => Some(vals.len()),
                    };
                    match at {
                        _ if vals.contains(value) => {}
                        Some(p) => vals.insert(p, value.clone()),
                        None => check(Err(format!(
                            "{before:?}/{after:?} is not a value of {name}"
                        ))),
                    }
                }
            },
            Change::RenameEnumValue { name, from, to } => {
                match enums
                    .get_mut(name)
                    .and_then(|v| v.iter_mut().find(|v| *v == from))
                {
                    Some(v) => *v = to.clone(),
                    None => check(Err(format!("{name} has no value {from}"))),
                }
            }
            Change::DropEnumValue { name, value } => match enums.get_mut(name) {
                Some(v) if v.contains(value) => v.retain(|x| x != value),
                _ => check(Err(format!("{name} has no value {value}"))),
            },
            Change::DropEnum { name } => {
                if enums.remove(name).is_none() {
                    check(Err(format!("type {name} does not exist")));
                }
            }
            Change::ConfigureZone { target, .. } => match target {
                bmdb::diff::ZoneTarget::Table { table } if !tables.contains_key(table) => {
                    check(Err(format!("table {table} does not exist")))
                }
                bmdb::diff::ZoneTarget::Index { table, index }
                    if !tables.get(table).is_some_and(|t| t.indexes.contains(index)) =>
                {
                    check(Err(format!("index {table}@{index} does not exist")))
                }
                _ => {}
            },
            Change::CreateTable { table } => {
                if tables.contains_key(&table.name) {
                    check(Err("the table exists".into()));
                }
                if let Some(Locality::RegionalByTable { region: Some(r) }) = &table.locality {
                    if !db.regions.contains(r) {
                        check(Err(format!("region {r} has not been added")));
                    }
                }
                tables.insert(table.name.clone(), SimTable::of(table));
                for fk in &table.foreign_keys {
                    check(has_cols(&tables, &fk.ref_table, &fk.ref_columns));
                }
            }
            Change::DropTable { table } => {
                tables.remove(&table.name);
                for h in held.values_mut() {
                    h.remove(&format!("table {}", table.name));
                }
                let referrers: Vec<&String> = tables
                    .iter()
                    .filter(|(_, t)| t.fks.values().any(|r| *r == table.name))
                    .map(|(n, _)| n)
                    .collect();
                if !referrers.is_empty() {
                    check(Err(format!("still referenced by {referrers:?}")));
                }
            }
            Change::AddColumn { table, column, .. } => {
                if let Some(t) = tables.get_mut(table) {
                    if !t.columns.insert(column.name.clone()) {
                        check(Err("the column exists".into()));
                    }
                }
            }
            Change::DropColumn { table, column } => {
                check(has_cols(&tables, table, std::iter::once(&column.name)));
                tables
                    .get_mut(table)
                    .map(|t| t.columns.remove(&column.name));
            }
            Change::RenameColumn { table, from, to } => {
                check(has_cols(&tables, table, std::iter::once(from)));
                if let Some(t) = tables.get_mut(table) {
                    t.columns.remove(from);
                    t.columns.insert(to.clone());
                }
            }
            Change::AlterColumnType { table, column, .. }
            | Change::SetColumnDefault { table, column, .. }
            | Change::SetColumnNullable { table, column, .. }
            | Change::SetColumnComment { table, column, .. }
            | Change::AddIdentity { table, column, .. }
            | Change::AlterIdentity { table, column, .. }
            | Change::DropIdentity { table, column, .. }
            | Change::DropComputed { table, column, .. }
            | Change::SetColumnCollation { table, column, .. } => {
                check(has_cols(&tables, table, std::iter::once(column)))
            }
            Change::ReplaceComputedColumn {
                table, from, to, ..
            } => {
                check(has_cols(&tables, table, std::iter::once(&to.name)));
                // DROP COLUMN takes the indexes and unique constraints over it along
                if let (Some(t), Some(cur)) = (tables.get_mut(table), current.tables.get(table)) {
                    for i in &cur.indexes {
                        if i.columns.iter().any(|c| c.name == from.name) {
                            t.indexes.remove(&i.name);
                        }
                    }
                    for u in &cur.unique {
                        if u.columns.contains(&from.name) {
                            t.indexes.remove(&u.name);
                        }
                    }
                }
            }
            Change::AlterPrimaryKey { table, to, .. } => {
                check(has_cols(&tables, table, &to.columns))
            }
            Change::CreateIndex { table, index } => {
                check(has_cols(
                    &tables,
                    table,
                    index.columns.iter().map(|c| &c.name).chain(&index.storing),
                ));
                if tables
                    .get_mut(table)
                    .is_some_and(|t| !t.indexes.insert(index.name.clone()))
                {
                    check(Err("an index of that name exists".into()));
                }
            }
            Change::AddUnique { table, unique } => {
                check(has_cols(&tables, table, &unique.columns));
                if tables
                    .get_mut(table)
                    .is_some_and(|t| !t.indexes.insert(unique.name.clone()))
                {
                    check(Err("an index of that name exists".into()));
                }
            }
            Change::DropIndex { table, index } => {
                if !tables
                    .get_mut(table)
                    .is_some_and(|t| t.indexes.remove(&index.name))
                {
                    check(Err("no such index".into()));
                }
            }
            Change::DropUnique { table, unique } => {
                if !tables
                    .get_mut(table)
                    .is_some_and(|t| t.indexes.remove(&unique.name))
                {
                    check(Err("no such constraint".into()));
                }
            }
            Change::AddCheck { table, check: c } => {
                if tables
                    .get_mut(table)
                    .is_some_and(|t| !t.checks.insert(c.name.clone()))
                {
                    check(Err("a check of that name exists".into()));
                }
            }
            Change::DropCheck { table, check: c } => {
                if !tables
                    .get_mut(table)
                    .is_some_and(|t| t.checks.remove(&c.name))
                {
                    check(Err("no such check".into()));
                }
            }
            Change::AddForeignKey {
                table,
                foreign_key: fk,
            } => {
                check(has_cols(&tables, table, &fk.columns));
                check(has_cols(&tables, &fk.ref_table, &fk.ref_columns));
                if let Some(t) = tables.get_mut(table) {
                    if t.fks
                        .insert(fk.name.clone(), fk.ref_table.clone())
                        .is_some()
                    {
                        check(Err("a foreign key of that name exists".into()));
                    }
                }
            }
            Change::DropForeignKey {
                table,
                foreign_key: fk,
            } => {
                let removed = tables.get_mut(table).and_then(|t| t.fks.remove(&fk.name));
                if removed.is_none() {
                    check(Err("no such foreign key".into()));
                }
            }
            Change::SetLocality { table, to, .. } => match to {
                Some(Locality::RegionalByRow { column: Some(c) }) => {
                    check(has_cols(&tables, table, std::iter::once(c)))
                }
                Some(Locality::RegionalByTable { region: Some(r) }) if !db.regions.contains(r) => {
                    check(Err(format!("region {r} has not been added")))
                }
                _ => {}
            },
            Change::SetTableComment { .. }
            | Change::SetTtl { .. }
            | Change::ResetTtl { .. }
            | Change::CreateSchema { .. }
            | Change::DropSchema { .. } => {}
            Change::SetIndexComment { table, index, .. } => {
                if !tables.get(table).is_some_and(|t| t.indexes.contains(index)) {
                    check(Err("no such index".into()));
                }
            }
            Change::SetConstraintComment {
                table, constraint, ..
            } => {
                let exists = tables.get(table).is_some_and(|t| {
                    t.checks.contains(constraint)
                        || t.indexes.contains(constraint)
                        || t.fks.contains_key(constraint)
                });
                if !exists {
                    check(Err("no such constraint".into()));
                }
            }
        }
    }

    problems.extend(zones.finish(desired));
    let want_schemas = bmdb::model::schemas::model_schemas(desired);
    if schemas != want_schemas {
        problems.push(format!(
            "after the plan the schemas differ from desired:\n  have {schemas:?}\n  want {want_schemas:?}"
        ));
    }
    let want_tables: BTreeMap<String, SimTable> = desired
        .tables
        .iter()
        .map(|(n, t)| (n.clone(), SimTable::of(t)))
        .collect();
    if tables != want_tables {
        problems.push(format!("after the plan the tables differ from desired:\n  have {tables:?}\n  want {want_tables:?}"));
    }
    let want_db = SimDatabase::of(&desired.database);
    if db != want_db {
        problems.push(format!(
            "after the plan the database differs from desired:\n  have {db:?}\n  want {want_db:?}"
        ));
    }
    let want_enums: BTreeMap<String, Vec<String>> = desired
        .enums
        .iter()
        .map(|(n, e)| (n.clone(), e.values.clone()))
        .collect();
    if enums != want_enums {
        problems.push(format!(
            "after the plan the enums differ from desired:\n  have {enums:?}\n  want {want_enums:?}"
        ));
    }
    if let Some(want) = &desired.database.backup_schedules {
        let want: BTreeSet<String> = want.keys().cloned().collect();
        if schedules != want {
            problems.push(format!(
                "after the plan the backup schedules differ from desired:\n  have {schedules:?}\n  want {want:?}"
            ));
        }
    }
    if let Some(want) = &desired.roles {
        let want: BTreeMap<String, BTreeSet<String>> = want
            .iter()
            .map(|(n, r)| (n.clone(), r.member_of.iter().cloned().collect()))
            .collect();
        if roles != want {
            problems.push(format!(
                "after the plan the roles differ from desired:\n  have {roles:?}\n  want {want:?}"
            ));
        }
    }
    problems
}

/// What the server checks of schemas before a step: an object is created in a schema that
/// exists, and a schema is dropped only once no object lives in it. Keeps `schemas` up to
/// date.
fn schemas_step(
    change: &Change,
    schemas: &mut BTreeSet<String>,
    tables: &BTreeMap<String, SimTable>,
    views: &BTreeMap<String, String>,
    seqs: &BTreeMap<String, Option<(String, String)>>,
    enums: &BTreeMap<String, Vec<String>>,
) -> Option<String> {
    use bmdb::model::schemas::{schema_of, PUBLIC};
    let created_in = match change {
        Change::CreateTable { table } => Some(table.name.as_str()),
        Change::CreateView { view, .. } => Some(view.name.as_str()),
        Change::CreateSequence { sequence } => Some(sequence.name.as_str()),
        Change::CreateEnum { name, .. } => Some(name.as_str()),
        Change::CreateIndex { table, .. } => Some(table.as_str()),
        _ => None,
    };
    if let Some(key) = created_in {
        let s = schema_of(key);
        if s != PUBLIC && !schemas.contains(s) {
            return Some(format!("schema {s} does not exist"));
        }
    }
    match change {
        Change::CreateSchema { name } if !schemas.insert(name.clone()) => {
            Some(format!("schema {name} exists"))
        }
        Change::DropSchema { name } => {
            let holds: Vec<&String> = tables
                .keys()
                .chain(views.keys())
                .chain(seqs.keys())
                .chain(enums.keys())
                .filter(|k| schema_of(k) == name)
                .collect();
            if !schemas.remove(name) {
                Some(format!("schema {name} does not exist"))
            } else if !holds.is_empty() {
                Some(format!("schema {name} still holds {holds:?}"))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The enum a column type names (a lower-case name that is not the region type, `mood` or
/// `game.mood`), if any.
fn enum_name(ty: &str) -> Option<&str> {
    let base = ty.trim_end_matches("[]");
    let lower = base.matches('.').count() <= 1
        && base
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    (lower && base != "crdb_internal_region").then_some(base)
}

/// What the server checks of enum types before a step: a column's enum exists, and a type a
/// column still uses is not dropped. Keeps `col_types` up to date.
fn enum_types_step(
    change: &Change,
    col_types: &mut BTreeMap<(String, String), String>,
    enums: &BTreeMap<String, Vec<String>>,
) -> Option<String> {
    let missing = |ty: &str| {
        enum_name(ty)
            .filter(|e| !enums.contains_key(*e))
            .map(|e| format!("type {e} does not exist"))
    };
    match change {
        Change::CreateTable { table } => {
            for c in &table.columns {
                col_types.insert((table.name.clone(), c.name.clone()), c.ty.clone());
            }
            table.columns.iter().find_map(|c| missing(&c.ty))
        }
        Change::AddColumn { table, column, .. } => {
            col_types.insert((table.clone(), column.name.clone()), column.ty.clone());
            missing(&column.ty)
        }
        Change::AlterColumnType {
            table, column, to, ..
        } => {
            col_types.insert((table.clone(), column.clone()), to.clone());
            missing(to)
        }
        Change::DropColumn { table, column } => {
            col_types.remove(&(table.clone(), column.name.clone()));
            None
        }
        Change::RenameColumn { table, from, to } => {
            if let Some(ty) = col_types.remove(&(table.clone(), from.clone())) {
                col_types.insert((table.clone(), to.clone()), ty);
            }
            None
        }
        Change::DropTable { table } => {
            col_types.retain(|(t, _), _| *t != table.name);
            None
        }
        Change::DropEnum { name } => col_types
            .iter()
            .find(|(_, ty)| enum_name(ty) == Some(name.as_str()))
            .map(|((t, c), _)| format!("type {name} is still used by {t}.{c}")),
        _ => None,
    }
}

/// Zones that override multi-region fields, as CockroachDB's multi-region statements see
/// them: a statement that rewrites an overridden zone fails with 42P17 unless the override
/// is on, and afterwards that zone holds the generated values until it is written again.
struct OverrideZones {
    /// `database`, `table t`, `index t@i` (ZoneTarget's Display).
    overridden: BTreeSet<String>,
    /// Overridden zones a statement rewrote and no later step wrote back yet.
    reset: BTreeSet<String>,
}

fn zone_table(key: &str) -> Option<&str> {
    key.strip_prefix("table ")
        .or_else(|| key.strip_prefix("index ").and_then(|k| k.split('@').next()))
}

impl OverrideZones {
    fn of(m: &Model) -> OverrideZones {
        let mut overridden = BTreeSet::new();
        let mut add = |key: String, z: &Option<bmdb::model::ZoneConfig>| {
            if z.as_ref().is_some_and(|z| z.override_multi_region) {
                overridden.insert(key);
            }
        };
        add("database".into(), &m.database.zone);
        for t in m.tables.values() {
            add(format!("table {}", t.name), &t.zone);
            for i in &t.indexes {
                add(format!("index {}@{}", t.name, i.name), &i.zone);
            }
        }
        OverrideZones {
            overridden,
            reset: BTreeSet::new(),
        }
    }

    /// Why the step would fail, if it would.
    fn step(&mut self, change: &Change, override_on: bool) -> Option<String> {
        // Which zones the statement rewrites: all for database-wide changes, a table's own for SET LOCALITY.
        let scope: Option<Option<&str>> = match change {
            Change::SetPrimaryRegion { from: Some(_), .. }
            | Change::AddRegion { .. }
            | Change::DropRegion { .. }
            | Change::SetSecondaryRegion { .. }
            | Change::DropSecondaryRegion { .. }
            | Change::SetSurvivalGoal { .. }
            | Change::SetPlacement { .. }
            | Change::AddSuperRegion { .. }
            | Change::AlterSuperRegion { .. }
            | Change::DropSuperRegion { .. } => Some(None),
            Change::SetLocality { table, .. } => Some(Some(table.as_str())),
            _ => None,
        };
        if let Some(scope) = scope {
            let hit: Vec<String> = self
                .overridden
                .iter()
                .filter(|k| scope.is_none() || zone_table(k) == scope)
                .cloned()
                .collect();
            let fails = !hit.is_empty() && !override_on;
            for k in hit {
                self.overridden.remove(&k);
                self.reset.insert(k);
            }
            if fails {
                return Some(
                    "42P17: an overridden zone is in the way and the override is off".into(),
                );
            }
            return None;
        }
        match change {
            Change::ConfigureZone { target, to, .. } => {
                let key = target.to_string();
                self.reset.remove(&key);
                if to.as_ref().is_some_and(|z| z.override_multi_region) {
                    self.overridden.insert(key);
                } else {
                    self.overridden.remove(&key);
                }
            }
            Change::DropTable { table } => {
                let name = table.name.as_str();
                self.overridden.retain(|k| zone_table(k) != Some(name));
                self.reset.retain(|k| zone_table(k) != Some(name));
            }
            _ => {}
        }
        None
    }

    /// Overrides the desired model keeps that a statement reset and nothing wrote back.
    fn finish(&self, desired: &Model) -> Vec<String> {
        let want = OverrideZones::of(desired).overridden;
        self.reset
            .iter()
            .filter(|k| want.contains(*k))
            .map(|k| {
                format!("zone {k} was reset by a region or locality change and never re-applied")
            })
            .collect()
    }
}

fn indent(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("    - {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn cases() {
    let files = case_files();
    let mut kinds = BTreeSet::new();
    let mut failures = Vec::new();
    if files.len() < 30 {
        failures.push(format!(
            "expected at least 30 case files, found {}",
            files.len()
        ));
    }
    for file in &files {
        let text = std::fs::read_to_string(file).expect("case file reads");
        let problems = match serde_yaml::from_str::<Case>(&text) {
            Ok(case) => check(case, &mut kinds),
            Err(e) => vec![format!("case does not parse: {e}")],
        };
        if !problems.is_empty() {
            failures.push(format!("{}:\n{}", file.display(), problems.join("\n")));
        }
    }
    let missing: Vec<&str> = Change::ALL_KINDS
        .iter()
        .copied()
        .filter(|k| !kinds.contains(k))
        .collect();
    if !missing.is_empty() {
        failures.push(format!(
            "no case produces these change kinds: {}",
            missing.join(", ")
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} case files failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// The case shape is the lock-file state shape (JSON-like): a model written by serde reads back.
#[test]
fn state_shape_round_trips() {
    let text = r#"
database: { name: game, dialect: cockroach, primary_region: a, regions: [a, b] }
tables:
  t:
    name: t
    locality: { regional_by_row: { column: null } }
    columns: [{ name: id, type: INT8, nullable: false }]
    indexes: [{ name: t_id_idx, columns: [{ name: id, desc: true }], where: "id > 0" }]
  g: { name: g, locality: global, columns: [] }
"#;
    let parsed = model(Some(serde_yaml::from_str(text).unwrap())).expect("state shape parses");
    let written = serde_json::to_value(&parsed).unwrap();
    assert_eq!(written["tables"]["g"]["locality"], "global");
    assert!(written["tables"]["t"]["locality"]["regional_by_row"].is_object());
    let again: Model = serde_json::from_value(written).unwrap();
    assert_eq!(parsed, again);
    assert_eq!(
        parsed.tables["t"].indexes[0].predicate.as_deref(),
        Some("id > 0")
    );
}
