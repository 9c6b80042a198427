//! Webhooks over HTTP, and their delivery. Each delivery is a POST of the event's JSON with
//! `Guild-Event`, `Guild-Delivery` and `Guild-Signature: t=UNIX,v1=HEX` headers, where HEX is
//! HMAC-SHA256 under the webhook's secret of `UNIX.BODY`: the receiver recomputes it, and
//! rejects old timestamps to stop replays. Deliveries go through the same guarded client as
//! did:web fetches (https, public addresses, no redirects, a timeout).

use crate::params::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guild_credentials::verify::ResolveError;
use guild_ids::WebhookId;
use guild_store::{DeliveryView, Store, StoreError, Webhook};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::fetch::HttpFetcher;

/// The signature header's value for `body` sent at `unix` seconds.
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("{unix}.{body}").as_bytes());
    let hex: String = format!("{:x}", mac.finalize().into_bytes());
    format!("t={unix},v1={hex}")
}

/// Delivers every delivery due at `now` (at most `limit`); returns (delivered, failed).
pub fn deliver_due(
    store: &Store,
    fetcher: &HttpFetcher,
    now: jiff::Timestamp,
    limit: i64,
) -> Result<(usize, usize), StoreError> {
    let (mut ok, mut failed) = (0, 0);
    for d in store.messaging().due_deliveries(now, limit)? {
        let unix = store.now().as_second();
        let sig = signature(&d.secret, unix, &d.payload);
        let id = d.id.to_string();
        let result = match fetcher.post_json(
            &d.url,
            d.payload.as_bytes(),
            &[
                ("Guild-Event", &d.event),
                ("Guild-Delivery", &id),
                ("Guild-Signature", &sig),
            ],
        ) {
            Ok(status) if (200..300).contains(&status) => Ok(()),
            Ok(status) => Err(format!("HTTP {status}")),
            Err(ResolveError::Unresolvable(why) | ResolveError::Invalid(why)) => Err(why),
        };
        if result.is_ok() {
            ok += 1;
        } else {
            failed += 1;
        }
        store.messaging().record_delivery(d.id, result, now)?;
    }
    Ok((ok, failed))
}

/// A webhook to add.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to POST events (https).
    pub url: String,
}

/// A new webhook and its signing secret (shown this once).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    /// The webhook.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The HMAC-SHA256 key deliveries are signed with.
    pub secret: String,
}

/// Adds a webhook: the caller's events (what its notifications say: messages, contract
/// actions, proposals, invitations) are POSTed to it, signed.
#[utoipa::path(post, operation_id = "create_webhook", path = "/api/v1/webhooks", tag = "accounts", request_body = NewWebhook,
    responses((status = 201, body = CreatedWebhook), (status = 400, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(w): Body<NewWebhook>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let (webhook, secret) = state
        .on_store(move |store| store.messaging().create_webhook(caller.id, &w.url))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook { webhook, secret }),
    ))
}

/// The caller's webhooks.
#[utoipa::path(get, operation_id = "list_webhooks", path = "/api/v1/webhooks", tag = "accounts",
    responses((status = 200, body = Vec<Webhook>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.messaging().webhooks_of(caller.id))
            .await?,
    ))
}

/// Removes one of the caller's webhooks.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "The webhook")),
    responses((status = 204), (status = 404, body = crate::Problem)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
) -> Result<StatusCode, ApiError> {
    state
        .on_store(move |store| store.messaging().delete_webhook(caller.id, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The latest deliveries to one of the caller's webhooks.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "accounts",
    params(("id" = i64, Path, description = "The webhook")),
    responses((status = 200, body = Vec<DeliveryView>), (status = 404, body = crate::Problem)), security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.messaging().deliveries(caller.id, id))
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_time_and_body() {
        // The signed text is "t.body", so a different time, body or key changes it; the
        // primitive under it is checked against RFC 4231 test case 2.
        let sig = signature("key", 1, "body");
        assert!(sig.starts_with("t=1,v1="));
        assert_eq!(sig.len(), "t=1,v1=".len() + 64);
        assert_ne!(sig, signature("key", 2, "body"));
        assert_ne!(sig, signature("other", 1, "body"));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = format!("{:x}", mac.finalize().into_bytes());
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
