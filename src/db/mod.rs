//! db: the connection to a live server. Resolves where to connect (`--url`, then
//! BMDB_DATABASE_URL, then DATABASE_URL; libpq's PG* variables and ~/.pgpass fill what the URL
//! leaves out, as in libpq), applies libpq's sslmode rules over rustls, retries refused
//! connections, reads the server's dialect from `version()`, and owns the one function that
//! redacts passwords from URLs and from any text that might echo them.
//!
//! Stage: may import model and output (docs/architecture.md).

mod pgpass;
mod row;
mod tls;
pub mod url;

pub use row::{cell, Cells};

use crate::model::Dialect;
use anyhow::{anyhow, bail, Context, Result};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// The environment variables read, in order, when `--url` is not given.
pub const URL_ENV_VARS: [&str; 2] = ["BMDB_DATABASE_URL", "DATABASE_URL"];

/// The source named when no URL was given and libpq's PG* variables say where to connect.
pub const PG_ENV_SOURCE: &str = "the PG* environment variables";

/// The connection-order help shared by every command that connects (`--help` of apply,
/// status, drift, inspect, zones set/unset).
pub const URL_HELP: &str =
    "Database URL (postgres://user:pass@host:port/db?sslmode=verify-full&sslrootcert=ca.crt). \
Without it: BMDB_DATABASE_URL, then DATABASE_URL, then libpq's PG* variables alone. \
PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, ... fill what the URL leaves out, \
then ~/.pgpass (or PGPASSFILE) the password (docs/connections.md)";

/// `--url` of the commands that stay offline unless given it (plan, zones show).
pub const OFFLINE_URL_HELP: &str =
    "Compare with the live database at this URL instead of working offline \
(postgres://user:pass@host:port/db?sslmode=verify-full). Only this flag turns it on: \
BMDB_DATABASE_URL and DATABASE_URL are not read. PGHOST, PGPORT, PGUSER, PGPASSWORD, \
PGDATABASE, PGSSLMODE, ... fill what the URL leaves out, then ~/.pgpass (or PGPASSFILE) the \
password (docs/connections.md)";

/// A connection URL as typed: shown (Debug) only with its password masked.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    /// The URL itself, password included: for the parser only, never for output.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for SecretUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(SecretUrl(s.to_string()))
    }
}

impl From<&str> for SecretUrl {
    fn from(s: &str) -> Self {
        SecretUrl(s.to_string())
    }
}

impl From<String> for SecretUrl {
    fn from(s: String) -> Self {
        SecretUrl(s)
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redact_url(&self.0))
    }
}

/// How to reach the database; flattened into every command that needs a connection.
#[derive(clap::Args, Clone, Default)]
pub struct ConnectOpts {
    #[arg(long, value_name = "URL", help = URL_HELP)]
    pub url: Option<SecretUrl>,
    /// How long to wait for each connection attempt: 10s, 2m, 500ms or bare seconds
    /// (the URL's connect_timeout wins, then this flag, then PGCONNECT_TIMEOUT) [default: 10s].
    #[arg(long, value_name = "DURATION", value_parser = crate::model::parse_duration_flag)]
    pub connect_timeout: Option<Duration>,
    /// Extra attempts when the server refuses the connection (it may still be starting).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub connect_retries: u32,
    /// The environment the command runs for (`--env`), when regions.yaml declares them:
    /// its `url_env` is read after `--url`.
    #[arg(skip)]
    pub environment: Option<EnvironmentUrl>,
}

/// Where an environment of regions.yaml keeps its URL.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentUrl {
    /// The environment's name, for messages.
    pub name: String,
    /// Its `url_env`: read right after `--url`.
    pub var: Option<String>,
    /// The `url_env` variables of the other environments: never read for this one, even
    /// when one of them is BMDB_DATABASE_URL or DATABASE_URL, so an unset variable of one
    /// environment cannot fall through to another environment's database.
    pub others: Vec<String>,
}

impl fmt::Debug for ConnectOpts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOpts")
            .field("url", &self.url)
            .field("connect_timeout", &self.connect_timeout)
            .field("connect_retries", &self.connect_retries)
            .field("environment", &self.environment)
            .finish()
    }
}

/// libpq's sslmode values; `allow` is treated as `prefer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Option<SslMode> {
        Some(match value {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// TLS settings taken out of the URL (tokio-postgres knows only disable/prefer/require).
#[derive(Debug, Clone)]
pub struct TlsSettings {
    pub mode: SslMode,
    pub root_cert: Option<String>,
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
}

/// Where to connect, with its origin, so every error can say which flag or variable was wrong.
#[derive(Clone)]
pub struct ResolvedUrl {
    /// The URL text, when one was given (`None`: the PG* variables alone).
    url: Option<String>,
    /// `--url`, an environment's `url_env` variable, `BMDB_DATABASE_URL`, `DATABASE_URL` or
    /// [`PG_ENV_SOURCE`].
    pub source: std::borrow::Cow<'static, str>,
}

impl fmt::Debug for ResolvedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedUrl")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("source", &self.source)
            .finish()
    }
}

