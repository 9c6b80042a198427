//! The approximation: greedy construction, then local search to a local optimum.

use super::instance::{Instance, NO, UNASSIGNED, bits};

/// Most passes of local search; each pass that changes anything lowers the (integer) cost, so this
/// only guards against pathological slow descents.
const MAX_PASSES: usize = 200;

/// A cheap team, if the greedy constructions find one: the best of several greedy starts, each
/// improved by local search. Returns the assignment (need → candidate) and its cost.
///
/// When the team size is limited, the cost-per-value start is repeated with a penalty per new
/// member (fractions and multiples of a typical need's price), which steers it towards members
/// who take several needs; the penalty only ranks offers and is never part of the cost.
pub(super) fn approximate(inst: &Instance) -> Option<(Vec<u32>, i64)> {
    let cheapest = cheapest_prices(inst)?;
    let typical = cheapest.iter().sum::<i64>() / inst.n.max(1) as i64;
    let mut starts = vec![(Greed::CostPerValue, 0), (Greed::Coverage, 0)];
    if inst.max_members < inst.n {
        starts.extend([1, 2, 4, 8, 16].map(|m| (Greed::CostPerValue, typical * m / 4)));
    }
    best_of(inst, &cheapest, &starts)
}

/// A team built with the needs valued at Lagrangian prices `u` and each new member ranked with
/// the member price `lambda` (the relaxation's view of what covering a need is worth and what a
/// place in a limited team costs), improved by local search.
pub(super) fn approximate_priced(
    inst: &Instance,
    u: &[i64],
    lambda: i64,
) -> Option<(Vec<u32>, i64)> {
    cheapest_prices(inst)?;
    let values: Vec<i64> = u.iter().map(|&x| x.max(0)).collect();
    best_of(inst, &values, &[(Greed::CostPerValue, lambda)])
}

/// The cheapest price of each need, or `None` if some need has no candidate.
fn cheapest_prices(inst: &Instance) -> Option<Vec<i64>> {
    let mut cheapest = vec![NO; inst.n];
    for j in 0..inst.k() {
        for i in bits(inst.mask[j]) {
            cheapest[i] = cheapest[i].min(inst.c(j, i));
        }
    }
    (!cheapest.contains(&NO)).then_some(cheapest)
}

/// The cheapest of the greedy `starts` (each with the needs valued at `values`), improved.
fn best_of(inst: &Instance, values: &[i64], starts: &[(Greed, i64)]) -> Option<(Vec<u32>, i64)> {
    let by_need = candidates_by_need(inst);
    let mut best: Option<(Vec<u32>, i64)> = None;
    for &(greed, penalty) in starts {
        // Under a team-size limit the greedy can paint itself into a corner; then build a team
        // without the limit and merge members until it holds.
        let team = greedy(inst, values, greed, penalty, inst.max_members).or_else(|| {
            let mut team = greedy(inst, values, greed, penalty, inst.n)?;
            fewer_members(inst, &by_need, &mut team).then_some(team)
        });
        let Some(mut team) = team else { continue };
        improve(inst, &by_need, &mut team);
        let cost = team.cost(inst);
        debug_assert_eq!(inst.evaluate(&team.assign), Some(cost));
        if best.as_ref().is_none_or(|(_, c)| cost < *c) {
            best = Some((team.assign, cost));
        }
    }
    best
}

/// How the greedy construction ranks a candidate's offer.
#[derive(Debug, Clone, Copy)]
enum Greed {
    /// Least (price + overhead) per unit of the needs' cheapest prices: the classic set-cover
    /// ratio, with each need valued at what it would cost at best.
    CostPerValue,
    /// Most needs first, then least cost: finds small teams when `max_members` is tight.
    Coverage,
}

/// A team under construction or improvement.
#[derive(Debug, Clone)]
struct Partial {
    assign: Vec<u32>,
    /// Needs held by each candidate.
    count: Vec<u32>,
    /// Seconds each candidate has left.
    room: Vec<i64>,
    members: usize,
}

impl Partial {
    fn new(inst: &Instance) -> Self {
        Self {
            assign: vec![UNASSIGNED; inst.n],
            count: vec![0; inst.k()],
            room: inst.room.clone(),
            members: 0,
        }
    }

    fn give(&mut self, inst: &Instance, i: usize, j: usize) {
        if self.count[j] == 0 {
            self.members += 1;
        }
        self.count[j] += 1;
        self.room[j] -= inst.secs[i];
        // Cannot truncate: pools hold at most u32::MAX candidates.
        self.assign[i] = j as u32;
    }

    fn take_back(&mut self, inst: &Instance, i: usize) {
        let j = self.assign[i] as usize;
        self.count[j] -= 1;
        if self.count[j] == 0 {
            self.members -= 1;
        }
        self.room[j] += inst.secs[i];
        self.assign[i] = UNASSIGNED;
    }

