//! Validation: the semantic checks that span keys, tables and files (regions,
//! localities, column references, foreign keys, names). Each check has a stable
//! kebab-case id; every finding is reported, none stops the others.

use super::diagnostic::Diagnostic;
use super::load::Loaded;
use super::normalize::{closest_region, did_you_mean, suggest, suggest_region, type_family};
use super::read::Origins;
use super::types::*;
use super::yaml::Pos;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

struct V<'a> {
    origins: &'a Origins,
    diags: &'a mut Vec<Diagnostic>,
}

impl V<'_> {
    /// The first known location among `keys`, else the top of regions.yaml.
    fn at(&self, keys: &[&[&str]]) -> (PathBuf, Pos) {
        keys.iter()
            .find_map(|k| self.origins.get(k))
            .unwrap_or_else(|| (PathBuf::from("regions.yaml"), Pos::START))
    }

    fn err(&mut self, at: (PathBuf, Pos), check: &'static str, message: String, help: String) {
        self.diags.push(Diagnostic {
            file: at.0,
            line: at.1.line,
            col: at.1.col,
            check,
            message,
            help: Some(help),
        });
    }
}

pub fn validate(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    let mut v = V {
        origins: &loaded.origins,
        diags,
    };
    let model = &loaded.model;
    if loaded.database_ok {
        database(&mut v, &model.database);
    }
    for table in model.tables.values() {
        table_checks(&mut v, model, table, loaded.incomplete);
    }
    index_names_across_tables(&mut v, model);
}

/// The help for a region `r` that is not declared: the closest declared one, and the list.
fn declared(db: &Database, r: &str) -> String {
    if db.regions.is_empty() {
        "no regions are declared".to_string()
    } else {
        suggest_region(
            r,
            &db.regions,
            format!("declared regions are {}", db.regions.join(", ")),
        )
    }
}

