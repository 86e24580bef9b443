//! What a test of the placement rules compares of one object's effective zone: the replica
//! and voter counts, and the constraints, voter constraints and lease preferences as
//! `SHOW ZONE CONFIGURATION` prints them ("(none)" when unset). Shared by the placement-rule
//! tests; `mod zones;` with `#[path = "common/zones.rs"]`.

use bmdb::zones::effective::ObjectZone;

pub fn shown(zones: &[ObjectZone], object: &str) -> ([u64; 2], [String; 3]) {
    let z = zones
        .iter()
        .find(|z| z.label() == object)
        .unwrap_or_else(|| panic!("no {object}"));
    let text = |f: &str| {
        z.value(f)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "(none)".into())
    };
    (
        [
            z.int("num_replicas").unwrap_or(0),
            z.int("num_voters").unwrap_or(0),
        ],
        [
            text("constraints"),
            text("voter_constraints"),
            text("lease_preferences"),
        ],
    )
}
