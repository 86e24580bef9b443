//! Preconditions CockroachDB checks before each multi-region statement, run over the
//! ordered plan before anything is sent: the database and table state is simulated step
//! by step, and every step CockroachDB would refuse is reported at once, with a stable id,
//! what is wrong and what to do. A plan that fails here is never rendered or applied.

use super::Plan;
use crate::diff::Change;
use crate::model::types::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One step CockroachDB would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanProblem {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// 1-based step number in the plan.
    pub step: usize,
    /// `<kind> <object>` of the step.
    pub at: String,
    pub message: String,
    pub help: String,
}

/// The plan cannot run as ordered; every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRefused {
    pub problems: Vec<PlanProblem>,
}

impl std::fmt::Display for PlanRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // steps, not problems: one step may break several rules
        let n = self
            .problems
            .iter()
            .map(|p| p.step)
            .collect::<BTreeSet<_>>()
            .len();
        writeln!(
            f,
            "the plan cannot run: CockroachDB would refuse {n} step{}; nothing was written or sent",
            if n == 1 { "" } else { "s" }
        )?;
        let lines: Vec<String> = self
            .problems
            .iter()
            .map(|p| {
                format!(
                    "error[{}]: step {} ({}): {}\n  help: {}",
                    p.id, p.step, p.at, p.message, p.help
                )
            })
            .collect();
        write!(f, "{}", lines.join("\n"))?;
        Ok(())
    }
}

impl std::error::Error for PlanRefused {}

const REGION_TYPE: &str = "crdb_internal_region";

fn is_region_type(ty: &str) -> bool {
    ty.eq_ignore_ascii_case(REGION_TYPE)
        || ty.to_ascii_lowercase().ends_with(".crdb_internal_region")
}

#[derive(Debug, Clone)]
struct SimColumn {
    ty: String,
    nullable: bool,
}

#[derive(Debug, Clone)]
struct SimTable {
    locality: Option<Locality>,
    columns: BTreeMap<String, SimColumn>,
    /// The hidden `crdb_region` column a REGIONAL BY ROW table without `AS` got.
    hidden_region_column: bool,
}

impl SimTable {
    fn of(t: &Table) -> SimTable {
        SimTable {
            locality: t.locality.clone(),
            columns: t
                .columns
                .iter()
                .map(|c| {
                    let col = SimColumn {
                        ty: c.ty.clone(),
                        nullable: c.nullable,
                    };
                    (c.name.clone(), col)
                })
                .collect(),
            hidden_region_column: matches!(
                t.locality,
                Some(Locality::RegionalByRow { column: None })
            ),
        }
    }

    /// Whether the table still references the region enum (blocks dropping the last region).
    fn uses_region_enum(&self) -> bool {
        matches!(
            self.locality,
            Some(Locality::RegionalByRow { .. })
                | Some(Locality::RegionalByTable { region: Some(_) })
        ) || self.hidden_region_column
            || self.columns.values().any(|c| is_region_type(&c.ty))
    }
}

struct Sim {
    primary: Option<String>,
    regions: BTreeSet<String>,
    secondary: Option<String>,
    region_survival: bool,
    restricted: bool,
    super_regions: BTreeMap<String, Vec<String>>,
    tables: BTreeMap<String, SimTable>,
}

/// Every step of `plan` CockroachDB would refuse when run in order from `current`.
/// `desired` tells whether the database leaves multi-region (the renderer then drops
/// the hidden region column of tables leaving REGIONAL BY ROW).
pub fn check(current: &Model, desired: &Model, plan: &Plan) -> Result<(), PlanRefused> {
    if desired.database.dialect != Dialect::Cockroach {
        return Ok(());
    }
    let d = &current.database;
    let mut sim = Sim {
        primary: d.primary_region.clone(),
        regions: d.regions.iter().cloned().collect(),
        secondary: d.secondary_region.clone(),
        region_survival: d.survival_goal == SurvivalGoal::Region,
        restricted: d.placement == Placement::Restricted,
        super_regions: d.super_regions.clone(),
        tables: current
            .tables
            .iter()
            .map(|(n, t)| (n.clone(), SimTable::of(t)))
            .collect(),
    };
    let leaving = !desired.database.is_multi_region();
    let mut problems = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let at = format!("{} {}", step.change.kind(), step.change.object());
        let mut refuse = |id: &'static str, message: String, help: String| {
            problems.push(PlanProblem {
                id,
                step: i + 1,
                at: at.clone(),
                message,
                help,
            })
        };
        sim.step(&step.change, leaving, &mut refuse);
    }
    zone_rejections(desired, plan, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(PlanRefused { problems })
    }
}

