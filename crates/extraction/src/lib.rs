//! From words to skills. A lexical, explainable engine over the loaded taxonomy:
//!
//! - [`index::ConceptIndex`]: every label and description of a set of concepts, stemmed per
//!   language, scored by how much of a label a text covers (and whether in order) plus BM25 over
//!   descriptions, with a taxonomy prior;
//! - [`skills::SkillExtractor`]: text of any length → ranked skills with spans and reasons;
//! - [`lexicon::Lexicon`]: a word lexicon between two label languages, learned from the
//!   taxonomy's parallel labels, so that a Dutch text is also read against English-only labels;
//! - [`eval`]: the ranking metrics of the evaluation protocols.
//!
//! No I/O: the store builds the concept documents, the server and command line call in.

pub mod eval;
pub mod index;
pub mod level;
pub mod lexicon;
pub mod meaning;
pub mod skills;
pub mod text;

pub use index::{ConceptDoc, ConceptIndex, ConceptText, Field, Hit, Query, ScoringParams, Scratch};
pub use skills::{ExtractOptions, SkillExtractor, SkillMatch, Span};

/// What can go wrong in the engine itself (bad input is answered, not refused).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A kept analyzer was written by another build of Guild: its indexes may read differently.
    #[error("the kept analyzer was written by another build of Guild")]
    KeptByOtherBuild,
    /// A kept analyzer could not be read back.
    #[error("the kept analyzer is damaged: {0}")]
    KeptDamaged(String),
}
pub mod analyzer;
pub mod deconstruct;
pub mod drafts;
pub mod presence;
