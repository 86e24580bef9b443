//! The model written back as a project: regions.yaml and one schema/<table>.yaml per
//! table, in the user-facing shape of the spec (flow maps per column and index, stable key
//! order), so `bmdb inspect` gives files a person can read and the loader reads back to
//! the same model.

use crate::model::types::*;
use anyhow::{bail, Context, Result};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A YAML scalar, plain when that reads back as the same string, double-quoted otherwise
/// (parameterised types like "DECIMAL(12,2)" always are: a comma ends a flow value).
pub fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "_-.()".contains(c))
        && !s.starts_with(['-', '.', '('])
        && !s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list_of(items: &[String]) -> String {
    list(items)
}

fn list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| scalar(s)).collect();
    format!("[{}]", parts.join(", "))
}

fn zone_flow(z: &ZoneConfig) -> String {
    let mut parts = Vec::new();
    for (k, v) in z.settings() {
        let text_valued = zone_field(k).is_some_and(|f| {
            matches!(
                f.kind,
                ZoneFieldKind::Constraints | ZoneFieldKind::LeasePreferences
            )
        });
        let v = if text_valued {
            // settings() gives a SQL literal: back to the bare CockroachDB string
            let inner = v
                .strip_prefix('\'')
                .and_then(|x| x.strip_suffix('\''))
                .unwrap_or(&v)
                .replace("''", "'");
            scalar(&inner)
        } else {
            v
        };
        parts.push(format!("{k}: {v}"));
    }
    if z.override_multi_region {
        parts.push(format!("{}: true", zone_field_name::OVERRIDE_MULTI_REGION));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// regions.yaml for the model's database; `empty_schemas`, the schemas other than public no
/// object of the model lives in (the loader adds those an object names).
pub fn regions_yaml(db: &Database) -> String {
    regions_yaml_with(db, &db.schemas)
}

fn regions_yaml_with(db: &Database, empty_schemas: &std::collections::BTreeSet<String>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "database: {}", scalar(&db.name));
    let _ = writeln!(s, "dialect: {}", db.dialect.as_str());
    if let Some(p) = &db.primary_region {
        let _ = writeln!(s, "primary_region: {}", scalar(p));
        let _ = writeln!(s, "regions: {}", list(&db.regions));
        let goal = match db.survival_goal {
            SurvivalGoal::Zone => "zone",
            SurvivalGoal::Region => "region",
        };
        let _ = writeln!(s, "survival_goal: {goal}");
        if db.placement == Placement::Restricted {
            let _ = writeln!(s, "placement: restricted");
        }
        if let Some(sec) = &db.secondary_region {
            let _ = writeln!(s, "secondary_region: {}", scalar(sec));
        }
        if !db.super_regions.is_empty() {
            let _ = writeln!(s, "super_regions:");
            for (name, members) in &db.super_regions {
                let _ = writeln!(s, "  {}: {}", scalar(name), list(members));
            }
        }
    }
    if db.zone.is_some() || !db.range_zones.is_empty() {
        let _ = writeln!(s, "zones:");
        if let Some(z) = &db.zone {
            let _ = writeln!(s, "  database: {}", zone_flow(z));
        }
        for (name, z) in &db.range_zones {
            let _ = writeln!(s, "  range {name}: {}", zone_flow(z));
        }
    }
    let ext = &db.zone_extensions;
    if !ext.is_empty() {
        let _ = writeln!(s, "zone_extensions:");
        if let Some(z) = &ext.global {
            let _ = writeln!(s, "  global: {}", zone_flow(z));
        }
        if let Some(z) = &ext.regional {
            let _ = writeln!(s, "  regional: {}", zone_flow(z));
        }
        if !ext.regional_in.is_empty() {
            let _ = writeln!(s, "  regional_in:");
            for (region, z) in &ext.regional_in {
                let _ = writeln!(s, "    {}: {}", scalar(region), zone_flow(z));
            }
        }
    }
    if !empty_schemas.is_empty() {
        let list: Vec<String> = empty_schemas.iter().cloned().collect();
        let _ = writeln!(
            s,
            "# schemas no object lives in yet (an object's `schema:` adds its own)"
        );
        let _ = writeln!(s, "schemas: {}", list_of(&list));
    }
    if !db.ignore.is_empty() {
        let _ = writeln!(
            s,
            "# objects bmdb leaves alone on purpose (drift and plan --url too)"
        );
        let _ = writeln!(s, "ignore:");
        for entry in &db.ignore {
            let _ = writeln!(s, "  - {}", quoted(entry));
        }
    }
    s
}

/// schema/<table>.yaml for one table.
fn table_yaml(t: &Table, model: &Model) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "table: {}",
        scalar(crate::model::schemas::name_of(&t.name))
    );
    schema_line(&mut s, &t.name);
    if let Some(c) = &t.comment {
        let _ = writeln!(s, "comment: {}", scalar(c));
    }
    if let Some(l) = &t.locality {
        let v = match l {
            Locality::Global => "global".to_string(),
            Locality::RegionalByTable { region: None } => "regional_by_table".into(),
            Locality::RegionalByTable { region: Some(r) } => {
                format!("{{ regional_by_table: {} }}", scalar(r))
            }
            Locality::RegionalByRow { column: None } => "regional_by_row".into(),
            Locality::RegionalByRow { column: Some(c) } => {
                format!("{{ regional_by_row: {} }}", scalar(c))
            }
        };
        let _ = writeln!(s, "locality: {v}");
    }
    // `columns:` with nothing under it is null, which the loader refuses: a table without
    // columns (PostgreSQL's `CREATE TABLE e ()`) is an empty list.
    let _ = writeln!(
        s,
        "columns:{}",
        if t.columns.is_empty() { " []" } else { "" }
    );
    let pk: &[String] = t.primary_key.as_ref().map_or(&[], |p| &p.columns);
    for c in &t.columns {
        let mut parts = vec![
            format!("name: {}", scalar(&c.name)),
            format!("type: {}", scalar(&c.ty)),
        ];
        // serial and key columns are NOT NULL by definition; saying so is noise
        if !c.nullable && !pk.contains(&c.name) && !c.ty.ends_with("SERIAL") && c.identity.is_none()
        {
            parts.push("nullable: false".into());
        }
        if let Some(d) = &c.default {
            // always quoted: a default is SQL text, never a YAML number or boolean
            parts.push(format!("default: {}", quoted(d)));
        }
        if let Some(id) = &c.identity {
            parts.push(format!("identity: {}", identity_yaml(id)));
        }
        if let Some(k) = &c.collate {
            parts.push(format!("collate: {}", quoted(k)));
        }
        if let Some(k) = &c.computed {
            // quoted like a default: SQL text, never a YAML scalar of another kind
            parts.push(if k.is_virtual {
                format!("computed: {{ expr: {}, virtual: true }}", quoted(&k.expr))
            } else {
                format!("computed: {}", quoted(&k.expr))
            });
        }
        if let Some(cm) = &c.comment {
            parts.push(format!("comment: {}", scalar(cm)));
        }
        // a type bmdb does not model, kept as the server spells it (issue 12 item 7)
        if crate::model::enums::enum_of(&c.ty, &model.enums).is_none()
            && crate::model::normalize::canonical_type(&c.ty, model.database.dialect).is_none()
        {
            parts.push("as_written: true".into());
        }
        let _ = writeln!(s, "  - {{ {} }}", parts.join(", "));
    }
    if let Some(pk) = &t.primary_key {
        let own = crate::model::schemas::name_of(&t.name);
        if pk.name == crate::model::normalize::fit_identifier(&format!("{own}_pkey")) {
            let _ = writeln!(s, "primary_key: {}", list(&pk.columns));
        } else {
            let _ = writeln!(
                s,
                "primary_key: {{ name: {}, columns: {} }}",
                scalar(&pk.name),
                list(&pk.columns)
            );
        }
    }
    if !t.unique.is_empty() {
        let _ = writeln!(s, "unique:");
        for u in &t.unique {
            let _ = writeln!(
                s,
                "  - {{ name: {}, columns: {}{}{} }}",
                scalar(&u.name),
                list(&u.columns),
                if u.nulls_not_distinct {
                    ", nulls_not_distinct: true"
                } else {
                    ""
                },
                comment_part(&u.comment)
            );
        }
    }
    if !t.indexes.is_empty() {
        let _ = writeln!(s, "indexes:");
        for i in &t.indexes {
            let cols: Vec<String> = i
                .columns
                .iter()
                .map(|c| {
                    let mut keys = vec![format!("column: {}", scalar(&c.name))];
                    if let Some(o) = &c.opclass {
                        keys.push(format!("opclass: {}", scalar(o)));
                    }
                    if c.desc {
                        keys.push("desc: true".into());
                    }
                    match c.nulls {
                        Some(NullsOrder::First) => keys.push("nulls: first".into()),
                        Some(NullsOrder::Last) => keys.push("nulls: last".into()),
                        None => {}
                    }
                    if keys.len() == 1 {
                        scalar(&c.name)
                    } else {
                        format!("{{ {} }}", keys.join(", "))
                    }
                })
                .collect();
            let mut parts = vec![
                format!("name: {}", scalar(&i.name)),
                format!("columns: [{}]", cols.join(", ")),
            ];
            if i.unique {
                parts.push("unique: true".into());
            }
            match i.using {
                IndexMethod::Btree => {}
                IndexMethod::Gin => parts.push("using: gin".into()),
                IndexMethod::Gist => parts.push("using: gist".into()),
            }
            if let Some(b) = i.sharded_buckets {
                parts.push(format!("sharded: {{ buckets: {b} }}"));
            }
            if !i.storing.is_empty() {
                parts.push(format!("storing: {}", list(&i.storing)));
            }
            if let Some(p) = &i.predicate {
                parts.push(format!("where: {}", quoted(p)));
            }
            if let Some(z) = &i.zone {
                parts.push(format!("zone: {}", zone_flow(z)));
            }
            if let Some(c) = &i.comment {
                parts.push(format!("comment: {}", scalar(c)));
            }
            let _ = writeln!(s, "  - {{ {} }}", parts.join(", "));
        }
    }
    if !t.foreign_keys.is_empty() {
        let _ = writeln!(s, "foreign_keys:");
        for fk in &t.foreign_keys {
            let mut parts = vec![
                format!("name: {}", scalar(&fk.name)),
                format!("columns: {}", list(&fk.columns)),
                format!(
                    "references: {{ table: {}, columns: {} }}",
                    scalar(&fk.ref_table),
                    list(&fk.ref_columns)
                ),
            ];
            for (key, a) in [("on_delete", fk.on_delete), ("on_update", fk.on_update)] {
                if a != FkAction::NoAction {
                    parts.push(format!(
                        "{key}: {}",
                        a.sql().to_lowercase().replace(' ', "_")
                    ));
                }
            }
            if fk.match_full {
                parts.push("match: full".into());
            }
            if fk.deferrable {
                parts.push("deferrable: true".into());
            }
            if fk.initially_deferred {
                parts.push("initially_deferred: true".into());
            }
            if let Some(c) = &fk.comment {
                parts.push(format!("comment: {}", scalar(c)));
            }
            let _ = writeln!(s, "  - {{ {} }}", parts.join(", "));
        }
    }
    if !t.checks.is_empty() {
        let _ = writeln!(s, "checks:");
        for c in &t.checks {
            let _ = writeln!(
                s,
                "  - {{ name: {}, expr: {}{} }}",
                scalar(&c.name),
                quoted(&c.expr),
                comment_part(&c.comment)
            );
        }
    }
    if !t.families.is_empty() {
        let _ = writeln!(s, "families:");
        for f in &t.families {
            let _ = writeln!(
                s,
                "  - {{ name: {}, columns: {} }}",
                scalar(&f.name),
                list(&f.columns)
            );
        }
    }
    if let Some(ttl) = &t.ttl {
        let _ = writeln!(s, "ttl: {{ {} }}", ttl_flow(ttl));
    }
    if let Some(z) = &t.zone {
        let _ = writeln!(s, "zone: {}", zone_flow(z));
    }
    if let Some(z) = &t.primary_key_zone {
        let _ = writeln!(s, "primary_key_zone: {}", zone_flow(z));
    }
    s
}

