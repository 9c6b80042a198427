//! Sparse assignment with worker capacities: min-cost flow by successive shortest paths.
//!
//! The flow network: each task sends one unit; arc task → worker for each candidate (its cost);
//! worker → sink with the worker's capacity; and, when leaving a task open is allowed, task → sink
//! at the unassigned cost. The linear programme and its dual:
//!
//! ```text
//! min Σ c·x + U·Σ s    s.t.  Σ_w x[t,w] + s[t] = 1 (each task),  Σ_t x[t,w] ≤ cap[w] (each worker)
//! max Σ u[t] − Σ cap[w]·p[w]    s.t.  u[t] − p[w] ≤ c[t,w],  u[t] ≤ U,  p ≥ 0
//! ```
//!
//! (without an unassigned cost, `s` and the constraint `u ≤ U` are absent). The solver keeps the
//! dual feasible and complementary throughout: `u[t] − p[w] = c[t,w]` on chosen arcs, `p[w] > 0`
//! only on full workers, `u[t] = U` on open tasks. A worker's load never falls (augmenting paths
//! only pass through workers or end at one), so a worker with spare capacity always has price 0,
//! and reaching one ends a search.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::{Certificate, check_span};
use crate::MatchError;

/// Marks "none" in the solver's `u32` index arrays.
const NONE: u32 = u32::MAX;

/// One candidate pairing: `task` may go to `worker` at `cost`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    /// 0-based task index.
    pub task: usize,
    /// 0-based worker index.
    pub worker: usize,
    /// Cost of this pairing (to maximise a score, pass its negative).
    pub cost: f64,
}

/// A checked sparse assignment problem: tasks, workers with capacities, candidate arcs, and the
/// cost of leaving a task unassigned (`None`: every task must be assigned).
#[derive(Debug, Clone, PartialEq)]
pub struct SparseProblem {
    tasks: usize,
    capacities: Vec<u32>,
    /// Candidates grouped by task (`offsets[t]..offsets[t + 1]`), by worker within a task.
    offsets: Vec<usize>,
    arc_worker: Vec<u32>,
    arc_cost: Vec<f64>,
    unassigned_cost: Option<f64>,
}

impl SparseProblem {
    /// Checks and indexes a problem. Refuses: no tasks; a candidate naming a task or worker that
    /// does not exist; the same (task, worker) pair twice; NaN or infinite costs; more than
    /// `u32::MAX − 1` tasks or workers; costs too far apart to add up without overflow.
    /// Infeasibility (a task without candidates when every task must be assigned, too little
    /// capacity) is found by [`solve_sparse`], which says why.
    pub fn new(
        tasks: usize,
        capacities: Vec<u32>,
        candidates: impl IntoIterator<Item = Candidate>,
        unassigned_cost: Option<f64>,
    ) -> Result<Self, MatchError> {
        if tasks == 0 {
            return Err(MatchError::Empty("the problem has no tasks".to_owned()));
        }
        let workers = capacities.len();
        if tasks >= NONE as usize || workers >= NONE as usize {
            return Err(MatchError::Invalid(format!(
                "{tasks} tasks and {workers} workers: at most {} of each",
                NONE - 1
            )));
        }
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        if let Some(u) = unassigned_cost {
            if !u.is_finite() {
                return Err(MatchError::NotFinite {
                    what: "the unassigned cost".to_owned(),
                    value: u.to_string(),
                });
            }
            (min, max) = (u, u);
        }
        let candidates: Vec<Candidate> = candidates.into_iter().collect();
        let mut counts = vec![0usize; tasks + 1];
        for (k, a) in candidates.iter().enumerate() {
            if a.task >= tasks {
                return Err(MatchError::Invalid(format!(
                    "candidate {k} names task {}, but there are {tasks} tasks",
                    a.task
                )));
            }
            if a.worker >= workers {
                return Err(MatchError::Invalid(format!(
                    "candidate {k} names worker {}, but there are {workers} workers",
                    a.worker
                )));
            }
            if !a.cost.is_finite() {
                return Err(MatchError::NotFinite {
                    what: format!(
                        "the cost of candidate {k} (task {}, worker {})",
                        a.task, a.worker
                    ),
                    value: a.cost.to_string(),
                });
            }
            min = min.min(a.cost);
            max = max.max(a.cost);
            counts[a.task + 1] += 1;
        }
        if min.is_finite() {
            check_span(min, max, tasks + workers)?;
        }
        // Counting sort by task, then by worker within each task (to find duplicates, and so
        // that `verify` can look arcs up by binary search).
        for t in 0..tasks {
            counts[t + 1] += counts[t];
        }
        let offsets = counts.clone();
        let mut next = counts;
        let mut arcs = vec![(0u32, 0.0f64); candidates.len()];
        for a in &candidates {
            arcs[next[a.task]] = (a.worker as u32, a.cost);
            next[a.task] += 1;
        }
        for t in 0..tasks {
            let slice = &mut arcs[offsets[t]..offsets[t + 1]];
            slice.sort_unstable_by_key(|&(w, _)| w);
            if let Some(pair) = slice.windows(2).find(|p| p[0].0 == p[1].0) {
                return Err(MatchError::Invalid(format!(
                    "task {t} has worker {} as a candidate twice",
                    pair[0].0
                )));
            }
        }
        let (arc_worker, arc_cost) = arcs.into_iter().unzip();
        Ok(Self {
            tasks,
            capacities,
            offsets,
            arc_worker,
            arc_cost,
            unassigned_cost,
        })
    }

