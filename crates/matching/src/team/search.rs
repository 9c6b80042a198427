//! Exact branch and bound over needs.

use std::cmp::Reverse;

use super::instance::{Instance, NO, UNASSIGNED, bits};
use super::lagrange::{Lagrangian, earnings};

/// What a branch-and-bound run found.
#[derive(Debug, Clone)]
pub(super) struct Search {
    /// The best assignment (need → candidate): the incumbent given, or a cheaper one found.
    pub best: Option<Vec<u32>>,
    /// Its cost, or [`NO`].
    pub best_cost: i64,
    /// Whether the tree was exhausted: `best` is optimal among the enabled candidates (or none
    /// exists).
    pub complete: bool,
    /// No team of enabled candidates costs less than this: `best_cost` when complete, else the
    /// least bound over the parts of the tree left unexplored (and at most `best_cost`).
    pub lower_bound: i64,
    /// Nodes visited.
    pub nodes: u64,
}

/// Searches for the least-cost assignment using only `enabled` candidates, starting from
/// `incumbent` (an assignment and its cost) if given, visiting at most about `node_limit` nodes.
///
/// Needs are assigned one level at a time, most constrained first (fewest candidates, then most
/// hours), so that infeasible branches die near the root. At each level the children — the current
/// members with room, then new candidates if the team may grow — are tried cheapest first, and of
/// several identical unused candidates only the first (they lead to identical subtrees). With
/// `prices`, each node's bound is also the Lagrangian bound at those prices (see
/// [`Dfs::priced_bound`]), which is what makes overheads count.
pub(super) fn branch_and_bound(
    inst: &Instance,
    enabled: &[bool],
    incumbent: Option<(Vec<u32>, i64)>,
    node_limit: u64,
    prices: Option<&Lagrangian>,
) -> Search {
    let n = inst.n;
    // A node's bound costs about (needs)² work: beyond 31 needs, fewer nodes keep the time.
    let node_limit = node_limit / (n as u64 / 16).max(1).pow(2);
    let mut capable: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (j, &on) in enabled.iter().enumerate().take(inst.k()) {
        if on {
            for i in bits(inst.mask[j]) {
                // Cannot truncate: pools hold at most u32::MAX candidates.
                capable[i].push(j as u32);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (capable[i].len(), Reverse(inst.secs[i]), i));
    let lists: Vec<Vec<u32>> = order
        .iter()
        .map(|&i| {
            let mut list = capable[i].clone();
            list.sort_by_key(|&j| {
                let c = inst.c(j as usize, i);
                (c + inst.fixed[j as usize], c, j)
            });
            list
        })
        .collect();
    // shared[t][s − t]: the shared-overhead bound of need order[s] among the needs still open at
    // level t (fewer open needs share an overhead among fewer, so the bound grows with depth).
    let mut shared = Vec::with_capacity(n + 1);
    let mut open = 0u128;
    let mut rest = vec![0i64; n + 1];
    let mut open_at = vec![0u128; n + 1];
    for t in (0..n).rev() {
        let i = order[t];
        open |= 1u128 << i;
        open_at[t] = open;
        let cheapest = capable[i]
            .iter()
            .map(|&j| inst.c(j as usize, i))
            .min()
            .unwrap_or(NO);
        rest[t] = rest[t + 1].saturating_add(cheapest);
        let bounds = inst.shared_overhead_bounds(open, enabled);
        shared.push(order[t..].iter().map(|&s| bounds[s]).collect::<Vec<i64>>());
    }
    shared.reverse();
    shared.push(Vec::new());

    let (best, best_cost) = match incumbent {
        Some((a, c)) => (Some(a), c),
        None => (None, NO),
    };
    let classes = inst
        .class
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let prices = prices.filter(|p| p.bound != NO).map(|p| {
        // Only candidates whose joining lowers the bound at the root can lower it at a node:
        // fewer open needs earn no more.
        let hopeful = (0..inst.k())
            .filter(|&j| enabled[j] && p.term[j] < 0)
            .map(|j| j as u32)
            .collect();
        let mut price_rest = vec![0i64; n + 1];
        for t in (0..n).rev() {
            price_rest[t] = price_rest[t + 1].saturating_add(p.u[order[t]]);
        }
        Priced {
            lagrangian: p,
            hopeful,
            price_rest,
        }
    });
    let mut dfs = Dfs {
        prices,
        open_at,
        inst,
        order,
        lists,
        shared,
        rest,
        used: Vec::new(),
        is_used: vec![false; inst.k()],
        room: inst.room.clone(),
        assign: vec![UNASSIGNED; n],
        best,
        best_cost,
        nodes: 0,
        node_limit,
        aborted: false,
        frontier: NO,
        tried: vec![0; classes],
        children: vec![Vec::new(); n],
    };
    dfs.visit(0, 0);
    let lower_bound = if dfs.aborted {
        dfs.frontier.min(dfs.best_cost)
    } else {
        dfs.best_cost
    };
    Search {
        best: dfs.best,
        best_cost: dfs.best_cost,
        complete: !dfs.aborted,
        lower_bound,
        nodes: dfs.nodes,
    }
}

/// Lagrangian prices, prepared for node bounds.
struct Priced<'a> {
    lagrangian: &'a Lagrangian,
    /// Enabled candidates whose root term is negative.
    hopeful: Vec<u32>,
    /// price_rest[t]: Σ of the prices of the needs open at level t.
    price_rest: Vec<i64>,
}

/// The state of the depth-first search.
struct Dfs<'a> {
    inst: &'a Instance,
    prices: Option<Priced<'a>>,
    /// open_at[t]: the needs not yet assigned at level t.
    open_at: Vec<u128>,
    /// Need assigned at each level.
    order: Vec<usize>,
    /// Enabled candidates for each level's need, cheapest (price + overhead) first.
    lists: Vec<Vec<u32>>,
    /// Shared-overhead bounds per level, see [`branch_and_bound`].
    shared: Vec<Vec<i64>>,
    /// rest[t]: Σ over levels ≥ t of the need's cheapest price — a bound that needs no state.
    rest: Vec<i64>,
    /// Current members, in joining order.
    used: Vec<u32>,
    is_used: Vec<bool>,
    /// Seconds each candidate has left.
    room: Vec<i64>,
    /// Current assignment, by need.
    assign: Vec<u32>,
    best: Option<Vec<u32>>,
    best_cost: i64,
    nodes: u64,
    node_limit: u64,
    aborted: bool,
    /// Least bound over the subtrees abandoned when the node limit was hit.
    frontier: i64,
    /// tried[class] = the node that last tried a new candidate of that class.
    tried: Vec<u64>,
    /// A reusable child list per level: (price increase, candidate, joins the team).
    children: Vec<Vec<(i64, u32, bool)>>,
}

