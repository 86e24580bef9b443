//! backups.yaml: the cluster's CockroachDB backup schedules (issue 13 item 4). A project
//! without the file leaves the server's schedules alone; with it, every backup schedule of
//! the cluster is bmdb's (docs/backups.md). Storage credentials are never modelled: a
//! schedule writes into an external connection the operator made, named by `external://name`.
//!
//! The cadences are cron expressions as CockroachDB reads them (`cron.ParseStandard` of
//! robfig/cron v3 in pkg/scheduledjobs/schedulebase: five fields or a `@descriptor`, and
//! `@every <duration>`); [`Cron`] parses them and works out the longest gap between runs,
//! which the `gc-below-backup-interval` check compares with gc.ttlseconds.

use super::diagnostic::Diagnostic;
use super::normalize::did_you_mean;
use super::read::{get, Cx, Origins};
use super::types::{BackupSchedule, BackupTargets, Database};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const BACKUPS_FILE_KEYS: &[&str] = &["schedules"];
pub const SCHEDULE_KEYS: &[&str] = &[
    "into",
    "targets",
    "recurring",
    "full_backup",
    "revision_history",
    "first_run",
    "on_execution_failure",
    "on_previous_running",
];
/// `on_execution_failure` values (schedulebase.ParseOnError) and CockroachDB's default.
pub const ON_EXECUTION_FAILURE: &[&str] = &["retry", "reschedule", "pause"];
pub const DEFAULT_ON_EXECUTION_FAILURE: &str = "reschedule";
/// `on_previous_running` values (schedulebase.ParseWaitBehavior) and CockroachDB's default.
pub const ON_PREVIOUS_RUNNING: &[&str] = &["start", "skip", "wait"];
pub const DEFAULT_ON_PREVIOUS_RUNNING: &str = "wait";
pub const EXTERNAL_SCHEME: &str = "external://";

/// `external://name` when `name` is a plausible external connection name.
pub fn connection_name(uri: &str) -> Option<&str> {
    let name = uri.strip_prefix(EXTERNAL_SCHEME)?;
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(name)
}

/// SHOW SCHEDULES' `on_execution_failure` (the proto enum name) -> the option's value.
pub fn on_execution_failure_of(shown: &str) -> Option<&'static str> {
    match shown.to_ascii_uppercase().as_str() {
        "RETRY_SOON" => Some("retry"),
        "RETRY_SCHED" => Some("reschedule"),
        "PAUSE_SCHED" => Some("pause"),
        _ => None,
    }
}

/// SHOW SCHEDULES' `on_previous_running` (the proto enum name) -> the option's value.
pub fn on_previous_running_of(shown: &str) -> Option<&'static str> {
    match shown.to_ascii_uppercase().as_str() {
        "NO_WAIT" => Some("start"),
        "SKIP" => Some("skip"),
        "WAIT" => Some("wait"),
        _ => None,
    }
}

// ---- cron ----------------------------------------------------------------------------------

/// One parsed cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cron {
    /// `@every 90m`: a fixed interval in seconds.
    Every(u64),
    /// Five fields as bit sets; `day_star` when day-of-month or day-of-week was `*`/`?`
    /// (robfig/cron: then both must match, otherwise either).
    Fields {
        minutes: u64,
        hours: u32,
        doms: u32,
        months: u16,
        dows: u8,
        day_star: bool,
    },
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// The seconds of a Go duration made of whole `h`, `m`, `s` parts (`1h30m`, `45m`, `90s`).
fn go_duration(s: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        let mult = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
        any = true;
    }
    (num.is_empty() && any && total > 0).then_some(total)
}

fn field(text: &str, lo: u32, hi: u32, names: &[&str]) -> Result<(u64, bool), String> {
    let value = |v: &str| -> Result<u32, String> {
        let lower = v.to_ascii_lowercase();
        if let Some(i) = names.iter().position(|n| *n == lower) {
            return Ok(i as u32 + lo);
        }
        let n: u32 = v.parse().map_err(|_| format!("\"{v}\" is not a number"))?;
        if n < lo || n > hi {
            return Err(format!("{n} is outside {lo}-{hi}"));
        }
        Ok(n)
    };
    let mut bits = 0u64;
    let mut star = false;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let s: u32 = s
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("bad step \"{s}\""))?;
                (r, Some(s))
            }
            None => (part, None),
        };
        let (from, to) = if range == "*" || range == "?" {
            star = star || step.is_none_or(|s| s == 1);
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a)?, value(b)?);
            if a > b {
                return Err(format!("range {a}-{b} runs backwards"));
            }
            (a, b)
        } else {
            let a = value(range)?;
            (a, if step.is_some() { hi } else { a })
        };
        let mut v = from;
        while v <= to {
            bits |= 1 << v;
            v += step.unwrap_or(1);
        }
    }
    Ok((bits, star))
}

