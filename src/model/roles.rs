//! roles.yaml: the cluster's roles and users, their options and memberships (issue 13).
//! A project without the file leaves the server's roles alone; with it, every role of the
//! server that is not built in is bmdb's (docs/roles.md). Passwords are never modelled.

use super::diagnostic::Diagnostic;
use super::normalize::did_you_mean;
use super::read::{get, Cx, Origins};
use super::types::{DefaultPrivilege, Dialect, Grant, GrantObject, Model, Role, RoleSetting};
use super::yaml::{Node, NodeKind, Pos};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One role option: its key in roles.yaml, its SQL keyword (`NO` + keyword turns it off)
/// and whether only CockroachDB has it. THE list: the loader, the templates (through
/// `Change::AlterRole`), the catalog readers and the JSON Schema test read it.
pub struct RoleOption {
    pub key: &'static str,
    pub keyword: &'static str,
    pub cockroach_only: bool,
}

const fn opt(key: &'static str, keyword: &'static str, cockroach_only: bool) -> RoleOption {
    RoleOption {
        key,
        keyword,
        cockroach_only,
    }
}

/// CockroachDB's `role_option` rule (docs/generated/sql/bnf/stmt_block.bnf) and
/// PostgreSQL's CREATE ROLE; PASSWORD, SUBJECT, SQLLOGIN and REPLICATION are left out.
pub const ROLE_OPTIONS: &[RoleOption] = &[
    opt("login", "LOGIN", false),
    opt("createrole", "CREATEROLE", false),
    opt("createdb", "CREATEDB", false),
    opt("controljob", "CONTROLJOB", true),
    opt("controlchangefeed", "CONTROLCHANGEFEED", true),
    opt("createlogin", "CREATELOGIN", true),
    opt("viewactivity", "VIEWACTIVITY", true),
    opt("viewactivityredacted", "VIEWACTIVITYREDACTED", true),
    opt("cancelquery", "CANCELQUERY", true),
    opt("modifyclustersetting", "MODIFYCLUSTERSETTING", true),
    opt("viewclustersetting", "VIEWCLUSTERSETTING", true),
];

pub fn role_option(key: &str) -> Option<&'static RoleOption> {
    ROLE_OPTIONS.iter().find(|o| o.key == key)
}

/// The options `dialect` has.
pub fn dialect_options(dialect: Dialect) -> impl Iterator<Item = &'static RoleOption> {
    ROLE_OPTIONS
        .iter()
        .filter(move |o| dialect == Dialect::Cockroach || !o.cockroach_only)
}

pub const ROLES_FILE_KEYS: &[&str] = &["roles"];
/// The keys of one role: every option's key, then these.
pub const ROLE_EXTRA_KEYS: &[&str] = &[
    "valid_until",
    "member_of",
    "settings",
    "in_database",
    "grants",
    "default_privileges",
];
/// The keys of one entry of `grants:`.
pub const GRANT_KEYS: &[&str] = &["on", "privileges", "with_grant_option"];
/// The keys of `on:` in a grant (exactly one of them): what the privileges are on.
pub const GRANT_ON_KEYS: &[&str] = &[
    "schema",
    "table",
    "tables",
    "all_tables_in_schema",
    "sequence",
    "sequences",
    "type",
    "types",
];
/// The keys of one entry of `default_privileges:`.
pub const DEFAULT_PRIVILEGE_KEYS: &[&str] = &["for_role", "in_schema", "on", "privileges"];
/// What default privileges may be on.
pub const DEFAULT_PRIVILEGE_ON: &[&str] = &["tables", "sequences", "types"];

/// The schema of every object that names none (`crate::model::schemas::PUBLIC`): default
/// privileges without `in_schema` are on it. Grants and default privileges may name any
/// schema of the model (docs/model.md "Schemas").
pub const MODEL_SCHEMA: &str = super::schemas::PUBLIC;

