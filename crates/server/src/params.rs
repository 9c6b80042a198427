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