impl Cron {
    /// Parses a cadence as CockroachDB accepts it; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Cron, String> {
        let t = s.trim();
        if let Some(rest) = t.strip_prefix("@every ") {
            return go_duration(rest.trim()).map(Cron::Every).ok_or_else(|| {
                format!(
                    "\"{}\" is not a duration like 15m, 1h or 1h30m",
                    rest.trim()
                )
            });
        }
        let fields = match t.to_ascii_lowercase().as_str() {
            "@yearly" | "@annually" => "0 0 1 1 *".to_string(),
            "@monthly" => "0 0 1 * *".to_string(),
            "@weekly" => "0 0 * * 0".to_string(),
            "@daily" | "@midnight" => "0 0 * * *".to_string(),
            "@hourly" => "0 * * * *".to_string(),
            d if d.starts_with('@') => {
                return Err(format!(
                    "unknown descriptor \"{t}\" (@yearly, @monthly, @weekly, @daily, @hourly, @every <duration>)"
                ))
            }
            _ => t.to_string(),
        };
        let parts: Vec<&str> = fields.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(format!(
                "expected 5 fields (minute hour day-of-month month day-of-week), found {}",
                parts.len()
            ));
        }
        let (minutes, _) = field(parts[0], 0, 59, &[]).map_err(|e| format!("minute: {e}"))?;
        let (hours, _) = field(parts[1], 0, 23, &[]).map_err(|e| format!("hour: {e}"))?;
        let (doms, dom_star) =
            field(parts[2], 1, 31, &[]).map_err(|e| format!("day of month: {e}"))?;
        let (months, _) = field(parts[3], 1, 12, &MONTHS).map_err(|e| format!("month: {e}"))?;
        let (dows, dow_star) =
            field(parts[4], 0, 6, &DAYS).map_err(|e| format!("day of week: {e}"))?;
        let cron = Cron::Fields {
            minutes,
            hours: hours as u32,
            doms: doms as u32,
            months: months as u16,
            dows: dows as u8,
            day_star: dom_star || dow_star,
        };
        if cron.longest_gap().is_none() {
            return Err("it never runs (no such date)".to_string());
        }
        Ok(cron)
    }

    fn runs_on(&self, day: i64) -> Option<Vec<u32>> {
        let Cron::Fields {
            minutes,
            hours,
            doms,
            months,
            dows,
            day_star,
        } = self
        else {
            return None;
        };
        let (_, m, d) = civil(day);
        let dow = (day + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday
        let dom_ok = doms & (1 << d) != 0;
        let dow_ok = u32::from(*dows) & (1 << dow) != 0;
        let day_ok = if *day_star {
            dom_ok && dow_ok
        } else {
            dom_ok || dow_ok
        };
        if months & (1 << m) == 0 || !day_ok {
            return None;
        }
        let mut out = Vec::new();
        for h in 0..24u32 {
            if hours & (1 << h) != 0 {
                for min in 0..60u32 {
                    if minutes & (1 << min) != 0 {
                        out.push(h * 60 + min);
                    }
                }
            }
        }
        Some(out)
    }

    /// The longest time between two runs, in seconds (over eight years from 2026, so leap
    /// days and rare dates count); `None` when it runs fewer than twice in that time.
    pub fn longest_gap(&self) -> Option<u64> {
        longest_gap_of(&[self])
    }
}

