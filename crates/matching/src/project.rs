//! What a client writes to start a project, checked once where it comes in: a title and the
//! problem in their own words. A request body holds these types, so nothing after the edge
//! needs to check them again.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::MatchError;
use crate::model::{Audience, ProjectStatus, TaskStatus};

/// The most tasks a project has: a problem that needs more is several projects.
pub const MAX_PROJECT_TASKS: usize = 100;

/// Why a change to a project is refused: each its own kind, so that a client can tell them
/// apart without reading the words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectRefusal {
    /// A new project's description gives more than [`MAX_PROJECT_TASKS`] tasks.
    #[error("the description gives {0} tasks; a project has at most {MAX_PROJECT_TASKS}: split it")]
    TooManyTasks(usize),
    /// The project holds [`MAX_PROJECT_TASKS`] tasks already.
    #[error("the project has {MAX_PROJECT_TASKS} tasks, the most a project has")]
    Full,
    /// A closed project takes no change.
    #[error("the project is closed")]
    Closed,
    /// Only a draft project is published.
    #[error("the project is {0}; only a draft project is published")]
    NotDraft(ProjectStatus),
    /// Publishing needs a draft task.
    #[error("the project has no draft task to publish: add one first")]
    NothingToPublish,
}

impl ProjectStatus {
    /// The state a task added to a project in this state takes (the project holding `tasks`
    /// already): a draft while the project is, else published to the project's `audience`.
    pub fn new_task(self, tasks: usize, audience: Audience) -> Result<TaskStatus, ProjectRefusal> {
        if tasks >= MAX_PROJECT_TASKS {
            return Err(ProjectRefusal::Full);
        }
        match self {
            ProjectStatus::Draft => Ok(TaskStatus::Draft),
            ProjectStatus::Published => Ok(audience.task_status()),
            ProjectStatus::Closed => Err(ProjectRefusal::Closed),
        }
    }

    /// Whether the project may be published now.
    pub fn may_publish(self) -> Result<(), ProjectRefusal> {
        if self.publishable() {
            Ok(())
        } else {
            Err(ProjectRefusal::NotDraft(self))
        }
    }

    /// Whether the project may be closed now (once).
    pub fn may_close(self) -> Result<(), ProjectRefusal> {
        if self == ProjectStatus::Closed {
            Err(ProjectRefusal::Closed)
        } else {
            Ok(())
        }
    }
}

/// Whether a new project may hold `tasks` tasks.
pub fn check_task_count(tasks: usize) -> Result<(), ProjectRefusal> {
    if tasks > MAX_PROJECT_TASKS {
        Err(ProjectRefusal::TooManyTasks(tasks))
    } else {
        Ok(())
    }
}

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

    #[test]
    fn a_project_takes_tasks_while_open_and_is_published_once() {
        use crate::model::{Audience, ProjectStatus as P, TaskStatus as T};
        assert_eq!(P::Draft.new_task(3, Audience::Open), Ok(T::Draft));
        assert_eq!(
            P::Published.new_task(3, Audience::Invited),
            Ok(Audience::Invited.task_status())
        );
        assert_eq!(
            P::Closed.new_task(3, Audience::Open),
            Err(ProjectRefusal::Closed)
        );
        assert_eq!(
            P::Draft.new_task(MAX_PROJECT_TASKS, Audience::Open),
            Err(ProjectRefusal::Full)
        );
        assert_eq!(
            P::Published.may_publish(),
            Err(ProjectRefusal::NotDraft(P::Published))
        );
        assert_eq!(P::Closed.may_close(), Err(ProjectRefusal::Closed));
        assert!(check_task_count(MAX_PROJECT_TASKS).is_ok());
        assert_eq!(
            check_task_count(MAX_PROJECT_TASKS + 1),
            Err(ProjectRefusal::TooManyTasks(101))
        );
    }
}
