//! The matching index: the skill similarity of the current taxonomy and the index of the
//! current workers and open tasks, shared by every ranking the server or the CLI answers.
//!
//! The index follows the store: each use first applies what changed since (the store records
//! it, see `Store::matching_changes`), so a server sees every write, its own or another
//! server's on the same database, without rebuilding; a caller that keeps it following between
//! uses ([`Platform::follow_matching`]) spares requests the wait, and a fresh base is built in
//! the background when the changes pile up. A new taxonomy, or a store too far ahead to follow,
//! is read whole again. The similarity is rebuilt with the taxonomy through [`Versioned`], like
//! the analyzer and the transition models.

use guild_ids::{AccountId, TaskId, WorkerId};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use guild_matching::{
    Breakdown, LiveIndex, MatchError, MatchIndex, RankScratch, SkillSimilarity, Task, Worker,
};
use guild_store::{DecisionKind, MatchingChanges, NewCandidate, NewDecision, Store, StoreError};
use serde::Serialize;

use crate::{Platform, Versioned};

/// Why a ranking could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MatchingError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine refused the request (a `k` out of range, a task without skills).
    #[error(transparent)]
    Refused(#[from] MatchError),
    /// The engine refused what the store holds, or a ranked match no longer fits when it is
    /// explained: a fault (the store only keeps checked workers and tasks), not the caller's.
    #[error("matching index: {0}")]
    Index(String),
}

/// A worker ranked for a task, with why.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerMatch {
    /// The worker.
    pub worker: WorkerId,
    /// Their name.
    pub name: String,
    /// Score, 0–100.
    pub score: f32,
    /// How the score was made.
    pub breakdown: Breakdown,
}

/// A task ranked for a worker, with why.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskMatch {
    /// The task.
    pub task: TaskId,
    /// Its title.
    pub title: String,
    /// Score, 0–100.
    pub score: f32,
    /// How the score was made.
    pub breakdown: Breakdown,
}

/// Ranked matches.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matches<T> {
    /// Best first.
    pub matches: Vec<T>,
    /// How many were considered (workers or open tasks indexed).
    pub considered: usize,
}

/// Why `worker` fits `task`, for a match the ranking returned.
fn explained(index: &LiveIndex, task: &Task, worker: &Worker) -> Result<Breakdown, MatchingError> {
    match index.explain(task, worker)? {
        Ok(b) => Ok(b),
        // The ranking only returns workers that pass; an exclusion here means the data changed
        // between ranking and explaining.
        Err(e) => Err(MatchingError::Index(format!(
            "a ranked match is now excluded: {e:?}"
        ))),
    }
}

/// How the matching index stands, for operators (see `/health`).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexStatus {
    /// The store's matching version the index has followed to.
    pub version: i64,
    /// Workers indexed.
    pub workers: usize,
    /// Open tasks indexed.
    pub tasks: usize,
    /// Workers and tasks changed since the base was built (indexed on the side).
    pub pending: usize,
    /// Times the index was built from the whole store.
    pub builds: u64,
    /// Changes applied without a build.
    pub followed_changes: u64,
}

/// The index in use: the taxonomy it was built on, the matching version it has followed the
/// store to, and the index.
#[derive(Clone)]
struct Followed {
    taxonomy: String,
    version: i64,
    index: Arc<LiveIndex>,
}

fn index_fault(e: MatchError) -> MatchingError {
    MatchingError::Index(e.to_string())
}

/// The index of `current`, if it is of `taxonomy` and at `version` or newer.
fn fresh(current: &Option<Followed>, taxonomy: &str, version: i64) -> Option<Arc<LiveIndex>> {
    current
        .as_ref()
        .filter(|f| f.taxonomy == taxonomy && f.version >= version)
        .map(|f| f.index.clone())
}

