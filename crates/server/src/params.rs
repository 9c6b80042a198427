//! Query-string parameters, checked one by one so that a bad one is named in the answer.

use std::collections::HashMap;

use crate::error::ApiError;

/// The parsed query string of a request.
pub struct Params {
    values: HashMap<String, String>,
}

impl Params {
    /// Parses `raw` and refuses parameters not in `allowed` and parameters given twice.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
                ApiError::bad_parameter("query", format!("malformed query string: {e}"))
            })?;
        let mut values = HashMap::new();
        for (key, value) in pairs {
            if !allowed.contains(&key.as_str()) {
                return Err(ApiError::bad_parameter(
                    &key,
                    format!(
                        "unknown parameter; this endpoint takes {}",
                        allowed.join(", ")
                    ),
                ));
            }
            if values.insert(key.clone(), value).is_some() {
                return Err(ApiError::bad_parameter(&key, "given more than once"));
            }
        }
        Ok(Self { values })
    }

    /// A text parameter, if given and not empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// An integer parameter in `range`, or `default`.
    pub fn int_in(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<usize>,
        default: usize,
    ) -> Result<usize, ApiError> {
        match self.text(name) {
            None => Ok(default),
            Some(raw) => match raw.parse::<usize>() {
                Ok(v) if range.contains(&v) => Ok(v),
                _ => Err(ApiError::bad_parameter(
                    name,
                    format!(
                        "{raw:?} is not a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                )),
            },
        }
    }

    /// A language tag like `en` or `pt-BR`.
    pub fn lang(&self) -> Result<Option<String>, ApiError> {
        match self.text("lang") {
            None => Ok(None),
            Some(l) => guild_taxonomy::normalize::language_tag(l)
                .map(Some)
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "lang",
                        format!("{l:?} is not a language tag like en or nl"),
                    )
                }),
        }
    }

    /// The offset a `cursor` from a previous page stands for.
    pub fn cursor(&self) -> Result<usize, ApiError> {
        match self.text("cursor") {
            None => Ok(0),
            Some(raw) => raw
                .strip_prefix("o")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "cursor",
                        format!("{raw:?} is not a cursor from a previous page"),
                    )
                }),
        }
    }
}

/// The cursor for a page starting at `offset`.
pub fn cursor(offset: usize) -> String {
    format!("o{offset}")
}

/// Path parameters; one that does not parse (`/contracts/abc`, an id past the range of ids,
/// bytes that are not UTF-8) is answered as problem+json naming the parameter, where the
/// framework's own rejection answers in plain text.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T> axum::extract::FromRequestParts<S> for Path<T>
where
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::PathRejection;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let raw = raw_parameters(parts).await;
                Err(path_error(&e, &raw))
            }
            Err(other) => Err(ApiError::bad_parameter("path", other.body_text())),
        }
    }
}

/// The problem of a path that did not parse, naming the parameter: a single parameter, or one
/// of a tuple, is parsed without its name, which is then found among the `raw` ones.
fn path_error(
    e: &axum::extract::rejection::FailedToDeserializePathParams,
    raw: &[(String, String)],
) -> ApiError {
    use axum::extract::path::ErrorKind;
    match e.kind() {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => ApiError::bad_parameter(key, format!("{value:?} is not {}", expected(expected_type))),
        ErrorKind::InvalidUtf8InPathParam { key } => {
            ApiError::bad_parameter(key, "the path segment is not valid UTF-8 text")
        }
        ErrorKind::DeserializeError {
            key,
            value,
            message,
        } => ApiError::bad_parameter(key, format!("{value:?}: {message}")),
        ErrorKind::ParseErrorAtIndex {
            index,
            value,
            expected_type,
        } => ApiError::bad_parameter(
            &raw.get(*index).map_or_else(
                || format!("path parameter {}", index + 1),
                |(k, _)| k.clone(),
            ),
            format!("{value:?} is not {}", expected(expected_type)),
        ),
        ErrorKind::ParseError {
            value,
            expected_type,
        } => ApiError::bad_parameter(
            raw.iter()
                .find(|(_, v)| v == value)
                .map_or("path", |(k, _)| k.as_str()),
            format!("{value:?} is not {}", expected(expected_type)),
        ),
        _ => ApiError::bad_parameter("path", e.body_text()),
    }
}

/// The path parameters as the router matched them, name and raw value, in order.
async fn raw_parameters(parts: &mut axum::http::request::Parts) -> Vec<(String, String)> {
    use axum::extract::FromRequestParts;
    axum::extract::RawPathParams::from_request_parts(parts, &())
        .await
        .map(|raw| {
            raw.iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// What a path parameter of Rust type `rust_type` must be, in words.
fn expected(rust_type: &str) -> &'static str {
    match rust_type {
        "i64" | "i32" | "u64" | "u32" | "usize" | "u16" | "u8" => {
            "a whole number in the range of ids (1 to 9223372036854775807)"
        }
        _ => "of the expected form",
    }
}
