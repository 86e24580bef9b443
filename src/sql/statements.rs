//! statements: cut SQL text (a migration file, a rendered template) into statements at
//! top-level `;`. Each statement keeps the `--` comment lines just above it and its line.

use super::tokens::{tokenize, Kind};

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
    let mut out = Vec::new();
    let mut line = 1;
    let mut start: Option<(usize, usize)> = None; // byte offset and line of the statement
    let mut header: Vec<String> = Vec::new();

    for t in tokenize(text) {
        if !t.closed {
            let what = match t.kind {
                Kind::BlockComment => "/* comment".to_string(),
                Kind::QuotedIdent => "quoted identifier".to_string(),
                Kind::DollarString => {
                    let tag_len = t.text[1..].find('$').map_or(t.text.len(), |n| n + 2);
                    format!("{} quote", &t.text[..tag_len])
                }
                _ => "string literal".to_string(),
            };
            return Err(format!("line {line}: {what} is never closed"));
        }
        match t.kind {
            Kind::Space | Kind::BlockComment => {}
            Kind::LineComment => {
                if start.is_none() {
                    header.push(t.text.trim_end().to_string());
                }
            }
            Kind::Punct if t.text == ";" => {
                if let Some((s, l)) = start.take() {
                    out.push(Statement {
                        sql: text[s..t.start].trim_end().to_string(),
                        line: l,
                        header: std::mem::take(&mut header),
                    });
                }
                header.clear();
            }
            _ => {
                if start.is_none() {
                    start = Some((t.start, line));
                }
            }
        }
        line += t.newlines();
    }
    if let Some((s, l)) = start {
        out.push(Statement {
            sql: text[s..].trim_end().to_string(),
            line: l,
            header,
        });
    }
    Ok(out)
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
    fn line_numbers_count_newlines_inside_literals_and_comments() {
        let got = split_statements("SELECT 'a\nb';\n\nSELECT 2;").unwrap();
        assert_eq!(got[1].line, 4);
        let got = split_statements("/* a\n b */ SELECT $$\n$$;\nSELECT \"x\ny\";\n-- c\nSELECT 3")
            .unwrap();
        assert_eq!(
            got.iter().map(|s| s.line).collect::<Vec<_>>(),
            vec![2, 4, 7]
        );
    }

    #[test]
    fn unterminated_things_are_errors() {
        let err = |text: &str| split_statements(text).unwrap_err();
        assert_eq!(
            err("SELECT 'abc;"),
            "line 1: string literal is never closed"
        );
        assert_eq!(
            err("\nSELECT E'abc\\';"),
            "line 2: string literal is never closed"
        );
        assert_eq!(
            err("\nSELECT \"abc;"),
            "line 2: quoted identifier is never closed"
        );
        assert_eq!(err("SELECT $x$ abc;"), "line 1: $x$ quote is never closed");
        assert_eq!(err("SELECT $$ abc;"), "line 1: $$ quote is never closed");
        assert_eq!(
            err("SELECT 1;\n/* open /* */"),
            "line 2: /* comment is never closed"
        );
        // an unterminated `--` comment is just the last line
        assert_eq!(sqls("SELECT 1 -- end"), vec!["SELECT 1 -- end"]);
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
