//! The JSON Schemas of jsonschema/ (what editors use through the YAML language server) agree
//! with bmdb's loader: every bundled project file validates, and every case of the bad-input
//! corpus is classified. A SHAPE case must fail the schema (an editor flags it as you type);
//! a SEMANTIC case is well-shaped and only bmdb's validator can catch it (an unknown region,
//! a type mismatch across files ...); a NOT_YAML case has a file that is not one YAML document
//! (syntax errors, duplicate keys, several documents, unreadable or missing files). A new bad
//! case must be added to one of the lists below: an unclassified case fails the test.

use serde_json::Value;
use std::path::{Path, PathBuf};

const SHAPE: &[&str] = &[
    "family-without-name",
    "ttl-not-positive",
    "ttl-without-expiry",
    "sequence-type-ambiguous",
    "sequence-unknown-key",
    "schema-names",
    "sequence-bad-number",
    "sequence-increment-zero",
    "sequence-cache-zero",
    "sequence-owner-not-a-column",
    "identity-shape",
    "computed-shape",
    "zone-extension-refused",
    "enum-bad-name",
    "enum-unknown-key",
    "view-unknown-key",
    "view-missing-query",
    "ignore-entry-without-kind",
    "cockroach-version-invalid",
    "environment-bad-name",
    "environment-bad-url-env",
    "environment-default-without-environments",
    "environment-missing-dialect",
    "environment-unknown-dialect",
    "environment-with-top-level-dialect",
    "grant-missing-privileges",
    "grant-option-not-boolean",
    "grant-unknown-on-key",
    "role-password",
    "role-setting-invalid",
    "role-unknown-key",
    "backup-bad-connection",
    "backup-invalid-cron",
    "backup-missing-keys",
    "backup-storage-uri",
    "role-valid-until",
    "check-without-expr",
    "empty-file",
    "identifier-control-character",
    "index-column-shape",
    "invalid-value-dialect",
    "invalid-value-fk-action",
    "invalid-value-locality",
    "invalid-value-locality-two-keys",
    "invalid-value-survival-goal",
    "missing-key-column-type",
    "missing-key-columns",
    "missing-key-database",
    "missing-key-table-name",
    "postgres-dialect-still-checks-shape",
    "primary-key-shape",
    "references-shape",
    "sharded-buckets",
    "unicode",
    "unknown-key-column",
    "unknown-key-no-suggestion",
    "unknown-key-regions",
    "unknown-key-table",
    "unknown-zone-key",
    "unknown-zone-target",
    "unquoted-type-with-comma",
    "wrong-type-columns-map",
    "wrong-type-nullable",
    "wrong-type-regions-scalar",
    "wrong-type-top-level-list",
    "yaml-too-deep",
    "zone-count-overflow",
    "zone-range-bytes",
    "zone-values-below-minimum",
];
const SEMANTIC: &[&str] = &[
    // an empty comment is text to the schema; bmdb refuses it (it could never be read back)
    "comment-empty",
    "sequence-type-range",
    "sequence-invalid-rename",
    "sequence-cycle-cockroach",
    "schema-references",
    "schema-grants",
    "schema-index-names",
    "sequence-min-above-max",
    "sequence-start-outside",
    "sequence-owner-unknown-table",
    "sequence-owner-unknown-column",
    "sequence-table-name",
    "sequence-unknown-nextval",
    "identity-invalid",
    "collation-invalid",
    "computed-invalid",
    "zone-extension-not-multi-region",
    "zone-lease-preferences-need-voter-constraints",
    "enum-duplicate-value",
    "view-bad-query",
    "view-table-name",
    "enum-invalid-rename",
    "enum-reserved-name",
    "enum-unknown-type",
    "fk-initially-deferred-not-deferrable",
    "cockroach-version-too-old",
    "did-you-mean-names",
    "environment-duplicate-url-env",
    "environment-unknown-default",
    "default-privileges-unknown-role",
    "grant-invalid-privilege",
    "grant-privilege-cockroach-only-on-postgres",
    "grant-unknown-enum",
    "grant-unknown-schema-and-sequence",
    "grant-unknown-table",
    "role-builtin-name",
    "backup-cadence-order",
    "backup-interval-twice",
    "role-cockroach-option-on-postgres",
    "role-membership-cycle",
    "role-unknown-member-of",
    "duplicate-column",
    "duplicate-generated-name",
    "duplicate-index-name-across-tables",
    "duplicate-name-in-table",
    "duplicate-table",
    "fk-column-count",
    "fk-type-mismatch",
    "fk-unknown-column",
    "fk-unknown-table",
    "identifier-too-long",
    "invalid-duration",
    "invalid-expression-check",
    "invalid-expression-default",
    "invalid-expression-where",
    "invalid-rename",
    "locality-without-regions",
    "primary-region-not-declared",
    "protected-zone-field",
    "rbr-column-missing",
    "rbr-column-type",
    "region-survival-needs-three-regions",
    "regions-without-primary",
    "restricted-placement-with-region-survival",
    "secondary-is-primary",
    "super-regions-overlap",
    "ttl-interval",
    "family-rules",
    "ttl-invalid-cron",
    "unknown-column-everywhere",
    "unknown-region-locality",
    "unknown-region-secondary",
    "unknown-region-super-region",
    "unknown-region-zone-constraint",
    "unknown-type",
    "voters-exceed-replicas",
    "zone-constraint-without-sign",
    "zone-invalid-constraint",
    "zone-per-replica-constraints",
    "zone-range-min-not-below-max",
    "zone-tandem-fields",
];
const NOT_YAML: &[&str] = &[
    // a whole number past 2^64: YAML holds it, JSON (and the schema's integers) cannot
    "sequence-out-of-range",
    "duplicate-key",
    "many-problems-many-files",
    "missing-regions-yaml",
    "multiple-documents",
    "syntax-error-does-not-hide-others",
    "unreadable-dangling-symlink",
    "unreadable-symlink-loop",
    "yaml-alias-limit",
    "yaml-syntax-bad-indent",
    "yaml-syntax-tab-indent",
    "yaml-syntax-unclosed-bracket",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum Kind {
    Regions,
    Table,
    Roles,
    Type,
    View,
    Sequence,
    Backups,
}

fn schema(kind: Kind) -> jsonschema::Validator {
    let file = match kind {
        Kind::Regions => "jsonschema/regions.schema.json",
        Kind::Table => "jsonschema/table.schema.json",
        Kind::Roles => "jsonschema/roles.schema.json",
        Kind::Type => "jsonschema/type.schema.json",
        Kind::View => "jsonschema/view.schema.json",
        Kind::Sequence => "jsonschema/sequence.schema.json",
        Kind::Backups => "jsonschema/backups.schema.json",
    };
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    jsonschema::draft7::new(&value).unwrap_or_else(|e| panic!("{file} is not a valid schema: {e}"))
}

/// The YAML files of a project: regions.yaml and schema/**/*.y(a)ml.
fn project_files(dir: &Path) -> Vec<(PathBuf, Kind)> {
    let mut out = vec![(dir.join("regions.yaml"), Kind::Regions)];
    if dir.join("roles.yaml").exists() {
        out.push((dir.join("roles.yaml"), Kind::Roles));
    }
    if dir.join("backups.yaml").exists() {
        out.push((dir.join("backups.yaml"), Kind::Backups));
    }
    fn walk(d: &Path, out: &mut Vec<(PathBuf, Kind)>, kind: Kind) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if std::fs::metadata(&p).is_err() {
                // A dangling symlink or a loop: the loader reports it as unreadable.
                out.push((p, kind));
            } else if p.is_dir() {
                walk(&p, out, kind);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push((p, kind));
            }
        }
    }
    walk(&dir.join("schema"), &mut out, Kind::Table);
    walk(&dir.join("types"), &mut out, Kind::Type);
    walk(&dir.join("views"), &mut out, Kind::View);
    walk(&dir.join("sequences"), &mut out, Kind::Sequence);
    out
}

