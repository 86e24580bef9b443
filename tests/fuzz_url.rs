//! Property-based fuzzing of the connection-URL reader and the redaction, in the normal suite
//! (the cargo-fuzz target under fuzz/ runs the same properties unbounded, on nightly).
//! Seeded (`BMDB_FUZZ_SEED`, `BMDB_FUZZ_CASES`), so a failure is reproducible.
//!
//! Properties, for random passwords drawn from the characters that break URLs (`% @ / ? # :`,
//! space, `&`, `=`, multibyte UTF-8, control bytes):
//! - percent-encoded into a URL, the parser gives back exactly the password's bytes;
//! - encoded or raw, in the userinfo or as `?password=`, no redaction, no parse error, no Debug
//!   of the connection options and no usage error (the URL split by the shell at its spaces)
//!   shows the password;
//! - random mutations of URLs (byte flips, truncations, spliced fragments) never panic the
//!   parser, the redaction or the password extraction.

#[path = "common/rng.rs"]
mod rng;
use rng::{env_or, Rng};

use bmdb::db::url;
use bmdb::db::{redact_text, redact_url, url_password, ConnectOpts};

/// The pieces passwords are made of: every character with a meaning in a URL, and others.
const PIECES: &[&str] = &[
    "%", "@", "/", "?", "#", ":", " ", "&", "=", "[", "]", ",", "+", ";", "'", "\"", "\\", "ñ",
    "€", "日本", "🔑", "%25", "%4", "%zz", "%C3", "\t", "a", "Z", "7", "pw", "s3cr", "X",
];

/// Fragments spliced into URLs by the mutation rounds.
const FRAGMENTS: &[&str] = &[
    "postgres://",
    "://",
    "@",
    ":",
    "%",
    "%%",
    "%f",
    "%ff",
    "[",
    "]",
    "[::1]",
    "?",
    "&",
    "=",
    "password=",
    "sslrootcert=%aé",
    ",",
    ":99999",
    ":-1",
    "/",
    "#",
    "ñ",
    "\u{0}",
];

