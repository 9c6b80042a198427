//! The seam between the store's queries, written once, and the two database backends.
//!
//! Queries use PostgreSQL's `$1` placeholders; the SQLite backend rewrites them to `?1`.

use crate::StoreError;

/// A value bound to or read from a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit integer (BIGINT on PostgreSQL).
    Int(i64),
    /// A double (DOUBLE PRECISION on PostgreSQL).
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes (BLOB on SQLite, BYTEA on PostgreSQL).
    Bytes(Vec<u8>),
}

impl Value {
    pub(crate) fn text(&self) -> Result<&str, StoreError> {
        match self {
            Value::Text(s) => Ok(s),
            other => Err(StoreError::Backend(format!(
                "expected text, found {other:?}"
            ))),
        }
    }

    pub(crate) fn opt_text(&self) -> Result<Option<String>, StoreError> {
        match self {
            Value::Null => Ok(None),
            v => v.text().map(|s| Some(s.to_owned())),
        }
    }

    pub(crate) fn int(&self) -> Result<i64, StoreError> {
        match self {
            Value::Int(i) => Ok(*i),
            other => Err(StoreError::Backend(format!(
                "expected an integer, found {other:?}"
            ))),
        }
    }

    pub(crate) fn opt_int(&self) -> Result<Option<i64>, StoreError> {
        match self {
            Value::Null => Ok(None),
            v => v.int().map(Some),
        }
    }

    pub(crate) fn bytes(&self) -> Result<&[u8], StoreError> {
        match self {
            Value::Bytes(b) => Ok(b),
            other => Err(StoreError::Backend(format!(
                "expected bytes, found {}",
                match other {
                    Value::Text(_) => "text",
                    Value::Null => "NULL",
                    _ => "a number",
                }
            ))),
        }
    }

    pub(crate) fn opt_real(&self) -> Result<Option<f64>, StoreError> {
        match self {
            Value::Null => Ok(None),
            Value::Real(r) => Ok(Some(*r)),
            Value::Int(i) => Ok(Some(*i as f64)),
            other => Err(StoreError::Backend(format!(
                "expected a number, found {other:?}"
            ))),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(r: f64) -> Self {
        Value::Real(r)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The SQL type of a column written by [`Tx::bulk_insert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// TEXT
    Text,
    /// BIGINT / INTEGER
    Int,
    /// INTEGER on PostgreSQL (32 bits; binary COPY needs the exact width), INTEGER on SQLite.
    Int4,
    /// DOUBLE PRECISION / REAL
    Real,
}

/// A result row.
pub type Row = Vec<Value>;

/// One database transaction (or, for reads, one consistent connection).
pub trait Tx {
    /// Runs a statement; returns the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs a query and returns all its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs a query for one blob (the first column of the first row) and hands it to `read`
    /// as the backend holds it, without a copy of its own: the kept indexes are tens of
    /// megabytes, read at every start. Returns whether there was a row.
    fn with_blob(
        &mut self,
        sql: &str,
        params: &[Value],
        read: &mut dyn FnMut(&[u8]) -> Result<(), StoreError>,
    ) -> Result<bool, StoreError>;
    /// Inserts many rows into `table` as fast as the backend allows (COPY on PostgreSQL).
    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[(&str, ColumnType)],
        rows: &mut dyn Iterator<Item = Row>,
    ) -> Result<u64, StoreError>;
    /// Which backend this is, for the few statements that differ.
    fn dialect(&self) -> Dialect;
    /// The transaction's time: the store's clock read once when it began, so that everything
    /// one transaction writes carries one time.
    fn now(&self) -> jiff::Timestamp;
}

/// The SQL dialect of a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3 with FTS5.
    Sqlite,
    /// PostgreSQL 13 or later.
    Postgres,
}

/// `$1` → `?1`, outside string literals.
pub(crate) fn to_sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_string = !in_string;
        }
        if c == '$' && !in_string && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// `$first, $first+1, …` for `n` values, for `IN (…)` lists.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_strings() {
        assert_eq!(
            to_sqlite_placeholders("SELECT '$1', $1, $12 FROM t"),
            "SELECT '$1', ?1, ?12 FROM t"
        );
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
    }
}
