//! The PostgreSQL backend for real deployments: a connection pool, binary COPY for bulk loads.

use std::error::Error as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Config, NoTls};
use r2d2_postgres::PostgresConnectionManager;

use crate::StoreError;
use crate::sql::{ColumnType, Columns, Dialect, Record, Tx, Value, Values};

/// Whether the database at `url` has no tables in its schema.
pub(crate) fn is_blank(url: &str) -> Result<bool, StoreError> {
    let mut client = postgres::Client::connect(url, NoTls)
        .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
    let n: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()",
            &[],
        )
        .map_err(|e| StoreError::Backend(e.to_string()))?
        .get(0);
    Ok(n == 0)
}

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

pub(crate) struct Postgres {
    pool: Pool,
    /// Where reads go first, when this handle reads from a streaming replica.
    replica: Option<Arc<Replica>>,
}

/// The application name of connections to a replica: `pg_stat_activity` on the replica shows
/// which reads it serves.
pub const REPLICA_APPLICATION_NAME: &str = "guild-replica-reads";

/// How long reads skip a replica that could not be reached before trying it again: a dead
/// replica then costs one short connection attempt every so often, not one per request.
const REPLICA_RETRY_AFTER: Duration = Duration::from_secs(5);

/// A hot-standby replica of the primary, read from while it answers.
pub(crate) struct Replica {
    pool: Pool,
    /// Until when reads skip it, after it failed to answer.
    down_until: Mutex<Option<Instant>>,
    /// Whether its failure has been logged (once per outage, not once per request).
    reported: AtomicBool,
}

impl Replica {
    /// A read connection on the replica, unless it is known to be down or cannot be reached
    /// now (then the caller reads from the primary).
    fn connection(&self) -> Option<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>> {
        let skip = self
            .down_until
            .lock()
            .map(|until| until.is_some_and(|t| Instant::now() < t))
            .unwrap_or(false);
        if skip {
            return None;
        }
        match self.pool.get() {
            Ok(conn) => Some(conn),
            Err(e) => {
                self.failed(&e.to_string());
                None
            }
        }
    }

    fn failed(&self, why: &str) {
        if let Ok(mut until) = self.down_until.lock() {
            *until = Some(Instant::now() + REPLICA_RETRY_AFTER);
        }
        if !self.reported.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %why, "the read replica cannot be reached: reads go to the primary until it answers again");
        }
    }

    fn answered(&self) {
        // Every failure sets `reported`: while it is clear there is no outage to end, and the
        // common case takes no lock.
        if self.reported.swap(false, Ordering::Relaxed) {
            tracing::info!("the read replica answers again: reads go to it");
            if let Ok(mut until) = self.down_until.lock() {
                *until = None;
            }
        }
    }
}

/// How far a replica is behind its primary, when it can be asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaStatus {
    /// Whether the replica answered.
    pub reachable: bool,
    /// Bytes of the primary's write-ahead log it has not replayed yet.
    pub lag_bytes: Option<i64>,
    /// Seconds since the last transaction it replayed was committed on the primary; 0 when it
    /// has replayed everything it received.
    pub lag_seconds: Option<f64>,
    /// Whether replay is paused (`pg_wal_replay_pause()`).
    pub replay_paused: Option<bool>,
}