    /// Number of tasks.
    pub fn tasks(&self) -> usize {
        self.tasks
    }

    /// Number of workers.
    pub fn workers(&self) -> usize {
        self.capacities.len()
    }

    /// How many tasks each worker can take.
    pub fn capacities(&self) -> &[u32] {
        &self.capacities
    }

    /// Number of candidate arcs.
    pub fn candidate_count(&self) -> usize {
        self.arc_worker.len()
    }

    /// A task's candidates as (worker, cost), by worker; empty for a task that does not exist.
    pub fn candidates(&self, task: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.arc_range(task);
        self.arc_worker[range.clone()]
            .iter()
            .zip(&self.arc_cost[range])
            .map(|(&w, &c)| (w as usize, c))
    }

    /// The cost of leaving a task unassigned; `None` when every task must be assigned.
    pub fn unassigned_cost(&self) -> Option<f64> {
        self.unassigned_cost
    }

    /// The cost of giving `task` to `worker`, if that pair is a candidate.
    pub fn cost(&self, task: usize, worker: usize) -> Option<f64> {
        let range = self.arc_range(task);
        let workers = &self.arc_worker[range.clone()];
        let k = workers.binary_search(&u32::try_from(worker).ok()?).ok()?;
        self.arc_cost.get(range.start + k).copied()
    }

    fn arc_range(&self, task: usize) -> std::ops::Range<usize> {
        match (self.offsets.get(task), self.offsets.get(task + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }
}

/// An optimal sparse assignment, with the dual solution that proves it (see [`verify`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SparseAssignment {
    /// For each task, its worker; `None` for a task left unassigned.
    pub task_to_worker: Vec<Option<usize>>,
    /// Total cost: chosen arcs plus the unassigned cost for each open task.
    pub total: f64,
    /// Dual value per task (`u`): what the task costs at the margin.
    pub task_duals: Vec<f64>,
    /// Price per worker (`p ≥ 0`), positive only on full workers: how much cheaper the total
    /// would be with one more unit of that worker's capacity.
    pub worker_prices: Vec<f64>,
}

/// A heap entry: a worker at a tentative distance; `BinaryHeap` is a max-heap, so the order is
/// reversed to pop the nearest first.
#[derive(Clone, Copy)]
struct Near {
    dist: f64,
    worker: u32,
}

impl PartialEq for Near {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Near {}
impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .dist
            .total_cmp(&self.dist)
            .then_with(|| other.worker.cmp(&self.worker))
    }
}

