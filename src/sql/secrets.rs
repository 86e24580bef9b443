//! secrets: SQL text made safe to show. Hand-written migrations may carry credentials
//! (`CREATE ROLE app WITH PASSWORD '...'`, `BACKUP INTO 's3://bucket?AWS_SECRET_ACCESS_KEY=...'`);
//! everything bmdb prints of a statement (progress lines, `--dry-run`, statement errors)
//! passes through [`redact_secrets`] first.
//!
//! Masked: the string literal after the word `PASSWORD` (optionally after `=`), whole; and
//! inside any string literal or comment, the password of a URI's `user:password@`, and the
//! value of every `key=value` whose key names a credential (see [`is_secret_key`]).

use super::tokens::{tokenize, Kind};
use std::ops::Range;

/// What replaces a secret inside a literal or comment.
pub const MASK: &str = "***";

/// What replaces the literal after `PASSWORD`.
const PASSWORD_MASK: &str = "'***'";

/// `sql` with every secret it carries masked (see the module doc); everything else as is.
pub fn redact_secrets(sql: &str) -> String {
    let found = secret_spans(sql);
    if found.is_empty() {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len());
    let mut from = 0;
    for (r, mask) in found {
        out.push_str(&sql[from..r.start]);
        out.push_str(mask);
        from = r.end;
    }
    out.push_str(&sql[from..]);
    out
}

/// The secrets `sql` carries, as a server might echo them back in an error message: a
/// password as written and as its value (`'it''s'` and `it's`), a URI's password, a
/// credential parameter's value.
pub fn secrets_in(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (r, mask) in secret_spans(sql) {
        let text = &sql[r];
        if mask == PASSWORD_MASK {
            if let Some(v) = tokenize(text).next().and_then(|t| t.value()) {
                out.push(v.into_owned());
            }
        }
        out.push(text.to_string());
    }
    out.retain(|s| !s.is_empty());
    // longest first, so a secret containing another is masked whole
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// `message` (a server's error about statement `sql`) with every secret of `sql` masked.
pub fn scrub_message(message: &str, sql: &str) -> String {
    let mut out = message.to_string();
    for secret in secrets_in(sql) {
        out = out.replace(&secret, MASK);
    }
    out
}

/// Whether a `key=value` key names a credential: a password, secret, token, account key,
/// private key or credentials (`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
/// `AZURE_ACCOUNT_KEY`, `AZURE_CLIENT_SECRET`, `CREDENTIALS`, `sslpassword`, `sslkey` ...).
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "CREDENTIAL",
        "ACCOUNT_KEY",
        "PRIVATE_KEY",
        "API_KEY",
        "SSLKEY",
    ]
    .iter()
    .any(|w| k.contains(w))
        || k == "PWD"
}

