//! relock: the `schema_locked` detour made crash-safe. Before apply unlocks a table for a
//! statement that cannot unlock it itself (CockroachDB, SQLSTATE 57000), it records the
//! intent to lock it again in `bmdb_relock` (created then, CockroachDB only); the row goes
//! once the table is locked again. A process killed between the unlock and the relock leaves
//! the row, and the next apply locks the table again (under the apply lock, before it runs or
//! resumes anything) and says so. Without the row, the resumed statement would run on the
//! now unlocked table without the detour and the table would stay unlocked: the model does
//! not carry `schema_locked` (the catalog reader keeps it out, so drift cannot see it).

use super::bootstrap::{self, OwnTable};
use crate::db::cell;
use anyhow::{Context, Result};
use postgres::GenericClient;

pub const RELOCK_TABLE: &str = "bmdb_relock";

const CREATE: &str = "CREATE TABLE IF NOT EXISTS bmdb_relock (
    table_name TEXT PRIMARY KEY,
    version INT8 NOT NULL,
    statement INT8 NOT NULL,
    since TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// The relock intents table as bmdb creates it and the columns it reads and writes.
pub const TABLE: OwnTable = OwnTable {
    name: RELOCK_TABLE,
    create: CREATE,
    columns: &[
        ("table_name", "text"),
        ("version", "bigint"),
        ("statement", "bigint"),
        ("since", "timestamp with time zone"),
    ],
};

/// A table an apply unlocked and did not live to lock again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlocked {
    pub table: String,
    /// The migration and 1-based statement it was unlocked for.
    pub version: i64,
    pub statement: i64,
}

fn ident(table: &str) -> String {
    format!("\"{}\"", table.replace('"', "\"\""))
}

/// `ALTER TABLE "t" SET (schema_locked = false)`: alone, as CockroachDB wants it.
pub fn unlock_sql(table: &str) -> String {
    format!("ALTER TABLE {} SET (schema_locked = false)", ident(table))
}

/// `ALTER TABLE "t" SET (schema_locked = true)`.
pub fn relock_sql(table: &str) -> String {
    format!("ALTER TABLE {} SET (schema_locked = true)", ident(table))
}

/// The intent, recorded before the unlock (the table is created on first use). Errors are
/// the driver's: the caller treats them as it treats the statement's own.
pub fn record(client: &mut impl GenericClient, u: &Unlocked) -> Result<(), postgres::Error> {
    client.batch_execute(CREATE)?;
    client.execute(
        "UPSERT INTO bmdb_relock (table_name, version, statement) VALUES ($1, $2, $3)",
        &[&u.table, &u.version, &u.statement],
    )?;
    Ok(())
}

/// The intent fulfilled: the table is locked again.
pub fn forget(client: &mut impl GenericClient, table: &str) -> Result<(), postgres::Error> {
    client.execute("DELETE FROM bmdb_relock WHERE table_name = $1", &[&table])?;
    Ok(())
}

/// The tables earlier applies unlocked and did not lock again; none when the table does not
/// exist (no apply ever needed the detour).
pub fn pending(client: &mut impl GenericClient) -> Result<Vec<Unlocked>> {
    if !bootstrap::exists(client, RELOCK_TABLE)? {
        return Ok(Vec::new());
    }
    bootstrap::check_shape(client, &TABLE)?;
    let rows = client
        .query(
            "SELECT table_name, version, statement FROM bmdb_relock ORDER BY table_name",
            &[],
        )
        .context("could not read bmdb_relock")?;
    rows.iter()
        .map(|r| {
            Ok(Unlocked {
                table: cell(r, 0, RELOCK_TABLE, None)?,
                version: cell(r, 1, RELOCK_TABLE, None)?,
                statement: cell(r, 2, RELOCK_TABLE, None)?,
            })
        })
        .collect()
}

/// What apply says when it locks a table an earlier apply left unlocked.
pub fn relock_message(u: &Unlocked) -> String {
    format!(
        "table {} was left unlocked (schema_locked = false) by an apply that died between \
         unlocking it for statement {} of V{} and locking it again: locking it again",
        u.table, u.statement, u.version
    )
}

/// Lock again every table an earlier apply left unlocked, then forget the intent. A table
/// that is gone (dropped since) needs nothing: its intent is forgotten.
pub fn relock_pending(client: &mut postgres::Client, warn: &dyn Fn(&str)) -> Result<Vec<Unlocked>> {
    let list = pending(client)?;
    for u in &list {
        if bootstrap::exists(client, &u.table)? {
            warn(&relock_message(u));
            client
                .batch_execute(&relock_sql(&u.table))
                .with_context(|| format!("could not lock table {} again", u.table))?;
        }
        forget(client, &u.table)
            .with_context(|| format!("could not record that table {} is locked again", u.table))?;
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_statements_quote_the_table() {
        assert_eq!(
            unlock_sql("players"),
            "ALTER TABLE \"players\" SET (schema_locked = false)"
        );
        assert_eq!(
            relock_sql("odd\"name"),
            "ALTER TABLE \"odd\"\"name\" SET (schema_locked = true)"
        );
    }

    #[test]
    fn the_message_names_table_statement_and_migration() {
        let m = relock_message(&Unlocked {
            table: "players".into(),
            version: 7,
            statement: 3,
        });
        assert!(m.starts_with("table players was left unlocked"), "{m}");
        assert!(m.contains("statement 3 of V7"), "{m}");
    }
}
