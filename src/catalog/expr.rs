//! SQL expressions as catalogs print them: the casts and parentheses a server adds when
//! it deparses a default, a check or an index predicate, stripped so that what a model
//! author wrote and what the server prints can be compared.

use crate::sql::{self, Kind};

/// One lexical token as expressions compare: enough of SQL to compare them, not to parse
/// them. Built from [`crate::sql::tokenize`]'s tokens, whitespace and comments left out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An unquoted word, lower-cased (keywords, identifiers, function names).
    Word(String),
    /// A double-quoted identifier, as written inside the quotes.
    Quoted(String),
    /// A string literal's content (quotes undone): `'..'`, `E'..'` and `$$..$$` alike, as
    /// the server prints every string as a plain literal.
    Str(String),
    Number(String),
    /// Operators and punctuation: `(`, `)`, `,`, `::`, `:::`, `>=`, `[` ...
    Punct(String),
}

fn tokenize(s: &str) -> Vec<Token> {
    sql::tokenize(s)
        .filter_map(|t| {
            Some(match t.kind {
                Kind::Space | Kind::LineComment | Kind::BlockComment => return None,
                Kind::Word => Token::Word(t.text.to_lowercase()),
                Kind::QuotedIdent => Token::Quoted(t.value()?.into_owned()),
                Kind::String | Kind::EscapeString | Kind::DollarString => {
                    Token::Str(t.value()?.into_owned())
                }
                Kind::Number => Token::Number(t.text.to_string()),
                Kind::Punct => Token::Punct(t.text.to_string()),
            })
        })
        .collect()
}

/// Words that continue a multi-word type name after `::`.
const TYPE_WORDS: &[&str] = &[
    "character",
    "varying",
    "double",
    "precision",
    "timestamp",
    "time",
    "with",
    "without",
    "zone",
    "bit",
];

/// Drops every `::type` / `:::type` annotation, parentheses and the word `public.` before
/// a type; what remains is the expression's skeleton, which two spellings of one
/// expression share.
fn skeleton(s: &str) -> Vec<Token> {
    let toks = rewrite_between(rewrite_in(rewrite_calls(tokenize(s))));
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Token::Punct(p) if p == "::" || p == ":::" => {
                i += 1;
                // the type: words (schema-qualified, multi-word), then (args), then []
                let mut first = true;
                while i < toks.len() {
                    match &toks[i] {
                        Token::Word(w) if first || TYPE_WORDS.contains(&w.as_str()) => {
                            first = false;
                            i += 1;
                        }
                        Token::Quoted(_) if first => {
                            first = false;
                            i += 1;
                        }
                        Token::Punct(d) if d == "." => {
                            first = true;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                if matches!(toks.get(i), Some(Token::Punct(p)) if p == "(")
                    && matches!(toks.get(i + 1), Some(Token::Number(_)))
                {
                    while i < toks.len() && toks[i] != Token::Punct(")".into()) {
                        i += 1;
                    }
                    i += 1;
                }
                while matches!(toks.get(i), Some(Token::Punct(p)) if p == "[")
                    && matches!(toks.get(i + 1), Some(Token::Punct(p)) if p == "]")
                {
                    i += 2;
                }
            }
            Token::Punct(p) if p == "(" || p == ")" => i += 1,
            // a quoted identifier that needs no quotes is the same name unquoted
            Token::Quoted(q) if q.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                out.push(Token::Word(q.clone()));
                i += 1;
            }
            // a numeric string literal ('-1'::integer) is the number
            Token::Str(s) if is_number(s) => {
                push_number(&mut out, s);
                i += 1;
            }
            Token::Number(n) => {
                push_number(&mut out, n);
                i += 1;
            }
            t => {
                out.push(t.clone());
                i += 1;
            }
        }
    }
    out
}

fn word(w: &str) -> Token {
    Token::Word(w.to_string())
}

fn punct(p: &str) -> Token {
    Token::Punct(p.to_string())
}

