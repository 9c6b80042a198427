//! Messages between a contract's two parties, with attachments, and in-app notifications
//! (a new message, or an action on a contract, tells the other party).

use crate::areas::Messaging;
use guild_ids::{AccountId, AttachmentId, ContractId, MessageId, NotificationId};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::sql::{Record, Tx};

use guild_market::contract::{MAX_ATTACHMENTS, MAX_MESSAGE_CHARS};

/// An attachment's description.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Its number.
    pub id: AttachmentId,
    /// The file name given.
    pub filename: String,
    /// Its type, from its content.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// Its number.
    pub id: MessageId,
    /// The contract.
    pub contract: ContractId,
    /// The account that sent it.
    pub sender: AccountId,
    /// The text.
    pub body: String,
    /// When.
    pub created_at: String,
    /// Its attachments.
    pub attachments: Vec<Attachment>,
}

/// An attachment to store, its type already decided from its content.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The file name given (kept for display; never used as a path).
    pub filename: String,
    /// The type decided from the content.
    pub content_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// A notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    /// Its number.
    pub id: NotificationId,
    /// `message` or `contract`.
    pub kind: String,
    /// What it is about (`contract:3`).
    pub subject: String,
    /// What happened.
    pub text: String,
    /// When.
    pub created_at: String,
    /// When it was read.
    pub read_at: Option<String>,
}

/// Tells `account` something, inside `tx`.
pub(crate) fn notify(
    tx: &mut dyn Tx,
    account: AccountId,
    kind: &str,
    subject: &str,
    text: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO notifications (account_id, kind, subject, text, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            account.into(),
            kind.into(),
            subject.into(),
            text.chars().take(300).collect::<String>().into(),
            tx.now().to_string().into(),
        ],
    )?;
    // The same event goes to the account's webhooks, in the same transaction.
    let payload = serde_json::json!({
        "event": kind,
        "subject": subject,
        "text": text,
        "at": tx.now().to_string(),
    });
    crate::webhooks::enqueue(tx, account, kind, &payload.to_string())
}

/// The columns [`attachment_from`] reads, of `attachments a`.
const ATTACHMENT_COLUMNS: &str = "a.id, a.filename, a.content_type, a.size, a.sha256";

fn attachment_from(r: &Record) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.id("id")?,
        filename: r.text("filename")?.to_owned(),
        content_type: r.text("content_type")?.to_owned(),
        size: r.int("size")?,
        sha256: r.text("sha256")?.to_owned(),
    })
}

/// The columns [`message_in`] reads, of `messages`.
const MESSAGE_COLUMNS: &str = "id, contract_id, sender_id, body, created_at";

fn message_in(tx: &mut dyn Tx, r: &Record) -> Result<Message, StoreError> {
    let id: MessageId = r.id("id")?;
    let attachments = tx
        .query(
            &format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.message_id = $1 ORDER BY a.id"),
            &[id.into()],
        )?
        .iter()
        .map(attachment_from)
        .collect::<Result<_, _>>()?;
    Ok(Message {
        id,
        contract: r.id("contract_id")?,
        sender: r.id("sender_id")?,
        body: r.text("body")?.to_owned(),
        created_at: r.text("created_at")?.to_owned(),
        attachments,
    })
}

/// The two parties of a contract, or NotFound.
fn parties(tx: &mut dyn Tx, contract: ContractId) -> Result<(AccountId, AccountId), StoreError> {
    tx.query(
        "SELECT client_id, worker_id FROM contracts WHERE id = $1",
        &[contract.into()],
    )?
    .first()
    .map(|r| {
        Ok((
            r.id::<AccountId>("client_id")?,
            r.id::<AccountId>("worker_id")?,
        ))
    })
    .ok_or_else(|| StoreError::NotFound {
        what: "contract",
        id: contract.to_string(),
    })?
}