/// The privileges an object kind (`database`, `schema`, `table`, `sequence`, `type`) takes on
/// `dialect`: PostgreSQL's GRANT, CockroachDB's privilege.go (DBPrivileges, SchemaPrivileges,
/// TablePrivileges, SequencePrivileges, TypePrivileges at commit 00aa1c43 of
/// pkg/sql/privilege/privilege.go). `ALL` is CockroachDB's own privilege (it reads back as
/// `ALL`); on PostgreSQL it stands for a list, so a postgres project lists the privileges.
pub fn privileges_for(kind: &str, dialect: Dialect) -> &'static [&'static str] {
    match (dialect, kind) {
        (Dialect::Postgres, "database") => &["CONNECT", "CREATE", "TEMPORARY"],
        (Dialect::Postgres, "schema") => &["CREATE", "USAGE"],
        (Dialect::Postgres, "table") => &[
            "DELETE",
            "INSERT",
            "REFERENCES",
            "SELECT",
            "TRIGGER",
            "TRUNCATE",
            "UPDATE",
        ],
        (Dialect::Postgres, "sequence") => &["SELECT", "UPDATE", "USAGE"],
        (Dialect::Postgres, "type") => &["USAGE"],
        (Dialect::Cockroach, "database") => &[
            "ALL",
            "BACKUP",
            "CONNECT",
            "CREATE",
            "DROP",
            "RESTORE",
            "ZONECONFIG",
        ],
        (Dialect::Cockroach, "schema") => &["ALL", "CREATE", "USAGE"],
        (Dialect::Cockroach, "table") => &[
            "ALL",
            "BACKUP",
            "CREATE",
            "DELETE",
            "DROP",
            "INSERT",
            "SELECT",
            "UPDATE",
            "ZONECONFIG",
        ],
        (Dialect::Cockroach, "sequence") => &[
            "ALL",
            "CREATE",
            "DELETE",
            "DROP",
            "INSERT",
            "SELECT",
            "UPDATE",
            "USAGE",
            "ZONECONFIG",
        ],
        (Dialect::Cockroach, "type") => &["ALL", "USAGE"],
        _ => &[],
    }
}

/// Session variables only CockroachDB has: the postgres dialect leaves a session default of
/// one of them out (dialect.rs, `cockroach_session_defaults`), so one roles.yaml serves both
/// phases of a project.
pub const COCKROACH_ONLY_SETTINGS: &[&str] = &[
    "default_transaction_use_follower_reads",
    "default_transaction_quality_of_service",
    "serial_normalization",
    "sql_safe_updates",
    "distsql",
    "vectorize",
    "reorder_joins_limit",
    "optimizer_use_histograms",
    "enable_zigzag_join",
    "enable_implicit_select_for_update",
    "idle_in_session_timeout",
    "transaction_rows_read_err",
    "transaction_rows_written_err",
];

pub fn is_cockroach_only_setting(name: &str) -> bool {
    COCKROACH_ONLY_SETTINGS.contains(&name)
}

/// A session default's value as bmdb compares it: booleans as `on`/`off` (both servers accept
/// either spelling and store what they are given), everything else as written.
pub fn normalise_setting_value(v: &str) -> String {
    match v.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" => "on".into(),
        "off" | "false" | "no" => "off".into(),
        _ => v.trim().to_string(),
    }
}

/// `statement_timeout`, `custom.setting`: letters, digits, `_` and `.`.
fn valid_setting_name(n: &str) -> bool {
    let mut chars = n.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

/// A grant's objects as written, resolved against the model's tables once they are loaded.
#[derive(Debug, Clone)]
pub enum OnSpec {
    Database,
    Schema(String, Pos),
    Tables(Vec<(String, Pos)>),
    AllTablesIn(String, Pos),
    Sequences(Vec<(String, Pos)>),
    Types(Vec<(String, Pos)>),
}

/// One grant as read: (role, objects, privileges with their position, WITH GRANT OPTION).
type PendingGrant = (String, OnSpec, Vec<(String, Pos)>, bool);

/// What `read_roles_file` could not check before the tables were read.
#[derive(Debug, Default)]
pub struct PendingGrants {
    file: PathBuf,
    grants: Vec<PendingGrant>,
    /// Default privileges' `in_schema` other than public: (role, schema, position), checked
    /// against the model's schemas once every object is read.
    default_schemas: Vec<(String, String, Pos)>,
}

/// Names bmdb never manages: the servers' own roles.
pub fn is_builtin_role(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["public", "root", "admin", "node", "none", "postgres"].contains(&n.as_str())
        || n.starts_with("pg_")
        || n.starts_with("crdb_internal")
}

/// `2027-01-31`, `2027-01-31 12:00:00`, `2027-01-31T12:00:00Z` -> `2027-01-31T12:00:00Z`.
pub fn normalise_valid_until(s: &str) -> Option<String> {
    let s = s.trim();
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, t.trim_end_matches('Z').trim_end_matches("+00:00")),
        None => (s, "00:00:00"),
    };
    let num = |t: &str, len: usize| t.len() == len && t.bytes().all(|b| b.is_ascii_digit());
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    let ok = d.len() == 3
        && num(d[0], 4)
        && num(d[1], 2)
        && num(d[2], 2)
        && (1..=12).contains(&d[1].parse::<u32>().ok()?)
        && (1..=31).contains(&d[2].parse::<u32>().ok()?)
        && t.len() == 3
        && t.iter().all(|p| num(p, 2))
        && t[0].parse::<u32>().ok()? < 24
        && t[1].parse::<u32>().ok()? < 60
        && t[2].parse::<u32>().ok()? < 60;
    ok.then(|| format!("{date}T{time}Z"))
}

