//! `zones set|unset extension ...`: zone config extensions edited in regions.yaml
//! (`zone_extensions:` with `global:`, `regional:` and `regional_in: {REGION: zone}`), every
//! byte outside the edited keys kept, the maps on the way created and removed as needed.

use bmdb::model::types::{Constraints, ExtensionLocality, ZoneConfig, ZoneExtensions};
use bmdb::zones::edit::*;

fn words(s: &str) -> Vec<String> {
    s.split(' ').map(String::from).collect()
}

fn target(s: &str) -> ZoneTargetArg {
    parse_target(&words(s)).unwrap()
}

fn sets(list: &[&str]) -> Vec<(ZoneKey, ZoneValue)> {
    list.iter().map(|s| parse_assignment(s).unwrap()).collect()
}

fn keys(list: &[&str]) -> Vec<ZoneKey> {
    list.iter().map(|s| ZoneKey::parse(s).unwrap()).collect()
}

const MR: MultiRegionGuard = MultiRegionGuard {
    database_is_multi_region: true,
    override_multi_region: false,
};

/// The `zone_extensions:` of a regions.yaml text, as the model reads it.
fn extensions(yaml: &str) -> ZoneExtensions {
    let v: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    match v.get("zone_extensions") {
        Some(e) => serde_yaml::from_value(e.clone()).unwrap(),
        None => ZoneExtensions::default(),
    }
}

const BASE: &str = "\
database: game   # the BlueMarble database
primary_region: ca-central-1
regions: [ap-southeast-2, ca-central-1, us-east-1]
survival_goal: region
";

#[test]
fn extension_targets_parse_and_print() {
    assert_eq!(
        target("extension regional"),
        ZoneTargetArg::Extension(ExtensionLocality::Regional)
    );
    assert_eq!(
        target("extension global"),
        ZoneTargetArg::Extension(ExtensionLocality::Global)
    );
    let t = target("extension regional in ca-central-1");
    assert_eq!(
        t,
        ZoneTargetArg::Extension(ExtensionLocality::RegionalIn("ca-central-1".into()))
    );
    assert_eq!(t.to_string(), "extension regional in ca-central-1");
    for bad in [
        "extension",
        "extension local",
        "extension regional in",
        "extension global in x",
    ] {
        let e = parse_target(&words(bad)).unwrap_err().to_string();
        assert!(e.contains("extension regional in REGION"), "{bad}: {e}");
    }
}

#[test]
fn set_creates_zone_extensions_and_needs_no_override_for_managed_fields() {
    let t = target("extension regional");
    let out = set_in_text(BASE, &t, &sets(&["num_replicas=9"]), MR).unwrap();
    assert_eq!(
        out,
        format!("{BASE}zone_extensions:\n  regional: {{ num_replicas: 9 }}\n")
    );
    assert!(!out.contains("override_multi_region"));
    // a second field joins the same block
    let out = set_in_text(&out, &t, &sets(&["num_voters=5"]), MR).unwrap();
    assert_eq!(
        out,
        format!("{BASE}zone_extensions:\n  regional: {{ num_replicas: 9, num_voters: 5 }}\n")
    );
    assert_eq!(
        extensions(&out).regional,
        Some(ZoneConfig {
            num_replicas: Some(9),
            num_voters: Some(5),
            ..Default::default()
        })
    );
}

