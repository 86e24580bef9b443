//! directives: bmdb's own comment lines in a migration file, read off the text as written.
//!
//! One directive exists: `-- bmdb:backup-schedule-id <label>` on the comment lines directly
//! above a statement. It says that the statement's `:schedule_id` placeholder is the id of the
//! CockroachDB backup schedule labelled `<label>`, which apply looks up just before the
//! migration runs (docs/backups.md, "Changes"). CockroachDB's `ALTER BACKUP SCHEDULE` takes
//! the id as an integer literal (`'ALTER' 'BACKUP' 'SCHEDULE' iconst64 ...` in
//! docs/generated/sql/bnf/stmt_block.bnf) and the id differs from cluster to cluster, so a
//! migration names the schedule by label and the file stays as written (its checksum too).
//!
//! The label is a SQL string literal (`'nightly cluster'`, `''` for a quote) or a bare word
//! of letters, digits, `_`, `-` and `.`. The placeholder is the token pair `:` `schedule_id`
//! outside strings and comments (`::schedule_id`, a cast, is not it). This module reads and
//! checks; it never talks to a server (apply resolves the ids).

use super::tokens::{tokenize, Kind, Token};

/// The directive's name, after `-- `.
pub const SCHEDULE_ID_DIRECTIVE: &str = "bmdb:backup-schedule-id";
/// What apply replaces with the schedule's id, in the statement below the directive.
pub const SCHEDULE_ID_PLACEHOLDER: &str = ":schedule_id";
/// Every directive starts with this, so a misspelt one is an error rather than a comment.
const PREFIX: &str = "bmdb:";

/// One `-- bmdb:backup-schedule-id <label>` and the statement it is above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleIdDirective {
    /// 0-based index of the statement, as [`super::split_statements`] counts them.
    pub statement: usize,
    /// The schedule's label (quotes undone).
    pub label: String,
    /// 1-based line and column of the directive's `--`.
    pub line: usize,
    pub col: usize,
}

