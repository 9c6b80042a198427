//! Large candidate sets: solve a core, price the rest, repeat.
//!
//! Dominance leaves a few hundred candidates for a typical project, but a request with dozens of
//! needs over popular skills can leave tens of thousands, too many for a dense cost table and for
//! searching. Then the solvers work on a *core* — for each need, the candidates cheapest for it
//! (overhead shared over the needs they could take) — and the Lagrangian prices found on the core
//! are used to price every other candidate (see `lagrange`): a candidate whose forced bound is not
//! below the best team's cost cannot be in a cheaper team, and the others enter the core for
//! another round. When none is left to enter, the core's answer holds for the whole pool: a proven
//! optimum stays proven, and the lower bound covers every team.

use super::TeamOptions;
use super::instance::{Instance, NO, bits, price};
use super::lagrange::{bound_with, candidate_terms};
use super::pool::Cover;
use super::solve::{Outcome, solve};

/// Candidate sets up to this size are solved whole.
pub(super) const CORE_LIMIT: usize = 3000;
/// Rounds of pricing at most; each adds at most [`Core::whole`] candidates.
const ROUNDS: usize = 4;

/// When and how to work on a core.
#[derive(Debug, Clone, Copy)]
pub(super) struct Core {
    /// Candidate sets up to this size are solved whole.
    pub whole: usize,
    /// Candidates per need in the first core.
    pub per_need: usize,
}

impl Default for Core {
    fn default() -> Self {
        Self {
            whole: CORE_LIMIT,
            per_need: 32,
        }
    }
}

/// The needs of a request, as the core rounds see them.
pub(super) struct Needs<'a> {
    /// Hours of each need, in seconds.
    pub secs: &'a [i64],
    /// Overhead per member, in seconds.
    pub overhead_secs: i64,
}

/// Solves the request over `covers` (the reduced candidates, in pool order), building instances
/// with `build`. Returns the instance the answer refers to and the answer, whose `proven` and
/// `lower_bound` hold for all of `covers`.
pub(super) fn solve_covers(
    covers: &[Cover],
    needs: &Needs<'_>,
    build: impl Fn(&[Cover]) -> Instance,
    options: &TeamOptions,
    limits: Core,
) -> (Instance, Outcome) {
    if covers.len() <= limits.whole {
        let inst = build(covers);
        let out = solve(&inst, options);
        return (inst, out);
    }
    let fixed: Vec<i64> = covers
        .iter()
        .map(|c| price(c.rate, needs.overhead_secs))
        .collect();
    let root = shared_root_bound(covers, &fixed, needs);
    let mut in_core = first_core(covers, &fixed, needs, limits.per_need);
    let mut nodes = 0;
    let mut list = Vec::new();
    let mut round = 1;
    loop {
        let core: Vec<Cover> = covers
            .iter()
            .zip(&in_core)
            .filter(|&(_, &inside)| inside)
            .map(|(c, _)| *c)
            .collect();
        let inst = build(&core);
        let mut out = solve(&inst, options);
        nodes += out.nodes;
        out.nodes = nodes;
        // Price every candidate outside the core at the core's prices: (bound of the teams that
        // include it, its term, its index). Without prices nothing can be excluded.
        let prices = out.prices.as_ref().filter(|p| p.bound != NO);
        let mut outside: Vec<(i64, i64, usize)> = Vec::new();
        let mut full_bound = prices.map_or(NO, |p| p.bound);
        let mut terms: Vec<(i64, i64, usize)> = Vec::new();
        for (idx, c) in covers.iter().enumerate().filter(|&(idx, _)| !in_core[idx]) {
            let Some(p) = prices else {
                outside.push((i64::MIN, 0, idx));
                continue;
            };
            let (term, forced) = candidate_terms(
                needs.secs,
                &p.u,
                p.lambda,
                (c.mask, c.room, fixed[idx]),
                |i| price(c.rate, needs.secs[i]),
                &mut list,
            );
            full_bound = full_bound.saturating_add(term.min(0));
            terms.push((term, forced, idx));
        }
        // Only now is the bound over all candidates known.
        outside.extend(
            terms
                .iter()
                .map(|&(term, forced, idx)| (bound_with(full_bound, term, forced), term, idx)),
        );
        // Teams with an outside candidate cost at least the least of their bounds; the others at
        // least the core's bound.
        let least_outside = outside.iter().map(|o| o.0).min().unwrap_or(NO);
        let mut lower_bound = root.max(out.lower_bound.min(least_outside));
        if prices.is_some() {
            lower_bound = lower_bound.max(full_bound);
        }
        let mut entering: Vec<(i64, i64, usize)> = outside
            .into_iter()
            .filter(|o| out.cost == NO || o.0 < out.cost)
            .collect();
        if entering.is_empty() || round >= ROUNDS {
            out.proven &= entering.is_empty();
            out.lower_bound = if out.proven {
                out.cost
            } else {
                lower_bound.min(out.cost)
            };
            return (inst, out);
        }
        // The most promising first: lowest term.
        entering.sort_unstable_by_key(|&(_, term, idx)| (term, idx));
        for &(_, _, idx) in entering.iter().take(limits.whole.max(1)) {
            in_core[idx] = true;
        }
        round += 1;
    }
}

/// For each need, the `per_need` candidates cheapest for it, counting their overhead shared over
/// all the needs they could take.
fn first_core(covers: &[Cover], fixed: &[i64], needs: &Needs<'_>, per_need: usize) -> Vec<bool> {
    let mut in_core = vec![false; covers.len()];
    for (i, &secs) in needs.secs.iter().enumerate() {
        let mut ranked: Vec<(i64, usize)> = covers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.mask & (1u128 << i) != 0)
            .map(|(idx, c)| {
                (
                    price(c.rate, secs) + fixed[idx] / i64::from(c.mask.count_ones()),
                    idx,
                )
            })
            .collect();
        let per_need = per_need.max(1);
        if ranked.len() > per_need {
            ranked.select_nth_unstable(per_need);
            ranked.truncate(per_need);
        }
        for (_, idx) in ranked {
            in_core[idx] = true;
        }
    }
    in_core
}

/// The shared-overhead bound (`Instance::root_bound`) over all covers, without building the dense
/// cost table.
fn shared_root_bound(covers: &[Cover], fixed: &[i64], needs: &Needs<'_>) -> i64 {
    let mut by_secs: Vec<usize> = (0..needs.secs.len()).collect();
    by_secs.sort_by_key(|&i| (needs.secs[i], i));
    let mut bound = vec![NO; needs.secs.len()];
    for (idx, c) in covers.iter().enumerate() {
        let mut left = c.room;
        let mut q = 0i64;
        for &i in &by_secs {
            if c.mask & (1u128 << i) != 0 {
                if needs.secs[i] > left {
                    break;
                }
                left -= needs.secs[i];
                q += 1;
            }
        }
        let share = fixed[idx] / q.max(1);
        for i in bits(c.mask) {
            bound[i] = bound[i].min(price(c.rate, needs.secs[i]).saturating_add(share));
        }
    }
    bound
        .iter()
        .try_fold(0i64, |acc, &b| (b != NO).then(|| acc.saturating_add(b)))
        .unwrap_or(NO)
}
