//! `bmdb init DIR`: a small project that validates and plans.

use clap::Args;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to create the project (created if missing; must not hold a project already).
    pub dir: PathBuf,
    /// The database name written into regions.yaml (default: the directory's name).
    #[arg(long)]
    pub database: Option<String>,
    /// The dialect written into regions.yaml: cockroach renders everything, postgres the
    /// portable subset (for a project that starts on PostgreSQL).
    #[arg(long, value_enum, default_value = "cockroach")]
    pub dialect: InitDialect,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InitDialect {
    Cockroach,
    Postgres,
}

/// The JSON Schemas editors validate the YAML with (yaml-language-server reads the
/// `# yaml-language-server: $schema=` line at the top of each file init writes).
const REGIONS_SCHEMA: &str = include_str!("../../jsonschema/regions.schema.json");
const TABLE_SCHEMA: &str = include_str!("../../jsonschema/table.schema.json");
const TYPE_SCHEMA: &str = include_str!("../../jsonschema/type.schema.json");
const VIEW_SCHEMA: &str = include_str!("../../jsonschema/view.schema.json");
const SEQUENCE_SCHEMA: &str = include_str!("../../jsonschema/sequence.schema.json");

const REGIONS: &str = r#"# yaml-language-server: $schema=jsonschema/regions.schema.json
# bmdb project: the database, its regions and survival goal.
database: {database}
dialect: {dialect}{pad}# cockroach | postgres
# Multi-region (CockroachDB): uncomment, then `bmdb plan`.
# primary_region: us-east-1
# regions: [us-east-1, us-west-2, eu-west-1]
# survival_goal: zone       # zone | region (needs 3 regions)
"#;

const ACCOUNTS: &str = r#"# yaml-language-server: $schema=../jsonschema/table.schema.json
table: accounts
comment: Example table; edit or replace it
columns:
  - { name: account_id, type: UUID, default: gen_random_uuid() }
  - { name: email, type: STRING, nullable: false }
  - { name: created_at, type: TIMESTAMPTZ, nullable: false, default: now() }
primary_key: [account_id]
unique:
  - [email]
"#;

/// `project_given`: the global `--project` was on the command line; init takes its directory
/// as an argument instead, and says so rather than silently ignoring the flag.
pub fn run(cli: &super::Cli, args: &InitArgs, project_given: bool) -> anyhow::Result<ExitCode> {
    let json = cli.format == super::Format::Json;
    if project_given {
        anyhow::bail!(
            "--project does not apply to init\n  help: give the new project's directory as the argument: bmdb init DIR"
        );
    }
    let dir = &args.dir;
    if dir.join("regions.yaml").exists() {
        anyhow::bail!(
            "{} already holds a bmdb project (regions.yaml exists)\n  help: choose another directory; bmdb init never overwrites files",
            dir.display()
        );
    }
    let database = match &args.database {
        Some(d) => d.clone(),
        None => {
            let abs = std::path::absolute(dir)?;
            let stem = abs
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let clean: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            if clean.is_empty() || clean.starts_with(|c: char| c.is_ascii_digit()) {
                format!("db_{clean}")
            } else {
                clean
            }
        }
    };
    let regions = REGIONS.replace("{database}", &database).replace(
        "{dialect}{pad}",
        match args.dialect {
            InitDialect::Cockroach => "cockroach          ",
            InitDialect::Postgres => "postgres           ",
        },
    );
    let files: [(&str, &str); 8] = [
        ("regions.yaml", &regions),
        ("schema/accounts.yaml", ACCOUNTS),
        (
            "templates/README.md",
            "Put a file here named like a built-in template (e.g. add_column.sql.j2) to override it.\n",
        ),
        ("jsonschema/regions.schema.json", REGIONS_SCHEMA),
        ("jsonschema/table.schema.json", TABLE_SCHEMA),
        ("jsonschema/type.schema.json", TYPE_SCHEMA),
        ("jsonschema/view.schema.json", VIEW_SCHEMA),
        ("jsonschema/sequence.schema.json", SEQUENCE_SCHEMA),
    ];
    for sub in ["schema", "migrations", "templates", "jsonschema"] {
        let path = dir.join(sub);
        fs::create_dir_all(&path)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
    }
    let (mut created, mut kept) = (Vec::new(), Vec::new());
    for (rel, text) in files {
        let path = dir.join(rel);
        // create_new: an existing file is kept, never overwritten, even one created meanwhile.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(text.as_bytes())
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                created.push(rel);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if !json {
                    println!(
                        "kept {} (it exists; bmdb init never overwrites)",
                        path.display()
                    );
                }
                kept.push(rel);
            }
            Err(e) => anyhow::bail!("cannot create {}: {e}", path.display()),
        }
    }
    if json {
        println!(
            "{}",
            super::to_json(&serde_json::json!({
                "version": crate::JSON_VERSION,
                "dir": dir.display().to_string(),
                "database": database,
                "dialect": match args.dialect {
                    InitDialect::Cockroach => "cockroach",
                    InitDialect::Postgres => "postgres",
                },
                "created": created,
                "kept": kept,
            }))
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("Created a bmdb project in {}.", dir.display());
    if !cli.quiet {
        println!("Next: cd {} && bmdb plan", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}