/// Reads `roles.yaml` when the project has one.
pub fn read_roles_file(
    dir: &Path,
    dialect: Dialect,
    diags: &mut Vec<Diagnostic>,
    origins: &mut Origins,
    pending: &mut PendingGrants,
) -> Option<BTreeMap<String, Role>> {
    let rel = PathBuf::from("roles.yaml");
    if !dir.join(&rel).exists() {
        return None;
    }
    pending.file = rel.clone();
    // (role, for_role, position): checked against the declared roles at the end
    let mut for_roles: Vec<(String, String, Pos)> = Vec::new();
    let mut roles = BTreeMap::new();
    let root = super::load::read_yaml(dir, &rel, diags)?;
    let mut cx = Cx {
        file: rel.clone(),
        diags,
    };
    let entries = cx.map(&root, "roles.yaml")?;
    cx.check_keys(entries, ROLES_FILE_KEYS, "roles.yaml");
    let Some(list) = get(entries, "roles") else {
        return Some(roles);
    };
    let Some(list) = cx.map(list, "\"roles\"") else {
        return Some(roles);
    };
    let mut members: Vec<(String, String, Pos)> = Vec::new();
    for (k, v) in list {
        let Some(name) = cx.name(k.name.clone(), k.pos, "a role name") else {
            continue;
        };
        if is_builtin_role(&name) {
            cx.err(
                k.pos,
                "reserved-role",
                format!("role \"{name}\" is built into the server"),
                "bmdb manages only your own roles; pick another name".to_string(),
            );
            continue;
        }
        origins.set(&["role", &name], &rel, k.pos);
        let what = format!("role \"{name}\"");
        let mut role = Role {
            name: name.clone(),
            ..Default::default()
        };
        // `game_server:` with nothing under it is a role with every option off
        let empty = matches!(&v.kind, super::yaml::NodeKind::Null);
        if !empty {
            let Some(fields) = cx.map(v, &what) else {
                continue;
            };
            let allowed: Vec<&str> = ROLE_OPTIONS
                .iter()
                .map(|o| o.key)
                .chain(ROLE_EXTRA_KEYS.iter().copied())
                .collect();
            for (fk, fv) in fields {
                let key = fk.name.as_str();
                if matches!(key, "password" | "encrypted_password" | "passwd") {
                    cx.err(
                        fk.pos,
                        "password-in-model",
                        format!("{what} has a password; bmdb never holds passwords"),
                        "remove it: use client certificates (docs/roles.md), or let the operator run ALTER ROLE ... PASSWORD outside bmdb".to_string(),
                    );
                    continue;
                }
                if let Some(o) = role_option(key) {
                    if let Some(on) = cx.boolean(fv, &format!("\"{key}\" of {what}")) {
                        if o.cockroach_only && dialect == Dialect::Postgres {
                            cx.err(
                                fk.pos,
                                "unsupported-option",
                                format!("role option \"{key}\" exists only on CockroachDB"),
                                "remove it, or set `dialect: cockroach` in regions.yaml"
                                    .to_string(),
                            );
                        } else if on {
                            role.options.push(key.to_string());
                        }
                    }
                    continue;
                }
                match key {
                    "valid_until" => {
                        if let Some(s) = cx.text(fv, &format!("\"valid_until\" of {what}")) {
                            match normalise_valid_until(&s) {
                                Some(v) => role.valid_until = Some(v),
                                None => cx.err(
                                    fv.pos,
                                    "invalid-value",
                                    format!("invalid timestamp \"{s}\" for \"valid_until\" of {what}"),
                                    "write a UTC date or time like 2027-01-31 or 2027-01-31T12:00:00Z".to_string(),
                                ),
                            }
                        }
                    }
                    "settings" => read_settings(&mut cx, fv, None, &what, &mut role),
                    "in_database" => {
                        if let Some(dbs) = cx.map(fv, &format!("\"in_database\" of {what}")) {
                            for (dk, dv) in dbs {
                                if let Some(db) =
                                    cx.name(dk.name.clone(), dk.pos, "a database name")
                                {
                                    read_settings(&mut cx, dv, Some(db), &what, &mut role);
                                }
                            }
                        }
                    }
                    "grants" => read_grants(&mut cx, fv, &name, dialect, pending),
                    "default_privileges" => read_default_privileges(
                        &mut cx,
                        fv,
                        &name,
                        dialect,
                        &mut role,
                        &mut for_roles,
                        &mut pending.default_schemas,
                    ),
                    "member_of" => {
                        if let Some(list) =
                            cx.ident_list(fv, &format!("\"member_of\" of {what}"), "a role name")
                        {
                            for (m, pos) in list {
                                members.push((name.clone(), m, pos));
                            }
                        }
                    }
                    _ => {
                        let help = match did_you_mean(key, &allowed) {
                            Some(s) => format!("did you mean \"{s}\"?"),
                            None => format!("allowed keys here: {}", allowed.join(", ")),
                        };
                        cx.err(
                            fk.pos,
                            "unknown-key",
                            format!("unknown key \"{key}\" in {what}"),
                            help,
                        );
                    }
                }
            }
        }
        role.options.sort();
        role.settings.sort();
        role.default_privileges.sort();
        roles.insert(name, role);
    }
    let declared: Vec<&str> = list.iter().map(|(k, _)| k.name.as_str()).collect();
    let mut add: Vec<(String, String)> = Vec::new();
    for (role, of, pos) in members {
        if !roles.contains_key(&of) {
            let help = match did_you_mean(&of, &declared) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "declare it under `roles:` in roles.yaml".to_string(),
            };
            cx.err(
                pos,
                "unknown-role",
                format!("role \"{role}\" is a member of \"{of}\", which is not declared"),
                help,
            );
        } else if of == role || reaches(&add, &of, &role) {
            cx.err(
                pos,
                "membership-cycle",
                format!("role \"{role}\" cannot be a member of \"{of}\": \"{of}\" is already a member of \"{role}\""),
                "remove one of the two memberships".to_string(),
            );
        } else if add.iter().any(|(r, o)| *r == role && *o == of) {
            cx.err(
                pos,
                "duplicate-name",
                format!("role \"{role}\" lists \"{of}\" twice in member_of"),
                "list each role once".to_string(),
            );
        } else {
            add.push((role, of));
        }
    }
    for (role, of, pos) in for_roles {
        if !roles.contains_key(&of) && !is_builtin_role(&of) {
            let help = match did_you_mean(&of, &declared) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "declare it under `roles:` in roles.yaml".to_string(),
            };
            cx.err(
                pos,
                "unknown-role",
                format!("default privileges of role \"{role}\" are for role \"{of}\", which is not declared"),
                help,
            );
        }
    }
    for (role, of) in add {
        if let Some(r) = roles.get_mut(&role) {
            r.member_of.push(of);
            r.member_of.sort();
        }
    }
    Some(roles)
}