impl ResolvedUrl {
    /// The URL with its password replaced; the only form that may be shown.
    pub fn redacted(&self) -> String {
        match &self.url {
            Some(url) => redact_url(url),
            None => pg_env_display(&|v| std::env::var(v).ok()),
        }
    }
    /// The password in the URL, if any, so errors can be scrubbed of it.
    pub fn password(&self) -> Option<String> {
        self.url.as_deref().and_then(url_password)
    }
}

/// `postgres://user@host:port/db` as the PG* variables describe it (no password).
fn pg_env_display(env: &dyn Fn(&str) -> Option<String>) -> String {
    let host = env("PGHOST").unwrap_or_else(|| "localhost".into());
    let port = env("PGPORT").unwrap_or_else(|| "5432".into());
    let user = env("PGUSER").or_else(os_user).unwrap_or_default();
    let db = env("PGDATABASE").unwrap_or_else(|| user.clone());
    format!("postgres://{user}@{host}:{port}/{db} (from {PG_ENV_SOURCE})")
}

/// The operating-system user name, libpq's default user (and apply's `applied_by`).
pub fn os_user() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; read at once, on the
    // main path before any thread that could call getpw* runs.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_str()
            .ok()
            .map(str::to_string)
    }
}

impl ConnectOpts {
    /// Options for one URL (tests and library callers).
    pub fn from_url(url: &str) -> ConnectOpts {
        ConnectOpts {
            url: Some(url.into()),
            ..ConnectOpts::default()
        }
    }

    /// `--url`, else BMDB_DATABASE_URL, else DATABASE_URL, else the PG* variables alone.
    pub fn resolve(&self) -> Result<ResolvedUrl> {
        self.resolve_with(|var| std::env::var(var).ok())
    }

    /// `resolve` over any environment (tests pass their own).
    pub fn resolve_with(&self, env: impl Fn(&str) -> Option<String>) -> Result<ResolvedUrl> {
        let given = self.url.as_ref().map(|u| u.expose());
        let from_var = |var: &str| {
            env(var)
                .filter(|u| !u.trim().is_empty())
                .map(|u| (u.trim().to_string(), Cow::Owned(var.to_string())))
        };
        let not_ours = |var: &str| {
            self.environment
                .as_ref()
                .is_none_or(|e| !e.others.iter().any(|o| o == var))
        };
        let found = given
            .filter(|u| !u.trim().is_empty())
            .map(|u| (u.trim().to_string(), Cow::Borrowed("--url")))
            .or_else(|| {
                let var = self.environment.as_ref()?.var.as_deref()?;
                from_var(var)
            })
            .or_else(|| {
                URL_ENV_VARS
                    .into_iter()
                    .filter(|v| not_ours(v))
                    .find_map(|var| from_var(var).map(|(u, _)| (u, Cow::Borrowed(var))))
            });
        if let Some((url, source)) = found {
            register_url_secrets(&url);
            return Ok(ResolvedUrl {
                url: Some(url),
                source,
            });
        }
        if PG_WHERE_VARS
            .iter()
            .any(|v| env(v).is_some_and(|x| !x.is_empty()))
        {
            return Ok(ResolvedUrl {
                url: None,
                source: Cow::Borrowed(PG_ENV_SOURCE),
            });
        }
        if let Some(e) = &self.environment {
            let skipped: Vec<&str> = URL_ENV_VARS
                .iter()
                .copied()
                .filter(|v| !not_ours(v))
                .collect();
            let read: Vec<String> = e
                .var
                .iter()
                .map(|v| format!("{v} (its url_env)"))
                .chain(
                    URL_ENV_VARS
                        .iter()
                        // an environment whose url_env is BMDB_DATABASE_URL names it once
                        .filter(|v| not_ours(v) && e.var.as_deref() != Some(**v))
                        .map(|v| v.to_string()),
                )
                .collect();
            bail!(
                "no database URL for environment {}: pass --url, {}or libpq's PGHOST / PGDATABASE variables{}",
                e.name,
                if read.is_empty() {
                    String::new()
                } else {
                    format!("or set {}, ", read.join(" or "))
                },
                if skipped.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} is another environment's url_env and is not read for {})",
                        skipped.join(" and "),
                        e.name
                    )
                }
            );
        }
        bail!(
            "no database URL: pass --url, or set BMDB_DATABASE_URL or DATABASE_URL \
             (e.g. postgres://user@localhost:26257/mydb?sslmode=verify-full&sslrootcert=certs/ca.crt), \
             or libpq's PGHOST / PGDATABASE variables"
        )
    }

    /// Resolve, connect (with bounded retries), and read the server's dialect.
    pub fn connect(&self) -> Result<Connection> {
        let resolved = self.resolve()?;
        let secret = resolved.password();
        connect_resolved(&resolved, self).map_err(|e| scrub_error(e, secret.as_deref()))
    }
}

/// An open session plus what the server said it is.
pub struct Connection {
    pub client: postgres::Client,
    pub dialect: Dialect,
    pub server_version: String,
    pub url: ResolvedUrl,
    config: postgres::Config,
    tls: tls::Connector,
}

