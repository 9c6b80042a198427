//! Matching at scale, with no I/O:
//!
//! - [`model`]: workers and tasks as checked values, and the states of tasks and projects;
//! - [`similarity`]: which skills stand in for which, learned from the taxonomy;
//! - [`score`]: the documented, explainable score of a worker for a task;
//! - [`index`]: top-k workers for a task and tasks for a worker, equal to a brute-force scan;
//! - [`assign`]: optimal batch assignment — dense (Jonker–Volgenant) and sparse with worker
//!   capacities (min-cost flow), with a dual certificate of optimality;
//! - [`team`]: team formation — choose workers who cover a project's skills at least cost;
//! - [`generate`]: a seeded generator of realistic workers and tasks for tests and benchmarks.

pub mod assign;
pub mod error;
pub mod generate;
pub mod index;
pub mod live;
pub mod model;
pub mod project;
pub mod score;
pub mod similarity;
pub mod team;
pub mod zone;

pub use error::MatchError;
pub use index::{MatchIndex, RankScratch, RankStats, Ranked};
pub use live::LiveIndex;
pub use model::{
    Audience, Currency, Evidence, GeoPoint, Money, Place, Proficiency, ProjectStatus, Reputation,
    SkillRequirement, Task, TaskId, TaskStatus, WorkMode, Worker, WorkerId, WorkerSkill,
};
pub use project::{ProblemStatement, ProjectTitle};
pub use score::{Breakdown, Exclusion, Note, Part, ScoreParts, SkillCredit};
pub use similarity::{SkillSimilarity, SkillVocabulary};
