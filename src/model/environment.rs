//! `environments:` in regions.yaml: the phases one model goes through (a PostgreSQL
//! prototype, a CockroachDB staging cluster, production ...), each with the dialect it runs
//! on and the variable that holds its URL. The model is loaded in the dialect of the
//! environment a command runs for (`--env NAME`, else `default_environment:`, else the first
//! declared); every environment of one dialect shares that dialect's migrations line.

use super::normalize::did_you_mean;
use super::read::{get, Cx};
use super::types::Dialect;
use super::yaml::{Key, Node, Pos};

/// One declared environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    pub dialect: Dialect,
    /// The environment variable holding this environment's database URL.
    pub url_env: Option<String>,
}

/// What regions.yaml declares, and which environment this load is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environments {
    /// In declaration order; empty for a project without `environments:`.
    pub list: Vec<Environment>,
    /// The environment the model was loaded for (`None` without `environments:`).
    pub selected: Option<usize>,
}

impl Environments {
    pub fn declared(&self) -> bool {
        !self.list.is_empty()
    }

    pub fn selected(&self) -> Option<&Environment> {
        self.selected.map(|i| &self.list[i])
    }

    /// Each dialect the environments use, once, in the order they first appear: the
    /// migrations lines of the project.
    pub fn dialects(&self) -> Vec<Dialect> {
        let mut out: Vec<Dialect> = Vec::new();
        for e in &self.list {
            if !out.contains(&e.dialect) {
                out.push(e.dialect);
            }
        }
        out
    }

    /// The environments of `dialect`, by name, for messages.
    pub fn names_of(&self, dialect: Dialect) -> Vec<&str> {
        self.list
            .iter()
            .filter(|e| e.dialect == dialect)
            .map(|e| e.name.as_str())
            .collect()
    }

    /// The first environment of `dialect`.
    pub fn first_of(&self, dialect: Dialect) -> Option<&Environment> {
        self.list.iter().find(|e| e.dialect == dialect)
    }
}

pub const ENVIRONMENT_KEYS: &[&str] = &["dialect", "url_env"];

/// An environment name: a letter, then letters, digits, `_` or `-` (it is typed after
/// `--env` and names a migrations line's users in messages).
fn valid_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && s.len() <= 63
}

/// An environment variable name as shells write it: `[A-Za-z_][A-Za-z0-9_]*`.
fn valid_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reads `environments:` and `default_environment:` from regions.yaml's top-level entries
/// and selects the environment for `requested` (`--env`). `root` is where a problem without
/// a better place is reported.
pub fn read(cx: &mut Cx, entries: &[(Key, Node)], requested: Option<&str>) -> Environments {
    let mut envs = Environments::default();
    let declared_at = entries
        .iter()
        .find(|(k, _)| k.name == "environments")
        .map(|(k, _)| k.pos);
    if let Some(n) = get(entries, "environments") {
        read_list(cx, n, &mut envs);
    }
    if let (Some(n), Some(at)) = (get(entries, "dialect"), declared_at) {
        cx.err(
            n.pos,
            "dialect-with-environments",
            format!(
                "\"dialect\" is set at the top level and regions.yaml also declares environments (line {})",
                at.line
            ),
            "with `environments:`, each environment names its dialect: remove the top-level `dialect:`"
                .to_string(),
        );
    }
    let mut default = None;
    if let Some(n) = get(entries, "default_environment") {
        if let Some(name) = cx.text(n, "\"default_environment\"") {
            if declared_at.is_none() {
                cx.err(
                    n.pos,
                    "unknown-environment",
                    format!("default_environment \"{name}\" names an environment, but regions.yaml declares no `environments:`"),
                    "declare `environments:` (name: { dialect: ..., url_env: ... }) or remove default_environment".to_string(),
                );
            } else if let Some(i) = envs.list.iter().position(|e| e.name == name) {
                default = Some(i);
            } else if !envs.list.is_empty() {
                cx.err(
                    n.pos,
                    "unknown-environment",
                    format!(
                        "default_environment \"{name}\" is not one of the declared environments"
                    ),
                    unknown_help(&name, &envs),
                );
            }
        }
    }
    envs.selected = match requested {
        Some(name) => match envs.list.iter().position(|e| e.name == name) {
            Some(i) => Some(i),
            None => {
                let at = declared_at.unwrap_or(Pos::START);
                if declared_at.is_none() {
                    cx.err(
                        at,
                        "unknown-environment",
                        format!("--env {name}: regions.yaml declares no `environments:`"),
                        "drop --env, or declare `environments:` in regions.yaml (docs/environments.md)"
                            .to_string(),
                    );
                } else if !envs.list.is_empty() {
                    cx.err(
                        at,
                        "unknown-environment",
                        format!("--env {name}: no such environment in regions.yaml"),
                        unknown_help(name, &envs),
                    );
                }
                None
            }
        },
        None if envs.list.is_empty() => None,
        None => Some(default.unwrap_or(0)),
    };
    envs
}

