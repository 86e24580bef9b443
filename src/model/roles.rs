//! roles.yaml: the cluster's roles and users, their options and memberships (issue 13).
//! A project without the file leaves the server's roles alone; with it, every role of the
//! server that is not built in is bmdb's (docs/roles.md). Passwords are never modelled.

use super::diagnostic::Diagnostic;
use super::normalize::did_you_mean;
use super::read::{get, Cx, Origins};
use super::types::{Dialect, Role};
use super::yaml::Pos;
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
pub const ROLE_EXTRA_KEYS: &[&str] = &["valid_until", "member_of"];

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
) -> Option<BTreeMap<String, Role>> {
    let rel = PathBuf::from("roles.yaml");
    if !dir.join(&rel).exists() {
        return None;
    }
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
    for (role, of) in add {
        if let Some(r) = roles.get_mut(&role) {
            r.member_of.push(of);
            r.member_of.sort();
        }
    }
    Some(roles)
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
