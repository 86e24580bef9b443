//! `zones set` / `zones unset` as edits of the model's YAML text: the zone block of one
//! target changes, every other byte of the file stays as it was (comments, blank lines,
//! quoting, key order). Spans come from yaml-rust2's event marks; the document is never
//! re-serialised, only spliced.
//!
//! Targets live in `regions.yaml` (`database`, `range NAME`: under `zones:` as `database:`
//! and `range NAME:`) or in `schema/<table>.yaml` (`table T`: the top-level `zone:`;
//! `index T@I`: the `zone:` of the `indexes:` entry named I, or whose generated name
//! `<table>_<col>_..._idx` is I). A zone block created by an edit is written in flow
//! style on one line (`zone: { gc.ttlseconds: 600 }`).

use crate::model::normalize::edit_distance;
use crate::model::types::{
    zone_field_name as zf, Constraints, ExtensionLocality, ZoneConfig, ZoneField, ZoneFieldKind,
    ZONE_FIELDS,
};
pub use crate::zones::effective::FieldValue as ZoneValue;
use anyhow::{anyhow, bail, Context, Result};
use std::fmt;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// What `zones set|unset TARGET` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneTargetArg {
    Database,
    Range(String),
    Table(String),
    /// (table, index)
    Index(String, String),
    /// A zone config extension (`zone_extensions:` in regions.yaml): `extension global`,
    /// `extension regional`, `extension regional in REGION`.
    Extension(ExtensionLocality),
}

impl fmt::Display for ZoneTargetArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneTargetArg::Database => write!(f, "database"),
            ZoneTargetArg::Range(r) => write!(f, "range {r}"),
            ZoneTargetArg::Table(t) => write!(f, "table {t}"),
            ZoneTargetArg::Index(t, i) => write!(f, "index {t}@{i}"),
            ZoneTargetArg::Extension(l) => write!(f, "extension {l}"),
        }
    }
}

impl ZoneTargetArg {
    /// The table whose schema file holds the zone.
    pub fn table(&self) -> Option<&str> {
        match self {
            ZoneTargetArg::Table(t) | ZoneTargetArg::Index(t, _) => Some(t),
            _ => None,
        }
    }
}

/// That `target` names an object of the model: a table and index that exist (with the
/// closest name when not), a range the model or CockroachDB has. `zones set`, `zones unset`
/// and `zones show TARGET` check it before anything else.
pub fn check_target(model: &crate::model::types::Model, target: &ZoneTargetArg) -> Result<()> {
    use crate::model::normalize::suggest;
    if let ZoneTargetArg::Extension(locality) = target {
        if !model.database.is_multi_region() {
            bail!(
                "zone config extensions belong to a multi-region database, and this one has no primary region\n  help: set `primary_region:` and `regions:` in regions.yaml first"
            );
        }
        if let ExtensionLocality::RegionalIn(r) = locality {
            if !model.database.regions.contains(r) {
                let known: Vec<&str> = model.database.regions.iter().map(String::as_str).collect();
                bail!(
                    "{r:?} is not a region of the database\n  help: {}",
                    suggest(r, &known, format!("its regions are {}", known.join(", ")))
                );
            }
        }
        return Ok(());
    }
    if let ZoneTargetArg::Range(name) = target {
        let mut known: Vec<&str> = model
            .database
            .range_zones
            .keys()
            .map(String::as_str)
            .collect();
        for builtin in [
            "default",
            "liveness",
            "meta",
            "system",
            "timeseries",
            "tenants",
        ] {
            if !known.contains(&builtin) {
                known.push(builtin);
            }
        }
        if !known.contains(&name.as_str()) {
            bail!(
                "there is no range {name:?}\n  help: {}",
                suggest(name, &known, format!("ranges are {}", known.join(", ")))
            );
        }
        return Ok(());
    }
    let Some(t) = target.table() else {
        return Ok(());
    };
    let Some(table) = model.tables.get(t) else {
        let all: Vec<&str> = model.tables.keys().map(String::as_str).collect();
        let known: Vec<&str> = all.iter().copied().take(8).collect();
        bail!(
            "there is no table {t:?} in schema/\n  help: {}",
            suggest(t, &all, format!("tables include {}", known.join(", ")))
        );
    };
    if let ZoneTargetArg::Index(_, i) = target {
        if table.index(i).is_none() {
            let known: Vec<&str> = table.indexes.iter().map(|x| x.name.as_str()).collect();
            let help = if known.is_empty() {
                "it has no secondary indexes; add one to its schema file first".to_string()
            } else {
                suggest(i, &known, format!("its indexes are {}", known.join(", ")))
            };
            bail!("table {t:?} has no index {i:?}\n  help: {help}");
        }
    }
    Ok(())
}

const TARGET_HELP: &str =
    "a target is `database`, `range NAME`, `table TABLE`, `index TABLE@INDEX` or `extension global | regional | regional in REGION`";