/// Each `CONFIGURE ZONE` step whose zone CockroachDB's own validation rejects: the complete
/// zone (inherited values filled in) of the desired model, `zones::satisfy::rejections`.
fn zone_rejections(desired: &Model, plan: &Plan, problems: &mut Vec<PlanProblem>) {
    let mut zones = None;
    for (i, step) in plan.steps.iter().enumerate() {
        let Change::ConfigureZone {
            target,
            to: Some(_),
            ..
        } = &step.change
        else {
            continue;
        };
        let zones = zones.get_or_insert_with(|| crate::zones::effective_zones(desired));
        let label = target.to_string();
        let Some(z) = zones.iter().find(|z| z.label() == label) else {
            continue;
        };
        for r in crate::zones::satisfy::rejections(z) {
            problems.push(PlanProblem {
                id: r.id,
                step: i + 1,
                at: format!("{} {}", step.change.kind(), step.change.object()),
                message: r.reason,
                help: r.help,
            });
        }
    }
}

type Refuse<'a> = dyn FnMut(&'static str, String, String) + 'a;

impl Sim {
    fn super_region_of(&self, region: &str) -> Option<&String> {
        self.super_regions
            .iter()
            .find(|(_, m)| m.iter().any(|r| r == region))
            .map(|(n, _)| n)
    }

    /// One change applied to the simulated database, refusing what CockroachDB would refuse
    /// at that point; each family of changes has its own method below.
    fn step(&mut self, change: &Change, leaving: bool, refuse: &mut Refuse<'_>) {
        match change {
            Change::SetPrimaryRegion { region, from, .. } => {
                self.set_primary_region(region, from.is_some(), refuse)
            }
            Change::AddRegion { region, .. } => self.add_region(region, refuse),
            Change::DropRegion { region, .. } => self.drop_region(region, refuse),
            Change::SetSecondaryRegion { region, .. } => self.set_secondary_region(region, refuse),
            Change::DropSecondaryRegion { .. } => self.secondary = None,
            Change::SetSurvivalGoal { to, .. } => self.set_survival_goal(*to, refuse),
            Change::SetPlacement { to, .. } => self.set_placement(*to, refuse),
            Change::AddSuperRegion { name, regions, .. }
            | Change::AlterSuperRegion { name, regions, .. } => {
                self.put_super_region(name, regions, refuse)
            }
            Change::DropSuperRegion { name, .. } => {
                self.super_regions.remove(name);
            }
            Change::CreateTable { table } => {
                self.check_locality(
                    &table.name,
                    table.locality.as_ref(),
                    &SimTable::of(table),
                    refuse,
                );
                self.tables.insert(table.name.clone(), SimTable::of(table));
            }
            Change::DropTable { table } => {
                self.tables.remove(&table.name);
            }
            Change::SetLocality { table, from, to } => {
                self.set_locality(table, from.as_ref(), to.as_ref(), leaving, refuse)
            }
            Change::AddColumn { table, column, .. } => self.add_column(table, column, refuse),
            Change::DropColumn { table, column } => self.drop_column(table, column, refuse),
            _ => self.column_shape_step(change),
        }
    }

