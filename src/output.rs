//! output: what every command's printing shares, in one place: whether to colour (anstream
//! decides as clap does: `--color`, then NO_COLOR, CLICOLOR_FORCE, CLICOLOR, then whether the
//! stream is a terminal), the styles for errors, warnings, hazards and drift, the table style
//! (box drawing on a UTF-8 terminal, ASCII otherwise or on request) and plurals.
//!
//! Painted text carries ANSI codes; print it with `anstream::println!`/`eprintln!`, which strip
//! them where colour is off.
//!
//! Stage: imports nothing of bmdb; every stage that prints may use it (docs/architecture.md).

use anstyle::{AnsiColor, Style};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--color`: when to colour.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR or CLICOLOR=0 (CLICOLOR_FORCE forces it).
    #[default]
    Auto,
    Always,
    Never,
}

static ASCII: AtomicBool = AtomicBool::new(false);

/// Called once by the CLI before any output.
pub fn init(color: ColorWhen, ascii: bool) {
    let choice = match color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    ASCII.store(ascii, Ordering::Relaxed);
}

/// Whether text written to stdout is coloured.
pub fn colour_stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Print `text` to stdout as `anstream::print!` would. A text with no escape sequence to
/// strip (no ESC, no C1 control) is written as it is: anstream reads every byte of what it
/// strips, a third of a second for the 200,000 lines of a 10,000-table plan.
pub fn print_stdout(text: &str) {
    use std::io::Write as _;
    let plain = !has_escape(text);
    if plain {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    } else {
        anstream::print!("{text}");
    }
}

/// Whether `text` holds what anstream strips where colour is off: ESC, or a C1 control
/// (U+0080..U+009F, 0xC2 0x80..0x9F in UTF-8). `contains` on bytes is a memchr, so the
/// common text is read at memory speed.
fn has_escape(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&0x1b)
        || (b.contains(&0xc2)
            && b.windows(2)
                .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])))
}

/// Whether text written to stderr is coloured.
pub fn colour_stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

const RED: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));

/// `error`, an error's label.
pub fn error(text: &str) -> String {
    paint(RED, text)
}
/// `warning`, a warning's label.
pub fn warning(text: &str) -> String {
    paint(YELLOW.bold(), text)
}
/// A destructive hazard, or drift found.
pub fn danger(text: &str) -> String {
    paint(RED, text)
}
/// A hazard that does not block.
pub fn caution(text: &str) -> String {
    paint(YELLOW, text)
}
/// Nothing to do, clean.
pub fn good(text: &str) -> String {
    paint(GREEN, text)
}

/// Colours the labels of diagnostics printed as text (`file:line:col: error[id]: ...` and
/// `  help:` lines).
pub fn paint_diagnostics(text: &str) -> String {
    text.lines()
        .map(|l| {
            if let Some(i) = l.find(": error[") {
                format!(
                    "{}: {}{}",
                    &l[..i],
                    error("error"),
                    &l[i + ": error".len()..]
                )
            } else if let Some(i) = l.find(": warning[") {
                format!(
                    "{}: {}{}",
                    &l[..i],
                    warning("warning"),
                    &l[i + ": warning".len()..]
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether tables are drawn with ASCII: asked for (`--ascii`, BMDB_ASCII), stdout is not a
/// terminal, or the locale is not UTF-8.
pub fn ascii() -> bool {
    ASCII.load(Ordering::Relaxed) || !std::io::stdout().is_terminal() || !utf8_locale()
}

/// The locale's character set as libc picks it: LC_ALL, else LC_CTYPE, else LANG (unset: C).
pub fn utf8_locale() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

/// A table in bmdb's style: condensed box drawing, or ASCII (see [`ascii`]); cell colours
/// only where stdout is coloured.
pub fn table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(if ascii() {
        comfy_table::presets::ASCII_FULL_CONDENSED
    } else {
        comfy_table::presets::UTF8_FULL_CONDENSED
    });
    if colour_stdout() {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

/// `1 table`, `2 tables`, `0 tables`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// `text` cut to `width` characters, ending in `…` (or `...` in ASCII) when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let ellipsis = if ascii() { "..." } else { "…" };
    let keep = width.saturating_sub(ellipsis.chars().count());
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(ellipsis);
    out
}

/// A duration for people: `12ms`, `3.4s`, `2m05s`.
pub fn format_millis(ms: u128) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// A point in time as RFC 3339, in UTC with microseconds: `2026-12-05T07:26:08.427221Z`
/// (what every time bmdb prints or puts in JSON looks like).
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let micros: i128 = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i128,
        Err(e) => -(e.duration().as_micros() as i128),
    };
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400) as i64;
    let of_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Year, month, day of the `days`th day after 1970-01-01 in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What skips anstream is only text it would leave as it is.
    #[test]
    fn text_with_an_escape_or_c1_control_goes_through_anstream() {
        for plain in [
            "",
            "CREATE TABLE t (a INT8);\n",
            "café °C £ \u{a0}",
            "\u{7f}",
        ] {
            assert!(!has_escape(plain), "{plain:?}");
        }
        for escaped in ["\x1b[31mred\x1b[0m", "x\u{9b}31m", "\u{80}", "tail \u{9f}"] {
            assert!(has_escape(escaped), "{escaped:?}");
        }
    }

    #[test]
    fn rfc3339_in_utc_with_microseconds() {
        use std::time::{Duration, UNIX_EPOCH};
        let at = |micros: u64| rfc3339(UNIX_EPOCH + Duration::from_micros(micros));
        assert_eq!(at(0), "1970-01-01T00:00:00.000000Z");
        // `date -u -d @1796455568` = Sat Dec  5 07:26:08 UTC 2026
        assert_eq!(at(1_796_455_568_427_221), "2026-12-05T07:26:08.427221Z");
        // a leap day, and the last second of a century year that is not a leap year
        assert_eq!(at(951_782_400_000_000), "2000-02-29T00:00:00.000000Z");
        assert_eq!(at(4_107_542_399_999_999), "2100-02-28T23:59:59.999999Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(1)),
            "1969-12-31T23:59:59.000000Z"
        );
    }

    #[test]
    fn count_uses_the_singular_for_one_only() {
        assert_eq!(count(0, "table", "tables"), "0 tables");
        assert_eq!(count(1, "table", "tables"), "1 table");
        assert_eq!(count(2, "statement", "statements"), "2 statements");
    }

    #[test]
    fn diagnostics_get_their_label_painted_and_nothing_else() {
        let text = "a.yaml:1:2: error[unknown-key]: x: error[y]\n  help: z";
        let painted = paint_diagnostics(text);
        assert!(painted.starts_with("a.yaml:1:2: \u{1b}["), "{painted:?}");
        assert!(
            painted.ends_with("[unknown-key]: x: error[y]\n  help: z"),
            "{painted:?}"
        );
    }

    #[test]
    fn truncate_keeps_short_text() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdefgh", 5).chars().count(), 5);
    }
}