/// `database` | `range default` | `table players` | `index players@players_email_idx`
/// (as separate words or as one quoted string).
pub fn parse_target(words: &[String]) -> Result<ZoneTargetArg> {
    let joined = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut parts = joined.split_whitespace();
    let kind = parts
        .next()
        .ok_or_else(|| anyhow!("no zone target given; {TARGET_HELP}"))?;
    let rest: Vec<&str> = parts.collect();
    let one = |what: &str| -> Result<String> {
        match rest.as_slice() {
            [name] => Ok(name.to_string()),
            [] => bail!("`{kind}` needs a {what}; {TARGET_HELP}"),
            _ => bail!("`{joined}` is not a zone target: `{kind}` takes one {what}; {TARGET_HELP}"),
        }
    };
    match kind {
        "database" if rest.is_empty() => Ok(ZoneTargetArg::Database),
        "database" => bail!("`{joined}` is not a zone target: `database` takes no name (it is the project's database); {TARGET_HELP}"),
        "range" => Ok(ZoneTargetArg::Range(one("range name (e.g. `default`)")?)),
        "table" => {
            let t = one("table name")?;
            if t.contains('@') {
                bail!("`table {t}` names an index; write `index {t}`");
            }
            Ok(ZoneTargetArg::Table(t))
        }
        "index" => {
            let spec = one("TABLE@INDEX")?;
            match spec.split_once('@') {
                Some((t, i)) if !t.is_empty() && !i.is_empty() && !i.contains('@') => {
                    Ok(ZoneTargetArg::Index(t.to_string(), i.to_string()))
                }
                _ => bail!("`index {spec}` is not a zone target: write the index as TABLE@INDEX, e.g. `index players@players_email_idx`"),
            }
        }
        "extension" => match rest.as_slice() {
            ["global"] => Ok(ZoneTargetArg::Extension(ExtensionLocality::Global)),
            ["regional"] => Ok(ZoneTargetArg::Extension(ExtensionLocality::Regional)),
            ["regional", "in", r] => Ok(ZoneTargetArg::Extension(ExtensionLocality::RegionalIn(
                r.to_string(),
            ))),
            _ => bail!("`{joined}` is not a zone target: an extension is `extension global`, `extension regional` or `extension regional in REGION`"),
        },
        other => {
            let hint = did_you_mean(other, &["database", "range", "table", "index", "extension"]);
            bail!("`{other}` is not a zone target kind{hint}; {TARGET_HELP}")
        }
    }
}

/// A zone variable `zones set` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneKey {
    NumReplicas,
    NumVoters,
    Constraints,
    VoterConstraints,
    LeasePreferences,
    GlobalReads,
    GcTtlseconds,
    RangeMinBytes,
    RangeMaxBytes,
}

impl ZoneKey {
    pub const ALL: [ZoneKey; 9] = [
        ZoneKey::NumReplicas,
        ZoneKey::NumVoters,
        ZoneKey::Constraints,
        ZoneKey::VoterConstraints,
        ZoneKey::LeasePreferences,
        ZoneKey::GlobalReads,
        ZoneKey::GcTtlseconds,
        ZoneKey::RangeMinBytes,
        ZoneKey::RangeMaxBytes,
    ];

    /// The field's declaration (`ALL` is in `ZONE_FIELDS` order; a test ties the two).
    pub fn field(self) -> &'static ZoneField {
        &ZONE_FIELDS[self as usize]
    }

    /// The name in CockroachDB and in the model's YAML.
    pub fn as_str(self) -> &'static str {
        self.field().name
    }

    /// Managed by CockroachDB's multi-region machinery (`ZONE_FIELDS`).
    fn is_protected(self) -> bool {
        self.field().protected
    }

    pub fn parse(s: &str) -> Result<ZoneKey> {
        let s = s.trim();
        if let Some(k) = ZoneKey::ALL.iter().find(|k| k.as_str() == s) {
            return Ok(*k);
        }
        let names: Vec<&str> = ZoneKey::ALL.iter().map(|k| k.as_str()).collect();
        let hint = did_you_mean(s, &names);
        bail!(
            "unknown zone variable `{s}`{hint}; zone variables are {}",
            names.join(", ")
        )
    }
}

impl fmt::Display for ZoneKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `, did you mean `x`?` for the closest candidate, or nothing.
fn did_you_mean(input: &str, candidates: &[&str]) -> String {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '.', '-'], "");
    let best = candidates
        .iter()
        .map(|c| (edit_distance(&norm(input), &norm(c)), *c))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, c)| {
            *d <= 3.max(c.len() / 3) || norm(c).contains(&norm(input)) && !input.is_empty()
        });
    best.map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// `num_replicas=5`, `gc.ttlseconds=600`, `constraints='{+region=a: 1}'`,
/// `lease_preferences=[[+region=a]]`, `global_reads=true`. The value is validated here.
pub fn parse_assignment(s: &str) -> Result<(ZoneKey, ZoneValue)> {
    let (k, v) = s.split_once('=').ok_or_else(|| {
        anyhow!("`{s}` is not KEY=VALUE; e.g. `num_replicas=5` or `gc.ttlseconds=600`")
    })?;
    let key = ZoneKey::parse(k)?;
    let value = parse_value(key, strip_quotes(v.trim()))?;
    Ok((key, value))
}