/// Where `toks[open]` is `(`: the index of its `)`, or `None` when it is never closed.
fn matching_paren(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if *t == punct("(") {
            depth += 1;
        } else if *t == punct(")") {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// The index of the first `want` in `toks` outside any parentheses.
fn at_top(toks: &[Token], want: &Token) -> Option<usize> {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate() {
        if *t == punct("(") {
            depth += 1;
        } else if *t == punct(")") {
            depth -= 1;
        } else if depth == 0 && t == want {
            return Some(k);
        }
    }
    None
}

/// The spellings PostgreSQL gives some calls and operators when it stores an expression
/// (`pg_get_expr`), brought to one form on both sides (checked on PostgreSQL 15, tests/
/// expressions_pg.rs):
/// - `trim(x)`, `trim(from x)`, `trim('c' from x)`, `trim(x, 'c')` print as
///   `TRIM(BOTH [chars] FROM x)`: the mode (`both` unless written) and `from` are made explicit,
///   a trailing `, chars` moves before `from`;
/// - `substring(x for n)` prints as `SUBSTRING(x FROM 1 FOR n)`;
/// - `extract('year' from d)` prints as `EXTRACT(year FROM d)`;
/// - `LIKE` / `ILIKE` (and `NOT ...`) print as the operators `~~`, `~~*`, `!~~`, `!~~*`.
fn rewrite_calls(toks: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let call = match t {
            Token::Word(w) | Token::Quoted(w) => w.as_str(),
            _ => "",
        };
        if matches!(call, "trim" | "substring" | "extract") && toks.get(i + 1) == Some(&punct("("))
        {
            if let Some(close) = matching_paren(&toks, i + 1) {
                let inner = rewrite_calls(toks[i + 2..close].to_vec());
                out.extend([word(call), punct("(")]);
                out.extend(match call {
                    "trim" => canonical_trim(inner),
                    "substring" => canonical_substring(inner),
                    _ => canonical_extract(inner),
                });
                out.push(punct(")"));
                i = close + 1;
                continue;
            }
        }
        match t {
            Token::Punct(p) if p == "~~" => out.push(word("like")),
            Token::Punct(p) if p == "~~*" => out.push(word("ilike")),
            Token::Punct(p) if p == "!~~" => out.extend([word("not"), word("like")]),
            Token::Punct(p) if p == "!~~*" => out.extend([word("not"), word("ilike")]),
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    out
}

/// `[both | leading | trailing] [chars] from x`, whichever of the spellings was written.
fn canonical_trim(inner: Vec<Token>) -> Vec<Token> {
    let (mode, rest) = match inner.first() {
        Some(Token::Word(m)) if matches!(m.as_str(), "both" | "leading" | "trailing") => {
            (word(m), inner[1..].to_vec())
        }
        _ => (word("both"), inner),
    };
    let (chars, string) = if let Some(f) = at_top(&rest, &word("from")) {
        (rest[..f].to_vec(), rest[f + 1..].to_vec())
    } else if let Some(c) = at_top(&rest, &punct(",")) {
        (rest[c + 1..].to_vec(), rest[..c].to_vec())
    } else {
        (Vec::new(), rest)
    };
    let mut out = vec![mode];
    out.extend(chars);
    out.push(word("from"));
    out.extend(string);
    out
}

/// `x for n` -> `x from 1 for n`; any other spelling as written.
fn canonical_substring(inner: Vec<Token>) -> Vec<Token> {
    match (at_top(&inner, &word("for")), at_top(&inner, &word("from"))) {
        (Some(f), None) => {
            let mut out = inner[..f].to_vec();
            out.extend([word("from"), Token::Number("1".into())]);
            out.extend(inner[f..].iter().cloned());
            out
        }
        _ => inner,
    }
}

/// `'year' from d` -> `year from d`.
fn canonical_extract(mut inner: Vec<Token>) -> Vec<Token> {
    if let Some(Token::Str(field)) = inner.first() {
        inner[0] = word(&field.to_lowercase());
    }
    inner
}

/// `x IN (a, b)` -> `x = ANY (ARRAY[a, b])` and `x NOT IN (...)` -> `x <> ALL (ARRAY[...])`:
/// the form PostgreSQL deparses a list membership to. The `IN` of `position(a IN b)` is no
/// list, though PostgreSQL prints it `POSITION((a) IN (b))`.
fn rewrite_in(toks: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    // per open parenthesis: a list made into ARRAY[..], or the one of a position( call
    let mut depth_stack: Vec<bool> = Vec::new();
    let mut position_parens: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let in_position = position_parens.last() == Some(&depth_stack.len());
        if *t == word("in") && toks.get(i + 1) == Some(&punct("(")) && !in_position {
            let negated = out.last() == Some(&word("not"));
            if negated {
                out.pop();
                out.extend([punct("<>"), word("all")]);
            } else {
                out.extend([punct("="), word("any")]);
            }
            out.extend([punct("("), word("array"), punct("[")]);
            depth_stack.push(true);
            i += 2;
            continue;
        }
        if *t == punct("(") {
            if out.last() == Some(&word("position")) {
                position_parens.push(depth_stack.len() + 1);
            }
            depth_stack.push(false);
        } else if *t == punct(")") {
            if position_parens.last() == Some(&depth_stack.len()) {
                position_parens.pop();
            }
            if depth_stack.pop() == Some(true) {
                out.extend([punct("]"), punct(")")]);
                i += 1;
                continue;
            }
        }
        out.push(t.clone());
        i += 1;
    }
    out
}

/// `x BETWEEN a AND b` -> `x >= a AND x <= b` (for a one-token `x` and `b`, the shape
/// checks have), as PostgreSQL deparses it.
fn rewrite_between(toks: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == word("between") && !out.is_empty() {
            let operand = out.pop().expect("checked non-empty");
            let Some(and_at) = (i + 1..toks.len()).find(|&k| toks[k] == word("and")) else {
                out.push(operand);
                out.push(toks[i].clone());
                i += 1;
                continue;
            };
            let Some(high) = toks.get(and_at + 1) else {
                out.push(operand);
                out.push(toks[i].clone());
                i += 1;
                continue;
            };
            out.extend([operand.clone(), punct(">=")]);
            out.extend(toks[i + 1..and_at].iter().cloned());
            out.extend([word("and"), operand, punct("<="), high.clone()]);
            i = and_at + 2;
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

fn is_number(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().any(|c| c.is_ascii_digit())
}

/// Negative numbers print as `'-1'`, `(-1)` or `-1`: one token either way.
fn push_number(out: &mut Vec<Token>, n: &str) {
    if matches!(out.last(), Some(Token::Punct(p)) if p == "-") && !n.starts_with('-') {
        let before = out.len().checked_sub(2).map(|k| &out[k]);
        // a minus after an operand (a name, a number, a literal) subtracts
        let unary = match before {
            None => true,
            Some(Token::Punct(_)) => true,
            Some(Token::Word(w)) => is_keyword_operator(w),
            _ => false,
        };
        if unary {
            out.pop();
            out.push(Token::Number(format!("-{n}")));
            return;
        }
    }
    out.push(Token::Number(n.to_string()));
}

fn is_keyword_operator(w: &str) -> bool {
    matches!(
        w,
        "and" | "or" | "not" | "is" | "in" | "like" | "between" | "when" | "then" | "else"
    )
}

/// Whether two spellings of an expression say the same: equal after dropping type
/// annotations, parentheses, whitespace and letter case of unquoted words.
///
/// Parentheses are ignored wholesale, so `(a + b) * c` and `a + b * c` compare equal; a
/// change between those two on a live server is not reported as drift (documented limit).
pub fn same_expr(a: &str, b: &str) -> bool {
    a.trim() == b.trim() || skeleton(a) == skeleton(b)
}

/// A default as PostgreSQL or CockroachDB prints it, with the cast the server adds to a
/// plain literal removed: `'active'::text` -> `'active'`, `'-1'::integer` -> `-1`,
/// `now():::TIMESTAMPTZ` -> `now()`, `1:::INT8` -> `1`.
pub fn strip_literal_cast(expr: &str) -> String {
    let e = expr.trim();
    // `:::T` annotations (CockroachDB) come off everywhere: they never change the value.
    let e = strip_triple_colon(e);
    let e = e.trim();
    if let Some((lit, ty)) = split_top_level_cast(e) {
        let lit = lit.trim();
        let is_string_lit = lit.starts_with('\'')
            && lit.ends_with('\'')
            && lit.len() >= 2
            && !lit[1..lit.len() - 1].replace("''", "").contains('\'');
        let numeric_ty = is_numeric_type(ty);
        if is_string_lit {
            let inner = &lit[1..lit.len() - 1];
            if numeric_ty && is_number(inner) {
                return inner.to_string();
            }
            return lit.to_string();
        }
        if is_number(lit.trim_start_matches('(').trim_end_matches(')')) {
            return lit
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string();
        }
        if matches!(lit.to_ascii_lowercase().as_str(), "true" | "false" | "null") {
            return lit.to_ascii_lowercase();
        }
    }
    e.to_string()
}

/// `strip_literal_cast` for a default read from a column of `column_type` (as PostgreSQL's
/// `format_type` spells it): a string literal cast to another type keeps its cast, because
/// the cast is part of the value (`'0001-01-01'::timestamp` on a timestamptz column is
/// read in the session's time zone; without the cast it would be read as UTC).
pub fn strip_literal_cast_for(expr: &str, column_type: &str) -> String {
    let base = |t: &str| {
        let t = t.trim().to_ascii_lowercase();
        let (head, arrays) = match t.strip_suffix("[]") {
            Some(h) => (h.to_string(), "[]"),
            None => (t.clone(), ""),
        };
        let name = head.split('(').next().unwrap_or("").trim().to_string();
        // `timestamp(3) with time zone`: the precision sits inside the name
        let tail = head.rsplit(')').next().filter(|_| head.contains(')'));
        format!("{name}{}{arrays}", tail.unwrap_or(""))
    };
    if let Some((lit, ty)) = split_top_level_cast(expr.trim()) {
        let lit = lit.trim();
        if lit.starts_with('\'') && !is_numeric_type(ty) && base(ty) != base(column_type) {
            return expr.trim().to_string();
        }
    }
    strip_literal_cast(expr)
}

fn is_numeric_type(ty: &str) -> bool {
    let t = ty.trim().to_ascii_lowercase();
    let base = t.split('(').next().unwrap_or("").trim();
    matches!(
        base,
        "integer"
            | "bigint"
            | "smallint"
            | "int"
            | "int2"
            | "int4"
            | "int8"
            | "numeric"
            | "decimal"
            | "real"
            | "double precision"
            | "float4"
            | "float8"
    )
}

/// `<lit>::<type>` where `::` is outside literals and parentheses and the type is the rest
/// of the text.
fn split_top_level_cast(e: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    for t in sql::tokenize(e) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
        } else if depth == 0 && t.kind == Kind::Punct && t.text.starts_with("::") {
            let ty = &e[t.start + 2..];
            // only a bare type name may follow (no further operators)
            if ty
                .chars()
                .all(|ch| ch.is_alphanumeric() || " _().,[]\"".contains(ch))
            {
                return Some((&e[..t.start], ty));
            }
            return None;
        }
    }
    None
}

/// Removes CockroachDB's `:::TYPE` annotations outside literals: the type is a (possibly
/// schema-qualified, quoted) name written right after the `:::`, then optional `(args)`
/// and `[]`.
pub fn strip_triple_colon(e: &str) -> String {
    let toks: Vec<sql::Token> = sql::tokenize(e).collect();
    let mut out = String::with_capacity(e.len());
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].is_punct(":::") {
            out.push_str(toks[i].text);
            i += 1;
            continue;
        }
        i += 1;
        while toks.get(i).is_some_and(|t| {
            matches!(t.kind, Kind::Word | Kind::QuotedIdent | Kind::Number) || t.is_punct(".")
        }) {
            i += 1;
        }
        if toks.get(i).is_some_and(|t| t.is_punct("(")) {
            let mut depth = 0;
            while i < toks.len() {
                if toks[i].is_punct("(") {
                    depth += 1;
                } else if toks[i].is_punct(")") {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                i += 1;
            }
        }
        while toks.get(i).is_some_and(|t| t.is_punct("["))
            && toks.get(i + 1).is_some_and(|t| t.is_punct("]"))
        {
            i += 2;
        }
    }
    out
}

/// The outer parentheses around a whole expression, removed while they wrap all of it:
/// `((a > 0))` -> `a > 0`, but `(a) AND (b)` stays.
pub fn strip_outer_parens(e: &str) -> String {
    let mut s = e.trim();
    while s.starts_with('(') && s.ends_with(')') {
        // the first '(' must close at the very end (an unclosed one is taken to)
        match sql::matching_paren(s, 0) {
            Some(close) if close != s.len() - 1 => break,
            _ => s = s[1..s.len() - 1].trim(),
        }
    }
    s.to_string()
}

/// `CHECK ((quantity > 0))` (pg_get_constraintdef) -> `quantity > 0`; a trailing
/// `NOT VALID` is dropped.
pub fn check_body(def: &str) -> String {
    let d = def.trim();
    // PostgreSQL appends these after the parenthesised expression (NO INHERIT first).
    let d = d.strip_suffix("NOT VALID").unwrap_or(d).trim();
    let d = d.strip_suffix("NO INHERIT").unwrap_or(d).trim();
    let d = match d.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("check") => d[5..].trim(),
        _ => d,
    };
    strip_outer_parens(&strip_triple_colon(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What PostgreSQL 15's pg_get_expr prints for each spelling (read off the server in
    /// tests/expressions_pg.rs), against what a model author writes.
    #[test]
    fn postgres_spellings_of_calls_and_operators_compare_equal() {
        for (written, server) in [
            ("trim(a)", "TRIM(BOTH FROM a)"),
            ("trim(from a)", "TRIM(BOTH FROM a)"),
            ("trim('x' from a)", "TRIM(BOTH 'x'::text FROM a)"),
            ("trim(a, 'x')", "TRIM(BOTH 'x'::text FROM a)"),
            ("trim(both 'x' from a)", "TRIM(BOTH 'x'::text FROM a)"),
            ("trim(leading from a)", "TRIM(LEADING FROM a)"),
            (
                "trim(trailing 'x' from a)",
                "TRIM(TRAILING 'x'::text FROM a)",
            ),
            ("substring(a from 1 for 2)", "SUBSTRING(a FROM 1 FOR 2)"),
            ("substring(a for 2)", "SUBSTRING(a FROM 1 FOR 2)"),
            ("substring(a from 2)", "SUBSTRING(a FROM 2)"),
            ("substring(a, 2, 3)", "\"substring\"(a, 2, 3)"),
            ("position('x' in a)", "POSITION(('x'::text) IN (a))"),
            (
                "position(substr(a, 1, 1) in lower(a))",
                "POSITION((substr(a, 1, 1)) IN (lower(a)))",
            ),
            ("extract(year from d)", "EXTRACT(year FROM d)"),
            ("extract('year' from d)", "EXTRACT(year FROM d)"),
            ("coalesce(b, 0)", "COALESCE(b, 0)"),
            ("nullif(b, 0)", "NULLIF(b, 0)"),
            ("greatest(b, 1)", "GREATEST(b, 1)"),
            ("a like 'x%'", "(a ~~ 'x%'::text)"),
            ("a NOT LIKE 'x%'", "(a !~~ 'x%'::text)"),
            ("a ilike 'x%'", "(a ~~* 'x%'::text)"),
            ("a not ilike 'x%'", "(a !~~* 'x%'::text)"),
            (
                "upper(trim(a)) like 'X%'",
                "(upper(TRIM(BOTH FROM a)) ~~ 'X%'::text)",
            ),
        ] {
            assert!(same_expr(written, server), "{written} vs {server}");
        }
        for (a, b) in [
            ("trim(a)", "TRIM(LEADING FROM a)"),
            ("trim('x' from a)", "TRIM(BOTH FROM a)"),
            ("substring(a for 2)", "SUBSTRING(a FROM 2 FOR 2)"),
            ("a like 'x%'", "(a ~~* 'x%'::text)"),
            ("position('x' in a)", "POSITION(('y'::text) IN (a))"),
            ("b in (1, 2)", "(b = ANY (ARRAY[1, 3]))"),
        ] {
            assert!(!same_expr(a, b), "{a} vs {b}");
        }
        // a list membership is still one
        assert!(same_expr("b in (1, 2)", "(b = ANY (ARRAY[1, 2]))"));
    }

    #[test]
    fn string_literal_spellings_compare_by_value() {
        assert!(same_expr("$$it's; fine$$", "'it''s; fine'"));
        assert!(same_expr("$x$a$$b$x$", "'a$$b'"));
        assert!(same_expr("E'a\\';b'", "'a'';b'"));
        assert!(same_expr("E'line\\n'", "'line\n'"));
        assert!(!same_expr("$$a$$", "'b'"));
        assert!(!same_expr("E'a\\nb'", "'a\\nb'"));
    }

    #[test]
    fn a_cast_to_another_type_than_the_column_stays() {
        let tz = "timestamp with time zone";
        assert_eq!(
            strip_literal_cast_for("'0001-01-01'::timestamp without time zone", tz),
            "'0001-01-01'::timestamp without time zone"
        );
        assert_eq!(
            strip_literal_cast_for("'2020-01-01 00:00:00+00'::timestamp with time zone", tz),
            "'2020-01-01 00:00:00+00'"
        );
        assert_eq!(
            strip_literal_cast_for("'a'::character varying", "character varying(32)"),
            "'a'"
        );
        assert_eq!(strip_literal_cast_for("'{}'::text[]", "text[]"), "'{}'");
        assert_eq!(
            strip_literal_cast_for("'x'::text", "character varying"),
            "'x'::text"
        );
        assert_eq!(strip_literal_cast_for("'-1'::integer", "bigint"), "-1");
        assert_eq!(
            strip_literal_cast_for(
                "'12:00'::time(3) without time zone",
                "time(3) without time zone"
            ),
            "'12:00'"
        );
    }

    #[test]
    fn literal_casts_come_off() {
        assert_eq!(strip_literal_cast("'active'::text"), "'active'");
        assert_eq!(strip_literal_cast("'a''b'::character varying"), "'a''b'");
        assert_eq!(strip_literal_cast("'-1'::integer"), "-1");
        assert_eq!(strip_literal_cast("'{}'::jsonb"), "'{}'");
        assert_eq!(strip_literal_cast("now()"), "now()");
        assert_eq!(strip_literal_cast("now():::TIMESTAMPTZ"), "now()");
        assert_eq!(strip_literal_cast("1:::INT8"), "1");
        assert_eq!(strip_literal_cast("'x':::STRING"), "'x'");
        assert_eq!(
            strip_literal_cast("nextval('s'::regclass)"),
            "nextval('s'::regclass)"
        );
        assert_eq!(strip_literal_cast("(0)::numeric"), "0");
    }

    #[test]
    fn annotations_come_off_outside_literals_only() {
        assert_eq!(strip_triple_colon("a > 0:::INT8"), "a > 0");
        assert_eq!(
            strip_triple_colon("x = 'a:::b':::STRING AND y = \"q:::r\""),
            "x = 'a:::b' AND y = \"q:::r\""
        );
        assert_eq!(strip_triple_colon("E'\\':::x':::STRING"), "E'\\':::x'");
        assert_eq!(
            strip_triple_colon("ARRAY[]:::INT8[] || d:::DECIMAL(10,2)::STRING"),
            "ARRAY[] || d::STRING"
        );
        assert_eq!(strip_triple_colon("r:::public.crdb_internal_region"), "r");
    }

    #[test]
    fn outer_parentheses() {
        assert_eq!(strip_outer_parens(" ((a > 0)) "), "a > 0");
        assert_eq!(strip_outer_parens("(a) AND (b)"), "(a) AND (b)");
        assert_eq!(strip_outer_parens("(')' || x)"), "')' || x");
        assert_eq!(strip_outer_parens("(\")\" > 0)"), "\")\" > 0");
    }

    #[test]
    fn comments_are_not_part_of_an_expression() {
        assert!(same_expr("a /* positive */ > 0", "(a > 0)"));
    }

    #[test]
    fn checks_lose_the_wrapping() {
        assert_eq!(check_body("CHECK ((quantity > 0))"), "quantity > 0");
        assert_eq!(
            check_body("CHECK (((a > 0) AND (b < 5)))"),
            "(a > 0) AND (b < 5)"
        );
        assert_eq!(check_body("CHECK ((a > 0)) NOT VALID"), "a > 0");
        assert_eq!(check_body("CHECK ((a > 0)) NO INHERIT"), "a > 0");
        assert_eq!(check_body("CHECK ((a > 0)) NO INHERIT NOT VALID"), "a > 0");
        assert_eq!(check_body("CHECK ((qty > 0:::INT8))"), "qty > 0");
    }

    #[test]
    fn equivalent_spellings_compare_equal() {
        assert!(same_expr("a > 0 AND b < 5", "((a > 0) AND (b < 5))"));
        assert!(same_expr("status = 'x'", "(status = 'x'::text)"));
        assert!(same_expr("NOW()", "now()"));
        assert!(same_expr("-1", "'-1'::integer"));
        assert!(same_expr("\"order\" >= 0", "(\"order\" >= 0)"));
        assert!(same_expr("qty > 0", "qty > 0:::INT8"));
        assert!(same_expr(
            "status IN ('a', 'b')",
            "(status = ANY (ARRAY['a'::text, 'b'::text]))"
        ));
        assert!(same_expr(
            "status NOT IN ('a')",
            "(status <> ALL (ARRAY['a'::text]))"
        ));
        assert!(same_expr(
            "rarity BETWEEN 0 AND 5",
            "((rarity >= 0) AND (rarity <= 5))"
        ));
        assert!(same_expr(
            "q BETWEEN 0 AND m AND q > 1",
            "((q >= (0)::double precision) AND (q <= m) AND (q > 1))"
        ));
        assert!(!same_expr(
            "status IN ('a', 'b')",
            "status = ANY (ARRAY['a'::text])"
        ));
        assert!(!same_expr("a > 0", "a >= 0"));
        assert!(!same_expr("'a'", "'b'"));
        assert!(!same_expr("\"Order\" > 0", "\"order\" > 0"));
        assert!(!same_expr("a - 1", "a 1"));
    }
}