/// What a second Ctrl-C needs to cancel the statement running on a session: its cancel
/// key and the same TLS settings (the request goes over a connection of its own).
pub struct CancelHandle {
    token: postgres::CancelToken,
    tls: tls::Connector,
}

impl CancelHandle {
    /// Ask the server to cancel whatever the session runs now (a no-op when it is idle).
    pub fn cancel(&self) -> Result<()> {
        self.token
            .cancel_query(self.tls.make())
            .context("the cancel request failed")
    }
}

impl Connection {
    /// How to cancel, from another thread, the statement this session runs.
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle {
            token: self.client.cancel_token(),
            tls: self.tls.clone(),
        }
    }

    /// A second session to the same server (the lock heartbeat needs its own).
    pub fn reconnect(&self) -> Result<postgres::Client> {
        let secret = self.url.password();
        self.config
            .connect(self.tls.make())
            .with_context(|| format!("could not open a second session to {}", self.url.redacted()))
            .map_err(|e| scrub_error(e, secret.as_deref()))
    }

    /// Refuse a server whose dialect is not the project's.
    pub fn expect_dialect(&self, expected: Dialect) -> Result<()> {
        if self.dialect != expected {
            bail!(
                "the project's dialect is {} but {} is a {} server ({}); \
                 set `dialect: {}` in regions.yaml or point --url at a {} server",
                expected.as_str(),
                self.url.redacted(),
                self.dialect.as_str(),
                self.server_version,
                self.dialect.as_str(),
                expected.as_str()
            );
        }
        Ok(())
    }
}

/// The PG* variables that, without any URL, say where to connect.
const PG_WHERE_VARS: [&str; 4] = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER"];

/// Everything a connection needs, merged in libpq's order: the URL, then the PG* variables,
/// then the password file, then the defaults.
struct Settings {
    user: String,
    password: Option<Vec<u8>>,
    hosts: Vec<(String, u16)>,
    dbname: String,
    tls: TlsSettings,
    connect_timeout: Option<Duration>,
    application_name: String,
    /// Parameters passed on to the driver as they are.
    extra: Vec<(String, String)>,
}

/// Parameters the driver takes as they are (libpq's names).
const PASSED_PARAMS: [&str; 6] = [
    "options",
    "keepalives",
    "keepalives_idle",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

fn settings(
    parts: url::UrlParts,
    source: &str,
    opts: &ConnectOpts,
    env: &dyn Fn(&str) -> Option<String>,
    warn: &mut dyn FnMut(String),
) -> Result<Settings> {
    let text_env = |var: &str| env(var).filter(|v| !v.is_empty());
    let mut tls = TlsSettings {
        mode: SslMode::Prefer,
        root_cert: None,
        client_cert: None,
        client_key: None,
    };
    let mut connect_timeout = None;
    let mut application_name = None;
    let mut extra = Vec::new();
    for (key, value) in &parts.params {
        match key.as_str() {
            "sslmode" => {
                tls.mode = SslMode::parse(value).ok_or_else(|| {
                    anyhow!("sslmode in the URL from {source} is not one of disable, allow, prefer, require, verify-ca, verify-full")
                })?
            }
            "sslrootcert" => tls.root_cert = Some(value.clone()),
            "sslcert" => tls.client_cert = Some(value.clone()),
            "sslkey" => tls.client_key = Some(value.clone()),
            "connect_timeout" => {
                connect_timeout = Some(timeout_seconds(value).ok_or_else(|| {
                    anyhow!("connect_timeout in the URL from {source} is not a whole number of seconds")
                })?)
            }
            "application_name" => application_name = Some(value.clone()),
            k if PASSED_PARAMS.contains(&k) => extra.push((key.clone(), value.clone())),
            _ => bail!(
                "the URL from {source} has a query parameter bmdb does not know: {}\n  help: known are sslmode, sslrootcert, sslcert, sslkey, connect_timeout, application_name, user, password, host, port, dbname, {}",
                url::shown_key(key),
                PASSED_PARAMS.join(", ")
            ),
        }
    }
    let has = |key: &str| parts.param(key).is_some();
    if !has("sslmode") {
        if let Some(mode) = text_env("PGSSLMODE") {
            tls.mode = SslMode::parse(&mode).ok_or_else(|| {
                anyhow!("PGSSLMODE is not one of disable, allow, prefer, require, verify-ca, verify-full")
            })?;
        }
    }
    for (key, var, slot) in [
        ("sslrootcert", "PGSSLROOTCERT", &mut tls.root_cert),
        ("sslcert", "PGSSLCERT", &mut tls.client_cert),
        ("sslkey", "PGSSLKEY", &mut tls.client_key),
    ] {
        if !has(key) {
            if let Some(v) = text_env(var) {
                *slot = Some(v);
            }
        }
    }
    let connect_timeout = match connect_timeout {
        Some(t) => Some(t),
        None => match opts.connect_timeout {
            Some(t) => Some(t),
            None => match text_env("PGCONNECT_TIMEOUT") {
                Some(v) => Some(timeout_seconds(&v).ok_or_else(|| {
                    anyhow!("PGCONNECT_TIMEOUT is not a whole number of seconds")
                })?),
                None => Some(Duration::from_secs(10)),
            },
        },
    }
    .filter(|t| !t.is_zero());
    if !parts.params.iter().any(|(k, _)| k == "options") {
        if let Some(v) = text_env("PGOPTIONS") {
            extra.push(("options".into(), v));
        }
    }

    let user = match parts.user {
        Some(u) => u,
        None => text_env("PGUSER").or_else(os_user).ok_or_else(|| {
            anyhow!("the URL from {source} names no user, PGUSER is not set and the system user is unknown\n  help: write postgres://USER@host/db")
        })?,
    };
    let dbname = parts
        .dbname
        .or_else(|| text_env("PGDATABASE"))
        .unwrap_or_else(|| user.clone());
    let env_ports: Vec<u16> = match text_env("PGPORT") {
        Some(v) => v
            .split(',')
            .map(|p| p.trim().parse::<u16>().ok().filter(|p| *p > 0))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                anyhow!("PGPORT is not a port number (1 to 65535, or a comma-separated list)")
            })?,
        None => Vec::new(),
    };
    let mut hosts = parts.hosts;
    if hosts.is_empty() || hosts.iter().all(|(h, _)| h.is_empty()) {
        let ports: Vec<Option<u16>> = hosts.iter().map(|(_, p)| *p).collect();
        hosts = text_env("PGHOST")
            .unwrap_or_else(|| "localhost".into())
            .split(',')
            .map(|h| (h.trim().to_string(), None))
            .collect();
        if ports.len() == hosts.len() {
            for (h, p) in hosts.iter_mut().zip(ports) {
                h.1 = p;
            }
        } else if let [Some(p)] = ports[..] {
            hosts.iter_mut().for_each(|h| h.1 = Some(p));
        }
    }
    let hosts: Vec<(String, u16)> = hosts
        .into_iter()
        .enumerate()
        .map(|(i, (h, p))| {
            let port = p
                .or_else(|| match env_ports[..] {
                    [one] => Some(one),
                    _ => env_ports.get(i).copied(),
                })
                .unwrap_or(5432);
            (if h.is_empty() { "localhost".into() } else { h }, port)
        })
        .collect();

    let mut password = parts.password;
    if password.is_none() {
        if let Some(pw) = env("PGPASSWORD").filter(|p| !p.is_empty()) {
            register_secret(pw.as_bytes());
            password = Some(pw.into_bytes());
        }
    }
    if password.is_none() {
        let file = text_env("PGPASSFILE")
            .map(std::path::PathBuf::from)
            .or_else(|| text_env("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")));
        if let Some(file) = file {
            let (host, port) = &hosts[0];
            if let Some(pw) = pgpass::lookup_file(&file, host, *port, &dbname, &user, warn) {
                register_secret(pw.as_bytes());
                password = Some(pw.into_bytes());
            }
        }
    }
    Ok(Settings {
        user,
        password,
        hosts,
        dbname,
        tls,
        connect_timeout,
        application_name: application_name
            .or_else(|| text_env("PGAPPNAME"))
            .unwrap_or_else(|| "bmdb".into()),
        extra,
    })
}

