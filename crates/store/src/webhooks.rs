//! Webhooks: an account's endpoints receive its events (what its notifications say) as signed
//! JSON. Deliveries wait in an outbox written in the same transaction as the event, and are
//! retried with growing waits until delivered or given up after [`guild_notify::MAX_ATTEMPTS`] (the
//! policy is the `guild-notify` engine's, applied here in the write that records a try).

use crate::areas::Messaging;
use guild_ids::{AccountId, DeliveryId, WebhookId};
use serde::Serialize;

use crate::StoreError;
use crate::sql::Tx;
pub use guild_notify::DeliveryStatus;
use guild_notify::{MAX_WEBHOOKS, backoff};

/// A webhook endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Its number.
    pub id: WebhookId,
    /// Where events are POSTed.
    pub url: String,
    /// When it was made.
    pub created_at: String,
}

/// A delivery due now.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDelivery {
    /// Its number.
    pub id: DeliveryId,
    /// Where to.
    pub url: String,
    /// The signing key.
    pub secret: String,
    /// The event kind.
    pub event: String,
    /// The JSON body.
    pub payload: String,
    /// Tries so far.
    pub attempts: i64,
}

/// A delivery as its account sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Its number.
    pub id: DeliveryId,
    /// The event kind.
    pub event: String,
    /// `pending`, `delivered` or `failed`.
    pub status: DeliveryStatus,
    /// Tries so far.
    pub attempts: i64,
    /// When the next try is due.
    pub next_attempt_at: String,
    /// Why the last try failed.
    pub last_error: Option<String>,
}

/// Puts the event in the outbox of each of `account`'s webhooks, inside `tx`.
pub(crate) fn enqueue(
    tx: &mut dyn Tx,
    account: AccountId,
    event: &str,
    payload: &str,
) -> Result<(), StoreError> {
    let hooks = tx.query(
        "SELECT id FROM webhooks WHERE account_id = $1",
        &[account.into()],
    )?;
    let now = tx.now().to_string();
    for h in hooks {
        tx.execute(
            "INSERT INTO webhook_deliveries (webhook_id, event, payload, attempts, next_attempt_at, status, created_at) \
             VALUES ($1, $2, $3, 0, $4, 'pending', $4)",
            &[h.int("id")?.into(), event.into(), payload.into(), now.clone().into()],
        )?;
    }
    Ok(())
}

