//! files: the migrations as apply runs them: found by `migrations::scan` (refinery's naming,
//! the lock's checksum), cut into statements, with their `-- destructive:` marks; a hand-written file
//! (not starting with the generated header) also has its statements checked by `sql::destructive_statement`.

use crate::migrations::{Line, MigrationFile};
use crate::sql::{
    leading_words, schedule_id_directives, split_statements, ScheduleIdDirective, Statement,
};
use anyhow::{Context, Result};

/// Header line that marks a destructive step: `-- destructive: drop-column players.note`.
const DESTRUCTIVE_MARK: &str = "-- destructive:";

/// A migration file as apply runs it: the file `migrations::scan` found, cut into
/// statements, with its destructive marks.
#[derive(Debug, Clone)]
pub struct Migration {
    pub file: MigrationFile,
    pub statements: Vec<Statement>,
    /// One entry per `-- destructive:` line, e.g. `drop-column players.note`.
    pub destructive: Vec<String>,
    /// The hazards the generated step headers name, e.g. `step 3: add_column players.x: backfill`.
    pub hazards: Vec<String>,
    /// Its `-- bmdb:backup-schedule-id` directives: statements whose `:schedule_id` apply
    /// fills in just before the migration runs ([`super::schedule_ids`]).
    pub schedule_ids: Vec<ScheduleIdDirective>,
}

impl Migration {
    /// The version as the history table keys it (INT8).
    pub fn version(&self) -> i64 {
        i64::from(self.file.version)
    }

    pub fn label(&self) -> String {
        format!("V{}__{}", self.file.version, self.file.name)
    }
}

/// Every `V<n>__<slug>.sql` of the line, ordered by version (found by `migrations::scan`,
/// the one discovery), cut into statements with its destructive marks.
pub fn load_migrations(line: &Line) -> Result<Vec<Migration>> {
    crate::migrations::scan(line)?
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f.path)
                .with_context(|| format!("{} is not readable UTF-8 text", f.path.display()))?;
            let statements = split_statements(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", f.path.display()))?;
            let mut destructive: Vec<String> = text
                .lines()
                .filter_map(|l| l.trim().strip_prefix(DESTRUCTIVE_MARK))
                .map(|s| s.trim().to_string())
                .collect();
            if !text.starts_with(crate::migrations::GENERATED_HEADER) {
                // hand-written (or not bmdb's): the statements themselves are checked too
                destructive.extend(statements.iter().filter_map(|s| {
                    crate::sql::destructive_statement(&s.sql)
                        .map(|what| format!("{what} (line {})", s.line))
                }));
            }
            let hazards = crate::migrations::step_hazards(&text);
            let schedule_ids = schedule_id_directives(&text).map_err(|errors| {
                anyhow::anyhow!(
                    "{}",
                    errors
                        .iter()
                        .map(|e| format!(
                            "{}:{}:{}: {}",
                            f.path.display(),
                            e.line,
                            e.col,
                            e.message
                        ))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            })?;
            Ok(Migration {
                file: f,
                statements,
                destructive,
                hazards,
                schedule_ids,
            })
        })
        .collect()
}

/// The one checksum: the lock file and the history table record the same value.
pub use crate::migrations::checksum;

/// PostgreSQL statements that cannot run inside a transaction block.
pub fn pg_needs_autocommit(sql: &str) -> bool {
    let words: Vec<String> = leading_words(sql, 8);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["VACUUM", ..]
        | ["CREATE", "DATABASE", ..]
        | ["DROP", "DATABASE", ..]
        | ["ALTER", "SYSTEM", ..] => true,
        ["CREATE", "TABLESPACE", ..] | ["DROP", "TABLESPACE", ..] => true,
        ["CREATE", "INDEX", "CONCURRENTLY", ..]
        | ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..] => true,
        ["DROP", "INDEX", "CONCURRENTLY", ..] | ["REINDEX", ..] if w.contains(&"CONCURRENTLY") => {
            true
        }
        ["ALTER", "TYPE", ..] => w.windows(2).any(|p| p == ["ADD", "VALUE"]),
        _ => false,
    }
}

