//! Reskilling with precision, with no I/O:
//!
//! - [`transitions`]: which occupations are nearest to an occupation or a worker, asymmetric
//!   (what the target needs that the source lacks), learned from the taxonomy's descriptors;
//! - [`gap`]: exactly which skills and levels a target needs that a source lacks;
//! - [`catalogue`]: learning resources and skill tests, read from CSV or JSON;
//! - [`path`]: the cheapest plan of resources that closes a gap (weighted set cover, exact for
//!   small gaps, greedy with a bound otherwise), ordered by prerequisites;
//! - [`trainers`]: workers who teach a skill, matched to learners by skill, language and time zone.

pub mod catalogue;
pub mod error;
pub mod gap;
pub mod path;
pub mod trainers;
pub mod transitions;

pub use error::ReskillError;
pub use gap::{GapItem, GapKind, SkillGap};
pub use path::{
    LearningPlan, Need, Objective, PlanMethod, PlanOptions, PlanStep, plan, synthetic_catalogue,
    synthetic_gap,
};
pub use transitions::{
    OccupationDescriptors, Rating, Transition, TransitionModel, TransitionParts, TransitionSource,
    TransitionWeights,
};