    fn set_primary_region(&mut self, region: &String, moving: bool, refuse: &mut Refuse<'_>) {
        if moving {
            if !self.regions.contains(region) {
                refuse(
                    "primary-region-not-added",
                    format!("region {region} has not been added to the database"),
                    format!(
                        "list {region} under regions so the plan adds it before making it primary"
                    ),
                );
            }
            if self.secondary.as_deref() == Some(region) {
                refuse(
                    "primary-is-secondary",
                    format!("region {region} is the secondary region"),
                    "choose another secondary region in regions.yaml".into(),
                );
            }
            let old = self
                .primary
                .as_deref()
                .and_then(|p| self.super_region_of(p));
            let new = self.super_region_of(region);
            if old != new {
                refuse(
                    "primary-crosses-super-region",
                    format!("moving the primary region to {region} moves it into or out of a super region; CockroachDB refuses this unless alter_primary_region_super_region_override is on"),
                    "change the super regions in one plan and the primary region in the next, or move the primary within its super region".into(),
                );
            }
        }
        self.regions.insert(region.clone());
        self.primary = Some(region.clone());
    }

    fn add_region(&mut self, region: &String, refuse: &mut Refuse<'_>) {
        if self.primary.is_none() {
            refuse(
                "add-region-without-primary",
                format!("region {region} cannot be added to a database without a primary region"),
                "set primary_region in regions.yaml".into(),
            );
        }
        self.regions.insert(region.clone());
    }

    fn set_secondary_region(&mut self, region: &String, refuse: &mut Refuse<'_>) {
        if !self.regions.contains(region) || self.primary.as_deref() == Some(region) {
            refuse(
                "secondary-not-a-region",
                format!("region {region} is not a non-primary region of the database"),
                "the secondary region must be listed under regions and differ from the primary"
                    .into(),
            );
        }
        let primary_super = self
            .primary
            .as_deref()
            .and_then(|p| self.super_region_of(p));
        let own_super = self.super_region_of(region);
        if primary_super != own_super {
            let why = match primary_super {
                Some(s) => format!(
                    "the primary region is in super region {s}, so the secondary must be too"
                ),
                None => {
                    "the primary region is in no super region, so the secondary must be in none"
                        .into()
                }
            };
            refuse(
                "secondary-outside-primary-super-region",
                format!("region {region} cannot be the secondary region: {why}"),
                "put the secondary region in the primary's super region, or pick another one"
                    .into(),
            );
        }
        self.secondary = Some(region.clone());
    }

    fn set_survival_goal(&mut self, to: SurvivalGoal, refuse: &mut Refuse<'_>) {
        self.region_survival = to == SurvivalGoal::Region;
        if self.region_survival {
            if self.regions.len() < 3 {
                refuse(
                    "region-survival-needs-three-regions",
                    format!("surviving a region failure needs at least 3 regions; the database has {} at this step", self.regions.len()),
                    "add regions to regions.yaml (they are added before the survival goal changes)".into(),
                );
            }
            if self.restricted {
                refuse(
                    "restricted-placement-with-region-survival",
                    "a region-survivable database cannot have a restricted placement".into(),
                    "use placement: default with survival_goal: region".into(),
                );
            }
            for (name, members) in &self.super_regions {
                if members.len() < 3 {
                    refuse(
                        "region-survival-needs-three-regions",
                        format!("super region {name} has {} regions; surviving a region failure needs at least 3 in every super region", members.len()),
                        format!("add regions to super region {name} or keep survival_goal: zone"),
                    );
                }
            }
        }
    }

    fn set_placement(&mut self, to: Placement, refuse: &mut Refuse<'_>) {
        self.restricted = to == Placement::Restricted;
        if self.restricted && self.region_survival {
            refuse(
                "restricted-placement-with-region-survival",
                "a region-survivable database cannot have a restricted placement".into(),
                "use survival_goal: zone with placement: restricted".into(),
            );
        }
    }