/// Changes kept on the side before a fresh base is built: each change costs every later change
/// a little (the side index is rebuilt), a fresh base costs one full read of the store.
fn compact_after(base: usize) -> usize {
    std::env::var("GUILD_MATCH_COMPACT_AFTER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000 + base / 50)
}

/// The matching index of one store, kept between uses.
pub(crate) struct Matching {
    store: Arc<Store>,
    similarity: Versioned<SkillSimilarity>,
    current: RwLock<Option<Followed>>,
    /// Held while the index is brought up to date, so that one caller does it for all.
    following: Mutex<()>,
    /// Whether a fresh base is being built in the background.
    compacting: AtomicBool,
    builds: AtomicU64,
    followed_changes: AtomicU64,
}

impl Matching {
    pub(crate) fn new(store: Arc<Store>) -> Self {
        Self {
            store,
            similarity: Versioned::default(),
            current: RwLock::new(None),
            following: Mutex::new(()),
            compacting: AtomicBool::new(false),
            builds: AtomicU64::new(0),
            followed_changes: AtomicU64::new(0),
        }
    }

    // A poisoned lock only means another caller panicked while holding it: the value inside
    // is a whole index (or none), never half of one.
    fn current(&self) -> Option<Followed> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_current(&self, next: Option<Followed>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
    }

    /// The index over the store's current workers and open tasks.
    fn index(self: &Arc<Self>) -> Result<Arc<LiveIndex>, MatchingError> {
        let (taxonomy, version) = self.store.work().matching_key()?;
        if let Some(i) = fresh(&self.current(), &taxonomy, version) {
            return Ok(i);
        }
        self.update(&taxonomy, version)
    }

    /// An index built from the whole store, at the version it was read at.
    fn build(&self, taxonomy: &str) -> Result<Followed, MatchingError> {
        let similarity = self.similarity.get(taxonomy, || {
            self.store.taxonomy().similarity_input().map(|i| i.learn())
        })?;
        let (version, workers, tasks) = self.store.work().matching_snapshot()?;
        let index = MatchIndex::build(similarity, &workers, &tasks)
            .map(LiveIndex::new)
            .map_err(index_fault)?;
        self.builds.fetch_add(1, Ordering::Relaxed);
        Ok(Followed {
            taxonomy: taxonomy.to_owned(),
            version,
            index: Arc::new(index),
        })
    }

    /// `from` brought up to the store's current version: its changes applied, or the whole
    /// store read again when they cannot be followed.
    fn follow(&self, from: Followed) -> Result<Followed, MatchingError> {
        match self.store.work().matching_changes(from.version)? {
            MatchingChanges::Everything { .. } => self.build(&from.taxonomy),
            MatchingChanges::Changed {
                version,
                workers,
                tasks,
            } => {
                let n = (workers.len() + tasks.len()) as u64;
                let index = from
                    .index
                    .with_changes(workers, tasks)
                    .map_err(index_fault)?;
                self.followed_changes.fetch_add(n, Ordering::Relaxed);
                Ok(Followed {
                    version,
                    index: Arc::new(index),
                    ..from
                })
            }
        }
    }

    /// Brings the index up to `version` of `taxonomy`: follows the changes, or builds it; when
    /// the changes on the side have piled up, starts building a fresh base in the background.
    fn update(
        self: &Arc<Self>,
        taxonomy: &str,
        version: i64,
    ) -> Result<Arc<LiveIndex>, MatchingError> {
        let _following = self.following.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.current();
        if let Some(i) = fresh(&current, taxonomy, version) {
            return Ok(i);
        }
        let next = match current {
            Some(f) if f.taxonomy == taxonomy => self.follow(f)?,
            _ => self.build(taxonomy)?,
        };
        let index = next.index.clone();
        let crowded = index.pending() > compact_after(index.worker_count());
        self.set_current(Some(next));
        if crowded && !self.compacting.swap(true, Ordering::AcqRel) {
            let me = self.clone();
            std::thread::spawn(move || {
                if let Err(e) = me.compact() {
                    tracing::warn!(error = %e, "building a fresh matching index failed");
                }
                me.compacting.store(false, Ordering::Release);
            });
        }
        Ok(index)
    }

    /// Builds a fresh base while others go on with the current index, then brings it up to
    /// date and puts it in place.
    fn compact(&self) -> Result<(), MatchingError> {
        let Some(taxonomy) = self.current().map(|f| f.taxonomy) else {
            return Ok(());
        };
        let built = self.build(&taxonomy)?;
        let _following = self.following.lock().unwrap_or_else(|e| e.into_inner());
        let built = self.follow(built)?;
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|f| f.taxonomy == taxonomy) {
            *current = Some(built);
        }
        Ok(())
    }

    /// Applies the store's changes when the index is behind on the same taxonomy; when there
    /// is no index yet, builds one if `first` and the store has ever had workers or tasks. A
    /// new taxonomy is left to the next use.
    fn follow_store(self: &Arc<Self>, first: bool) -> Result<(), MatchingError> {
        let (taxonomy, version) = self.store.work().matching_key()?;
        let due = match self.current() {
            Some(f) => f.taxonomy == taxonomy && f.version < version,
            None => first && version > 0,
        };
        if due {
            self.update(&taxonomy, version)?;
        }
        Ok(())
    }

    /// The inputs a ranking made now rests on, for the decision log: the taxonomy's version, the
    /// store's matching version the index has followed to, and the code's version.
    fn inputs(&self) -> serde_json::Value {
        let current = self.current();
        serde_json::json!({
            "taxonomy": current.as_ref().map(|f| f.taxonomy.clone()),
            "matching_version": current.as_ref().map(|f| f.version),
            "code": env!("CARGO_PKG_VERSION"),
        })
    }

    fn status(&self) -> Option<IndexStatus> {
        self.current().map(|f| IndexStatus {
            version: f.version,
            workers: f.index.worker_count(),
            tasks: f.index.task_count(),
            pending: f.index.pending(),
            builds: self.builds.load(Ordering::Relaxed),
            followed_changes: self.followed_changes.load(Ordering::Relaxed),
        })
    }
}

impl Platform {
    /// The matching index over the store's current workers and open tasks, brought up to
    /// date first. Blocks while it is built (the first time, or after a taxonomy change).
    pub fn match_index(&self) -> Result<Arc<LiveIndex>, MatchingError> {
        self.matching.index()
    }