/// `settings:` (every database) or one database's map under `in_database:`.
fn read_settings(cx: &mut Cx, node: &Node, database: Option<String>, what: &str, role: &mut Role) {
    let label = match &database {
        None => format!("\"settings\" of {what}"),
        Some(d) => format!("\"in_database\" {d} of {what}"),
    };
    let Some(entries) = cx.map(node, &label) else {
        return;
    };
    for (k, v) in entries {
        let name = k.name.to_ascii_lowercase();
        if !valid_setting_name(&name) {
            cx.err(
                k.pos,
                "invalid-value",
                format!(
                    "\"{}\" in {label} is not a session variable name",
                    k.name.escape_debug()
                ),
                "write the variable as SHOW shows it, e.g. statement_timeout".to_string(),
            );
            continue;
        }
        if matches!(
            name.as_str(),
            "role" | "database" | "session_authorization" | "transaction_isolation"
        ) {
            cx.err(
                k.pos,
                "invalid-value",
                format!("session variable \"{name}\" of {what} cannot be a role's default"),
                "the servers refuse ALTER ROLE ... SET for it; remove it".to_string(),
            );
            continue;
        }
        if matches!(v.kind, NodeKind::Null) {
            cx.err(
                k.pos,
                "invalid-value",
                format!("session variable \"{name}\" in {label} has no value"),
                "write a value such as 5s, on or UTC".to_string(),
            );
            continue;
        }
        let Some(value) = cx.text(v, &format!("\"{name}\" in {label}")) else {
            continue;
        };
        if value.trim().is_empty() || value.chars().any(|c| c.is_control()) {
            cx.err(
                v.pos,
                "invalid-value",
                format!("invalid value for session variable \"{name}\" of {what}"),
                "write a value such as 5s, on or 'UTC'".to_string(),
            );
            continue;
        }
        if role
            .settings
            .iter()
            .any(|s| s.database == database && s.name == name)
        {
            cx.err(
                k.pos,
                "duplicate-name",
                format!("session variable \"{name}\" is set twice in {label}"),
                "set it once".to_string(),
            );
            continue;
        }
        role.settings.push(RoleSetting {
            database: database.clone(),
            name,
            value: normalise_setting_value(&value),
        });
    }
}