    /// A super region added or given new members.
    fn put_super_region(&mut self, name: &String, regions: &[String], refuse: &mut Refuse<'_>) {
        for r in regions.iter().filter(|r| !self.regions.contains(*r)) {
            refuse(
                "super-region-member-not-added",
                format!("region {r} of super region {name} is not a region of the database"),
                format!("list {r} under regions in regions.yaml"),
            );
        }
        for (other, members) in &self.super_regions {
            if other != name {
                if let Some(r) = members.iter().find(|r| regions.contains(r)) {
                    refuse(
                        "super-regions-overlap",
                        format!("region {r} is still in super region {other}"),
                        "super regions must be disjoint: take the region out of the other super region".into(),
                    );
                }
            }
        }
        if self.region_survival && regions.len() < 3 {
            refuse(
                "region-survival-needs-three-regions",
                format!("super region {name} has {} regions; a region-survivable database needs at least 3 in every super region", regions.len()),
                format!("add regions to super region {name}"),
            );
        }
        self.super_regions.insert(name.clone(), regions.to_vec());
    }

    fn set_locality(
        &mut self,
        table: &String,
        from: Option<&Locality>,
        to: Option<&Locality>,
        leaving: bool,
        refuse: &mut Refuse<'_>,
    ) {
        let Some(t) = self.tables.get(table).cloned() else {
            return;
        };
        self.check_locality(table, to, &t, refuse);
        let t = self.tables.get_mut(table).expect("checked above");
        t.locality = to.cloned();
        match to {
            Some(Locality::RegionalByRow { column: None }) => t.hidden_region_column = true,
            // The renderer drops the hidden column when the database leaves multi-region.
            None if leaving && matches!(from, Some(Locality::RegionalByRow { column: None })) => {
                t.hidden_region_column = false
            }
            _ => {}
        }
    }

    fn add_column(&mut self, table: &String, column: &Column, refuse: &mut Refuse<'_>) {
        if is_region_type(&column.ty) {
            if self.primary.is_none() {
                refuse(
                    "region-column-without-regions",
                    format!("column {table}.{} has type crdb_internal_region, which exists only in a multi-region database", column.name),
                    "set primary_region in regions.yaml, or use another type".into(),
                );
            }
            if !column.nullable && column.default.is_none() {
                refuse(
                    "region-column-without-default",
                    format!("column {table}.{} is NOT NULL without a default; adding it fails on a table that has rows", column.name),
                    "give it `default: default_to_database_primary_region(gateway_region())::crdb_internal_region`".into(),
                );
            }
        }
        if let Some(t) = self.tables.get_mut(table) {
            let col = SimColumn {
                ty: column.ty.clone(),
                nullable: column.nullable,
            };
            t.columns.insert(column.name.clone(), col);
        }
    }

    fn drop_column(&mut self, table: &String, column: &Column, refuse: &mut Refuse<'_>) {
        if let Some(t) = self.tables.get_mut(table) {
            if matches!(&t.locality, Some(Locality::RegionalByRow { column: Some(c) }) if *c == column.name)
            {
                refuse(
                    "region-column-in-use",
                    format!("column {table}.{} is the region column of the REGIONAL BY ROW table {table}", column.name),
                    format!("change the locality of {table} in the same plan (it runs first), or keep the column"),
                );
            }
            t.columns.remove(&column.name);
        }
    }

    /// Renames and type or nullability changes: they only update the simulated columns.
    fn column_shape_step(&mut self, change: &Change) {
        match change {
            Change::RenameColumn { table, from, to } => {
                if let Some(t) = self.tables.get_mut(table) {
                    if let Some(c) = t.columns.remove(from) {
                        t.columns.insert(to.clone(), c);
                    }
                }
            }
            Change::AlterColumnType {
                table, column, to, ..
            } => {
                if let Some(c) = self
                    .tables
                    .get_mut(table)
                    .and_then(|t| t.columns.get_mut(column))
                {
                    c.ty = to.clone();
                }
            }
            Change::SetColumnNullable {
                table,
                column,
                nullable,
            } => {
                if let Some(c) = self
                    .tables
                    .get_mut(table)
                    .and_then(|t| t.columns.get_mut(column))
                {
                    c.nullable = *nullable;
                }
            }
            _ => {}
        }
    }

