//! The one reader of connection URLs (`postgres[ql]://user:password@host:port,.../db?k=v`).
//! Byte-wise: percent escapes decode to bytes and never panic, whatever the input; a value
//! that must be text (user, host, database, parameters) and is not valid UTF-8 is an error
//! naming the part, never its value. Every error here is safe to print: none quotes the URL.

use std::fmt;

/// What a URL says; every part optional (libpq's PG* variables and defaults fill the rest).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UrlParts {
    pub user: Option<String>,
    /// Bytes: a password need not be UTF-8 (the server compares bytes).
    pub password: Option<Vec<u8>>,
    /// `host` with its own port, if the URL gave one.
    pub hosts: Vec<(String, Option<u16>)>,
    pub dbname: Option<String>,
    /// Query parameters other than user, password, host, port and dbname, decoded, in order.
    pub params: Vec<(String, String)>,
}

impl fmt::Debug for UrlParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlParts")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| super::MASK))
            .field("hosts", &self.hosts)
            .field("dbname", &self.dbname)
            .field("params", &self.params)
            .finish()
    }
}

impl UrlParts {
    /// The value of query parameter `key` (the last one wins, as in libpq).
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a URL does not parse; the message names the part and what to do, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError(pub String);

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UrlError {}

const ENCODE_HELP: &str = "percent-encode these characters in it: % as %25, @ as %40, / as %2F, ? as %3F, # as %23, : as %3A, space as %20";

fn err(text: impl Into<String>) -> UrlError {
    UrlError(text.into())
}

/// A `%` not followed by two hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadEscape;

/// `%XX` escapes to bytes. A `%` not followed by two hex digits is an error (as in libpq):
/// guessing would connect with a password other than the one meant.
pub fn percent_decode(s: &str) -> Result<Vec<u8>, BadEscape> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                }
                _ => return Err(BadEscape),
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Decode a part that must be text.
fn decode_text(raw: &str, part: &str) -> Result<String, UrlError> {
    let bytes = percent_decode(raw).map_err(|BadEscape| {
        err(format!(
            "the {part} in the URL has a `%` not followed by two hex digits; {ENCODE_HELP}"
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        err(format!(
            "the {part} in the URL is not valid UTF-8 once its %-escapes are decoded"
        ))
    })
}

fn decode_password(raw: &str) -> Result<Vec<u8>, UrlError> {
    percent_decode(raw).map_err(|BadEscape| {
        err(format!(
            "the password in the URL has a `%` not followed by two hex digits; {ENCODE_HELP}"
        ))
    })
}

/// The scheme, if the text starts with `postgres://` or `postgresql://`.
pub fn strip_scheme(url: &str) -> Option<&str> {
    url.strip_prefix("postgresql://")
        .or_else(|| url.strip_prefix("postgres://"))
}

/// Parse a connection URL. Lenient where libpq is ambiguous but no meaning is lost: the
/// user:password part runs to the LAST `@` before the path, so an unencoded `@`, space, `#`
/// or multibyte character in a password still works.
pub fn parse(url: &str) -> Result<UrlParts, UrlError> {
    let rest = strip_scheme(url).ok_or_else(|| {
        err("not a postgres:// or postgresql:// URL\n  help: write it as postgres://user@host:port/database?sslmode=verify-full (add :password after the user, or use a client certificate)")
    })?;
    // authority | /path | ?query
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(auth_end);
    let mut parts = UrlParts::default();
    let hostspec = match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                parts.user = Some(decode_text(user, "user name")?);
            }
            if let Some(p) = password {
                parts.password = Some(decode_password(p)?);
            }
            &authority[at + 1..]
        }
        None => authority,
    };
    // An `@` after a `/` or `?` with a `:` before it: most likely a password holding an
    // unencoded `/` or `?`, cut in two. Say so rather than "invalid port".
    let misplaced_userinfo = parts.user.is_none()
        && hostspec.contains(':')
        && tail.contains('@')
        && !tail[..tail.find('@').unwrap_or(0)].contains('=');
    if misplaced_userinfo {
        return Err(err(format!(
            "the URL's user:password part holds a `/` or `?`; {ENCODE_HELP}"
        )));
    }
    parts.hosts = parse_hosts(hostspec)?;
    let (path, query) = match tail.find('?') {
        Some(q) => (&tail[..q], Some(&tail[q + 1..])),
        None => (tail, None),
    };
    if let Some(db) = path.strip_prefix('/').filter(|d| !d.is_empty()) {
        parts.dbname = Some(decode_text(db, "database name")?);
    }
    if let Some(query) = query {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(err(
                    "a query parameter of the URL has no `=`: write them as key=value, joined by &",
                ));
            };
            let key = decode_text(key, "name of a query parameter")?;
            match key.as_str() {
                "password" => parts.password = Some(decode_password(value)?),
                "user" => parts.user = Some(decode_text(value, "user name")?),
                "dbname" => parts.dbname = Some(decode_text(value, "database name")?),
                "host" => {
                    let hosts = decode_text(value, "host parameter")?;
                    parts.hosts = hosts.split(',').map(|h| (h.to_string(), None)).collect();
                }
                "port" => {
                    let ports = decode_text(value, "port parameter")?;
                    let ports = ports
                        .split(',')
                        .map(parse_port)
                        .collect::<Result<Vec<_>, _>>()?;
                    apply_ports(&mut parts.hosts, &ports)?;
                }
                _ => {
                    let value = decode_text(
                        value,
                        &format!("value of query parameter `{}`", shown_key(&key)),
                    )?;
                    parts.params.push((key, value));
                }
            }
        }
    }
    Ok(parts)
}

