//! An index that follows changes without being rebuilt.
//!
//! Building a [`MatchIndex`] over a million workers takes seconds, and the store changes many
//! times a second (a profile edited, a task published). A [`LiveIndex`] keeps a large, immutable
//! *base* index and the current version of every worker and task changed since the base was
//! built, indexed on the side in two tiers, as a log-structured store would: the *recent*
//! changes (at most [`RECENT`]), re-indexed at each change, and the *settled* ones, re-indexed
//! only when the recent tier fills up and moves into it. A change costs a small index's build
//! and, every [`RECENT`] changes, one of the settled tier's size.
//!
//! Each worker or task is ranked exactly once, in its newest version: a changed entry is
//! retired from the base, and a recent one from the settled tier (a retired entry is never
//! ranked there). A query ranks the three and merges: the scores are the same function of the
//! task, the worker and the similarity in any index, so the merged list equals the list of one
//! index built over the current data (tested). When the changes pile up, the owner builds a new
//! base and starts again (see the server's match cache).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::MatchError;
use crate::index::{MatchIndex, RankScratch, Ranked, TopK};
use crate::model::{Task, TaskId, Worker, WorkerId};
use crate::score::{Breakdown, Exclusion};
use crate::similarity::SkillSimilarity;

/// Changed workers and tasks the recent tier holds before it moves into the settled tier.
pub const RECENT: usize = 256;

/// Changed workers and tasks, in their current versions (`None`: gone; for a task, also no
/// longer open), and their index.
#[derive(Debug, Clone)]
struct Tier {
    workers: BTreeMap<WorkerId, Option<Worker>>,
    tasks: BTreeMap<TaskId, Option<Task>>,
    index: Arc<MatchIndex>,
}

impl Tier {
    fn empty(similarity: Arc<SkillSimilarity>) -> Self {
        Tier {
            workers: BTreeMap::new(),
            tasks: BTreeMap::new(),
            index: Arc::new(MatchIndex::empty(similarity)),
        }
    }

    fn len(&self) -> usize {
        self.workers.len() + self.tasks.len()
    }

    fn reindex(&mut self, similarity: Arc<SkillSimilarity>) -> Result<(), MatchError> {
        let workers: Vec<Worker> = self.workers.values().flatten().cloned().collect();
        let tasks: Vec<Task> = self.tasks.values().flatten().cloned().collect();
        self.index = Arc::new(MatchIndex::build(similarity, &workers, &tasks)?);
        Ok(())
    }
}

/// A base index and the changes since it was built.
#[derive(Debug, Clone)]
pub struct LiveIndex {
    base: Arc<MatchIndex>,
    /// The base's ids, sorted, to tell whether a changed id was in the base.
    base_workers: Arc<Vec<WorkerId>>,
    base_tasks: Arc<Vec<TaskId>>,
    /// Base entries that a change replaced or removed.
    retired_workers: Arc<HashSet<WorkerId>>,
    retired_tasks: Arc<HashSet<TaskId>>,
    /// Shared between versions of the index: copied only when the recent tier moves in.
    settled: Arc<Tier>,
    recent: Tier,
    /// Settled entries that a recent change replaced or removed.
    overridden_workers: HashSet<WorkerId>,
    overridden_tasks: HashSet<TaskId>,
}