/// Where a search ended.
enum End {
    /// At a worker with spare capacity.
    Worker(u32),
    /// At "unassigned", through this task.
    Open(u32),
}

/// The solver's state: the current assignment and the duals.
struct Flow<'a> {
    problem: &'a SparseProblem,
    /// Worker of each task (`NONE`: not assigned, or not yet processed).
    worker_of: Vec<u32>,
    cost_of: Vec<f64>,
    load: Vec<u32>,
    /// Tasks held by each worker, as a doubly linked list through `next`/`prev`.
    head: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
    u: Vec<f64>,
    p: Vec<f64>,
    // Search scratch, reset through the lists of what was touched.
    dist: Vec<f64>,
    settled: Vec<bool>,
    pred_task: Vec<u32>,
    pred_cost: Vec<f64>,
    touched: Vec<u32>,
    settled_workers: Vec<u32>,
    settled_tasks: Vec<(u32, f64)>,
    heap: BinaryHeap<Near>,
}

/// The assignment of least total cost: each task to at most one of its candidate workers, each
/// worker at most its capacity, an open task costing the unassigned cost (or not allowed, when it
/// is `None`).
///
/// Without an unassigned cost, an infeasible problem is an [`MatchError::Infeasible`] error that
/// names the cause: a task without candidates, total capacity below the number of tasks, or a
/// set of tasks whose candidate workers cannot take them all.
///
/// Time: one Dijkstra search per task over the part of the network it reaches, usually a handful
/// of workers. Never panics or loops forever: each search settles each worker at most once.
pub fn solve_sparse(problem: &SparseProblem) -> Result<SparseAssignment, MatchError> {
    let tasks = problem.tasks;
    let workers = problem.workers();
    if problem.unassigned_cost.is_none() {
        if let Some(t) = (0..tasks).find(|&t| problem.arc_range(t).is_empty()) {
            return Err(MatchError::Infeasible {
                reason: format!("task {t} has no candidate workers"),
            });
        }
        let capacity: u64 = problem.capacities.iter().map(|&c| u64::from(c)).sum();
        if capacity < tasks as u64 {
            return Err(MatchError::Infeasible {
                reason: format!(
                    "{tasks} tasks must be assigned but the workers' capacities add up to {capacity}"
                ),
            });
        }
    }
    let mut flow = Flow {
        problem,
        worker_of: vec![NONE; tasks],
        cost_of: vec![0.0; tasks],
        load: vec![0; workers],
        head: vec![NONE; workers],
        next: vec![NONE; tasks],
        prev: vec![NONE; tasks],
        u: vec![0.0; tasks],
        p: vec![0.0; workers],
        dist: vec![f64::INFINITY; workers],
        settled: vec![false; workers],
        pred_task: vec![NONE; workers],
        pred_cost: vec![0.0; workers],
        touched: Vec::new(),
        settled_workers: Vec::new(),
        settled_tasks: Vec::new(),
        heap: BinaryHeap::new(),
    };
    for t in 0..tasks as u32 {
        flow.add_task(t)?;
    }
    let task_to_worker: Vec<Option<usize>> = flow
        .worker_of
        .iter()
        .map(|&w| (w != NONE).then_some(w as usize))
        .collect();
    let open = task_to_worker.iter().filter(|w| w.is_none()).count();
    let total = flow
        .worker_of
        .iter()
        .zip(&flow.cost_of)
        .filter(|(w, _)| **w != NONE)
        .map(|(_, c)| c)
        .sum::<f64>()
        + problem.unassigned_cost.map_or(0.0, |u| u * open as f64);
    Ok(SparseAssignment {
        task_to_worker,
        total,
        task_duals: flow.u,
        worker_prices: flow.p,
    })
}

