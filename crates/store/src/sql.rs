//! The seam between the store's queries, written once, and the two database backends.
//!
//! Queries use PostgreSQL's `$1` placeholders; the SQLite backend rewrites them to `?1`.

use std::sync::Arc;

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

/// The values of one row to insert with [`Tx::bulk_insert`], in the order of its columns.
pub type Values = Vec<Value>;

/// The names of the columns of one query's result, shared by all its rows (one allocation per
/// query, none per row).
#[derive(Debug, PartialEq, Eq)]
pub struct Columns {
    names: Vec<String>,
    /// Whether another column has the same name, by position: such a name cannot be read.
    ambiguous: Vec<bool>,
}

impl Columns {
    /// The columns named `names`, in order.
    pub(crate) fn new(names: Vec<String>) -> Arc<Self> {
        let ambiguous = names
            .iter()
            .enumerate()
            .map(|(i, a)| {
                names
                    .iter()
                    .enumerate()
                    .any(|(j, b)| i != j && a.eq_ignore_ascii_case(b))
            })
            .collect();
        Arc::new(Self { names, ambiguous })
    }

    /// Their names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The position of the column `name`.
    fn position(&self, name: &str) -> Result<usize, StoreError> {
        // The exact name first: it is what both backends give for the lower-case names the
        // queries use, and half the cost of comparing ignoring case.
        let found = self
            .names
            .iter()
            .position(|c| c == name)
            .or_else(|| self.names.iter().position(|c| c.eq_ignore_ascii_case(name)));
        match found {
            Some(i) if !self.ambiguous[i] => Ok(i),
            Some(_) => Err(StoreError::Backend(format!(
                "the query result has more than one column named {name:?} (alias them); \
                 its columns: {}",
                self.names.join(", ")
            ))),
            None => Err(StoreError::Backend(format!(
                "the query result has no column {name:?}; its columns: {}",
                self.names.join(", ")
            ))),
        }
    }
}

/// One row of a query's result: its values and the names of its columns, read by name
/// (`r.int("id")?`, `r.opt_text("title")?`). A name is looked up ignoring ASCII case, as
/// SQLite keeps the case written in the query and PostgreSQL folds unquoted names to lower
/// case. Give every selected expression an alias (`COUNT(*) AS n`): the two backends name an
/// unaliased expression differently. A name that is missing, or that two columns share (a
/// join to alias), is an error that lists the columns there are.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    columns: Arc<Columns>,
    values: Vec<Value>,
}

impl Record {
    /// A row of `values`, one per column of `columns`.
    pub(crate) fn new(columns: Arc<Columns>, values: Vec<Value>) -> Self {
        debug_assert_eq!(columns.names.len(), values.len());
        Self { columns, values }
    }

    /// The names of the columns, in order.
    pub fn columns(&self) -> &[String] {
        self.columns.names()
    }

    /// The values, in the order of the columns.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of the column `name`.
    pub fn get(&self, name: &str) -> Result<&Value, StoreError> {
        let i = self.columns.position(name)?;
        self.values.get(i).ok_or_else(|| {
            StoreError::Backend(format!("the query result has no value for column {name:?}"))
        })
    }

    /// The text in the column `name`.
    pub(crate) fn text(&self, name: &str) -> Result<&str, StoreError> {
        self.get(name)?.text().map_err(|e| in_column(name, e))
    }

    /// The text in the column `name`, or `None` for NULL.
    pub(crate) fn opt_text(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.get(name)?.opt_text().map_err(|e| in_column(name, e))
    }

    /// The integer in the column `name`.
    pub(crate) fn int(&self, name: &str) -> Result<i64, StoreError> {
        self.get(name)?.int().map_err(|e| in_column(name, e))
    }

    /// The integer in the column `name`, or `None` for NULL.
    pub(crate) fn opt_int(&self, name: &str) -> Result<Option<i64>, StoreError> {
        self.get(name)?.opt_int().map_err(|e| in_column(name, e))
    }

    /// The record number in the column `name`, as the id type of its record
    /// (`r.id::<ContractId>("contract_id")`).
    pub(crate) fn id<I: From<Id>>(&self, name: &str) -> Result<I, StoreError> {
        self.int(name).map(|n| I::from(Id(n)))
    }

    /// The record number in the column `name`, or `None` for NULL.
    pub(crate) fn opt_id<I: From<Id>>(&self, name: &str) -> Result<Option<I>, StoreError> {
        Ok(self.opt_int(name)?.map(|n| I::from(Id(n))))
    }

