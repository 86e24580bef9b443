//! Privileges, default privileges and session defaults read back from a server, in one row
//! shape both readers produce (PostgreSQL from its ACLs, CockroachDB from SHOW GRANTS,
//! crdb_internal.default_privileges and system.database_role_settings), folded into the
//! managed roles. Rows of roles bmdb does not manage (built-in ones, superusers, the
//! connecting user) are left out, as is what an object's owner holds on it: the servers add
//! those rows themselves, so they are never drift (docs/roles.md).

use crate::model::roles::{normalise_setting_value, MODEL_SCHEMA};
use crate::model::types::{DefaultPrivilege, Grant, GrantObject, Role, RoleSetting};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One privilege, default privilege or session default of one role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivilegeRow {
    /// The grantee (for a setting: the role it is set for).
    pub role: String,
    /// `database`, `schema`, `table`, `sequence`, `type`, `default` or `setting`.
    pub kind: String,
    /// The object (`None` for the database); for `default` what the privileges are on
    /// (`tables` ...); for `setting` the database, `None` for every database.
    pub name: Option<String>,
    /// For `default`: the role whose new objects get them; for `setting`: `var=value`.
    pub detail: Option<String>,
    /// Upper-case privilege keyword (empty for a setting).
    pub privilege: String,
    /// Held WITH GRANT OPTION (a grant only; default privileges' is not modelled).
    #[serde(default)]
    pub grantable: bool,
    /// For `default`: the schema the default privileges apply in (`None`: public).
    #[serde(default)]
    pub schema: Option<String>,
}

/// Adds `rows` to the roles they name; rows of other roles are ignored.
pub fn fold(roles: &mut BTreeMap<String, Role>, rows: &[PrivilegeRow]) {
    for r in rows {
        let Some(role) = roles.get_mut(&r.role) else {
            continue;
        };
        let privilege = r.privilege.trim().to_ascii_uppercase();
        let on = match (r.kind.as_str(), r.name.clone()) {
            ("database", _) => Some(GrantObject::Database),
            ("schema", Some(n)) => Some(GrantObject::Schema(n)),
            ("table", Some(n)) => Some(GrantObject::Table(n)),
            ("sequence", Some(n)) => Some(GrantObject::Sequence(n)),
            ("type", Some(n)) => Some(GrantObject::Type(n)),
            _ => None,
        };
        if let Some(on) = on {
            if privilege.is_empty() {
                continue;
            }
            let grantable = if r.grantable {
                vec![privilege.clone()]
            } else {
                Vec::new()
            };
            match role.grants.iter_mut().find(|g| g.on == on) {
                Some(g) => {
                    g.privileges.push(privilege);
                    g.grantable.extend(grantable);
                }
                None => role.grants.push(Grant {
                    on,
                    privileges: vec![privilege],
                    grantable,
                }),
            }
            continue;
        }
        match r.kind.as_str() {
            "default" => {
                let (Some(on), Some(for_role)) = (r.name.clone(), r.detail.clone()) else {
                    continue;
                };
                // the owner's own row is the server's; functions and schemas are not modelled
                if for_role == r.role
                    || !crate::model::roles::DEFAULT_PRIVILEGE_ON.contains(&on.as_str())
                    || privilege.is_empty()
                {
                    continue;
                }
                let schema = r.schema.clone().unwrap_or_else(|| MODEL_SCHEMA.to_string());
                match role
                    .default_privileges
                    .iter_mut()
                    .find(|d| d.for_role == for_role && d.schema == schema && d.on == on)
                {
                    Some(d) => d.privileges.push(privilege),
                    None => role.default_privileges.push(DefaultPrivilege {
                        for_role,
                        schema,
                        on,
                        privileges: vec![privilege],
                    }),
                }
            }
            "setting" => {
                let Some((name, value)) = r.detail.as_deref().and_then(|d| d.split_once('='))
                else {
                    continue;
                };
                role.settings.push(RoleSetting {
                    database: r.name.clone().filter(|d| !d.is_empty()),
                    name: name.trim().to_ascii_lowercase(),
                    value: normalise_setting_value(value),
                });
            }
            _ => {}
        }
    }
    for role in roles.values_mut() {
        for g in &mut role.grants {
            g.privileges.sort();
            g.privileges.dedup();
            g.grantable.sort();
            g.grantable.dedup();
        }
        role.grants.sort();
        for d in &mut role.default_privileges {
            d.privileges.sort();
            d.privileges.dedup();
        }
        role.default_privileges.sort();
        role.settings.sort();
        role.settings.dedup();
    }
}
