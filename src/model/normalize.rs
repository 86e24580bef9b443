//! Normalisation: folds every alias the YAML may use into one canonical form, so an
//! alias is never a difference. Type names, generated constraint and index names,
//! durations and zone constraint strings all have exactly one spelling after this.

use super::types::{Constraints, Dialect};
use crate::sql::split_top_commas;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Longest identifier PostgreSQL and CockroachDB keep (NAMEDATALEN - 1).
pub const MAX_IDENT_BYTES: usize = 63;

/// A column type after normalisation, with what a serial type implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalType {
    pub ty: String,
    /// Serial types on CockroachDB: NOT NULL with `DEFAULT unique_rowid()`.
    pub serial_default: Option<&'static str>,
}

/// A handful of the types bmdb knows, for the `unknown-type` help.
pub const KNOWN_TYPES: &[&str] = &[
    "INT8",
    "INT4",
    "INT2",
    "STRING",
    "VARCHAR(n)",
    "CHAR(n)",
    "FLOAT8",
    "FLOAT4",
    "BOOL",
    "BYTES",
    "TIMESTAMP",
    "TIMESTAMPTZ",
    "DECIMAL(p,s)",
    "JSONB",
    "UUID",
    "DATE",
    "TIME",
    "INTERVAL",
    "INET",
    "GEOGRAPHY(POINT,4326)",
    "GEOMETRY",
    "SERIAL",
    "T[]",
];

/// Bare type names (no arguments) bmdb accepts, every alias included; used for "did you mean".
pub const TYPE_NAMES: &[&str] = &[
    "INT",
    "INTEGER",
    "BIGINT",
    "INT64",
    "INT8",
    "INT4",
    "SMALLINT",
    "INT2",
    "TEXT",
    "STRING",
    "VARCHAR",
    "CHAR",
    "FLOAT",
    "FLOAT8",
    "DOUBLE PRECISION",
    "REAL",
    "FLOAT4",
    "BOOL",
    "BOOLEAN",
    "BYTES",
    "BYTEA",
    "TIMESTAMP",
    "TIMESTAMPTZ",
    "DECIMAL",
    "NUMERIC",
    "JSON",
    "JSONB",
    "UUID",
    "DATE",
    "TIME",
    "TIMETZ",
    "INTERVAL",
    "INET",
    "GEOGRAPHY",
    "GEOMETRY",
    "SERIAL",
    "BIGSERIAL",
    "SMALLSERIAL",
];