/// `, comment: ...` of a constraint entry written on one line, or nothing.
fn comment_part(comment: &Option<String>) -> String {
    comment
        .as_ref()
        .map_or(String::new(), |c| format!(", comment: {}", scalar(c)))
}

fn quoted(s: &str) -> String {
    let q = scalar(s);
    if q.starts_with('"') {
        q
    } else {
        format!("\"{q}\"")
    }
}

/// `schema: <schema>` for an object outside public (its key says which).
fn schema_line(s: &mut String, key: &str) {
    let schema = crate::model::schemas::schema_of(key);
    if schema != crate::model::schemas::PUBLIC {
        let _ = writeln!(s, "schema: {}", scalar(schema));
    }
}

/// The file of the object keyed `key` in `folder`: `<folder>/<name>.yaml` in public,
/// `<folder>/<schema>/<name>.yaml` elsewhere, the name made a file stem ([`file_stem`]).
fn object_file(folder: &str, key: &str, taken: &mut std::collections::BTreeSet<String>) -> PathBuf {
    let (schema, name) = crate::model::schemas::split(key);
    let mut dir = PathBuf::from(folder);
    let mut scoped = std::collections::BTreeSet::new();
    let stem = if schema == crate::model::schemas::PUBLIC {
        file_stem(name, taken)
    } else {
        dir.push(schema);
        // stems taken in this schema's folder, kept in `taken` as `schema/stem`
        for t in taken.iter() {
            if let Some(rest) = t.strip_prefix(&format!("{schema}/")) {
                scoped.insert(rest.to_string());
            }
        }
        let stem = file_stem(name, &mut scoped);
        taken.insert(format!("{schema}/{}", stem.to_lowercase()));
        stem
    };
    dir.join(format!("{stem}.yaml"))
}

