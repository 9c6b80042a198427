//! Guild's use cases: what a person can do on the platform, one function each, called alike by
//! the HTTP server (which adds only HTTP: parse, call, map to a status) and the CLI (which adds
//! only argument parsing and printing), so both give the same answer: reading work, learning
//! paths and transitions, and issuing, publishing and verifying credentials (with the one a
//! passed skill test earns).
//!
//! The [`Platform`] owns what is built from the store and kept between calls — the analyzer
//! that reads text, the transition models, the skill similarity under matching — each rebuilt
//! when the taxonomy changes under it through one mechanism, [`Versioned`]; and the matching
//! index, which follows the store's changes between calls instead of being rebuilt. The store below only keeps data; the rules live in the
//! engine crates (extraction, matching, reskilling, credentials, market).
//!
//! Functions here are synchronous (the store's drivers are): an async caller runs them on its
//! blocking pool, once per use case.

use std::collections::HashMap;
use std::sync::Arc;

use guild_extraction::analyzer::Analyzer;
use guild_reskilling::TransitionModel;
use guild_semantic::{Encoder, SemanticError};
use guild_store::{Store, StoreError};
use guild_taxonomy::Source;

mod contracts;
mod credentials;
mod decisions;
mod learning;
mod matching;
mod microwork;
mod payments;
mod reading;
mod reviews;
mod skill_tests;
mod versioned;

pub use contracts::ContractOffer;
pub use credentials::{OwnFirst, Signer};
pub use decisions::{CONTEST_DAYS, MIN_RETENTION};
/// What a declaration for the fairness audit is for, and never for (shown when consent is asked).
pub use guild_fairness::{DIMENSIONS as DECLARATION_DIMENSIONS, PURPOSE as DECLARATION_PURPOSE};
pub use learning::{
    BaseOccupation, BridgeTask, DoableTask, GapItemView, GapView, Move, Origin, OriginView,
    PathReport, PathRequest, PathTarget, SkillLabel, SkillTrainers, Start, TransitionReport,
    TransitionView, WhereNext,
};
pub use matching::{IndexStatus, Matches, MatchingError, TaskMatch, WorkerMatch};
pub use reading::{MAX_TEXT_TASKS, ProblemText, Work, WorkBreakdown, WorkOccupation};
pub use versioned::Versioned;

/// Gives the sentence encoder that text is read by meaning with (`None`: by words only). A
/// server loads the model once at start; a command loads it when it first reads text, while
/// the lexical indexes are read from the store.
pub type EncoderLoader = dyn Fn() -> Result<Option<Arc<Encoder>>, SemanticError> + Send + Sync;

/// The platform over one store: its use cases and the caches they share.
pub struct Platform {
    store: Arc<Store>,
    encoder: Box<EncoderLoader>,
    analyzer: Versioned<Analyzer>,
    transition_models: HashMap<Source, Versioned<TransitionModel>>,
    matching: Arc<matching::Matching>,
    decisions: decisions::DecisionLog,
}

impl Platform {
    /// The platform over `store`, reading text by meaning with `encoder` (by words only
    /// without one).
    pub fn new(store: Arc<Store>, encoder: Option<Arc<Encoder>>) -> Self {
        Self::with_loader(store, Box::new(move || Ok(encoder.clone())))
    }

    /// The platform over `store`, reading text with the encoder `encoder` gives when it is
    /// first needed.
    pub fn with_loader(store: Arc<Store>, encoder: Box<EncoderLoader>) -> Self {
        Self {
            matching: Arc::new(matching::Matching::new(store.clone())),
            decisions: decisions::DecisionLog::new(store.clone()),
            store,
            encoder,
            analyzer: Versioned::default(),
            transition_models: Source::ALL
                .into_iter()
                .map(|s| (s, Versioned::default()))
                .collect(),
        }
    }

    /// The store below: what a caller reads or writes as it is, with no rule to apply.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The analyzer over the store's current taxonomy: kept, or read from the store's kept
    /// indexes (built and kept there when missing) after an import changed the taxonomy.
    pub fn analyzer(&self) -> Result<Arc<Analyzer>, StoreError> {
        let version = self.store.taxonomy().taxonomy_version()?;
        self.analyzer.get(&version, || {
            self.store
                .taxonomy()
                .analyzer_with(|| (self.encoder)().map_err(StoreError::from))
        })
    }

    /// The transition model over the occupations of `taxonomy`, for the store's current
    /// taxonomy.
    pub fn transition_model(&self, taxonomy: Source) -> Result<Arc<TransitionModel>, StoreError> {
        let version = self.store.taxonomy().taxonomy_version()?;
        let cache = self
            .transition_models
            .get(&taxonomy)
            .ok_or_else(|| StoreError::Invalid(format!("no {} models", taxonomy.as_str())))?;
        cache.get(&version, || {
            let descriptors = self.store.taxonomy().transition_descriptors(taxonomy)?;
            if descriptors.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "the store holds no {} occupations: import that taxonomy first",
                    taxonomy.as_str()
                )));
            }
            Ok(TransitionModel::new(descriptors)?)
        })
    }
}