impl Dfs<'_> {
    /// Lower bound on any completion of the current partial team (cost so far `g`, levels ≥ `t`
    /// open): each open need pays at least the cheaper of its price at a current member with
    /// room, and (if the team may grow) its shared-overhead bound.
    fn bound(&self, t: usize, g: i64) -> i64 {
        let inst = self.inst;
        let can_grow = self.used.len() < inst.max_members;
        let mut total = g;
        for (s, &i) in self.order.iter().enumerate().skip(t) {
            let mut cheapest = if can_grow { self.shared[t][s - t] } else { NO };
            for &j in &self.used {
                let j = j as usize;
                if self.room[j] >= inst.secs[i] {
                    cheapest = cheapest.min(inst.c(j, i));
                }
            }
            if cheapest == NO {
                return NO;
            }
            total = total.saturating_add(cheapest);
        }
        total
    }

    /// The Lagrangian bound at the root's prices, for the current partial team: the open needs'
    /// prices, less what current members could earn from them in their remaining room, plus for
    /// each hopeful candidate outside the team its (negative) term if the team may grow, less λ
    /// per free place. The argument is the module docs' of `lagrange`, applied to the open needs.
    fn priced_bound(&self, t: usize, g: i64) -> i64 {
        let Some(p) = &self.prices else { return g };
        let inst = self.inst;
        let lr = p.lagrangian;
        let open = self.open_at[t];
        let mut total = g.saturating_add(p.price_rest[t]);
        for &j in &self.used {
            let j = j as usize;
            total =
                total.saturating_sub(earnings(&inst.secs, &lr.items[j], open, self.room[j], None));
        }
        let places = inst.max_members.saturating_sub(self.used.len());
        if places > 0 {
            for &j in &p.hopeful {
                let j = j as usize;
                if self.is_used[j] {
                    continue;
                }
                let earned = earnings(&inst.secs, &lr.items[j], open, inst.room[j], None);
                let term = inst.fixed[j]
                    .saturating_add(lr.lambda)
                    .saturating_sub(earned);
                total = total.saturating_add(term.min(0));
            }
            if inst.max_members < inst.n {
                total = total.saturating_sub(lr.lambda.saturating_mul(places as i64));
            }
        }
        total
    }

    fn visit(&mut self, t: usize, g: i64) {
        self.nodes += 1;
        let mut bound = self.bound(t, g);
        if bound >= self.best_cost {
            return;
        }
        if t < self.inst.n {
            bound = bound.max(self.priced_bound(t, g));
            if bound >= self.best_cost {
                return;
            }
        }
        let inst = self.inst;
        if t == inst.n {
            self.best_cost = g;
            self.best = Some(self.assign.clone());
            return;
        }
        if self.nodes > self.node_limit {
            self.aborted = true;
            self.frontier = self.frontier.min(bound);
            return;
        }
        let i = self.order[t];
        let hours = inst.secs[i];
        let mut kids = std::mem::take(&mut self.children[t]);
        kids.clear();
        for &j in &self.used {
            let c = inst.c(j as usize, i);
            if c != NO && self.room[j as usize] >= hours {
                kids.push((c, j, false));
            }
        }
        if self.used.len() < inst.max_members {
            let node = self.nodes;
            for &j in &self.lists[t] {
                let ju = j as usize;
                let class = inst.class[ju] as usize;
                if self.is_used[ju] || self.tried[class] == node {
                    continue;
                }
                self.tried[class] = node;
                kids.push((inst.c(ju, i) + inst.fixed[ju], j, true));
            }
        }
        kids.sort_unstable_by_key(|&(inc, j, joins)| (inc, joins, j));
        for (pos, &(inc, j, joins)) in kids.iter().enumerate() {
            // Later children cost at least as much, and the rest needs at least `rest`.
            if g.saturating_add(inc).saturating_add(self.rest[t + 1]) >= self.best_cost {
                break;
            }
            let ju = j as usize;
            if joins {
                self.used.push(j);
                self.is_used[ju] = true;
            }
            self.room[ju] -= hours;
            self.assign[i] = j;
            self.visit(t + 1, g + inc);
            self.assign[i] = UNASSIGNED;
            self.room[ju] += hours;
            if joins {
                self.used.pop();
                self.is_used[ju] = false;
            }
            if self.aborted {
                // The untried children cost at least the next one's increase, plus `rest`.
                if let Some(&(next, _, _)) = kids.get(pos + 1) {
                    let least = g.saturating_add(next).saturating_add(self.rest[t + 1]);
                    self.frontier = self.frontier.min(least);
                }
                break;
            }
        }
        self.children[t] = kids;
    }
}