/// Days since 1970-01-01 -> (year, month 1-12, day 1-31) (Howard Hinnant's civil_from_days).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The longest gap between runs of any of `crons` together (a full and an incremental
/// cadence: every run is a backup). `@every` cadences bound it by their interval.
pub fn longest_gap_of(crons: &[&Cron]) -> Option<u64> {
    const START: i64 = 20_454; // 2026-01-01
    const DAYS: i64 = 8 * 366;
    let every = crons
        .iter()
        .filter_map(|c| match c {
            Cron::Every(s) => Some(*s),
            _ => None,
        })
        .min();
    let fields: Vec<&&Cron> = crons
        .iter()
        .filter(|c| matches!(c, Cron::Fields { .. }))
        .collect();
    if fields.is_empty() {
        return every;
    }
    let mut last: Option<i64> = None;
    let mut longest: Option<i64> = None;
    for day in START..START + DAYS {
        let mut minutes: Vec<u32> = fields
            .iter()
            .filter_map(|c| c.runs_on(day))
            .flatten()
            .collect();
        minutes.sort_unstable();
        minutes.dedup();
        for m in minutes {
            let t = day * 1440 + i64::from(m);
            if let Some(prev) = last {
                longest = Some(longest.map_or(t - prev, |l: i64| l.max(t - prev)));
            }
            last = Some(t);
        }
    }
    let gap = longest.map(|m| m as u64 * 60);
    match (gap, every) {
        (Some(g), Some(e)) => Some(g.min(e)),
        (g, e) => g.or(e),
    }
}

/// How a cadence reads to a person: `1h`, `1d`, `90m`.
pub fn describe_seconds(s: u64) -> String {
    super::normalize::format_duration(std::time::Duration::from_secs(s))
}

// ---- backups.yaml --------------------------------------------------------------------------

