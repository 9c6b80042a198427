//! Portable credentials, with no I/O:
//!
//! - [`contexts`]: the bundled, hash-pinned JSON-LD contexts (never fetched);
//! - [`rdfc`]: JSON-LD to RDF and RDF Dataset Canonicalization (RDFC-1.0);

pub mod error;

pub use error::CredentialError;
