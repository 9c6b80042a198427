//! Optimal batch assignment: many tasks to many workers at once, at least total cost.
//!
//! Two solvers, both exact, both returning a dual solution that proves their answer optimal:
//!
//! - [`solve_dense`] on a full [`CostMatrix`] (rows = tasks, columns = workers; rectangular either
//!   way): Jonker and Volgenant's shortest augmenting path algorithm (LAPJV, 1987) with column
//!   reduction, reduction transfer and augmenting row reduction, extended to rectangular problems.
//!   It assigns as many rows as possible — every row when rows ≤ columns, every column otherwise —
//!   at least total cost. [`certify_dense`] checks an answer.
//! - [`solve_sparse`] on a [`SparseProblem`]: candidate (task, worker, cost) arcs, workers with a
//!   capacity (how many tasks each can take), each task to at most one worker, and an optional cost
//!   for leaving a task unassigned. It is a min-cost flow by successive shortest paths: one
//!   Dijkstra search per task on reduced costs, stopped at the first worker with spare capacity
//!   (or at "unassigned"), with worker prices kept between searches as in JV. [`verify`] checks an
//!   answer.
//!
//! Callers that maximise a score pass `cost = -score` (and, for the sparse solver, an unassigned
//! cost of 0, so that a task is left open rather than given to a worker with a negative score).
//!
//! # Numbers
//!
//! Costs stay `f64` throughout, as given: no scaling. Integer costs (and any costs whose partial
//! sums are exact in `f64`, e.g. integers below 2⁵³) are solved exactly. Other costs are solved to
//! within floating-point rounding; the [`Certificate`] says how far from proven optimal an answer
//! is (`gap`) and the tolerance it was held to: `1e-9 × (1 + the sum of the magnitudes of every
//! term in the primal and dual objectives)`. Costs so large or so far apart that sums of them
//! could overflow (`max(max − min, |min|, |max|) × (rows + columns + 1)` above 1e300) are refused
//! as invalid.

mod batch;
mod dense;
mod instances;
mod sparse;

#[cfg(test)]
mod tests;

pub use batch::{Assigned, BatchAssignment, assign_batch, capacity};
pub use dense::{CostMatrix, DenseAssignment, certify_dense, solve_dense};
pub use instances::{random_dense, random_sparse};
pub use sparse::{Candidate, SparseAssignment, SparseProblem, solve_sparse, verify};

use serde::{Deserialize, Serialize};

use crate::MatchError;

/// Proof of optimality: an assignment's total (the primal objective) beside the objective of a
/// feasible dual solution, which no assignment can beat (weak duality). When the two meet, the
/// assignment is optimal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// The assignment's total cost, recomputed from the problem.
    pub primal: f64,
    /// A lower bound on every feasible assignment's total: the objective of a dual solution made
    /// exactly feasible from the solver's prices.
    pub dual: f64,
    /// `primal − dual`: zero for an optimal assignment, up to rounding.
    pub gap: f64,
    /// The largest gap accepted as rounding (see the module documentation).
    pub tolerance: f64,
}

impl Certificate {
    /// Builds the certificate, or says why the gap is too large to call the assignment optimal.
    fn check(primal: f64, dual: f64, magnitude: f64) -> Result<Self, MatchError> {
        let gap = primal - dual;
        let tolerance = 1e-9 * (1.0 + magnitude);
        if !gap.is_finite() || gap.abs() > tolerance {
            return Err(MatchError::Invalid(format!(
                "the assignment is not proven optimal: its total {primal} and the dual bound \
                 {dual} differ by {gap} (tolerance {tolerance:e})"
            )));
        }
        Ok(Self {
            primal,
            dual,
            gap,
            tolerance,
        })
    }
}

/// The largest `max(max − min, |min|, |max|) × (rows + columns + 1)` accepted: far below
/// `f64::MAX`, so that totals, and sums of costs and prices along augmenting paths, can never
/// overflow to infinity (which would turn comparisons into NaN and the search into nonsense).
const MAX_SPAN: f64 = 1e300;

/// Refuses costs whose range or size, times the problem's size, could overflow when summed.
fn check_span(min: f64, max: f64, size: usize) -> Result<(), MatchError> {
    let scale = (max - min).max(min.abs()).max(max.abs());
    if !scale.is_finite() || scale * (size as f64 + 1.0) > MAX_SPAN {
        return Err(MatchError::Invalid(format!(
            "costs range from {min:e} to {max:e}: too wide a range to add up without overflow; \
             rescale them"
        )));
    }
    Ok(())
}
