//! Guild's skills taxonomy: the domain model of skills, occupations, tasks and their relations, and
//! the parsers that read O*NET, ESCO, occupation crosswalks, AI-exposure datasets and Guild's own
//! built-in starter set into that model.
//!
//! This crate does no I/O: parsers read tables from a [`TableSource`] and return a
//! [`TaxonomyBatch`] that a store writes in one transaction.

pub mod crosswalk;
mod error;
pub mod esco;
pub mod exposure;
mod model;
pub mod normalize;
pub mod onet;
pub mod starter;
mod table;

pub use error::TaxonomyError;
pub use model::*;
pub use table::{Delimiter, MemorySource, Table, TableSource};
