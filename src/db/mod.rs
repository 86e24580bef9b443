//! db: the connection to a live server. Resolves the URL (flag, then BMDB_DATABASE_URL,
//! then DATABASE_URL), applies libpq's sslmode rules over rustls, retries refused
//! connections, reads the server's dialect from `version()`, and owns the one function
//! that redacts passwords from URLs and from any text that might echo them.

mod tls;

use crate::model::Dialect;
use anyhow::{anyhow, bail, Context, Result};
use std::str::FromStr;
use std::time::Duration;

/// The environment variables read, in order, when `--url` is not given.
pub const URL_ENV_VARS: [&str; 2] = ["BMDB_DATABASE_URL", "DATABASE_URL"];

/// How to reach the database; flattened into every command that needs a connection.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConnectOpts {
    /// Database URL (postgres://user:pass@host:port/db?sslmode=verify-full&sslrootcert=ca.crt).
    /// Defaults to BMDB_DATABASE_URL, then DATABASE_URL.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Seconds to wait for each connection attempt (used when the URL has no connect_timeout).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// Extra attempts when the server refuses the connection (it may still be starting).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub connect_retries: u32,
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

/// A URL with its origin, so every error can say which flag or variable was wrong.
#[derive(Debug, Clone)]
pub struct ResolvedUrl {
    url: String,
    /// `--url`, `BMDB_DATABASE_URL` or `DATABASE_URL`.
    pub source: &'static str,
}

impl ResolvedUrl {
    /// The URL with its password replaced; the only form that may be shown.
    pub fn redacted(&self) -> String {
        redact_url(&self.url)
    }
    /// The password in the URL, if any, so errors can be scrubbed of it.
    pub fn password(&self) -> Option<String> {
        url_password(&self.url)
    }
}

impl ConnectOpts {
    /// `--url`, else BMDB_DATABASE_URL, else DATABASE_URL.
    pub fn resolve(&self) -> Result<ResolvedUrl> {
        if let Some(url) = self.url.as_deref().filter(|u| !u.trim().is_empty()) {
            return Ok(ResolvedUrl {
                url: url.trim().to_string(),
                source: "--url",
            });
        }
        for var in URL_ENV_VARS {
            if let Ok(url) = std::env::var(var) {
                if !url.trim().is_empty() {
                    return Ok(ResolvedUrl {
                        url: url.trim().to_string(),
                        source: var,
                    });
                }
            }
        }
        bail!(
            "no database URL: pass --url, or set BMDB_DATABASE_URL or DATABASE_URL \
             (e.g. postgres://user@localhost:26257/mydb?sslmode=verify-full&sslrootcert=certs/ca.crt)"
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

impl Connection {
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

/// Split libpq TLS parameters out of a URL's query; the rest goes to tokio-postgres.
fn split_tls_params(url: &str) -> Result<(String, TlsSettings)> {
    let mut settings = TlsSettings {
        mode: SslMode::Prefer,
        root_cert: None,
        client_cert: None,
        client_key: None,
    };
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), settings));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = percent_decode(value);
        match key {
            "sslmode" => {
                settings.mode = SslMode::parse(&decoded).ok_or_else(|| {
                    anyhow!(
                        "sslmode={decoded} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                    )
                })?
            }
            "sslrootcert" => settings.root_cert = Some(decoded),
            "sslcert" => settings.client_cert = Some(decoded),
            "sslkey" => settings.client_key = Some(decoded),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, settings))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parse the URL into a client config and TLS settings; errors name the URL's source.
pub fn parse_url(
    resolved: &ResolvedUrl,
    opts: &ConnectOpts,
) -> Result<(postgres::Config, TlsSettings)> {
    let where_from = format!("the URL from {} ({})", resolved.source, resolved.redacted());
    if !(resolved.url.starts_with("postgres://") || resolved.url.starts_with("postgresql://")) {
        bail!("{where_from} is not a postgres:// or postgresql:// URL");
    }
    let (rest, tls) =
        split_tls_params(&resolved.url).with_context(|| format!("{where_from} is malformed"))?;
    let mut config = postgres::Config::from_str(&rest)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("{where_from} is malformed"))?;
    if config.get_connect_timeout().is_none() && opts.connect_timeout > 0 {
        config.connect_timeout(Duration::from_secs(opts.connect_timeout));
    }
    if config.get_application_name().is_none() {
        config.application_name("bmdb");
    }
    config.ssl_mode(match tls.mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    });
    Ok((config, tls))
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
                std::thread::sleep(Duration::from_millis(250 * 2u64.pow(attempt)));
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
    let server_version: String = client
        .query_one("SELECT version()", &[])
        .with_context(|| format!("could not read version() from {}", resolved.redacted()))?
        .get(0);
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

const MASK: &str = "********";

/// THE redaction function: a connection URL (or key=value string) with every password masked.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let auth_start = scheme_end + 3;
        let auth_end = out[auth_start..]
            .find(['/', '?'])
            .map(|i| auth_start + i)
            .unwrap_or(out.len());
        if let Some(at) = out[auth_start..auth_end].rfind('@') {
            let userinfo = &out[auth_start..auth_start + at];
            if let Some(colon) = userinfo.find(':') {
                let from = auth_start + colon + 1;
                out.replace_range(from..auth_start + at, MASK);
            }
        }
    }
    // `password=` in a query string or a key=value connection string
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("password=") {
        let boundary_ok = i == 0 || matches!(rest.as_bytes()[i - 1], b'?' | b'&' | b' ');
        result.push_str(&rest[..i + "password=".len()]);
        rest = &rest[i + "password=".len()..];
        if boundary_ok {
            let end = rest.find(['&', ' ']).unwrap_or(rest.len());
            result.push_str(MASK);
            rest = &rest[end..];
        }
    }
    result.push_str(rest);
    result
}

