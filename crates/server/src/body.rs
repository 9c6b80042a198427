//! JSON request bodies whose every failure is answered as problem+json.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body; malformed JSON, a wrong content type, unknown or missing fields, bodies over
/// the size limit and text holding control characters (NUL and the like) become problem+json
/// answers naming what was wrong.
pub struct Body<T>(pub T);

/// Reads a JSON body into `T`, keeping its bytes.
async fn read<S: Send + Sync, T: DeserializeOwned>(
    req: Request,
    state: &S,
) -> Result<(axum::body::Bytes, T), ApiError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            let over = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit exceeded");
            if over {
                ApiError::payload_too_large(crate::MAX_BODY_BYTES)
            } else {
                ApiError::bad_body(format!("the request body could not be read: {e}"))
            }
        })?;
    let req = Request::from_parts(parts, axum::body::Body::from(bytes.clone()));
    match axum::Json::<T>::from_request(req, state).await {
        Ok(axum::Json(value)) => Ok((bytes, value)),
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

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (bytes, value) = read::<S, T>(req, state).await?;
        if let Some(path) = control_character_at(&bytes) {
            return Err(ApiError::bad_field(
                &path,
                "holds a control character (such as NUL); text may hold tabs and line breaks, not other control characters",
            ));
        }
        Ok(Body(value))
    }
}

/// A JSON body of text to analyse and forget (extraction, titles, deconstruction, profile
/// drafts): text pasted from anywhere, binary files included, is read rather than refused, so
/// control characters in its strings are read as spaces. Nothing from it is stored as sent.
pub struct TextBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for TextBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (bytes, value) = read::<S, T>(req, state).await?;
        if control_character_at(&bytes).is_none() {
            return Ok(TextBody(value));
        }
        let mut json: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_body(e.to_string()))?;
        blank_controls(&mut json);
        serde_json::from_value(json)
            .map(TextBody)
            .map_err(|e| ApiError::bad_body(e.to_string()))
    }
}

/// Replaces the control characters of every string in `value` with spaces.
fn blank_controls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if has_control(s) => {
            *s = s
                .chars()
                .map(|c| if refused_control(c) { ' ' } else { c })
                .collect();
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(blank_controls),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(blank_controls),
        _ => {}
    }
}

/// A control character that no title, name or form has reason to carry: NUL and the other C0
/// controls but tab, line feed, form feed and carriage return; DEL.
pub(crate) fn refused_control(c: char) -> bool {
    c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')
}

/// Whether `text` holds a [`refused_control`] character.
pub(crate) fn has_control(text: &str) -> bool {
    text.chars().any(refused_control)
}

/// Where in a JSON document a string holds a control character (`title`, `tasks[2].name`),
/// if one does. JSON can carry them only escaped, so documents without a `\u` or `\b` escape
/// are passed without parsing them again.
pub(crate) fn control_character_at(json: &[u8]) -> Option<String> {
    let escaped = json.windows(2).any(|w| w == b"\\u" || w == b"\\b");
    if !escaped {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(json).ok()?;
    find_control(&value, String::new())
}

fn find_control(value: &serde_json::Value, at: String) -> Option<String> {
    let here = |at: String| if at.is_empty() { "body".to_owned() } else { at };
    match value {
        serde_json::Value::String(s) => has_control(s).then(|| here(at)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_control(v, format!("{}[{i}]", here(at.clone())))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            if has_control(k) {
                return Some(here(at.clone()));
            }
            find_control(
                v,
                if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                },
            )
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::control_character_at;

    #[test]
    fn control_characters_are_found_where_they_are() {
        assert_eq!(
            control_character_at(br#"{"title":"a\u0000b"}"#).as_deref(),
            Some("title")
        );
        assert_eq!(
            control_character_at(br#"{"tasks":[{"name":"x"},{"name":"\u001f"}]}"#).as_deref(),
            Some("tasks[1].name")
        );
        assert_eq!(
            control_character_at(br#"{"t":"a\bb"}"#).as_deref(),
            Some("t")
        );
        assert_eq!(
            control_character_at(br#"{"t":"\u007f"}"#).as_deref(),
            Some("t")
        );
        // Tabs, line breaks and form feeds are text; an escaped backslash is not an escape.
        assert_eq!(control_character_at(br#"{"t":"a\tb\nc\r\fd"}"#), None);
        assert_eq!(control_character_at(br#"{"t":"a\\u0000"}"#), None);
        assert_eq!(control_character_at(br#"{"t":"\u00e9"}"#), None);
    }
}