/// A directive or placeholder that cannot be used, at its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// The `-- bmdb:backup-schedule-id` directives of `text` (a migration file), each tied to
/// the statement below it; every misplaced or malformed directive and every placeholder
/// without one is an error. A text the splitter refuses (an unclosed quote) has no errors
/// here: the splitter reports it.
pub fn schedule_id_directives(text: &str) -> Result<Vec<ScheduleIdDirective>, Vec<DirectiveError>> {
    // Every migration is read on every plan, status and drift; most have neither a directive
    // nor the placeholder, and tokenizing a large one (a 3,000-statement baseline) was 7% of
    // drift's own CPU at 1,000 tables. A directive starts with `bmdb:` (as written) and the
    // placeholder's word is `schedule_id` (any case): without either, there is nothing here.
    if !text.contains(PREFIX) && !contains_ignore_ascii_case(text, &SCHEDULE_ID_PLACEHOLDER[1..]) {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut errors = Vec::new();
    // directives read above the statement not yet started, and the statement's state
    // (a malformed one is there as `None`: reported once, not again as a missing directive)
    let mut pending: Vec<(Option<String>, usize, usize)> = Vec::new();
    let mut statement = 0usize;
    let mut in_statement = false;
    let mut statement_has_placeholder = false;
    let mut statement_pos = (1usize, 1usize);
    let mut line = 1usize;
    let mut line_start = 0usize; // byte offset where `line` starts
    let tokens: Vec<Token<'_>> = tokenize(text).collect();

    let mut close_statement = |pending: &mut Vec<(Option<String>, usize, usize)>,
                               has_placeholder: bool,
                               pos: (usize, usize),
                               statement: usize,
                               errors: &mut Vec<DirectiveError>| {
        let mine: Vec<_> = std::mem::take(pending);
        match mine.as_slice() {
            [] if has_placeholder => errors.push(DirectiveError {
                line: pos.0,
                col: pos.1,
                message: format!(
                    "this statement has the placeholder {SCHEDULE_ID_PLACEHOLDER} but no \
                     `-- {SCHEDULE_ID_DIRECTIVE} <label>` line directly above it to say which \
                     backup schedule's id it stands for"
                ),
            }),
            [] => {}
            [(label, l, c)] => {
                if let (true, Some(label)) = (has_placeholder, label) {
                    found.push(ScheduleIdDirective {
                        statement,
                        label: label.clone(),
                        line: *l,
                        col: *c,
                    });
                } else if !has_placeholder && label.is_some() {
                    errors.push(DirectiveError {
                        line: *l,
                        col: *c,
                        message: format!(
                            "{SCHEDULE_ID_DIRECTIVE} is above a statement without the placeholder \
                             {SCHEDULE_ID_PLACEHOLDER}: write the statement as e.g. \
                             `ALTER BACKUP SCHEDULE {SCHEDULE_ID_PLACEHOLDER} SET RECURRING '@hourly'`"
                        ),
                    })
                }
            }
            [_, (_, l, c), ..] => errors.push(DirectiveError {
                line: *l,
                col: *c,
                message: format!(
                    "a second {SCHEDULE_ID_DIRECTIVE} above one statement: a statement names one \
                     backup schedule (write one statement per schedule)"
                ),
            }),
        }
    };

    for (i, t) in tokens.iter().enumerate() {
        let col = text[line_start..t.start].chars().count() + 1;
        match t.kind {
            Kind::LineComment => {
                let body = t.text.trim_start_matches('-').trim();
                if let Some(rest) = body.strip_prefix(PREFIX) {
                    if in_statement {
                        errors.push(DirectiveError {
                            line,
                            col,
                            message: format!(
                                "a bmdb directive inside a statement: put `-- {SCHEDULE_ID_DIRECTIVE} \
                                 <label>` on the lines directly above the statement"
                            ),
                        });
                    } else {
                        match parse_directive(rest) {
                            Ok(label) => pending.push((Some(label), line, col)),
                            Err(message) => {
                                pending.push((None, line, col));
                                errors.push(DirectiveError { line, col, message })
                            }
                        }
                    }
                }
            }
            Kind::Space | Kind::BlockComment => {}
            Kind::Punct if t.text == ";" => {
                if in_statement {
                    close_statement(
                        &mut pending,
                        statement_has_placeholder,
                        statement_pos,
                        statement,
                        &mut errors,
                    );
                    statement += 1;
                    in_statement = false;
                    statement_has_placeholder = false;
                } else {
                    orphans(&mut pending, &mut errors);
                }
            }
            _ => {
                if !in_statement {
                    in_statement = true;
                    statement_pos = (line, col);
                }
                if is_placeholder(&tokens, i) {
                    statement_has_placeholder = true;
                }
            }
        }
        if t.newlines() > 0 {
            line += t.newlines();
            line_start = t.start + t.text.rfind('\n').map_or(0, |n| n + 1);
        }
        // a line comment ends before its newline; the Space after it carries the break
    }
    if in_statement {
        close_statement(
            &mut pending,
            statement_has_placeholder,
            statement_pos,
            statement,
            &mut errors,
        );
    } else {
        orphans(&mut pending, &mut errors);
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        errors.sort_by_key(|e| (e.line, e.col));
        Err(errors)
    }
}

/// Directives with no statement below them before the next `;` or the end of the file.
fn orphans(pending: &mut Vec<(Option<String>, usize, usize)>, errors: &mut Vec<DirectiveError>) {
    for (_, line, col) in pending.drain(..).filter(|(label, ..)| label.is_some()) {
        errors.push(DirectiveError {
            line,
            col,
            message: format!(
                "{SCHEDULE_ID_DIRECTIVE} is not directly above a statement: it names the backup \
                 schedule of the statement that follows it"
            ),
        });
    }
}

/// The label of a directive's text after `bmdb:`.
fn parse_directive(rest: &str) -> Result<String, String> {
    let name_end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let (name, arg) = (&rest[..name_end], rest[name_end..].trim());
    let directive = SCHEDULE_ID_DIRECTIVE
        .strip_prefix(PREFIX)
        .unwrap_or_default();
    if name != directive {
        return Err(format!(
            "unknown bmdb directive `{PREFIX}{name}`: the one directive is \
             `-- {SCHEDULE_ID_DIRECTIVE} <label>` (a plain comment must not start with `{PREFIX}`)"
        ));
    }
    if arg.is_empty() {
        return Err(format!(
            "{SCHEDULE_ID_DIRECTIVE} needs the schedule's label: `-- {SCHEDULE_ID_DIRECTIVE} 'bluemarble'`"
        ));
    }
    if arg.starts_with('\'') {
        let toks: Vec<Token<'_>> = tokenize(arg).collect();
        return match toks.as_slice() {
            [t] if t.kind == Kind::String && t.closed => {
                let label = t.value().unwrap_or_default().into_owned();
                if label.is_empty() {
                    Err(format!("{SCHEDULE_ID_DIRECTIVE}: the label is empty"))
                } else {
                    Ok(label)
                }
            }
            _ => Err(format!(
                "{SCHEDULE_ID_DIRECTIVE}: the label must be one string literal ('...' with '' for a \
                 quote) and nothing after it"
            )),
        };
    }
    if arg
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        Ok(arg.to_string())
    } else {
        Err(format!(
            "{SCHEDULE_ID_DIRECTIVE}: `{arg}` is not a label; quote a label with spaces or other \
             characters as a string literal ('{}')",
            arg.replace('\'', "''")
        ))
    }
}

