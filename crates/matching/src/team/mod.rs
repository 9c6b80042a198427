//! Team formation: choose workers who cover a project's skill needs at least cost.
//!
//! # Model
//!
//! A [`TeamRequest`] lists [`SkillNeed`]s, each with hours and a minimum proficiency. A team gives
//! every need, whole, to one member who holds its skill at that proficiency or better; one member
//! may take several needs. Members are drawn from [`TeamCandidate`]s, and each member must
//!
//! - overlap the project's 09:00–17:00 workday (at the request's UTC offset) by at least
//!   `min_overlap_hours`, as [`crate::zone::workday_overlap_hours`] counts it;
//! - have the time: the hours of their needs plus `member_overhead_hours` (coordination and
//!   onboarding, paid at their rate) must not exceed their `hours_available`.
//!
//! The team has at most `max_members` members and costs at most `budget`, when these are given.
//!
//! **Cost.** A member costs their hourly rate × (overhead + the hours of their needs); the team
//! costs the sum over its members. Hours are counted in whole seconds (each input rounded to the
//! nearest second), so that sums of hours and capacity checks are exact. Money is in minor units
//! of the one currency the caller converted everything to, and is rounded **once per priced
//! quantity**, to the nearest minor unit with halves rounded up: each need's hours at its member's
//! rate, and each member's overhead at their rate. A member's `cost` is the exact integer sum of
//! its rounded terms and `total_cost` the exact sum of the members' costs. Rounding per term, not
//! per member, keeps the objective linear in integers, so the optimum, the lower bounds and the
//! budget check are exact and do not depend on summation order; a member's cost differs from
//! rate × hours by at most ½ minor unit per need plus ½.
//!
//! # Algorithms
//!
//! 1. **Index** ([`CandidatePool::new`]): skill → holders, built once, so a request reads only the
//!    holders of its own skills instead of scanning every worker.
//! 2. **Reduce** (per request): keep the holders at the needed proficiency who pass the time-zone
//!    filter and have the hours for the need plus the overhead; then drop every candidate that is
//!    *dominated* by enough others (covers a superset of its needs, rate ≤, room ≥), which provably
//!    keeps an optimal team (the argument is at `pool::prune_dominated`). For the benchmark's
//!    projects, 100,000 workers reduce to about 450 candidates (at most about 2,000).
//! 3. **Lower bounds**: the *shared-overhead* bound charges each need its cheapest price plus the
//!    candidate's overhead shared among the most needs it could take; the *Lagrangian* bound
//!    (`lagrange`) prices the needs and the team-size limit, and is found by subgradient ascent.
//!    It charges each member's overhead to the needs it actually takes, so it is close to the
//!    linear-programming bound. Both are exact integers, valid whatever the prices.
//! 4. **Approximation** ([`TeamMethod::Approximate`]): greedy starts — by cost per covered need
//!    value, by coverage, with a penalty per member when the team size is limited, and once more
//!    with the needs valued at their Lagrangian prices — each improved by local search (move a
//!    need, swap two needs, replace a member, dissolve a member, merge two members) until no move
//!    lowers the cost. Its gap is measured against the better of the two bounds.
//! 5. **Exact** ([`TeamMethod::Exact`]): depth-first branch and bound over needs (most
//!    constrained first), children cheapest first, identical candidates tried once; each node is
//!    bounded by both bounds, evaluated for the partial team. A node limit stops it; the best team
//!    found is then returned with `exact: false` and the least bound over the unexplored tree.
//! 6. **Auto** ([`TeamMethod::Auto`], the default): the approximation gives an upper bound; every
//!    candidate whose Lagrangian (or simpler) bound with them in the team is not below it is left
//!    out; branch and bound then proves or improves the team within the node limit.
//! 7. **Many candidates** (more than 3,000 after reduction, e.g. dozens of needs over popular
//!    skills): the methods run on a core of the candidates cheapest per need, and the core's
//!    Lagrangian prices price all the others; those that could still be in a cheaper team join the
//!    core for another round (`large`). Exactness and bounds then hold for the whole pool.
//!
//! `gap` = (`total_cost` − `lower_bound`) / `total_cost`, where the lower bound holds for every
//! team, so the reported gap is never below the true gap to the optimum.
//!
//! # Errors
//!
//! Bad input ([`MatchError::Invalid`], [`MatchError::NotFinite`], [`MatchError::Empty`]): NaN,
//! infinite, negative or absurdly large hours and rates, proficiency outside 1–5, time-zone offsets
//! beyond ±18 h, more than [`MAX_NEEDS`] needs, a worker listed twice. No team
//! ([`MatchError::Infeasible`]): the reason names the need nobody can take, the members needed
//! beyond `max_members`, or the cheapest team's cost beyond the budget.

mod approx;
mod bench;
mod instance;
mod lagrange;
mod large;
mod pool;
mod project;
mod search;
mod solve;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use bench::{MethodSummary, ProjectBench, TeamBenchReport, benchmark};
pub use pool::CandidatePool;
pub use project::{Project, ProjectNeed, candidates};

use crate::MatchError;