/// A file name for a table: its name, with anything outside [A-Za-z0-9_-] replaced, made
/// unique among `taken`.
fn file_stem(name: &str, taken: &mut std::collections::BTreeSet<String>) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut stem = base.clone();
    let mut n = 2;
    while !taken.insert(stem.to_lowercase()) {
        stem = format!("{base}_{n}");
        n += 1;
    }
    stem
}

/// roles.yaml for the server's roles (docs/roles.md): options that are on, expiry, memberships.
pub fn roles_yaml(roles: &std::collections::BTreeMap<String, Role>) -> String {
    let mut out =
        String::from("# Roles and users; passwords are never here (docs/roles.md).\nroles:\n");
    // the role inspect connected as is the operator's, not the project's
    for r in roles.values().filter(|r| !r.connected) {
        let mut fields: Vec<String> = r.options.iter().map(|o| format!("{o}: true")).collect();
        if let Some(v) = &r.valid_until {
            fields.push(format!("valid_until: {}", quoted(v)));
        }
        if !r.member_of.is_empty() {
            fields.push(format!("member_of: {}", list(&r.member_of)));
        }
        if !r.settings.is_empty() || !r.grants.is_empty() || !r.default_privileges.is_empty() {
            out.push_str(&format!("  {}:\n", scalar(&r.name)));
            for f in &fields {
                out.push_str(&format!("    {}\n", f));
            }
            out.push_str(&privileges_yaml(r));
        } else if fields.is_empty() {
            out.push_str(&format!("  {}:\n", scalar(&r.name)));
        } else {
            out.push_str(&format!(
                "  {}: {{ {} }}\n",
                scalar(&r.name),
                fields.join(", ")
            ));
        }
    }
    out
}