fn strip_quotes(v: &str) -> &str {
    for q in ['\'', '"'] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Parse and validate one value for `key`.
pub fn parse_value(key: ZoneKey, v: &str) -> Result<ZoneValue> {
    let int = |what: &str| -> Result<ZoneValue> {
        let ZoneFieldKind::Int { min, max, .. } = key.field().kind else {
            bail!("{key} is not a number");
        };
        let n: u64 = v
            .parse()
            .map_err(|_| anyhow!("{key}={v}: expected a whole number {what}"))?;
        if n < u64::try_from(min).unwrap_or(0) {
            bail!("{key}={v}: must be at least {min} {what}");
        }
        if u64::try_from(max).is_ok_and(|max| n > max) {
            bail!("{key}={v}: too large; the maximum is {max}");
        }
        Ok(ZoneValue::Int(n))
    };
    let value = match key {
        ZoneKey::NumReplicas | ZoneKey::NumVoters => int("(replicas)")?,
        ZoneKey::GcTtlseconds => int("(seconds)")?,
        ZoneKey::RangeMinBytes => int("(bytes)")?,
        ZoneKey::RangeMaxBytes => int("(bytes; CockroachDB's minimum range size)")?,
        ZoneKey::GlobalReads => match v {
            "true" => ZoneValue::Bool(true),
            "false" => ZoneValue::Bool(false),
            _ => bail!("global_reads={v}: expected true or false"),
        },
        ZoneKey::Constraints | ZoneKey::VoterConstraints => {
            let c: Constraints = serde_yaml::from_str(v).map_err(|_| {
                anyhow!("{key}={v}: expected a list `[+region=a, -disk=hdd]` or a per-replica map `{{+region=a: 2}}`")
            })?;
            validate_constraints(key, &c).with_context(|| format!("{key}={v}"))?;
            ZoneValue::Constraints(c)
        }
        ZoneKey::LeasePreferences => {
            let lp: Vec<Vec<String>> = serde_yaml::from_str(v).map_err(|_| {
                anyhow!("lease_preferences={v}: expected an ordered list of constraint lists, e.g. `[[+region=a], [+region=b]]`")
            })?;
            for (i, pref) in lp.iter().enumerate() {
                if pref.is_empty() {
                    bail!("lease_preferences={v}: preference {} is empty; each needs at least one constraint", i + 1);
                }
                for c in pref {
                    check_constraint(c, true).with_context(|| format!("lease_preferences={v}"))?;
                }
            }
            ZoneValue::LeasePreferences(lp)
        }
    };
    Ok(value)
}

fn validate_constraints(key: ZoneKey, c: &Constraints) -> Result<()> {
    let voter = key == ZoneKey::VoterConstraints;
    match c {
        Constraints::All(list) => {
            for item in list {
                check_constraint(item, !voter)?;
            }
        }
        Constraints::PerReplica(map) => {
            for (k, n) in map {
                if *n == 0 {
                    bail!("`{k}: 0` pins no replica; give a count of at least 1");
                }
                for item in k.split(',') {
                    check_constraint(item.trim(), false)?;
                }
            }
        }
    }
    Ok(())
}

/// `+key=value`, `-key=value`, `+attr` (store attribute); `-` only where prohibitive
/// constraints are allowed.
fn check_constraint(c: &str, allow_prohibited: bool) -> Result<()> {
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "_.-:/".contains(ch))
    };
    let (sign, body) = c.split_at(c.chars().next().map_or(0, |ch| ch.len_utf8()));
    if sign != "+" && sign != "-" {
        bail!("constraint `{c}` must start with + (required) or - (prohibited), e.g. `+region=us-east-1`");
    }
    if sign == "-" && !allow_prohibited {
        bail!("constraint `{c}`: prohibited (-) constraints are not allowed here; use + with a replica count");
    }
    let ok = match body.split_once('=') {
        Some((k, v)) => word(k) && word(v),
        None => word(body),
    };
    if !ok {
        bail!("constraint `{c}` is not `{sign}key=value` (letters, digits, _ . - only)");
    }
    Ok(())
}

/// The YAML text for a value (flow style, one line).
pub fn value_yaml(v: &ZoneValue) -> String {
    let item = |s: &str| {
        if s.contains(',') || s.contains(": ") {
            format!("\"{s}\"")
        } else {
            s.to_string()
        }
    };
    match v {
        ZoneValue::Int(n) => n.to_string(),
        ZoneValue::Bool(b) => b.to_string(),
        ZoneValue::Constraints(Constraints::All(list)) => {
            format!(
                "[{}]",
                list.iter().map(|s| item(s)).collect::<Vec<_>>().join(", ")
            )
        }
        ZoneValue::Constraints(Constraints::PerReplica(map)) => {
            format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, n)| format!("{}: {n}", item(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        ZoneValue::LeasePreferences(lp) => {
            let parts: Vec<String> = lp
                .iter()
                .map(|p| {
                    format!(
                        "[{}]",
                        p.iter().map(|s| item(s)).collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// The multi-region guard for `set_in_text`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MultiRegionGuard {
    /// The project's database has a primary region.
    pub database_is_multi_region: bool,
    /// `--override-multi-region`: consent to set a protected field; recorded in the zone.
    pub override_multi_region: bool,
}

/// Whether a regions.yaml text declares a primary region (the database is multi-region).
/// A cheap look at one top-level key, not a model load.
pub fn regions_text_is_multi_region(regions_yaml: &str) -> Result<bool> {
    let doc = Doc::parse(regions_yaml)?;
    Ok(doc
        .root
        .map_entry("primary_region")
        .is_some_and(|(_, v)| !v.is_null()))
}

// ---------------------------------------------------------------------------
// A span tree over the YAML text.

#[derive(Debug, Clone)]
enum Kind {
    Scalar { value: String, style: TScalarStyle },
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
}

/// A node and its span `[start, end)` in the ASCII copy of the text (see `Doc`).
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    start: usize,
    end: usize,
    flow: bool,
}

impl Node {
    fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, style: TScalarStyle::Plain } if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
    fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(e) => Some(e),
            _ => None,
        }
    }
    fn map_entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.scalar() == Some(key))
    }
    fn map_index(&self, key: &str) -> Option<usize> {
        self.entries()?
            .iter()
            .position(|(k, _)| k.scalar() == Some(key))
    }
}

/// The text twice: the original, and an ASCII copy (every non-ASCII char replaced by one
/// `_`) on which yaml-rust2's marks are byte offsets. `offsets` maps copy positions back.
struct Doc {
    original: String,
    ascii: String,
    offsets: Vec<usize>,
    root: Node,
    newline: &'static str,
}

impl Doc {
    fn parse(text: &str) -> Result<Doc> {
        let mut ascii = String::with_capacity(text.len());
        let mut offsets = Vec::with_capacity(text.len() + 1);
        for (i, ch) in text.char_indices() {
            offsets.push(i);
            ascii.push(if ch.is_ascii() { ch } else { '_' });
        }
        offsets.push(text.len());
        // Positions come from the ASCII copy; scalar values from the original.
        let positions = events(&ascii)?;
        let values = events(text)?;
        if positions.len() != values.len() {
            bail!("the YAML text could not be read consistently; check for unusual characters");
        }
        let merged: Vec<(Event, usize)> = values
            .into_iter()
            .zip(positions)
            .map(|((ev, _), (_, pos))| (ev, pos))
            .collect();
        let mut i = 0;
        while i < merged.len()
            && !matches!(
                merged[i].0,
                Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..)
            )
        {
            i += 1;
        }
        if i == merged.len() {
            bail!("the file is empty; expected a YAML mapping");
        }
        let root = build(&merged, &mut i, &ascii, false)?;
        if root.entries().is_none() {
            bail!("expected the file to be a YAML mapping of keys");
        }
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Ok(Doc {
            original: text.to_string(),
            ascii,
            offsets,
            root,
            newline,
        })
    }

    fn byte(&self, pos: usize) -> usize {
        self.offsets[pos.min(self.offsets.len() - 1)]
    }

    fn line_start(&self, pos: usize) -> usize {
        self.ascii[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    /// Position of the `\n` ending the line that holds `pos` (or the text's end).
    fn line_end(&self, pos: usize) -> usize {
        self.ascii[pos..]
            .find('\n')
            .map_or(self.ascii.len(), |i| pos + i)
    }

    fn line_no(&self, pos: usize) -> usize {
        self.ascii[..pos].matches('\n').count() + 1
    }

    /// Whether only blanks (or `- ` of a sequence entry) precede `pos` on its line.
    fn first_on_line(&self, pos: usize) -> bool {
        self.ascii[self.line_start(pos)..pos]
            .chars()
            .all(|c| c == ' ' || c == '\t')
    }

    /// The indentation (in columns) a new key of `map` needs.
    fn indent_of(&self, map: &Node) -> usize {
        map.start - self.line_start(map.start)
    }

    /// The `:` after a key.
    fn colon_after(&self, key: &Node) -> Result<usize> {
        let rest = &self.ascii[key.end..];
        let skip = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if rest[skip..].starts_with(':') {
            Ok(key.end + skip)
        } else {
            bail!(
                "line {}: expected `:` after the key `{}`",
                self.line_no(key.start),
                key.scalar().unwrap_or("?")
            )
        }
    }
}

fn events(text: &str) -> Result<Vec<(Event, usize)>> {
    let mut parser = Parser::new_from_str(text);
    let mut out = Vec::new();
    let mut docs = 0;
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| {
            anyhow!(
                "line {}, column {}: the file is not valid YAML: {}",
                e.marker().line(),
                e.marker().col() + 1,
                e.info()
            )
        })?;
        match ev {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                docs += 1;
                if docs > 1 {
                    bail!("the file holds more than one YAML document; bmdb reads one");
                }
            }
            Event::Alias(_) => bail!(
                "line {}: YAML aliases are not supported in model files",
                mark.line()
            ),
            _ => {}
        }
        out.push((ev, mark.index()));
    }
    Ok(out)
}

