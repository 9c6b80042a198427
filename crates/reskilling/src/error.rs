//! The one error type of the reskilling engine.

/// What can go wrong when ranking transitions, computing gaps or planning learning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReskillError {
    /// An occupation the model does not know.
    #[error("unknown occupation {0}")]
    UnknownOccupation(String),
    /// A value outside its allowed range, or input that cannot be read; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// A catalogue file that cannot be read: where and why.
    #[error("catalogue line {line}: {reason}")]
    Catalogue {
        /// 1-based line (CSV) or 1-based entry (JSON).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Resources whose prerequisites require each other, so no order exists.
    #[error("prerequisites form a cycle: {0}")]
    PrerequisiteCycle(String),
    /// A worker already names as many occupations as a profile keeps.
    #[error("a profile keeps at most {max} occupations: remove one before adding another")]
    TooManyOccupations {
        /// The limit ([`crate::transitions::MAX_STATED_OCCUPATIONS`]).
        max: usize,
    },
    /// The problem has nothing to work with (an empty catalogue, no occupations, …).
    #[error("{0}")]
    Empty(String),
}
