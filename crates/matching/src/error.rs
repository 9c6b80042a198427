//! The one error type of the matching engine.

use guild_taxonomy::SkillId;

/// What can go wrong when scoring, ranking, assigning or forming teams.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// A cost matrix or problem with nothing in it.
    #[error("the problem is empty: {0}")]
    Empty(String),
    /// A cost matrix whose rows are not all the same length.
    #[error("row {row} has {found} columns, expected {expected}")]
    Ragged {
        /// 0-based row index.
        row: usize,
        /// Columns in the first row.
        expected: usize,
        /// Columns in this row.
        found: usize,
    },
    /// NaN or an infinite number where a finite one is needed.
    #[error("{what} is not a finite number ({value})")]
    NotFinite {
        /// Which number, e.g. "cost at row 3, column 7".
        what: String,
        /// The offending value as text.
        value: String,
    },
    /// A value outside its allowed range (negative hours, proficiency 7, …).
    #[error("{0}")]
    Invalid(String),
    /// A skill that the loaded taxonomy does not know.
    #[error("unknown skill {0}")]
    UnknownSkill(SkillId),
    /// No assignment or team satisfies the constraints; the reason says which.
    #[error("no feasible solution: {reason}")]
    Infeasible {
        /// Which constraint cannot be met, in words.
        reason: String,
    },
}
