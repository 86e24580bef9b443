//! tokens: the one SQL tokenizer. It cuts text into tokens without losing a byte (the
//! tokens' texts, joined, are the input), so every reader above it can slice the original
//! text by the tokens' offsets.
//!
//! It knows PostgreSQL's and CockroachDB's lexical rules for what hides other text:
//! `'...'` strings (`''` is a quote), `E'...'` strings (backslash escapes too), `$$...$$` and
//! `$tag$...$tag$` dollar quotes (`$1` is a parameter, not a tag), `"..."` identifiers
//! (`""` is a quote), `--` line comments and nested `/* */` block comments. A literal or
//! comment the text ends inside is one token to the end, marked not `closed`.

use std::borrow::Cow;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A run of ASCII whitespace.
    Space,
    /// `-- ...` up to, not including, the end of the line.
    LineComment,
    /// `/* ... */`, nested ones included.
    BlockComment,
    /// `'...'`, `''` for a quote; a backslash is an ordinary character.
    String,
    /// `E'...'`: backslash escapes as well as `''`.
    EscapeString,
    /// `$$...$$` or `$tag$...$tag$`: nothing inside is special.
    DollarString,
    /// `"..."`, `""` for a quote.
    QuotedIdent,
    /// An unquoted word: keyword, identifier, function or type name (letters, digits, `_`,
    /// `$` and any non-ASCII character; not starting with a digit or `$`).
    Word,
    /// Digits and dots: `1`, `1.5`, `.5`.
    Number,
    /// A run of `:` (`::`, `:::`), a run of operator characters (`>=`, `||`), or one other
    /// character (`(`, `)`, `,`, `;`, `.`, `[` ...).
    Punct,
}

/// One token: its kind, its text and where it starts in the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Byte offset of the token's first character in the scanned text.
    pub start: usize,
    /// False for a literal, quoted identifier or block comment that the text ends inside.
    pub closed: bool,
}

impl<'a> Token<'a> {
    /// Byte offset just after the token.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Whether this is the punctuation or operator `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// Whether this is the unquoted word `w`, in any letter case.
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(w)
    }

    /// Whitespace or a comment: what separates tokens and means nothing by itself.
    pub fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            Kind::Space | Kind::LineComment | Kind::BlockComment
        )
    }

    /// Any of the three string literal forms.
    pub fn is_string(&self) -> bool {
        matches!(
            self.kind,
            Kind::String | Kind::EscapeString | Kind::DollarString
        )
    }

    /// Number of line breaks inside the token.
    pub fn newlines(&self) -> usize {
        match self.kind {
            Kind::Word | Kind::Number | Kind::Punct => 0,
            _ => self.text.bytes().filter(|&b| b == b'\n').count(),
        }
    }

    /// A string literal's value (quotes and escapes undone), or a quoted identifier's name;
    /// `None` for other tokens. `E''` escapes: `\n`, `\t`, `\r`, and `\x` for any other `x`.
    pub fn value(&self) -> Option<Cow<'a, str>> {
        let t = self.text;
        match self.kind {
            Kind::String => Some(undouble(body(t, 1, 1, self.closed), '\'')),
            Kind::QuotedIdent => Some(undouble(body(t, 1, 1, self.closed), '"')),
            Kind::EscapeString => Some(Cow::Owned(unescape(body(t, 2, 1, self.closed)))),
            Kind::DollarString => {
                let tag = dollar_tag(t.as_bytes(), 0).unwrap_or(t.len());
                let close = if self.closed { tag } else { 0 };
                Some(Cow::Borrowed(&t[tag..t.len() - close]))
            }
            _ => None,
        }
    }
}

/// The text between an opening of `open` bytes and a closing of `close` bytes (absent when
/// the literal is not closed).
fn body(t: &str, open: usize, close: usize, closed: bool) -> &str {
    let end = if closed { t.len() - close } else { t.len() };
    t.get(open..end).unwrap_or("")
}

fn undouble(s: &str, quote: char) -> Cow<'_, str> {
    let doubled: &str = if quote == '\'' { "''" } else { "\"\"" };
    if s.contains(doubled) {
        Cow::Owned(s.replace(doubled, &quote.to_string()))
    } else {
        Cow::Borrowed(s)
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '\'' => {
                // `''` inside E'' is one quote
                out.push('\'');
                chars.next();
            }
            c => out.push(c),
        }
    }
    out
}

