//! The taxonomy crate's one error type.

use thiserror::Error;

/// What can go wrong while parsing or checking taxonomy data.
#[derive(Debug, Error)]
pub enum TaxonomyError {
    /// A required table (file) is not in the source.
    #[error("required file {file} is missing")]
    MissingFile {
        /// The file name expected.
        file: String,
    },
    /// A table lacks a column that must be there.
    #[error("{file}: line 1: missing column {column:?} (found: {found})")]
    MissingColumn {
        /// The file.
        file: String,
        /// The column required.
        column: String,
        /// The columns that were there.
        found: String,
    },
    /// A row could not be read or holds a bad value.
    #[error("{file}: line {line}: {message}")]
    BadRow {
        /// The file.
        file: String,
        /// 1-based line number where the row starts.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read at all.
    #[error("{file}: {message}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// A string is not a valid id.
    #[error("invalid id {0:?}: ids are non-empty, at most 512 bytes, without spaces")]
    InvalidId(String),
    /// A value is not one of those allowed.
    #[error("invalid {what} {value:?}: expected {expected}")]
    InvalidValue {
        /// What was being parsed.
        what: &'static str,
        /// The value given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
}