/// A role's session defaults, grants (tables with the same privileges in one entry) and
/// default privileges, in block style under the role.
fn privileges_yaml(r: &Role) -> String {
    let mut out = String::new();
    let flow = |settings: Vec<&RoleSetting>| {
        let parts: Vec<String> = settings
            .iter()
            .map(|s| format!("{}: {}", scalar(&s.name), scalar(&s.value)))
            .collect();
        format!("{{ {} }}", parts.join(", "))
    };
    let global: Vec<&RoleSetting> = r.settings.iter().filter(|s| s.database.is_none()).collect();
    if !global.is_empty() {
        out.push_str(&format!("    settings: {}\n", flow(global)));
    }
    let mut dbs: Vec<&str> = r
        .settings
        .iter()
        .filter_map(|s| s.database.as_deref())
        .collect();
    dbs.dedup();
    if !dbs.is_empty() {
        out.push_str("    in_database:\n");
        for d in dbs {
            let in_db: Vec<&RoleSetting> = r
                .settings
                .iter()
                .filter(|s| s.database.as_deref() == Some(d))
                .collect();
            out.push_str(&format!("      {}: {}\n", scalar(d), flow(in_db)));
        }
    }
    if !r.grants.is_empty() {
        out.push_str("    grants:\n");
        // (privileges, with grant option) -> tables: tables granted the same in one entry
        type Granted = (Vec<String>, bool);
        let mut tables: Vec<(Granted, Vec<String>)> = Vec::new();
        let option = |o: bool| if o { ", with_grant_option: true" } else { "" };
        for g in &r.grants {
            // the privileges held WITH GRANT OPTION are their own entry
            let plain: Vec<String> = g
                .privileges
                .iter()
                .filter(|p| !g.grantable.contains(p))
                .cloned()
                .collect();
            for (privs, o) in [(plain, false), (g.grantable.clone(), true)] {
                if privs.is_empty() {
                    continue;
                }
                let on = match &g.on {
                    GrantObject::Database => "database".to_string(),
                    GrantObject::Table(t) => {
                        let key = (privs, o);
                        match tables.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, ts)) => ts.push(t.clone()),
                            None => tables.push((key, vec![t.clone()])),
                        }
                        continue;
                    }
                    GrantObject::Schema(n) => format!("{{ schema: {} }}", scalar(n)),
                    GrantObject::Sequence(n) => format!("{{ sequences: [{}] }}", scalar(n)),
                    GrantObject::Type(n) => format!("{{ types: [{}] }}", scalar(n)),
                };
                out.push_str(&format!(
                    "      - {{ on: {on}, privileges: {}{} }}\n",
                    list(&privs),
                    option(o)
                ));
            }
        }
        for ((privileges, o), ts) in tables {
            out.push_str(&format!(
                "      - {{ on: {{ tables: {} }}, privileges: {}{} }}\n",
                list(&ts),
                list(&privileges),
                option(o)
            ));
        }
    }
    if !r.default_privileges.is_empty() {
        out.push_str("    default_privileges:\n");
        for d in &r.default_privileges {
            out.push_str(&format!(
                "      - {{ for_role: {}, in_schema: {}, on: {}, privileges: {} }}\n",
                scalar(&d.for_role),
                scalar(&d.schema),
                scalar(&d.on),
                list(&d.privileges)
            ));
        }
    }
    out
}

