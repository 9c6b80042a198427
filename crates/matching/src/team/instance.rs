//! A reduced problem: one request's needs and the candidates that survived reduction, every cost
//! priced in integers. The solvers work on this alone.

/// Marks "cannot": a candidate who cannot take a need, a bound that no completion reaches.
pub(super) const NO: i64 = i64::MAX;
/// Marks a need not yet given to anyone, in an assignment.
pub(super) const UNASSIGNED: u32 = u32::MAX;

/// Price of `secs` seconds at `rate` minor units an hour, to the nearest minor unit, halves up.
/// Both are non-negative and bounded by validation (rate ≤ 10⁹, secs ≤ 3.6·10⁹), so the exact
/// product fits an `i128` and the result (≤ 10¹⁵) an `i64`.
pub(super) fn price(rate: i64, secs: i64) -> i64 {
    let exact = i128::from(rate) * i128::from(secs);
    i64::try_from((exact + 1800) / 3600).unwrap_or(NO)
}

/// Indices of the set bits of a need mask, ascending.
pub(super) fn bits(mut mask: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let i = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(i)
    })
}

/// One request, reduced. Candidates are indexed `0..k`, in ascending pool order (worker id).
#[derive(Debug, Clone)]
pub(super) struct Instance {
    /// Number of needs.
    pub n: usize,
    /// Hours of each need, in seconds.
    pub secs: Vec<i64>,
    /// Each candidate's index in the pool.
    pub pool_idx: Vec<u32>,
    /// Seconds each candidate has for needs, after the overhead, capped at the sum of the needs
    /// they could take (capacity beyond that can never be used, and the cap makes more candidates
    /// recognisably identical).
    pub room: Vec<i64>,
    /// Cost of each candidate's overhead, paid once if they join.
    pub fixed: Vec<i64>,
    /// `cost[j * n + i]`: price of need `i` at candidate `j`, or [`NO`].
    pub cost: Vec<i64>,
    /// Needs each candidate can take (holds the skill, has the room for it alone).
    pub mask: Vec<u128>,
    /// Candidates with the same class are interchangeable (same needs, rate and room).
    pub class: Vec<u32>,
    /// Largest team allowed.
    pub max_members: usize,
    /// Needs ordered by ascending hours (ties by index), for capacity counting.
    pub needs_by_secs: Vec<usize>,
}

impl Instance {
    /// Builds an instance from per-candidate data; `cost` and `class` are derived here.
    pub fn new(
        secs: Vec<i64>,
        overhead_secs: i64,
        max_members: usize,
        candidates: Vec<(u32, i64, i64, u128)>,
    ) -> Self {
        let n = secs.len();
        let k = candidates.len();
        let mut pool_idx = Vec::with_capacity(k);
        let mut rate = Vec::with_capacity(k);
        let mut room = Vec::with_capacity(k);
        let mut fixed = Vec::with_capacity(k);
        let mut mask = Vec::with_capacity(k);
        let mut cost = vec![NO; k * n];
        for (j, &(p, r, available, m)) in candidates.iter().enumerate() {
            let takeable: i64 = bits(m).map(|i| secs[i]).sum();
            pool_idx.push(p);
            rate.push(r);
            room.push((available - overhead_secs).min(takeable));
            fixed.push(price(r, overhead_secs));
            mask.push(m);
            for i in bits(m) {
                cost[j * n + i] = price(r, secs[i]);
            }
        }
        let mut by_kind: Vec<usize> = (0..k).collect();
        by_kind.sort_by_key(|&j| (mask[j], rate[j], room[j], j));
        let mut class = vec![0u32; k];
        let mut next = 0u32;
        for (pos, &j) in by_kind.iter().enumerate() {
            if pos > 0 {
                let prev = by_kind[pos - 1];
                if (mask[prev], rate[prev], room[prev]) != (mask[j], rate[j], room[j]) {
                    next += 1;
                }
            }
            class[j] = next;
        }
        let mut needs_by_secs: Vec<usize> = (0..n).collect();
        needs_by_secs.sort_by_key(|&i| (secs[i], i));
        Self {
            n,
            secs,
            pool_idx,
            room,
            fixed,
            cost,
            mask,
            class,
            max_members: max_members.min(n),
            needs_by_secs,
        }
    }