/// Whether `needle` (ASCII) occurs in `haystack`, ignoring ASCII case.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether token `i` is the `:` of a `:schedule_id` placeholder.
fn is_placeholder(tokens: &[Token<'_>], i: usize) -> bool {
    tokens[i].is_punct(":")
        && tokens
            .get(i + 1)
            .is_some_and(|t| t.is_word(&SCHEDULE_ID_PLACEHOLDER[1..]))
}

/// `sql` with every `:schedule_id` placeholder replaced by `id` (strings and comments untouched).
pub fn substitute_schedule_id(sql: &str, id: i64) -> String {
    let tokens: Vec<Token<'_>> = tokenize(sql).collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < tokens.len() {
        if is_placeholder(&tokens, i) {
            out.push_str(&id.to_string());
            i += 2;
        } else {
            out.push_str(tokens[i].text);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Vec<(usize, String, usize, usize)> {
        schedule_id_directives(text)
            .unwrap()
            .into_iter()
            .map(|d| (d.statement, d.label, d.line, d.col))
            .collect()
    }

    fn errs(text: &str) -> Vec<(usize, usize, String)> {
        schedule_id_directives(text)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.line, e.col, e.message))
            .collect()
    }

    #[test]
    fn ties_each_directive_to_the_statement_below_it() {
        let text = "-- step 1: create_table t\nCREATE TABLE t (a INT8);\n\n\
                    -- step 2: alter_backup_schedule backup schedule bluemarble\n\
                    -- bmdb:backup-schedule-id 'bluemarble'\n\
                    ALTER BACKUP SCHEDULE :schedule_id SET RECURRING '@hourly';\n\
                    -- bmdb:backup-schedule-id nightly-2.b\n\n\
                    ALTER BACKUP SCHEDULE :SCHEDULE_ID SET SCHEDULE OPTION on_previous_running = 'skip'";
        assert_eq!(
            ok(text),
            vec![
                (1, "bluemarble".into(), 5, 1),
                (2, "nightly-2.b".into(), 7, 1)
            ]
        );
    }

    #[test]
    fn quoted_labels_undo_doubled_quotes_and_keep_spaces() {
        let text =
            "  -- bmdb:backup-schedule-id 'nightly ''cluster'''\nPAUSE SCHEDULE :schedule_id;";
        assert_eq!(ok(text), vec![(0, "nightly 'cluster'".into(), 1, 3)]);
    }

    #[test]
    fn a_file_without_directives_has_none() {
        assert_eq!(
            ok("SELECT a::schedule_id FROM t; -- bmdb is great\n"),
            vec![]
        );
        assert_eq!(ok("SELECT ':schedule_id' -- :schedule_id\n;"), vec![]);
    }

    #[test]
    fn misplaced_and_malformed_directives_are_errors_at_their_line_and_column() {
        let e = errs("SELECT 1;\n-- bmdb:backup-schedule-id x\n");
        assert_eq!((e[0].0, e[0].1), (2, 1));
        assert!(e[0].2.contains("not directly above a statement"), "{e:?}");

        let e = errs("-- bmdb:backup-schedule-id x\n;\nSELECT 1");
        assert!(e[0].2.contains("not directly above"), "{e:?}");

        let e = errs("ALTER BACKUP SCHEDULE :schedule_id\n  -- bmdb:backup-schedule-id x\n  SET RECURRING '@daily';");
        // and the statement's placeholder has no directive above it
        assert_eq!((e[0].0, e[0].1), (1, 1));
        assert_eq!((e[1].0, e[1].1), (2, 3));
        assert!(e[1].2.contains("inside a statement"), "{e:?}");

        let e =
            errs("-- bmdb:backup-schedule x\nALTER BACKUP SCHEDULE :schedule_id SET LABEL 'y';");
        assert!(
            e[0].2
                .contains("unknown bmdb directive `bmdb:backup-schedule`"),
            "{e:?}"
        );

        let e =
            errs("-- bmdb:backup-schedule-id\nALTER BACKUP SCHEDULE :schedule_id SET LABEL 'y';");
        assert!(e[0].2.contains("needs the schedule's label"), "{e:?}");

        let e = errs("-- bmdb:backup-schedule-id two words\nALTER BACKUP SCHEDULE :schedule_id SET LABEL 'y';");
        assert!(e[0].2.contains("quote a label"), "{e:?}");
        assert_eq!(e.len(), 1, "a malformed directive is reported once: {e:?}");

        let e = errs(
            "-- bmdb:backup-schedule-id 'open\nALTER BACKUP SCHEDULE :schedule_id SET LABEL 'y';",
        );
        assert!(e[0].2.contains("one string literal"), "{e:?}");

        let e = errs("-- bmdb:backup-schedule-id x\nALTER BACKUP SCHEDULE 12 SET LABEL 'y';");
        assert!(e[0].2.contains("without the placeholder"), "{e:?}");

        let e = errs("-- bmdb:backup-schedule-id x\n-- bmdb:backup-schedule-id y\nPAUSE SCHEDULE :schedule_id;");
        assert_eq!(e[0].0, 2);
        assert!(e[0].2.contains("a second"), "{e:?}");

        let e = errs("SELECT 1;\n\n  ALTER BACKUP SCHEDULE :schedule_id SET LABEL 'y';");
        assert_eq!((e[0].0, e[0].1), (3, 3));
        assert!(e[0].2.contains("no `-- bmdb:backup-schedule-id"), "{e:?}");

        // the quick look for `bmdb:` and `schedule_id` before tokenizing misses neither: a
        // placeholder in another case, a lone misspelt directive
        let e = errs("SELECT 1;\nALTER BACKUP SCHEDULE :Schedule_ID SET LABEL 'y';");
        assert!(e[0].2.contains("no `-- bmdb:backup-schedule-id"), "{e:?}");
        let e = errs("SELECT 1;\n-- bmdb:backup-schedul x\nSELECT 2;");
        assert!(e[0].2.contains("unknown bmdb directive"), "{e:?}");
    }

    #[test]
    fn substitutes_only_the_placeholder() {
        assert_eq!(
            substitute_schedule_id(
                "ALTER BACKUP SCHEDULE :schedule_id SET LABEL ':schedule_id' /* :schedule_id */",
                1145734748573630465
            ),
            "ALTER BACKUP SCHEDULE 1145734748573630465 SET LABEL ':schedule_id' /* :schedule_id */"
        );
        assert_eq!(
            substitute_schedule_id("SELECT a::schedule_id", 7),
            "SELECT a::schedule_id"
        );
    }
}
