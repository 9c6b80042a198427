//! The embedded SQLite backend: a file in the data directory, WAL journal, a small connection pool.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::StoreError;
use crate::sql::{ColumnType, Columns, Dialect, Record, Tx, Value, Values, to_sqlite_placeholders};

pub(crate) struct Sqlite {
    pool: r2d2::Pool<SqliteConnectionManager>,
}

impl Sqlite {
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Backend(format!(
                    "cannot create data directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        // WAL is a property of the database file: set it once, before the pool opens several
        // connections that would otherwise race to change it ("database is locked").
        rusqlite::Connection::open(path)
            .and_then(|c| c.pragma_update(None, "journal_mode", "WAL"))
            .map_err(|e| {
                StoreError::Backend(format!(
                    "cannot open SQLite database {}: {e}",
                    path.display()
                ))
            })?;
        let manager = SqliteConnectionManager::file(path).with_init(|c| {
            c.execute_batch(
                "PRAGMA busy_timeout = 10000;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            )
        });
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(30))
            .build(manager)
            .map_err(|e| {
                StoreError::Backend(format!(
                    "cannot open SQLite database {}: {e}",
                    path.display()
                ))
            })?;
        let db = Self { pool };
        db.migrate()?;
        Ok(db)
    }

    /// Writes a consistent copy of the whole database to `path` (SQLite's `VACUUM INTO`: one
    /// read transaction, so writers may go on meanwhile).
    pub(crate) fn snapshot_to(&self, path: &Path) -> Result<(), StoreError> {
        let conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Invalid(format!("{} is not UTF-8", path.display())))?;
        conn.execute("VACUUM INTO ?1", [target])
            .map_err(sqlite_error)?;
        Ok(())
    }

    fn migrate(&self) -> Result<(), StoreError> {
        // Migrating runs while the store is opened, before any clock is given to it.
        self.transaction(jiff::Timestamp::now(), |tx| {
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
                &[],
            )?;
            let done = tx
                .query("SELECT version FROM schema_migrations", &[])?
                .iter()
                .map(|r| r.int("version"))
                .collect::<Result<Vec<_>, _>>()?;
            for (version, sql) in crate::migrations::numbered(crate::migrations::SQLITE) {
                if done.contains(&version) {
                    continue;
                }
                tx.0.execute_batch(sql).map_err(sqlite_error)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)",
                    &[Value::Int(version)],
                )?;
            }
            Ok(())
        })
    }

    pub(crate) fn transaction<R>(
        &self,
        now: jiff::Timestamp,
        f: impl FnOnce(&mut SqliteTx<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        // IMMEDIATE takes the write lock up front, so two writers wait for each other instead of
        // failing with SQLITE_BUSY half-way.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sqlite_error)?;
        let mut wrapped = SqliteTx(&tx, now);
        let result = f(&mut wrapped)?;
        tx.commit().map_err(sqlite_error)?;
        Ok(result)
    }

    pub(crate) fn read<R>(
        &self,
        now: jiff::Timestamp,
        f: impl FnOnce(&mut SqliteTx<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
            .map_err(sqlite_error)?;
        let mut wrapped = SqliteTx(&tx, now);
        f(&mut wrapped)
    }
}

/// A transaction on a connection, and its time.
pub(crate) struct SqliteTx<'c>(&'c rusqlite::Connection, jiff::Timestamp);

fn sqlite_error(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Conflict(e.to_string())
        }
        _ => StoreError::Backend(e.to_string()),
    }
}

struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(r) => ToSqlOutput::Borrowed(ValueRef::Real(*r)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn bind(params: &[Value]) -> Vec<Param<'_>> {
    params.iter().map(Param).collect()
}

fn read_value(v: ValueRef<'_>) -> Result<Value, StoreError> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|e| StoreError::Backend(format!("invalid UTF-8 in database: {e}")))?
                .to_owned(),
        ),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    })
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut stmt = self
            .0
            .prepare_cached(&to_sqlite_placeholders(sql))
            .map_err(sqlite_error)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(bind(params)))
            .map_err(sqlite_error)?;
        Ok(n as u64)
    }

    fn with_blob(
        &mut self,
        sql: &str,
        params: &[Value],
        read: &mut dyn FnMut(&[u8]) -> Result<(), StoreError>,
    ) -> Result<bool, StoreError> {
        let mut stmt = self
            .0
            .prepare_cached(&to_sqlite_placeholders(sql))
            .map_err(sqlite_error)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(bind(params)))
            .map_err(sqlite_error)?;
        let Some(row) = rows.next().map_err(sqlite_error)? else {
            return Ok(false);
        };
        let blob = row
            .get_ref(0)
            .map_err(sqlite_error)?
            .as_blob()
            .map_err(|e| StoreError::Backend(format!("expected a blob: {e}")))?;
        read(blob)?;
        Ok(true)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self
            .0
            .prepare_cached(&to_sqlite_placeholders(sql))
            .map_err(sqlite_error)?;
        let width = stmt.column_count();
        // The names once for the whole result, shared by its rows.
        let columns = Columns::new(stmt.column_names().into_iter().map(str::to_owned).collect());
        let mut rows = stmt
            .query(rusqlite::params_from_iter(bind(params)))
            .map_err(sqlite_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(read_value(row.get_ref(i).map_err(sqlite_error)?)?);
            }
            out.push(Record::new(Arc::clone(&columns), values));
        }
        Ok(out)
    }

    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[(&str, ColumnType)],
        rows: &mut dyn Iterator<Item = Values>,
    ) -> Result<u64, StoreError> {
        let names = columns
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        let marks = (1..=columns.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self
            .0
            .prepare_cached(&format!("INSERT INTO {table} ({names}) VALUES ({marks})"))
            .map_err(sqlite_error)?;
        let mut n = 0;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(bind(&row)))
                .map_err(sqlite_error)?;
            n += 1;
        }
        Ok(n)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn now(&self) -> jiff::Timestamp {
        self.1
    }
}
