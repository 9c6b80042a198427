//! Guild's store: one interface over two real backends, SQLite (embedded, the default) and
//! PostgreSQL, each with its own migrations. Queries are written once against [`sql::Tx`]; the
//! backends differ only in connections, placeholders, bulk loading and full-text search.

mod analysis;
mod areas;
mod audit;
mod bulk;
mod clock;
mod contracts;
mod corpus;
mod credentials;
mod decisions;
mod declarations;
mod export;
mod import;
mod imported;
mod issuing;
mod learning;
mod ledger;
mod matching;
mod messages;
mod microwork;
mod migrations;
mod payments;
mod postgres;
mod projects;
mod proposals;
mod reviews;
mod sealing;
mod search;
mod skill_tests;
pub mod sql;
mod sqlite;
mod taxonomy;
mod transitions;
mod webhooks;

use std::path::PathBuf;

use thiserror::Error;

pub use areas::{
    Accounts, Contracts, Credentials, Decisions, Learning, Ledger, Messaging, Taxonomy, Work,
};
pub use audit::{AuditEvent, EventCounts};
pub use bulk::{GenContract, GenContracts, GenStep, GenSummary, KnownSkills};
pub use clock::{Clock, ManualClock, SystemClock};
pub use contracts::{ContractView, Decide, MilestoneView, TimesheetEntry};
pub use corpus::Corpus;
pub use credentials::{IssuedCredential, IssuerKey};
pub use decisions::{
    Action, AuditWindow, Candidate, Contest, ContestOutcome, ContestSubject, Decision,
    DecisionKind, MAX_READ as MAX_DECISIONS_READ, NewCandidate, NewDecision, Outcome,
};
pub use declarations::{Declaration, Declarations};
pub use import::{
    DirSource, NoProgress, Progress, import_ai_exposure, import_crosswalk, import_esco,
    import_onet, load_starter_if_empty,
};
pub use imported::{ImportedCredential, ImportedSkill, NewImport};
pub use learning::{ResourceFilter, StoredResource, TeachingOffer};
pub use ledger::{Balance, LedgerAudit, StoredPosting, StoredTransfer, check_idempotency_key};
pub use matching::{
    Account, MatchingChanges, Owner, SimilarityInput, StoredTask, StoredWorker, TokenInfo,
};
pub use messages::{Attachment, Message, NewAttachment, Notification};
pub use microwork::{BatchView, ItemResult, Leased, NewBatch, NewItem, WorkerRecord};
pub use payments::{PaymentInstruction, PayoutRequest, ReadLine, Reconciliation};
pub use postgres::{REPLICA_APPLICATION_NAME, ReplicaStatus};
pub use projects::{ProjectTask, ProjectView};
pub use proposals::{Proposal, ProposalMessage};
pub use reviews::{ClientReputation, Review, ReviewSkill};
pub use sealing::{KeyEncryptionKey, KeyLock, key_file_beside};
pub use skill_tests::{AttemptView, MarkAttempt, PlanAttempt, SkillTestView};
pub use taxonomy::*;
pub use transitions::{OccupationOutlook, OccupationTask};
pub use webhooks::{DeliveryStatus, DeliveryView, DueDelivery, Webhook};

use guild_reskilling::ReskillError;
use guild_taxonomy::TaxonomyError;
use sql::Tx;

impl From<ReskillError> for StoreError {
    fn from(e: ReskillError) -> Self {
        match e {
            ReskillError::UnknownOccupation(id) => StoreError::NotFound {
                what: "occupation",
                id,
            },
            other => StoreError::Reskilling(other),
        }
    }
}

