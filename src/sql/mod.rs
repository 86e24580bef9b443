//! sql: every reading of SQL text. One tokenizer ([`tokens`]) knows the literals, quoted
//! identifiers and comments that hide other text; everything else here (statements, commas
//! and parentheses at the top level, leading keywords) is built on its tokens, so every
//! stage agrees on where a string or a comment ends.
//!
//! It imports nothing from the rest of bmdb; every stage may use it.

pub mod directives;
pub mod expression;
pub mod query;
pub mod secrets;
pub mod statements;
pub mod tokens;

pub use directives::{
    schedule_id_directives, substitute_schedule_id, DirectiveError, ScheduleIdDirective,
    SCHEDULE_ID_DIRECTIVE, SCHEDULE_ID_PLACEHOLDER,
};
pub use expression::{check_expression, ExpressionError};
pub use query::{query_fingerprint, view_query_text};
pub use secrets::{redact_secrets, scrub_message};
pub use statements::{split_statements, Statement};
pub use tokens::{tokenize, Kind, Token};

/// Splits on commas that are not inside `()`, `[]`, `{}`, literals, quoted identifiers or
/// comments. Parts are not trimmed, and a trailing comma leaves an empty last part (callers
/// report it).
pub fn split_top_commas(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for t in tokenize(s) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            "," if depth == 0 => {
                out.push(&s[from..t.start]);
                from = t.end();
            }
            _ => {}
        }
    }
    out.push(&s[from..]);
    out
}

/// The byte offset of the `)` closing the `(` at byte offset `open` of `s`, skipping
/// parentheses inside literals, quoted identifiers and comments.
pub fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for t in tokenize(s.get(open..)?) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 {
                return Some(open + t.start);
            }
        }
    }
    None
}

/// The byte offset of the first `(` of `s` outside literals, quoted identifiers and comments.
pub fn first_paren(s: &str) -> Option<usize> {
    tokenize(s).find(|t| t.is_punct("(")).map(|t| t.start)
}

/// The byte offsets just after each unquoted word `word` (any letter case) outside
/// parentheses, in order: where the rest of a clause starts, e.g. after the `WHERE` of
/// `CREATE INDEX` (the last one) or the `USING` of `CONFIGURE ZONE` (the first one).
pub fn top_level_word_ends<'a>(s: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut depth = 0i32;
    tokenize(s).filter_map(move |t| {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
        } else if depth == 0 && t.is_word(word) {
            return Some(t.end());
        }
        None
    })
}

/// The value of `s` when it is exactly one string literal (any of the three forms) or one
/// quoted identifier, surrounding whitespace aside: `'it''s'` -> `it's`, `"Order"` -> `Order`.
pub fn literal_value(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    let mut toks = tokenize(s).filter(|t| t.kind != Kind::Space);
    let t = toks.next()?;
    if toks.next().is_some() || !t.closed {
        return None;
    }
    t.value()
}

/// The first `n` words of a statement, upper-cased, comments and whitespace skipped; stops
/// at the first token that is not a word.
pub fn leading_words(sql: &str, n: usize) -> Vec<String> {
    tokenize(sql)
        .filter(|t| !t.is_trivia())
        .take(n)
        .take_while(|t| t.kind == Kind::Word)
        .map(|t| t.text.to_ascii_uppercase())
        .collect()
}