/// The one spelling of a column type: case-insensitive in, CockroachDB's upper-case
/// canonical name out (`crdb_internal_region` stays lower case). `None` = unknown type.
pub fn canonical_type(raw: &str, dialect: Dialect) -> Option<CanonicalType> {
    let raw = raw.trim();
    if let Some(elem) = raw.strip_suffix("[]") {
        let inner = canonical_type(elem, dialect)?;
        if inner.serial_default.is_some() || inner.ty.ends_with("SERIAL") {
            return None;
        }
        return Some(plain(format!("{}[]", inner.ty)));
    }
    let (base, args) = match raw.find('(') {
        Some(open) => {
            let rest = raw[open + 1..].trim_end();
            let inner = rest.strip_suffix(')')?;
            let args: Vec<String> = inner.split(',').map(|a| a.trim().to_string()).collect();
            (&raw[..open], Some(args))
        }
        None => (raw, None),
    };
    let base = base
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let numbers = |args: &Option<Vec<String>>| -> Option<Vec<u32>> {
        args.as_ref()
            .map(|a| {
                a.iter()
                    .map(|x| x.parse::<u32>().ok())
                    .collect::<Option<Vec<u32>>>()
            })
            .unwrap_or(Some(Vec::new()))
    };
    let no_args = args.is_none();
    let ty = match base.as_str() {
        "INT" | "INTEGER" | "BIGINT" | "INT64" | "INT8" if no_args => "INT8".to_string(),
        "INT4" if no_args => "INT4".to_string(),
        "SMALLINT" | "INT2" if no_args => "INT2".to_string(),
        // PostgreSQL tells an unbounded varchar from text (CockroachDB does not): the
        // postgres dialect keeps the type the schema wrote.
        "VARCHAR" | "CHARACTER VARYING" if no_args && dialect == Dialect::Postgres => {
            "VARCHAR".to_string()
        }
        "TEXT" | "STRING" | "VARCHAR" | "CHARACTER VARYING" if no_args => "STRING".to_string(),
        "VARCHAR" | "CHARACTER VARYING" | "STRING" => {
            let n = numbers(&args)?;
            match n.as_slice() {
                [len] if *len > 0 => format!("VARCHAR({len})"),
                _ => return None,
            }
        }
        "CHAR" | "CHARACTER" => match numbers(&args)?.as_slice() {
            [] => "CHAR".to_string(),
            [len] if *len > 0 => format!("CHAR({len})"),
            _ => return None,
        },
        "FLOAT" | "FLOAT8" | "DOUBLE PRECISION" if no_args => "FLOAT8".to_string(),
        "REAL" | "FLOAT4" if no_args => "FLOAT4".to_string(),
        "BOOL" | "BOOLEAN" if no_args => "BOOL".to_string(),
        "BYTES" | "BYTEA" if no_args => "BYTES".to_string(),
        "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => {
            with_precision("TIMESTAMP", &numbers(&args)?)?
        }
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => {
            with_precision("TIMESTAMPTZ", &numbers(&args)?)?
        }
        "TIME" | "TIME WITHOUT TIME ZONE" => with_precision("TIME", &numbers(&args)?)?,
        "TIMETZ" | "TIME WITH TIME ZONE" => with_precision("TIMETZ", &numbers(&args)?)?,
        "DECIMAL" | "NUMERIC" | "DEC" => match numbers(&args)?.as_slice() {
            [] => "DECIMAL".to_string(),
            [p] if *p > 0 => format!("DECIMAL({p},0)"),
            [p, s] if *p > 0 && s <= p => format!("DECIMAL({p},{s})"),
            _ => return None,
        },
        // json keeps its text (key order, duplicates) on PostgreSQL; one type on CockroachDB.
        "JSON" if no_args && dialect == Dialect::Postgres => "JSON".to_string(),
        "JSON" | "JSONB" if no_args => "JSONB".to_string(),
        "UUID" if no_args => "UUID".to_string(),
        "DATE" if no_args => "DATE".to_string(),
        "INTERVAL" if no_args => "INTERVAL".to_string(),
        "INET" if no_args => "INET".to_string(),
        "GEOGRAPHY" | "GEOMETRY" => spatial(&base, args.as_deref())?,
        "CRDB_INTERNAL_REGION" | "PUBLIC.CRDB_INTERNAL_REGION" if no_args => {
            "crdb_internal_region".to_string()
        }
        "SERIAL" | "SERIAL4" | "SERIAL8" | "BIGSERIAL" | "SERIAL2" | "SMALLSERIAL" if no_args => {
            return Some(serial(&base, dialect));
        }
        _ => return None,
    };
    Some(plain(ty))
}

fn plain(ty: String) -> CanonicalType {
    CanonicalType {
        ty,
        serial_default: None,
    }
}

fn serial(base: &str, dialect: Dialect) -> CanonicalType {
    match dialect {
        // CockroachDB's default serial_normalization = rowid: INT8 DEFAULT unique_rowid().
        Dialect::Cockroach => CanonicalType {
            ty: "INT8".to_string(),
            serial_default: Some("unique_rowid()"),
        },
        Dialect::Postgres => plain(
            match base {
                "SERIAL8" | "BIGSERIAL" => "BIGSERIAL",
                "SERIAL2" | "SMALLSERIAL" => "SMALLSERIAL",
                _ => "SERIAL",
            }
            .to_string(),
        ),
    }
}

fn with_precision(name: &str, args: &[u32]) -> Option<String> {
    match args {
        [] => Some(name.to_string()),
        [p] if *p <= 6 => Some(format!("{name}({p})")),
        _ => None,
    }
}

const SHAPES: &[&str] = &[
    "GEOMETRY",
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
];

fn spatial(base: &str, args: Option<&[String]>) -> Option<String> {
    let Some(args) = args else {
        return Some(base.to_string());
    };
    let default_srid = if base == "GEOGRAPHY" { 4326 } else { 0 };
    let (shape, srid) = match args {
        [shape] => (shape.to_uppercase(), default_srid),
        [shape, srid] => (shape.to_uppercase(), srid.parse::<i32>().ok()?),
        _ => return None,
    };
    // Z/M/ZM suffixed shapes (POINTZ) are accepted as written.
    let core = shape.trim_end_matches('M').trim_end_matches('Z');
    if !SHAPES.contains(&shape.as_str()) && !SHAPES.contains(&core) {
        return None;
    }
    Some(format!("{base}({shape},{srid})"))
}