impl LiveIndex {
    /// Starts from `base`, with no changes.
    pub fn new(base: MatchIndex) -> Self {
        let mut base_workers = base.worker_ids().to_vec();
        base_workers.sort_unstable();
        let mut base_tasks: Vec<TaskId> = base.task_ids().collect();
        base_tasks.sort_unstable();
        let similarity = base.similarity_arc();
        LiveIndex {
            base: Arc::new(base),
            base_workers: Arc::new(base_workers),
            base_tasks: Arc::new(base_tasks),
            retired_workers: Arc::default(),
            retired_tasks: Arc::default(),
            settled: Arc::new(Tier::empty(similarity.clone())),
            recent: Tier::empty(similarity),
            overridden_workers: HashSet::new(),
            overridden_tasks: HashSet::new(),
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
        let mut next = self.clone();
        let mut retired_workers = None;
        let mut retired_tasks = None;
        for (id, w) in workers {
            if self.base_workers.binary_search(&id).is_ok() && !self.retired_workers.contains(&id) {
                retired_workers
                    .get_or_insert_with(|| (*self.retired_workers).clone())
                    .insert(id);
            }
            next.recent.workers.insert(id, w);
        }
        for (id, t) in tasks {
            if self.base_tasks.binary_search(&id).is_ok() && !self.retired_tasks.contains(&id) {
                retired_tasks
                    .get_or_insert_with(|| (*self.retired_tasks).clone())
                    .insert(id);
            }
            next.recent.tasks.insert(id, t);
        }
        if let Some(r) = retired_workers {
            next.retired_workers = Arc::new(r);
        }
        if let Some(r) = retired_tasks {
            next.retired_tasks = Arc::new(r);
        }
        let similarity = self.base.similarity_arc();
        if next.recent.len() > RECENT {
            // The recent tier moves into the settled one, which is indexed again.
            let recent = std::mem::replace(&mut next.recent, Tier::empty(similarity.clone()));
            let mut settled = (*self.settled).clone();
            settled.workers.extend(recent.workers);
            settled.tasks.extend(recent.tasks);
            settled.reindex(similarity)?;
            next.settled = Arc::new(settled);
        } else {
            next.recent.reindex(similarity)?;
        }
        next.overridden_workers = next
            .recent
            .workers
            .keys()
            .filter(|id| next.settled.workers.contains_key(id))
            .copied()
            .collect();
        next.overridden_tasks = next
            .recent
            .tasks
            .keys()
            .filter(|id| next.settled.tasks.contains_key(id))
            .copied()
            .collect();
        Ok(next)
    }

    /// How many changes of workers and tasks are kept beside the base (an entry changed in
    /// both tiers counts twice): the owner builds a new base when this grows.
    pub fn pending(&self) -> usize {
        self.settled.len() + self.recent.len()
    }

    /// Workers indexed, in their current versions.
    pub fn worker_count(&self) -> usize {
        let shadowed = self
            .overridden_workers
            .iter()
            .filter(|id| matches!(self.settled.workers.get(id), Some(Some(_))))
            .count();
        self.base.worker_count() - self.retired_workers.len() + self.settled.index.worker_count()
            - shadowed
            + self.recent.index.worker_count()
    }

    /// Tasks indexed, in their current versions.
    pub fn task_count(&self) -> usize {
        let shadowed = self
            .overridden_tasks
            .iter()
            .filter(|id| matches!(self.settled.tasks.get(id), Some(Some(_))))
            .count();
        self.base.task_count() - self.retired_tasks.len() + self.settled.index.task_count()
            - shadowed
            + self.recent.index.task_count()
    }

    /// The skill similarity in use.
    pub fn similarity(&self) -> &SkillSimilarity {
        self.base.similarity()
    }

    /// The `k` best workers for `task`, best first (ties: smaller id first), as
    /// [`MatchIndex::top_workers`] over the current workers. `scratch` serves the base; the
    /// tiers, being small, take their own.
    pub fn top_workers(
        &self,
        task: &Task,
        k: usize,
        scratch: &mut RankScratch,
    ) -> Result<Vec<Ranked<WorkerId>>, MatchError> {
        let mut ranked = self
            .base
            .top_workers_except(task, k, scratch, &self.retired_workers)?;
        if self.settled.index.worker_count() > 0 {
            let settled = self.settled.index.top_workers_except(
                task,
                k,
                &mut RankScratch::default(),
                &self.overridden_workers,
            )?;
            ranked = merge(k, ranked, settled);
        }
        if self.recent.index.worker_count() > 0 {
            let recent = self
                .recent
                .index
                .top_workers(task, k, &mut RankScratch::default())?;
            ranked = merge(k, ranked, recent);
        }
        Ok(ranked)
    }

    /// The `k` best tasks for `worker`, best first (ties: smaller id first), as
    /// [`MatchIndex::top_tasks`] over the current tasks.
    pub fn top_tasks(&self, worker: &Worker, k: usize) -> Result<Vec<Ranked<TaskId>>, MatchError> {
        let mut ranked = self.base.top_tasks_except(worker, k, &self.retired_tasks)?;
        if self.settled.index.task_count() > 0 {
            let settled = self
                .settled
                .index
                .top_tasks_except(worker, k, &self.overridden_tasks)?;
            ranked = merge(k, ranked, settled);
        }
        if self.recent.index.task_count() > 0 {
            ranked = merge(k, ranked, self.recent.index.top_tasks(worker, k)?);
        }
        Ok(ranked)
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
            // Enough changes, in batches of several sizes, for the recent tier to settle twice.
            for round in 0..8 {
                let mut wc = Vec::new();
                let mut tc = Vec::new();
                for _ in 0..[3, 25, 120, 200][round as usize % 4] {
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
                            w.id = WorkerId(20_000 + round * 1000 + wc.len() as i64);
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
                                t.id = TaskId(20_000 + round * 1000 + tc.len() as i64);
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
            assert!(changed > 400 && live.settled.len() > RECENT, "{changed}");
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
