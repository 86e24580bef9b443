//! The documentation stays true: the README's quickstart converges a real PostgreSQL, every
//! change kind's template fields are documented, and every relative link resolves.

mod support;
use std::path::Path;
use support::{bmdb, pg, run};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn templates_doc_lists_every_kind() {
    let doc = read("docs/templates.md");
    for kind in bmdb::diff::Change::ALL_KINDS {
        assert!(
            doc.contains(&format!("| `{kind}` |")),
            "docs/templates.md has no row for the change kind {kind}"
        );
    }
}

/// Relative links `](path)` and `](path#anchor)` of a markdown file, resolved from its folder.
fn relative_links(rel: &str) -> Vec<std::path::PathBuf> {
    let text = read(rel);
    let base = root().join(rel).parent().unwrap().to_path_buf();
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|target| !target.contains("://") && !target.starts_with('#'))
        .map(|target| base.join(target.split('#').next().unwrap()))
        .collect()
}

#[test]
fn every_doc_is_linked_and_every_link_resolves() {
    let readme = read("README.md");
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    for doc in &docs {
        assert!(
            readme.contains(&format!("]({doc})")),
            "README.md does not link {doc}"
        );
    }
    for file in std::iter::once("README.md".to_string()).chain(docs) {
        for target in relative_links(&file) {
            assert!(
                target.exists(),
                "{file} links {} which does not exist",
                target.display()
            );
        }
    }
}

/// The README's quickstart, command by command, on the test server.
#[test]
fn readme_quickstart_converges() {
    let pg = pg();
    let url = pg.url(&pg.new_db("quickstart"));
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    let r = run(std::process::Command::new(env!("CARGO_BIN_EXE_bmdb"))
        .args(["init", "--dialect", "postgres"])
        .arg(&shop));
    assert_eq!(r.code, 0, "{r:?}");
    let step = |args: &[&str], code: i32| {
        let r = run(bmdb(&shop).args(args).env("BMDB_DATABASE_URL", &url));
        assert_eq!(r.code, code, "bmdb {args:?}: {r:?}");
        r
    };
    assert!(step(&["plan"], 0).stdout.contains("create_table"));
    step(&["plan", "--write", "init"], 0);
    assert!(shop.join("migrations/V1__init.sql").exists());
    step(&["apply"], 0);
    step(&["drift"], 0);

    let table = shop.join("schema/accounts.yaml");
    let yaml = std::fs::read_to_string(&table).unwrap();
    let yaml = yaml.replacen(
        "primary_key:",
        "  - { name: nickname, type: STRING }\nprimary_key:",
        1,
    );
    std::fs::write(&table, yaml).unwrap();
    assert!(step(&["plan"], 0).stdout.contains("add_column"));
    step(&["drift"], 2);
    step(&["plan", "--write", "add_nickname"], 0);
    step(&["apply"], 0);
    step(&["drift"], 0);
    step(&["plan", "--detailed-exitcode"], 0);
}