/// The broad family of a canonical type, so FK checks compare INT4 with INT8 as compatible.
pub fn type_family(ty: &str) -> &str {
    let base = ty.split('(').next().unwrap_or(ty);
    match base {
        "INT8" | "INT4" | "INT2" | "SERIAL" | "BIGSERIAL" | "SMALLSERIAL" => "INT",
        "STRING" | "VARCHAR" | "CHAR" => "STRING",
        "FLOAT8" | "FLOAT4" => "FLOAT",
        _ => base,
    }
}

/// A generated name, shortened to 63 bytes with a stable hash suffix when needed.
pub fn generated_name(table: &str, columns: &[String], suffix: &str) -> String {
    let mut parts = vec![table.to_string()];
    parts.extend(columns.iter().cloned());
    parts.push(suffix.to_string());
    fit_identifier(&parts.join("_"))
}

/// Keeps a name within 63 bytes: a prefix on a char boundary plus 8 hex of its SHA-256.
pub fn fit_identifier(name: &str) -> String {
    if name.len() <= MAX_IDENT_BYTES {
        return name.to_string();
    }
    let hash = Sha256::digest(name.as_bytes());
    let hex: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut cut = MAX_IDENT_BYTES - hex.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hex}", &name[..cut])
}

/// `30s`, `5m`, `1h`, `2d` (or bare seconds) -> seconds: the model's durations (whole
/// seconds; `ms` is for flags only).
pub fn parse_duration(raw: &str) -> Option<u64> {
    let d = parse_duration_text(raw)?;
    (d.subsec_nanos() == 0 && !raw.trim().ends_with("ms")).then_some(d.as_secs())
}

/// THE duration reader: `500ms`, `30s`, `5m`, `1h`, `2d`, or bare seconds (whole numbers,
/// one unit). The model's durations and every timeout flag go through it.
pub fn parse_duration_text(raw: &str) -> Option<std::time::Duration> {
    use std::time::Duration;
    let raw = raw.trim();
    if let Ok(n) = raw.parse::<u64>() {
        return Some(Duration::from_secs(n));
    }
    let split = raw.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = raw.split_at(split);
    let n: u64 = num.parse().ok()?;
    let secs = |mult: u64| n.checked_mul(mult).map(Duration::from_secs);
    match unit.trim() {
        "ms" => Some(Duration::from_millis(n)),
        "s" => secs(1),
        "m" => secs(60),
        "h" => secs(3600),
        "d" => secs(86400),
        _ => None,
    }
}

/// A duration as people write it: `500ms`, `90s`, `2m`, `1h` (the largest unit that is exact).
pub fn format_duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let s = d.as_secs();
    match s {
        0 => "0s".to_string(),
        s if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        s if s.is_multiple_of(60) => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A duration flag's value (clap's value parser): the error says what is accepted.
pub fn parse_duration_flag(raw: &str) -> Result<std::time::Duration, String> {
    parse_duration_text(raw).ok_or_else(|| {
        "not a duration: write e.g. 500ms, 30s, 2m, 1h or bare seconds (a whole number and one unit)".to_string()
    })
}

/// One constraint as CockroachDB prints it, inner quotes dropped: `+region=us-east-1`.
fn clean_constraint(raw: &str) -> String {
    let t = raw.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(t);
    t.trim().to_string()
}

/// Parses CockroachDB's string forms: `[+region=a, -disk=hdd]`, `{+region=a: 1}`,
/// `{"+region=a": 1}`. Errors say what was expected.
pub fn parse_constraints_str(raw: &str) -> Result<Constraints, String> {
    let t = raw.trim();
    if let Some(inner) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        let list: Vec<String> = split_top_commas(inner)
            .iter()
            .map(|s| clean_constraint(s))
            .filter(|s| !s.is_empty())
            .collect();
        return Ok(Constraints::All(list));
    }
    if let Some(inner) = t.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        let mut map = BTreeMap::new();
        for part in split_top_commas(inner) {
            if part.trim().is_empty() {
                continue;
            }
            let colon = part
                .rfind(':')
                .ok_or_else(|| format!("\"{}\" has no replica count", part.trim()))?;
            let key = clean_constraint(&part[..colon]);
            let n: u32 = part[colon + 1..]
                .trim()
                .parse()
                .map_err(|_| format!("\"{}\" has no valid replica count", part.trim()))?;
            map.insert(key, n);
        }
        return Ok(Constraints::PerReplica(map));
    }
    Err(format!("\"{t}\" is neither a [list] nor a {{map}}"))
}