impl Postgres {
    pub(crate) fn open(url: &str) -> Result<Self, StoreError> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(16)
            // How long a request waits for a connection: while the database is down, this is
            // how long until it is answered 503; under load, a connection frees in milliseconds.
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        let db = Self {
            pool,
            replica: None,
        };
        db.migrate()?;
        Ok(db)
    }

    /// A handle that writes to this primary and reads from the streaming replica at `url`
    /// while it answers, else from the primary. The replica need not be up now: the server
    /// starts, and reads go to it once it answers.
    pub(crate) fn with_replica(&self, url: &str) -> Result<Self, StoreError> {
        let mut config: Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL replica URL: {e}")))?;
        config
            .application_name(REPLICA_APPLICATION_NAME)
            .connect_timeout(Duration::from_secs(2));
        let manager = PostgresConnectionManager::new(config, NoTls);
        // Unchecked and with no idle minimum: no connection is made until a read needs one, and
        // a dead replica is not retried in the background.
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(2))
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        Ok(Self {
            pool: self.pool.clone(),
            replica: Some(Arc::new(Replica {
                pool,
                down_until: Mutex::new(None),
                reported: AtomicBool::new(false),
            })),
        })
    }

    /// How far the replica is behind, if this handle reads from one.
    pub(crate) fn replica_status(&self) -> Option<ReplicaStatus> {
        let replica = self.replica.as_ref()?;
        let unreachable = ReplicaStatus {
            reachable: false,
            lag_bytes: None,
            lag_seconds: None,
            replay_paused: None,
        };
        let primary_lsn: String = match self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
            .and_then(|mut c| {
                c.query_one("SELECT pg_current_wal_lsn()::text", &[])
                    .map_err(pg_error)
            }) {
            Ok(row) => row.get(0),
            // Without the primary's position there is no lag to tell.
            Err(_) => String::new(),
        };
        let mut conn = match replica.pool.get() {
            Ok(c) => c,
            Err(e) => {
                replica.failed(&e.to_string());
                return Some(unreachable);
            }
        };
        let row = conn.query_one(
            "SELECT pg_wal_lsn_diff(NULLIF($1, '')::pg_lsn, pg_last_wal_replay_lsn())::float8, \
                    CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
                         ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END::float8, \
                    CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END",
            &[&primary_lsn],
        );
        match row {
            Ok(row) => {
                replica.answered();
                Some(ReplicaStatus {
                    reachable: true,
                    lag_bytes: row
                        .get::<_, Option<f64>>(0)
                        .map(|b| b.max(0.0).round() as i64),
                    lag_seconds: row.get::<_, Option<f64>>(1).map(|s| s.max(0.0)),
                    replay_paused: row.get(2),
                })
            }
            Err(e) => {
                replica.failed(&e.to_string());
                Some(unreachable)
            }
        }
    }

    fn migrate(&self) -> Result<(), StoreError> {
        // Migrating runs while the store is opened, before any clock is given to it.
        self.transaction(jiff::Timestamp::now(), |tx| {
            // Two servers starting at once must not both migrate.
            tx.execute("SELECT pg_advisory_xact_lock(7461756)", &[])?;
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)",
                &[],
            )?;
            let done = tx
                .query("SELECT version FROM schema_migrations", &[])?
                .iter()
                .map(|r| r.int("version"))
                .collect::<Result<Vec<_>, _>>()?;
            for (version, sql) in crate::migrations::numbered(crate::migrations::POSTGRES) {
                if done.contains(&version) {
                    continue;
                }
                tx.0.batch_execute(sql).map_err(pg_error)?;
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
        f: impl FnOnce(&mut PgTx<'_, '_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut tx = conn.transaction().map_err(pg_error)?;
        let result = f(&mut PgTx(&mut tx, now))?;
        tx.commit().map_err(pg_error)?;
        Ok(result)
    }

    pub(crate) fn read<R>(
        &self,
        now: jiff::Timestamp,
        f: impl FnOnce(&mut PgTx<'_, '_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        // A replica that cannot give a connection and a snapshot is passed over before `f`
        // runs, so the read goes to the primary instead. (One that dies while `f` runs fails
        // that one read with `Unavailable`, and is passed over from the next.)
        if let Some(replica) = &self.replica
            && let Some(mut conn) = replica.connection()
        {
            match start_read(&mut conn) {
                Ok(mut tx) => {
                    replica.answered();
                    let result = f(&mut PgTx(&mut tx, now));
                    if let Err(StoreError::Unavailable(why)) = &result {
                        replica.failed(why);
                    }
                    return result;
                }
                Err(e) => replica.failed(&e.to_string()),
            }
        }
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut tx = start_read(&mut conn).map_err(pg_error)?;
        f(&mut PgTx(&mut tx, now))
    }
}

/// A read-only transaction on one snapshot (a hot standby allows REPEATABLE READ, not
/// SERIALIZABLE).
fn start_read(conn: &mut postgres::Client) -> Result<postgres::Transaction<'_>, postgres::Error> {
    conn.build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
}

/// A transaction, and its time.
pub(crate) struct PgTx<'a, 'c>(&'a mut postgres::Transaction<'c>, jiff::Timestamp);

fn pg_error(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        if code == "23505" || code == "23503" {
            return StoreError::Conflict(db.message().to_owned());
        }
        if code == "40001" || code == "40P01" {
            return StoreError::Busy(db.message().to_owned());
        }
        // The server is shutting down, crashed, still starting up or recovering, or out of
        // connection slots (classes 57P and 08, 53300): the database is away, not the request
        // wrong; an immediate stop sends its backends' clients 57P01 before they go.
        if code.starts_with("57P") || code.starts_with("08") || code == "53300" {
            return StoreError::Unavailable(db.message().to_owned());
        }
        return StoreError::Backend(format!("{}: {}", db.severity(), db.message()));
    }
    // A connection that broke (the server went away) is not the request's fault.
    if e.is_closed() || e.source().is_some_and(|s| s.is::<std::io::Error>()) {
        return StoreError::Unavailable(e.to_string());
    }
    match e.source() {
        Some(source) => StoreError::Backend(format!("{e}: {source}")),
        None => StoreError::Backend(e.to_string()),
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::FLOAT8
                | Type::TEXT
                | Type::VARCHAR
                | Type::BYTEA
                | Type::UNKNOWN
        )
    }

    to_sql_checked!();
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

