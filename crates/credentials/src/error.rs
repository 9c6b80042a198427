//! The one error type of the credentials engine.

/// What can go wrong reading, canonicalising, signing or verifying a credential.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CredentialError {
    /// The input is not what it must be (malformed JSON, a missing field, too large, …).
    #[error("{0}")]
    Invalid(String),
    /// A JSON-LD context that is not in the bundled set (contexts are never fetched).
    #[error("unknown JSON-LD context {0}: only bundled contexts are used, none is fetched")]
    UnknownContext(String),
    /// A signature that does not match the document and key.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// A key of another type than the proof needs (the suites here take Ed25519 only).
    #[error("wrong key type: {0}")]
    WrongKeyType(String),
    /// A bundled JSON Schema could not be used (it does not match its pin, or does not compile).
    #[error("schema: {0}")]
    Schema(String),
    /// A JSON Web Token that is not well formed, or whose header or claims are refused.
    #[error("JWT: {0}")]
    Jwt(String),
    /// Canonicalisation failed or exceeded its limits.
    #[error("canonicalisation failed: {0}")]
    Canonicalization(String),
}