/// The password carried by a URL (userinfo or `password=`), decoded.
pub fn url_password(url: &str) -> Option<String> {
    if let Some(scheme_end) = url.find("://") {
        let auth_start = scheme_end + 3;
        let auth_end = url[auth_start..]
            .find(['/', '?'])
            .map(|i| auth_start + i)
            .unwrap_or(url.len());
        if let Some(at) = url[auth_start..auth_end].rfind('@') {
            if let Some((_, pw)) = url[auth_start..auth_start + at].split_once(':') {
                if !pw.is_empty() {
                    return Some(percent_decode(pw));
                }
            }
        }
    }
    url.split(['?', '&', ' '])
        .find_map(|p| p.strip_prefix("password="))
        .filter(|p| !p.is_empty())
        .map(percent_decode)
}

/// Rebuild an error with every trace of `secret` masked (belt and braces over redact_url:
/// a server or driver message might echo what it was given).
pub fn scrub_error(err: anyhow::Error, secret: Option<&str>) -> anyhow::Error {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return err;
    };
    let text = format!("{err:#}");
    if !text.contains(secret) {
        return err;
    }
    anyhow!(text.replace(secret, MASK))
}

/// Mask `secret` in any text about to be printed.
pub fn scrub_text(text: &str, secret: Option<&str>) -> String {
    match secret.filter(|s| !s.is_empty()) {
        Some(s) => text.replace(s, MASK),
        None => text.to_string(),
    }
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

    #[test]
    fn splits_tls_params() {
        let (rest, tls) = split_tls_params(
            "postgres://u@h/d?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.crt&application_name=x",
        )
        .unwrap();
        assert_eq!(rest, "postgres://u@h/d?application_name=x");
        assert_eq!(tls.mode, SslMode::VerifyFull);
        assert_eq!(tls.root_cert.as_deref(), Some("/tmp/ca.crt"));
        assert!(split_tls_params("postgres://u@h/d?sslmode=bogus").is_err());
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
        // only meaningful when the environment has neither variable set
        if URL_ENV_VARS.iter().any(|v| std::env::var(v).is_ok()) {
            return;
        }
        let err = ConnectOpts::default().resolve().unwrap_err().to_string();
        for name in ["--url", "BMDB_DATABASE_URL", "DATABASE_URL"] {
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn scrubs_errors() {
        let e = anyhow!("server said: password hunter2 is wrong").context("connecting");
        let s = format!("{:#}", scrub_error(e, Some("hunter2")));
        assert!(!s.contains("hunter2") && s.contains("connecting"), "{s}");
    }
}
