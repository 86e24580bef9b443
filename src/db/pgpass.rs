//! pgpass: libpq's password file (~/.pgpass, or PGPASSFILE). One entry a line,
//! `hostname:port:database:username:password`; `*` in the first four fields matches
//! anything; `\:` and `\\` are a literal colon and backslash; lines starting with `#` are
//! comments; the first matching line wins. As in libpq, a file that is not a plain file, or
//! that its group or others can read, is ignored with a warning.

use std::path::Path;

/// One line of the file.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub fields: [String; 4],
    pub password: String,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Entry({:?}, password: {})", self.fields, super::MASK)
    }
}

/// Split one line at unescaped colons, unescaping `\x` to `x`. Lines with fewer than five
/// fields are skipped (libpq does the same); a sixth colon belongs to the password.
fn parse_line(line: &str) -> Option<Entry> {
    let mut fields: Vec<String> = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut()?.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    if fields.len() < 5 {
        return None;
    }
    let password = fields.pop()?;
    let fields: [String; 4] = fields.try_into().ok()?;
    Some(Entry { fields, password })
}

/// Every entry of the file's text, in order.
pub fn parse(text: &str) -> Vec<Entry> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(parse_line)
        .collect()
}

/// The password of the first entry matching host, port, database and user.
pub fn lookup<'a>(
    entries: &'a [Entry],
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Option<&'a str> {
    // libpq: a Unix-socket host (a path) matches `localhost`
    let host = if host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    let wanted = [host, port.as_str(), dbname, user];
    entries
        .iter()
        .find(|e| {
            e.fields
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want)
        })
        .map(|e| e.password.as_str())
}

/// Read `path` under libpq's rules and look the password up; `warn` gets why a file is
/// ignored. A missing file is not worth a word.
pub fn lookup_file(
    path: &Path,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
    warn: &mut dyn FnMut(String),
) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        warn(format!(
            "password file \"{}\" is not a plain file: ignored",
            path.display()
        ));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            warn(format!(
                "password file \"{}\" has group or world access; permissions should be u=rw (0600) or less: ignored",
                path.display()
            ));
            return None;
        }
    }
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            warn(format!(
                "password file \"{}\" could not be read ({e}): ignored",
                path.display()
            ));
            return None;
        }
    };
    lookup(&parse(&text), host, port, dbname, user).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_wildcards_and_first_match() {
        let text = "# comment\n\
                    db.example:5432:app:bob:first\\:pw\\\\x\n\
                    *:*:app:bob:second\n\
                    *:*:*:*:any:thing\n\
                    short:line\n";
        let e = parse(text);
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            lookup(&e, "db.example", 5432, "app", "bob"),
            Some("first:pw\\x")
        );
        assert_eq!(lookup(&e, "other", 1, "app", "bob"), Some("second"));
        assert_eq!(lookup(&e, "other", 1, "x", "y"), Some("any:thing"));
        assert_eq!(lookup(&parse("h:1:d:u:p"), "h", 2, "d", "u"), None);
        assert_eq!(
            lookup(
                &parse("localhost:5432:d:u:p"),
                "/var/run/postgresql",
                5432,
                "d",
                "u"
            ),
            Some("p")
        );
    }

    #[test]
    fn a_file_others_can_read_is_ignored_with_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "*:*:*:*:pw\n").unwrap();
        let mut warnings = Vec::new();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            lookup_file(&file, "h", 1, "d", "u", &mut |w| warnings.push(w)),
            None
        );
        assert!(
            warnings[0].contains("group or world access"),
            "{warnings:?}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            lookup_file(&file, "h", 1, "d", "u", &mut |w| warnings.push(w)).as_deref(),
            Some("pw")
        );
        assert_eq!(warnings.len(), 1);
    }
}