fn read_row(row: &postgres::Row, columns: &Arc<Columns>) -> Result<Record, StoreError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int)),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)
                .map(|v| v.map(|v| Value::Int(v.into()))),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)
                .map(|v| v.map(|v| Value::Int(v.into()))),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map(|v| v.map(Value::Real)),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)
                .map(|v| v.map(|v| Value::Real(v.into()))),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => row
                .try_get::<_, Option<String>>(i)
                .map(|v| v.map(Value::Text)),
            Type::BYTEA => row
                .try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map(Value::Bytes)),
            ref other => {
                return Err(StoreError::Backend(format!(
                    "column {} has unsupported type {other}",
                    column.name()
                )));
            }
        };
        out.push(value.map_err(pg_error)?.unwrap_or(Value::Null));
    }
    Ok(Record::new(Arc::clone(columns), out))
}

impl Tx for PgTx<'_, '_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        self.0.execute(sql, &params(values)).map_err(pg_error)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Record>, StoreError> {
        let rows = self.0.query(sql, &params(values)).map_err(pg_error)?;
        // The names once for the whole result (every row holds the same statement's columns).
        let columns = Columns::new(rows.first().map_or_else(Vec::new, |row| {
            row.columns().iter().map(|c| c.name().to_owned()).collect()
        }));
        rows.iter().map(|row| read_row(row, &columns)).collect()
    }

    fn with_blob(
        &mut self,
        sql: &str,
        values: &[Value],
        read: &mut dyn FnMut(&[u8]) -> Result<(), StoreError>,
    ) -> Result<bool, StoreError> {
        let rows = self.0.query(sql, &params(values)).map_err(pg_error)?;
        let Some(row) = rows.first() else {
            return Ok(false);
        };
        let blob: &[u8] = row
            .try_get(0)
            .map_err(|e| StoreError::Backend(format!("expected a blob: {e}")))?;
        read(blob)?;
        Ok(true)
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
        let types = columns
            .iter()
            .map(|(_, t)| match t {
                ColumnType::Text => Type::TEXT,
                ColumnType::Int => Type::INT8,
                ColumnType::Int4 => Type::INT4,
                ColumnType::Real => Type::FLOAT8,
            })
            .collect::<Vec<_>>();
        let sink = self
            .0
            .copy_in(&format!(
                "COPY {table} ({names}) FROM STDIN (FORMAT binary)"
            ))
            .map_err(pg_error)?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for row in rows {
            writer.write(&params(&row)).map_err(pg_error)?;
        }
        writer.finish().map_err(pg_error)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn now(&self) -> jiff::Timestamp {
        self.1
    }
}