fn build(evs: &[(Event, usize)], i: &mut usize, text: &str, in_flow: bool) -> Result<Node> {
    let (ev, pos) = (&evs[*i].0, evs[*i].1);
    *i += 1;
    match ev {
        Event::Scalar(value, style, _, _) => {
            let end = scalar_end(text, pos, value, *style, in_flow)?;
            Ok(Node {
                kind: Kind::Scalar {
                    value: value.clone(),
                    style: *style,
                },
                start: pos,
                end,
                flow: in_flow,
            })
        }
        Event::MappingStart(..) => {
            let flow = text[pos..].starts_with('{');
            let mut entries = Vec::new();
            loop {
                if matches!(evs[*i].0, Event::MappingEnd) {
                    let end_pos = evs[*i].1;
                    *i += 1;
                    // A block map starts at its first key (the event's mark may sit earlier).
                    let start = if flow {
                        pos
                    } else {
                        entries.first().map_or(pos, |(k, _): &(Node, Node)| k.start)
                    };
                    let end = if flow {
                        end_pos + 1
                    } else {
                        entries.last().map_or(pos, |(_, v): &(Node, Node)| v.end)
                    };
                    return Ok(Node {
                        kind: Kind::Map(entries),
                        start,
                        end,
                        flow,
                    });
                }
                let k = build(evs, i, text, flow || in_flow)?;
                let v = build(evs, i, text, flow || in_flow)?;
                let v = fix_empty_value(text, &k, v);
                entries.push((k, v));
            }
        }
        Event::SequenceStart(..) => {
            let flow = text[pos..].starts_with('[');
            let mut items = Vec::new();
            loop {
                if matches!(evs[*i].0, Event::SequenceEnd) {
                    let end_pos = evs[*i].1;
                    *i += 1;
                    let end = if flow {
                        end_pos + 1
                    } else {
                        items.last().map_or(pos, |v: &Node| v.end)
                    };
                    return Ok(Node {
                        kind: Kind::Seq(items),
                        start: pos,
                        end,
                        flow,
                    });
                }
                items.push(build(evs, i, text, flow || in_flow)?);
            }
        }
        other => bail!("unexpected YAML event {other:?}"),
    }
}

/// An empty value (`key:` and nothing) gets a zero-width span right after the colon.
fn fix_empty_value(text: &str, key: &Node, mut v: Node) -> Node {
    if matches!(&v.kind, Kind::Scalar { value, style: TScalarStyle::Plain } if value.is_empty()) {
        let rest = &text[key.end..];
        let colon = rest.find(':').map_or(key.end, |c| key.end + c + 1);
        v.start = colon;
        v.end = colon;
    }
    v
}