enum Outcome {
    Valid,
    /// (file, the schema's first complaint)
    SchemaError(String),
    NotYaml(String),
}

fn check_file(path: &Path, kind: Kind) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Outcome::NotYaml(format!("{}: {e}", path.display())),
    };
    // Through serde_yaml's own Value first: it refuses duplicate keys, as YAML does.
    let value: Value = match serde_yaml::from_str::<serde_yaml::Value>(&text)
        .map_err(|e| e.to_string())
        .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return Outcome::NotYaml(format!("{}: {e}", path.display())),
    };
    let validator = schema(kind);
    let first = validator
        .iter_errors(&value)
        .next()
        .map(|e| format!("{}: {e} (at {})", path.display(), e.instance_path()));
    match first {
        None => Outcome::Valid,
        Some(e) => Outcome::SchemaError(e),
    }
}

/// The worst outcome over a project's files; a project without regions.yaml is NOT_YAML
/// (there is nothing a schema could judge). A project without a table file is valid.
fn check_project(dir: &Path) -> Outcome {
    let files = project_files(dir);
    if !dir.join("regions.yaml").is_file() {
        return Outcome::NotYaml(format!("{}: no regions.yaml", dir.display()));
    }
    let mut worst = Outcome::Valid;
    for (path, kind) in files {
        match check_file(&path, kind) {
            o @ Outcome::NotYaml(_) => return o,
            o @ Outcome::SchemaError(_) => worst = o,
            Outcome::Valid => {}
        }
    }
    worst
}