impl Flow<'_> {
    /// Routes task `t0`'s unit along a shortest augmenting path (in reduced costs
    /// `c + p[w] − u[t]`, which are never negative) and updates the duals.
    fn add_task(&mut self, t0: u32) -> Result<(), MatchError> {
        let problem = self.problem;
        let open_cost = problem.unassigned_cost;
        // The new task's dual: as high as dual feasibility allows, so its own arcs' reduced
        // costs start at 0 or more.
        let mut u0 = open_cost.unwrap_or(f64::INFINITY);
        let range = problem.arc_range(t0 as usize);
        for (&w, &c) in problem.arc_worker[range.clone()]
            .iter()
            .zip(&problem.arc_cost[range])
        {
            u0 = u0.min(c + self.p[w as usize]);
        }
        self.u[t0 as usize] = u0;
        let mut best_open = f64::INFINITY;
        let mut open_via = NONE;
        self.settled_tasks.push((t0, 0.0));
        self.relax(t0, 0.0, &mut best_open, &mut open_via);
        let end = loop {
            let Some(Near { dist, worker: w }) = self.heap.pop() else {
                if open_via != NONE {
                    break End::Open(open_via);
                }
                let reason = self.hall_violation(t0);
                self.reset();
                return Err(MatchError::Infeasible { reason });
            };
            let wi = w as usize;
            if self.settled[wi] || dist > self.dist[wi] {
                continue; // stale entry
            }
            if best_open < dist {
                break End::Open(open_via);
            }
            self.settled[wi] = true;
            self.settled_workers.push(w);
            if self.load[wi] < problem.capacities[wi] {
                break End::Worker(w);
            }
            // Full: continue through the tasks it holds (their arcs to it have reduced cost 0).
            let mut t = self.head[wi];
            while t != NONE {
                self.settled_tasks.push((t, dist));
                self.relax(t, dist, &mut best_open, &mut open_via);
                t = self.next[t as usize];
            }
        };
        let reach = match end {
            End::Worker(w) => self.dist[w as usize],
            End::Open(_) => best_open,
        };
        // Everything settled was at most `reach` away; shifting its duals by the difference keeps
        // every reduced cost non-negative and makes the path about to be flipped tight.
        for &w in &self.settled_workers {
            let w = w as usize;
            self.p[w] += reach - self.dist[w];
        }
        for &(t, d) in &self.settled_tasks {
            self.u[t as usize] += reach - d;
        }
        match end {
            End::Worker(w) => self.flip(w, t0)?,
            End::Open(t) => {
                let w = self.worker_of[t as usize];
                if w != NONE {
                    self.detach(t);
                    self.flip(w, t0)?;
                }
            }
        }
        self.reset();
        Ok(())
    }

    /// Relaxes the arcs out of task `t`, reached at distance `d`.
    fn relax(&mut self, t: u32, d: f64, best_open: &mut f64, open_via: &mut u32) {
        let problem = self.problem;
        let ut = self.u[t as usize];
        if let Some(open) = problem.unassigned_cost {
            let via = d + open - ut;
            if via < *best_open {
                *best_open = via;
                *open_via = t;
            }
        }
        let range = problem.arc_range(t as usize);
        for (&w, &c) in problem.arc_worker[range.clone()]
            .iter()
            .zip(&problem.arc_cost[range])
        {
            let wi = w as usize;
            if self.settled[wi] {
                continue;
            }
            let nd = d + c + self.p[wi] - ut;
            if nd < self.dist[wi] {
                if self.dist[wi] == f64::INFINITY {
                    self.touched.push(w);
                }
                self.dist[wi] = nd;
                self.pred_task[wi] = t;
                self.pred_cost[wi] = c;
                self.heap.push(Near {
                    dist: nd,
                    worker: w,
                });
            }
        }
    }

    /// Flips the path ending at worker `w` back to the new task `t0`: each task on it moves to
    /// the worker after it.
    fn flip(&mut self, mut w: u32, t0: u32) -> Result<(), MatchError> {
        for _ in 0..=self.problem.tasks {
            let t = self.pred_task[w as usize];
            if t == NONE {
                return Err(MatchError::Invalid(
                    "internal error in the assignment solver: a broken augmenting path".to_owned(),
                ));
            }
            let cost = self.pred_cost[w as usize];
            let old = self.worker_of[t as usize];
            if old != NONE {
                self.detach(t);
            }
            self.attach(t, w, cost);
            if t == t0 {
                return Ok(());
            }
            w = old;
            if w == NONE {
                break;
            }
        }
        Err(MatchError::Invalid(
            "internal error in the assignment solver: a broken augmenting path".to_owned(),
        ))
    }

    fn attach(&mut self, t: u32, w: u32, cost: f64) {
        let (ti, wi) = (t as usize, w as usize);
        self.worker_of[ti] = w;
        self.cost_of[ti] = cost;
        self.load[wi] += 1;
        self.prev[ti] = NONE;
        self.next[ti] = self.head[wi];
        if self.head[wi] != NONE {
            self.prev[self.head[wi] as usize] = t;
        }
        self.head[wi] = t;
    }

    fn detach(&mut self, t: u32) {
        let ti = t as usize;
        let w = self.worker_of[ti];
        if w == NONE {
            return;
        }
        let wi = w as usize;
        let (p, n) = (self.prev[ti], self.next[ti]);
        if p == NONE {
            self.head[wi] = n;
        } else {
            self.next[p as usize] = n;
        }
        if n != NONE {
            self.prev[n as usize] = p;
        }
        self.load[wi] -= 1;
        self.worker_of[ti] = NONE;
        self.next[ti] = NONE;
        self.prev[ti] = NONE;
    }

    /// After a failed search: the tasks it reached all compete for the workers it reached, all of
    /// which are full, and those workers' capacities add up to one less than the tasks (Hall's
    /// condition fails for this set).
    fn hall_violation(&self, t0: u32) -> String {
        let list = |items: &mut dyn Iterator<Item = u32>, n: usize| {
            let shown: Vec<String> = items.take(8).map(|x| x.to_string()).collect();
            let more = if n > 8 {
                format!(" and {} more", n - 8)
            } else {
                String::new()
            };
            format!("{}{more}", shown.join(", "))
        };
        let tasks = self.settled_tasks.len();
        let workers = self.settled_workers.len();
        let capacity: u64 = self
            .settled_workers
            .iter()
            .map(|&w| u64::from(self.problem.capacities[w as usize]))
            .sum();
        format!(
            "task {t0} cannot be assigned: tasks {} ({tasks} in all) can only go to workers {} \
             ({workers} in all), whose capacities add up to {capacity}",
            list(&mut self.settled_tasks.iter().map(|&(t, _)| t), tasks),
            list(&mut self.settled_workers.iter().copied(), workers),
        )
    }

    fn reset(&mut self) {
        for &w in &self.touched {
            let w = w as usize;
            self.dist[w] = f64::INFINITY;
            self.settled[w] = false;
            self.pred_task[w] = NONE;
        }
        self.touched.clear();
        self.settled_workers.clear();
        self.settled_tasks.clear();
        self.heap.clear();
    }
}