    /// Keeps the matching index following the store between uses: what another server wrote
    /// is applied before anyone here asks for it. `first` builds the index when there is
    /// none yet and the store has ever had workers or tasks, so that a large store's first
    /// ranking does not wait for it. Call it now and then (a server does every few seconds).
    pub fn follow_matching(&self, first: bool) -> Result<(), MatchingError> {
        self.matching.follow_store(first)
    }

    /// The `k` best workers for `task`, each with why, as shown to `shown_to` (`None`: the
    /// operator's command line); the ranking goes to the decision log.
    pub fn rank_workers(
        &self,
        task: &Task,
        k: usize,
        shown_to: Option<AccountId>,
    ) -> Result<Matches<WorkerMatch>, MatchingError> {
        let ranked = self.rank_workers_unlogged(task, k)?;
        let candidates = ranked
            .matches
            .iter()
            .map(|m| (m.worker, task.id, m.score, &m.breakdown));
        // A stored task, or a one-skill query of the pages (the nearest holders of a skill a
        // team lacks), which has none.
        let subject = (task.id.get() != 0).then_some(task.id);
        self.log_ranking(
            DecisionKind::WorkersForTask,
            shown_to,
            (subject, None),
            k,
            ranked.considered,
            candidates,
        );
        Ok(ranked)
    }

    /// Hands a ranking to the decision log with the inputs it rests on.
    fn log_ranking<'m>(
        &self,
        kind: DecisionKind,
        shown_to: Option<AccountId>,
        (task, worker): (Option<TaskId>, Option<WorkerId>),
        k: usize,
        considered: usize,
        candidates: impl Iterator<Item = (WorkerId, TaskId, f32, &'m Breakdown)>,
    ) {
        self.decisions.log(NewDecision {
            at: self.store.now(),
            kind,
            shown_to,
            task,
            worker,
            k,
            considered,
            inputs: self.matching.inputs(),
            candidates: candidates
                .map(|(worker, task, score, breakdown)| NewCandidate {
                    worker,
                    task,
                    score,
                    parts: serde_json::to_string(breakdown).unwrap_or_default(),
                })
                .collect(),
        });
    }

    /// [`Self::rank_workers`] without the decision log, for `guild bench decision-log`, which
    /// times both on the same tasks to measure what the log costs a ranking, and for the audit's
    /// rehearsal, which logs its biased test scorer's rankings itself, marked so. A ranking a
    /// person sees always goes through [`Self::rank_workers`] (a test holds the callers to these).
    #[doc(hidden)]
    pub fn rank_workers_unlogged(
        &self,
        task: &Task,
        k: usize,
    ) -> Result<Matches<WorkerMatch>, MatchingError> {
        let index = self.match_index()?;
        let ranked = index.top_workers(task, k, &mut RankScratch::default())?;
        let ids: Vec<WorkerId> = ranked.iter().map(|r| r.id).collect();
        let workers = self.store.work().workers(&ids)?;
        let mut matches = Vec::with_capacity(ranked.len());
        for (r, w) in ranked.into_iter().zip(workers) {
            let w = w.worker;
            matches.push(WorkerMatch {
                worker: r.id,
                breakdown: explained(&index, task, &w)?,
                name: w.name,
                score: r.score,
            });
        }
        Ok(Matches {
            matches,
            considered: index.worker_count(),
        })
    }

    /// The `k` best open tasks for `worker`, each with why, as shown to `shown_to` (`None`: the
    /// operator's command line); the ranking goes to the decision log.
    pub fn rank_tasks(
        &self,
        worker: &Worker,
        k: usize,
        shown_to: Option<AccountId>,
    ) -> Result<Matches<TaskMatch>, MatchingError> {
        let index = self.match_index()?;
        let ranked = index.top_tasks(worker, k)?;
        let ids: Vec<TaskId> = ranked.iter().map(|r| r.id).collect();
        let tasks = self.store.work().tasks(&ids)?;
        let mut matches = Vec::with_capacity(ranked.len());
        for (r, t) in ranked.into_iter().zip(tasks) {
            let t = t.task;
            matches.push(TaskMatch {
                task: r.id,
                breakdown: explained(&index, &t, worker)?,
                title: t.title,
                score: r.score,
            });
        }
        let ranked = Matches {
            matches,
            considered: index.task_count(),
        };
        let candidates = ranked
            .matches
            .iter()
            .map(|m| (worker.id, m.task, m.score, &m.breakdown));
        self.log_ranking(
            DecisionKind::TasksForWorker,
            shown_to,
            (None, Some(worker.id)),
            k,
            ranked.considered,
            candidates,
        );
        Ok(ranked)
    }

    /// The inputs a ranking or a proposal made now rests on (taxonomy, matching version, code),
    /// as the decision log records them.
    pub fn decision_inputs(&self) -> serde_json::Value {
        self.matching.inputs()
    }

    /// How the matching index stands; `None` before it is first built.
    pub fn match_index_status(&self) -> Option<IndexStatus> {
        self.matching.status()
    }
}