/// libpq's connect_timeout: whole seconds (bmdb also takes its duration forms).
fn timeout_seconds(text: &str) -> Option<Duration> {
    crate::model::parse_duration_flag(text.trim()).ok()
}

/// Parse the URL (or the PG* variables) into a client config and TLS settings; errors name
/// the URL's source and never quote its text. The password goes to the config as bytes: the
/// driver never sees a URL string holding it.
pub fn parse_url(
    resolved: &ResolvedUrl,
    opts: &ConnectOpts,
) -> Result<(postgres::Config, TlsSettings)> {
    let parts = match &resolved.url {
        Some(text) => url::parse(text)
            .map_err(|e| anyhow!("the URL from {} is malformed: {e}", resolved.source))?,
        None => url::UrlParts::default(),
    };
    let env = |v: &str| std::env::var(v).ok();
    let mut warn = |w: String| eprintln!("warning: {w}");
    let s = settings(parts, &resolved.source, opts, &env, &mut warn)?;
    let mut config = postgres::Config::new();
    config.user(&s.user);
    if let Some(pw) = &s.password {
        config.password(pw);
    }
    for (host, port) in &s.hosts {
        config.host(host);
        config.port(*port);
    }
    config.dbname(&s.dbname);
    config.application_name(&s.application_name);
    if let Some(t) = s.connect_timeout {
        config.connect_timeout(t);
    }
    for (key, value) in &s.extra {
        apply_param(&mut config, key, value)
            .with_context(|| format!("{key} from {} is not usable", resolved.source))?;
    }
    config.ssl_mode(match s.tls.mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    });
    Ok((config, s.tls))
}

