//! Seeded random assignment problems, for tests and benchmarks (the same seed gives the same
//! problem on every machine).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Candidate, CostMatrix, SparseProblem};
use crate::MatchError;

/// A `rows × cols` matrix of uniform random integer costs 0–999, the usual benchmark of dense
/// assignment solvers (and of SciPy's `linear_sum_assignment`).
pub fn random_dense(rows: usize, cols: usize, seed: u64) -> Result<CostMatrix, MatchError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let len = rows
        .checked_mul(cols)
        .ok_or_else(|| MatchError::Invalid(format!("a {rows} × {cols} matrix is too large")))?;
    let costs = (0..len)
        .map(|_| f64::from(rng.random_range(0u32..1000)))
        .collect();
    CostMatrix::new(rows, cols, costs)
}

/// A sparse problem shaped like a marketplace: `workers` with capacities 1–3, `tasks` that each
/// have `per_task` distinct candidate workers at integer costs 0–999, every task to be assigned.
///
/// Candidates are skewed towards low worker indices (worker `⌊W·r²⌋` for uniform `r`): the
/// hundred most popular of 100,000 workers are candidates about thirty times as often as the
/// average worker. And those workers are cheaper (cost `⌊600·w/W⌋` plus uniform noise 0–399), as
/// the best-rated workers are wanted by every task: capacity is contested, so augmenting paths
/// get long, unlike on uniform random costs where nearly every task gets its first choice.
pub fn random_sparse(
    tasks: usize,
    workers: usize,
    per_task: usize,
    seed: u64,
) -> Result<SparseProblem, MatchError> {
    if per_task > workers {
        return Err(MatchError::Invalid(format!(
            "{per_task} candidates per task but only {workers} workers"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let capacities: Vec<u32> = (0..workers).map(|_| rng.random_range(1u32..=3)).collect();
    let mut candidates = Vec::with_capacity(tasks.saturating_mul(per_task));
    let mut chosen: Vec<usize> = Vec::with_capacity(per_task);
    for task in 0..tasks {
        chosen.clear();
        while chosen.len() < per_task {
            let r: f64 = rng.random();
            let worker = ((r * r * workers as f64) as usize).min(workers - 1);
            if chosen.contains(&worker) {
                // Near the popular end the skew repeats itself; fall back to uniform there so
                // that drawing stays quick even when `per_task` is close to `workers`.
                let worker = rng.random_range(0..workers);
                if !chosen.contains(&worker) {
                    chosen.push(worker);
                }
                continue;
            }
            chosen.push(worker);
        }
        for &worker in &chosen {
            // Popular workers are also the better ones: 0–599 by rank plus 0–399 of noise.
            let rank = (600 * worker / workers) as u32;
            candidates.push(Candidate {
                task,
                worker,
                cost: f64::from(rank + rng.random_range(0u32..400)),
            });
        }
    }
    SparseProblem::new(tasks, capacities, candidates, None)
}