    /// A locality a table is created with or moved to.
    fn check_locality(
        &self,
        table: &str,
        locality: Option<&Locality>,
        t: &SimTable,
        refuse: &mut Refuse<'_>,
    ) {
        match locality {
            Some(_) if self.primary.is_none() => refuse(
                "locality-without-regions",
                format!("table {table} cannot have a locality in a database that is not multi-region"),
                "set primary_region in regions.yaml, or remove the locality".into(),
            ),
            Some(Locality::RegionalByTable { region: Some(r) }) if !self.regions.contains(r) => {
                refuse(
                    "region-not-added",
                    format!("table {table} is homed in region {r}, which the database does not have at this step"),
                    format!("list {r} under regions in regions.yaml"),
                )
            }
            Some(Locality::RegionalByRow { column: Some(c) }) => match t.columns.get(c) {
                None => refuse(
                    "region-column-missing",
                    format!("table {table} has no column {c} to be REGIONAL BY ROW AS"),
                    format!("add column {c} of type crdb_internal_region, NOT NULL, to {table}"),
                ),
                Some(col) if !is_region_type(&col.ty) || col.nullable => refuse(
                    "region-column-type",
                    format!("column {table}.{c} is {}{}; REGIONAL BY ROW AS needs a NOT NULL crdb_internal_region column", col.ty, if col.nullable { " NULL" } else { "" }),
                    format!("make {c} `type: crdb_internal_region, nullable: false`"),
                ),
                Some(_) => {}
            },
            _ => {}
        }
    }

    fn drop_region(&mut self, region: &str, refuse: &mut Refuse<'_>) {
        if self.secondary.as_deref() == Some(region) {
            refuse(
                "drop-secondary-region-first",
                format!("region {region} is the secondary region"),
                "remove secondary_region (or change it) in regions.yaml; the plan drops it first"
                    .into(),
            );
        }
        if let Some(s) = self.super_region_of(region) {
            refuse(
                "region-in-super-region",
                format!("region {region} is part of super region {s}"),
                format!("take {region} out of super region {s} in regions.yaml"),
            );
        }
        if self.primary.as_deref() == Some(region) && self.regions.len() > 1 {
            refuse(
                "drop-primary-region",
                format!("region {region} is the primary region and other regions remain"),
                "make another region primary, or drop every region to leave multi-region".into(),
            );
        }
        let homed: Vec<&String> = self
            .tables
            .iter()
            .filter(|(_, t)| matches!(&t.locality, Some(Locality::RegionalByTable { region: Some(r) }) if r == region))
            .map(|(n, _)| n)
            .collect();
        if !homed.is_empty() {
            let names: Vec<&str> = homed.iter().map(|s| s.as_str()).collect();
            refuse(
                "region-still-homes-tables",
                format!("tables homed in region {region} ({}) would lose their home", names.join(", ")),
                "change the locality of those tables in the model; the plan moves them before the region is dropped".into(),
            );
        }
        self.regions.remove(region);
        if self.region_survival && !self.regions.is_empty() && self.regions.len() < 3 {
            refuse(
                "region-survival-needs-three-regions",
                format!("dropping region {region} leaves {} regions; surviving a region failure needs at least 3", self.regions.len()),
                "set survival_goal: zone (the plan downgrades before dropping regions)".into(),
            );
        }
        if self.regions.is_empty() {
            let blocking: Vec<&str> = self
                .tables
                .iter()
                .filter(|(_, t)| t.uses_region_enum())
                .map(|(n, _)| n.as_str())
                .collect();
            if !blocking.is_empty() {
                refuse(
                    "region-enum-in-use",
                    format!("region {region} is the last region and tables still use the region type ({})", blocking.join(", ")),
                    "give those tables no locality and drop their crdb_internal_region columns in the model".into(),
                );
            }
            self.primary = None;
        }
    }
}