/// One of [`PASSED_PARAMS`] onto the driver's config.
fn apply_param(config: &mut postgres::Config, key: &str, value: &str) -> Result<()> {
    use postgres::config::{ChannelBinding, LoadBalanceHosts, TargetSessionAttrs};
    match key {
        "options" => {
            config.options(value);
        }
        "keepalives" => {
            config.keepalives(match value {
                "1" => true,
                "0" => false,
                _ => bail!("not 0 or 1"),
            });
        }
        "keepalives_idle" => {
            config.keepalives_idle(
                timeout_seconds(value).ok_or_else(|| anyhow!("not a number of seconds"))?,
            );
        }
        "target_session_attrs" => {
            config.target_session_attrs(match value {
                "any" => TargetSessionAttrs::Any,
                "read-write" => TargetSessionAttrs::ReadWrite,
                "read-only" => TargetSessionAttrs::ReadOnly,
                _ => bail!("not any, read-write or read-only"),
            });
        }
        "channel_binding" => {
            config.channel_binding(match value {
                "disable" => ChannelBinding::Disable,
                "prefer" => ChannelBinding::Prefer,
                "require" => ChannelBinding::Require,
                _ => bail!("not disable, prefer or require"),
            });
        }
        "load_balance_hosts" => {
            config.load_balance_hosts(match value {
                "disable" => LoadBalanceHosts::Disable,
                "random" => LoadBalanceHosts::Random,
                _ => bail!("not disable or random"),
            });
        }
        _ => bail!("not a parameter bmdb passes on"),
    }
    Ok(())
}

fn connect_resolved(resolved: &ResolvedUrl, opts: &ConnectOpts) -> Result<Connection> {
    let (config, settings) = parse_url(resolved, opts)?;
    let connector = tls::Connector::new(&settings).with_context(|| {
        format!(
            "TLS settings of the URL from {} are unusable",
            resolved.source
        )
    })?;
    let mut attempt = 0u32;
    let mut client = loop {
        match config.connect(connector.make()) {
            Ok(client) => break client,
            Err(e) if attempt < opts.connect_retries && is_refused(&e) => {
                attempt += 1;
                let wait = Duration::from_millis(250 * 2u64.pow(attempt));
                // Said, not silent: the retries of a server that is down take seconds.
                anstream::eprintln!(
                    "{}: {} not answering, retrying ({attempt}/{}) in {}...",
                    crate::output::warning("warning"),
                    resolved.redacted(),
                    opts.connect_retries,
                    crate::output::format_millis(wait.as_millis())
                );
                std::thread::sleep(wait);
            }
            Err(e) => {
                let hint = tls::hint_for(&e, &settings);
                let mut err =
                    anyhow!(e).context(format!("could not connect to {}", resolved.redacted()));
                if attempt > 0 {
                    err = err.context(format!("gave up after {} attempts", attempt + 1));
                }
                if let Some(hint) = hint {
                    err = err.context(hint);
                }
                return Err(err);
            }
        }
    };
    let version_row = client
        .query_one("SELECT version()", &[])
        .with_context(|| format!("could not read version() from {}", resolved.redacted()))?;
    let server_version: String = cell(&version_row, 0, "version()", None)?;
    let dialect = dialect_of(&server_version).ok_or_else(|| {
        anyhow!(
            "{} runs neither PostgreSQL nor CockroachDB: version() says {server_version:?}",
            resolved.redacted()
        )
    })?;
    Ok(Connection {
        client,
        dialect,
        server_version,
        url: resolved.clone(),
        config,
        tls: connector,
    })
}

/// The dialect a `version()` string belongs to.
pub fn dialect_of(version: &str) -> Option<Dialect> {
    if version.starts_with("CockroachDB") {
        Some(Dialect::Cockroach)
    } else if version.starts_with("PostgreSQL") {
        Some(Dialect::Postgres)
    } else {
        None
    }
}

fn is_refused(e: &postgres::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = err.source();
    }
    false
}

pub(crate) const MASK: &str = "********";

/// Where the user:password part of a URL-ish string starts: after `scheme://` (or a
/// mistyped `scheme:/`, `scheme:`), else at the start (a URL written without a scheme).
fn userinfo_start(url: &str) -> usize {
    let scheme_len = url
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        .count();
    let scheme = &url[..scheme_len];
    let postgres =
        scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql");
    let is_scheme = scheme_len > 0
        && url.as_bytes()[0].is_ascii_alphabetic()
        && (url[scheme_len..].starts_with("://")
            || (postgres && url[scheme_len..].starts_with(':')));
    if !is_scheme {
        return 0;
    }
    let after = scheme_len + 1;
    after + url[after..].bytes().take_while(|b| *b == b'/').count()
}

/// The byte range of the userinfo password: from the first `:` after the userinfo start to
/// the LAST `@` of the string. A password may hold unencoded `/`, `?`, `@` or `:`; masking
/// too much (an `@` in a query value) is harmless, masking too little is not.
fn userinfo_password_range(url: &str) -> Option<std::ops::Range<usize>> {
    let start = userinfo_start(url);
    let at = url.rfind('@').filter(|at| *at > start)?;
    let colon = url[start..at].find(':')? + start;
    Some(colon + 1..at)
}