/// Reads `backups.yaml` when the project has one.
pub fn read_backups_file(
    dir: &Path,
    db: &Database,
    diags: &mut Vec<Diagnostic>,
    origins: &mut Origins,
) -> Option<BTreeMap<String, BackupSchedule>> {
    let rel = PathBuf::from("backups.yaml");
    if !dir.join(&rel).exists() {
        return None;
    }
    let mut schedules = BTreeMap::new();
    let root = super::load::read_yaml(dir, &rel, diags)?;
    let mut cx = Cx {
        file: rel.clone(),
        diags,
    };
    let entries = cx.map(&root, "backups.yaml")?;
    cx.check_keys(entries, BACKUPS_FILE_KEYS, "backups.yaml");
    let Some(list) = get(entries, "schedules") else {
        return Some(schedules);
    };
    let list_pos = list.pos;
    let Some(list) = cx.map(list, "\"schedules\"") else {
        return Some(schedules);
    };
    if !list.is_empty() && db.expectations.backup_interval_seconds.is_some() {
        cx.err(
            list_pos,
            "backup-interval-twice",
            "regions.yaml sets expectations.backup_interval and backups.yaml models the backup schedules",
            "remove backup_interval from regions.yaml: the gc.ttlseconds check reads the schedules' cadence".to_string(),
        );
    }
    for (k, v) in list {
        let label = k.name.clone();
        if label.trim().is_empty() || label.chars().any(super::read::forbidden_in_identifier) {
            cx.err(
                k.pos,
                "invalid-value",
                format!("invalid backup schedule label \"{}\"", label.escape_debug()),
                "write a label of letters, digits, '_' or '-'".to_string(),
            );
            continue;
        }
        // CockroachDB's IF NOT EXISTS check pastes the label into its own query between
        // single quotes (schedulebase.CheckScheduleAlreadyExists), so a quote breaks it
        if label.contains('\'') {
            cx.err(
                k.pos,
                "invalid-value",
                format!("backup schedule label \"{label}\" contains a single quote"),
                "CockroachDB's CREATE SCHEDULE IF NOT EXISTS fails on such a label; leave the quote out".to_string(),
            );
            continue;
        }
        origins.set(&["backup_schedule", &label], &rel, k.pos);
        let what = format!("backup schedule \"{label}\"");
        let Some(fields) = cx.map(v, &what) else {
            continue;
        };
        for (fk, _) in fields {
            if !SCHEDULE_KEYS.contains(&fk.name.as_str()) {
                let key = fk.name.as_str();
                if matches!(
                    key,
                    "encryption_passphrase" | "kms" | "password" | "credentials" | "auth"
                ) {
                    cx.err(
                        fk.pos,
                        "storage-credentials-in-model",
                        format!("{what} has \"{key}\"; bmdb never holds storage or encryption secrets"),
                        "remove it: the operator keeps secrets in the external connection (docs/backups.md)".to_string(),
                    );
                    continue;
                }
                let help = match did_you_mean(key, SCHEDULE_KEYS) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("allowed keys here: {}", SCHEDULE_KEYS.join(", ")),
                };
                cx.err(
                    fk.pos,
                    "unknown-key",
                    format!("unknown key \"{key}\" in {what}"),
                    help,
                );
            }
        }
        let mut ok = true;
        let mut schedule = BackupSchedule {
            label: label.clone(),
            on_execution_failure: DEFAULT_ON_EXECUTION_FAILURE.to_string(),
            on_previous_running: DEFAULT_ON_PREVIOUS_RUNNING.to_string(),
            ..Default::default()
        };
        // into: an external connection, never a storage URI with its credentials
        match cx.require(
            fields,
            "into",
            k.pos,
            &what,
            "write into: external://<connection name>",
        ) {
            Some(n) => match cx.text(n, &format!("\"into\" of {what}")) {
                Some(uri) if connection_name(&uri).is_some() => schedule.into = uri,
                Some(uri) if uri.starts_with(EXTERNAL_SCHEME) => {
                    ok = false;
                    cx.err(
                        n.pos,
                        "invalid-value",
                        format!("invalid external connection \"{uri}\" for \"into\" of {what}"),
                        "write external://<name>, the name of a CREATE EXTERNAL CONNECTION (letters, digits, '_', '-')".to_string(),
                    );
                }
                Some(uri) => {
                    ok = false;
                    let scheme = uri.split("://").next().unwrap_or("");
                    cx.err(
                        n.pos,
                        "external-connection-required",
                        format!("{what} writes into a storage URI ({scheme}://...); bmdb never holds storage credentials"),
                        "let the operator run CREATE EXTERNAL CONNECTION <name> AS '<storage URI>' and write into: external://<name>".to_string(),
                    );
                }
                None => ok = false,
            },
            None => ok = false,
        }
        if let Some(n) = get(fields, "targets") {
            match cx.choice(
                n,
                &["database", "cluster"],
                &format!("\"targets\" of {what}"),
            ) {
                Some(t) if t == "cluster" => schedule.targets = BackupTargets::Cluster,
                Some(_) => schedule.targets = BackupTargets::Database,
                None => ok = false,
            }
        }
        let cron = |cx: &mut Cx, key: &str, always: bool| -> Option<Option<(String, Cron)>> {
            let n = cx.require(
                fields,
                key,
                k.pos,
                &what,
                if always {
                    "write full_backup: \"@daily\" (a cron expression) or full_backup: always"
                } else {
                    "write recurring: \"@hourly\" (a cron expression)"
                },
            )?;
            let text = cx.text(n, &format!("\"{key}\" of {what}"))?;
            if always && text.trim().eq_ignore_ascii_case("always") {
                return Some(None);
            }
            match Cron::parse(&text) {
                Ok(c) => Some(Some((text.trim().to_string(), c))),
                Err(e) => {
                    cx.err(
                        n.pos,
                        "invalid-cron",
                        format!("invalid cron expression \"{text}\" for \"{key}\" of {what}: {e}"),
                        "write five fields (minute hour day-of-month month day-of-week) like \"0 * * * *\", or @hourly, @daily, @weekly, @every 30m".to_string(),
                    );
                    None
                }
            }
        };
        let recurring = cron(&mut cx, "recurring", false);
        let full = cron(&mut cx, "full_backup", true);
        match (&recurring, &full) {
            (Some(Some((r, rc))), Some(f)) => {
                schedule.recurring = r.clone();
                if let Some((ft, fc)) = f {
                    schedule.full_backup = Some(ft.clone());
                    // CockroachDB: "incremental backups must occur more often than full backups"
                    if let (Some(rg), Some(fg)) = (rc.longest_gap(), fc.longest_gap()) {
                        if rg > fg {
                            let pos = get(fields, "recurring").map_or(k.pos, |n| n.pos);
                            cx.err(
                                pos,
                                "invalid-cadence",
                                format!(
                                    "{what} takes incremental backups every {} but full backups every {}; incrementals must run more often",
                                    describe_seconds(rg),
                                    describe_seconds(fg)
                                ),
                                "make \"recurring\" more frequent than \"full_backup\", or write full_backup: always".to_string(),
                            );
                            ok = false;
                        }
                    }
                }
            }
            _ => ok = false,
        }
        if let Some(n) = get(fields, "revision_history") {
            match cx.boolean(n, &format!("\"revision_history\" of {what}")) {
                Some(b) => schedule.revision_history = b,
                None => ok = false,
            }
        }
        if let Some(n) = get(fields, "first_run") {
            if let Some(s) = cx.text(n, &format!("\"first_run\" of {what}")) {
                if s.trim().eq_ignore_ascii_case("now") {
                    schedule.first_run = Some("now".to_string());
                } else if let Some(t) = super::roles::normalise_valid_until(&s) {
                    schedule.first_run = Some(t);
                } else {
                    ok = false;
                    cx.err(
                        n.pos,
                        "invalid-value",
                        format!("invalid timestamp \"{s}\" for \"first_run\" of {what}"),
                        "write now, or a UTC date or time like 2027-01-31 or 2027-01-31T02:00:00Z"
                            .to_string(),
                    );
                }
            } else {
                ok = false;
            }
        }
        for (key, allowed, slot) in [
            (
                "on_execution_failure",
                ON_EXECUTION_FAILURE,
                &mut schedule.on_execution_failure,
            ),
            (
                "on_previous_running",
                ON_PREVIOUS_RUNNING,
                &mut schedule.on_previous_running,
            ),
        ] {
            if let Some(n) = get(fields, key) {
                match cx.choice(n, allowed, &format!("\"{key}\" of {what}")) {
                    Some(v) => *slot = v,
                    None => ok = false,
                }
            }
        }
        if ok {
            schedules.insert(label, schedule);
        }
    }
    Some(schedules)
}