/// `[[+region=a], [+region=b]]` -> ordered preferences.
pub fn parse_lease_preferences_str(raw: &str) -> Result<Vec<Vec<String>>, String> {
    let t = raw.trim();
    let inner = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| format!("\"{t}\" is not a list of lists like [[+region=a], [+region=b]]"))?;
    let mut out = Vec::new();
    for part in split_top_commas(inner) {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        let list = p
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or_else(|| format!("\"{p}\" is not a [list] of constraints"))?;
        out.push(
            split_top_commas(list)
                .iter()
                .map(|s| clean_constraint(s))
                .filter(|s| !s.is_empty())
                .collect(),
        );
    }
    Ok(out)
}

/// The value of an INTERVAL written as [`is_interval`] reads it, as (months, days,
/// microseconds): `3 months` and CockroachDB's `3 mons`, `12h` and `12:00:00`, `P90D` and
/// `90 days` are each one value. `None` when `s` is not an interval.
pub fn interval_value(s: &str) -> Option<(i64, i64, i64)> {
    let s = s.trim();
    if !is_interval(s) {
        return None;
    }
    let (mut months, mut days, mut micros) = (0f64, 0f64, 0f64);
    let mut add = |n: f64, unit: &str| -> Option<()> {
        match unit {
            "year" | "years" | "y" => months += n * 12.0,
            "mon" | "mons" | "month" | "months" => months += n,
            "week" | "weeks" | "w" => days += n * 7.0,
            "day" | "days" | "d" => days += n,
            "hour" | "hours" | "h" => micros += n * 3_600e6,
            "minute" | "minutes" | "min" | "mins" | "m" => micros += n * 60e6,
            "second" | "seconds" | "sec" | "secs" | "s" => micros += n * 1e6,
            "millisecond" | "milliseconds" | "ms" => micros += n * 1e3,
            "microsecond" | "microseconds" | "us" => micros += n,
            _ => return None,
        }
        Some(())
    };
    if let Some(rest) = s.strip_prefix(['P', 'p']) {
        let mut time = false;
        let mut num = String::new();
        for c in rest.chars() {
            let c = c.to_ascii_uppercase();
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            if c == 'T' {
                time = true;
                continue;
            }
            let n: f64 = std::mem::take(&mut num).parse().ok()?;
            let unit = match (c, time) {
                ('Y', false) => "y",
                ('M', false) => "mon",
                ('W', false) => "w",
                ('D', false) => "d",
                ('H', true) => "h",
                ('M', true) => "m",
                ('S', true) => "s",
                _ => return None,
            };
            add(n, unit)?;
        }
        if !num.is_empty() {
            return None;
        }
    } else {
        let words: Vec<String> = s.split_whitespace().map(str::to_ascii_lowercase).collect();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if w.contains(':') {
                let parts: Vec<f64> = w
                    .split(':')
                    .map(|p| p.parse().ok())
                    .collect::<Option<_>>()?;
                let neg = w.starts_with('-');
                let sign = if neg { -1.0 } else { 1.0 };
                add(parts[0], "h")?;
                add(sign * parts[1].abs(), "m")?;
                if let Some(sec) = parts.get(2) {
                    add(sign * sec.abs(), "s")?;
                }
                i += 1;
            } else if let (Ok(n), Some(u)) = (w.parse::<f64>(), words.get(i + 1)) {
                add(n, u)?;
                i += 2;
            } else {
                let split = w.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(w.len());
                let (n, u) = w.split_at(split);
                add(n.parse().ok()?, u)?;
                i += 1;
            }
        }
    }
    Some((
        months.round() as i64,
        days.round() as i64,
        micros.round() as i64,
    ))
}