/// backups.yaml for the cluster's backup schedules (docs/backups.md); `first_run` is not
/// read back (CockroachDB uses it once).
pub fn backups_yaml(schedules: &std::collections::BTreeMap<String, BackupSchedule>) -> String {
    let mut out = String::from(
        "# Backup schedules; storage credentials are never here: each writes into an\n# external connection the operator made (docs/backups.md).\nschedules:\n",
    );
    for s in schedules.values() {
        out.push_str(&format!("  {}:\n", quoted(&s.label)));
        out.push_str(&format!("    into: {}\n", quoted(&s.into)));
        if s.targets == BackupTargets::Cluster {
            out.push_str("    targets: cluster\n");
        }
        out.push_str(&format!("    recurring: {}\n", quoted(&s.recurring)));
        out.push_str(&format!(
            "    full_backup: {}\n",
            s.full_backup
                .as_deref()
                .map_or("always".to_string(), quoted)
        ));
        out.push_str(&format!("    revision_history: {}\n", s.revision_history));
        out.push_str(&format!(
            "    on_execution_failure: {}\n    on_previous_running: {}\n",
            s.on_execution_failure, s.on_previous_running
        ));
    }
    out
}

/// Writes regions.yaml and schema/*.yaml into `dir`, which must not hold a project yet.
/// Returns the files written.
pub fn write_project(dir: &Path, model: &Model) -> Result<Vec<PathBuf>> {
    for existing in [
        "regions.yaml",
        "roles.yaml",
        "backups.yaml",
        "schema",
        "types",
        "sequences",
        "migrations",
    ] {
        if dir.join(existing).exists() {
            bail!(
                "{} already holds a project ({} exists); refusing to overwrite it\n  help: pass an empty or new directory to --out",
                dir.display(),
                existing
            );
        }
    }
    let files = project_files(model);
    // Never write a project the loader refuses: read it back from a scratch folder first.
    let scratch = std::env::temp_dir().join(format!(
        "bmdb-inspect-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let checked = write_files(&scratch, &files).and_then(|_| {
        crate::model::load_project(&scratch).map(|_| ()).map_err(|d| {
            anyhow::anyhow!(
                "the model read from the database does not load back (a bmdb bug; nothing was written):\n{d}"
            )
        })
    });
    let _ = std::fs::remove_dir_all(&scratch);
    checked?;
    write_files(dir, &files)
}

