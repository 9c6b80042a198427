//! `ApiError`: every failure answered as RFC 9457 `application/problem+json`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use guild_store::StoreError;
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem (`urn:guild:problem:<code>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What was wrong with this request, in words a person can act on.
    pub detail: String,
    /// The request parameter at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    parameter: Option<String>,
    /// Seconds after which trying again may succeed (sent as `Retry-After`).
    retry_after: Option<u64>,
}

impl ApiError {
    /// A problem with no parameter at fault and no `Retry-After`.
    fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            parameter: None,
            retry_after: None,
        }
    }

    /// What was wrong, in words (shown on web pages).
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable problem type (`already-invited`, `insufficient-funds`…).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// 400: a request parameter is invalid.
    pub fn bad_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid-parameter",
            detail: format!("{parameter}: {}", detail.into()),
            parameter: Some(parameter.to_owned()),
            retry_after: None,
        }
    }

    /// 404: nothing at this address.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 400: the request body is not what the endpoint takes.
    pub fn bad_body(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-body", detail)
    }

    /// 400: a field of the request body is invalid.
    pub fn bad_field(field: &str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid-field",
            detail: format!("{field}: {}", detail.into()),
            parameter: Some(field.to_owned()),
            retry_after: None,
        }
    }

    /// 401: no valid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403: signed in, but this is not the caller's to change.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 422: a well-formed request that cannot be satisfied (no feasible assignment or team).
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code,
            detail: detail.into(),
            parameter: None,
            retry_after: None,
        }
    }

    /// 429: too many attempts; try again later.
    pub fn too_many(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "too-many-requests", detail)
    }

    /// 429 with the number of seconds to wait before trying again (`Retry-After`).
    pub fn too_many_after(detail: impl Into<String>, seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds.max(1)),
            ..Self::too_many(detail)
        }
    }

    /// 408: the request took longer than the server allows.
    pub fn timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took too long and was stopped; try again (a first request after an import builds indexes)",
        )
    }

    /// 413: the body is over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("the request body is over the limit of {limit} bytes"),
        )
    }

    /// 415: the body is not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the body as JSON with Content-Type: application/json",
        )
    }

    /// 405: the path exists but not with this method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this path does not accept that method",
        )
    }

    /// Any other status, for answers that the framework wrote (a plain-text rejection)
    /// rewritten as problem+json: `detail` is their text.
    pub fn other(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code: match status.as_u16() {
                400 => "invalid-request",
                404 => "not-found",
                405 => "method-not-allowed",
                413 => "payload-too-large",
                414 => "uri-too-long",
                415 => "unsupported-media-type",
                422 => "unprocessable",
                429 => "too-many-requests",
                431 => "headers-too-large",
                503 => "unavailable",
                s if s >= 500 => "internal",
                _ => "error",
            },
            detail: detail.into(),
            parameter: None,
            retry_after: None,
        }
    }

    /// 500 for a failure the client cannot act on; the cause is logged with every error
    /// beneath it (the driver's, the I/O error), not sent.
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %cause_chain(cause), "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer; the cause is in its log",
        )
    }
}

/// An error and the errors it was caused by, outermost first: "a: b: c".
pub fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        // A wrapper that shows its cause in its own message (thiserror's `#[error(transparent)]`
        // or "{0}") would repeat it.
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = e.source();
    }
    out
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => Self::not_found(e.to_string()),
            StoreError::Invalid(detail) => Self {
                status: StatusCode::BAD_REQUEST,
                code: "invalid-request",
                detail,
                parameter: None,
                retry_after: None,
            },
            StoreError::Conflict(detail) => Self {
                status: StatusCode::CONFLICT,
                code: "conflict",
                detail,
                parameter: None,
                retry_after: None,
            },
            StoreError::InsufficientFunds { .. } => {
                Self::new(StatusCode::CONFLICT, "insufficient-funds", e.to_string())
            }
            StoreError::ProposalRefused(refusal) => {
                use guild_market::proposal::ProposalRefusal as R;
                let code = match refusal {
                    R::TaskClosed(_) => "task-closed",
                    R::NoOwner(_) => "task-without-owner",
                    R::OwnTask => "own-task",
                    R::AlreadyApplied { .. } => "already-applied",
                    R::NotYours(_) => "not-your-proposal",
                    R::Decided { .. } => "proposal-decided",
                    R::NotPublished(_) => "task-not-published",
                    R::AlreadyInvited { .. } => "already-invited",
                };
                Self::new(StatusCode::CONFLICT, code, refusal.to_string())
            }
            StoreError::ProjectRefused(refusal) => {
                use guild_matching::project::ProjectRefusal as R;
                let (status, code) = match refusal {
                    R::TooManyTasks(_) => (StatusCode::BAD_REQUEST, "too-many-tasks"),
                    R::Full => (StatusCode::CONFLICT, "project-full"),
                    R::Closed => (StatusCode::CONFLICT, "project-closed"),
                    R::NotDraft(_) => (StatusCode::CONFLICT, "project-not-draft"),
                    R::NothingToPublish => (StatusCode::CONFLICT, "nothing-to-publish"),
                };
                Self::new(status, code, refusal.to_string())
            }
            StoreError::AttemptRefused(refusal) => {
                use guild_market::assessment::AttemptRefusal as R;
                let (status, code) = match refusal {
                    R::InProgress(_) => (StatusCode::CONFLICT, "attempt-in-progress"),
                    R::Cooldown { .. } => (StatusCode::CONFLICT, "cooldown"),
                    R::Answered(_) => (StatusCode::CONFLICT, "attempt-answered"),
                    R::NotAwaitingAssessor(_) => (StatusCode::CONFLICT, "nothing-to-assess"),
                    R::NotPending(_) | R::AnswerCount { .. } => {
                        (StatusCode::BAD_REQUEST, "invalid-request")
                    }
                };
                Self::new(status, code, refusal.to_string())
            }
            StoreError::ContractRefused(refusal) => {
                use guild_market::change::ContractRefusal as R;
                let (status, code) = match refusal {
                    R::NoWeek(_) => (StatusCode::NOT_FOUND, "not-found"),
                    R::Terms(_) | R::Invalid(_) | R::NoteTooLong => {
                        (StatusCode::BAD_REQUEST, "invalid-request")
                    }
                    R::NotMonday(..) => (StatusCode::BAD_REQUEST, "not-a-monday"),
                    R::OutsideWeek { .. } => (StatusCode::BAD_REQUEST, "outside-the-week"),
                    R::State(_) => (StatusCode::CONFLICT, "contract-refused"),
                    R::Training { .. } => (StatusCode::CONFLICT, "training-milestone"),
                    R::NotYourPart(_) => (StatusCode::CONFLICT, "not-your-part"),
                    R::FixedPrice(..) => (StatusCode::CONFLICT, "fixed-price"),
                    R::NotActive(_) => (StatusCode::CONFLICT, "contract-not-active"),
                    R::WeekOpen(_) => (StatusCode::CONFLICT, "week-open"),
                    R::TooManyWeeks => (StatusCode::CONFLICT, "too-many-weeks"),
                    R::WeekClosed { .. } => (StatusCode::CONFLICT, "week-closed"),
                };
                Self::new(status, code, refusal.to_string())
            }
            StoreError::Market(_) => {
                Self::new(StatusCode::BAD_REQUEST, "invalid-request", e.to_string())
            }
            StoreError::Matching(refusal) => match refusal {
                guild_matching::MatchError::UnknownSkill(_) => Self::new(
                    StatusCode::BAD_REQUEST,
                    "unknown-skill",
                    format!("{refusal}: use an id from /api/v1/skills"),
                ),
                guild_matching::MatchError::Infeasible { .. } => {
                    Self::unprocessable("infeasible", refusal.to_string())
                }
                other => Self::new(StatusCode::BAD_REQUEST, "invalid-request", other.to_string()),
            },
            StoreError::Reskilling(refusal) => {
                let code = match refusal {
                    guild_reskilling::ReskillError::Catalogue { .. } => "invalid-catalogue",
                    guild_reskilling::ReskillError::PrerequisiteCycle(_) => "prerequisite-cycle",
                    guild_reskilling::ReskillError::TooManyOccupations { .. } => {
                        return Self::new(
                            StatusCode::CONFLICT,
                            "too-many-occupations",
                            refusal.to_string(),
                        );
                    }
                    _ => "invalid-request",
                };
                Self::new(StatusCode::BAD_REQUEST, code, refusal.to_string())
            }
            StoreError::Credential(refusal) => {
                let code = match refusal {
                    guild_credentials::CredentialError::Invalid(_) => "invalid-request",
                    _ => "invalid-credential",
                };
                Self::new(StatusCode::BAD_REQUEST, code, refusal.to_string())
            }
            StoreError::Busy(_) => Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "busy",
                detail: e.to_string(),
                parameter: None,
                retry_after: None,
            },
            // What failed is the database, not the request: say so (without its internals).
            StoreError::Unavailable(_) => Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "database-unavailable",
                detail: "the database cannot be reached right now; nothing was changed, try again shortly".to_owned(),
                parameter: None,
                retry_after: None,
            },
            // The server cannot sign until an operator gives it the right key-encryption key:
            // say so, and that what was issued still verifies (never where the key lives).
            StoreError::IssuerKeysLocked(lock) => Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "issuer-keys-locked",
                detail: lock.public_detail(),
                parameter: None,
                retry_after: None,
            },
            StoreError::SealedKey(_) => {
                tracing::error!(error = %e, "an issuer key does not open");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "issuer-key-damaged", "issuing is unavailable: a stored issuer key does not open under this \
                             server's key-encryption key (it was changed or moved); the cause is \
                             in the server's log"
                        )
            }
            StoreError::Taxonomy(_) | StoreError::Backend(_) | StoreError::Semantic(_) => {
                Self::internal(&e)
            }
        }
    }
}

impl From<guild_platform::MatchingError> for ApiError {
    fn from(e: guild_platform::MatchingError) -> Self {
        match e {
            guild_platform::MatchingError::Store(e) => e.into(),
            guild_platform::MatchingError::Refused(e) => e.into(),
            e @ guild_platform::MatchingError::Index(_) => Self::internal(&e),
        }
    }
}

impl From<guild_matching::MatchError> for ApiError {
    fn from(e: guild_matching::MatchError) -> Self {
        match e {
            guild_matching::MatchError::Infeasible { .. } => {
                Self::unprocessable("infeasible", e.to_string())
            }
            other => Self::bad_body(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: format!("urn:guild:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            parameter: self.parameter,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("reading the ledger failed")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_cause_chain_names_every_cause_once() {
        let io = std::io::Error::other("disk on fire");
        assert_eq!(
            cause_chain(&Outer(io)),
            "reading the ledger failed: disk on fire"
        );
        // A cause the message already shows is not repeated.
        let store = StoreError::Semantic(guild_semantic::SemanticError::Tokenize("x".into()));
        assert_eq!(cause_chain(&store), store.to_string());
    }
}