    fn cost(&self, inst: &Instance) -> i64 {
        let needs: i64 = self
            .assign
            .iter()
            .enumerate()
            .map(|(i, &j)| inst.c(j as usize, i))
            .sum();
        let overheads: i64 = self
            .count
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(j, _)| inst.fixed[j])
            .sum();
        needs + overheads
    }
}

fn candidates_by_need(inst: &Instance) -> Vec<Vec<u32>> {
    let mut by_need = vec![Vec::new(); inst.n];
    for j in 0..inst.k() {
        for i in bits(inst.mask[j]) {
            // Cannot truncate: pools hold at most u32::MAX candidates.
            by_need[i].push(j as u32);
        }
    }
    by_need
}

/// Builds a team by repeatedly taking the best offer: a candidate (a member with room left, or a
/// new one while the team may grow) with the subset of the open needs it would take. Each
/// candidate's subset is grown in order of its excess over the needs' `values` and the best
/// prefix kept. A new member is ranked with `penalty` added to its overhead, and under a team-size
/// limit must keep pace: take at least the open needs per free place (unless no offer can, when the
/// pace is dropped for that step). `None` if some need is left that nobody can take any more.
fn greedy(
    inst: &Instance,
    values: &[i64],
    greed: Greed,
    penalty: i64,
    max_members: usize,
) -> Option<Partial> {
    let mut team = Partial::new(inst);
    let mut open = super::instance::full_mask(inst.n);
    let mut offer: Vec<usize> = Vec::new();
    let mut taken: Vec<usize> = Vec::new();
    let mut chosen: Vec<usize> = Vec::new();
    let mut keep_pace = max_members < inst.n;
    while open != 0 {
        let places = max_members.saturating_sub(team.members).max(1);
        let pace = if keep_pace {
            (open.count_ones() as usize).div_ceil(places)
        } else {
            1
        };
        // ((score, cost as tie-break), candidate) of the best offer; its needs are in `chosen`.
        let mut best: Option<((f64, i64), usize)> = None;
        for j in 0..inst.k() {
            let joined = team.count[j] > 0;
            if !joined && team.members >= max_members {
                continue;
            }
            let least = if joined { 1 } else { pace };
            offer.clear();
            offer.extend(bits(inst.mask[j] & open).filter(|&i| inst.secs[i] <= team.room[j]));
            if offer.is_empty() {
                continue;
            }
            match greed {
                Greed::CostPerValue => offer.sort_by_key(|&i| (inst.c(j, i) - values[i], i)),
                Greed::Coverage => offer.sort_by_key(|&i| (inst.secs[i], i)),
            }
            let mut cost = if joined { 0 } else { inst.fixed[j] + penalty };
            let (mut value, mut left) = (0i64, team.room[j]);
            taken.clear();
            let mut best_here: Option<((f64, i64), usize)> = None;
            for &i in &offer {
                if inst.secs[i] > left {
                    continue;
                }
                left -= inst.secs[i];
                cost += inst.c(j, i);
                value += values[i];
                taken.push(i);
                let score = match greed {
                    // +1 keeps free needs (value 0) from dividing by zero.
                    Greed::CostPerValue => ((cost as f64 + 1.0) / (value as f64 + 1.0), cost),
                    Greed::Coverage => (-(taken.len() as f64), cost),
                };
                if taken.len() >= least && best_here.is_none_or(|(s, _)| better(score, s)) {
                    best_here = Some((score, taken.len()));
                }
            }
            let Some((score, size)) = best_here else {
                continue;
            };
            if best.is_none_or(|(s, _)| better(score, s)) {
                best = Some((score, j));
                chosen.clear();
                chosen.extend_from_slice(&taken[..size]);
            }
        }
        let Some((_, j)) = best else {
            if keep_pace {
                keep_pace = false;
                continue;
            }
            return None;
        };
        keep_pace = max_members < inst.n;
        for &i in &chosen {
            team.give(inst, i, j);
            open &= !(1u128 << i);
        }
    }
    Some(team)
}

/// Whether score `a` is strictly better (smaller) than `b`.
fn better(a: (f64, i64), b: (f64, i64)) -> bool {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).is_lt()
}

/// Local search: applies improving moves until none is left (or [`MAX_PASSES`]). Every move keeps
/// the team feasible and strictly lowers its cost.
fn improve(inst: &Instance, by_need: &[Vec<u32>], team: &mut Partial) {
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        changed |= move_needs(inst, by_need, team);
        changed |= swap_needs(inst, team);
        changed |= replace_members(inst, by_need, team);
        changed |= dissolve_members(inst, team);
        changed |= merge_members(inst, by_need, team);
        if !changed {
            break;
        }
    }
}

