//! query: a view's query, as the model writes it and as a server gives it back.
//!
//! PostgreSQL keeps a view as a parse tree and writes it back with `pg_get_viewdef`:
//! columns qualified by their table, every condition in parentheses, literals cast
//! (`'x'::text`), output columns named (`count(*) AS count`), `!=` as `<>`, its own layout
//! and a trailing `;`. The model's text and the server's text are compared by their
//! fingerprints, which leave out exactly those differences: the order of the remaining
//! words, names, literals and operators must be the same. What the fingerprint cannot see
//! (a changed alias, cast or qualifier alone) is not drift; docs/model.md "Views" says so.

use super::tokens::{tokenize, Kind};

/// A server's view definition as the model keeps it: trimmed, without the trailing `;`.
pub fn view_query_text(def: &str) -> String {
    let t = def.trim();
    let t = t.strip_suffix(';').unwrap_or(t).trim_end();
    // pg_get_viewdef indents every line after the first; keep the lines as they are
    t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// The comparable form of a view query (see the module documentation): tokens without
/// whitespace, comments, parentheses, `;`, table qualifiers, casts and `AS alias`;
/// unquoted words lower-cased, quoted identifiers unquoted; `!=` written `<>`; the noise
/// words `INNER`, `OUTER` and `ASC` left out.
pub fn query_fingerprint(query: &str) -> String {
    let toks: Vec<(Kind, String)> = tokenize(query)
        .filter(|t| !t.is_trivia())
        .map(|t| match t.kind {
            Kind::Word => (Kind::Word, t.text.to_ascii_lowercase()),
            Kind::QuotedIdent => (
                Kind::Word,
                t.value().map(|v| v.into_owned()).unwrap_or_default(),
            ),
            Kind::Punct if t.text == "!=" => (Kind::Punct, "<>".to_string()),
            k => (k, t.text.to_string()),
        })
        .collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let (k, s) = (&toks[i].0, toks[i].1.as_str());
        // `name.` before a name or `*`: a qualifier
        if *k == Kind::Word
            && toks.get(i + 1).is_some_and(|t| t.1 == ".")
            && toks
                .get(i + 2)
                .is_some_and(|t| t.0 == Kind::Word || t.1 == "*")
        {
            i += 2;
            continue;
        }
        // `::type`, `::type[]`, `::character varying`
        if *k == Kind::Punct && s == "::" {
            i += 1;
            while toks.get(i).is_some_and(|t| t.0 == Kind::Word) {
                i += 1;
                if !matches!(
                    toks.get(i - 1).map(|t| t.1.as_str()),
                    Some("character" | "double" | "timestamp" | "time" | "with" | "without")
                ) {
                    break;
                }
            }
            while toks.get(i).is_some_and(|t| t.1 == "[" || t.1 == "]") {
                i += 1;
            }
            continue;
        }
        if *k == Kind::Word && s == "as" && toks.get(i + 1).is_some_and(|t| t.0 == Kind::Word) {
            i += 2;
            continue;
        }
        // words PostgreSQL leaves out when it writes a query back
        if *k == Kind::Word && matches!(s, "inner" | "outer" | "asc") {
            i += 1;
            continue;
        }
        if matches!(s, "(" | ")" | ";") && *k == Kind::Punct {
            i += 1;
            continue;
        }
        out.push(s);
        i += 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_deparse_has_the_model_fingerprint() {
        let model = "SELECT id, name, count(*) FROM players WHERE score != 0 AND name = 'x' GROUP BY id, name";
        let server = " SELECT players.id,\n    players.name,\n    count(*) AS count\n   FROM players\n  WHERE ((players.score <> 0) AND (players.name = 'x'::text))\n  GROUP BY players.id, players.name;";
        assert_eq!(query_fingerprint(model), query_fingerprint(server));
        assert_ne!(
            query_fingerprint(model),
            query_fingerprint(
                "SELECT id, name, count(*) FROM players WHERE score > 0 GROUP BY id, name"
            )
        );
        assert_eq!(
            query_fingerprint("SELECT a.id FROM a INNER JOIN b ON a.id = b.id LEFT OUTER JOIN c ON c.id = a.id ORDER BY a.id ASC"),
            query_fingerprint(" SELECT a.id\n   FROM ((a\n     JOIN b ON ((a.id = b.id)))\n     LEFT JOIN c ON ((c.id = a.id)))\n  ORDER BY a.id;")
        );
        assert_eq!(
            view_query_text(server),
            "SELECT players.id,\n    players.name,\n    count(*) AS count\n   FROM players\n  WHERE ((players.score <> 0) AND (players.name = 'x'::text))\n  GROUP BY players.id, players.name"
        );
    }
}