/// Most needs one request may have. Needs are tracked as bits of a `u128`, and a project with
/// more distinct skill needs than this should be split into parts anyway.
pub const MAX_NEEDS: usize = 128;
/// Largest number of hours accepted anywhere (need hours, availability, overhead): about 114
/// years, far beyond any real figure, and small enough that no sum of costs can overflow.
pub const MAX_HOURS: f64 = 1_000_000.0;
/// Largest hourly rate accepted, in minor units (ten million an hour, with two decimals).
pub const MAX_RATE: i64 = 1_000_000_000;
/// Largest UTC offset accepted either side, in minutes (ISO 8601 stops at ±18:00).
pub const MAX_OFFSET_MINUTES: i32 = 18 * 60;
/// Node limit of the exact search in [`TeamOptions::default`]: a few tens of milliseconds.
pub const DEFAULT_NODE_LIMIT: u64 = 200_000;

/// A worker who might join the team, as the team engine sees them. The caller maps its worker
/// profiles onto this: skills as the dense indices it interned, the rate in the request's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamCandidate {
    /// The caller's id for the worker; unique within a pool, and the order of the output.
    pub worker: u64,
    /// Price of one hour, in minor units (cents) of the one currency the caller converted to.
    pub hourly_rate: i64,
    /// Hours the worker can give this project, overhead included.
    pub hours_available: f64,
    /// The worker's time zone, minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// Skills held, as (skill index, proficiency 1–5); a skill listed twice counts at its best.
    pub skills: Vec<(u32, u8)>,
}

/// One piece of work in a project: a skill, at a minimum proficiency, for some hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = TeamSkillNeed))]
pub struct SkillNeed {
    /// The skill index (the caller's interned index, as in [`TeamCandidate::skills`]).
    pub skill: u32,
    /// Hours of work; the need goes whole to one member.
    pub hours: f64,
    /// Lowest acceptable proficiency, 1–5.
    pub min_proficiency: u8,
}

/// A project to staff: its needs and the constraints on the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamRequest {
    /// The work, at least one need and at most [`MAX_NEEDS`]. Two needs may share a skill.
    pub needs: Vec<SkillNeed>,
    /// The project's time zone, minutes east of UTC; its workday is 09:00–17:00 there.
    pub utc_offset_minutes: i32,
    /// Hours each member's 09:00–17:00 must share with the project's, 0–8.
    pub min_overlap_hours: f64,
    /// Most the team may cost, in minor units, if limited.
    pub budget: Option<i64>,
    /// Hours every member costs besides their needs (coordination, onboarding), at their rate.
    pub member_overhead_hours: f64,
    /// Largest team allowed, if limited.
    pub max_members: Option<usize>,
}

/// How to search for the team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamMethod {
    /// Approximation first, then branch and bound within the node limit to prove or improve it.
    #[default]
    Auto,
    /// Branch and bound alone, within the node limit (to time the exact method on its own; a
    /// large limit gives the optimum of any instance that branch and bound can finish).
    Exact,
    /// Greedy and local search only: fast on any size, with its gap to a lower bound.
    Approximate,
}

/// Options of [`CandidatePool::form_team`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamOptions {
    /// Which method to use.
    pub method: TeamMethod,
    /// Most branch-and-bound nodes to visit before settling for the best team found; keeps every
    /// call bounded in time whatever the input. Nodes of requests with many needs cost more, so
    /// from 32 needs on the limit is divided by (needs / 16)², rounded down.
    pub node_limit: u64,
}

impl Default for TeamOptions {
    fn default() -> Self {
        Self {
            method: TeamMethod::Auto,
            node_limit: DEFAULT_NODE_LIMIT,
        }
    }
}

/// One member of a team and the work they take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    /// The worker's id.
    pub worker: u64,
    /// The needs given to this member, as ascending indices into [`TeamRequest::needs`].
    pub needs: Vec<usize>,
    /// Hours billed: the needs' hours plus the member overhead.
    pub hours: f64,
    /// What the member costs, in minor units (rounded as the module docs say).
    pub cost: i64,
}

/// A team covering every need of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    /// The members, by ascending worker id.
    pub members: Vec<TeamMember>,
    /// Sum of the members' costs, in minor units.
    pub total_cost: i64,
    /// No team satisfying the request costs less than this (equal to `total_cost` when exact).
    pub lower_bound: i64,
    /// Whether `total_cost` is proven to be the least possible.
    pub exact: bool,
    /// (`total_cost` − `lower_bound`) / `total_cost`, 0 when exact or free: an upper bound on how
    /// far this team is from the optimum, relative to its cost.
    pub gap: f64,
}

/// Forms a team from a slice of candidates: builds a [`CandidatePool`] and asks it. For many
/// requests over the same workers, build the pool once and call [`CandidatePool::form_team`].
///
/// # Errors
/// As [`CandidatePool::new`] and [`CandidatePool::form_team`].
pub fn form_team(
    candidates: &[TeamCandidate],
    request: &TeamRequest,
    options: &TeamOptions,
) -> Result<Team, MatchError> {
    CandidatePool::new(candidates)?.form_team(request, options)
}
