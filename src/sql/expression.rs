//! expression: the check every SQL expression of a model passes before bmdb writes it into
//! a statement (a column default, a check, a partial index's `where`, and any expression
//! added later): it must be exactly one expression, so that it cannot end the statement,
//! hide the rest of it, or add a clause or a column to it.

use super::tokens::{tokenize, Kind};
use std::fmt;

/// Why a text is not one SQL expression, and where (byte offset into the expression).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionError {
    pub offset: usize,
    pub message: String,
    pub help: &'static str,
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const ONE_EXPRESSION: &str = "write exactly one SQL expression, e.g. `now()`, `'active'` or `qty > 0`; statements, comments and lists do not belong here";
const CLOSE_IT: &str =
    "close the literal, quoted name or comment; inside a '...' string a quote is written ''";
const BALANCE_IT: &str = "every ( needs its ) and every [ its ], in order";

/// Checks that `expr` is exactly one SQL expression: not empty, every literal, quoted
/// identifier and `/* */` comment closed, no `--` comment (it would swallow the rest of the
/// line of the statement it goes into), no `;`, parentheses and brackets balanced and
/// nested, and no `,` outside them. CockroachDB's own syntax (`:::`, `crdb_internal.*`,
/// `gateway_region()`, `::STRING`) passes: this is a lexical check, not a grammar.
pub fn check_expression(expr: &str) -> Result<(), ExpressionError> {
    let err = |offset: usize, message: String, help: &'static str| ExpressionError {
        offset,
        message,
        help,
    };
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut empty = true;
    for t in tokenize(expr) {
        let at = t.start;
        if !t.closed {
            let what = match t.kind {
                Kind::BlockComment => "the /* comment",
                Kind::QuotedIdent => "the quoted name",
                Kind::DollarString => "the dollar-quoted string",
                _ => "the string literal",
            };
            return Err(err(
                at,
                format!("{what} at character {} is never closed", char_at(expr, at)),
                CLOSE_IT,
            ));
        }
        match t.kind {
            Kind::Space | Kind::BlockComment => continue,
            Kind::LineComment => {
                return Err(err(
                    at,
                    format!(
                        "`--` at character {} starts a comment that would hide the rest of the statement",
                        char_at(expr, at)
                    ),
                    ONE_EXPRESSION,
                ))
            }
            Kind::Punct => match t.text {
                ";" => {
                    return Err(err(
                        at,
                        format!(
                            "`;` at character {} would end the statement",
                            char_at(expr, at)
                        ),
                        ONE_EXPRESSION,
                    ))
                }
                "," if open.is_empty() => {
                    return Err(err(
                        at,
                        format!(
                            "`,` at character {} is outside any parentheses: that is a list, not one expression",
                            char_at(expr, at)
                        ),
                        ONE_EXPRESSION,
                    ))
                }
                "(" | "[" => open.push((t.text.as_bytes()[0], at)),
                ")" | "]" => {
                    let want = if t.text == ")" { b'(' } else { b'[' };
                    match open.pop() {
                        Some((o, _)) if o == want => {}
                        Some((o, o_at)) => {
                            return Err(err(
                                at,
                                format!(
                                    "`{}` at character {} does not close the `{}` at character {}",
                                    t.text,
                                    char_at(expr, at),
                                    o as char,
                                    char_at(expr, o_at)
                                ),
                                BALANCE_IT,
                            ))
                        }
                        None => {
                            return Err(err(
                                at,
                                format!(
                                    "`{}` at character {} closes nothing",
                                    t.text,
                                    char_at(expr, at)
                                ),
                                BALANCE_IT,
                            ))
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        empty = false;
    }
    if let Some((o, at)) = open.pop() {
        return Err(err(
            at,
            format!(
                "`{}` at character {} is never closed",
                o as char,
                char_at(expr, at)
            ),
            BALANCE_IT,
        ));
    }
    if empty {
        return Err(err(
            0,
            "the expression is empty".to_string(),
            ONE_EXPRESSION,
        ));
    }
    Ok(())
}

/// 1-based character (not byte) position of byte offset `at`.
fn char_at(s: &str, at: usize) -> usize {
    s[..at].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(expr: &str) -> String {
        check_expression(expr).unwrap_err().message
    }

    #[test]
    fn one_expression_passes() {
        for ok in [
            "now()",
            "0",
            "'it''s; -- fine'",
            "E'a\\';b'",
            "$$a; -- b$$",
            "$t$ ) $t$",
            "qty > 0 AND qty < 10",
            "status IN ('a', 'b')",
            "gen_random_uuid()",
            "unique_rowid()",
            "gateway_region()",
            "default_to_database_primary_region(gateway_region())::crdb_internal_region",
            "crdb_internal.cluster_id()",
            "1:::INT8",
            "'x'::STRING",
            "ARRAY[1, 2][1]",
            "\"order\" >= 0",
            "a /* positive */ > 0",
            "x->>'k' = 'v'",
            "CASE WHEN a > 0 THEN 'p' ELSE 'n' END",
            "(a - 1) * -2",
        ] {
            assert_eq!(check_expression(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn statements_comments_and_lists_are_refused() {
        assert_eq!(
            refused("1; DELETE FROM accounts"),
            "`;` at character 2 would end the statement"
        );
        assert_eq!(
            refused("now() -- when"),
            "`--` at character 7 starts a comment that would hide the rest of the statement"
        );
        assert_eq!(
            refused("1, evil INT8"),
            "`,` at character 2 is outside any parentheses: that is a list, not one expression"
        );
    }

    #[test]
    fn unclosed_things_are_refused() {
        assert_eq!(
            refused("'abc"),
            "the string literal at character 1 is never closed"
        );
        assert_eq!(
            refused("x = E'abc\\'"),
            "the string literal at character 5 is never closed"
        );
        assert_eq!(
            refused("\"abc"),
            "the quoted name at character 1 is never closed"
        );
        assert_eq!(
            refused("é $$abc"),
            "the dollar-quoted string at character 3 is never closed"
        );
        assert_eq!(
            refused("1 /* open"),
            "the /* comment at character 3 is never closed"
        );
    }

    #[test]
    fn parentheses_must_balance() {
        assert_eq!(refused("(a > 0"), "`(` at character 1 is never closed");
        assert_eq!(
            refused("a > 0) OR (true"),
            "`)` at character 6 closes nothing"
        );
        assert_eq!(
            refused("f(a]"),
            "`]` at character 4 does not close the `(` at character 2"
        );
    }

    #[test]
    fn empty_is_refused() {
        assert_eq!(refused(""), "the expression is empty");
        assert_eq!(refused("  /* nothing */ "), "the expression is empty");
    }
}
