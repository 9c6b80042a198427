//! Matching at scale, with no I/O:
//!
//! - [`assign`]: optimal batch assignment — dense (Jonker–Volgenant) and sparse with worker
//!   capacities (min-cost flow), with a dual certificate of optimality;
//! - [`team`]: team formation — choose workers who cover a project's skills at least cost.

pub mod assign;
pub mod error;
pub mod team;

pub use error::MatchError;