    /// Number of candidates.
    pub fn k(&self) -> usize {
        self.pool_idx.len()
    }

    /// Price of need `i` at candidate `j`, or [`NO`].
    pub fn c(&self, j: usize, i: usize) -> i64 {
        self.cost[j * self.n + i]
    }

    /// The same candidates and constraints with the objective "fewest members": every overhead
    /// costs [`MEMBER_UNIT`], every need nothing. Used to say how many members a request needs.
    pub fn counting_members(&self) -> Self {
        let mut counted = self.clone();
        counted.fixed.iter_mut().for_each(|f| *f = MEMBER_UNIT);
        counted
            .cost
            .iter_mut()
            .filter(|c| **c != NO)
            .for_each(|c| *c = 0);
        counted.max_members = counted.n;
        counted
    }

    /// How many of the needs in `subset` candidate `j` could take at once: the most needs whose
    /// hours fit its room, found by taking the shortest first.
    pub fn most_needs(&self, j: usize, subset: u128) -> i64 {
        let takeable = self.mask[j] & subset;
        let mut left = self.room[j];
        let mut count = 0;
        for &i in &self.needs_by_secs {
            if takeable & (1u128 << i) != 0 {
                if self.secs[i] > left {
                    break;
                }
                left -= self.secs[i];
                count += 1;
            }
        }
        count
    }

    /// For each need in `subset`, a lower bound on what it adds to any team built from the
    /// `enabled` candidates: its price at some candidate plus that candidate's overhead shared
    /// among the most needs of `subset` the candidate could take. Valid because a member who takes
    /// s ≤ q of these needs pays overhead f = Σ f/s ≥ Σ ⌊f/q⌋ over them. [`NO`] where no enabled
    /// candidate can take the need; other needs hold `NO` too.
    pub fn shared_overhead_bounds(&self, subset: u128, enabled: &[bool]) -> Vec<i64> {
        let mut bound = vec![NO; self.n];
        for (j, &on) in enabled.iter().enumerate().take(self.k()) {
            let takeable = self.mask[j] & subset;
            if !on || takeable == 0 {
                continue;
            }
            // At least 1: every need in the mask fits the room on its own (reduction checked).
            let q = self.most_needs(j, subset).max(1);
            let share = self.fixed[j] / q;
            for i in bits(takeable) {
                bound[i] = bound[i].min(self.c(j, i).saturating_add(share));
            }
        }
        bound
    }

    /// Lower bound on the cost of any team (from the enabled candidates): the shared-overhead
    /// bound summed over all needs. [`NO`] if some need has no candidate.
    pub fn root_bound(&self, enabled: &[bool]) -> i64 {
        let all = full_mask(self.n);
        self.shared_overhead_bounds(all, enabled)
            .iter()
            .try_fold(0i64, |acc, &b| (b != NO).then(|| acc.saturating_add(b)))
            .unwrap_or(NO)
    }

    /// Cost of an assignment (need → candidate), or `None` if it leaves a need out, gives a need
    /// to someone who cannot take it, overfills someone or has too many members. The solvers'
    /// results are checked with it in debug builds and tests.
    pub fn evaluate(&self, assign: &[u32]) -> Option<i64> {
        if assign.len() != self.n {
            return None;
        }
        let mut load = vec![0i64; self.k()];
        let mut joined = vec![false; self.k()];
        let mut total = 0i64;
        let mut members = 0usize;
        for (i, &j) in assign.iter().enumerate() {
            let j = j as usize;
            let c = *self.cost.get(j.checked_mul(self.n)? + i)?;
            if c == NO {
                return None;
            }
            if !joined[j] {
                joined[j] = true;
                members += 1;
                total += self.fixed[j];
            }
            load[j] += self.secs[i];
            total += c;
        }
        if load.iter().zip(&self.room).any(|(l, r)| l > r) {
            return None;
        }
        (members <= self.max_members).then_some(total)
    }
}

/// Overhead charged per member when counting members: divisible by every q ≤ 16, so that the
/// shared-overhead bound loses nothing to rounding on the usual project sizes.
pub(super) const MEMBER_UNIT: i64 = 720_720;

/// A mask with the first `n` needs set.
pub(super) fn full_mask(n: usize) -> u128 {
    if n >= 128 {
        u128::MAX
    } else {
        (1u128 << n) - 1
    }
}