fn database(v: &mut V, db: &Database) {
    let has = |r: &str| db.regions.iter().any(|x| x == r);
    match &db.primary_region {
        Some(p) if !has(p) => v.err(
            v.at(&[&["db", "primary_region"]]),
            "primary-region-not-declared",
            format!("primary region \"{p}\" is not in \"regions\""),
            or_add(
                closest_region(
                    p,
                    &db.regions.iter().map(String::as_str).collect::<Vec<_>>(),
                ),
                format!(
                    "add {p} to regions: [{}]",
                    db.regions
                        .iter()
                        .map(String::as_str)
                        .chain([p.as_str()])
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        ),
        None if !db.regions.is_empty() => v.err(
            v.at(&[&["db", "regions"]]),
            "missing-key",
            "regions are listed but \"primary_region\" is not set".to_string(),
            format!("add primary_region: <one of {}>", db.regions.join(", ")),
        ),
        _ => {}
    }
    let multi = db.primary_region.is_some();
    for (key, set) in [
        ("survival_goal", db.survival_goal == SurvivalGoal::Region),
        ("placement", db.placement == Placement::Restricted),
        ("secondary_region", db.secondary_region.is_some()),
        ("super_regions", !db.super_regions.is_empty()),
    ] {
        if set && !multi {
            v.err(
                v.at(&[&["db", key]]),
                "missing-key",
                format!(
                    "\"{key}\" needs a multi-region database, but \"primary_region\" is not set"
                ),
                "add primary_region and regions, or remove this key".to_string(),
            );
        }
    }
    if multi && db.survival_goal == SurvivalGoal::Region && db.regions.len() < 3 {
        v.err(
            v.at(&[&["db", "survival_goal"]]),
            "region-survival-needs-three-regions",
            format!(
                "survival_goal: region needs at least 3 regions, the database has {}",
                db.regions.len()
            ),
            "add regions, or use survival_goal: zone".to_string(),
        );
    }
    if db.survival_goal == SurvivalGoal::Region && db.placement == Placement::Restricted {
        v.err(
            v.at(&[&["db", "placement"]]),
            "restricted-placement-with-region-survival",
            "placement: restricted cannot be combined with survival_goal: region".to_string(),
            "use placement: default, or survival_goal: zone".to_string(),
        );
    }
    if let Some(s) = &db.secondary_region {
        if Some(s) == db.primary_region.as_ref() {
            v.err(
                v.at(&[&["db", "secondary_region"]]),
                "secondary-is-primary",
                format!("secondary region \"{s}\" is also the primary region"),
                "choose a different region as the secondary, or remove secondary_region"
                    .to_string(),
            );
        } else if multi && !has(s) {
            v.err(
                v.at(&[&["db", "secondary_region"]]),
                "unknown-region",
                format!("secondary region \"{s}\" is not declared in regions.yaml"),
                declared(db, s),
            );
        }
    }
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, members) in &db.super_regions {
        for m in members {
            let at = v.at(&[&["super", name, m], &["super", name]]);
            if !has(m) {
                v.err(
                    at.clone(),
                    "unknown-region",
                    format!(
                        "region \"{m}\" in super region \"{name}\" is not declared in regions.yaml"
                    ),
                    declared(db, m),
                );
            }
            if let Some(other) = owner.insert(m, name) {
                v.err(
                    at,
                    "super-regions-overlap",
                    format!("region \"{m}\" is in super regions \"{other}\" and \"{name}\""),
                    "super regions must not share regions; keep it in one of them".to_string(),
                );
            }
        }
        if multi && db.survival_goal == SurvivalGoal::Region && members.len() < 3 {
            v.err(
                v.at(&[&["super", name]]),
                "region-survival-needs-three-regions",
                format!("super region \"{name}\" has {} regions; survival_goal: region needs at least 3 in each", members.len()),
                "add regions to the super region, or use survival_goal: zone".to_string(),
            );
        }
    }
}

fn table_checks(v: &mut V, model: &Model, t: &Table, incomplete: bool) {
    let db = &model.database;
    let tn = t.name.as_str();
    let tkey: &[&str] = &["table", tn];
    // A table without columns is valid SQL in both dialects (PostgreSQL's `CREATE TABLE e ()`,
    // which inspect reads back as `columns: []`): nothing to check.
    locality(v, db, t);
    let unknown_col = |v: &mut V, col: &str, key: &[&str], what: &str| {
        if t.column(col).is_none() {
            let at = v.at(&[key, tkey]);
            v.err(
                at,
                "unknown-column",
                format!("{what} names column \"{col}\", which table \"{tn}\" does not have"),
                known_columns(t, col),
            );
        }
    };
    if let Some(pk) = &t.primary_key {
        for (j, c) in pk.columns.iter().enumerate() {
            unknown_col(v, c, &["pkcol", tn, "0", &j.to_string()], "the primary key");
        }
    }
    for (i, u) in t.unique.iter().enumerate() {
        for (j, c) in u.columns.iter().enumerate() {
            unknown_col(
                v,
                c,
                &["uniquecol", tn, &i.to_string(), &j.to_string()],
                &format!("unique constraint \"{}\"", u.name),
            );
        }
    }
    for (i, ix) in t.indexes.iter().enumerate() {
        for (j, c) in ix.columns.iter().enumerate() {
            unknown_col(
                v,
                &c.name,
                &["indexcol", tn, &i.to_string(), &j.to_string()],
                &format!("index \"{}\"", ix.name),
            );
        }
        for (j, c) in ix.storing.iter().enumerate() {
            unknown_col(
                v,
                c,
                &["storing", tn, &i.to_string(), &j.to_string()],
                &format!("storing of index \"{}\"", ix.name),
            );
        }
    }
    for (i, fk) in t.foreign_keys.iter().enumerate() {
        foreign_key(v, model, t, i, fk, incomplete);
    }
    for (i, f) in t.families.iter().enumerate() {
        for (j, c) in f.columns.iter().enumerate() {
            unknown_col(
                v,
                c,
                &["familycol", tn, &i.to_string(), &j.to_string()],
                &format!("family \"{}\"", f.name),
            );
        }
    }
    families(v, t);
    names_in_table(v, t);
    renames(v, t);
}

/// CockroachDB's rules for a table's `families:` (`validateColumnFamilies`,
/// pkg/sql/catalog/tabledesc/validate.go): family names unique, every stored column in
/// exactly one family, a virtual computed column in none. bmdb asks for every column to be
/// listed (CockroachDB would put an unlisted one in a family of its choosing). The primary
/// key's columns may be in any family (the `family` logic test creates `FAMILY (d), FAMILY
/// (c), FAMILY (b), FAMILY (a)` with `a` the key).
fn families(v: &mut V, t: &Table) {
    if t.families.is_empty() {
        return;
    }
    let tn = t.name.as_str();
    let mut seen: Vec<&str> = Vec::new();
    let mut placed: Vec<(&str, &str)> = Vec::new();
    for (i, f) in t.families.iter().enumerate() {
        let idx = i.to_string();
        if seen.contains(&f.name.as_str()) {
            let at = v.at(&[&["name", tn, "family", &idx], &["family", tn, &idx]]);
            v.err(
                at,
                "duplicate-family",
                format!("table \"{tn}\" has two families named \"{}\"", f.name),
                "give each family its own name".to_string(),
            );
        }
        seen.push(&f.name);
        for (j, c) in f.columns.iter().enumerate() {
            let at = v.at(&[
                &["familycol", tn, &idx, &j.to_string()],
                &["family", tn, &idx],
            ]);
            if let Some((_, other)) = placed.iter().find(|(col, _)| col == c) {
                v.err(
                    at,
                    "family-duplicate-column",
                    format!(
                        "column \"{c}\" of table \"{tn}\" is in family \"{other}\" and in family \"{}\"",
                        f.name
                    ),
                    "a column is stored in exactly one family: list it once".to_string(),
                );
                continue;
            }
            placed.push((c, &f.name));
            if t.column(c)
                .and_then(|col| col.computed.as_ref())
                .is_some_and(|k| k.is_virtual)
            {
                v.err(
                    at,
                    "family-virtual-column",
                    format!("column \"{c}\" of table \"{tn}\" is a virtual computed column, which CockroachDB keeps in no family"),
                    "take it out of `families:` (it is computed when read, never stored)".to_string(),
                );
            }
        }
    }
    let missing: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| !c.computed.as_ref().is_some_and(|k| k.is_virtual))
        .map(|c| c.name.as_str())
        .filter(|c| !placed.iter().any(|(p, _)| p == c))
        .collect();
    if !missing.is_empty() {
        let at = v.at(&[&["family", tn, "0"], &["table", tn]]);
        v.err(
            at,
            "family-missing-column",
            format!(
                "table \"{tn}\" lists families, but not the family of column{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            ),
            "put every stored column in one family (the primary key's columns too), e.g. in the first".to_string(),
        );
    }
}

/// `renamed_from` must name a column the table no longer has, and at most one column may
/// come from each old name: otherwise the differ cannot tell a rename from an add.
fn renames(v: &mut V, t: &Table) {
    let tn = t.name.as_str();
    let mut sources: HashMap<&str, &str> = HashMap::new();
    for c in &t.columns {
        let Some(old) = c.renamed_from.as_deref() else {
            continue;
        };
        let at = v.at(&[&["renamed_from", tn, &c.name], &["column", tn, &c.name]]);
        if old == c.name {
            v.err(
                at,
                "invalid-rename",
                format!(
                    "column \"{}\" in table \"{tn}\" is renamed from itself",
                    c.name
                ),
                "remove renamed_from, or name the column it used to be called".to_string(),
            );
        } else if t.column(old).is_some() {
            v.err(
                at,
                "invalid-rename",
                format!(
                    "column \"{}\" is renamed from \"{old}\", which table \"{tn}\" still has",
                    c.name
                ),
                format!("a rename leaves no column \"{old}\" behind: remove that column, or remove renamed_from to add \"{}\" as a new column", c.name),
            );
        } else if let Some(first) = sources.insert(old, &c.name) {
            v.err(
                at,
                "invalid-rename",
                format!(
                    "columns \"{first}\" and \"{}\" are both renamed from \"{old}\" in table \"{tn}\"",
                    c.name
                ),
                "one column can become only one: keep renamed_from on one of them".to_string(),
            );
        }
    }
}

/// `add`, the fix that adds the missing `word`, led by the closest existing name when there
/// is one: `did you mean "us-east-1"? (or add us-east1 to regions: [...])`.
fn or_add(closest: Option<&str>, add: String) -> String {
    match closest {
        Some(s) => format!("did you mean \"{s}\"? (or {add})"),
        None => add,
    }
}

/// The help for a column `col` that table `t` does not have: the closest one, and the list.
fn known_columns(t: &Table, col: &str) -> String {
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    if names.is_empty() {
        "the table has no columns yet".to_string()
    } else {
        suggest(col, &names, format!("columns are {}", names.join(", ")))
    }
}

fn locality(v: &mut V, db: &Database, t: &Table) {
    let tn = t.name.as_str();
    let Some(loc) = &t.locality else { return };
    let at = v.at(&[&["locality", tn], &["table", tn]]);
    if db.dialect == Dialect::Cockroach && db.primary_region.is_none() {
        v.err(
            at,
            "locality-without-regions",
            format!("table \"{tn}\" sets a locality, but the database has no primary_region"),
            "add primary_region and regions to regions.yaml, or remove locality".to_string(),
        );
        return;
    }
    let arg = v.at(&[&["locality_arg", tn], &["locality", tn]]);
    match loc {
        Locality::RegionalByTable { region: Some(r) } if !db.regions.contains(r) && db.primary_region.is_some() => {
            v.err(arg, "unknown-region", format!("region \"{r}\" in the locality of table \"{tn}\" is not declared in regions.yaml"), declared(db, r));
        }
        Locality::RegionalByRow { column: Some(c) } => match t.column(c) {
            None => v.err(
                arg,
                "rbr-column-missing",
                format!("table \"{tn}\" is regional_by_row on column \"{c}\", which it does not have"),
                or_add(did_you_mean(c, &t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>()).filter(|s| s != c), format!("add {{ name: {c}, type: crdb_internal_region, nullable: false }} to columns")),
            ),
            Some(col) if !col.ty.is_empty() && (col.ty != "crdb_internal_region" || col.nullable) => v.err(
                arg,
                "rbr-column-type",
                format!("region column \"{c}\" of table \"{tn}\" is {}{}; it must be a NOT NULL crdb_internal_region column", col.ty, if col.nullable { " NULL" } else { "" }),
                format!("declare it as {{ name: {c}, type: crdb_internal_region, nullable: false }}"),
            ),
            Some(_) => {}
        },
        _ => {}
    }
}

fn foreign_key(v: &mut V, model: &Model, t: &Table, i: usize, fk: &ForeignKey, incomplete: bool) {
    let tn = t.name.as_str();
    let idx = i.to_string();
    let fk_at = v.at(&[&["fk", tn, &idx], &["table", tn]]);
    for (j, c) in fk.columns.iter().enumerate() {
        if t.column(c).is_none() {
            let at = v.at(&[&["fkcol", tn, &idx, &j.to_string()], &["fk", tn, &idx]]);
            v.err(
                at,
                "fk-unknown-column",
                format!(
                    "foreign key \"{}\" names column \"{c}\", which table \"{tn}\" does not have",
                    fk.name
                ),
                known_columns(t, c),
            );
        }
    }
    let Some(rt) = model.tables.get(&fk.ref_table) else {
        if !incomplete {
            let at = v.at(&[&["fkref", tn, &idx], &["fk", tn, &idx]]);
            let tables: Vec<&str> = model.tables.keys().map(String::as_str).collect();
            // a name written without its schema is public's: the same name in another schema
            // is what was meant
            let elsewhere = tables
                .iter()
                .find(|k| super::schemas::name_of(k) == super::schemas::name_of(&fk.ref_table));
            let help = match elsewhere {
                Some(k) => {
                    format!("did you mean \"{k}\"? (a table outside public is named schema.table)")
                }
                None => suggest(
                    &fk.ref_table,
                    &tables,
                    format!("tables are {}", tables.join(", ")),
                ),
            };
            v.err(
                at,
                "fk-unknown-table",
                format!(
                    "foreign key \"{}\" references table \"{}\", which is not in schema/",
                    fk.name, fk.ref_table
                ),
                help,
            );
        }
        return;
    };
    for (j, c) in fk.ref_columns.iter().enumerate() {
        if rt.column(c).is_none() {
            let at = v.at(&[
                &["fkrefcol", tn, &idx, &j.to_string()],
                &["fkref", tn, &idx],
            ]);
            v.err(at, "fk-unknown-column", format!("foreign key \"{}\" references column \"{c}\", which table \"{}\" does not have", fk.name, rt.name), known_columns(rt, c));
        }
    }
    if fk.columns.len() != fk.ref_columns.len() {
        v.err(
            fk_at,
            "fk-column-count",
            format!(
                "foreign key \"{}\" has {} columns but references {}",
                fk.name,
                fk.columns.len(),
                fk.ref_columns.len()
            ),
            "list as many referenced columns as local columns, in matching order".to_string(),
        );
        return;
    }
    for (j, (c, r)) in fk.columns.iter().zip(&fk.ref_columns).enumerate() {
        let (Some(lc), Some(rc)) = (t.column(c), rt.column(r)) else {
            continue;
        };
        if lc.ty.is_empty() || rc.ty.is_empty() {
            continue;
        }
        if type_family(&lc.ty) != type_family(&rc.ty) {
            let at = v.at(&[&["fkcol", tn, &idx, &j.to_string()], &["fk", tn, &idx]]);
            v.err(
                at,
                "fk-type-mismatch",
                format!(
                    "foreign key \"{}\": column \"{c}\" is {} but \"{}\".\"{r}\" is {}",
                    fk.name, lc.ty, rt.name, rc.ty
                ),
                format!("declare \"{c}\" with a type compatible with {}", rc.ty),
            );
        }
    }
}

/// Constraint and index names share one namespace per table.
fn names_in_table(v: &mut V, t: &Table) {
    let tn = t.name.as_str();
    let mut entries: Vec<(&str, &str, usize)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        entries.push((pk.name.as_str(), "pk", 0));
    }
    entries.extend(
        t.unique
            .iter()
            .enumerate()
            .map(|(i, u)| (u.name.as_str(), "unique", i)),
    );
    entries.extend(
        t.indexes
            .iter()
            .enumerate()
            .map(|(i, x)| (x.name.as_str(), "index", i)),
    );
    entries.extend(
        t.foreign_keys
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.as_str(), "fk", i)),
    );
    entries.extend(
        t.checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), "check", i)),
    );
    let mut located: Vec<((PathBuf, Pos), &str, bool)> = entries
        .iter()
        .map(|(name, kind, i)| {
            let idx = i.to_string();
            let explicit = v.origins.get(&["name", tn, kind, &idx]).is_some();
            (
                v.at(&[&["name", tn, kind, &idx], &[kind, tn, &idx], &["table", tn]]),
                *name,
                explicit,
            )
        })
        .collect();
    located.sort();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (at, name, explicit) in located {
        if let Some(line) = seen.get(name) {
            let help = if explicit {
                format!("rename one of them; the first is at line {line}")
            } else {
                format!("this generated name clashes with the one at line {line}; give one of them an explicit `name:`")
            };
            v.err(
                at,
                "duplicate-name",
                format!("name \"{name}\" is used twice in table \"{tn}\""),
                help,
            );
        } else {
            seen.insert(name, at.1.line);
        }
    }
}

