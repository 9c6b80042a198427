//! An index that follows changes without being rebuilt.
//!
//! Building a [`MatchIndex`] over a million workers takes seconds, and the store changes many
//! times a second (a profile edited, a task published). A [`LiveIndex`] keeps a large, immutable
//! *base* index and a small *delta*: the current version of every worker and task changed since
//! the base was built, indexed on its own. A changed entry is retired from the base (a retired
//! entry is never ranked there), so each worker or task is ranked exactly once, in the newest
//! version known. A query ranks both and merges: the scores are the same function of the
//! task, the worker and the similarity in either index, so the merged list equals the list of
//! one index built over the current data (tested). When the delta grows, the owner builds a
//! new base and starts a new delta (see the server's match cache).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::MatchError;
use crate::index::{MatchIndex, RankScratch, Ranked, TopK};
use crate::model::{Task, TaskId, Worker, WorkerId};
use crate::score::{Breakdown, Exclusion};
use crate::similarity::SkillSimilarity;

/// A base index and the changes since it was built.
#[derive(Debug, Clone)]
pub struct LiveIndex {
    base: Arc<MatchIndex>,
    /// The base's ids, sorted, to tell whether a retired id was in the base.
    base_workers: Arc<Vec<WorkerId>>,
    base_tasks: Arc<Vec<TaskId>>,
    /// Every worker and task changed since the base: the current version, or `None` when it
    /// is gone (deleted; for a task, also no longer open).
    workers: BTreeMap<WorkerId, Option<Worker>>,
    tasks: BTreeMap<TaskId, Option<Task>>,
    retired_workers: HashSet<WorkerId>,
    retired_tasks: HashSet<TaskId>,
    /// The current versions, indexed.
    delta: MatchIndex,
}

impl LiveIndex {
    /// Starts from `base`, with no changes.
    pub fn new(base: MatchIndex) -> Self {
        let mut base_workers = base.worker_ids().to_vec();
        base_workers.sort_unstable();
        let mut base_tasks: Vec<TaskId> = base.task_ids().collect();
        base_tasks.sort_unstable();
        let delta = MatchIndex::empty(base.similarity_arc());
        LiveIndex {
            base: Arc::new(base),
            base_workers: Arc::new(base_workers),
            base_tasks: Arc::new(base_tasks),
            workers: BTreeMap::new(),
            tasks: BTreeMap::new(),
            retired_workers: HashSet::new(),
            retired_tasks: HashSet::new(),
            delta,
        }
    }

    /// This index with `workers` and `tasks` changed: `Some` is the current version (new or
    /// edited), `None` removes it. A change naming an unknown skill is refused, as
    /// [`MatchIndex::build`] refuses it, and nothing changes.
    pub fn with_changes(
        &self,
        workers: impl IntoIterator<Item = (WorkerId, Option<Worker>)>,
        tasks: impl IntoIterator<Item = (TaskId, Option<Task>)>,
    ) -> Result<LiveIndex, MatchError> {
        let mut next = LiveIndex {
            base: self.base.clone(),
            base_workers: self.base_workers.clone(),
            base_tasks: self.base_tasks.clone(),
            workers: self.workers.clone(),
            tasks: self.tasks.clone(),
            retired_workers: self.retired_workers.clone(),
            retired_tasks: self.retired_tasks.clone(),
            delta: self.delta.clone(),
        };
        for (id, w) in workers {
            if self.base_workers.binary_search(&id).is_ok() {
                next.retired_workers.insert(id);
            }
            next.workers.insert(id, w);
        }
        for (id, t) in tasks {
            if self.base_tasks.binary_search(&id).is_ok() {
                next.retired_tasks.insert(id);
            }
            next.tasks.insert(id, t);
        }
        let workers: Vec<Worker> = next.workers.values().flatten().cloned().collect();
        let tasks: Vec<Task> = next.tasks.values().flatten().cloned().collect();
        // The similarity is shared, not copied: it is the base's.
        next.delta = MatchIndex::build(self.base.similarity_arc(), &workers, &tasks)?;
        Ok(next)
    }

    /// How many workers and tasks changed since the base was built: the owner builds a new
    /// base when this grows (each change costs every later change a little).
    pub fn pending(&self) -> usize {
        self.workers.len() + self.tasks.len()
    }

    /// Workers indexed, in their current versions.
    pub fn worker_count(&self) -> usize {
        self.base.worker_count() - self.retired_workers.len() + self.delta.worker_count()
    }

    /// Tasks indexed, in their current versions.
    pub fn task_count(&self) -> usize {
        self.base.task_count() - self.retired_tasks.len() + self.delta.task_count()
    }

    /// The skill similarity in use.
    pub fn similarity(&self) -> &SkillSimilarity {
        self.base.similarity()
    }

    /// The `k` best workers for `task`, best first (ties: smaller id first), as
    /// [`MatchIndex::top_workers`] over the current workers. `scratch` serves the base; the
    /// delta, being small, takes its own.
    pub fn top_workers(
        &self,
        task: &Task,
        k: usize,
        scratch: &mut RankScratch,
    ) -> Result<Vec<Ranked<WorkerId>>, MatchError> {
        let base = self
            .base
            .top_workers_except(task, k, scratch, &self.retired_workers)?;
        if self.delta.worker_count() == 0 {
            return Ok(base);
        }
        let delta = self
            .delta
            .top_workers(task, k, &mut RankScratch::default())?;
        Ok(merge(k, base, delta))
    }