/// The privileges of one grant, checked against what `kind` takes on `dialect`.
fn read_privileges(
    cx: &mut Cx,
    node: &Node,
    kind: &str,
    dialect: Dialect,
    what: &str,
) -> Option<Vec<(String, Pos)>> {
    let items = cx.seq(node, &format!("\"privileges\" of {what}"))?;
    if items.is_empty() {
        cx.err(
            node.pos,
            "invalid-value",
            format!("{what} grants no privileges"),
            "list at least one, e.g. [SELECT]".to_string(),
        );
        return None;
    }
    let mut out: Vec<(String, Pos)> = Vec::new();
    for item in items {
        let Some(p) = cx.text(item, &format!("a privilege of {what}")) else {
            continue;
        };
        let p = p.trim().to_ascii_uppercase();
        let p = if p == "TEMP" {
            "TEMPORARY".to_string()
        } else {
            p
        };
        if check_privilege(cx, &p, item.pos, kind, dialect, what)
            && !out.iter().any(|(q, _)| *q == p)
        {
            out.push((p, item.pos));
        }
    }
    Some(out)
}

/// Whether `p` is a privilege of `kind` on `dialect`; a finding when it is not.
fn check_privilege(
    cx: &mut Cx,
    p: &str,
    pos: Pos,
    kind: &str,
    dialect: Dialect,
    what: &str,
) -> bool {
    let valid = privileges_for(kind, dialect);
    if valid.contains(&p) {
        return true;
    }
    let other = match dialect {
        Dialect::Postgres => Dialect::Cockroach,
        Dialect::Cockroach => Dialect::Postgres,
    };
    if privileges_for(kind, other).contains(&p) {
        let (only, help) = match dialect {
            Dialect::Postgres if p == "ALL" => (
                "CockroachDB",
                "list the privileges the role needs (least privilege)".to_string(),
            ),
            Dialect::Postgres => (
                "CockroachDB",
                "remove it, or set `dialect: cockroach` in regions.yaml".to_string(),
            ),
            Dialect::Cockroach => (
                "PostgreSQL",
                "remove it; a project on both dialects grants what both have".to_string(),
            ),
        };
        cx.err(
            pos,
            "unsupported-privilege",
            format!("privilege {p} on a {kind} exists only on {only} ({what})"),
            help,
        );
        return false;
    }
    let help = match did_you_mean(p, valid) {
        Some(s) => format!(
            "did you mean \"{s}\"? (a {kind} takes {})",
            valid.join(", ")
        ),
        None => format!("a {kind} takes {}", valid.join(", ")),
    };
    cx.err(
        pos,
        "invalid-privilege",
        format!("\"{p}\" is not a privilege on a {kind} ({what})"),
        help,
    );
    false
}

/// A list of names or one name, under `key` of a grant's `on:`.
fn names(cx: &mut Cx, node: &Node, key: &str, what: &str) -> Option<Vec<(String, Pos)>> {
    if key.ends_with('s') && key != "all_tables_in_schema" {
        let list = cx.ident_list(node, &format!("\"{key}\" of {what}"), "a name")?;
        if list.is_empty() {
            cx.err(
                node.pos,
                "invalid-value",
                format!("\"{key}\" of {what} is empty"),
                "name at least one".to_string(),
            );
            return None;
        }
        Some(list)
    } else {
        cx.ident(node, &format!("\"{key}\" of {what}"))
            .map(|n| vec![(n, node.pos)])
    }
}