/// Whether a statement changes the schema (CockroachDB runs those as jobs, never with DML).
pub fn is_schema_change(sql: &str) -> bool {
    let words = leading_words(sql, 1);
    matches!(
        words.first().map(String::as_str),
        Some(
            "CREATE"
                | "ALTER"
                | "DROP"
                | "COMMENT"
                | "GRANT"
                | "REVOKE"
                | "TRUNCATE"
                | "RENAME"
                | "SET"
                | "CONFIGURE"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_statements_that_refuse_transactions() {
        assert!(pg_needs_autocommit(
            "create index concurrently if not exists i on t (x)"
        ));
        assert!(pg_needs_autocommit(
            "/* c */ CREATE UNIQUE INDEX CONCURRENTLY i ON t (x)"
        ));
        assert!(pg_needs_autocommit("ALTER TYPE mood ADD VALUE 'ok'"));
        assert!(pg_needs_autocommit("VACUUM ANALYZE t"));
        assert!(pg_needs_autocommit("-- hdr\nCREATE DATABASE x"));
        assert!(pg_needs_autocommit("DROP INDEX CONCURRENTLY i"));
        assert!(!pg_needs_autocommit("CREATE INDEX i ON t (x)"));
        assert!(!pg_needs_autocommit(
            "ALTER TYPE mood RENAME VALUE 'a' TO 'b'"
        ));
        assert!(!pg_needs_autocommit("INSERT INTO t VALUES ('VACUUM')"));
    }

    #[test]
    fn tells_schema_changes_from_dml() {
        assert!(is_schema_change("ALTER TABLE t ADD COLUMN x INT"));
        assert!(is_schema_change("  create table t (x int)"));
        assert!(!is_schema_change("INSERT INTO t VALUES (1)"));
        assert!(!is_schema_change("UPDATE t SET x = 1"));
    }

    #[test]
    fn loads_files_in_version_order_with_checksums_and_marks() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("migrations");
        std::fs::create_dir(&m).unwrap();
        std::fs::write(m.join("V10__later.sql"), "SELECT 10;\n").unwrap();
        let body = "-- step 1: drop_column players.note [hazard: drop-column]\n-- destructive: drop-column players.note\nALTER TABLE players DROP COLUMN note;\n";
        // generated (starts with bmdb's header): its marks are trusted as written
        std::fs::write(
            m.join("V2__drop_note.sql"),
            format!("{}2\n{body}", crate::migrations::GENERATED_HEADER),
        )
        .unwrap();
        // hand-written (no header): the statements are checked as well as the marks
        std::fs::write(m.join("V3__by_hand.sql"), body).unwrap();
        std::fs::write(m.join("bmdb.lock"), "{}").unwrap();
        let line = Line::single(dir.path(), crate::model::Dialect::Postgres);
        let got = load_migrations(&line).unwrap();
        assert_eq!(
            got.iter().map(|f| f.version()).collect::<Vec<_>>(),
            vec![2, 3, 10]
        );
        assert_eq!(got[0].file.name, "drop_note");
        assert_eq!(got[0].destructive, vec!["drop-column players.note"]);
        assert_eq!(
            got[1].destructive,
            vec!["drop-column players.note", "ALTER ... DROP COLUMN (line 3)"]
        );
        assert_eq!(got[2].file.checksum, checksum(b"SELECT 10;\n"));
        assert_eq!(got[2].file.checksum.len(), 64);
    }

    #[test]
    fn duplicate_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("migrations");
        std::fs::create_dir(&m).unwrap();
        std::fs::write(m.join("V1__a.sql"), "SELECT 1;").unwrap();
        std::fs::write(m.join("V01__b.sql"), "SELECT 1;").unwrap();
        let line = Line::single(dir.path(), crate::model::Dialect::Postgres);
        let err = load_migrations(&line).unwrap_err().to_string();
        assert!(err.contains("two migrations have version 1"), "{err}");
    }
}
