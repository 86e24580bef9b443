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

const REGIONS: &str = r#"# bmdb project: the database, its regions and survival goal.
database: {database}
dialect: {dialect}{pad}# cockroach | postgres
# Multi-region (CockroachDB): uncomment, then `bmdb plan`.
# primary_region: us-east-1
# regions: [us-east-1, us-west-2, eu-west-1]
# survival_goal: zone       # zone | region (needs 3 regions)
"#;

const ACCOUNTS: &str = r#"table: accounts
comment: Example table; edit or replace it
columns:
  - { name: account_id, type: UUID, default: gen_random_uuid() }
  - { name: email, type: STRING, nullable: false }
  - { name: created_at, type: TIMESTAMPTZ, nullable: false, default: now() }
primary_key: [account_id]
unique:
  - [email]
"#;

pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
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
    fs::create_dir_all(dir.join("schema"))?;
    fs::create_dir_all(dir.join("migrations"))?;
    fs::create_dir_all(dir.join("templates"))?;
    fs::write(
        dir.join("regions.yaml"),
        REGIONS.replace("{database}", &database).replace(
            "{dialect}{pad}",
            match args.dialect {
                InitDialect::Cockroach => "cockroach          ",
                InitDialect::Postgres => "postgres           ",
            },
        ),
    )?;
    if !dir.join("schema/accounts.yaml").exists() {
        fs::write(dir.join("schema/accounts.yaml"), ACCOUNTS)?;
    }
    fs::write(
        dir.join("templates/README.md"),
        "Put a file here named like a built-in template (e.g. add_column.sql.j2) to override it.\n",
    )?;
    println!("Created a bmdb project in {}.", dir.display());
    println!("Next: bmdb --project {} plan", dir.display());
    Ok(ExitCode::SUCCESS)
}