/// Cuts `text` into tokens, in order, covering every byte.
pub fn tokenize(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

/// The iterator [`tokenize`] returns.
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

/// Bytes of an unquoted word (and of a dollar-quote tag): PostgreSQL counts every byte of
/// a multibyte character as a letter.
pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_operator_byte(b: u8) -> bool {
    matches!(
        b,
        b'<' | b'>'
            | b'='
            | b'!'
            | b'~'
            | b'|'
            | b'&'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'^'
            | b'@'
            | b'#'
    )
}

/// `$$` or `$tag$` at `i`: its length; `$1` parameters are not tags.
fn dollar_tag(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if bytes.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while j < bytes.len() && is_ident_byte(bytes[j]) {
        j += 1;
    }
    (bytes.get(j) == Some(&b'$')).then_some(j + 1 - i)
}

/// From an opening quote at `i`, the offset after the closing one (`quote` doubled is a
/// quote; with `backslash`, `\` escapes the next byte) and whether it was found.
fn quoted_end(bytes: &[u8], i: usize, quote: u8, backslash: bool) -> (usize, bool) {
    let mut j = i + 1;
    while j < bytes.len() {
        let b = bytes[j];
        if b == b'\\' && backslash {
            j += 2;
        } else if b == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
            } else {
                return (j + 1, true);
            }
        } else {
            j += 1;
        }
    }
    (bytes.len(), false)
}

/// From `/*` at `i`, the offset after the matching `*/` (comments nest) and whether found.
fn block_comment_end(bytes: &[u8], i: usize) -> (usize, bool) {
    let mut depth = 1;
    let mut j = i + 2;
    while j < bytes.len() {
        if bytes[j] == b'/' && bytes.get(j + 1) == Some(&b'*') {
            depth += 1;
            j += 2;
        } else if bytes[j] == b'*' && bytes.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return (j, true);
            }
        } else {
            j += 1;
        }
    }
    (bytes.len(), false)
}

impl<'a> Tokens<'a> {
    /// The kind, end offset and closedness of the token starting at `i`.
    fn scan_at(&self, i: usize) -> (Kind, usize, bool) {
        let bytes = self.text.as_bytes();
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        let after_word = i > 0 && is_ident_byte(bytes[i - 1]);
        match c {
            b if b.is_ascii_whitespace() => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                (Kind::Space, j, true)
            }
            b'-' if next == Some(b'-') => {
                let end = memchr_newline(bytes, i).unwrap_or(bytes.len());
                (Kind::LineComment, end, true)
            }
            b'/' if next == Some(b'*') => {
                let (end, closed) = block_comment_end(bytes, i);
                (Kind::BlockComment, end, closed)
            }
            b'\'' => {
                let (end, closed) = quoted_end(bytes, i, b'\'', false);
                (Kind::String, end, closed)
            }
            b'e' | b'E' if next == Some(b'\'') && !after_word => {
                let (end, closed) = quoted_end(bytes, i + 1, b'\'', true);
                (Kind::EscapeString, end.min(bytes.len()), closed)
            }
            b'"' => {
                let (end, closed) = quoted_end(bytes, i, b'"', false);
                (Kind::QuotedIdent, end, closed)
            }
            b'$' if !after_word => match dollar_tag(bytes, i) {
                Some(len) => {
                    let tag = &self.text[i..i + len];
                    match self.text[i + len..].find(tag) {
                        Some(at) => (Kind::DollarString, i + len + at + len, true),
                        None => (Kind::DollarString, bytes.len(), false),
                    }
                }
                None => (Kind::Punct, i + 1, true),
            },
            b'0'..=b'9' => (Kind::Number, number_end(bytes, i), true),
            b'.' if next.is_some_and(|d| d.is_ascii_digit()) => {
                (Kind::Number, number_end(bytes, i), true)
            }
            b if is_ident_byte(b) => {
                let mut j = i + 1;
                while j < bytes.len() && (is_ident_byte(bytes[j]) || bytes[j] == b'$') {
                    j += 1;
                }
                (Kind::Word, j, true)
            }
            b':' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] == b':' {
                    j += 1;
                }
                (Kind::Punct, j, true)
            }
            b if is_operator_byte(b) => {
                // an operator never contains the start of a comment
                let mut j = i + 1;
                while j < bytes.len()
                    && is_operator_byte(bytes[j])
                    && !matches!(&bytes[j..], [b'-', b'-', ..] | [b'/', b'*', ..])
                {
                    j += 1;
                }
                (Kind::Punct, j, true)
            }
            _ => (Kind::Punct, i + 1, true),
        }
    }
}