/// A password of 6 to 20 bytes at least, with a fixed marker so it is never a piece of the rest
/// of the URL (a password `a` would "appear" in any output).
fn password(rng: &mut Rng) -> String {
    let mut p = String::from("Q");
    for _ in 0..2 + rng.below(8) {
        p.push_str(PIECES[rng.below(PIECES.len())]);
    }
    p.push('Q');
    p
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The parts of the password that must not show: the whole, raw and encoded, and each run of
/// 5 or more characters between URL punctuation (a fragment a cut URL could leave).
fn must_not_show(pw: &str) -> Vec<String> {
    let mut out = vec![pw.to_string(), encode(pw)];
    out.extend(
        pw.split(|c: char| "%@/?#: &=[],+;'\"\\\t".contains(c))
            .filter(|w| w.chars().count() >= 5)
            .map(str::to_string),
    );
    out
}

fn assert_hidden(what: &str, text: &str, pw: &str, seed: u64) {
    for secret in must_not_show(pw) {
        assert!(
            !text.contains(&secret),
            "{what} shows the password {pw:?} (piece {secret:?}) in {text:?} (BMDB_FUZZ_SEED={seed})"
        );
    }
}

#[test]
fn encoded_passwords_round_trip_and_no_output_shows_any_password() {
    let seed: u64 = env_or("BMDB_FUZZ_SEED", 0x0b5e_55ed_ca11_2026);
    // every resolve registers its password for the rest of the process, so each case scans all
    // earlier ones: the cost grows with the square of the count (1,500 take ~10 s in a debug build)
    let cases: usize = env_or("BMDB_FUZZ_CASES", 1500);
    let mut rng = Rng(seed | 1);
    let (mut parsed_raw, mut refused_raw) = (0usize, 0usize);
    for _ in 0..cases {
        let pw = password(&mut rng);
        let encoded = format!("postgres://app:{}@db.example:26257/bank", encode(&pw));
        let parts = url::parse(&encoded).unwrap_or_else(|e| panic!("{encoded}: {e}"));
        assert_eq!(parts.password.as_deref(), Some(pw.as_bytes()), "{encoded}");
        assert_eq!(parts.user.as_deref(), Some("app"));
        assert_eq!(parts.dbname.as_deref(), Some("bank"));
        assert_eq!(url_password(&encoded).as_deref(), Some(pw.as_str()));

        let raw = format!("postgres://app:{pw}@db.example:26257/bank?sslmode=disable");
        let query = format!(
            "postgresql://app@db.example/bank?password={}&sslmode=require",
            encode(&pw)
        );
        // Redaction and errors first, before resolving registers the password (after which
        // every later output is scrubbed of it anyway): this checks the redaction alone.
        for u in [&encoded, &raw, &query] {
            assert_hidden("redact_url", &redact_url(u), &pw, seed);
            let line = format!("error: could not connect to {u}: refused");
            assert_hidden("redact_text", &redact_text(&line), &pw, seed);
            match url::parse(u) {
                Ok(_) if u == &raw => parsed_raw += 1,
                Ok(_) => {}
                Err(e) => {
                    refused_raw += 1;
                    assert_hidden("the parse error", &e.to_string(), &pw, seed);
                }
            }
        }
        // The URL unquoted on a command line: the shell splits it at its spaces, and clap
        // reports the words it did not expect. The usage error must not quote them.
        if pw.contains(' ') {
            let mut args: Vec<std::ffi::OsString> =
                vec!["bmdb".into(), "apply".into(), "--url".into()];
            args.extend(raw.split(' ').map(Into::into));
            let err = bmdb::cli::parse_args_from(args)
                .expect_err("the split URL's words are extra arguments");
            assert_hidden("the usage error", &err.to_string(), &pw, seed);
        }
        for u in [&encoded, &raw, &query] {
            let opts = ConnectOpts::from_url(u);
            assert_hidden("ConnectOpts' Debug", &format!("{opts:?}"), &pw, seed);
            let resolved = opts.resolve_with(|_| None).unwrap();
            assert_hidden("ResolvedUrl's Debug", &format!("{resolved:?}"), &pw, seed);
            assert_hidden("the redacted URL", &resolved.redacted(), &pw, seed);
        }
    }
    // Both branches were exercised: raw passwords that parse, and raw ones refused.
    assert!(
        parsed_raw > 0 && refused_raw > 0,
        "{parsed_raw} {refused_raw}"
    );
}

#[test]
fn mutated_urls_never_panic() {
    let seed: u64 = env_or("BMDB_FUZZ_SEED", 0x0b5e_55ed_ca11_2026);
    let cases: usize = env_or("BMDB_FUZZ_CASES", 1500) * 10;
    let mut rng = Rng(seed | 1);
    let bases = [
        "postgres://app:s3cr%40t@db:26257/bank?sslmode=verify-full&sslrootcert=ca.crt",
        "postgresql://[::1]:5432,h2:5433/d?user=u&password=p%20w&connect_timeout=3",
        "postgres:///d?host=/tmp&port=5432",
        "postgres://u:p@ss w#rd@h/d",
    ];
    for _ in 0..cases {
        let mut bytes = bases[rng.below(bases.len())].as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
                1 => bytes.truncate(at),
                2 => {
                    let f = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                    bytes.splice(at..at, f.iter().copied());
                }
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        // The parser takes text (arguments and variables are text); a flip that breaks UTF-8
        // is read lossily, as the OS's argument would be.
        let text = String::from_utf8_lossy(&bytes);
        let _ = url::parse(&text);
        let _ = redact_url(&text);
        let _ = redact_text(&text);
        let _ = url_password(&text);
        let _ = url::percent_decode(&text);
        let _ = format!("{:?}", ConnectOpts::from_url(&text));
    }
}