/// Where a scalar ends: after the closing quote, or after the last character of a
/// one-line plain scalar (before a comment or a flow indicator).
fn scalar_end(
    text: &str,
    start: usize,
    value: &str,
    style: TScalarStyle,
    in_flow: bool,
) -> Result<usize> {
    let bytes = text.as_bytes();
    match style {
        TScalarStyle::SingleQuoted => {
            let mut j = start + 1;
            while j < bytes.len() {
                if bytes[j] == b'\'' {
                    if bytes.get(j + 1) == Some(&b'\'') {
                        j += 2;
                        continue;
                    }
                    return Ok(j + 1);
                }
                j += 1;
            }
            bail!("unterminated single-quoted string")
        }
        TScalarStyle::DoubleQuoted => {
            let mut j = start + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j += 2,
                    b'"' => return Ok(j + 1),
                    _ => j += 1,
                }
            }
            bail!("unterminated double-quoted string")
        }
        TScalarStyle::Plain => {
            if value.is_empty() {
                return Ok(start);
            }
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let line = &text[start..line_end];
            let mut end = line.len();
            if let Some(c) = line.find(" #") {
                end = end.min(c);
            }
            if let Some(c) = line
                .find(": ")
                .or_else(|| line.ends_with(':').then(|| line.len() - 1))
            {
                end = end.min(c);
            }
            if in_flow {
                if let Some(c) = line.find([',', ']', '}']) {
                    end = end.min(c);
                }
                if let Some(c) = line
                    .find(':')
                    .filter(|c| matches!(line.as_bytes().get(c + 1), Some(b',' | b'}' | b']')))
                {
                    end = end.min(c);
                }
            }
            let slice = line[..end].trim_end();
            // Non-ASCII chars are `_` in the copy; compare lengths in chars.
            if slice.len() != value.chars().count() {
                let line_no = text[..start].matches('\n').count() + 1;
                bail!("line {line_no}: a plain value spanning several lines cannot be edited in place; put `{value}` on one line");
            }
            Ok(start + slice.len())
        }
        TScalarStyle::Literal | TScalarStyle::Folded => {
            // Ends at the last non-blank line of the block; only removed, never edited.
            let mut end = start;
            let mut j = start;
            let indent_of = |l: &str| l.len() - l.trim_start().len();
            let first_line_end = text[j..].find('\n').map_or(text.len(), |i| j + i);
            j = (first_line_end + 1).min(text.len());
            let mut block_indent = None;
            while j < text.len() {
                let le = text[j..].find('\n').map_or(text.len(), |i| j + i);
                let line = &text[j..le];
                if !line.trim().is_empty() {
                    let ind = indent_of(line);
                    match block_indent {
                        None => block_indent = Some(ind),
                        Some(b) if ind < b => break,
                        _ => {}
                    }
                    end = le;
                }
                j = le + 1;
            }
            Ok(end.max(first_line_end))
        }
    }
}

// ---------------------------------------------------------------------------
// Locating a zone and splicing.

/// Where the target's zone is, or where it would go.
struct ZoneSlot {
    /// The map that holds (or will hold) the zone entry, as a path of keys/indexes from root.
    parent: Vec<Step>,
    /// The zone entry's key in `parent`.
    key: String,
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(usize),
}