fn read_grants(
    cx: &mut Cx,
    node: &Node,
    role: &str,
    dialect: Dialect,
    pending: &mut PendingGrants,
) {
    let Some(items) = cx.seq(node, &format!("\"grants\" of role \"{role}\"")) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let what = format!("grant {} of role \"{role}\"", i + 1);
        let Some(fields) = cx.map(item, &what) else {
            continue;
        };
        cx.check_keys(fields, GRANT_KEYS, &what);
        let (Some(on), Some(privs)) = (
            cx.require(
                fields,
                "on",
                item.pos,
                &what,
                "see the grant examples in docs/roles.md",
            ),
            cx.require(
                fields,
                "privileges",
                item.pos,
                &what,
                "see the grant examples in docs/roles.md",
            ),
        ) else {
            continue;
        };
        let spec = match &on.kind {
            NodeKind::Scalar { value, .. } if value == "database" => Some(OnSpec::Database),
            NodeKind::Map(m) if m.len() == 1 => {
                let (k, v) = (&m[0].0, &m[0].1);
                match k.name.as_str() {
                    "schema" => names(cx, v, "schema", &what)
                        .map(|n| OnSpec::Schema(n[0].0.clone(), n[0].1)),
                    "all_tables_in_schema" => names(cx, v, "all_tables_in_schema", &what)
                        .map(|n| OnSpec::AllTablesIn(n[0].0.clone(), n[0].1)),
                    "table" | "tables" => names(cx, v, &k.name, &what).map(OnSpec::Tables),
                    "sequence" | "sequences" => names(cx, v, &k.name, &what).map(OnSpec::Sequences),
                    "type" | "types" => names(cx, v, &k.name, &what).map(OnSpec::Types),
                    other => {
                        let help = match did_you_mean(other, GRANT_ON_KEYS) {
                            Some(s) => format!("did you mean \"{s}\"?"),
                            None => format!(
                                "write `on: database` or one of: {}",
                                GRANT_ON_KEYS.join(", ")
                            ),
                        };
                        cx.err(
                            k.pos,
                            "unknown-key",
                            format!("unknown key \"{other}\" in \"on\" of {what}"),
                            help,
                        );
                        None
                    }
                }
            }
            _ => {
                cx.err(
                    on.pos,
                    "invalid-value",
                    format!("\"on\" of {what} names no object"),
                    "write `on: database`, `on: { schema: public }`, `on: { tables: [players] }`, `on: { all_tables_in_schema: public }`, `on: { sequences: [...] }` or `on: { types: [...] }`".to_string(),
                );
                None
            }
        };
        let Some(spec) = spec else {
            continue;
        };
        let kind = match &spec {
            OnSpec::Database => "database",
            OnSpec::Schema(..) => "schema",
            OnSpec::Tables(_) | OnSpec::AllTablesIn(..) => "table",
            OnSpec::Sequences(_) => "sequence",
            OnSpec::Types(_) => "type",
        };
        let grant_option = match get(fields, "with_grant_option") {
            Some(n) => cx
                .boolean(n, &format!("\"with_grant_option\" of {what}"))
                .unwrap_or(false),
            None => false,
        };
        if let Some(p) = read_privileges(cx, privs, kind, dialect, &what) {
            if !p.is_empty() {
                pending
                    .grants
                    .push((role.to_string(), spec, p, grant_option));
            }
        }
    }
}

fn read_default_privileges(
    cx: &mut Cx,
    node: &Node,
    role: &str,
    dialect: Dialect,
    out: &mut Role,
    for_roles: &mut Vec<(String, String, Pos)>,
    schemas: &mut Vec<(String, String, Pos)>,
) {
    let Some(items) = cx.seq(node, &format!("\"default_privileges\" of role \"{role}\"")) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let what = format!("default privilege {} of role \"{role}\"", i + 1);
        let Some(fields) = cx.map(item, &what) else {
            continue;
        };
        cx.check_keys(fields, DEFAULT_PRIVILEGE_KEYS, &what);
        let (Some(fr), Some(on), Some(privs)) = (
            cx.require(
                fields,
                "for_role",
                item.pos,
                &what,
                "see the grant examples in docs/roles.md",
            ),
            cx.require(
                fields,
                "on",
                item.pos,
                &what,
                "see the grant examples in docs/roles.md",
            ),
            cx.require(
                fields,
                "privileges",
                item.pos,
                &what,
                "see the grant examples in docs/roles.md",
            ),
        ) else {
            continue;
        };
        let Some(for_role) = cx.ident(fr, &format!("\"for_role\" of {what}")) else {
            continue;
        };
        for_roles.push((role.to_string(), for_role.clone(), fr.pos));
        // any schema of the model: checked once every object is read (`resolve_grants`)
        let schema = match get(fields, "in_schema") {
            Some(n) => match cx.ident(n, &format!("\"in_schema\" of {what}")) {
                Some(s) if s == MODEL_SCHEMA => s,
                Some(s) => {
                    schemas.push((role.to_string(), s.clone(), n.pos));
                    s
                }
                None => continue,
            },
            None => MODEL_SCHEMA.to_string(),
        };
        let Some(on) = cx.choice(on, DEFAULT_PRIVILEGE_ON, &format!("\"on\" of {what}")) else {
            continue;
        };
        let kind = on.trim_end_matches('s');
        let Some(p) = read_privileges(cx, privs, kind, dialect, &what) else {
            continue;
        };
        if p.is_empty() {
            continue;
        }
        let mut privileges: Vec<String> = p.into_iter().map(|(p, _)| p).collect();
        if let Some(d) = out
            .default_privileges
            .iter_mut()
            .find(|d| d.for_role == for_role && d.schema == schema && d.on == on)
        {
            privileges.append(&mut d.privileges);
            privileges.sort();
            privileges.dedup();
            d.privileges = privileges;
        } else {
            privileges.sort();
            out.default_privileges.push(DefaultPrivilege {
                for_role,
                schema,
                on,
                privileges,
            });
        }
    }
}