    /// The number in the column `name` (an integer is read as a real), or `None` for NULL.
    pub(crate) fn opt_real(&self, name: &str) -> Result<Option<f64>, StoreError> {
        self.get(name)?.opt_real().map_err(|e| in_column(name, e))
    }

    /// The bytes in the column `name`.
    pub(crate) fn bytes(&self, name: &str) -> Result<&[u8], StoreError> {
        self.get(name)?.bytes().map_err(|e| in_column(name, e))
    }
}

/// The first row of a query's answer, such as the one row of `INSERT … RETURNING id`: an error
/// rather than a panic when there is none.
pub(crate) fn first(rows: &[Record]) -> Result<&Record, StoreError> {
    rows.first()
        .ok_or_else(|| StoreError::Backend("the query returned no row".to_owned()))
}

/// A record number as read from a column, before it is given its type: only the store reads
/// numbers out of rows, so only the store can turn one into an id this way.
pub(crate) struct Id(i64);

/// Each record's number binds as the integer it is, and is read back from a column as its
/// own type (`r.id::<ContractId>("contract_id")`).
macro_rules! id_columns {
    ($($id:ident),*) => {$(
        impl From<guild_ids::$id> for Value {
            fn from(id: guild_ids::$id) -> Self {
                Value::Int(id.get())
            }
        }

        impl From<Id> for guild_ids::$id {
            fn from(n: Id) -> Self {
                guild_ids::$id(n.0)
            }
        }
    )*};
}
id_columns!(
    AccountId,
    WorkerId,
    TaskId,
    ProjectId,
    ContractId,
    MilestoneId,
    ProposalId,
    TransferId,
    PaymentId,
    OrganisationId,
    MessageId,
    ReviewId,
    AttemptId,
    WebhookId,
    DeliveryId,
    SkillTestId,
    TokenId,
    NotificationId,
    AttachmentId,
    ImportId,
    EventId,
    ResourceId,
    AppealId,
    KeyId,
    DecisionId,
    ContestId,
    BatchId,
    ItemId
);

/// A type error of one value, with the column it came from.
fn in_column(name: &str, e: StoreError) -> StoreError {
    match e {
        StoreError::Backend(why) => StoreError::Backend(format!("column {name:?}: {why}")),
        other => other,
    }
}

/// One database transaction (or, for reads, one consistent connection).
pub trait Tx {
    /// Runs a statement; returns the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs a query and returns all its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Record>, StoreError>;
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
        rows: &mut dyn Iterator<Item = Values>,
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

    fn record(names: &[&str], values: Vec<Value>) -> Record {
        Record::new(
            Columns::new(names.iter().map(|n| (*n).to_owned()).collect()),
            values,
        )
    }

    #[test]
    fn records_are_read_by_name_ignoring_case() {
        let r = record(
            &["id", "Title", "owner_id", "score"],
            vec![Value::Int(7), "Welder".into(), Value::Null, Value::Int(3)],
        );
        assert_eq!(r.int("id").unwrap(), 7);
        assert_eq!(r.text("title").unwrap(), "Welder");
        assert_eq!(r.opt_text("TITLE").unwrap().as_deref(), Some("Welder"));
        assert_eq!(r.opt_int("owner_id").unwrap(), None);
        assert_eq!(r.opt_real("score").unwrap(), Some(3.0));
        assert_eq!(r.get("id").unwrap(), &Value::Int(7));
        assert_eq!(r.columns(), ["id", "Title", "owner_id", "score"]);
    }

    #[test]
    fn bytes_are_read_by_name() {
        let r = record(
            &["bytes", "part"],
            vec![Value::Bytes(vec![1, 2, 3]), "skills".into()],
        );
        assert_eq!(r.bytes("BYTES").unwrap(), [1, 2, 3]);
        let err = r.bytes("part").unwrap_err().to_string();
        assert!(
            err.contains("\"part\"") && err.contains("expected bytes, found text"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_or_shared_name_is_an_error_listing_the_columns() {
        let r = record(&["id", "name"], vec![Value::Int(1), "x".into()]);
        let err = r.int("owner_id").unwrap_err().to_string();
        assert!(
            err.contains("\"owner_id\"") && err.contains("id, name"),
            "{err}"
        );
        let err = r.int("name").unwrap_err().to_string();
        assert!(
            err.contains("\"name\"") && err.contains("expected an integer"),
            "{err}"
        );
        let joined = record(
            &["id", "ID", "kind"],
            vec![Value::Int(1), Value::Int(2), "k".into()],
        );
        let err = joined.int("id").unwrap_err().to_string();
        assert!(err.contains("more than one column named \"id\""), "{err}");
        assert_eq!(joined.text("kind").unwrap(), "k");
    }
}
