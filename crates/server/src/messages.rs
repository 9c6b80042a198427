//! Messages on a contract between its two parties, with attachments, and the caller's
//! notifications. An attachment's type is read from its content (PDF, PNG, JPEG or plain
//! UTF-8 text), never taken from the sender; it is served back as a download.

use crate::params::Path;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use guild_ids::{AttachmentId, ContractId};
use guild_store::{Message, NewAttachment, Notification};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;

/// The largest attachment, in bytes (the request as a whole is bounded too).
pub const MAX_ATTACHMENT_BYTES: usize = 512 * 1024;

/// An attachment to send.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    /// Its file name (shown; never used as a path).
    pub filename: String,
    /// The content, base64.
    pub content_base64: String,
}

/// A message to send.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The text.
    pub body: String,
    /// Attachments: PDF, PNG, JPEG or plain text, each at most 512 KiB.
    #[serde(default)]
    pub attachments: Vec<AttachmentInput>,
}

/// The type of `bytes` from their own signature, if it is one that is accepted.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some(t @ ("application/pdf" | "image/png" | "image/jpeg")) => Some(t),
        Some(_) => None,
        None if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) => {
            Some("text/plain; charset=utf-8")
        }
        None => None,
    }
}

fn attachment(a: AttachmentInput) -> Result<NewAttachment, ApiError> {
    let name = a.filename.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_field(
            "attachments.filename",
            "1 to 200 printable characters",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(a.content_base64.trim())
        .map_err(|e| {
            ApiError::bad_field("attachments.content_base64", format!("not base64: {e}"))
        })?;
    if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::bad_field(
            "attachments.content_base64",
            format!(
                "{name}: {} bytes; an attachment is 1 to {MAX_ATTACHMENT_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    let content_type = sniff(&bytes).ok_or_else(|| {
        ApiError::unprocessable(
            "attachment-type",
            format!("{name}: only PDF, PNG, JPEG and plain-text files are accepted (judged by their content)"),
        )
    })?;
    Ok(NewAttachment {
        filename: name.to_owned(),
        content_type: content_type.to_owned(),
        bytes,
    })
}

/// Sends a message on a contract (its parties only); the other party is notified.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/messages", tag = "contracts", request_body = MessageInput,
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 201, body = Message), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 413, body = crate::Problem), (status = 422, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn send(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContractId>,
    Body(input): Body<MessageInput>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    if input.attachments.len() > guild_market::contract::MAX_ATTACHMENTS {
        return Err(ApiError::bad_field(
            "attachments",
            format!(
                "at most {} per message",
                guild_market::contract::MAX_ATTACHMENTS
            ),
        ));
    }
    let attachments = input
        .attachments
        .into_iter()
        .map(attachment)
        .collect::<Result<Vec<_>, _>>()?;
    let m = state
        .on_store(move |store| {
            store
                .messaging()
                .post_message(id, caller.id, &input.body, &attachments)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// The messages of a contract, oldest first (its parties only).
#[utoipa::path(get, operation_id = "list_messages", path = "/api/v1/contracts/{id}/messages", tag = "contracts",
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 200, body = Vec<Message>), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContractId>,
) -> Result<Json<Vec<Message>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.messaging().messages(id, caller.id))
            .await?,
    ))
}

/// Downloads an attachment (the contract's parties only).
#[utoipa::path(get, path = "/api/v1/contracts/{id}/attachments/{attachment}", tag = "contracts",
    params(("id" = i64, Path, description = "The contract"), ("attachment" = i64, Path, description = "The attachment")),
    responses((status = 200, description = "The file"), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, attachment)): Path<(ContractId, AttachmentId)>,
) -> Result<Response, ApiError> {
    let (a, bytes) = state
        .on_store(move |store| store.messaging().attachment(id, caller.id, attachment))
        .await?;
    // The name is the sender's: keep only safe characters in the header.
    let safe: String = a
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Which notifications.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct NotificationQuery {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "accounts", params(NotificationQuery),
    responses((status = 200, body = Vec<Notification>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn notifications(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<NotificationQuery>,
) -> Result<Json<Vec<Notification>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.messaging().notifications(caller.id, q.unread))
            .await?,
    ))
}

/// Up to which notification to mark read.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The newest notification read.
    pub up_to: i64,
}

/// Marks the caller's notifications read, up to one.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "accounts", request_body = MarkRead,
    responses((status = 204), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn mark_read(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(m): Body<MarkRead>,
) -> Result<StatusCode, ApiError> {
    state
        .on_store(move |store| {
            store
                .messaging()
                .mark_notifications_read(caller.id, m.up_to)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