/// Byte ranges of `sql` to mask, in order and disjoint, each with its replacement.
fn secret_spans(sql: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut out: Vec<(Range<usize>, &'static str)> = Vec::new();
    let mut after_password = false;
    // the first two words of the current statement: in `CREATE|ALTER ROLE|USER` whatever
    // follows PASSWORD is the password, quoted or not (`PASSWORD hunter2` is a syntax
    // error the server echoes); elsewhere only a string literal is (`SELECT password FROM`)
    let mut leading: Vec<&str> = Vec::new();
    for t in tokenize(sql) {
        if t.is_trivia() {
            continue;
        }
        if t.is_punct(";") {
            leading.clear();
            after_password = false;
            continue;
        }
        let role_statement = leading.len() == 2
            && ["CREATE", "ALTER"]
                .iter()
                .any(|w| leading[0].eq_ignore_ascii_case(w))
            && ["ROLE", "USER"]
                .iter()
                .any(|w| leading[1].eq_ignore_ascii_case(w));
        if leading.len() < 2 {
            leading.push(if t.kind == Kind::Word { t.text } else { "" });
        }
        match t.kind {
            _ if after_password && t.is_string() => {
                out.push((t.start..t.end(), PASSWORD_MASK));
            }
            Kind::Word | Kind::Number | Kind::QuotedIdent | Kind::Punct
                if after_password && role_statement && !t.is_word("null") && !t.is_punct("=") =>
            {
                out.push((t.start..t.end(), PASSWORD_MASK));
            }
            Kind::String | Kind::EscapeString | Kind::DollarString => {
                for r in text_secret_ranges(t.text) {
                    out.push((t.start + r.start..t.start + r.end, MASK));
                }
            }
            _ => {}
        }
        // `PASSWORD 'x'`, `PASSWORD = 'x'`; comments between are skipped
        after_password = t.is_word("password") || (after_password && t.is_punct("="));
    }
    // comments, skipped above, may quote a URI
    for t in tokenize(sql).filter(|t| matches!(t.kind, Kind::LineComment | Kind::BlockComment)) {
        for r in text_secret_ranges(t.text) {
            out.push((t.start + r.start..t.start + r.end, MASK));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    let mut disjoint: Vec<(Range<usize>, &'static str)> = Vec::with_capacity(out.len());
    for (r, m) in out {
        match disjoint.last_mut() {
            Some((last, _)) if r.start < last.end => last.end = last.end.max(r.end),
            _ => disjoint.push((r, m)),
        }
    }
    disjoint
}

/// Inside one literal or comment: URI passwords and credential `key=value` values.
fn text_secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // scheme://user:password@host: up to the last `@` before the URI ends (a password
    // may hold an unencoded `@` or `/`; masking too much is harmless, too little is not)
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == '\'' || c == '"')
            .map_or(text.len(), |e| start + e);
        if let Some(at) = text[start..end].rfind('@') {
            if let Some(colon) = text[start..start + at].find(':') {
                if colon + 1 < at {
                    out.push(start + colon + 1..start + at);
                }
            }
        }
        from = end.max(start);
    }
    // key=value, the key a credential's name
    for (eq, _) in text.match_indices('=') {
        let key_start = text[..eq]
            .trim_end_matches(' ')
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .map_or(0, |k| k + 1);
        let key = text[key_start..eq].trim_end_matches(' ');
        if key.is_empty() || !is_secret_key(key) {
            continue;
        }
        let mut v = eq + 1;
        while bytes.get(v) == Some(&b' ') {
            v += 1;
        }
        let end = text[v..]
            .find(|c: char| c.is_whitespace() || matches!(c, '&' | '\'' | '"' | ';' | ',' | ')'))
            .map_or(text.len(), |e| v + e);
        if end > v {
            out.push(v..end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_literals_are_masked_whole() {
        assert_eq!(
            redact_secrets("CREATE ROLE app WITH LOGIN PASSWORD 'hunter2'"),
            "CREATE ROLE app WITH LOGIN PASSWORD '***'"
        );
        assert_eq!(
            redact_secrets("alter user app password E'it\\'s' VALID UNTIL '2030-01-01'"),
            "alter user app password '***' VALID UNTIL '2030-01-01'"
        );
        assert_eq!(
            redact_secrets("CREATE USER u WITH PASSWORD = $$p;w$$"),
            "CREATE USER u WITH PASSWORD = '***'"
        );
        assert_eq!(
            redact_secrets("CREATE ROLE u ENCRYPTED PASSWORD /* c */\n 'a''b'"),
            "CREATE ROLE u ENCRYPTED PASSWORD /* c */\n '***'"
        );
        assert_eq!(
            redact_secrets("CREATE ROLE u PASSWORD 'never closed"),
            "CREATE ROLE u PASSWORD '***'"
        );
        assert_eq!(
            redact_secrets("CREATE ROLE u PASSWORD NULL"),
            "CREATE ROLE u PASSWORD NULL"
        );
        // unquoted (a syntax error the server echoes) in a role statement, not elsewhere
        assert_eq!(
            redact_secrets("create user u with login password hunter2 valid until 'x'"),
            "create user u with login password '***' valid until 'x'"
        );
        assert_eq!(
            redact_secrets("ALTER ROLE u PASSWORD = 12345; SELECT password FROM t"),
            "ALTER ROLE u PASSWORD = '***'; SELECT password FROM t"
        );
        // a column named password is not a secret; its value in a literal is not either
        assert_eq!(
            redact_secrets("SELECT password FROM t WHERE x = 'y'"),
            "SELECT password FROM t WHERE x = 'y'"
        );
    }

    #[test]
    fn credentials_in_uris_are_masked() {
        assert_eq!(
            redact_secrets(
                "BACKUP INTO 's3://bucket/path?AWS_ACCESS_KEY_ID=AKIA1&AWS_SECRET_ACCESS_KEY=s3cr/t+&AWS_SESSION_TOKEN=tok' AS OF SYSTEM TIME '-10s'"
            ),
            "BACKUP INTO 's3://bucket/path?AWS_ACCESS_KEY_ID=AKIA1&AWS_SECRET_ACCESS_KEY=***&AWS_SESSION_TOKEN=***' AS OF SYSTEM TIME '-10s'"
        );
        assert_eq!(
            redact_secrets(
                "RESTORE FROM 'azure-blob://c/p?AZURE_ACCOUNT_NAME=acct&AZURE_ACCOUNT_KEY=k3y==&AZURE_CLIENT_SECRET=cs'"
            ),
            "RESTORE FROM 'azure-blob://c/p?AZURE_ACCOUNT_NAME=acct&AZURE_ACCOUNT_KEY=***&AZURE_CLIENT_SECRET=***'"
        );
        assert_eq!(
            redact_secrets(
                "IMPORT INTO t CSV DATA ('gs://b/f.csv?AUTH=specified&CREDENTIALS=eyJh')"
            ),
            "IMPORT INTO t CSV DATA ('gs://b/f.csv?AUTH=specified&CREDENTIALS=***')"
        );
        assert_eq!(
            redact_secrets("CREATE EXTERNAL CONNECTION c AS 'postgresql://app:p@ss/w?rd@db:5432/x?sslmode=verify-full&sslpassword=k'"),
            "CREATE EXTERNAL CONNECTION c AS 'postgresql://app:***@db:5432/x?sslmode=verify-full&sslpassword=***'"
        );
        assert_eq!(
            redact_secrets("CREATE SUBSCRIPTION s CONNECTION 'host=h dbname=d password = pw2 user=u' PUBLICATION p"),
            "CREATE SUBSCRIPTION s CONNECTION 'host=h dbname=d password = *** user=u' PUBLICATION p"
        );
        // in a comment too; nothing outside literals and comments is touched
        assert_eq!(
            redact_secrets("-- was 'https://u:pw@host'\nSELECT a = b"),
            "-- was 'https://u:***@host'\nSELECT a = b"
        );
    }

    #[test]
    fn the_secrets_themselves_for_scrubbing_messages() {
        assert_eq!(
            secrets_in("CREATE ROLE a PASSWORD 'it''s' ; SELECT 'x://u:pw@h?token=t0k'"),
            vec!["'it''s'", "it's", "t0k", "pw"]
        );
        assert_eq!(
            scrub_message(
                "syntax error at or near \"hunter2\"",
                "CREATE ROLE a WITH LOGIN PASSWORD hunter2"
            ),
            "syntax error at or near \"***\""
        );
        assert!(secrets_in("SELECT 1").is_empty());
    }

    #[test]
    fn text_without_secrets_is_unchanged() {
        for s in [
            "CREATE TABLE t (a INT8 DEFAULT 0)",
            "SELECT 'a=b', 'x://host/path'",
            "",
        ] {
            assert_eq!(redact_secrets(s), s);
        }
    }
}
