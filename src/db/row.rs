//! row: reading a cell of a server row without trusting it. The catalog, history and lock
//! readers go through [`cell`]: a NULL where bmdb expects a value, or a type other than the
//! one it reads (a newer server, a table of another shape), is an error naming the table,
//! the column and the row's object where known, never a panic.

use anyhow::{anyhow, Result};
use postgres::types::FromSql;
use postgres::Row;

/// Cell `idx` of `row`, read from `table` (for the message); `object` names the row's
/// object (a table, a migration) when the caller knows it.
pub fn cell<'a, T: FromSql<'a>>(
    row: &'a Row,
    idx: usize,
    table: &str,
    object: Option<&str>,
) -> Result<T> {
    row.try_get(idx).map_err(|e| {
        let column = row
            .columns()
            .get(idx)
            .map_or_else(|| format!("#{idx}"), |c| c.name().to_string());
        let of = object.map(|o| format!(" (of {o})")).unwrap_or_default();
        let why = match row.columns().get(idx) {
            None => "no such column in the result".to_string(),
            Some(c) if !T::accepts(c.type_()) => format!(
                "it has type {}, which bmdb does not read as {}",
                c.type_(),
                short_type_name::<T>()
            ),
            Some(_) => match std::error::Error::source(&e) {
                Some(source) if source.to_string().contains("NULL") => {
                    "it is NULL where bmdb expects a value".to_string()
                }
                Some(source) => source.to_string(),
                None => e.to_string(),
            },
        };
        anyhow!("unexpected value in {table}, column {column}{of}: {why}")
    })
}

/// The cells of one row of `table`, read with `get`; errors name the row's object once known
/// (`of`, or `about_first` when the first cell names it).
pub struct Cells<'a> {
    row: &'a Row,
    table: &'a str,
    object: Option<String>,
}

impl<'a> Cells<'a> {
    pub fn new(row: &'a Row, table: &'a str) -> Cells<'a> {
        Cells {
            row,
            table,
            object: None,
        }
    }
    /// The row's first cell names its object (a table name, in most catalog queries).
    pub fn about_first(row: &'a Row, table: &'a str) -> Result<Cells<'a>> {
        let object: String = cell(row, 0, table, None)?;
        Ok(Cells::new(row, table).of(object))
    }
    /// Name the row's object in later errors.
    pub fn of(mut self, object: impl Into<String>) -> Cells<'a> {
        self.object = Some(object.into());
        self
    }
    pub fn get<T: FromSql<'a>>(&self, idx: usize) -> Result<T> {
        cell(self.row, idx, self.table, self.object.as_deref())
    }
}

/// `i64`, `String`, `Option<Vec<String>>`: the Rust type, without its module path.
fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::new();
    let mut word = String::new();
    for ch in full.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == ':' {
            word.push(ch);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or_default());
            word.clear();
            out.push(ch);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(super::short_type_name::<i64>(), "i64");
        assert_eq!(super::short_type_name::<String>(), "String");
        assert_eq!(
            super::short_type_name::<Option<Vec<String>>>(),
            "Option<Vec<String>>"
        );
    }
}
