//! split: cut a migration file into statements at top-level `;`, skipping over quoted
//! strings (with E'' backslash escapes), quoted identifiers, dollar quotes, `--` and nested
//! `/* */` comments. Each statement keeps the comment lines just above it and its line.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The SQL sent to the server: no leading comments, no trailing `;`.
    pub sql: String,
    /// 1-based line of the statement's first character.
    pub line: usize,
    /// The `--` comment lines directly above the statement (the step header).
    pub header: Vec<String>,
}

/// Split `text` into statements; an unterminated quote or comment is an error naming its line.
pub fn split_statements(text: &str) -> Result<Vec<Statement>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut start: Option<(usize, usize)> = None; // byte offset and line of the statement
    let mut header: Vec<String> = Vec::new();

    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let end = text[i..].find('\n').map(|n| i + n).unwrap_or(bytes.len());
                if start.is_none() {
                    header.push(text[i..end].trim_end().to_string());
                }
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let open_line = line;
                let mut depth = 1;
                i += 2;
                while depth > 0 {
                    if i >= bytes.len() {
                        return Err(format!("line {open_line}: /* comment is never closed"));
                    }
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        if bytes[i] == b'\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            b';' => {
                if let Some((s, l)) = start.take() {
                    out.push(Statement {
                        sql: text[s..i].trim_end().to_string(),
                        line: l,
                        header: std::mem::take(&mut header),
                    });
                }
                header.clear();
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                if start.is_none() {
                    start = Some((i, line));
                }
                i = skip_token(text, i, &mut line)?;
            }
        }
    }
    if let Some((s, l)) = start {
        let sql = text[s..].trim_end().to_string();
        out.push(Statement {
            sql,
            line: l,
            header,
        });
    }
    Ok(out)
}

/// Skip one token starting at `i` (a quoted thing, or one plain byte); returns the next offset.
fn skip_token(text: &str, i: usize, line: &mut usize) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let c = bytes[i];
    let open_line = *line;
    let escape_string = (c == b'E' || c == b'e')
        && bytes.get(i + 1) == Some(&b'\'')
        && (i == 0 || !is_ident_byte(bytes[i - 1]));
    if escape_string {
        return skip_quoted(bytes, i + 1, b'\'', true, line)
            .ok_or_else(|| format!("line {open_line}: string literal is never closed"));
    }
    match c {
        b'\'' => skip_quoted(bytes, i, b'\'', false, line)
            .ok_or_else(|| format!("line {open_line}: string literal is never closed")),
        b'"' => skip_quoted(bytes, i, b'"', false, line)
            .ok_or_else(|| format!("line {open_line}: quoted identifier is never closed")),
        b'$' if i == 0 || !is_ident_byte(bytes[i - 1]) => {
            if let Some(tag_len) = dollar_tag(&bytes[i..]) {
                let tag = &text[i..i + tag_len];
                let body = i + tag_len;
                let close = text[body..]
                    .find(tag)
                    .ok_or_else(|| format!("line {open_line}: {tag} quote is never closed"))?;
                *line += text[i..body + close].matches('\n').count();
                Ok(body + close + tag_len)
            } else {
                Ok(i + 1)
            }
        }
        _ => Ok(i + text[i..].chars().next().map(char::len_utf8).unwrap_or(1)),
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// `$$` or `$tag$` at the start of `bytes`: its length; `$1` parameters are not tags.
fn dollar_tag(bytes: &[u8]) -> Option<usize> {
    let mut j = 1;
    while j < bytes.len()
        && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] >= 0x80)
    {
        if j == 1 && bytes[j].is_ascii_digit() {
            return None;
        }
        j += 1;
    }
    (bytes.get(j) == Some(&b'$')).then_some(j + 1)
}

/// From an opening quote at `i`, the offset after its closing quote; doubled quotes escape.
fn skip_quoted(
    bytes: &[u8],
    i: usize,
    quote: u8,
    backslash: bool,
    line: &mut usize,
) -> Option<usize> {
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if backslash => j += 2,
            b if b == quote => {
                if bytes.get(j + 1) == Some(&quote) {
                    j += 2;
                } else {
                    return Some(j + 1);
                }
            }
            b'\n' => {
                *line += 1;
                j += 1;
            }
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqls(text: &str) -> Vec<String> {
        split_statements(text)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn splits_plain_statements_with_headers_and_lines() {
        let text = "-- step 1: create_table players\nCREATE TABLE a (x INT);\n\n-- step 2: add_column\n-- destructive: drop-column a.y\nALTER TABLE a\n  DROP COLUMN y;\n";
        let got = split_statements(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].sql, "CREATE TABLE a (x INT)");
        assert_eq!(got[0].line, 2);
        assert_eq!(got[0].header, vec!["-- step 1: create_table players"]);
        assert_eq!(got[1].sql, "ALTER TABLE a\n  DROP COLUMN y");
        assert_eq!(got[1].line, 6);
        assert_eq!(got[1].header.len(), 2);
    }

    #[test]
    fn semicolons_inside_quotes_do_not_split() {
        assert_eq!(
            sqls("INSERT INTO t VALUES ('a;b', 'it''s;');SELECT \"odd;name\" FROM t;"),
            vec![
                "INSERT INTO t VALUES ('a;b', 'it''s;')",
                "SELECT \"odd;name\" FROM t"
            ]
        );
        assert_eq!(
            sqls(r"SELECT E'x\';y';SELECT 2;"),
            vec![r"SELECT E'x\';y'", "SELECT 2"]
        );
        // a plain string treats backslash literally (standard_conforming_strings)
        assert_eq!(
            sqls(r"SELECT 'a\';SELECT 2;"),
            vec![r"SELECT 'a\'", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quotes_and_parameters() {
        let text = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ not end $$ $body$ LANGUAGE sql;\nSELECT $$a;b$$;\nPREPARE p AS SELECT $1;";
        assert_eq!(
            sqls(text),
            vec![
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ not end $$ $body$ LANGUAGE sql",
                "SELECT $$a;b$$",
                "PREPARE p AS SELECT $1"
            ]
        );
    }

    #[test]
    fn comments_hide_semicolons() {
        let text =
            "SELECT 1 -- trailing; comment\n, 2;\n/* block; /* nested; */ still; */ SELECT 3;";
        assert_eq!(
            sqls(text),
            vec!["SELECT 1 -- trailing; comment\n, 2", "SELECT 3"]
        );
    }

    #[test]
    fn empty_statements_and_trailing_text() {
        assert_eq!(sqls(";;  ;\n-- only a comment\n"), Vec::<String>::new());
        assert_eq!(sqls("SELECT 1;\nSELECT 2"), vec!["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn line_numbers_count_newlines_inside_literals() {
        let got = split_statements("SELECT 'a\nb';\n\nSELECT 2;").unwrap();
        assert_eq!(got[1].line, 4);
    }

    #[test]
    fn unterminated_things_are_errors() {
        assert!(split_statements("SELECT 'abc;")
            .unwrap_err()
            .contains("line 1"));
        assert!(split_statements("\nSELECT \"abc;")
            .unwrap_err()
            .contains("line 2"));
        assert!(split_statements("SELECT $x$ abc;")
            .unwrap_err()
            .contains("$x$"));
        assert!(split_statements("/* open").is_err());
    }

    #[test]
    fn identifiers_ending_in_e_are_not_escape_strings() {
        // `name'` is not E'...': the quote opens a plain string
        assert_eq!(
            sqls("SELECT some'a\\';SELECT 2;"),
            vec!["SELECT some'a\\'", "SELECT 2"]
        );
    }
}