/// The sequences a grant may name: the model's own (sequences/*.yaml), and on PostgreSQL the
/// sequence a SERIAL column owns, `<table>_<column>_seq`. CockroachDB's SERIAL makes none
/// (serial_normalization = rowid, a `unique_rowid()` default), so there a grant on such a
/// sequence is left out.
fn model_sequences(model: &Model) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = model.sequences.keys().map(|s| (s.clone(), true)).collect();
    for t in model.tables.values() {
        for c in &t.columns {
            let serial_pg = c.ty.ends_with("SERIAL");
            let serial_crdb = c
                .default
                .as_deref()
                .is_some_and(|d| d.replace(' ', "") == "unique_rowid()");
            if serial_pg || serial_crdb {
                out.push((
                    super::sequences::serial_sequence(&t.name, &c.name),
                    serial_pg,
                ));
            }
        }
    }
    out
}

/// Resolves the grants read from roles.yaml against the loaded tables and enum types:
/// `all_tables_in_schema` becomes one grant per table, unknown tables, schemas, sequences
/// and types are findings.
/// `tables_complete` is false when a schema file failed (no unknown-table findings then).
pub fn resolve_grants(
    model: &mut Model,
    pending: PendingGrants,
    tables_complete: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(roles) = model.roles.as_mut() else {
        return;
    };
    let mut cx = Cx {
        file: pending.file.clone(),
        diags,
    };
    let tables: Vec<&str> = model.tables.keys().map(String::as_str).collect();
    let schemas = &model.database.schemas;
    let schema_names: Vec<&str> = std::iter::once(MODEL_SCHEMA)
        .chain(schemas.iter().map(String::as_str))
        .collect();
    // default privileges in a schema the model does not have go, with a finding
    for (role, s, pos) in &pending.default_schemas {
        if schemas.contains(s) {
            continue;
        }
        cx.err(
            *pos,
            "unknown-schema",
            format!("schema \"{s}\" of the default privileges of role \"{role}\" is not in the model"),
            match did_you_mean(s, &schema_names) {
                Some(d) => format!("did you mean \"{d}\"? (the model's schemas: {})", schema_names.join(", ")),
                None => format!("the model's schemas: {} (a schema with no object yet is declared in regions.yaml's `schemas:`)", schema_names.join(", ")),
            },
        );
        if let Some(r) = roles.get_mut(role) {
            r.default_privileges.retain(|d| d.schema != *s);
        }
    }
    let sequences = model_sequences(&Model {
        tables: model.tables.clone(),
        sequences: model.sequences.clone(),
        ..Default::default()
    });
    let seq_names: Vec<&str> = sequences.iter().map(|(s, _)| s.as_str()).collect();
    let enum_names: Vec<&str> = model.enums.keys().map(String::as_str).collect();
    for (role, spec, privs, grant_option) in pending.grants {
        let mut objects: Vec<GrantObject> = Vec::new();
        let schema_ok = |cx: &mut Cx, s: &str, pos: Pos| {
            if s == MODEL_SCHEMA || schemas.contains(s) {
                true
            } else {
                cx.err(
                    pos,
                    "unknown-schema",
                    format!("schema \"{s}\" is not in the model (grant of role \"{role}\")"),
                    match did_you_mean(s, &schema_names) {
                        Some(d) => format!("did you mean \"{d}\"? (the model's schemas: {})", schema_names.join(", ")),
                        None => format!("the model's schemas: {} (a schema with no object yet is declared in regions.yaml's `schemas:`)", schema_names.join(", ")),
                    },
                );
                false
            }
        };
        match spec {
            OnSpec::Database => objects.push(GrantObject::Database),
            OnSpec::Schema(s, pos) => {
                if schema_ok(&mut cx, &s, pos) {
                    objects.push(GrantObject::Schema(s));
                }
            }
            OnSpec::AllTablesIn(s, pos) => {
                if schema_ok(&mut cx, &s, pos) {
                    objects.extend(
                        tables
                            .iter()
                            .filter(|t| super::schemas::schema_of(t) == s)
                            .map(|t| GrantObject::Table(t.to_string())),
                    );
                }
            }
            OnSpec::Tables(list) => {
                for (t, pos) in list {
                    // `t`, `public.t` or `game.t`: the table's key
                    let t = super::schemas::reference_key(&t).unwrap_or(t);
                    if tables.contains(&t.as_str()) {
                        objects.push(GrantObject::Table(t));
                    } else if tables_complete {
                        let help = match super::schemas::closest_key(&t, model.tables.keys()) {
                            Some(s) => format!("did you mean \"{s}\"?"),
                            None => "grant on a table the model declares under schema/".to_string(),
                        };
                        cx.err(pos, "unknown-table", format!("role \"{role}\" is granted privileges on table \"{t}\", which the model does not declare"), help);
                    }
                }
            }
            OnSpec::Sequences(list) => {
                for (q, pos) in list {
                    let q = super::schemas::reference_key(&q).unwrap_or(q);
                    match sequences.iter().find(|(s, _)| *s == q) {
                        // a SERIAL column's sequence on PostgreSQL; CockroachDB makes none
                        Some((_, true)) => objects.push(GrantObject::Sequence(q)),
                        Some(_) => {}
                        None if tables_complete => {
                            let help = match super::schemas::closest_key(&q, sequences.iter().map(|(s, _)| s)) {
                                Some(s) => format!("did you mean \"{s}\"?"),
                                None if seq_names.is_empty() => "the model has no sequences (declare one in sequences/<name>.yaml; a SERIAL column's is <table>_<column>_seq)".to_string(),
                                None => format!("the model's sequences: {}", seq_names.join(", ")),
                            };
                            cx.err(pos, "unknown-sequence", format!("role \"{role}\" is granted privileges on sequence \"{q}\", which the model does not have"), help);
                        }
                        None => {}
                    }
                }
            }
            OnSpec::Types(list) => {
                for (t, pos) in list {
                    let t = super::schemas::reference_key(&t).unwrap_or(t);
                    if enum_names.contains(&t.as_str()) {
                        objects.push(GrantObject::Type(t));
                        continue;
                    }
                    let help = match super::schemas::closest_key(&t, model.enums.keys()) {
                        Some(s) => format!("did you mean \"{s}\"?"),
                        None if enum_names.is_empty() => "the model declares no types (an enum is types/<name>.yaml); remove the grant".to_string(),
                        None => format!("the model's types: {}", enum_names.join(", ")),
                    };
                    cx.err(pos, "unknown-user-type", format!("role \"{role}\" is granted privileges on type \"{t}\", which the model does not declare"), help);
                }
            }
        }
        let Some(r) = roles.get_mut(&role) else {
            continue;
        };
        let privileges: Vec<String> = privs.into_iter().map(|(p, _)| p).collect();
        let grantable: &[String] = if grant_option { &privileges } else { &[] };
        for on in objects {
            let g = match r.grants.iter_mut().position(|g| g.on == on) {
                Some(i) => &mut r.grants[i],
                None => {
                    r.grants.push(Grant {
                        on,
                        privileges: Vec::new(),
                        grantable: Vec::new(),
                    });
                    r.grants.last_mut().expect("just pushed")
                }
            };
            g.privileges.extend(privileges.iter().cloned());
            g.privileges.sort();
            g.privileges.dedup();
            g.grantable.extend(grantable.iter().cloned());
            g.grantable.sort();
            g.grantable.dedup();
        }
        r.grants.sort();
    }
}