/// Gives single needs to whoever takes them cheaper: another member with room, or a new member
/// if the team may grow (counting the overhead saved when the old member is left with nothing).
fn move_needs(inst: &Instance, by_need: &[Vec<u32>], team: &mut Partial) -> bool {
    let mut changed = false;
    for (i, takers) in by_need.iter().enumerate() {
        let a = team.assign[i] as usize;
        let leaves = team.count[a] == 1;
        let saving = inst.c(a, i) + if leaves { inst.fixed[a] } else { 0 };
        let may_grow = team.members - usize::from(leaves) < inst.max_members;
        let mut best: Option<(i64, usize)> = None;
        for &j in takers {
            let j = j as usize;
            if j == a {
                continue;
            }
            let extra = if team.count[j] > 0 {
                if team.room[j] < inst.secs[i] {
                    continue;
                }
                inst.c(j, i)
            } else {
                if !may_grow || team.room[j] < inst.secs[i] {
                    continue;
                }
                inst.c(j, i) + inst.fixed[j]
            };
            let gain = saving - extra;
            if gain > 0 && best.is_none_or(|(g, _)| gain > g) {
                best = Some((gain, j));
            }
        }
        if let Some((_, j)) = best {
            team.take_back(inst, i);
            team.give(inst, i, j);
            changed = true;
        }
    }
    changed
}

/// Exchanges two needs between two members when both can take the other's and it is cheaper.
fn swap_needs(inst: &Instance, team: &mut Partial) -> bool {
    let mut changed = false;
    for x in 0..inst.n {
        for y in x + 1..inst.n {
            let (a, b) = (team.assign[x] as usize, team.assign[y] as usize);
            if a == b || inst.c(a, y) == NO || inst.c(b, x) == NO {
                continue;
            }
            let delta = inst.secs[y] - inst.secs[x];
            if team.room[a] < delta || team.room[b] < -delta {
                continue;
            }
            let before = inst.c(a, x) + inst.c(b, y);
            let after = inst.c(a, y) + inst.c(b, x);
            if after < before {
                team.take_back(inst, x);
                team.take_back(inst, y);
                team.give(inst, y, a);
                team.give(inst, x, b);
                changed = true;
            }
        }
    }
    changed
}

/// Replaces a member by a candidate outside the team who can take all their needs, cheaper.
fn replace_members(inst: &Instance, by_need: &[Vec<u32>], team: &mut Partial) -> bool {
    let mut changed = false;
    for a in 0..inst.k() {
        if team.count[a] == 0 {
            continue;
        }
        let held: Vec<usize> = (0..inst.n)
            .filter(|&i| team.assign[i] as usize == a)
            .collect();
        let need_mask = held.iter().fold(0u128, |m, &i| m | (1u128 << i));
        let hours: i64 = held.iter().map(|&i| inst.secs[i]).sum();
        let now = inst.fixed[a] + held.iter().map(|&i| inst.c(a, i)).sum::<i64>();
        let mut best: Option<(i64, usize)> = None;
        // Whoever replaces a can take a's first need, so only those are looked at.
        for &k in &by_need[held[0]] {
            let k = k as usize;
            if team.count[k] > 0 || inst.mask[k] & need_mask != need_mask || inst.room[k] < hours {
                continue;
            }
            let then = inst.fixed[k] + held.iter().map(|&i| inst.c(k, i)).sum::<i64>();
            if then < now && best.is_none_or(|(c, _)| then < c) {
                best = Some((then, k));
            }
        }
        if let Some((_, k)) = best {
            for &i in &held {
                team.take_back(inst, i);
                team.give(inst, i, k);
            }
            changed = true;
        }
    }
    changed
}

/// Dissolves a member, spreading their needs (longest first) over the other members at the
/// cheapest price that fits, when that saves more than it costs.
fn dissolve_members(inst: &Instance, team: &mut Partial) -> bool {
    let mut changed = false;
    for a in 0..inst.k() {
        if team.count[a] == 0 {
            continue;
        }
        let mut held: Vec<usize> = (0..inst.n)
            .filter(|&i| team.assign[i] as usize == a)
            .collect();
        held.sort_by_key(|&i| (std::cmp::Reverse(inst.secs[i]), i));
        let mut room = team.room.clone();
        let mut moves = Vec::with_capacity(held.len());
        let mut extra = 0i64;
        for &i in &held {
            let target = (0..inst.k())
                .filter(|&b| b != a && team.count[b] > 0)
                .filter(|&b| inst.c(b, i) != NO && room[b] >= inst.secs[i])
                .min_by_key(|&b| (inst.c(b, i), b));
            let Some(b) = target else { break };
            room[b] -= inst.secs[i];
            extra += inst.c(b, i);
            moves.push((i, b));
        }
        let saving = inst.fixed[a] + held.iter().map(|&i| inst.c(a, i)).sum::<i64>();
        if moves.len() == held.len() && extra < saving {
            for &(i, b) in &moves {
                team.take_back(inst, i);
                team.give(inst, i, b);
            }
            changed = true;
        }
    }
    changed
}

