//! The audit log: security- and money-relevant events (accounts, tokens, failed sign-ins,
//! every ledger transfer, contract actions, credentials and keys, organisation members,
//! exchange rates), each written in the transaction of what it records, so that the log and
//! the data cannot disagree.

use crate::areas::Accounts;
use guild_ids::{AccountId, EventId};
use serde::Serialize;

use crate::StoreError;
use crate::sql::Tx;

/// One audited event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// Its number (events are numbered in the order they were written).
    pub id: EventId,
    /// When.
    pub at: String,
    /// The account that acted, if one did.
    pub actor: Option<AccountId>,
    /// What happened (`account.created`, `money.transfer`, …).
    pub kind: String,
    /// What it happened to (`account:3`, `transfer:17`, …).
    pub subject: String,
    /// Details, in words or JSON; never a secret.
    pub detail: String,
}

/// How many events of a kind on a subject were written in a period, and when the last was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventCounts {
    /// All of them.
    pub all: i64,
    /// When the last of them was written (RFC 3339).
    pub last: Option<String>,
    /// Those with the detail asked for.
    pub with_detail: i64,
    /// When the last of those was written.
    pub last_with_detail: Option<String>,
}

/// Records an event inside `tx`.
pub(crate) fn audit(
    tx: &mut dyn Tx,
    actor: Option<AccountId>,
    kind: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_events (at, actor, kind, subject, detail) VALUES ($1, $2, $3, $4, $5)",
        &[
            tx.now().to_string().into(),
            actor.into(),
            kind.into(),
            subject.into(),
            detail.chars().take(2000).collect::<String>().into(),
        ],
    )?;
    Ok(())
}

impl Accounts<'_> {
    /// Records an event on its own (for what writes nothing else, like a failed sign-in).
    pub fn audit_event(
        &self,
        actor: Option<AccountId>,
        kind: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.store
            .write(|tx| audit(tx, actor, kind, subject, detail))
    }

    /// How many events of `kind` on `subject` were written at or after `since` (RFC 3339).
    pub fn count_events_since(
        &self,
        kind: &str,
        subject: &str,
        since: &str,
    ) -> Result<i64, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT COUNT(*) AS n FROM audit_events WHERE kind = $1 AND subject = $2 AND at >= $3",
                &[kind.into(), subject.into(), since.into()],
            )?
            .first()
            .map(|r| r.int("n"))
            .transpose()
            .map(Option::unwrap_or_default)
        })
    }

    /// Events of `kind` on `subject` at or after `since` (RFC 3339): how many there were and
    /// when the last was, in all and among those whose detail is `detail` (failed sign-ins on
    /// one account, from everywhere and from one client address).
    pub fn event_counts_since(
        &self,
        kind: &str,
        subject: &str,
        detail: &str,
        since: &str,
    ) -> Result<EventCounts, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT COUNT(*) AS n, MAX(at) AS latest, \
                 COUNT(CASE WHEN detail = $4 THEN 1 END) AS n_with_detail, \
                 MAX(CASE WHEN detail = $4 THEN at END) AS latest_with_detail \
                 FROM audit_events WHERE kind = $1 AND subject = $2 AND at >= $3",
                &[kind.into(), subject.into(), since.into(), detail.into()],
            )?;
            let Some(r) = rows.first() else {
                return Ok(EventCounts::default());
            };
            Ok(EventCounts {
                all: r.int("n")?,
                last: r.opt_text("latest")?,
                with_detail: r.int("n_with_detail")?,
                last_with_detail: r.opt_text("latest_with_detail")?,
            })
        })
    }

    /// Events after `after` (an event id), oldest first, at most `limit`; only of `kind`
    /// when given.
    pub fn audit_events(
        &self,
        after: i64,
        limit: i64,
        kind: Option<&str>,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        self.store.read(|tx| {
            let rows = match kind {
                Some(k) => tx.query(
                    "SELECT id, at, actor, kind, subject, detail FROM audit_events WHERE id > $1 AND kind = $2 ORDER BY id LIMIT $3",
                    &[after.into(), k.into(), limit.clamp(1, 10_000).into()],
                )?,
                None => tx.query(
                    "SELECT id, at, actor, kind, subject, detail FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2",
                    &[after.into(), limit.clamp(1, 10_000).into()],
                )?,
            };
            rows.iter()
                .map(|r| {
                    Ok(AuditEvent {
                        id: r.id("id")?,
                        at: r.text("at")?.to_owned(),
                        actor: r.opt_id("actor")?,
                        kind: r.text("kind")?.to_owned(),
                        subject: r.text("subject")?.to_owned(),
                        detail: r.text("detail")?.to_owned(),
                    })
                })
                .collect()
        })
    }
}
