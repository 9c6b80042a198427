//! The one error type of the market engine.

/// What can be wrong with money, a transfer or a payment file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    /// Input that is not what it must be: an unknown currency, a fractional minor unit, an
    /// unbalanced transfer, a malformed line in a payment file.
    #[error("{0}")]
    Invalid(String),
    /// A sum that would not fit in 64 bits.
    #[error("amount overflow: {0}")]
    Overflow(String),
}
