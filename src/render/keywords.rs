//! The keywords an identifier must be quoted to be used as a name.
//!
//! Source: CockroachDB's `reserved_keyword`, `cockroachdb_extra_reserved_keyword`,
//! `type_func_name_keyword` and `col_name_keyword` rules in
//! /work/shared/crdb-grammar/stmt_block.bnf (cockroachdb/cockroach@00270db8,
//! docs/generated/sql/bnf/stmt_block.bnf), united with PostgreSQL's reserved words
//! ("reserved" and "reserved (can be function or type)" in the PostgreSQL 16 manual, appendix C).

/// Lower case, sorted (binary search). 160 words.
const RESERVED: [&str; 160] = [
    "all",
    "analyse",
    "analyze",
    "and",
    "annotate_type",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "box2d",
    "case",
    "cast",
    "char",
    "character",
    "characteristics",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "extract_duration",
    "false",
    "family",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "geography",
    "geometry",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "if",
    "iferror",
    "ifnull",
    "ilike",
    "in",
    "index",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "iserror",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "none",
    "not",
    "nothing",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "point",
    "polygon",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "string",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varbit",
    "varchar",
    "variadic",
    "vector",
    "verbose",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "work",
];

/// Whether `word` (already lower case) needs quoting as an identifier.
pub fn is_reserved(word: &str) -> bool {
    RESERVED.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    /// Quoted words of a BNF rule, following rule references (`type_func_name_keyword` is
    /// made of two other rules).
    fn rule_words(bnf: &str, rule: &str, out: &mut Vec<String>) {
        let head = format!("\n{rule} ::=\n");
        let start = bnf
            .find(&head)
            .unwrap_or_else(|| panic!("rule {rule} not in the BNF"))
            + head.len();
        let body = bnf[start..].split("\n\n").next().unwrap();
        for alt in body
            .lines()
            .map(|l| l.trim().trim_start_matches('|').trim())
        {
            match alt.strip_prefix('\'').and_then(|a| a.strip_suffix('\'')) {
                Some(word) => out.push(word.to_ascii_lowercase()),
                None if !alt.is_empty() => rule_words(bnf, alt, out),
                None => {}
            }
        }
    }

    #[test]
    fn every_cockroachdb_keyword_that_needs_quotes_is_listed() {
        let dir = std::env::var("CRDB_GRAMMAR_DIR").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/crdb-grammar").into()
        });
        let Ok(bnf) = std::fs::read_to_string(format!("{dir}/stmt_block.bnf")) else {
            eprintln!("crdb-grammar not found at {dir}: skipping the keyword list check");
            return;
        };
        let mut words = Vec::new();
        for rule in [
            "reserved_keyword",
            "cockroachdb_extra_reserved_keyword",
            "type_func_name_keyword",
            "col_name_keyword",
        ] {
            rule_words(&bnf, rule, &mut words);
        }
        assert!(
            words.len() > 150,
            "only {} keywords read from the BNF",
            words.len()
        );
        let missing: Vec<_> = words.iter().filter(|w| !super::is_reserved(w)).collect();
        assert!(missing.is_empty(), "keywords.rs lacks {missing:?}");
    }

    #[test]
    fn the_list_is_sorted_and_lower_case_for_binary_search() {
        assert!(super::RESERVED.windows(2).all(|w| w[0] < w[1]));
        assert!(super::RESERVED.iter().all(|w| w
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')));
    }
}