/// A parameter name fit to print (a key could be a password typed in the wrong place).
pub fn shown_key(key: &str) -> &str {
    let plain = !key.is_empty()
        && key.len() <= 40
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit());
    if plain {
        key
    } else {
        "(name not shown)"
    }
}

fn parse_port(raw: &str) -> Result<u16, UrlError> {
    raw.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
        err(format!(
            "a port in the URL is not a number from 1 to 65535 (if the text after `:` is a password, the URL needs `@` before the host; {ENCODE_HELP})"
        ))
    })
}

fn apply_ports(hosts: &mut Vec<(String, Option<u16>)>, ports: &[u16]) -> Result<(), UrlError> {
    if hosts.is_empty() {
        hosts.extend(ports.iter().map(|p| (String::new(), Some(*p))));
        return Ok(());
    }
    match ports {
        [one] => hosts.iter_mut().for_each(|h| h.1 = Some(*one)),
        many if many.len() == hosts.len() => {
            for (h, p) in hosts.iter_mut().zip(many) {
                h.1 = Some(*p);
            }
        }
        _ => {
            return Err(err(
                "the URL gives a number of ports that is neither 1 nor the number of hosts",
            ))
        }
    }
    Ok(())
}

/// `host[:port],...`, a host may be `[ipv6]`.
fn parse_hosts(spec: &str) -> Result<Vec<(String, Option<u16>)>, UrlError> {
    if spec.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for item in spec.split(',') {
        let (host, port) = if let Some(v6) = item.strip_prefix('[') {
            let close = v6
                .find(']')
                .ok_or_else(|| err("an IPv6 host in the URL has no closing `]`"))?;
            let after = &v6[close + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(err("text follows the `]` of an IPv6 host in the URL")),
            };
            (&v6[..close], port)
        } else {
            match item.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (item, None),
            }
        };
        let host = decode_text(host, "host name")?;
        let port = match port {
            Some("") | None => None,
            Some(p) => Some(parse_port(p)?),
        };
        out.push((host, port));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_shapes() {
        let p = parse("postgres://bob:s3cr%40t@db:5432/app?sslmode=require&application_name=x")
            .unwrap();
        assert_eq!(p.user.as_deref(), Some("bob"));
        assert_eq!(p.password.as_deref(), Some(&b"s3cr@t"[..]));
        assert_eq!(p.hosts, vec![("db".to_string(), Some(5432))]);
        assert_eq!(p.dbname.as_deref(), Some("app"));
        assert_eq!(p.param("sslmode"), Some("require"));
        let p = parse("postgresql://[::1]:26257,h2/d?user=u&password=p%20w").unwrap();
        assert_eq!(
            p.hosts,
            vec![("::1".into(), Some(26257)), ("h2".into(), None)]
        );
        assert_eq!(p.password.as_deref(), Some(&b"p w"[..]));
        let p = parse("postgres:///d").unwrap();
        assert!(p.hosts.is_empty() && p.user.is_none());
        let p = parse("postgres://u:p@ss w#rd@h/d").unwrap();
        assert_eq!(p.password.as_deref(), Some("p@ss w#rd".as_bytes()));
    }

    #[test]
    fn bad_escapes_and_utf8_are_errors_without_the_value() {
        for (url, part) in [
            ("postgres://u:MyS3cret%1ñword@h/d", "password"),
            ("postgres://u@h/d?sslrootcert=%aé", "sslrootcert"),
            ("postgres://u%ff@h/d", "user name"),
            ("postgres://u@h/d%C3", "database name"),
            (
                "postgres://u@h/d?application_name=%ff%fe",
                "application_name",
            ),
        ] {
            let e = parse(url).unwrap_err().to_string();
            assert!(e.contains(part), "{url}: {e}");
            assert!(
                !e.contains("MyS3") && !e.contains("%a") && !e.contains("ff"),
                "{e}"
            );
        }
        // invalid UTF-8 in a password is fine: it is bytes
        let p = parse("postgres://u:%ff%00x@h/d").unwrap();
        assert_eq!(p.password.as_deref(), Some(&[0xff, 0, b'x'][..]));
    }

    #[test]
    fn a_password_cut_by_a_slash_is_explained() {
        let e = parse("postgres://bmdb:Hunter2/pw@127.0.0.1:5432/db").unwrap_err();
        assert!(e.0.contains("%2F") && !e.0.contains("Hunter2"), "{e}");
        let e = parse("postgres://bmdb:Hunter2pw@127.0.0.1:x/db").unwrap_err();
        assert!(e.0.contains("port") && !e.0.contains("Hunter2"), "{e}");
    }

    #[test]
    fn never_panics_on_any_short_input() {
        let alphabet = [
            "%", "@", ":", "/", "?", "#", "[", "]", "=", "&", ",", "ñ", "a", "1", " ",
        ];
        let mut inputs = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for s in &inputs {
                for a in alphabet {
                    next.push(format!("{s}{a}"));
                }
            }
            inputs = next;
        }
        for s in inputs {
            let _ = parse(&format!("postgres://{s}"));
            let _ = parse(&format!("postgres://u:{s}@h/{s}?{s}"));
        }
    }
}
