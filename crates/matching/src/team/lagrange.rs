//! A Lagrangian lower bound: the constraints "each need goes to exactly one member" and "at most
//! `max_members` members" move into the objective with prices (multipliers) u and λ.
//!
//! For any integer prices u (one per need, any sign) and λ ≥ 0, every team costs at least
//!
//! L(u, λ) = Σᵢ uᵢ − λ·k + Σⱼ min(0, fⱼ + λ − Gⱼ),
//!
//! where k is the team-size limit and Gⱼ is the most that candidate j could "earn" by taking a set
//! of needs that fits its room, each need i earning uᵢ − cᵢⱼ. Why: a team's cost is
//! Σᵢ uᵢ + Σ over members j of (fⱼ + Σ over j's needs of (cᵢⱼ − uᵢ)); adding λ·(members − k) ≤ 0
//! does not raise it; and each member's bracket is at least fⱼ + λ − Gⱼ, each non-member's 0.
//! Gⱼ is computed by the fractional knapsack (an upper bound on any whole set's earnings, rounded
//! up), so the bound stays valid while costing O(needs) per candidate. The best prices are found by
//! subgradient ascent; at its best this equals the bound of the linear-programming relaxation with
//! the strong linking constraints (xᵢⱼ ≤ yⱼ), far tighter than pricing needs one by one because it
//! charges each member's overhead to the needs it actually takes.

use std::cmp::Ordering;

use super::instance::{Instance, NO, bits, full_mask};

/// Subgradient iterations at most.
const ITERATIONS: usize = 150;
/// Prices are kept within ±this, far beyond any cost (≤ 10¹⁵ per need), so sums cannot overflow.
const PRICE_LIMIT: f64 = 1e16;

/// Prices and the bound they give.
#[derive(Debug, Clone)]
pub(super) struct Lagrangian {
    /// Price of each need.
    pub u: Vec<i64>,
    /// Price of each member (0 when the team-size limit cannot bind).
    pub lambda: i64,
    /// L(u, λ): no team (of enabled candidates) costs less; [`NO`] if some need has no candidate.
    pub bound: i64,
    /// For each candidate, fⱼ + λ − Gⱼ ([`NO`] if disabled): what joining costs in the relaxation.
    pub term: Vec<i64>,
    /// For each candidate, the term of its best non-empty set of needs ([`NO`] if disabled).
    pub forced: Vec<i64>,
    /// For each candidate, the needs it could earn from (uᵢ > cᵢⱼ), best earnings per hour first:
    /// (need, earnings). The order of the fractional knapsack, kept for the search's node bounds.
    pub items: Vec<Vec<(usize, i64)>>,
}

impl Lagrangian {
    /// Prices that (approximately) maximise L over the `enabled` candidates, aiming at `target`
    /// (the cost of a known team, if any: the ascent stops once the bound reaches it).
    pub fn optimise(inst: &Instance, enabled: &[bool], start: &[i64], target: Option<i64>) -> Self {
        let n = inst.n;
        if start.contains(&NO) {
            return Self::evaluate(inst, enabled, start, 0, None, true);
        }
        let limit_binds = inst.max_members < n;
        let mut u: Vec<f64> = start.iter().map(|&a| a as f64).collect();
        let mut lambda = 0.0f64;
        let mut best = Self::evaluate(inst, enabled, start, 0, None, false);
        let mut theta = 1.0f64;
        let mut stalled = 0;
        let mut cover = vec![0.0f64; n];
        let mut members = 0.0f64;
        for _ in 0..ITERATIONS {
            let prices: Vec<i64> = u.iter().map(|&x| x.round() as i64).collect();
            let at = Self::evaluate(
                inst,
                enabled,
                &prices,
                lambda.round() as i64,
                Some((&mut cover, &mut members)),
                false,
            );
            if at.bound > best.bound {
                best = at;
                stalled = 0;
            } else {
                stalled += 1;
                if stalled >= 8 {
                    theta /= 2.0;
                    stalled = 0;
                }
            }
            if target.is_some_and(|t| best.bound >= t) || theta < 1e-3 || best.bound == NO {
                break;
            }
            // Subgradient: how far each need is from being taken exactly once, and the members
            // beyond the limit.
            let slack: Vec<f64> = cover.iter().map(|&c| 1.0 - c).collect();
            let over = if limit_binds {
                members - inst.max_members as f64
            } else {
                0.0
            };
            let norm: f64 = slack.iter().map(|s| s * s).sum::<f64>() + over * over;
            if norm < 1e-12 {
                break; // The relaxation's answer is a team: the bound cannot rise.
            }
            let current = best.bound as f64;
            let aim = match target {
                Some(t) => t as f64,
                None => current + current.abs().max(1.0) * 0.05,
            };
            let step = theta * (aim - current).max(1.0) / norm;
            for (x, s) in u.iter_mut().zip(&slack) {
                *x = (*x + step * s).clamp(-PRICE_LIMIT, PRICE_LIMIT);
            }
            lambda = (lambda + step * over).clamp(0.0, PRICE_LIMIT);
        }
        Self::evaluate(inst, enabled, &best.u, best.lambda, None, true)
    }