/// regions.yaml and one schema/<table>.yaml per table, as (relative path, text).
fn project_files(model: &Model) -> Vec<(PathBuf, String)> {
    // a schema an object lives in is the loader's anyway: only the empty ones are listed
    use crate::model::schemas::schemas_of;
    let mut used = schemas_of(model.tables.keys());
    used.extend(schemas_of(model.views.keys()));
    used.extend(schemas_of(model.sequences.keys()));
    used.extend(schemas_of(model.enums.keys()));
    let empty: std::collections::BTreeSet<String> = model
        .database
        .schemas
        .iter()
        .filter(|s| !used.contains(*s))
        .cloned()
        .collect();
    let mut files = vec![(
        PathBuf::from("regions.yaml"),
        regions_yaml_with(&model.database, &empty),
    )];
    if let Some(roles) = model
        .roles
        .as_ref()
        .filter(|r| r.values().any(|r| !r.connected))
    {
        files.push((PathBuf::from("roles.yaml"), roles_yaml(roles)));
    }
    if let Some(schedules) = model
        .database
        .backup_schedules
        .as_ref()
        .filter(|s| !s.is_empty())
    {
        files.push((PathBuf::from("backups.yaml"), backups_yaml(schedules)));
    }
    let mut taken = std::collections::BTreeSet::new();
    for t in model.tables.values() {
        files.push((
            object_file("schema", &t.name, &mut taken),
            table_yaml(t, model),
        ));
    }
    for e in model.enums.values() {
        files.push((
            object_file("types", &e.name, &mut Default::default()),
            enum_yaml(e),
        ));
    }
    for v in model.views.values() {
        files.push((object_file("views", &v.name, &mut taken), view_yaml(v)));
    }
    for q in model.sequences.values() {
        let file = object_file("sequences", &q.name, &mut taken);
        // an owner the model does not hold (a table bmdb left out) is not written
        let owned = q.owned_by.as_ref().filter(|o| {
            model
                .tables
                .get(&o.table)
                .is_some_and(|t| t.column(&o.column).is_some())
        });
        files.push((
            file,
            sequence_yaml(&Sequence {
                owned_by: owned.cloned(),
                ..q.clone()
            }),
        ));
    }
    files
}