fn node_at<'a>(root: &'a Node, path: &[Step]) -> Option<&'a Node> {
    let mut n = root;
    for s in path {
        n = match (s, &n.kind) {
            (Step::Key(k), Kind::Map(_)) => &n.map_entry(k)?.1,
            (Step::Item(i), Kind::Seq(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(n)
}

fn locate(doc: &Doc, target: &ZoneTargetArg) -> Result<ZoneSlot> {
    let root = &doc.root;
    match target {
        ZoneTargetArg::Extension(locality) => {
            if root.map_entry("table").is_some() {
                bail!("the {target} zone belongs in regions.yaml, but this is a table file");
            }
            let ext = Step::Key("zone_extensions".into());
            Ok(match locality {
                ExtensionLocality::Global => ZoneSlot {
                    parent: vec![ext],
                    key: "global".into(),
                },
                ExtensionLocality::Regional => ZoneSlot {
                    parent: vec![ext],
                    key: "regional".into(),
                },
                ExtensionLocality::RegionalIn(r) => ZoneSlot {
                    parent: vec![ext, Step::Key("regional_in".into())],
                    key: r.clone(),
                },
            })
        }
        ZoneTargetArg::Database | ZoneTargetArg::Range(_) => {
            if root.map_entry("table").is_some() {
                bail!("the {target} zone belongs in regions.yaml, but this is a table file");
            }
            let key = match target {
                ZoneTargetArg::Range(r) => format!("range {r}"),
                _ => "database".into(),
            };
            Ok(ZoneSlot {
                parent: vec![Step::Key("zones".into())],
                key,
            })
        }
        ZoneTargetArg::Table(t) | ZoneTargetArg::Index(t, _) => {
            let file_table = root
                .map_entry("table")
                .and_then(|(_, v)| v.scalar())
                .ok_or_else(|| anyhow!("this file has no `table:` key; the {target} zone belongs in schema/{t}.yaml"))?;
            if file_table != t {
                bail!("this file declares table `{file_table}`, not `{t}`; the {target} zone belongs in the file of table {t}");
            }
            let ZoneTargetArg::Index(_, index) = target else {
                return Ok(ZoneSlot {
                    parent: vec![],
                    key: "zone".into(),
                });
            };
            let items = match root.map_entry("indexes").map(|(_, v)| &v.kind) {
                Some(Kind::Seq(items)) => items,
                _ => bail!("table {t} declares no indexes; `{index}` is not one of them"),
            };
            let mut known = Vec::new();
            for (n, item) in items.iter().enumerate() {
                let name = index_name(t, item);
                if name.as_deref() == Some(index.as_str()) {
                    return Ok(ZoneSlot {
                        parent: vec![Step::Key("indexes".into()), Step::Item(n)],
                        key: "zone".into(),
                    });
                }
                known.extend(name);
            }
            let refs: Vec<&str> = known.iter().map(String::as_str).collect();
            let hint = did_you_mean(index, &refs);
            bail!(
                "table {t} has no index `{index}`{hint}; its indexes are {}",
                refs.join(", ")
            )
        }
    }
}

/// The index's `name:`, or the generated `<table>_<col>_..._idx`.
fn index_name(table: &str, item: &Node) -> Option<String> {
    if let Some(name) = item.map_entry("name").and_then(|(_, v)| v.scalar()) {
        return Some(name.to_string());
    }
    let Kind::Seq(cols) = &item.map_entry("columns")?.1.kind else {
        return None;
    };
    let mut parts = vec![table.to_string()];
    for c in cols {
        let col = c.scalar().or_else(|| {
            c.map_entry("column")
                .or_else(|| c.map_entry("name"))
                .and_then(|(_, v)| v.scalar())
        })?;
        parts.push(col.to_string());
    }
    parts.push("idx".into());
    Some(parts.join("_"))
}

struct Splice {
    start: usize,
    end: usize,
    text: String,
}

fn apply(doc: &Doc, s: Splice) -> String {
    let (a, b) = (doc.byte(s.start), doc.byte(s.end));
    let mut out = String::with_capacity(doc.original.len() + s.text.len());
    out.push_str(&doc.original[..a]);
    out.push_str(&s.text);
    out.push_str(&doc.original[b..]);
    out
}

/// Add `key: value` to `map` (flow: before the closing brace; block: a new line at the
/// map's indentation after its last entry; the root map: at the end of the file).
fn insert_entry(doc: &Doc, map: &Node, is_root: bool, key: &str, value: &str) -> Splice {
    let entries = map.entries().unwrap_or(&[]);
    if map.flow {
        return match entries.last() {
            Some((_, last)) => Splice {
                start: last.end,
                end: last.end,
                text: format!(", {key}: {value}"),
            },
            None => Splice {
                start: map.start + 1,
                end: map.end - 1,
                text: format!(" {key}: {value} "),
            },
        };
    }
    let nl = doc.newline;
    if is_root {
        let end = doc.ascii.len();
        let sep = if doc.ascii.is_empty() || doc.ascii.ends_with('\n') {
            ""
        } else {
            nl
        };
        return Splice {
            start: end,
            end,
            text: format!("{sep}{key}: {value}{nl}"),
        };
    }
    let indent = " ".repeat(doc.indent_of(map));
    let at = doc.line_end(map.end);
    let at = if doc.ascii[..at].ends_with('\r') {
        at - 1
    } else {
        at
    };
    Splice {
        start: at,
        end: at,
        text: format!("{nl}{indent}{key}: {value}"),
    }
}

/// Remove entry `idx` of `map` (which keeps at least one other entry).
fn remove_entry(doc: &Doc, map: &Node, idx: usize) -> Splice {
    let entries = map.entries().unwrap_or(&[]);
    let (k, v) = &entries[idx];
    if map.flow {
        return if idx > 0 {
            Splice {
                start: entries[idx - 1].1.end,
                end: v.end,
                text: String::new(),
            }
        } else if let Some((next, _)) = entries.get(1) {
            Splice {
                start: k.start,
                end: next.start,
                text: String::new(),
            }
        } else {
            Splice {
                start: map.start + 1,
                end: map.end - 1,
                text: String::new(),
            }
        };
    }
    if doc.first_on_line(k.start) {
        let start = doc.line_start(k.start);
        let end = (doc.line_end(v.end) + 1).min(doc.ascii.len());
        Splice {
            start,
            end,
            text: String::new(),
        }
    } else if let Some((next, _)) = entries.get(idx + 1) {
        // The first key of a `- key: value` sequence entry: the next key moves up.
        Splice {
            start: k.start,
            end: next.start,
            text: String::new(),
        }
    } else {
        Splice {
            start: k.start,
            end: doc.line_end(v.end),
            text: "{}".into(),
        }
    }
}

/// Replace the value of an existing entry.
fn replace_value(doc: &Doc, key: &Node, value: &Node, text: &str) -> Result<Splice> {
    if value.start == value.end || (!value.flow && !matches!(value.kind, Kind::Scalar { .. })) {
        // Empty, or a block collection on the following lines: everything after the colon.
        let colon = doc.colon_after(key)?;
        let end = if value.start == value.end {
            colon + 1
        } else {
            value.end
        };
        return Ok(Splice {
            start: colon + 1,
            end,
            text: format!(" {text}"),
        });
    }
    if matches!(
        value.kind,
        Kind::Scalar {
            style: TScalarStyle::Literal | TScalarStyle::Folded,
            ..
        }
    ) {
        let colon = doc.colon_after(key)?;
        return Ok(Splice {
            start: colon + 1,
            end: value.end,
            text: format!(" {text}"),
        });
    }
    Ok(Splice {
        start: value.start,
        end: value.end,
        text: text.to_string(),
    })
}

/// The keys of a path of map keys (a zone extension's slot has no sequence items).
fn path_keys(path: &[Step]) -> Vec<&str> {
    path.iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Item(_) => None,
        })
        .collect()
}

/// When a map on the way to the zone (`zone_extensions:`, `regional_in:`) is missing or
/// empty: the splice that creates it with the zone inside (block style at the root, one
/// flow line under an existing map). `None` when every ancestor is already a mapping.
fn create_ancestors(doc: &Doc, slot: &ZoneSlot, key: &str, value: &str) -> Result<Option<Splice>> {
    let root = &doc.root;
    let nl = doc.newline;
    let mut keys = path_keys(&slot.parent);
    keys.push(&slot.key);
    // the deepest ancestor (of the zone's parent chain) that is a mapping
    let mut depth = 0;
    while depth < keys.len() - 1 {
        match node_at(root, &slot.parent[..depth + 1]) {
            Some(n) if n.entries().is_some() => depth += 1,
            _ => break,
        }
    }
    if depth == keys.len() - 1 {
        return Ok(None);
    }
    let holder = node_at(root, &slot.parent[..depth]).expect("a mapping, found above");
    let missing = &keys[depth..];
    // `{ b: { c: { key: value } } }` for the keys below the first missing one
    let mut inner = format!("{{ {key}: {value} }}");
    for k in missing[1..].iter().rev() {
        inner = format!("{{ {k}: {inner} }}");
    }
    match holder.map_entry(missing[0]) {
        Some((k, v)) if v.is_null() => Ok(Some(replace_value(doc, k, v, &inner)?)),
        Some((_, v)) => bail!(
            "line {}: expected a mapping under `{}`",
            doc.line_no(v.start),
            missing[0]
        ),
        None if depth == 0 && !holder.flow => {
            // at the root, block style: `zone_extensions:\n  regional_in:\n    r: { .. }`
            let end = doc.ascii.len();
            let sep = if doc.ascii.is_empty() || doc.ascii.ends_with('\n') {
                ""
            } else {
                nl
            };
            let mut text = String::from(sep);
            for (i, k) in missing.iter().enumerate() {
                let indent = "  ".repeat(i);
                if i + 1 == missing.len() {
                    text.push_str(&format!("{indent}{k}: {{ {key}: {value} }}{nl}"));
                } else {
                    text.push_str(&format!("{indent}{k}:{nl}"));
                }
            }
            Ok(Some(Splice {
                start: end,
                end,
                text,
            }))
        }
        None => Ok(Some(insert_entry(
            doc,
            holder,
            depth == 0,
            missing[0],
            &inner,
        ))),
    }
}

/// Set one `key: value` in the target's zone, creating what is missing.
fn set_one(text: &str, target: &ZoneTargetArg, key: &str, value: &str) -> Result<String> {
    let doc = Doc::parse(text)?;
    let slot = locate(&doc, target)?;
    let root = &doc.root;
    let nl = doc.newline;
    if matches!(target, ZoneTargetArg::Extension(_)) {
        if let Some(s) = create_ancestors(&doc, &slot, key, value)? {
            return Ok(apply(&doc, s));
        }
    }
    let Some(parent) = node_at(root, &slot.parent) else {
        // Only `zones:` can be missing: append it, with the zone inside, at the end.
        let end = doc.ascii.len();
        let sep = if doc.ascii.is_empty() || doc.ascii.ends_with('\n') {
            ""
        } else {
            nl
        };
        let text = format!("{sep}zones:{nl}  {}: {{ {key}: {value} }}{nl}", slot.key);
        return Ok(apply(
            &doc,
            Splice {
                start: end,
                end,
                text,
            },
        ));
    };
    let is_root = slot.parent.is_empty();
    if parent.is_null() {
        // `zones:` with nothing under it.
        let (zk, _) = root.map_entry("zones").expect("the parent path is `zones`");
        let colon = doc.colon_after(zk)?;
        let end = if parent.start == parent.end {
            colon + 1
        } else {
            parent.end
        };
        let text = format!("{nl}  {}: {{ {key}: {value} }}", slot.key);
        return Ok(apply(
            &doc,
            Splice {
                start: colon + 1,
                end,
                text,
            },
        ));
    }
    if parent.entries().is_none() {
        bail!(
            "line {}: expected a mapping here to hold the {target} zone",
            doc.line_no(parent.start)
        );
    }
    match parent.map_entry(&slot.key) {
        None => {
            let s = insert_entry(
                &doc,
                parent,
                is_root,
                &slot.key,
                &format!("{{ {key}: {value} }}"),
            );
            Ok(apply(&doc, s))
        }
        Some((zk, zv)) if zv.is_null() => {
            let s = replace_value(&doc, zk, zv, &format!("{{ {key}: {value} }}"))?;
            Ok(apply(&doc, s))
        }
        Some((_, zone)) if zone.entries().is_some() => match zone.map_entry(key) {
            Some((k, v)) => Ok(apply(&doc, replace_value(&doc, k, v, value)?)),
            None => Ok(apply(&doc, insert_entry(&doc, zone, false, key, value))),
        },
        Some((_, zone)) => bail!(
            "line {}: the {target} zone is not a mapping of zone variables",
            doc.line_no(zone.start)
        ),
    }
}

/// Remove one key from the target's zone; an emptied zone (or `zones:`) goes too.
fn unset_one(text: &str, target: &ZoneTargetArg, key: &str) -> Result<String> {
    let doc = Doc::parse(text)?;
    let slot = locate(&doc, target)?;
    let root = &doc.root;
    let zone = node_at(root, &slot.parent)
        .and_then(|p| p.map_entry(&slot.key))
        .map(|(_, v)| v);
    let Some(zone) = zone.filter(|z| z.entries().is_some()) else {
        bail!("the {target} has no zone in the model; there is nothing to unset");
    };
    let Some(idx) = zone.map_index(key) else {
        let set: Vec<&str> = zone
            .entries()
            .unwrap()
            .iter()
            .filter_map(|(k, _)| k.scalar())
            .collect();
        bail!(
            "the zone of {target} does not set {key}; it sets {}",
            set.join(", ")
        );
    };
    if zone.entries().unwrap().len() > 1 {
        return Ok(apply(&doc, remove_entry(&doc, zone, idx)));
    }
    // The zone would be empty: remove its entry from the parent.
    if matches!(target, ZoneTargetArg::Extension(_)) {
        // and every map on the way that it alone fills (`regional_in:`, `zone_extensions:`)
        let mut depth = slot.parent.len();
        let mut key = slot.key.clone();
        loop {
            let holder = node_at(root, &slot.parent[..depth]).expect("an ancestor of the zone");
            let idx = holder
                .map_index(&key)
                .expect("the entry on the zone's path");
            if holder.entries().unwrap().len() > 1 {
                return Ok(apply(&doc, remove_entry(&doc, holder, idx)));
            }
            if depth == 0 {
                bail!("the file would be empty after removing the zone");
            }
            depth -= 1;
            key = match &slot.parent[depth] {
                Step::Key(k) => k.clone(),
                Step::Item(_) => bail!("a zone extension is under map keys only"),
            };
        }
    }
    let parent = node_at(root, &slot.parent).expect("zone found under it");
    let zidx = parent.map_index(&slot.key).expect("zone found");
    if parent.entries().unwrap().len() > 1 || slot.parent.is_empty() {
        if slot.parent.is_empty() && parent.entries().unwrap().len() == 1 {
            bail!("the file would be empty after removing the zone");
        }
        return Ok(apply(&doc, remove_entry(&doc, parent, zidx)));
    }
    // `zones:` would be empty: remove it from the root.
    let ridx = root.map_index("zones").expect("zones holds the zone");
    Ok(apply(&doc, remove_entry(&doc, root, ridx)))
}

/// The zone block's keys as written.
fn zone_keys(text: &str, target: &ZoneTargetArg) -> Result<Vec<(String, Option<String>)>> {
    let doc = Doc::parse(text)?;
    let slot = locate(&doc, target)?;
    let zone = node_at(&doc.root, &slot.parent)
        .and_then(|p| p.map_entry(&slot.key))
        .map(|(_, v)| v);
    Ok(zone
        .and_then(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| Some((k.scalar()?.to_string(), v.scalar().map(str::to_string))))
        .collect())
}

fn protected_refusal(target: &ZoneTargetArg, keys: &[&str]) -> anyhow::Error {
    anyhow!(
        "refusing to set {} on {target}: the database is multi-region, so CockroachDB's multi-region machinery \
         manages {} (from the survival goal, placement and table locality)\n\
         help: pass --override-multi-region to set it anyway; this writes `override_multi_region: true` into the \
         zone, and every later region, survival goal or locality change then needs the override again \
         (CockroachDB stops keeping this field in step with the database's regions)",
        keys.join(", "),
        if keys.len() == 1 { "it" } else { "them" }
    )
}

/// Set zone variables on `target` in the model file text `yaml` (regions.yaml for
/// `database`/`range`, the table's file for `table`/`index`). Everything outside the
/// edited keys stays byte-identical. On a multi-region database a protected field is
/// refused unless `guard.override_multi_region`, which also records
/// `override_multi_region: true` in the zone.
pub fn set_in_text(
    yaml: &str,
    target: &ZoneTargetArg,
    sets: &[(ZoneKey, ZoneValue)],
    guard: MultiRegionGuard,
) -> Result<String> {
    if sets.is_empty() {
        bail!("nothing to set; give KEY=VALUE, e.g. `zones set {target} gc.ttlseconds=600`");
    }
    for (k, v) in sets {
        let reparsed =
            parse_value(*k, &value_yaml(v)).with_context(|| format!("invalid value for {k}"))?;
        if &reparsed != v {
            bail!("{k}: the value {v:?} cannot be written faithfully as YAML");
        }
    }
    let get = |k: ZoneKey| {
        sets.iter()
            .rev()
            .find(|(key, _)| *key == k)
            .and_then(|(_, v)| v.as_int())
    };
    if let (Some(min), Some(max)) = (get(ZoneKey::RangeMinBytes), get(ZoneKey::RangeMaxBytes)) {
        if min >= max {
            bail!("range_min_bytes={min} must be below range_max_bytes={max}");
        }
    }
    let existing = zone_keys(yaml, target)?;
    let already_overridden = existing
        .iter()
        .any(|(k, v)| k == zf::OVERRIDE_MULTI_REGION && v.as_deref() == Some("true"));
    let mut protected: Vec<&str> = sets
        .iter()
        .filter(|(k, _)| k.is_protected())
        .map(|(k, _)| k.as_str())
        .collect();
    protected.dedup();
    let mut text = yaml.to_string();
    // Named ranges are not multi-region objects: CockroachDB does not guard them; an
    // extension is CockroachDB's supported way to tune the managed fields, with no override.
    let guarded = guard.database_is_multi_region
        && !matches!(
            target,
            ZoneTargetArg::Range(_) | ZoneTargetArg::Extension(_)
        );
    if !protected.is_empty() && guarded && !already_overridden {
        if !guard.override_multi_region {
            return Err(protected_refusal(target, &protected));
        }
        text = set_one(&text, target, zf::OVERRIDE_MULTI_REGION, "true")?;
    }
    for (k, v) in sets {
        text = set_one(&text, target, k.as_str(), &value_yaml(v))?;
    }
    Ok(text)
}

/// Remove zone variables from `target`'s zone. When no protected field is left, the
/// `override_multi_region` consent goes too; an emptied zone block is removed.
pub fn unset_in_text(yaml: &str, target: &ZoneTargetArg, keys: &[ZoneKey]) -> Result<String> {
    if keys.is_empty() {
        bail!("nothing to unset; give the variables to remove, e.g. `zones unset {target} gc.ttlseconds`");
    }
    let existing = zone_keys(yaml, target)?;
    for k in keys {
        if !existing.iter().any(|(name, _)| name == k.as_str()) {
            if existing.is_empty() {
                bail!("the {target} has no zone in the model; there is nothing to unset");
            }
            let set: Vec<&str> = existing.iter().map(|(k, _)| k.as_str()).collect();
            bail!(
                "the zone of {target} does not set {k}; it sets {}",
                set.join(", ")
            );
        }
    }
    let mut text = yaml.to_string();
    let mut seen = Vec::new();
    for k in keys {
        if !seen.contains(k) {
            seen.push(*k);
            text = unset_one(&text, target, k.as_str())?;
        }
    }
    let left = zone_keys(&text, target)?;
    let protected_left = left
        .iter()
        .any(|(k, _)| ZoneConfig::is_protected(k.as_str()));
    if !protected_left && left.iter().any(|(k, _)| k == zf::OVERRIDE_MULTI_REGION) {
        text = unset_one(&text, target, zf::OVERRIDE_MULTI_REGION)?;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::ZoneKey;
    use crate::model::types::{ZoneConfig, ZONE_FIELDS};

    #[test]
    fn zone_keys_are_the_zone_fields_in_their_order() {
        let keys: Vec<&str> = ZoneKey::ALL.iter().map(|k| k.as_str()).collect();
        let fields: Vec<&str> = ZONE_FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(keys, fields);
        for f in &ZONE_FIELDS {
            assert_eq!(ZoneConfig::is_protected(f.name), f.protected, "{}", f.name);
        }
    }
}