    /// L at integer prices `u`, `lambda`; with `subgradient`, also each need's coverage and the
    /// number of members in the relaxation's answer. Only with `keep` are the per-candidate terms
    /// and item lists kept (the ascent needs just the bound, and allocating them every step costs).
    fn evaluate(
        inst: &Instance,
        enabled: &[bool],
        u: &[i64],
        lambda: i64,
        mut subgradient: Option<(&mut Vec<f64>, &mut f64)>,
        keep: bool,
    ) -> Self {
        let k = inst.k();
        let all = full_mask(inst.n);
        let mut bound = u.iter().fold(0i64, |acc, &x| acc.saturating_add(x));
        if inst.max_members < inst.n {
            bound = bound.saturating_sub(lambda.saturating_mul(inst.max_members as i64));
        }
        let mut reachable = 0u128;
        let mut term = if keep { vec![NO; k] } else { Vec::new() };
        let mut forced = if keep { vec![NO; k] } else { Vec::new() };
        let mut items = if keep {
            vec![Vec::new(); k]
        } else {
            Vec::new()
        };
        let mut list: Vec<(usize, i64)> = Vec::new();
        if let Some((cover, members)) = subgradient.as_mut() {
            cover.iter_mut().for_each(|c| *c = 0.0);
            **members = 0.0;
        }
        for j in 0..k {
            if !enabled[j] {
                continue;
            }
            reachable |= inst.mask[j];
            let (t, f) = candidate_terms(
                &inst.secs,
                u,
                lambda,
                (inst.mask[j], inst.room[j], inst.fixed[j]),
                |i| inst.c(j, i),
                &mut list,
            );
            if t < 0 {
                bound = bound.saturating_add(t);
                if let Some((cover, members)) = subgradient.as_mut() {
                    **members += 1.0;
                    earnings(&inst.secs, &list, all, inst.room[j], Some(cover));
                }
            }
            if keep {
                term[j] = t;
                forced[j] = f;
                items[j] = list.clone();
            }
        }
        if reachable != all {
            bound = NO;
        }
        Self {
            u: u.to_vec(),
            lambda,
            bound,
            term,
            forced,
            items,
        }
    }

    /// A lower bound on any team in which candidate `j` is a member: L with j's bracket forced
    /// to a non-empty set of needs.
    pub fn bound_with(&self, j: usize) -> i64 {
        bound_with(self.bound, self.term[j], self.forced[j])
    }
}

/// L with a candidate forced into the team: its bracket changes from min(0, term) to `forced`.
pub(super) fn bound_with(bound: i64, term: i64, forced: i64) -> i64 {
    if bound == NO || term == NO {
        return NO;
    }
    if term < 0 {
        bound
    } else {
        bound.saturating_add(forced)
    }
}

/// A candidate's terms at prices `u`, `lambda`: (fⱼ + λ − Gⱼ, the same for its best non-empty
/// set of needs). `candidate` is (mask, room, overhead cost), `price` gives cᵢⱼ for a need in the
/// mask. Leaves in `list` the needs it earns from, best earnings per hour first.
pub(super) fn candidate_terms(
    secs: &[i64],
    u: &[i64],
    lambda: i64,
    (mask, room, fixed): (u128, i64, i64),
    price: impl Fn(usize) -> i64,
    list: &mut Vec<(usize, i64)>,
) -> (i64, i64) {
    list.clear();
    let mut least_loss = i64::MIN;
    for i in bits(mask) {
        let earn = u[i].saturating_sub(price(i));
        least_loss = least_loss.max(earn);
        if earn > 0 {
            list.push((i, earn));
        }
    }
    list.sort_by(|a, b| by_earnings_per_hour(secs, *a, *b));
    let earned = earnings(secs, list, u128::MAX, room, None);
    let base = fixed.saturating_add(lambda);
    let term = base.saturating_sub(earned);
    // The best non-empty set: the fractional best if it earns anything, else the need that loses
    // least (every need in the mask fits the room alone).
    let forced = if list.is_empty() {
        base.saturating_sub(least_loss)
    } else {
        term
    };
    (term, forced)
}

/// Orders (need, earnings) by earnings per hour, best first; zero-hour needs first of all.
fn by_earnings_per_hour(secs: &[i64], a: (usize, i64), b: (usize, i64)) -> Ordering {
    let (ha, hb) = (i128::from(secs[a.0]), i128::from(secs[b.0]));
    // a before b when earn_a / h_a > earn_b / h_b, i.e. earn_a · h_b > earn_b · h_a.
    (i128::from(b.1) * ha)
        .cmp(&(i128::from(a.1) * hb))
        .then(a.0.cmp(&b.0))
}

/// Most a candidate with `room` seconds can earn from the needs of `items` within `open`, by the
/// fractional knapsack (the last need taken in part), rounded up so that it never underestimates
/// what a whole set could earn. With `cover`, adds the fraction of each need taken.
pub(super) fn earnings(
    secs: &[i64],
    items: &[(usize, i64)],
    open: u128,
    room: i64,
    mut cover: Option<&mut Vec<f64>>,
) -> i64 {
    let mut left = room;
    let mut total = 0i64;
    for &(i, earn) in items {
        if open & (1u128 << i) == 0 {
            continue;
        }
        let h = secs[i];
        if h <= left {
            left -= h;
            total = total.saturating_add(earn);
            if let Some(c) = cover.as_mut() {
                c[i] += 1.0;
            }
        } else {
            if left > 0 {
                let part =
                    (i128::from(earn) * i128::from(left) + i128::from(h) - 1) / i128::from(h);
                total = total.saturating_add(i64::try_from(part).unwrap_or(NO));
                if let Some(c) = cover.as_mut() {
                    c[i] += left as f64 / h as f64;
                }
            }
            break;
        }
    }
    total
}