/// PostgreSQL keeps index names unique per schema, not per table: two tables of one schema
/// may not share an index name; tables of two schemas may.
fn index_names_across_tables(v: &mut V, model: &Model) {
    // (where, (schema, index name), table)
    type Named<'a> = ((PathBuf, Pos), (&'a str, &'a str), &'a str);
    let mut all: Vec<Named> = Vec::new();
    for t in model.tables.values() {
        let tn = t.name.as_str();
        let pk = t.primary_key.iter().map(|p| (p.name.as_str(), "pk", 0));
        let uniques = t
            .unique
            .iter()
            .enumerate()
            .map(|(i, u)| (u.name.as_str(), "unique", i));
        let indexes = t
            .indexes
            .iter()
            .enumerate()
            .map(|(i, x)| (x.name.as_str(), "index", i));
        for (name, kind, i) in pk.chain(uniques).chain(indexes) {
            let idx = i.to_string();
            all.push((
                v.at(&[&["name", tn, kind, &idx], &[kind, tn, &idx], &["table", tn]]),
                (super::schemas::schema_of(tn), name),
                tn,
            ));
        }
    }
    all.sort();
    let mut seen: HashMap<(&str, &str), (&str, PathBuf)> = HashMap::new();
    for (at, (schema, name), tn) in all {
        match seen.get(&(schema, name)) {
            Some((other, file)) if *other != tn => {
                let help = format!("index names are unique per schema in PostgreSQL; rename this one or the one in {}", file.display());
                v.err(
                    at,
                    "duplicate-name",
                    format!(
                        "index name \"{name}\" of table \"{tn}\" is also used by table \"{other}\""
                    ),
                    help,
                );
            }
            Some(_) => {}
            None => {
                seen.insert((schema, name), (tn, at.0.clone()));
            }
        }
    }
}