/// Whether `s` reads as an INTERVAL CockroachDB and PostgreSQL accept for row-level TTL:
/// `90 days`, `1 day 12:00:00`, `12h`, `30 minutes`, ISO 8601 `P90D` / `PT12H`.
pub fn is_interval(s: &str) -> bool {
    const UNITS: &[&str] = &[
        "year",
        "years",
        "y",
        "mon",
        "mons",
        "month",
        "months",
        "week",
        "weeks",
        "w",
        "day",
        "days",
        "d",
        "hour",
        "hours",
        "h",
        "minute",
        "minutes",
        "min",
        "mins",
        "m",
        "second",
        "seconds",
        "sec",
        "secs",
        "s",
        "millisecond",
        "milliseconds",
        "ms",
        "microsecond",
        "microseconds",
        "us",
    ];
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    if let Some(rest) = s.strip_prefix(['P', 'p']) {
        return !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || "YMWDTHS.ymwdths".contains(c))
            && rest.chars().any(|c| c.is_ascii_digit());
    }
    let is_number = |t: &str| !t.is_empty() && t.parse::<f64>().is_ok();
    let is_clock = |t: &str| {
        let parts: Vec<&str> = t.split(':').collect();
        (2..=3).contains(&parts.len()) && parts.iter().all(|p| is_number(p))
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut i = 0;
    let mut any = false;
    while i < words.len() {
        let w = words[i].to_ascii_lowercase();
        if is_clock(&w) {
            i += 1;
        } else if is_number(&w)
            && words
                .get(i + 1)
                .is_some_and(|u| UNITS.contains(&u.to_ascii_lowercase().as_str()))
        {
            i += 2;
        } else {
            // `90d`, `12h`: the number and its unit in one word
            let split = w.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(w.len());
            let (n, u) = w.split_at(split);
            if !(is_number(n) && UNITS.contains(&u)) {
                return false;
            }
            i += 1;
        }
        any = true;
    }
    any
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a third of the word's length (at least 2 edits).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The declared region a mistyped `word` most likely meant. Region names all look alike
/// (`us-east-1`, `eu-west-1`), so the general distance would suggest a different region;
/// here only case, `-`/`_` and one more edit may differ: `us-east1`, `US_East_1`, `us-est-1`;
/// and the digits must agree (`eu-west-9` is another region, not a typo of `eu-west-1`).
pub fn closest_region<'a>(word: &str, regions: &[&'a str]) -> Option<&'a str> {
    let digits = |w: &str| -> String { w.chars().filter(char::is_ascii_digit).collect() };
    let bare = |w: &str| -> String {
        w.chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let w = bare(word);
    regions
        .iter()
        .map(|r| (edit_distance(&w, &bare(r)), *r))
        .filter(|(d, r)| *d <= 1 && *r != word && digits(r) == digits(word))
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

/// `help` led by `did you mean "us-east-1"?` when a declared region is what `word` meant
/// (see [`closest_region`]).
pub fn suggest_region(word: &str, regions: &[String], help: String) -> String {
    let regions: Vec<&str> = regions.iter().map(String::as_str).collect();
    match closest_region(word, &regions) {
        Some(s) => format!("did you mean \"{s}\"? ({help})"),
        None => help,
    }
}

/// `help` led by `did you mean "x"?` when a candidate is close to `word`:
/// `did you mean "us-east-1"? (declared regions are us-east-1, eu-west-1)`.
pub fn suggest(word: &str, candidates: &[&str], help: String) -> String {
    match did_you_mean(word, candidates) {
        Some(s) if s != word => format!("did you mean \"{s}\"? ({help})"),
        _ => help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> String {
        canonical_type(s, Dialect::Cockroach)
            .map(|c| c.ty)
            .unwrap_or_default()
    }

    #[test]
    fn closest_region_forgives_case_punctuation_and_one_edit_but_not_another_number() {
        let regions = ["us-east-1", "us-west-2", "eu-west-1"];
        assert_eq!(closest_region("us-east1", &regions), Some("us-east-1"));
        assert_eq!(closest_region("US_East_1", &regions), Some("us-east-1"));
        assert_eq!(closest_region("us-wst-2", &regions), Some("us-west-2"));
        assert_eq!(closest_region("eu-west-9", &regions), None);
        assert_eq!(closest_region("us-west-1", &regions), None);
        assert_eq!(closest_region("ap-south-1", &regions), None);
        assert_eq!(closest_region("us-east-1", &regions), None);
    }

    #[test]
    fn intervals() {
        for ok in [
            "90 days",
            "1 day",
            "12 hours",
            "1 day 12:00:00",
            "00:30:00",
            "90d",
            "12h",
            "P90D",
            "PT12H",
            "1.5 hours",
        ] {
            assert!(is_interval(ok), "{ok}");
        }
        for bad in [
            "",
            "   ",
            "soon",
            "90",
            "days",
            "90 parsecs",
            "P",
            "1 day and a bit",
        ] {
            assert!(!is_interval(bad), "{bad}");
        }
    }

    #[test]
    fn integer_aliases_fold_to_one_spelling() {
        for a in ["INT", "integer", "BigInt", "int64", "INT8"] {
            assert_eq!(ty(a), "INT8", "{a}");
        }
        assert_eq!(ty("smallint"), "INT2");
        assert_eq!(ty("int4"), "INT4");
    }

    #[test]
    fn parameterised_types_are_canonical() {
        assert_eq!(ty("character varying (32)"), "VARCHAR(32)");
        assert_eq!(ty("string(10)"), "VARCHAR(10)");
        assert_eq!(ty("numeric(10)"), "DECIMAL(10,0)");
        assert_eq!(ty("decimal( 12 , 2 )"), "DECIMAL(12,2)");
        assert_eq!(ty("geography(point)"), "GEOGRAPHY(POINT,4326)");
        assert_eq!(ty("GEOMETRY(Polygon, 3857)"), "GEOMETRY(POLYGON,3857)");
        assert_eq!(ty("geometry(point)"), "GEOMETRY(POINT,0)");
        assert_eq!(ty("GEOGRAPHY"), "GEOGRAPHY");
        assert_eq!(ty("text[]"), "STRING[]");
        assert_eq!(ty("double   precision"), "FLOAT8");
        assert_eq!(ty("timestamp with time zone"), "TIMESTAMPTZ");
        assert_eq!(ty("CRDB_INTERNAL_REGION"), "crdb_internal_region");
        assert_eq!(ty("varchar(x)"), "");
        assert_eq!(ty("STRNG"), "");
    }

    #[test]
    fn postgres_keeps_the_aliases_it_tells_apart() {
        let pg = |t: &str| canonical_type(t, Dialect::Postgres).unwrap().ty;
        let crdb = |t: &str| canonical_type(t, Dialect::Cockroach).unwrap().ty;
        for (raw, on_pg, on_crdb) in [
            ("varchar", "VARCHAR", "STRING"),
            ("character varying", "VARCHAR", "STRING"),
            ("varchar[]", "VARCHAR[]", "STRING[]"),
            ("json", "JSON", "JSONB"),
            ("jsonb", "JSONB", "JSONB"),
            ("text", "STRING", "STRING"),
            ("varchar(8)", "VARCHAR(8)", "VARCHAR(8)"),
        ] {
            assert_eq!(
                (pg(raw).as_str(), crdb(raw).as_str()),
                (on_pg, on_crdb),
                "{raw}"
            );
        }
    }

    #[test]
    fn serial_depends_on_dialect() {
        let c = canonical_type("serial", Dialect::Cockroach).unwrap();
        assert_eq!(
            (c.ty.as_str(), c.serial_default),
            ("INT8", Some("unique_rowid()"))
        );
        let p = canonical_type("serial8", Dialect::Postgres).unwrap();
        assert_eq!((p.ty.as_str(), p.serial_default), ("BIGSERIAL", None));
        assert_eq!(
            canonical_type("SERIAL2", Dialect::Postgres).unwrap().ty,
            "SMALLSERIAL"
        );
    }

    #[test]
    fn long_generated_names_are_shortened_stably() {
        let cols = vec![
            "a_very_long_column_name_indeed".to_string(),
            "another_long_column_name".to_string(),
        ];
        let n = generated_name("a_table_with_a_long_name", &cols, "idx");
        assert!(n.len() <= MAX_IDENT_BYTES);
        assert_eq!(n, generated_name("a_table_with_a_long_name", &cols, "idx"));
        assert_ne!(n, generated_name("a_table_with_a_long_name", &cols, "key"));
    }

    #[test]
    fn durations_and_constraints_parse() {
        assert_eq!(parse_duration("30s"), Some(30));
        assert_eq!(parse_duration("5m"), Some(300));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("2w"), None);
        assert_eq!(
            parse_constraints_str("{\"+region=a\": 2, +region=b: 1}").unwrap(),
            Constraints::PerReplica(BTreeMap::from([
                ("+region=a".into(), 2),
                ("+region=b".into(), 1)
            ]))
        );
        assert_eq!(
            parse_constraints_str("[+region=a, -disk=hdd]").unwrap(),
            Constraints::All(vec!["+region=a".into(), "-disk=hdd".into()])
        );
        assert_eq!(
            parse_lease_preferences_str("[[+region=a], [+region=b, +zone=c]]").unwrap(),
            vec![
                vec!["+region=a".to_string()],
                vec!["+region=b".to_string(), "+zone=c".to_string()]
            ]
        );
        assert_eq!(
            did_you_mean("nulable", &["name", "nullable"]),
            Some("nullable")
        );
    }
}