/// What makes a statement destructive, when it is: `DROP ...`, `TRUNCATE`, an `ALTER` with a
/// top-level `DROP` (other than `DROP DEFAULT` / `DROP NOT NULL`, which lose no data), and a
/// `DELETE` or `UPDATE` without a top-level `WHERE`. Hand-written migrations are checked
/// with it (generated ones carry `-- destructive:` marks instead).
pub fn destructive_statement(sql: &str) -> Option<String> {
    let words = leading_words(sql, 3);
    let first = words.first().map(String::as_str)?;
    let without_where = || top_level_word_ends(sql, "WHERE").next().is_none();
    match first {
        "DROP" => Some(format!("DROP {}", words.get(1).map_or("", String::as_str))),
        "TRUNCATE" => Some("TRUNCATE".to_string()),
        "DELETE" if without_where() => Some("DELETE without WHERE".to_string()),
        "UPDATE" if without_where() => Some("UPDATE without WHERE".to_string()),
        "ALTER" => top_level_word_ends(sql, "DROP").find_map(|end| {
            let next = leading_words(&sql[end..], 2);
            match next
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                ["DEFAULT", ..] | ["NOT", "NULL"] => None,
                _ => Some(format!(
                    "ALTER ... DROP {}",
                    next.first().map_or("", String::as_str)
                )),
            }
        }),
        _ => None,
    }
    .map(|s| s.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructive_statements_are_found_by_their_words_not_their_text() {
        let d = |s: &str| destructive_statement(s);
        assert_eq!(d("DROP TABLE t").as_deref(), Some("DROP TABLE"));
        assert_eq!(d("truncate t").as_deref(), Some("TRUNCATE"));
        assert_eq!(d("DELETE FROM t").as_deref(), Some("DELETE without WHERE"));
        assert_eq!(
            d("UPDATE t SET a = 1").as_deref(),
            Some("UPDATE without WHERE")
        );
        assert_eq!(
            d("ALTER TABLE t DROP COLUMN c").as_deref(),
            Some("ALTER ... DROP COLUMN")
        );
        assert_eq!(d("UPDATE t SET a = 1 WHERE a IS NULL"), None);
        assert_eq!(d("DELETE FROM t WHERE id IN (SELECT id FROM u)"), None);
        // a WHERE inside a subquery or a literal does not count
        assert!(d("UPDATE t SET a = (SELECT b FROM u WHERE u.id = 1)").is_some());
        assert!(d("UPDATE t SET note = 'where'").is_some());
        assert_eq!(d("ALTER TABLE t ALTER COLUMN c DROP NOT NULL"), None);
        assert_eq!(d("ALTER TABLE t ALTER COLUMN c DROP DEFAULT"), None);
        assert_eq!(d("ALTER TABLE t ADD COLUMN drop_me INT"), None);
        assert_eq!(d("-- DROP TABLE t\nSELECT 1"), None);
        assert_eq!(d("INSERT INTO t VALUES ('DROP TABLE x')"), None);
    }

    #[test]
    fn top_level_commas() {
        assert_eq!(
            split_top_commas("a, f(b, c), '[x, y]', \"p,q\", {k: [1, 2]}, E'\\',', $$,$$,"),
            vec![
                "a",
                " f(b, c)",
                " '[x, y]'",
                " \"p,q\"",
                " {k: [1, 2]}",
                " E'\\','",
                " $$,$$",
                ""
            ]
        );
        assert_eq!(split_top_commas(""), vec![""]);
        // an unclosed quote hides the rest
        assert_eq!(split_top_commas("a, 'b, c"), vec!["a", " 'b, c"]);
        // a stray closing bracket leaves the rest as one part
        assert_eq!(split_top_commas("a), b"), vec!["a), b"]);
    }

    #[test]
    fn parentheses() {
        let s = "KEY (a, \"b)\", f(')')) rest";
        let open = first_paren(s).unwrap();
        assert_eq!(open, 4);
        assert_eq!(
            &s[open..=matching_paren(s, open).unwrap()],
            "(a, \"b)\", f(')'))"
        );
        assert_eq!(matching_paren("(a", 0), None);
        assert_eq!(matching_paren("x", 5), None);
        assert_eq!(first_paren("\"a(\" /* ( */ -- (\n"), None);
    }

    #[test]
    fn words_at_top_level() {
        let s = "CREATE INDEX i ON t (a) WHERE (b WHERE) AND c = ' WHERE ' -- WHERE";
        let ends: Vec<usize> = top_level_word_ends(s, "where").collect();
        assert_eq!(ends.len(), 1);
        assert_eq!(&s[ends[0]..], " (b WHERE) AND c = ' WHERE ' -- WHERE");
        let s = "CREATE INDEX i ON t (a)\nwhere\nx > 0";
        assert_eq!(
            &s[top_level_word_ends(s, "WHERE").last().unwrap()..],
            "\nx > 0"
        );
        assert_eq!(
            top_level_word_ends("CREATE INDEX \"where\" ON t (a)", "where").next(),
            None
        );
    }

    #[test]
    fn literal_values() {
        assert_eq!(literal_value(" 'it''s' ").unwrap(), "it's");
        assert_eq!(literal_value("E'a\\nb'").unwrap(), "a\nb");
        assert_eq!(literal_value("$$x$$").unwrap(), "x");
        assert_eq!(literal_value("\"Or\"\"der\"").unwrap(), "Or\"der");
        assert_eq!(literal_value("'a' || 'b'"), None);
        assert_eq!(literal_value("'open"), None);
        assert_eq!(literal_value("word"), None);
        assert_eq!(literal_value(""), None);
    }

    #[test]
    fn leading_words_skip_comments() {
        assert_eq!(
            leading_words("/* a /* nested */ b */ -- c\n create unique\tindex x", 3),
            vec!["CREATE", "UNIQUE", "INDEX"]
        );
        assert_eq!(leading_words("SELECT 'x'", 3), vec!["SELECT"]);
        assert_eq!(leading_words("/* open", 3), Vec::<String>::new());
        assert_eq!(leading_words("VACUUM", 0), Vec::<String>::new());
    }
}
