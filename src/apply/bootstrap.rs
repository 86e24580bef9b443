//! bootstrap: bmdb's own tables (`bmdb_lock`, `bmdb_schema_history`), created race-free and
//! checked for shape (`bmdb_relock` is created on first use, see `relock`). Several first
//! applies started at once must all wait and succeed:
//! PostgreSQL's `CREATE TABLE IF NOT EXISTS` is not atomic against a concurrent one (it can
//! fail on `pg_type`'s unique index), so there the creation runs in a transaction holding a
//! fixed advisory lock; CockroachDB has no advisory locks, so there the creation is retried
//! (with backoff) on the errors a concurrent creation gives. A table of that name that bmdb
//! did not create (missing columns, other types) is reported with what to do, before any
//! row is read or written.

use crate::model::Dialect;
use anyhow::{bail, Context, Result};
use postgres::error::SqlState;
use postgres::GenericClient;
use std::time::Duration;

/// The advisory lock key taken while creating the tables on PostgreSQL (`bmdb` in ASCII,
/// followed by `boot`): fixed, so every bmdb process takes the same one.
const BOOTSTRAP_LOCK_KEY: i64 = 0x626d_6462_626f_6f74;

/// Attempts on CockroachDB when a concurrent creation gets in the way.
const CRDB_ATTEMPTS: u32 = 8;

/// One of bmdb's tables: its `CREATE TABLE IF NOT EXISTS` and the columns bmdb reads and
/// writes, with the `information_schema.columns.data_type` each must have.
pub struct OwnTable {
    pub name: &'static str,
    pub create: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

/// Create whatever of `tables` does not exist, safely against concurrent applies, then
/// check each one's shape.
pub fn ensure(client: &mut postgres::Client, dialect: Dialect, tables: &[&OwnTable]) -> Result<()> {
    let what = tables
        .iter()
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join(" and ");
    match dialect {
        Dialect::Postgres => {
            let mut tx = client
                .transaction()
                .with_context(|| format!("could not create {what}"))?;
            tx.query_one("SELECT pg_advisory_xact_lock($1)", &[&BOOTSTRAP_LOCK_KEY])
                .with_context(|| format!("could not take the lock that guards creating {what}"))?;
            for t in tables {
                tx.batch_execute(t.create)
                    .with_context(|| format!("could not create bmdb's table {}", t.name))?;
            }
            tx.commit()
                .with_context(|| format!("could not create {what}"))?;
        }
        Dialect::Cockroach => {
            for t in tables {
                create_retrying(client, t)?;
            }
        }
    }
    for t in tables {
        check_shape(client, t)?;
    }
    Ok(())
}

/// Errors a `CREATE TABLE IF NOT EXISTS` gives when another session creates the same table
/// at the same moment: the name's row in a catalog (23505), the table or its type (42P07,
/// 42710), or a transaction conflict (40001).
fn lost_a_race(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        [
            SqlState::UNIQUE_VIOLATION,
            SqlState::DUPLICATE_TABLE,
            SqlState::DUPLICATE_OBJECT,
            SqlState::T_R_SERIALIZATION_FAILURE,
        ]
        .contains(c)
    })
}

fn create_retrying(client: &mut postgres::Client, t: &OwnTable) -> Result<()> {
    let mut attempt = 0;
    loop {
        match client.batch_execute(t.create) {
            Ok(()) => return Ok(()),
            Err(e) if lost_a_race(&e) && attempt + 1 < CRDB_ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(25 * 2u64.pow(attempt)));
            }
            Err(e) => {
                return Err(e).with_context(|| format!("could not create bmdb's table {}", t.name))
            }
        }
    }
}

/// Whether `table` exists in the current schema.
pub fn exists(client: &mut impl GenericClient, table: &str) -> Result<bool> {
    let row = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_name = $1 AND table_schema = current_schema()",
            &[&table],
        )
        .with_context(|| format!("could not look for the table {table}"))?;
    let n: i64 = crate::db::cell(&row, 0, "information_schema.tables", Some(table))?;
    Ok(n > 0)
}

/// Refuse an existing table of bmdb's name that is not the one bmdb writes: a column bmdb
/// uses is missing or of another type, or an extra column needs a value bmdb never gives.
pub fn check_shape(client: &mut impl GenericClient, t: &OwnTable) -> Result<()> {
    let rows = client
        .query(
            "SELECT column_name::TEXT, data_type::TEXT, is_nullable::TEXT, column_default::TEXT \
             FROM information_schema.columns \
             WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position",
            &[&t.name],
        )
        .with_context(|| format!("could not read the columns of {}", t.name))?;
    if rows.is_empty() {
        return Ok(()); // not there yet
    }
    let src = "information_schema.columns";
    let mut have = Vec::new();
    for r in &rows {
        let name: String = crate::db::cell(r, 0, src, Some(t.name))?;
        let ty: String = crate::db::cell(r, 1, src, Some(t.name))?;
        let nullable: String = crate::db::cell(r, 2, src, Some(t.name))?;
        let default: Option<String> = crate::db::cell(r, 3, src, Some(t.name))?;
        have.push((name, ty, nullable == "YES" || default.is_some()));
    }
    let mut problems = Vec::new();
    for (col, ty) in t.columns {
        match have.iter().find(|(n, _, _)| n == col) {
            None => problems.push(format!("column {col} ({ty}) is missing")),
            Some((_, got, _)) if got != ty => {
                problems.push(format!("column {col} has type {got}, bmdb needs {ty}"))
            }
            Some(_) => {}
        }
    }
    for (name, ty, optional) in &have {
        if !optional && !t.columns.iter().any(|(c, _)| c == name) {
            problems.push(format!(
                "column {name} ({ty}) is NOT NULL without a default, and bmdb does not fill it"
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "the table {} exists but is not the one bmdb uses:\n  {}\nhelp: another tool (or a \
             hand-made table) has that name; rename it (ALTER TABLE {} RENAME TO ...) or drop it if \
             nothing needs it, and bmdb creates its own on the next apply",
            t.name,
            problems.join("\n  "),
            t.name
        );
    }
    Ok(())
}