fn unknown_help(name: &str, envs: &Environments) -> String {
    let names: Vec<&str> = envs.list.iter().map(|e| e.name.as_str()).collect();
    match did_you_mean(name, &names) {
        Some(s) => format!("did you mean \"{s}\"? (declared: {})", names.join(", ")),
        None => format!("declared environments: {}", names.join(", ")),
    }
}

fn read_list(cx: &mut Cx, node: &Node, envs: &mut Environments) {
    let Some(map) = cx.map(node, "\"environments\"") else {
        return;
    };
    if map.is_empty() {
        cx.err(
            node.pos,
            "invalid-value",
            "\"environments\" is empty".to_string(),
            "declare at least one environment, e.g. `prototype: { dialect: postgres, url_env: PROTOTYPE_DATABASE_URL }`, or remove the key".to_string(),
        );
        return;
    }
    // variable -> the environment that claimed it first
    let mut vars: Vec<(String, String)> = Vec::new();
    for (k, v) in map {
        let what = format!("environment \"{}\"", k.name);
        if !valid_env_name(&k.name) {
            cx.err(
                k.pos,
                "invalid-name",
                format!("environment name \"{}\" is not a plain name", k.name.escape_debug()),
                "start with a letter and use letters, digits, '_' or '-' (at most 63), e.g. `staging`"
                    .to_string(),
            );
            continue;
        }
        let Some(fields) = cx.map(v, &what) else {
            continue;
        };
        cx.check_keys(fields, ENVIRONMENT_KEYS, &what);
        let dialect = match get(fields, "dialect") {
            None => {
                cx.err(
                    v.pos,
                    "missing-key",
                    format!("{what} has no \"dialect\""),
                    "add `dialect: postgres` or `dialect: cockroach`".to_string(),
                );
                None
            }
            Some(d) => match cx
                .choice(
                    d,
                    &["cockroach", "postgres"],
                    &format!("\"dialect\" of {what}"),
                )
                .as_deref()
            {
                Some("postgres") => Some(Dialect::Postgres),
                Some(_) => Some(Dialect::Cockroach),
                None => None,
            },
        };
        let mut url_env = None;
        if let Some(u) = get(fields, "url_env") {
            if let Some(var) = cx.text(u, &format!("\"url_env\" of {what}")) {
                if !valid_var_name(&var) {
                    cx.err(
                        u.pos,
                        "invalid-value",
                        format!("url_env \"{}\" of {what} is not an environment variable name", var.escape_debug()),
                        "use letters, digits and '_', not starting with a digit, e.g. STAGING_DATABASE_URL"
                            .to_string(),
                    );
                } else if let Some((_, first)) = vars.iter().find(|(x, _)| *x == var) {
                    cx.err(
                        u.pos,
                        "duplicate-url-env",
                        format!("url_env {var} of {what} is already the url_env of environment \"{first}\""),
                        "give each environment its own variable, so no command meant for one environment reaches another's database"
                            .to_string(),
                    );
                } else {
                    vars.push((var.clone(), k.name.clone()));
                    url_env = Some(var);
                }
            }
        }
        if let Some(dialect) = dialect {
            envs.list.push(Environment {
                name: k.name.clone(),
                dialect,
                url_env,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(valid_env_name("prototype"));
        assert!(valid_env_name("eu-prod_2"));
        assert!(!valid_env_name("2prod"));
        assert!(!valid_env_name("pro duction"));
        assert!(!valid_env_name(""));
        assert!(valid_var_name("_X1"));
        assert!(!valid_var_name("1X"));
        assert!(!valid_var_name("A-B"));
    }
}