/// `password=value` / `password = value` spans (query string or key=value form): the value's
/// byte ranges.
fn password_value_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("password") {
        let key = from + i;
        from = key + "password".len();
        let boundary = key == 0 || matches!(text.as_bytes()[key - 1], b'?' | b'&' | b' ' | b';');
        let rest = &text[from..];
        let eq = rest.len() - rest.trim_start_matches(' ').len();
        if !boundary || !rest[eq..].starts_with('=') {
            continue;
        }
        let value_start = from + eq + 1;
        let value_start = value_start
            + (text[value_start..].len() - text[value_start..].trim_start_matches(' ').len());
        let end = text[value_start..]
            .find(['&', ' ', ';'])
            .map_or(text.len(), |e| value_start + e);
        if end > value_start {
            out.push(value_start..end);
        }
        from = end.max(from);
    }
    out
}

/// THE redaction function: a connection URL (or key=value string) with every password masked,
/// whatever its shape (a password with unencoded `/?@`, a missing or mistyped scheme).
pub fn redact_url(url: &str) -> String {
    let mut ranges = password_value_ranges(url);
    ranges.extend(userinfo_password_range(url));
    ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
    let mut out = url.to_string();
    let mut last_start = usize::MAX;
    for r in ranges {
        // overlapping ranges: the later one was already masked
        if r.end > last_start {
            continue;
        }
        out.replace_range(r.clone(), MASK);
        last_start = r.start;
    }
    out
}

/// Free text (an error, clap's echo of the arguments) with every URL-shaped span redacted,
/// and every password bmdb has seen in this process masked: the last line of defence for a
/// password typed where it does not belong, or echoed by a server or driver.
pub fn redact_text(text: &str) -> String {
    let lines: Vec<String> = text.split('\n').map(redact_line).collect();
    // `password = x` spans several words
    scrub_registered(&redact_password_values(&lines.join("\n")))
}

/// One line: each `scheme://user:...@` span masked up to the line's last `@` (a password may
/// hold spaces), then each remaining `user:password@host` word.
fn redact_line(line: &str) -> String {
    let mut out = line.to_string();
    let mut from = 0;
    while let Some(i) = out[from..].find("://").map(|i| from + i) {
        let user_start = i + 3;
        let Some(at) = out.rfind('@').filter(|at| *at > user_start) else {
            break;
        };
        match out[user_start..at].find(':') {
            Some(colon) if out[user_start + colon + 1..at] != *MASK => {
                out.replace_range(user_start + colon + 1..at, MASK);
                from = user_start + colon + 1 + MASK.len() + 1;
            }
            _ => from = at + 1,
        }
        if from >= out.len() {
            break;
        }
    }
    let words: Vec<String> = out
        .split(' ')
        .map(|word| {
            if word.contains('@') && word.contains(':') {
                redact_url(word)
            } else {
                word.to_string()
            }
        })
        .collect();
    words.join(" ")
}

fn redact_password_values(text: &str) -> String {
    let mut out = text.to_string();
    for r in password_value_ranges(text).into_iter().rev() {
        out.replace_range(r, MASK);
    }
    out
}

/// The password carried by a URL (userinfo or `password=`), decoded (lossily when it is not
/// UTF-8, or as written when its escapes are malformed).
pub fn url_password(url: &str) -> Option<String> {
    let raw = userinfo_password_range(url)
        .filter(|r| !r.is_empty())
        .or_else(|| password_value_ranges(url).into_iter().next())
        .map(|r| &url[r])?;
    Some(match url::percent_decode(raw) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(url::BadEscape) => raw.to_string(),
    })
}

