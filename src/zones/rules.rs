//! CockroachDB's multi-region placement rules, release by release: which rules a
//! CockroachDB version applies when it writes the zone of a table or partition homed in a
//! super region (explicit, or the implicit one of three regions surviving a region
//! failure). `effective` computes with the [`Rules`] of the project's target version;
//! docs/placement-rules.md tells the history with its sources.
//!
//! The changes, each with the release that first has it:
//!
//! - cockroachdb/cockroach#142838 (v25.2.0; backported as #142980 to v25.1.3): a database
//!   with exactly three regions and REGION survival treats the three as an implicit super
//!   region, so every REGIONAL BY TABLE table (IN PRIMARY REGION included) and every
//!   REGIONAL BY ROW partition gets `constraints` of its own.
//! - cockroachdb/cockroach#150413 (backported to the 25.1, 25.2 and 25.3 lines as #150621,
//!   #150619, #150620, merged 2025-07-21): with a secondary region in that super region,
//!   the extra replica goes to the secondary region instead of the first other region
//!   (which asked for six replicas of five).
//! - cockroachdb/cockroach#164285 (v26.2.0): super-region replicas are spread evenly over
//!   the members, the home region first (`distributeReplicasAcrossRegions`).
//! - cockroachdb/cockroach#165113 (merged 2026-03-06 as the fix of #164285's zone-survival
//!   case, so v26.2.0 as well): under ZONE survival the home region keeps at least
//!   num_voters replicas and only the rest spread.
//!
//! Before these, since super regions exist (cockroachdb/cockroach#76620, v22.1):
//! `AddConstraintsForSuperRegion` gives every member one replica under ZONE survival, and
//! under REGION survival one each with a second for the first non-home member (in sorted
//! order) when the super region has exactly three members.

use crate::model::types::CrdbVersion;
use serde::Serialize;
use std::fmt;

/// The newest release whose rules bmdb knows; an undeclared version computes with these.
pub const NEWEST_KNOWN: CrdbVersion = CrdbVersion::new(26, 2, 0);

/// How a super region's replicas are split over its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// One per member; under REGION survival with three members the first non-home member
    /// (the secondary region once #150413 is in) gets a second.
    OnePerMember,
    /// Even spread, home region first; under ZONE survival the home region keeps at least
    /// num_voters (#164285, #165113).
    EvenHomeFirst,
}

/// The placement rules of one CockroachDB release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Three regions surviving a region failure form an implicit super region (#142838).
    pub implicit_super_region: bool,
    /// The extra replica of a three-member super region goes to the secondary region
    /// (#150413).
    pub secondary_gets_extra: bool,
    pub distribution: Distribution,
}

impl Rules {
    /// The rules `version` applies; versions before [`CrdbVersion::OLDEST_KNOWN`] are refused
    /// by the loader, and their rules equal v23.2's.
    pub fn of(version: CrdbVersion) -> Rules {
        let v = |major, minor, patch| CrdbVersion::new(major, minor, patch);
        // #142838: v25.2.0, and the 25.1 line from v25.1.3 (backport #142980)
        let implicit = version >= v(25, 2, 0) || (v(25, 1, 3)..v(25, 2, 0)).contains(&version);
        let even = version >= v(26, 2, 0);
        Rules {
            implicit_super_region: implicit,
            // #150413 was backported to every line that has the implicit super region
            secondary_gets_extra: implicit,
            distribution: if even {
                Distribution::EvenHomeFirst
            } else {
                Distribution::OnePerMember
            },
        }
    }

    /// The newest rules bmdb knows (an undeclared version).
    pub fn newest() -> Rules {
        Rules::of(NEWEST_KNOWN)
    }
}

/// Where the version the rules follow comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionSource {
    /// `cockroach_version:` in regions.yaml.
    Declared,
    /// The server `--url` names (`SELECT version()`).
    Server,
    /// Nothing declared: the newest rules bmdb knows.
    Newest,
}

/// The version whose rules a report used, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RulesUsed {
    pub version: CrdbVersion,
    pub source: VersionSource,
}

impl RulesUsed {
    /// The project's declared version, else the newest rules.
    pub fn of_model(declared: Option<CrdbVersion>) -> RulesUsed {
        match declared {
            Some(version) => RulesUsed {
                version,
                source: VersionSource::Declared,
            },
            None => RulesUsed {
                version: NEWEST_KNOWN,
                source: VersionSource::Newest,
            },
        }
    }

    pub fn rules(&self) -> Rules {
        Rules::of(self.version)
    }
}

impl fmt::Display for RulesUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.version;
        match self.source {
            VersionSource::Declared => {
                write!(f, "placement rules of CockroachDB {v} (cockroach_version)")
            }
            VersionSource::Server => write!(f, "placement rules of CockroachDB {v} (the server)"),
            VersionSource::Newest => write!(
                f,
                "placement rules of CockroachDB {v} (the newest bmdb knows; declare cockroach_version in regions.yaml for another)"
            ),
        }
    }
}

/// The line `zones show` prints when the server's version differs from the declared one.
pub fn version_difference(declared: Option<CrdbVersion>, server: CrdbVersion) -> Option<String> {
    let d = declared?;
    (d != server).then(|| {
        format!("note: regions.yaml declares cockroach_version {d}, the server runs {server}; the server's rules are used")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> CrdbVersion {
        CrdbVersion::parse(s).unwrap()
    }

    #[test]
    fn releases_pick_their_rules() {
        let one = Distribution::OnePerMember;
        let even = Distribution::EvenHomeFirst;
        for (version, implicit, dist) in [
            ("v23.2.0", false, one),
            ("v24.3.5", false, one),
            ("v25.1.0", false, one),
            ("v25.1.2", false, one),
            ("v25.1.3", true, one),
            ("v25.2.0", true, one),
            ("v26.1.4", true, one),
            ("v26.2.0", true, even),
            ("v26.3.1", true, even),
        ] {
            let r = Rules::of(v(version));
            assert_eq!(r.implicit_super_region, implicit, "{version}");
            assert_eq!(r.secondary_gets_extra, implicit, "{version}");
            assert_eq!(r.distribution, dist, "{version}");
        }
    }

    #[test]
    fn versions_parse_from_yaml_and_from_the_server() {
        assert_eq!(v("v25.1"), CrdbVersion::new(25, 1, 0));
        assert_eq!(v("25.1.3"), CrdbVersion::new(25, 1, 3));
        assert_eq!(
            v("CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu, built 2024/05/15)"),
            CrdbVersion::new(24, 1, 0)
        );
        assert_eq!(v("v26.2.0-alpha.1"), CrdbVersion::new(26, 2, 0));
        for bad in ["", "v", "latest", "v25", "25.x", "v25.1.3.4"] {
            assert_eq!(CrdbVersion::parse(bad), None, "{bad}");
        }
    }
}