/// What can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// What sort of thing.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The write conflicts with what is stored (a duplicate key, a stale version).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A ledger account would go below zero: nothing moved.
    #[error("insufficient funds: {account} holds {held} {currency}, and this takes {needed}")]
    InsufficientFunds {
        /// The account, in words ("client_funds of account 7").
        account: String,
        /// What it holds, decimal text.
        held: String,
        /// What the transfer takes from it, decimal text.
        needed: String,
        /// The currency.
        currency: String,
    },
    /// A contract's rules refuse the request: who may do it, the state the contract or
    /// milestone is in, or what the request got wrong (the refusal says which).
    #[error("{0}")]
    ContractRefused(guild_market::change::ContractRefusal),
    /// An attempt at a skill test cannot start, or cannot be marked as asked (the refusal
    /// says which).
    #[error("{0}")]
    AttemptRefused(guild_market::assessment::AttemptRefusal),
    /// A change to a project is refused (the refusal says which).
    #[error("{0}")]
    ProjectRefused(guild_matching::project::ProjectRefusal),
    /// A proposal, an application or an invitation is refused (the reason says which).
    #[error("conflict: {0}")]
    ProposalRefused(guild_market::proposal::ProposalRefusal),
    /// The market's rules refuse a value (an unknown currency, a fractional minor unit, an
    /// amount too large).
    #[error(transparent)]
    Market(guild_market::MarketError),
    /// The request is malformed (a bad cursor, an unknown filter value).
    #[error("{0}")]
    Invalid(String),
    /// The matching engine refuses a value (a proficiency out of range, a skill the taxonomy
    /// lacks, a problem with no feasible solution): its own error, so that the API can say
    /// which.
    #[error(transparent)]
    Matching(guild_matching::MatchError),
    /// The reskilling engine refuses the request (a bad catalogue line, prerequisites in a
    /// cycle).
    #[error(transparent)]
    Reskilling(ReskillError),
    /// The credentials engine refuses a value (a bad slug or role, a credential that does not
    /// verify).
    #[error(transparent)]
    Credential(guild_credentials::CredentialError),
    /// Input files could not be parsed; nothing was written.
    #[error(transparent)]
    Taxonomy(#[from] TaxonomyError),
    /// The database failed.
    #[error("database error: {0}")]
    Backend(String),
    /// The database cannot be reached now (it is down or restarting): nothing was done, and
    /// the same request can be sent again shortly.
    #[error("the database cannot be reached; nothing was changed, try again shortly: {0}")]
    Unavailable(String),
    /// Concurrent writers collided (a deadlock or a serialisation failure): nothing was
    /// written, and the same request can be sent again.
    #[error("the database was busy with a conflicting write; nothing was changed, try again: {0}")]
    Busy(String),
    /// Issuer keys cannot be used here: they are sealed under a key-encryption key that is
    /// not configured in this process (or another one is). Nothing was signed; what was
    /// signed before still verifies.
    #[error("{0}")]
    IssuerKeysLocked(KeyLock),
    /// A sealed issuer key did not open under the key-encryption key it names: it was
    /// changed, or moved from another issuer's row. Nothing was signed.
    #[error("{0}")]
    SealedKey(String),
    /// The sentence encoder failed on the taxonomy, or its indexes do not fit the analyzer.
    #[error("semantic layer: {0}")]
    Semantic(#[from] guild_semantic::SemanticError),
}

/// Which database a store uses, from a URL: `sqlite:PATH` or `postgres://…`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Whether the database holds no tables at all (a PostgreSQL database to restore into);
    /// a SQLite file that does not exist is blank too.
    pub fn is_blank(&self) -> Result<bool, StoreError> {
        match self {
            DatabaseUrl::Sqlite(path) => Ok(!path.exists()),
            DatabaseUrl::Postgres(url) => postgres::is_blank(url),
        }
    }

    /// Whether the database is there already (a SQLite file exists; a PostgreSQL server is
    /// assumed to): commands that only read from it need not create it.
    pub fn exists(&self) -> bool {
        match self {
            DatabaseUrl::Sqlite(path) => path.exists(),
            DatabaseUrl::Postgres(_) => true,
        }
    }

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        if let Some(path) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::Invalid(
                    "sqlite: URL needs a file path, e.g. sqlite:guild.db".to_owned(),
                ));
            }
            Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(raw.to_owned()))
        } else {
            Err(StoreError::Invalid(format!(
                "unsupported database URL {:?}: use sqlite:PATH or postgres://USER@HOST/DB",
                redact(raw)
            )))
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            DatabaseUrl::Postgres(url) => write!(f, "{}", redact(url)),
        }
    }
}

/// A URL with any password replaced by `***`, for logs and messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

/// The store: the taxonomy today, and every later part of Guild's state.
pub struct Store {
    backend: Backend,
    /// The same store reading from a PostgreSQL streaming replica, when one is configured.
    replica: Option<Box<Store>>,
    /// The key-encryption key that opens the issuer keys, once [`Credentials::unlock_issuer_keys`]
    /// was given one; replaced when it is rotated.
    kek: std::sync::RwLock<Option<std::sync::Arc<KeyEncryptionKey>>>,
    /// Where the time comes from (the system's, unless a test set another).
    clock: std::sync::Arc<dyn Clock>,
}

impl Store {
    /// Opens (creating and migrating as needed) the database at `url`.
    pub fn open(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let backend = match url {
            DatabaseUrl::Sqlite(path) => Backend::Sqlite(sqlite::Sqlite::open(path)?),
            DatabaseUrl::Postgres(url) => Backend::Postgres(postgres::Postgres::open(url)?),
        };
        Ok(Self {
            backend,
            replica: None,
            kek: std::sync::RwLock::new(None),
            clock: std::sync::Arc::new(SystemClock),
        })
    }

    /// Opens the PostgreSQL database at `url`, as [`Store::open`], with a hot-standby streaming
    /// replica of it at `replica` for the reads that [`Store::replica`] routes there. The
    /// replica may be down at start: reads go to the primary until it answers.
    pub fn open_with_replica(url: &DatabaseUrl, replica: &DatabaseUrl) -> Result<Self, StoreError> {
        let DatabaseUrl::Postgres(replica_url) = replica else {
            return Err(StoreError::Invalid(
                "a read replica must be a PostgreSQL URL (postgres://…)".to_owned(),
            ));
        };
        if let DatabaseUrl::Sqlite(_) = url {
            return Err(StoreError::Invalid(
                "a read replica needs a PostgreSQL primary; SQLite has none".to_owned(),
            ));
        }
        let mut store = Self::open(url)?;
        let Backend::Postgres(primary) = &store.backend else {
            return Err(StoreError::Invalid(
                "a read replica needs a PostgreSQL primary".to_owned(),
            ));
        };
        let reading = primary.with_replica(replica_url)?;
        store.replica = Some(Box::new(Store {
            backend: Backend::Postgres(reading),
            replica: None,
            kek: std::sync::RwLock::new(None),
            clock: store.clock.clone(),
        }));
        Ok(store)
    }