/// Checks that `solution` is feasible for `problem` — each task at most one of its candidates,
/// every task assigned when there is no unassigned cost, no worker over capacity, the total
/// right — and proves it optimal: the worker prices (clamped at 0) with the best task duals they
/// allow, `u[t] = min(U, min over candidates (c + p[w]))`, form a feasible dual solution, whose
/// objective `Σ u − Σ cap·p` is a lower bound on every assignment's total; the certificate holds
/// when the total meets it (which is complementary slackness).
pub fn verify(
    problem: &SparseProblem,
    solution: &SparseAssignment,
) -> Result<Certificate, MatchError> {
    let tasks = problem.tasks;
    let workers = problem.workers();
    if solution.task_to_worker.len() != tasks {
        return Err(MatchError::Invalid(format!(
            "the solution assigns {} tasks; the problem has {tasks}",
            solution.task_to_worker.len()
        )));
    }
    if solution.worker_prices.len() != workers {
        return Err(MatchError::Invalid(format!(
            "the solution prices {} workers; the problem has {workers}",
            solution.worker_prices.len()
        )));
    }
    let mut load = vec![0u64; workers];
    let mut primal = 0.0;
    let mut magnitude = 0.0;
    for (t, w) in solution.task_to_worker.iter().enumerate() {
        match *w {
            Some(w) => {
                let Some(c) = problem.cost(t, w) else {
                    return Err(MatchError::Invalid(format!(
                        "task {t} is given worker {w}, which is not one of its candidates"
                    )));
                };
                load[w] += 1;
                primal += c;
                magnitude += c.abs();
            }
            None => match problem.unassigned_cost {
                Some(open) => {
                    primal += open;
                    magnitude += open.abs();
                }
                None => {
                    return Err(MatchError::Invalid(format!(
                        "task {t} is left unassigned, but every task must be assigned"
                    )));
                }
            },
        }
    }
    if let Some(w) = (0..workers).find(|&w| load[w] > u64::from(problem.capacities[w])) {
        return Err(MatchError::Invalid(format!(
            "worker {w} is given {} tasks but can take {}",
            load[w], problem.capacities[w]
        )));
    }
    if (primal - solution.total).abs() > 1e-9 * (1.0 + magnitude) {
        return Err(MatchError::Invalid(format!(
            "the solution's total {} is not the cost of its assignment, {primal}",
            solution.total
        )));
    }
    if let Some(w) = solution.worker_prices.iter().position(|p| !p.is_finite()) {
        return Err(MatchError::Invalid(format!(
            "worker {w}'s price is not finite"
        )));
    }
    let p: Vec<f64> = solution.worker_prices.iter().map(|&p| p.max(0.0)).collect();
    let mut dual = 0.0;
    for t in 0..tasks {
        let mut u = problem.unassigned_cost.unwrap_or(f64::INFINITY);
        for (w, c) in problem.candidates(t) {
            u = u.min(c + p[w]);
        }
        if !u.is_finite() {
            return Err(MatchError::Invalid(format!(
                "task {t} has no candidates and cannot be left unassigned"
            )));
        }
        dual += u;
        magnitude += u.abs();
    }
    for (p, &cap) in p.iter().zip(&problem.capacities) {
        let term = f64::from(cap) * p;
        dual -= term;
        magnitude += term.abs();
    }
    Certificate::check(primal, dual, magnitude)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn arc(task: usize, worker: usize, cost: f64) -> Candidate {
        Candidate { task, worker, cost }
    }

    #[test]
    fn bad_problems_are_refused() {
        assert!(matches!(
            SparseProblem::new(0, vec![1], [], None),
            Err(MatchError::Empty(_))
        ));
        assert!(matches!(
            SparseProblem::new(1, vec![1], [arc(1, 0, 1.0)], None),
            Err(MatchError::Invalid(_))
        ));
        assert!(matches!(
            SparseProblem::new(1, vec![1], [arc(0, 1, 1.0)], None),
            Err(MatchError::Invalid(_))
        ));
        assert!(matches!(
            SparseProblem::new(1, vec![1], [arc(0, 0, 1.0), arc(0, 0, 2.0)], None),
            Err(MatchError::Invalid(_))
        ));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                SparseProblem::new(1, vec![1], [arc(0, 0, bad)], None),
                Err(MatchError::NotFinite { .. })
            ));
            assert!(matches!(
                SparseProblem::new(1, vec![1], [arc(0, 0, 1.0)], Some(bad)),
                Err(MatchError::NotFinite { .. })
            ));
        }
        assert!(matches!(
            SparseProblem::new(1, vec![1, 1], [arc(0, 0, -1e308), arc(0, 1, 1e308)], None),
            Err(MatchError::Invalid(_))
        ));
    }

    #[test]
    fn a_task_without_candidates_is_named() {
        let p = SparseProblem::new(2, vec![2], [arc(0, 0, 1.0)], None).unwrap();
        let e = solve_sparse(&p).unwrap_err();
        assert_eq!(
            e,
            MatchError::Infeasible {
                reason: "task 1 has no candidate workers".to_owned()
            }
        );
    }

    #[test]
    fn too_little_capacity_is_named() {
        let p = SparseProblem::new(
            3,
            vec![1, 1],
            [arc(0, 0, 1.0), arc(1, 1, 1.0), arc(2, 1, 1.0)],
            None,
        )
        .unwrap();
        let e = solve_sparse(&p).unwrap_err();
        assert!(
            matches!(&e, MatchError::Infeasible { reason } if reason.contains("add up to 2")),
            "{e}"
        );
    }

    #[test]
    fn a_hall_violation_is_explained() {
        // Tasks 0, 1 and 2 all want worker 0 (capacity 2); worker 1 has room but nobody wants it.
        let p = SparseProblem::new(
            3,
            vec![2, 5],
            [arc(0, 0, 1.0), arc(1, 0, 1.0), arc(2, 0, 1.0)],
            None,
        )
        .unwrap();
        let e = solve_sparse(&p).unwrap_err();
        let MatchError::Infeasible { reason } = e else {
            panic!("{e:?}")
        };
        assert!(
            reason.contains("(3 in all)")
                && reason.contains("workers 0 (1 in all)")
                && reason.contains("add up to 2"),
            "{reason}"
        );
    }

    #[test]
    fn open_tasks_cost_the_unassigned_cost() {
        // Maximise scores 5, 3, -2: the negative one stays open at cost 0.
        let p = SparseProblem::new(
            3,
            vec![1, 1, 1],
            [arc(0, 0, -5.0), arc(1, 1, -3.0), arc(2, 2, 2.0)],
            Some(0.0),
        )
        .unwrap();
        let s = solve_sparse(&p).unwrap();
        assert_eq!(s.task_to_worker, vec![Some(0), Some(1), None]);
        assert_eq!(s.total, -8.0);
        let c = verify(&p, &s).unwrap();
        assert_eq!(c.gap, 0.0);
    }

    #[test]
    fn capacities_let_one_worker_take_several_tasks() {
        let p = SparseProblem::new(
            3,
            vec![2, 1],
            [
                arc(0, 0, 1.0),
                arc(0, 1, 4.0),
                arc(1, 0, 1.0),
                arc(1, 1, 2.0),
                arc(2, 0, 1.0),
                arc(2, 1, 9.0),
            ],
            None,
        )
        .unwrap();
        let s = solve_sparse(&p).unwrap();
        assert_eq!(s.task_to_worker, vec![Some(0), Some(1), Some(0)]);
        assert_eq!(s.total, 4.0);
        verify(&p, &s).unwrap();
    }

    #[test]
    fn verify_catches_bad_answers() {
        let p = SparseProblem::new(
            2,
            vec![1, 1],
            [
                arc(0, 0, 1.0),
                arc(0, 1, 2.0),
                arc(1, 0, 5.0),
                arc(1, 1, 1.0),
            ],
            None,
        )
        .unwrap();
        let good = solve_sparse(&p).unwrap();
        verify(&p, &good).unwrap();
        let mut worse = good.clone();
        worse.task_to_worker = vec![Some(1), Some(0)];
        worse.total = 7.0;
        assert!(verify(&p, &worse).is_err());
        let mut over = good.clone();
        over.task_to_worker = vec![Some(0), Some(0)];
        over.total = 6.0;
        assert!(verify(&p, &over).is_err());
        let mut open = good.clone();
        open.task_to_worker = vec![Some(0), None];
        open.total = 1.0;
        assert!(verify(&p, &open).is_err());
        let mut wrong_total = good;
        wrong_total.total = 1.0;
        assert!(verify(&p, &wrong_total).is_err());
    }

    #[test]
    fn zero_capacity_workers_take_nothing() {
        let p = SparseProblem::new(1, vec![0, 1], [arc(0, 0, 0.0), arc(0, 1, 10.0)], None).unwrap();
        let s = solve_sparse(&p).unwrap();
        assert_eq!(s.task_to_worker, vec![Some(1)]);
        verify(&p, &s).unwrap();
    }
}
