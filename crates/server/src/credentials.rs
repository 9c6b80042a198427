//! Credentials over HTTP: verify any VC 2.0 / Open Badges 3.0 credential, offline.

use axum::Json;
use axum::body::Bytes;
use guild_credentials::contexts::ContextSet;
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{DidKeyResolver, VerificationReport, verify};

use crate::error::ApiError;

/// Verifies a credential (the request body, JSON): every check, passed or failed, and why.
/// Open to anyone: verifying needs no account. Contexts come only from the bundled, pinned set;
/// keys from `did:key` (other verification methods answer `unverifiable`).
#[utoipa::path(post, path = "/api/v1/credentials/verify", tag = "credentials",
    request_body(content = String, content_type = "application/json", description = "The credential"),
    responses((status = 200, description = "The verification report: outcome valid, invalid or unverifiable, and each check")))]
pub async fn verify_credential(body: Bytes) -> Result<Json<serde_json::Value>, ApiError> {
    let report: VerificationReport = tokio::task::spawn_blocking(move || {
        let rdf = ContextSet::with_examples().map(JsonLdCanonicalizer::new);
        rdf.map(|rdf| verify(&body, jiff::Timestamp::now(), &DidKeyResolver, &rdf))
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(
        serde_json::to_value(report).map_err(|e| ApiError::internal(&e))?,
    ))
}