/// Replaces two members by one candidate outside the team who can take all the needs of both,
/// when that is cheaper (it saves an overhead, and frees a place in a limited team).
fn merge_members(inst: &Instance, by_need: &[Vec<u32>], team: &mut Partial) -> bool {
    let members: Vec<usize> = (0..inst.k()).filter(|&j| team.count[j] > 0).collect();
    for (x, &a) in members.iter().enumerate() {
        for &b in &members[x + 1..] {
            let needs: Vec<usize> = (0..inst.n)
                .filter(|&i| [a, b].contains(&(team.assign[i] as usize)))
                .collect();
            let mask = needs.iter().fold(0u128, |m, &i| m | (1u128 << i));
            let hours: i64 = needs.iter().map(|&i| inst.secs[i]).sum();
            let now = inst.fixed[a]
                + inst.fixed[b]
                + needs
                    .iter()
                    .map(|&i| inst.c(team.assign[i] as usize, i))
                    .sum::<i64>();
            let best = by_need[needs[0]]
                .iter()
                .map(|&k| k as usize)
                .filter(|&k| {
                    team.count[k] == 0 && inst.mask[k] & mask == mask && inst.room[k] >= hours
                })
                .map(|k| {
                    (
                        inst.fixed[k] + needs.iter().map(|&i| inst.c(k, i)).sum::<i64>(),
                        k,
                    )
                })
                .min();
            if let Some((then, k)) = best
                && then < now
            {
                for &i in &needs {
                    team.take_back(inst, i);
                    team.give(inst, i, k);
                }
                // The member list is stale now; the next pass looks again.
                return true;
            }
        }
    }
    false
}

/// Brings a team over the size limit within it, each step taking the member-removing move that
/// raises the cost least: dissolving a member into the others' room, or merging two members into
/// one outside candidate. `false` if no such move is left while the team is still too large.
fn fewer_members(inst: &Instance, by_need: &[Vec<u32>], team: &mut Partial) -> bool {
    while team.members > inst.max_members {
        let members: Vec<usize> = (0..inst.k()).filter(|&j| team.count[j] > 0).collect();
        let held = |a: usize| -> Vec<usize> {
            (0..inst.n)
                .filter(|&i| team.assign[i] as usize == a)
                .collect()
        };
        // (cost change, moves as (need, new candidate)).
        let mut best: Option<(i64, Vec<(usize, usize)>)> = None;
        for &a in &members {
            let mut needs = held(a);
            needs.sort_by_key(|&i| (std::cmp::Reverse(inst.secs[i]), i));
            let mut room = team.room.clone();
            let mut moves = Vec::with_capacity(needs.len());
            let mut change = -inst.fixed[a];
            for &i in &needs {
                let target = members
                    .iter()
                    .copied()
                    .filter(|&b| b != a && inst.c(b, i) != NO && room[b] >= inst.secs[i])
                    .min_by_key(|&b| (inst.c(b, i), b));
                let Some(b) = target else { break };
                room[b] -= inst.secs[i];
                change += inst.c(b, i) - inst.c(a, i);
                moves.push((i, b));
            }
            if moves.len() == needs.len() && best.as_ref().is_none_or(|(c, _)| change < *c) {
                best = Some((change, moves));
            }
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                let needs: Vec<usize> = held(a).into_iter().chain(held(b)).collect();
                let mask = needs.iter().fold(0u128, |m, &i| m | (1u128 << i));
                let hours: i64 = needs.iter().map(|&i| inst.secs[i]).sum();
                let now = inst.fixed[a]
                    + inst.fixed[b]
                    + needs
                        .iter()
                        .map(|&i| inst.c(team.assign[i] as usize, i))
                        .sum::<i64>();
                let merged = by_need[needs[0]]
                    .iter()
                    .map(|&k| k as usize)
                    .filter(|&k| {
                        (team.count[k] == 0 || k == a || k == b)
                            && inst.mask[k] & mask == mask
                            && inst.room[k] >= hours
                    })
                    .map(|k| {
                        (
                            inst.fixed[k] + needs.iter().map(|&i| inst.c(k, i)).sum::<i64>(),
                            k,
                        )
                    })
                    .min();
                if let Some((then, k)) = merged
                    && best.as_ref().is_none_or(|(c, _)| then - now < *c)
                {
                    best = Some((then - now, needs.iter().map(|&i| (i, k)).collect()));
                }
            }
        }
        let Some((_, moves)) = best else { return false };
        for &(i, _) in &moves {
            team.take_back(inst, i);
        }
        for &(i, b) in &moves {
            team.give(inst, i, b);
        }
    }
    true
}
