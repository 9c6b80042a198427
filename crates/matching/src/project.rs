//! What a client writes to start a project, checked once where it comes in: a title and the
//! problem in their own words. A request body holds these types, so nothing after the edge
//! needs to check them again.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::MatchError;

/// The most tasks a project has: a problem that needs more is several projects.
pub const MAX_PROJECT_TASKS: usize = 100;

macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The most characters it may have.
            pub const MAX_CHARS: usize = $max;

            /// The text without its outer spaces; empty or longer than
            /// [`Self::MAX_CHARS`] characters is refused.
            pub fn parse(text: &str) -> Result<Self, MatchError> {
                let t = text.trim();
                let n = t.chars().count();
                if n == 0 || n > Self::MAX_CHARS {
                    return Err(MatchError::Invalid(format!(
                        concat!($what, " is 1 to {} characters, not {}"),
                        Self::MAX_CHARS,
                        n
                    )));
                }
                Ok(Self(t.to_owned()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = MatchError;
            fn try_from(text: String) -> Result<Self, MatchError> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_text!(
    /// A project's title: 1 to 200 characters.
    ProjectTitle,
    "a project's title",
    200
);
checked_text!(
    /// The problem or the work a project is for, in the client's words: 1 to 20,000
    /// characters.
    ProblemStatement,
    "the problem",
    20_000
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            ProjectTitle::parse("  Shop floor  ").unwrap().as_str(),
            "Shop floor"
        );
        for bad in ["", "   ", &"x".repeat(201)] {
            let e = ProjectTitle::parse(bad).unwrap_err().to_string();
            assert!(e.contains("title"), "{e}");
        }
        assert!(ProjectTitle::parse(&"é".repeat(200)).is_ok());
        assert!(ProblemStatement::parse(&"x".repeat(20_000)).is_ok());
        assert!(
            ProblemStatement::parse("\n\t")
                .unwrap_err()
                .to_string()
                .contains("problem")
        );
    }

    #[test]
    fn a_body_is_parsed_at_the_edge() {
        let t: Result<ProjectTitle, _> = serde_json::from_str("\"  Roof  \"");
        assert_eq!(t.unwrap().as_str(), "Roof");
        let bad: Result<ProjectTitle, _> = serde_json::from_str("\"\"");
        assert!(bad.unwrap_err().to_string().contains("title"));
    }
}