impl Messaging<'_> {
    /// Adds a webhook for `account`; returns it and its signing secret (shown once).
    pub fn create_webhook(
        &self,
        account: AccountId,
        url: &str,
    ) -> Result<(Webhook, String), StoreError> {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 500
            || url.contains(char::is_whitespace)
        {
            return Err(StoreError::Invalid("url: an http(s) URL of at most 500 characters (deliveries go over https, or plain http only to hosts the operator allows)".to_owned()));
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| StoreError::Backend(format!("no randomness: {e}")))?;
        let secret = format!(
            "whsec_{}",
            key.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        self.store.write(|tx| {
            let n = tx.query("SELECT COUNT(*) AS n FROM webhooks WHERE account_id = $1", &[account.into()])?[0].int("n")?;
            if n >= MAX_WEBHOOKS as i64 {
                return Err(StoreError::Conflict(format!("at most {MAX_WEBHOOKS} webhooks per account")));
            }
            let now = tx.now().to_string();
            let id = tx.query(
                "INSERT INTO webhooks (account_id, url, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[account.into(), url.into(), secret.as_str().into(), now.clone().into()],
            )?[0].id::<WebhookId>("id")?;
            crate::audit::audit(tx, Some(account), "webhook.created", &format!("webhook:{id}"), url)?;
            Ok((Webhook { id, url: url.to_owned(), created_at: now }, secret.clone()))
        })
    }

    /// An account's webhooks.
    pub fn webhooks_of(&self, account: AccountId) -> Result<Vec<Webhook>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT id, url, created_at FROM webhooks WHERE account_id = $1 ORDER BY id",
                &[account.into()],
            )?
            .iter()
            .map(|r| {
                Ok(Webhook {
                    id: r.id("id")?,
                    url: r.text("url")?.to_owned(),
                    created_at: r.text("created_at")?.to_owned(),
                })
            })
            .collect()
        })
    }

    /// Removes one of an account's webhooks (its pending deliveries go too).
    pub fn delete_webhook(&self, account: AccountId, id: WebhookId) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let n = tx.execute(
                "DELETE FROM webhooks WHERE id = $1 AND account_id = $2",
                &[id.into(), account.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "webhook",
                    id: id.to_string(),
                });
            }
            crate::audit::audit(
                tx,
                Some(account),
                "webhook.deleted",
                &format!("webhook:{id}"),
                "",
            )
        })
    }

    /// The latest deliveries to one of an account's webhooks.
    pub fn deliveries(
        &self,
        account: AccountId,
        webhook: WebhookId,
    ) -> Result<Vec<DeliveryView>, StoreError> {
        self.store.read(|tx| {
            if tx.query("SELECT 1 FROM webhooks WHERE id = $1 AND account_id = $2", &[webhook.into(), account.into()])?.is_empty() {
                return Err(StoreError::NotFound { what: "webhook", id: webhook.to_string() });
            }
            tx.query(
                "SELECT id, event, status, attempts, next_attempt_at, last_error FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT 100",
                &[webhook.into()],
            )?
            .iter()
            .map(|r| {
                Ok(DeliveryView {
                    id: r.id("id")?,
                    event: r.text("event")?.to_owned(),
                    status: DeliveryStatus::parse(r.text("status")?).map_err(|e| StoreError::Backend(e.to_string()))?,
                    attempts: r.int("attempts")?,
                    next_attempt_at: r.text("next_attempt_at")?.to_owned(),
                    last_error: r.opt_text("last_error")?,
                })
            })
            .collect()
        })
    }

    /// Deliveries due at `now`, oldest first.
    pub fn due_deliveries(
        &self,
        now: jiff::Timestamp,
        limit: i64,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT d.id, w.url, w.secret, d.event, d.payload, d.attempts FROM webhook_deliveries d \
                 JOIN webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.id LIMIT $2",
                &[now.to_string().into(), limit.into()],
            )?
            .iter()
            .map(|r| {
                Ok(DueDelivery {
                    id: r.id("id")?,
                    url: r.text("url")?.to_owned(),
                    secret: r.text("secret")?.to_owned(),
                    event: r.text("event")?.to_owned(),
                    payload: r.text("payload")?.to_owned(),
                    attempts: r.int("attempts")?,
                })
            })
            .collect()
        })
    }

    /// Records a try: delivered, or failed and due again after [`backoff`] (given up after
    /// [`guild_notify::MAX_ATTEMPTS`]).
    pub fn record_delivery(
        &self,
        id: DeliveryId,
        result: Result<(), String>,
        now: jiff::Timestamp,
    ) -> Result<(), StoreError> {
        self.store.write(|tx| {
            match result {
                Ok(()) => {
                    tx.execute(
                        "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL WHERE id = $1",
                        &[id.into()],
                    )?;
                }
                Err(why) => {
                    let attempts = tx.query("SELECT attempts FROM webhook_deliveries WHERE id = $1", &[id.into()])?
                        .first().map(|r| r.int("attempts")).transpose()?.unwrap_or(0) + 1;
                    let next = now + backoff(attempts);
                    let status = DeliveryStatus::after_failure(attempts);
                    tx.execute(
                        "UPDATE webhook_deliveries SET attempts = $1, next_attempt_at = $2, status = $3, last_error = $4 WHERE id = $5",
                        &[attempts.into(), next.to_string().into(), status.as_str().into(), why.chars().take(500).collect::<String>().into(), id.into()],
                    )?;
                }
            }
            Ok(())
        })
    }
}