/// sequences/<name>.yaml for one sequence: the options that are not the defaults.
pub fn sequence_yaml(q: &Sequence) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "sequence: {}",
        scalar(crate::model::schemas::name_of(&q.name))
    );
    schema_line(&mut s, &q.name);
    if let Some(t) = &q.data_type {
        let _ = writeln!(s, "as: {}", t.to_ascii_lowercase());
    }
    let (min, max) = crate::model::types::default_sequence_range(q.increment, q.ty());
    let start = if q.increment < 0 {
        q.max_value
    } else {
        q.min_value
    };
    if q.start != start {
        let _ = writeln!(s, "start: {}", q.start);
    }
    if q.increment != 1 {
        let _ = writeln!(s, "increment: {}", q.increment);
    }
    if q.min_value != min {
        let _ = writeln!(s, "min_value: {}", q.min_value);
    }
    if q.max_value != max {
        let _ = writeln!(s, "max_value: {}", q.max_value);
    }
    if q.cache != 1 {
        let _ = writeln!(s, "cache: {}", q.cache);
    }
    if q.cycle {
        let _ = writeln!(s, "cycle: true");
    }
    if let Some(o) = &q.owned_by {
        let _ = writeln!(s, "owned_by: {}", scalar(&o.to_string()));
    }
    s
}

/// views/<name>.yaml for one view: the query as the server gave it, in a literal block.
pub fn view_yaml(v: &View) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "view: {}",
        scalar(crate::model::schemas::name_of(&v.name))
    );
    schema_line(&mut s, &v.name);
    if v.materialized {
        let _ = writeln!(s, "materialized: true");
    }
    let _ = writeln!(s, "query: |");
    for line in v.query.lines() {
        if line.trim().is_empty() {
            let _ = writeln!(s);
        } else {
            let _ = writeln!(s, "  {}", line.trim_end());
        }
    }
    s
}

/// types/<name>.yaml for one enum type.
pub fn enum_yaml(e: &EnumType) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "enum: {}",
        scalar(crate::model::schemas::name_of(&e.name))
    );
    schema_line(&mut s, &e.name);
    let _ = writeln!(s, "values:");
    for v in &e.values {
        let _ = writeln!(s, "  - {}", quoted(v));
    }
    s
}

fn write_files(dir: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>> {
    let schema = dir.join("schema");
    std::fs::create_dir_all(&schema)
        .with_context(|| format!("cannot create {}", schema.display()))?;
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// `always`, or `{ generated: by_default, start: 10, increment: 5 }` when an option is set.
fn identity_yaml(id: &Identity) -> String {
    let generated = match id.generated {
        Generated::Always => "always",
        Generated::ByDefault => "by_default",
    };
    let options: Vec<String> = [
        ("start", id.start),
        ("increment", id.increment),
        ("min_value", id.min_value),
        ("max_value", id.max_value),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}: {v}")))
    .collect();
    if options.is_empty() {
        generated.to_string()
    } else {
        format!("{{ generated: {generated}, {} }}", options.join(", "))
    }
}

/// A table's `ttl:` as one flow map, keys in the model's order.
fn ttl_flow(ttl: &Ttl) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("expire_after", &ttl.expire_after),
        ("expiration_expression", &ttl.expiration_expression),
        ("job_cron", &ttl.job_cron),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}: {}", quoted(v)));
        }
    }
    for (k, v) in [
        ("select_batch_size", ttl.select_batch_size),
        ("delete_batch_size", ttl.delete_batch_size),
        ("select_rate_limit", ttl.select_rate_limit),
        ("delete_rate_limit", ttl.delete_rate_limit),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}: {v}"));
        }
    }
    for (k, on) in [
        ("pause", ttl.pause),
        ("label_metrics", ttl.label_metrics),
        (
            "disable_changefeed_replication",
            ttl.disable_changefeed_replication,
        ),
    ] {
        if on {
            parts.push(format!("{k}: true"));
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_quote_what_yaml_would_misread() {
        assert_eq!(scalar("players"), "players");
        assert_eq!(scalar("DECIMAL(12,2)"), "\"DECIMAL(12,2)\"");
        assert_eq!(scalar("INT8"), "INT8");
        assert_eq!(scalar("gen_random_uuid()"), "gen_random_uuid()");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("1"), "\"1\"");
        assert_eq!(scalar("Order\"Check"), "\"Order\\\"Check\"");
        assert_eq!(scalar("us-west-2"), "us-west-2");
        assert_eq!(scalar("a b"), "\"a b\"");
    }
}