fn number_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
        j += 1;
    }
    j
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|n| from + n)
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let (kind, end, closed) = self.scan_at(start);
        self.pos = end;
        Some(Token {
            kind,
            text: &self.text[start..end],
            start,
            closed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str, bool)> {
        tokenize(text).map(|t| (t.kind, t.text, t.closed)).collect()
    }

    fn lossless(text: &str) {
        let joined: String = tokenize(text).map(|t| t.text).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn plain_tokens() {
        use Kind::*;
        assert_eq!(
            kinds("a_1 >= 0.5::INT8 AND f(x$y, .5)"),
            vec![
                (Word, "a_1", true),
                (Space, " ", true),
                (Punct, ">=", true),
                (Space, " ", true),
                (Number, "0.5", true),
                (Punct, "::", true),
                (Word, "INT8", true),
                (Space, " ", true),
                (Word, "AND", true),
                (Space, " ", true),
                (Word, "f", true),
                (Punct, "(", true),
                (Word, "x$y", true),
                (Punct, ",", true),
                (Space, " ", true),
                (Number, ".5", true),
                (Punct, ")", true),
            ]
        );
        assert_eq!(
            kinds("1:::INT8;é"),
            vec![
                (Number, "1", true),
                (Punct, ":::", true),
                (Word, "INT8", true),
                (Punct, ";", true),
                (Word, "é", true),
            ]
        );
    }

    #[test]
    fn string_literals() {
        use Kind::*;
        assert_eq!(kinds("'it''s'"), vec![(String, "'it''s'", true)]);
        // a plain string takes backslash literally (standard_conforming_strings)
        assert_eq!(
            kinds(r"'a\' x"),
            vec![
                (String, r"'a\'", true),
                (Space, " ", true),
                (Word, "x", true)
            ]
        );
        assert_eq!(kinds(r"E'a\'b'"), vec![(EscapeString, r"E'a\'b'", true)]);
        assert_eq!(kinds(r"e'a''b'"), vec![(EscapeString, r"e'a''b'", true)]);
        // `some'...'` is a word, then a plain string
        assert_eq!(
            kinds(r"some'a\'"),
            vec![(Word, "some", true), (String, r"'a\'", true)]
        );
        let t = tokenize(r"E'tab\there\n''q'''").next().unwrap();
        assert_eq!(t.value().unwrap(), "tab\there\n'q'");
        let t = tokenize("'it''s'").next().unwrap();
        assert_eq!(t.value().unwrap(), "it's");
    }

    #[test]
    fn dollar_quotes_and_parameters() {
        use Kind::*;
        assert_eq!(kinds("$$a;'b$$"), vec![(DollarString, "$$a;'b$$", true)]);
        assert_eq!(
            kinds("$x$ $$ $x$"),
            vec![(DollarString, "$x$ $$ $x$", true)]
        );
        assert_eq!(kinds("$1"), vec![(Punct, "$", true), (Number, "1", true)]);
        let t = tokenize("$body$it's$body$").next().unwrap();
        assert_eq!(t.value().unwrap(), "it's");
    }

    #[test]
    fn quoted_identifiers() {
        use Kind::*;
        assert_eq!(
            kinds(r#""a ""b"" c""#),
            vec![(QuotedIdent, r#""a ""b"" c""#, true)]
        );
        let t = tokenize(r#""a ""b""""#).next().unwrap();
        assert_eq!(t.value().unwrap(), r#"a "b""#);
    }

    #[test]
    fn comments() {
        use Kind::*;
        assert_eq!(
            kinds("a -- x; 'y\nb"),
            vec![
                (Word, "a", true),
                (Space, " ", true),
                (LineComment, "-- x; 'y", true),
                (Space, "\n", true),
                (Word, "b", true),
            ]
        );
        assert_eq!(
            kinds("/* a /* b */ c */d"),
            vec![(BlockComment, "/* a /* b */ c */", true), (Word, "d", true)]
        );
        // an operator stops where a comment starts
        assert_eq!(
            kinds("a<--b"),
            vec![
                (Word, "a", true),
                (Punct, "<", true),
                (LineComment, "--b", true)
            ]
        );
        assert_eq!(
            kinds("+/*c*/"),
            vec![(Punct, "+", true), (BlockComment, "/*c*/", true)]
        );
    }

    #[test]
    fn unterminated_things_run_to_the_end_unclosed() {
        use Kind::*;
        assert_eq!(
            kinds("x 'abc"),
            vec![
                (Word, "x", true),
                (Space, " ", true),
                (String, "'abc", false)
            ]
        );
        assert_eq!(kinds(r"E'ab\'"), vec![(EscapeString, r"E'ab\'", false)]);
        assert_eq!(kinds(r"E'ab\"), vec![(EscapeString, r"E'ab\", false)]);
        assert_eq!(kinds("\"ab"), vec![(QuotedIdent, "\"ab", false)]);
        assert_eq!(kinds("$t$ab$$"), vec![(DollarString, "$t$ab$$", false)]);
        assert_eq!(
            kinds("/* a /* b */"),
            vec![(BlockComment, "/* a /* b */", false)]
        );
        assert_eq!(
            kinds("-- to the end"),
            vec![(LineComment, "-- to the end", true)]
        );
        let t = tokenize("'ab").next().unwrap();
        assert_eq!(t.value().unwrap(), "ab");
        let t = tokenize("$t$ab").next().unwrap();
        assert_eq!(t.value().unwrap(), "ab");
    }

    #[test]
    fn every_byte_is_kept() {
        for text in [
            "",
            "SELECT 'a;b', E'x\\'y', $$z$$, \"q\" -- c\n/* d */;",
            "é'ü' \u{a0}x $ $1 $a",
            "'open",
            "/* open",
            "E'",
            "e",
            "$",
            "$$",
            "\\",
        ] {
            lossless(text);
        }
    }
}