impl Messaging<'_> {
    /// Sends a message on a contract from one party, telling the other.
    pub fn post_message(
        &self,
        contract: ContractId,
        sender: AccountId,
        body: &str,
        attachments: &[NewAttachment],
    ) -> Result<Message, StoreError> {
        let body = body.trim();
        if body.is_empty() && attachments.is_empty() {
            return Err(StoreError::Invalid(
                "a message needs text or an attachment".to_owned(),
            ));
        }
        if body.chars().count() > MAX_MESSAGE_CHARS {
            return Err(StoreError::Invalid(format!(
                "a message is at most {MAX_MESSAGE_CHARS} characters"
            )));
        }
        if attachments.len() > MAX_ATTACHMENTS {
            return Err(StoreError::Invalid(format!(
                "at most {MAX_ATTACHMENTS} attachments per message"
            )));
        }
        self.store.write(|tx| {
            let (client, worker) = parties(tx, contract)?;
            let other = if sender == client {
                worker
            } else if sender == worker {
                client
            } else {
                return Err(StoreError::NotFound {
                    what: "contract",
                    id: contract.to_string(),
                });
            };
            let now = tx.now().to_string();
            let id: MessageId = tx
                .query(
                    "INSERT INTO messages (contract_id, sender_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[contract.into(), sender.into(), body.into(), now.into()],
                )?
                .first()
                .map(|r| r.id("id"))
                .transpose()?
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?;
            for a in attachments {
                let digest: String = format!("{:x}", Sha256::digest(&a.bytes));
                tx.execute(
                    "INSERT INTO attachments (message_id, filename, content_type, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        id.into(),
                        a.filename.as_str().into(),
                        a.content_type.as_str().into(),
                        (a.bytes.len() as i64).into(),
                        digest.into(),
                        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &a.bytes).into(),
                    ],
                )?;
            }
            notify(tx, other, "message", &format!("contract:{contract}"), &format!("New message on contract {contract}"))?;
            let rows = tx.query(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1"),
                &[id.into()],
            )?;
            message_in(tx, &rows[0])
        })
    }

    /// The messages of a contract, oldest first, for one of its parties.
    pub fn messages(
        &self,
        contract: ContractId,
        reader: AccountId,
    ) -> Result<Vec<Message>, StoreError> {
        self.store.read(|tx| {
            let (client, worker) = parties(tx, contract)?;
            if reader != client && reader != worker {
                return Err(StoreError::NotFound {
                    what: "contract",
                    id: contract.to_string(),
                });
            }
            let rows = tx.query(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages WHERE contract_id = $1 ORDER BY id"
                ),
                &[contract.into()],
            )?;
            rows.iter().map(|r| message_in(tx, r)).collect()
        })
    }

    /// One attachment's description and content, for one of the contract's parties.
    pub fn attachment(
        &self,
        contract: ContractId,
        reader: AccountId,
        attachment: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>), StoreError> {
        self.store.read(|tx| {
            let (client, worker) = parties(tx, contract)?;
            let not_found = || StoreError::NotFound {
                what: "attachment",
                id: attachment.to_string(),
            };
            if reader != client && reader != worker {
                return Err(not_found());
            }
            let rows = tx.query(
                &format!(
                    "SELECT {ATTACHMENT_COLUMNS}, a.content FROM attachments a \
                 JOIN messages m ON m.id = a.message_id WHERE a.id = $1 AND m.contract_id = $2"
                ),
                &[attachment.into(), contract.into()],
            )?;
            let r = rows.first().ok_or_else(not_found)?;
            let bytes = base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                r.text("content")?,
            )
            .map_err(|e| StoreError::Backend(format!("stored attachment: {e}")))?;
            Ok((attachment_from(r)?, bytes))
        })
    }

    /// The account's notifications, newest first.
    pub fn notifications(
        &self,
        account: AccountId,
        unread_only: bool,
    ) -> Result<Vec<Notification>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!(
                    "SELECT id, kind, subject, text, created_at, read_at FROM notifications WHERE account_id = $1{} ORDER BY id DESC LIMIT 200",
                    if unread_only { " AND read_at IS NULL" } else { "" }
                ),
                &[account.into()],
            )?
            .iter()
            .map(|r| {
                Ok(Notification {
                    id: r.id("id")?,
                    kind: r.text("kind")?.to_owned(),
                    subject: r.text("subject")?.to_owned(),
                    text: r.text("text")?.to_owned(),
                    created_at: r.text("created_at")?.to_owned(),
                    read_at: r.opt_text("read_at")?,
                })
            })
            .collect()
        })
    }

    /// Marks the account's notifications up to `up_to` (an id) as read; returns how many.
    pub fn mark_notifications_read(
        &self,
        account: AccountId,
        up_to: i64,
    ) -> Result<u64, StoreError> {
        self.store.write(|tx| {
            tx.execute(
                "UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND id <= $3 AND read_at IS NULL",
                &[tx.now().to_string().into(), account.into(), up_to.into()],
            )
        })
    }
}