/// Whether `from` is (transitively) a member of `to` through the memberships in `edges`.
fn reaches(edges: &[(String, String)], from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(r) = stack.pop() {
        if r == to {
            return true;
        }
        if !seen.insert(r.clone()) {
            continue;
        }
        for (m, of) in edges {
            if *m == r {
                stack.push(of.clone());
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_until_forms() {
        assert_eq!(
            normalise_valid_until("2027-01-31").as_deref(),
            Some("2027-01-31T00:00:00Z")
        );
        assert_eq!(
            normalise_valid_until("2027-01-31 12:30:00").as_deref(),
            Some("2027-01-31T12:30:00Z")
        );
        assert_eq!(
            normalise_valid_until("2027-01-31T12:30:00Z").as_deref(),
            Some("2027-01-31T12:30:00Z")
        );
        for bad in [
            "2027-13-01",
            "tomorrow",
            "2027-01-31T25:00:00Z",
            "",
            "2027-1-1",
        ] {
            assert_eq!(normalise_valid_until(bad), None, "{bad}");
        }
    }

    #[test]
    fn builtin_roles() {
        for r in ["admin", "ROOT", "public", "pg_read_all_data", "postgres"] {
            assert!(is_builtin_role(r), "{r}");
        }
        assert!(!is_builtin_role("game_server"));
    }
}