/// Every password this process has seen (URLs, PGPASSWORD, the password file), in each form
/// it could be printed in: masked in every error and in any text passed to `redact_text`.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Remember a password (raw bytes) so no later output can show it.
pub fn register_secret(bytes: &[u8]) {
    let mut forms = vec![String::from_utf8_lossy(bytes).into_owned()];
    if let Ok(text) = std::str::from_utf8(bytes) {
        forms.push(text.to_string());
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    for form in forms {
        if !form.is_empty() && !secrets.contains(&form) {
            secrets.push(form);
        }
    }
    // longest first, so a password that contains another is masked whole
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// A URL's passwords as written (percent-encoded or not) and decoded.
fn register_url_secrets(url: &str) {
    let ranges = userinfo_password_range(url)
        .into_iter()
        .chain(password_value_ranges(url));
    for r in ranges.filter(|r| !r.is_empty()) {
        let raw = &url[r];
        register_secret(raw.as_bytes());
        if let Ok(bytes) = url::percent_decode(raw) {
            register_secret(&bytes);
        }
    }
}

fn scrub_registered(text: &str) -> String {
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_string();
    for s in secrets.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    out
}

/// Rebuild an error with every trace of `secret` (and of every registered password) masked:
/// a server or driver message might echo what it was given.
pub fn scrub_error(err: anyhow::Error, secret: Option<&str>) -> anyhow::Error {
    let text = format!("{err:#}");
    let scrubbed = scrub_text(&text, secret);
    if scrubbed == text {
        return err;
    }
    anyhow!(scrubbed)
}

/// Mask `secret` and every registered password in any text about to be printed.
pub fn scrub_text(text: &str, secret: Option<&str>) -> String {
    let text = match secret.filter(|s| !s.is_empty()) {
        Some(s) => text.replace(s, MASK),
        None => text.to_string(),
    };
    scrub_registered(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_password() {
        assert_eq!(
            redact_url("postgres://bob:s3cr%40t@db:5432/app?sslmode=require"),
            "postgres://bob:********@db:5432/app?sslmode=require"
        );
        assert_eq!(redact_url("postgres://bob@db/app"), "postgres://bob@db/app");
        assert_eq!(redact_url("postgres://db/app"), "postgres://db/app");
    }

    #[test]
    fn redacts_password_with_at_sign_and_query_password() {
        assert_eq!(
            redact_url("postgres://bob:p@ss@db/app"),
            "postgres://bob:********@db/app"
        );
        assert_eq!(
            redact_url("postgres://db/app?user=bob&password=hunter2&sslmode=disable"),
            "postgres://db/app?user=bob&password=********&sslmode=disable"
        );
        assert_eq!(
            redact_url("host=db password=hunter2 user=x"),
            "host=db password=******** user=x"
        );
        assert_eq!(
            redact_url("postgres://db/app?xpassword=keep"),
            "postgres://db/app?xpassword=keep"
        );
    }

    #[test]
    fn redacts_every_url_shape_a_password_can_hide_in() {
        // (input, the password that must not survive)
        for (url, pw) in [
            ("postgres://bmdb:Hunter2/pw@127.0.0.1:5432/db", "Hunter2/pw"),
            ("postgres://bmdb:Hun?ter2pw@127.0.0.1/db", "Hun?ter2pw"),
            (
                "postgres://bmdb:a:b@c@127.0.0.1/db?sslmode=disable",
                "a:b@c",
            ),
            ("postgres:/bmdb:Hunter2pw@127.0.0.1/db", "Hunter2pw"),
            ("postgresql:bmdb:Hunter2pw@127.0.0.1/db", "Hunter2pw"),
            ("bmdb:Hunter2pw@127.0.0.1/db", "Hunter2pw"),
            ("mysql://bmdb:Hunter2pw@127.0.0.1/db", "Hunter2pw"),
            ("host=db password = Hunter2pw user=x", "Hunter2pw"),
            ("host=db PASSWORD=Hunter2pw", "Hunter2pw"),
        ] {
            let red = redact_url(url);
            assert!(!red.contains(pw), "{url} -> {red}");
            assert!(red.contains(MASK), "{url} -> {red}");
            assert_eq!(url_password(url).as_deref(), Some(pw), "{url}");
        }
        // Nothing to hide: left as it is.
        for url in [
            "postgres://bob@db/app",
            "postgres://db:26257/app?sslmode=verify-full",
        ] {
            assert_eq!(redact_url(url), url);
            assert_eq!(url_password(url), None);
        }
    }

    #[test]
    fn extracts_password() {
        assert_eq!(
            url_password("postgres://bob:s3cr%40t@db/app").as_deref(),
            Some("s3cr@t")
        );
        assert_eq!(
            url_password("postgres://db/app?password=x1").as_deref(),
            Some("x1")
        );
        assert_eq!(url_password("postgres://bob@db/app"), None);
    }

    /// `settings` over a URL and a fake environment.
    fn merged(url: &str, vars: &[(&str, &str)]) -> Result<Settings> {
        let env = |v: &str| {
            vars.iter()
                .find(|(k, _)| *k == v)
                .map(|(_, x)| x.to_string())
        };
        let parts = if url.is_empty() {
            url::UrlParts::default()
        } else {
            url::parse(url).map_err(|e| anyhow!("{e}"))?
        };
        settings(parts, "--url", &ConnectOpts::default(), &env, &mut |_| {})
    }

    #[test]
    fn takes_tls_params_out_of_the_url() {
        let s = merged(
            "postgres://u@h/d?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.crt&application_name=x",
            &[],
        )
        .unwrap();
        assert_eq!(s.tls.mode, SslMode::VerifyFull);
        assert_eq!(s.tls.root_cert.as_deref(), Some("/tmp/ca.crt"));
        assert_eq!(s.application_name, "x");
        assert!(merged("postgres://u@h/d?sslmode=bogus", &[]).is_err());
        let e = match merged("postgres://u@h/d?Hunter2=1", &[]) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("an unknown parameter was accepted"),
        };
        assert!(
            !e.contains("Hunter2") && e.contains("(name not shown)"),
            "{e}"
        );
    }

    #[test]
    fn the_url_wins_over_pg_variables_which_fill_the_rest() {
        let vars = [
            ("PGHOST", "envhost"),
            ("PGPORT", "6543"),
            ("PGUSER", "envuser"),
            ("PGPASSWORD", "envpw"),
            ("PGDATABASE", "envdb"),
            ("PGSSLMODE", "require"),
            ("PGSSLROOTCERT", "/env/ca.crt"),
            ("PGCONNECT_TIMEOUT", "7"),
            ("PGAPPNAME", "envapp"),
        ];
        let s = merged(
            "postgres://u:p@h:1/d?sslmode=disable&connect_timeout=3",
            &vars,
        )
        .unwrap();
        assert_eq!((s.user.as_str(), s.dbname.as_str()), ("u", "d"));
        assert_eq!(s.password.as_deref(), Some(&b"p"[..]));
        assert_eq!(s.hosts, vec![("h".to_string(), 1)]);
        assert_eq!(s.tls.mode, SslMode::Disable);
        assert_eq!(s.tls.root_cert.as_deref(), Some("/env/ca.crt"));
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(3)));
        assert_eq!(s.application_name, "envapp");
        let s = merged("postgres:///", &vars).unwrap();
        assert_eq!((s.user.as_str(), s.dbname.as_str()), ("envuser", "envdb"));
        assert_eq!(s.password.as_deref(), Some(&b"envpw"[..]));
        assert_eq!(s.hosts, vec![("envhost".to_string(), 6543)]);
        assert_eq!(s.tls.mode, SslMode::Require);
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(7)));
        // no URL at all: the variables alone; defaults where they say nothing
        let s = merged("", &[("PGDATABASE", "x"), ("PGUSER", "me")]).unwrap();
        assert_eq!(s.hosts, vec![("localhost".to_string(), 5432)]);
        assert_eq!((s.user.as_str(), s.dbname.as_str()), ("me", "x"));
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(10)));
        assert!(merged("", &[("PGPORT", "nope")]).is_err());
    }

    #[test]
    fn reads_dialect_from_version() {
        assert_eq!(
            dialect_of("CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu, built 2024/05/15)"),
            Some(Dialect::Cockroach)
        );
        assert_eq!(
            dialect_of("PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64"),
            Some(Dialect::Postgres)
        );
        assert_eq!(dialect_of("MySQL 8"), None);
    }

    #[test]
    fn no_url_names_all_three_sources() {
        let err = ConnectOpts::default()
            .resolve_with(|_| None)
            .unwrap_err()
            .to_string();
        for name in ["--url", "BMDB_DATABASE_URL", "DATABASE_URL"] {
            assert!(err.contains(name), "{err}");
        }
        // and the order: flag, then BMDB_DATABASE_URL, then DATABASE_URL
        let env = |v: &str| Some(format!("postgres://{v}@h/d"));
        let r = ConnectOpts::default().resolve_with(env).unwrap();
        assert_eq!(r.source, "BMDB_DATABASE_URL");
        let only_db = |v: &str| (v == "DATABASE_URL").then(|| "postgres://x@h/d".to_string());
        assert_eq!(
            ConnectOpts::default().resolve_with(only_db).unwrap().source,
            "DATABASE_URL"
        );
        let flag = ConnectOpts {
            url: Some("postgres://f@h/d".into()),
            ..ConnectOpts::default()
        };
        assert_eq!(flag.resolve_with(env).unwrap().source, "--url");
    }

    /// An environment's url_env comes right after --url; another environment's variable is
    /// never read, even BMDB_DATABASE_URL, so an unset variable cannot reach the wrong database.
    #[test]
    fn an_environment_reads_its_url_env_and_never_another_ones() {
        let staging = ConnectOpts {
            environment: Some(EnvironmentUrl {
                name: "staging".into(),
                var: Some("STAGING_DATABASE_URL".into()),
                others: vec!["BMDB_DATABASE_URL".into(), "PROTOTYPE_DATABASE_URL".into()],
            }),
            ..ConnectOpts::default()
        };
        let all = |v: &str| Some(format!("postgres://{v}@h/d"));
        assert_eq!(
            staging.resolve_with(all).unwrap().source,
            "STAGING_DATABASE_URL"
        );
        let flag = ConnectOpts {
            url: Some("postgres://f@h/d".into()),
            ..staging.clone()
        };
        assert_eq!(flag.resolve_with(all).unwrap().source, "--url");
        let no_staging =
            |v: &str| (v != "STAGING_DATABASE_URL").then(|| format!("postgres://{v}@h/d"));
        assert_eq!(
            staging.resolve_with(no_staging).unwrap().source,
            "DATABASE_URL"
        );
        let only_production =
            |v: &str| (v == "BMDB_DATABASE_URL").then(|| "postgres://p@h/d".to_string());
        let err = staging
            .resolve_with(only_production)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("environment staging")
                && err.contains("STAGING_DATABASE_URL (its url_env)")
                && err.contains("BMDB_DATABASE_URL is another environment's url_env"),
            "{err}"
        );
        // an environment whose url_env is BMDB_DATABASE_URL names that variable once
        let production = ConnectOpts {
            environment: Some(EnvironmentUrl {
                name: "production".into(),
                var: Some("BMDB_DATABASE_URL".into()),
                others: vec!["STAGING_DATABASE_URL".into()],
            }),
            ..ConnectOpts::default()
        };
        let err = production.resolve_with(|_| None).unwrap_err().to_string();
        assert_eq!(err.matches("BMDB_DATABASE_URL").count(), 1, "{err}");
        assert!(
            err.contains("BMDB_DATABASE_URL (its url_env) or DATABASE_URL"),
            "{err}"
        );
    }

    #[test]
    fn scrubs_errors() {
        let e = anyhow!("server said: password hunter2 is wrong").context("connecting");
        let s = format!("{:#}", scrub_error(e, Some("hunter2")));
        assert!(!s.contains("hunter2") && s.contains("connecting"), "{s}");
    }
}