    /// The store for reads that may be a little stale: the same data, read from the streaming
    /// replica while it answers (else from the primary); writes through it still go to the
    /// primary. Without a replica, this store itself. Use it for what others wrote (taxonomy,
    /// search, other people's profiles and tasks), never for what the caller has just written
    /// and must read back, money, contracts, sessions or authorisation checks.
    pub fn replica(&self) -> &Store {
        self.replica.as_deref().unwrap_or(self)
    }

    /// How far the read replica is behind the primary, if there is one.
    pub fn replica_status(&self) -> Option<ReplicaStatus> {
        match &self.replica.as_deref()?.backend {
            Backend::Postgres(db) => db.replica_status(),
            Backend::Sqlite(_) => None,
        }
    }

    /// Writes a consistent copy of a SQLite store to `path`, which must not exist. (A
    /// PostgreSQL store is backed up with `pg_dump`: see `guild backup`.)
    pub fn snapshot_sqlite(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "{} exists: a backup never overwrites a file",
                path.display()
            )));
        }
        match &self.backend {
            Backend::Sqlite(db) => db.snapshot_to(path),
            Backend::Postgres(_) => Err(StoreError::Invalid(
                "a PostgreSQL store is backed up with pg_dump".to_owned(),
            )),
        }
    }

    /// Counts of the rows of every table, by name, in one snapshot: two stores with the same
    /// counts and the same ledger audit are very likely the same (backups are compared so).
    pub fn table_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let tables: Vec<String> = match &self.backend {
            Backend::Sqlite(_) => self.read(|tx| {
                tx.query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                     AND name NOT LIKE '%_fts%' ORDER BY name",
                    &[],
                )?
                .iter()
                .map(|r| r.text("name").map(str::to_owned))
                .collect()
            })?,
            Backend::Postgres(_) => self.read(|tx| {
                tx.query(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
                    &[],
                )?
                .iter()
                .map(|r| r.text("tablename").map(str::to_owned))
                .collect()
            })?,
        };
        self.read(|tx| {
            tables
                .into_iter()
                .map(|t| {
                    // Table names come from the catalogue, not from input.
                    let n = tx.query(&format!("SELECT COUNT(*) AS n FROM \"{t}\""), &[])?[0]
                        .int("n")?;
                    Ok((t, n))
                })
                .collect()
        })
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Runs `f` in one write transaction: all of it is committed, or none.
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let now = self.now();
        match &self.backend {
            Backend::Sqlite(db) => db.transaction(now, |tx| f(tx)),
            Backend::Postgres(db) => db.transaction(now, |tx| f(tx)),
        }
    }

    /// Runs `f` against one consistent snapshot.
    pub(crate) fn read<R>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let now = self.now();
        match &self.backend {
            Backend::Sqlite(db) => db.read(now, |tx| f(tx)),
            Backend::Postgres(db) => db.read(now, |tx| f(tx)),
        }
    }

    /// The time now, by the store's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Reads the time from `clock` from now on (the replica, too). Tests move time with a
    /// [`ManualClock`] instead of sleeping.
    pub fn set_clock(&mut self, clock: std::sync::Arc<dyn Clock>) {
        if let Some(replica) = &mut self.replica {
            replica.set_clock(clock.clone());
        }
        self.clock = clock;
    }

    /// Checks that the database answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.read(|tx| tx.query("SELECT 1", &[]).map(|_| ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Value;

    #[test]
    fn sqlite_results_carry_their_column_names() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("guild.db"))).unwrap();
        let rows = store
            .read(|tx| {
                tx.query(
                    "SELECT version, version * 2 AS twice, NULL AS absent FROM schema_migrations \
                     WHERE version <= $1 ORDER BY version",
                    &[Value::Int(2)],
                )
            })
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].columns(), ["version", "twice", "absent"]);
        assert_eq!(rows[1].int("version").unwrap(), 2);
        assert_eq!(rows[1].int("twice").unwrap(), 4);
        assert_eq!(rows[1].opt_int("absent").unwrap(), None);
        assert!(rows[0].int("missing").is_err());
        let none = store
            .read(|tx| {
                tx.query(
                    "SELECT version FROM schema_migrations WHERE version < 0",
                    &[],
                )
            })
            .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn database_urls_parse_and_passwords_are_redacted() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:secret@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        let err = DatabaseUrl::parse("mysql://u:secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("mysql://u:***@h/db") && !err.contains("secret"),
            "{err}"
        );
        assert!(
            !format!(
                "{:?}",
                DatabaseUrl::parse("postgres://u:secret@h/db").unwrap()
            )
            .contains("secret")
        );
        assert!(DatabaseUrl::parse("sqlite:").is_err());
    }
}
