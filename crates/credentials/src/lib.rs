//! Portable credentials, with no I/O:
//!
//! - [`contexts`]: the bundled, hash-pinned JSON-LD contexts (never fetched);
//! - [`rdfc`]: JSON-LD to RDF and RDF Dataset Canonicalization (RDFC-1.0);
//! - [`keys`]: Ed25519 keys as Multikey multibase and `did:key`;
//! - [`proof`]: Data Integrity proofs (`eddsa-jcs-2022`, `eddsa-rdfc-2022`), proof sets and chains;
//! - [`badge`]: the Open Badges 3.0 skill certifications Guild issues;
//! - [`reputation`]: reputation summaries and reviews as Open Badges 3.0 credentials;
//! - [`status`]: revocation through a Bitstring Status List;
//! - [`issuer`]: who issues (the platform or an organisation) and where Guild publishes, their
//!   DIDs and URLs, and the checks on an organisation and its members' roles;
//! - [`issuing`]: how Guild issues: credential ids, signing identities and proofs, status-list
//!   positions and validity, and what its skill, reputation and endorsement credentials say
//!   given the facts the platform read;
//! - [`resolve`]: `did:web`, verification methods given as URLs and status lists, through a
//!   caller's fetcher; the DID documents an issuer publishes;
//! - [`jwt`]: VC-JWT (compact JWS) credentials: EdDSA, RS256, ES256;
//! - [`openbadges`], [`schema`]: what Open Badges 3.0 and CLR 2.0 require of a credential, as
//!   1EdTech's validator checks it (context order, the JSON Schemas, typed objects);
//! - [`verify`]: verification with a report of every check.

pub mod badge;
pub mod contexts;
pub mod error;
pub mod issuer;
pub mod issuing;
pub mod jwt;
pub mod keys;
pub mod openbadges;
pub mod proof;
pub mod rdfc;
pub mod reputation;
pub mod resolve;
pub mod schema;
pub mod status;
pub mod verify;

pub use contexts::ContextSet;
pub use error::CredentialError;
pub use rdfc::{canonicalize_jsonld, canonicalize_nquads};