    /// The `k` best tasks for `worker`, best first (ties: smaller id first), as
    /// [`MatchIndex::top_tasks`] over the current tasks.
    pub fn top_tasks(&self, worker: &Worker, k: usize) -> Result<Vec<Ranked<TaskId>>, MatchError> {
        let base = self.base.top_tasks_except(worker, k, &self.retired_tasks)?;
        if self.delta.task_count() == 0 {
            return Ok(base);
        }
        Ok(merge(k, base, self.delta.top_tasks(worker, k)?))
    }

    /// Why `worker` scores what they score for `task` (see [`MatchIndex::explain`]).
    pub fn explain(
        &self,
        task: &Task,
        worker: &Worker,
    ) -> Result<Result<Breakdown, Exclusion>, MatchError> {
        self.base.explain(task, worker)
    }
}

/// The `k` best of two best-first lists of distinct ids, by the ranking's own rule.
fn merge<Id: Ord + Copy>(k: usize, a: Vec<Ranked<Id>>, b: Vec<Ranked<Id>>) -> Vec<Ranked<Id>> {
    let mut top = TopK::new(k);
    for r in a.into_iter().chain(b) {
        top.push(r.id, r.score);
    }
    top.into_sorted()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate;
    use crate::index::tests::taxonomy;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// After random edits, additions and removals, the live index ranks exactly as an index
    /// built from scratch over the same current workers and tasks.
    #[test]
    fn following_changes_ranks_as_a_fresh_build() {
        for seed in 0..4u64 {
            let (sim, occupations) = taxonomy(seed);
            let mut workers = generate::workers(&occupations, 500, 1, seed).unwrap();
            let mut tasks = generate::tasks(&occupations, 50, 1..=8, 1, seed).unwrap();
            let fresh_workers = generate::workers(&occupations, 300, 10_000, seed + 100).unwrap();
            let fresh_tasks = generate::tasks(&occupations, 30, 1..=8, 10_000, seed + 100).unwrap();
            let mut live =
                LiveIndex::new(MatchIndex::build(sim.clone(), &workers, &tasks).unwrap());
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut changed = 0;
            for round in 0..6 {
                let mut wc = Vec::new();
                let mut tc = Vec::new();
                for _ in 0..25 {
                    match rng.random_range(0..4u32) {
                        // An edit: another generated worker's profile under this id.
                        0 if !workers.is_empty() => {
                            let at = rng.random_range(0..workers.len());
                            let mut w =
                                fresh_workers[rng.random_range(0..fresh_workers.len())].clone();
                            w.id = workers[at].id;
                            workers[at] = w.clone();
                            wc.push((w.id, Some(w)));
                        }
                        1 if !workers.is_empty() => {
                            let at = rng.random_range(0..workers.len());
                            let gone = workers.swap_remove(at);
                            wc.push((gone.id, None));
                        }
                        2 => {
                            let mut w =
                                fresh_workers[rng.random_range(0..fresh_workers.len())].clone();
                            w.id = WorkerId(20_000 + round * 100 + wc.len() as i64);
                            if workers.iter().all(|x| x.id != w.id) {
                                workers.push(w.clone());
                                wc.push((w.id, Some(w)));
                            }
                        }
                        _ => {
                            if rng.random_bool(0.5) && !tasks.is_empty() {
                                let at = rng.random_range(0..tasks.len());
                                let gone = tasks.swap_remove(at);
                                tc.push((gone.id, None));
                            } else {
                                let mut t =
                                    fresh_tasks[rng.random_range(0..fresh_tasks.len())].clone();
                                t.id = TaskId(20_000 + round * 100 + tc.len() as i64);
                                if tasks.iter().all(|x| x.id != t.id) {
                                    tasks.push(t.clone());
                                    tc.push((t.id, Some(t)));
                                }
                            }
                        }
                    }
                }
                changed += wc.len() + tc.len();
                live = live.with_changes(wc, tc).unwrap();
                let fresh = MatchIndex::build(sim.clone(), &workers, &tasks).unwrap();
                assert_eq!(live.worker_count(), workers.len());
                assert_eq!(live.task_count(), tasks.len());
                let mut scratch = RankScratch::default();
                for task in tasks.iter().chain(fresh_tasks.iter().take(5)) {
                    for k in [1, 10, 100] {
                        assert_eq!(
                            live.top_workers(task, k, &mut scratch).unwrap(),
                            fresh
                                .top_workers(task, k, &mut RankScratch::default())
                                .unwrap(),
                            "seed {seed} round {round} task {} k {k}",
                            task.id
                        );
                    }
                }
                for worker in workers.iter().step_by(11) {
                    assert_eq!(
                        live.top_tasks(worker, 10).unwrap(),
                        fresh.top_tasks(worker, 10).unwrap(),
                        "seed {seed} round {round} worker {}",
                        worker.id
                    );
                }
            }
            assert!(changed > 100 && live.pending() > 50);
        }
    }

    #[test]
    fn a_change_naming_an_unknown_skill_is_refused() {
        let (sim, occupations) = taxonomy(1);
        let workers = generate::workers(&occupations, 50, 1, 1).unwrap();
        let live = LiveIndex::new(MatchIndex::build(sim, &workers, &[]).unwrap());
        let mut bad = workers[0].clone();
        bad.skills[0].skill = guild_taxonomy::SkillId::parse("no-such-skill").unwrap();
        assert!(live.with_changes([(bad.id, Some(bad))], []).is_err());
    }
}
