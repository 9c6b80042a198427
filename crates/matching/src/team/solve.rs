//! Chooses and combines the methods on a reduced instance.

use super::instance::{Instance, NO, full_mask};
use super::lagrange::Lagrangian;
use super::search::branch_and_bound;
use super::{TeamMethod, TeamOptions, approx};

/// What the solvers found on one instance.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    /// The best assignment found (need → candidate), if any.
    pub assign: Option<Vec<u32>>,
    /// Its cost, or [`NO`].
    pub cost: i64,
    /// No team costs less than this ([`NO`] when proven that there is none).
    pub lower_bound: i64,
    /// Whether the search was exhaustive: `assign` is optimal, or no team exists.
    pub proven: bool,
    /// Branch-and-bound nodes visited.
    pub nodes: u64,
    /// The Lagrangian prices computed on the way, if any.
    pub prices: Option<Lagrangian>,
}

/// Solves `inst` by `options.method`.
pub(super) fn solve(inst: &Instance, options: &TeamOptions) -> Outcome {
    let all = vec![true; inst.k()];
    let everything = full_mask(inst.n);
    let start = inst.shared_overhead_bounds(everything, &all);
    let root = inst.root_bound(&all);
    let limit = options.node_limit;
    let (found, prices, search) = match options.method {
        TeamMethod::Approximate => {
            let found = approx::approximate(inst);
            let target = found.as_ref().map(|f| f.1);
            let prices = Lagrangian::optimise(inst, &all, &start, target);
            (
                cheaper(found, priced_team(inst, &prices)),
                Some(prices),
                None,
            )
        }
        TeamMethod::Exact => {
            let prices = Lagrangian::optimise(inst, &all, &start, None);
            let search = branch_and_bound(inst, &all, None, limit, Some(&prices));
            (None, Some(prices), Some(search))
        }
        TeamMethod::Auto => match approx::approximate(inst) {
            Some(found) => {
                let prices = Lagrangian::optimise(inst, &all, &start, Some(found.1));
                let found = match priced_team(inst, &prices) {
                    Some(other) if other.1 < found.1 => other,
                    _ => found,
                };
                if found.1 <= root.max(prices.bound) {
                    // The approximation met a lower bound: nothing to search.
                    (Some(found), Some(prices), None)
                } else {
                    let enabled: Vec<bool> = can_beat(inst, found.1)
                        .into_iter()
                        .enumerate()
                        .map(|(j, ok)| ok && prices.bound_with(j) < found.1)
                        .collect();
                    let search =
                        branch_and_bound(inst, &enabled, Some(found), limit, Some(&prices));
                    (None, Some(prices), Some(search))
                }
            }
            None => {
                let prices = Lagrangian::optimise(inst, &all, &start, None);
                let search = branch_and_bound(inst, &all, None, limit, Some(&prices));
                (None, Some(prices), Some(search))
            }
        },
    };
    let priced = prices.as_ref().map_or(NO, |p| p.bound);
    // Both are valid bounds on every team: the root bound and the Lagrangian bound.
    let root = if priced == NO { root } else { root.max(priced) };
    let (assign, cost, proven, searched_bound, nodes) = match search {
        Some(s) => (s.best, s.best_cost, s.complete, s.lower_bound, s.nodes),
        None => match found {
            Some((a, c)) => (Some(a), c, c <= root, NO, 0),
            None => (None, NO, false, NO, 0),
        },
    };
    debug_assert!(
        assign
            .as_ref()
            .is_none_or(|a| inst.evaluate(a) == Some(cost))
    );
    let lower_bound = if proven {
        cost
    } else {
        // The search's bound covers the part of the tree it did not finish (and never exceeds
        // the best cost it found); the root bounds cover everything.
        let searched = if searched_bound == NO {
            root
        } else {
            root.max(searched_bound)
        };
        searched.min(cost)
    };
    Outcome {
        assign,
        cost,
        lower_bound,
        proven,
        nodes,
        prices,
    }
}

/// The team the Lagrangian prices suggest, unless the bound already failed (no prices).
fn priced_team(inst: &Instance, prices: &Lagrangian) -> Option<(Vec<u32>, i64)> {
    if prices.bound == NO {
        return None;
    }
    approx::approximate_priced(inst, &prices.u, prices.lambda)
}

/// The cheaper of two teams (the first on a tie).
fn cheaper(a: Option<(Vec<u32>, i64)>, b: Option<(Vec<u32>, i64)>) -> Option<(Vec<u32>, i64)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.1 < a.1 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Which candidates could be in a team cheaper than `upper`; the others can be left out of the
/// search without losing any team that beats `upper`.
///
/// A team with candidate j costs at least both of
/// - Σᵢ minᵢ + fⱼ + min over j's needs of (cᵢⱼ − minᵢ): every need pays at least its cheapest price
///   minᵢ, j's overhead fⱼ is paid in full, and one need at least pays j's price instead;
/// - Σᵢ aᵢ + min over j's needs of (cᵢⱼ + ⌊fⱼ/qⱼ⌋ − aᵢ), with aᵢ the shared-overhead bound and qⱼ
///   the most needs j can take: each member's needs pay at least their aᵢ (overhead shared), and
///   one of j's pays its excess over aᵢ.
fn can_beat(inst: &Instance, upper: i64) -> Vec<bool> {
    let all = vec![true; inst.k()];
    let everything = full_mask(inst.n);
    let mut cheapest = vec![NO; inst.n];
    for j in 0..inst.k() {
        for i in super::instance::bits(inst.mask[j]) {
            cheapest[i] = cheapest[i].min(inst.c(j, i));
        }
    }
    let shared = inst.shared_overhead_bounds(everything, &all);
    let sum = |v: &[i64]| v.iter().fold(0i64, |acc, &x| acc.saturating_add(x));
    let (sum_cheapest, sum_shared) = (sum(&cheapest), sum(&shared));
    (0..inst.k())
        .map(|j| {
            let share = inst.fixed[j] / inst.most_needs(j, everything).max(1);
            let (mut excess, mut excess_shared) = (NO, NO);
            for i in super::instance::bits(inst.mask[j]) {
                excess = excess.min(inst.c(j, i) - cheapest[i]);
                excess_shared = excess_shared.min(inst.c(j, i) + share - shared[i]);
            }
            let first = sum_cheapest
                .saturating_add(inst.fixed[j])
                .saturating_add(excess);
            let second = sum_shared.saturating_add(excess_shared);
            first.max(second) < upper
        })
        .collect()
}