fn bad_cases() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("tests/bad"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn every_bad_case_is_classified_and_the_schema_agrees() {
    let mut failures = Vec::new();
    for case in bad_cases() {
        let lists = [
            ("SHAPE", SHAPE),
            ("SEMANTIC", SEMANTIC),
            ("NOT_YAML", NOT_YAML),
        ];
        let listed: Vec<&str> = lists
            .iter()
            .filter(|(_, l)| l.contains(&case.as_str()))
            .map(|(n, _)| *n)
            .collect();
        let [class] = listed[..] else {
            failures.push(format!(
                "{case}: listed in {listed:?}; add it to exactly one of SHAPE, SEMANTIC, NOT_YAML in tests/jsonschema.rs"
            ));
            continue;
        };
        let got = check_project(&root().join("tests/bad").join(&case));
        match (class, got) {
            ("SHAPE", Outcome::SchemaError(_))
            | ("SEMANTIC", Outcome::Valid)
            | ("NOT_YAML", Outcome::NotYaml(_)) => {}
            (_, Outcome::Valid) => {
                failures.push(format!("{case} ({class}): the schema accepts every file"))
            }
            (_, Outcome::SchemaError(e)) => {
                failures.push(format!("{case} ({class}): the schema refuses it: {e}"))
            }
            (_, Outcome::NotYaml(e)) => failures.push(format!("{case} ({class}): not YAML: {e}")),
        }
    }
    for name in SHAPE.iter().chain(SEMANTIC).chain(NOT_YAML) {
        if !root().join("tests/bad").join(name).is_dir() {
            failures.push(format!(
                "{name} is classified but tests/bad/{name} does not exist"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every project bundled with bmdb: the BlueMarble root, tests/good/*, the fixtures.
#[test]
fn every_bundled_project_validates() {
    let mut projects = vec![root().to_path_buf()];
    for group in ["tests/good", "tests/fixtures/crdb"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join(group))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("regions.yaml").is_file())
            .collect();
        dirs.sort();
        projects.extend(dirs);
    }
    assert!(projects.len() >= 4, "{projects:?}");
    for dir in projects {
        match check_project(&dir) {
            Outcome::Valid => {}
            Outcome::SchemaError(e) | Outcome::NotYaml(e) => panic!("{e}"),
        }
        assert!(
            bmdb::model::load_project(&dir).is_ok(),
            "{} does not load",
            dir.display()
        );
    }
}

/// The files `bmdb zones set|unset` writes (tests/zones/edit/golden) stay valid.
#[test]
fn zone_edit_outputs_validate() {
    let dir = root().join("tests/zones/edit/golden");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = if name.starts_with("regions_") {
            Kind::Regions
        } else {
            Kind::Table
        };
        match check_file(&entry.path(), kind) {
            Outcome::Valid => n += 1,
            Outcome::SchemaError(e) | Outcome::NotYaml(e) => panic!("{e}"),
        }
    }
    assert!(n >= 10, "only {n} files under {}", dir.display());
}

/// The two schemas carry the same shared definitions (zone blocks, names, text): written in
/// each file so each is standalone for an editor, kept identical here.
#[test]
fn shared_definitions_are_identical() {
    let load = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root().join(f)).unwrap()).unwrap()
    };
    let regions = load("jsonschema/regions.schema.json");
    let table = load("jsonschema/table.schema.json");
    for (name, def) in regions["definitions"].as_object().unwrap() {
        assert_eq!(
            &table["definitions"][name], def,
            "definition {name} differs"
        );
    }
    // The keys each schema allows are the loader's keys.
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let sorted = |k: &[&str]| -> Vec<String> {
        let mut k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    use bmdb::model::{COLUMN_KEYS, FK_KEYS, INDEX_KEYS, REGIONS_KEYS, TABLE_KEYS, ZONE_KEYS};
    assert_eq!(keys(&regions), sorted(REGIONS_KEYS), "regions.yaml keys");
    assert_eq!(keys(&table), sorted(TABLE_KEYS), "table keys");
    assert_eq!(
        keys(&regions["definitions"]["zone"]),
        sorted(ZONE_KEYS),
        "zone keys"
    );
    // roles.yaml: its top-level keys and one role's keys (every option of the one list)
    let roles = load("jsonschema/roles.schema.json");
    assert_eq!(
        keys(&roles),
        sorted(bmdb::model::roles::ROLES_FILE_KEYS),
        "roles.yaml keys"
    );
    let role_keys: Vec<&str> = bmdb::model::roles::ROLE_OPTIONS
        .iter()
        .map(|o| o.key)
        .chain(bmdb::model::roles::ROLE_EXTRA_KEYS.iter().copied())
        .collect();
    assert_eq!(
        keys(&roles["properties"]["roles"]["additionalProperties"]["oneOf"][1]),
        sorted(&role_keys),
        "role keys"
    );
    // a grant's keys, its `on:` keys and a default privilege's keys: the loader's lists
    assert_eq!(
        keys(&roles["definitions"]["grant"]),
        sorted(bmdb::model::roles::GRANT_KEYS),
        "grant keys"
    );
    assert_eq!(
        keys(&roles["definitions"]["grant"]["properties"]["on"]["oneOf"][1]),
        sorted(bmdb::model::roles::GRANT_ON_KEYS),
        "grant on keys"
    );
    assert_eq!(
        keys(&roles["definitions"]["default_privilege"]),
        sorted(bmdb::model::roles::DEFAULT_PRIVILEGE_KEYS),
        "default privilege keys"
    );
    // types/<name>.yaml: its keys and one value's keys
    let ty = load("jsonschema/type.schema.json");
    assert_eq!(
        keys(&ty),
        sorted(bmdb::model::enums::ENUM_FILE_KEYS),
        "type file keys"
    );
    assert_eq!(
        keys(&ty["properties"]["values"]["items"]["oneOf"][1]),
        sorted(bmdb::model::enums::ENUM_VALUE_KEYS),
        "enum value keys"
    );
    // views/<name>.yaml: its keys
    assert_eq!(
        keys(&load("jsonschema/view.schema.json")),
        sorted(bmdb::model::views::VIEW_FILE_KEYS),
        "view file keys"
    );
    // sequences/<name>.yaml: its keys
    assert_eq!(
        keys(&load("jsonschema/sequence.schema.json")),
        sorted(bmdb::model::sequences::SEQUENCE_FILE_KEYS),
        "sequence file keys"
    );
    // backups.yaml: its top-level keys and one schedule's keys
    let backups = load("jsonschema/backups.schema.json");
    assert_eq!(
        keys(&backups),
        sorted(bmdb::model::backups::BACKUPS_FILE_KEYS),
        "backups.yaml keys"
    );
    assert_eq!(
        keys(&backups["properties"]["schedules"]["additionalProperties"]),
        sorted(bmdb::model::backups::SCHEDULE_KEYS),
        "backup schedule keys"
    );
    let defs = &table["definitions"];
    assert_eq!(keys(&defs["column"]), sorted(COLUMN_KEYS), "column keys");
    assert_eq!(keys(&defs["index"]), sorted(INDEX_KEYS), "index keys");
    assert_eq!(
        keys(&defs["foreign_key"]),
        sorted(FK_KEYS),
        "foreign key keys"
    );
}

/// `bmdb init` writes the schemas and points each file it creates at them.
#[test]
fn init_writes_the_schemas_and_the_modeline() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shop");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for (file, schema_file) in [
        ("regions.yaml", "jsonschema/regions.schema.json"),
        ("schema/accounts.yaml", "../jsonschema/table.schema.json"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let line = format!("# yaml-language-server: $schema={schema_file}\n");
        assert!(
            text.starts_with(&line),
            "{file} does not start with {line:?}"
        );
        let schema = dir.join(file).parent().unwrap().join(schema_file);
        assert_eq!(
            std::fs::read_to_string(&schema).unwrap(),
            std::fs::read_to_string(root().join(schema_file.trim_start_matches("../"))).unwrap(),
            "{} is not bmdb's schema",
            schema.display()
        );
    }
    // the enum types' schema too, for a types/<name>.yaml the user adds
    assert_eq!(
        std::fs::read_to_string(dir.join("jsonschema/type.schema.json")).unwrap(),
        std::fs::read_to_string(root().join("jsonschema/type.schema.json")).unwrap(),
    );
    match check_project(&dir) {
        Outcome::Valid => {}
        Outcome::SchemaError(e) | Outcome::NotYaml(e) => panic!("{e}"),
    }
}