#[test]
fn regional_in_is_created_under_zone_extensions_and_beside_what_is_there() {
    let t = target("extension regional in ca-central-1");
    let out = set_in_text(
        BASE,
        &t,
        &sets(&["lease_preferences=[[+region=ca-central-1], [+region=ap-southeast-2]]"]),
        MR,
    )
    .unwrap();
    assert_eq!(
        out,
        format!(
            "{BASE}zone_extensions:\n  regional_in:\n    ca-central-1: {{ lease_preferences: [[+region=ca-central-1], [+region=ap-southeast-2]] }}\n"
        )
    );
    // `regional:` already there: `regional_in:` is added beside it, comments kept
    let with_regional = format!(
        "{BASE}zone_extensions:   # tuned, not overridden\n  regional: {{ num_replicas: 9 }}\nzones:\n  database: {{ gc.ttlseconds: 600 }}\n"
    );
    let out = set_in_text(&with_regional, &t, &sets(&["num_voters=5"]), MR).unwrap();
    assert_eq!(
        out,
        format!(
            "{BASE}zone_extensions:   # tuned, not overridden\n  regional: {{ num_replicas: 9 }}\n  regional_in: {{ ca-central-1: {{ num_voters: 5 }} }}\nzones:\n  database: {{ gc.ttlseconds: 600 }}\n"
        )
    );
    let e = extensions(&out);
    assert_eq!(e.regional.unwrap().num_replicas, Some(9));
    assert_eq!(e.regional_in["ca-central-1"].num_voters, Some(5));
    // a second region joins the same `regional_in:`
    let out = set_in_text(
        &out,
        &target("extension regional in us-east-1"),
        &sets(&["constraints={+region=us-east-1: 2}"]),
        MR,
    )
    .unwrap();
    let e = extensions(&out);
    assert_eq!(
        e.regional_in["us-east-1"].constraints,
        Some(Constraints::PerReplica(
            [("+region=us-east-1".to_string(), 2)].into()
        ))
    );
    assert_eq!(e.regional_in["ca-central-1"].num_voters, Some(5));
}

#[test]
fn an_empty_zone_extensions_key_is_filled() {
    let text = format!("{BASE}zone_extensions:\nzones: {{ database: {{ gc.ttlseconds: 600 }} }}\n");
    let out = set_in_text(
        &text,
        &target("extension global"),
        &sets(&["num_replicas=6"]),
        MR,
    )
    .unwrap();
    assert_eq!(
        out,
        format!("{BASE}zone_extensions: {{ global: {{ num_replicas: 6 }} }}\nzones: {{ database: {{ gc.ttlseconds: 600 }} }}\n")
    );
}

#[test]
fn unset_removes_the_key_then_the_emptied_maps_on_the_way() {
    let text = format!(
        "{BASE}zone_extensions:\n  regional_in:\n    ca-central-1: {{ num_voters: 5, lease_preferences: [[+region=ca-central-1]] }}\n# trailing comment\n"
    );
    let t = target("extension regional in ca-central-1");
    let out = unset_in_text(&text, &t, &keys(&["num_voters"])).unwrap();
    assert_eq!(
        out,
        format!(
            "{BASE}zone_extensions:\n  regional_in:\n    ca-central-1: {{ lease_preferences: [[+region=ca-central-1]] }}\n# trailing comment\n"
        )
    );
    // the last key: the zone, `regional_in:` and `zone_extensions:` go (a DISCARD)
    let out = unset_in_text(&out, &t, &keys(&["lease_preferences"])).unwrap();
    assert_eq!(out, format!("{BASE}# trailing comment\n"));
    // with a sibling left, only the emptied branch goes
    let text = format!(
        "{BASE}zone_extensions:\n  regional: {{ num_replicas: 9 }}\n  regional_in:\n    us-east-1: {{ num_voters: 5 }}\n"
    );
    let out = unset_in_text(
        &text,
        &target("extension regional in us-east-1"),
        &keys(&["num_voters"]),
    )
    .unwrap();
    assert_eq!(
        out,
        format!("{BASE}zone_extensions:\n  regional: {{ num_replicas: 9 }}\n")
    );
}

#[test]
fn unset_of_an_extension_that_is_not_there_changes_nothing() {
    let e = unset_in_text(BASE, &target("extension global"), &keys(&["num_replicas"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no zone in the model"), "{e}");
}

#[test]
fn an_extension_belongs_in_regions_yaml() {
    let e = set_in_text(
        "table: players\ncolumns: []\n",
        &target("extension regional"),
        &sets(&["num_replicas=5"]),
        MR,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("belongs in regions.yaml"), "{e}");
}
