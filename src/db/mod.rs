//! db: the connection to a live server. Resolves the URL (flag, then BMDB_DATABASE_URL,
//! then DATABASE_URL), applies libpq's sslmode rules over rustls, retries refused
//! connections, reads the server's dialect from `version()`, and owns the one function
//! that redacts passwords from URLs and from any text that might echo them.

mod row;
mod tls;

pub use row::{cell, Cells};

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
        self.resolve_with(|var| std::env::var(var).ok())
    }

    /// `resolve` over any environment (tests pass their own).
    pub fn resolve_with(&self, env: impl Fn(&str) -> Option<String>) -> Result<ResolvedUrl> {
        if let Some(url) = self.url.as_deref().filter(|u| !u.trim().is_empty()) {
            return Ok(ResolvedUrl {
                url: url.trim().to_string(),
                source: "--url",
            });
        }
        for var in URL_ENV_VARS {
            if let Some(url) = env(var) {
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
    if !(resolved.url.starts_with("postgres://") || resolved.url.starts_with("postgresql://")) {
        // Not echoed at all: a URL that does not parse may not show where its password is.
        bail!(
            "the URL from {} is not a postgres:// or postgresql:// URL\n  help: write it as postgres://user@host:port/database?sslmode=verify-full (add :password after the user, or use a client certificate)",
            resolved.source
        );
    }
    let where_from = format!("the URL from {} ({})", resolved.source, resolved.redacted());
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

const MASK: &str = "********";

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

/// Free text (an error, clap's echo of the arguments) with every URL-shaped word redacted:
/// the last line of defence for a password typed where it does not belong.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let looks_like_url = word.contains('@') && word.contains(':');
        if looks_like_url {
            out.push_str(&redact_url(word));
        } else {
            out.push_str(word);
        }
    }
    // `password = x` spans several words
    redact_password_values(&out)
}

fn redact_password_values(text: &str) -> String {
    let mut out = text.to_string();
    for r in password_value_ranges(text).into_iter().rev() {
        out.replace_range(r, MASK);
    }
    out
}

/// The password carried by a URL (userinfo or `password=`), decoded.
pub fn url_password(url: &str) -> Option<String> {
    if let Some(r) = userinfo_password_range(url).filter(|r| !r.is_empty()) {
        return Some(percent_decode(&url[r]));
    }
    password_value_ranges(url)
        .into_iter()
        .next()
        .map(|r| percent_decode(&url[r]))
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

    #[test]
    fn scrubs_errors() {
        let e = anyhow!("server said: password hunter2 is wrong").context("connecting");
        let s = format!("{:#}", scrub_error(e, Some("hunter2")));
        assert!(!s.contains("hunter2") && s.contains("connecting"), "{s}");
    }
}