/// The longest time between two backups of `s` (its full and incremental runs together).
pub fn schedule_gap(s: &BackupSchedule) -> Option<u64> {
    let r = Cron::parse(&s.recurring).ok()?;
    let f = s.full_backup.as_deref().and_then(|f| Cron::parse(f).ok());
    match &f {
        Some(f) => longest_gap_of(&[&r, f]),
        None => r.longest_gap(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(s: &str) -> Option<u64> {
        Cron::parse(s).unwrap().longest_gap()
    }

    #[test]
    fn descriptors_and_fields() {
        assert_eq!(gap("@hourly"), Some(3600));
        assert_eq!(gap("@daily"), Some(86_400));
        assert_eq!(gap("@weekly"), Some(7 * 86_400));
        assert_eq!(gap("*/15 * * * *"), Some(900));
        assert_eq!(gap("0 */6 * * *"), Some(6 * 3600));
        assert_eq!(gap("30 2 * * MON-FRI"), Some(3 * 86_400));
        assert_eq!(gap("0 0 1 * *"), Some(31 * 86_400));
        assert_eq!(gap("@every 90m"), Some(5400));
        assert_eq!(gap("@every 1h30m"), Some(5400));
        // day of month OR day of week when neither is `*`
        assert_eq!(gap("0 0 1 * 1"), Some(7 * 86_400));
    }

    #[test]
    fn bad_cadences_say_why() {
        for (bad, why) in [
            ("@fortnightly", "unknown descriptor"),
            ("0 * * *", "expected 5 fields"),
            ("60 * * * *", "minute: 60 is outside 0-59"),
            ("0 25 * * *", "hour: 25 is outside"),
            ("0 0 31 2 *", "never runs"),
            ("0 0 * * FUNDAY", "day of week"),
            ("*/0 * * * *", "bad step"),
            ("@every 2d", "not a duration"),
        ] {
            let e = Cron::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn full_and_incremental_together() {
        let r = Cron::parse("@hourly").unwrap();
        let f = Cron::parse("@daily").unwrap();
        assert_eq!(longest_gap_of(&[&r, &f]), Some(3600));
        let r = Cron::parse("0 1-23 * * *").unwrap();
        assert_eq!(longest_gap_of(&[&r, &f]), Some(3600));
        assert_eq!(r.longest_gap(), Some(2 * 3600));
    }

    #[test]
    fn options_read_back() {
        assert_eq!(on_execution_failure_of("RETRY_SCHED"), Some("reschedule"));
        assert_eq!(on_execution_failure_of("RETRY_SOON"), Some("retry"));
        assert_eq!(on_execution_failure_of("PAUSE_SCHED"), Some("pause"));
        assert_eq!(on_previous_running_of("NO_WAIT"), Some("start"));
        assert_eq!(on_previous_running_of("WAIT"), Some("wait"));
        assert_eq!(on_previous_running_of("SKIP"), Some("skip"));
        assert_eq!(
            connection_name("external://bluemarble_backups"),
            Some("bluemarble_backups")
        );
        assert_eq!(connection_name("external://a/b"), None);
        assert_eq!(connection_name("s3://bucket?AWS_SECRET_ACCESS_KEY=x"), None);
    }
}
