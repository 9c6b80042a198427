//! The PostgreSQL backend for real deployments: a connection pool, binary COPY for bulk loads.

use std::error::Error as _;
use std::time::Duration;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Config, NoTls};
use r2d2_postgres::PostgresConnectionManager;

use crate::StoreError;
use crate::sql::{ColumnType, Dialect, Row, Tx, Value};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_taxonomy.sql")),
    (2, include_str!("../migrations/postgres/0002_matching.sql")),
    (
        3,
        include_str!("../migrations/postgres/0003_reskilling.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_credentials.sql"),
    ),
    (5, include_str!("../migrations/postgres/0005_issuers.sql")),
    (6, include_str!("../migrations/postgres/0006_ledger.sql")),
    (7, include_str!("../migrations/postgres/0007_contracts.sql")),
    (8, include_str!("../migrations/postgres/0008_audit.sql")),
    (9, include_str!("../migrations/postgres/0009_messages.sql")),
    (
        10,
        include_str!("../migrations/postgres/0010_skill_tests.sql"),
    ),
    (
        11,
        include_str!("../migrations/postgres/0011_proposals.sql"),
    ),
    (12, include_str!("../migrations/postgres/0012_webhooks.sql")),
    (
        13,
        include_str!("../migrations/postgres/0013_sessions_roles.sql"),
    ),
    (14, include_str!("../migrations/postgres/0014_training.sql")),
    (
        15,
        include_str!("../migrations/postgres/0015_client_reviews.sql"),
    ),
    (
        16,
        include_str!("../migrations/postgres/0016_proposal_messages.sql"),
    ),
    (
        17,
        include_str!("../migrations/postgres/0017_projects_hourly_scopes.sql"),
    ),
    (
        18,
        include_str!("../migrations/postgres/0018_public_profiles.sql"),
    ),
    (
        19,
        include_str!("../migrations/postgres/0019_worker_occupation.sql"),
    ),
];

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

pub(crate) struct Postgres {
    pool: r2d2::Pool<PostgresConnectionManager<NoTls>>,
}

impl Postgres {
    pub(crate) fn open(url: &str) -> Result<Self, StoreError> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        let db = Self { pool };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        self.transaction(|tx| {
            // Two servers starting at once must not both migrate.
            tx.execute("SELECT pg_advisory_xact_lock(7461756)", &[])?;
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)",
                &[],
            )?;
            let done = tx.query("SELECT version FROM schema_migrations", &[])?;
            for (version, sql) in MIGRATIONS {
                if done.iter().any(|r| r[0] == Value::Int(*version)) {
                    continue;
                }
                tx.0.batch_execute(sql).map_err(pg_error)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)",
                    &[Value::Int(*version)],
                )?;
            }
            Ok(())
        })
    }

    pub(crate) fn transaction<R>(
        &self,
        f: impl FnOnce(&mut PgTx<'_, '_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut tx = conn.transaction().map_err(pg_error)?;
        let result = f(&mut PgTx(&mut tx))?;
        tx.commit().map_err(pg_error)?;
        Ok(result)
    }

    pub(crate) fn read<R>(
        &self,
        f: impl FnOnce(&mut PgTx<'_, '_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut tx = conn
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()
            .map_err(pg_error)?;
        f(&mut PgTx(&mut tx))
    }
}

pub(crate) struct PgTx<'a, 'c>(&'a mut postgres::Transaction<'c>);

fn pg_error(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        if code == "23505" || code == "23503" {
            return StoreError::Conflict(db.message().to_owned());
        }
        if code == "40001" || code == "40P01" {
            return StoreError::Busy(db.message().to_owned());
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
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8 | Type::INT4 | Type::FLOAT8 | Type::TEXT | Type::VARCHAR | Type::UNKNOWN
        )
    }

    to_sql_checked!();
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

fn read_row(row: &postgres::Row) -> Result<Row, StoreError> {
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
            ref other => {
                return Err(StoreError::Backend(format!(
                    "column {} has unsupported type {other}",
                    column.name()
                )));
            }
        };
        out.push(value.map_err(pg_error)?.unwrap_or(Value::Null));
    }
    Ok(out)
}

impl Tx for PgTx<'_, '_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        self.0.execute(sql, &params(values)).map_err(pg_error)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        let rows = self.0.query(sql, &params(values)).map_err(pg_error)?;
        rows.iter().map(read_row).collect()
    }

    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[(&str, ColumnType)],
        rows: &mut dyn Iterator<Item = Row>,
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
}
