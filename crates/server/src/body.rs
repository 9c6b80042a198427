//! JSON request bodies whose every failure is answered as problem+json.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body; malformed JSON, a wrong content type, unknown or missing fields and bodies over
/// the size limit become problem+json answers naming what was wrong.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(crate::MAX_BODY_BYTES),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::unsupported_media_type(),
                _ => ApiError::bad_body(match &rejection {
                    JsonRejection::JsonDataError(e) => e.body_text(),
                    JsonRejection::JsonSyntaxError(e) => e.body_text(),
                    other => other.body_text(),
                }),
            }),
        }
    }
}
