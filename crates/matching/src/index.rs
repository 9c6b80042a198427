//! Two-way top-k ranking from inverted indexes, equal to a brute-force scan.
//!
//! **Workers for a task.** Postings list, for every skill, the workers who hold it. A worker's
//! required-skill coverage is accumulated from the postings of each required skill and its
//! stand-ins; everything else in the score is worth at most [`NON_REQUIRED`], so
//! `W_REQUIRED × coverage + NON_REQUIRED` bounds a worker's score before it is computed.
//! The search (in the spirit of MaxScore):
//! 1. scores the workers of the cheapest requirement to get a first k-th best score θ;
//! 2. skips the longest posting lists whose skills together cannot lift a worker found nowhere
//!    else to θ (common skills, whose lists are long, are what this saves);
//! 3. accumulates coverage from the other lists, and scores workers in order of their bound
//!    until the bound falls below the k-th best.
//!
//! Every score comes from the same function as the brute-force scan's, and a worker is only
//! skipped when a bound proves it cannot enter the top k, so both give the same list (tested).
//!
//! **Tasks for a worker.** Postings list, for every skill, the tasks that require it; the
//! candidate tasks are those requiring one of the worker's skills or a stand-in for one (a task
//! needing none of them would be excluded anyway). Each posting adds its credit to its task's
//! coverage bound, and candidates are scored in order of the bound until it falls below the
//! k-th best.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};
use std::sync::Arc;

use crate::MatchError;
use crate::model::{Evidence, Task, TaskId, WorkMode, Worker, WorkerId};
use crate::score::{
    Breakdown, CompiledTask, Detail, Exclusion, Languages, NON_REQUIRED, W_OPTIONAL, W_REQUIRED,
    WorkerTable, credit, evaluate, fit,
};
use crate::similarity::SkillSimilarity;

/// A ranked result: who or what, and the score (0–100).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked<Id> {
    /// The worker or task.
    pub id: Id,
    /// Its score.
    pub score: f32,
}

/// Most share of the required weight whose lists may be skipped. Every candidate's bound
/// carries what the skipped lists could have given, so skipping too much makes thousands more
/// workers worth scoring; measured on a million workers, about 0.15 balances reading against
/// scoring (BENCHMARKS.md).
const SKIP_BUDGET: f32 = 0.15;

/// Candidates taken from the heap at a time, their records prefetched together.
const CANDIDATE_BATCH: usize = 8;

/// How many postings ahead the accumulation prefetches worker slots.
const PREFETCH_AHEAD: usize = 16;

/// Hints the CPU to bring `slots[i]` into cache; a no-op off x86-64.
#[inline(always)]
fn prefetch<T>(slots: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(slot) = slots.get(i) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86-64 CPU, and a prefetch dereferences nothing and
        // cannot fault (the pointer is to a live slot anyway): it is only a hint.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((slot as *const T).cast::<i8>()) };
    }
}

/// Slack on score bounds for floating-point summation order (scores are 0–100).
const EPS: f32 = 1e-3;
/// Workers scored to find a first k-th best score.
const BOOTSTRAP: usize = 1024;
/// Postings read to choose them.
const BOOTSTRAP_READ: usize = 60_000;

/// One posting: a worker holding a skill.
#[derive(Debug, Clone, Copy)]
struct Posting {
    worker: u32,
    /// Proficiency and evidence together (see [`grade`]).
    grade: u8,
    /// Hard-constraint facts of the worker (see [`FactMask`]), so that reading a posting can
    /// drop a worker the task excludes without touching the worker's record.
    facts: u16,
}

/// Kinds of evidence.
const EVIDENCE_KINDS: usize = Evidence::ALL.len();

/// A posting's proficiency (0–5) and evidence in one number, to index a table of credits.
fn grade(proficiency: u8, evidence: Evidence) -> u8 {
    let kind = Evidence::ALL
        .iter()
        .position(|&e| e == evidence)
        .unwrap_or(0);
    (usize::from(proficiency.min(5)) * EVIDENCE_KINDS + kind) as u8
}

/// Bits of a worker's facts: bit 0 takes remote work, bit 1 takes on-site work, bits 2–15
/// speak one of the 14 most spoken languages of the index. A task asks for some bits; a worker
/// lacking one is excluded by the hard constraints anyway (`fit` checks everything exactly).
#[derive(Debug, Clone, Default)]
struct FactMask {
    /// Bit of each language number, for the most spoken ones.
    language_bit: Vec<Option<u16>>,
}

impl FactMask {
    const REMOTE: u16 = 1;
    const ON_SITE: u16 = 2;

    fn new(workers: &WorkerTable) -> Self {
        let mut count: Vec<(usize, u16)> = Vec::new();
        for w in 0..workers.len() as u32 {
            for &l in workers.langs(w) {
                let l = l as usize;
                if count.len() <= l {
                    count.resize(l + 1, (0, 0));
                }
                count[l].0 += 1;
                count[l].1 = l as u16;
            }
        }
        let mut language_bit = vec![None; count.len()];
        count.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (bit, &(n, l)) in count.iter().take(14).enumerate() {
            if n > 0 {
                language_bit[l as usize] = Some(1 << (bit + 2));
            }
        }
        FactMask { language_bit }
    }

    fn language(&self, l: u16) -> u16 {
        self.language_bit
            .get(l as usize)
            .copied()
            .flatten()
            .unwrap_or(0)
    }

    fn of_worker(&self, workers: &WorkerTable, w: u32) -> u16 {
        let mode = match workers.facts[w as usize].mode {
            WorkMode::Remote => Self::REMOTE,
            WorkMode::OnSite => Self::ON_SITE,
            WorkMode::Either => Self::REMOTE | Self::ON_SITE,
        };
        workers
            .langs(w)
            .iter()
            .fold(mode, |m, &l| m | self.language(l))
    }

    fn of_task(&self, task: &CompiledTask) -> u16 {
        let place = match task.place {
            crate::model::Place::Remote => Self::REMOTE,
            crate::model::Place::OnSite { .. } => Self::ON_SITE,
        };
        task.langs.iter().fold(place, |m, &l| m | self.language(l))
    }
}

/// The order in which workers are numbered inside the index: by the rarest skills they hold,
/// so that workers of one trade sit next to each other. A task's posting lists then touch
/// neighbouring slots and records, and a query reads far fewer cache lines than it would with
/// the workers in the order they came (document reordering, as in search engines).
fn locality_order(
    workers: &[Worker],
    vocabulary: &crate::similarity::SkillVocabulary,
) -> Vec<usize> {
    fn skills<'a>(
        w: &'a Worker,
        vocabulary: &'a crate::similarity::SkillVocabulary,
    ) -> impl Iterator<Item = u32> + 'a {
        w.skills.iter().filter_map(|s| vocabulary.get(&s.skill))
    }
    let mut holders = vec![0u32; vocabulary.len()];
    for w in workers {
        for s in skills(w, vocabulary) {
            holders[s as usize] += 1;
        }
    }
    // Skills ranked from the rarest.
    let mut by_rarity: Vec<u32> = (0..vocabulary.len() as u32).collect();
    by_rarity.sort_by_key(|&s| (holders[s as usize], s));
    let mut rank = vec![0u32; vocabulary.len()];
    for (r, &s) in by_rarity.iter().enumerate() {
        rank[s as usize] = r as u32;
    }
    // The key: the ranks of a worker's two rarest skills (a worker's skills are looked up
    // again rather than kept, which would cost a vector per worker).
    let mut keys: Vec<(u64, usize)> = workers
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (mut first, mut second) = (u32::MAX, u32::MAX);
            for s in skills(w, vocabulary) {
                let r = rank[s as usize];
                if r < first {
                    (first, second) = (r, first);
                } else if r < second {
                    second = r;
                }
            }
            ((u64::from(first) << 32) | u64::from(second), i)
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|(_, i)| i).collect()
}

/// Lists per skill, in one flat array.
#[derive(Debug, Clone, Default)]
struct Lists<T> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Lists<T> {
    fn build(n_keys: usize, pairs: impl Iterator<Item = (u32, T)> + Clone) -> Self {
        let mut start = vec![0u32; n_keys + 1];
        for (k, _) in pairs.clone() {
            start[k as usize + 1] += 1;
        }
        for i in 0..n_keys {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items: Vec<Option<T>> = vec![None; start[n_keys] as usize];
        for (k, v) in pairs {
            items[fill[k as usize] as usize] = Some(v);
            fill[k as usize] += 1;
        }
        Lists {
            start,
            items: items.into_iter().flatten().collect(),
        }
    }

    fn get(&self, key: u32) -> &[T] {
        let k = key as usize;
        match (self.start.get(k), self.start.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The k best by score, ties to the smaller id: the same rule for the index and the scan.
pub(crate) struct TopK<Id> {
    k: usize,
    heap: BinaryHeap<Entry<Id>>,
}

/// Orders so that the heap's top is the worst entry kept.
#[derive(Debug, Clone, Copy)]
struct Entry<Id> {
    score: f32,
    id: Id,
}

impl<Id: Ord> PartialEq for Entry<Id> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<Id: Ord> Eq for Entry<Id> {}
impl<Id: Ord> PartialOrd for Entry<Id> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<Id: Ord> Ord for Entry<Id> {
    /// "Greater" = worse: lower score, then larger id.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl<Id: Ord + Copy> TopK<Id> {
    pub(crate) fn new(k: usize) -> Self {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    pub(crate) fn push(&mut self, id: Id, score: f32) {
        if self.k == 0 {
            return;
        }
        let e = Entry { score, id };
        if self.heap.len() < self.k {
            self.heap.push(e);
        } else if self.heap.peek().is_some_and(|worst| e < *worst) {
            self.heap.pop();
            self.heap.push(e);
        }
    }

    /// The k-th best score once k are kept; below it nothing can enter.
    fn threshold(&self) -> f32 {
        if self.heap.len() < self.k {
            f32::NEG_INFINITY
        } else {
            self.heap.peek().map_or(f32::NEG_INFINITY, |e| e.score)
        }
    }

    pub(crate) fn into_sorted(self) -> Vec<Ranked<Id>> {
        let mut v: Vec<Entry<Id>> = self.heap.into_vec();
        v.sort();
        v.into_iter()
            .map(|e| Ranked {
                id: e.id,
                score: e.score,
            })
            .collect()
    }
}

/// The k best of the workers not retired.
struct Live<'a> {
    top: TopK<WorkerId>,
    retired: &'a HashSet<WorkerId>,
}

impl Live<'_> {
    fn push(&mut self, id: WorkerId, score: f32) {
        if self.retired.is_empty() || !self.retired.contains(&id) {
            self.top.push(id, score);
        }
    }

    fn threshold(&self) -> f32 {
        self.top.threshold()
    }

    fn into_sorted(self) -> Vec<Ranked<WorkerId>> {
        self.top.into_sorted()
    }
}

/// Reusable per-query arrays (one per thread), so a query allocates nothing proportional to
/// the number of workers.
#[derive(Debug, Default)]
pub struct RankScratch {
    /// Last stamp handed out; every query and every requirement in it takes a newer one, so
    /// that the slots never need clearing.
    stamp: u32,
    slots: Vec<Slot>,
    /// One bit per worker: scored already in this query.
    done: Vec<u64>,
    /// The workers whose `done` bit is set, to clear them for the next query.
    done_list: Vec<u32>,
    touched: Vec<u32>,
    /// What the queries so far did, summed.
    pub stats: RankStats,
}

/// One worker's state during a query, in 12 bytes so that a posting costs one cache miss
/// (the array is far larger than the caches at a million workers) and neighbours share lines.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// Coverage accumulated in this query (the seed weight while seeding).
    acc: f32,
    /// Best credit for the requirement being read.
    best: f32,
    /// The stamp of the requirement (or seeding) that last wrote the slot.
    stamp: u32,
}

/// Work done by ranking queries, summed over queries (for the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RankStats {
    /// Posting lists considered.
    pub lists: u64,
    /// Posting lists skipped because they cannot lift an unseen worker into the top k.
    pub lists_skipped: u64,
    /// Postings read.
    pub postings: u64,
    /// Workers touched by the postings read.
    pub touched: u64,
    /// Workers whose skill-free parts were computed.
    pub fitted: u64,
    /// Workers fully scored.
    pub scored: u64,
    /// Workers put in order of their skill bound.
    pub candidates: u64,
    /// Sum of the first thresholds (k-th best after the first step), for their mean.
    pub first_threshold: f64,
    /// Sum of the final k-th best scores.
    pub final_threshold: f64,
}

impl RankScratch {
    /// Readies the arrays for a query over `n` workers that will take `stamps` stamps.
    fn prepare(&mut self, n: usize, stamps: usize) {
        let stamps = u32::try_from(stamps).unwrap_or(u32::MAX);
        if self.slots.len() != n || self.stamp.checked_add(stamps).is_none() {
            self.slots = vec![Slot::default(); n];
            self.done = vec![0; n.div_ceil(64)];
            self.done_list.clear();
            self.stamp = 0;
        }
        for w in self.done_list.drain(..) {
            self.done[w as usize / 64] &= !(1 << (w % 64));
        }
        self.touched.clear();
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp += 1;
        self.stamp
    }

    fn mark_done(&mut self, w: u32) {
        self.done[w as usize / 64] |= 1 << (w % 64);
        self.done_list.push(w);
    }

    fn is_done(&self, w: u32) -> bool {
        self.done[w as usize / 64] & (1 << (w % 64)) != 0
    }
}

/// Workers and tasks indexed for ranking both ways.
#[derive(Debug, Clone)]
pub struct MatchIndex {
    similarity: Arc<SkillSimilarity>,
    languages: Languages,
    workers: WorkerTable,
    postings: Lists<Posting>,
    masks: FactMask,
    tasks: Vec<CompiledTask>,
    /// Per skill, the tasks that require it: (task, which of its requirements).
    task_postings: Lists<(u32, u16)>,
}

impl MatchIndex {
    /// Indexes `workers` and `tasks` over the skills of `similarity`'s vocabulary. A worker or
    /// task naming an unknown skill, or failing validation, is refused with the reason.
    pub fn build(
        similarity: Arc<SkillSimilarity>,
        workers: &[Worker],
        tasks: &[Task],
    ) -> Result<MatchIndex, MatchError> {
        let vocabulary = similarity.vocabulary();
        let mut languages = Languages::default();
        let mut table = WorkerTable::default();
        for &i in &locality_order(workers, vocabulary) {
            table.push(&workers[i], vocabulary, &mut languages)?;
        }
        table.shrink_to_fit();
        for t in tasks {
            for l in &t.languages {
                languages.intern(l);
            }
        }
        let compiled: Vec<CompiledTask> = tasks
            .iter()
            .map(|t| CompiledTask::new(t, &similarity, &languages))
            .collect::<Result<_, _>>()?;
        let n_skills = vocabulary.len();
        let masks = FactMask::new(&table);
        let facts: Vec<u16> = (0..table.len() as u32)
            .map(|w| masks.of_worker(&table, w))
            .collect();
        let postings = Lists::build(
            n_skills,
            (0..table.len() as u32).flat_map(|w| {
                let facts = facts[w as usize];
                table.skills(w).iter().map(move |h| {
                    (
                        h.skill,
                        Posting {
                            worker: w,
                            grade: grade(h.proficiency, h.evidence),
                            facts,
                        },
                    )
                })
            }),
        );
        let task_postings = Lists::build(
            n_skills,
            compiled.iter().enumerate().flat_map(|(t, c)| {
                c.required
                    .iter()
                    .enumerate()
                    .map(move |(i, n)| (n.skill, (t as u32, i as u16)))
            }),
        );
        Ok(MatchIndex {
            similarity,
            languages,
            workers: table,
            postings,
            masks,
            tasks: compiled,
            task_postings,
        })
    }

    /// An index of no workers and no tasks over `similarity`'s vocabulary.
    pub fn empty(similarity: Arc<SkillSimilarity>) -> MatchIndex {
        let n_skills = similarity.vocabulary().len();
        let workers = WorkerTable::default();
        MatchIndex {
            masks: FactMask::new(&workers),
            similarity,
            languages: Languages::default(),
            workers,
            postings: Lists::build(n_skills, std::iter::empty()),
            tasks: Vec::new(),
            task_postings: Lists::build(n_skills, std::iter::empty()),
        }
    }

    /// The similarity in use, shared.
    pub fn similarity_arc(&self) -> Arc<SkillSimilarity> {
        self.similarity.clone()
    }

    /// Workers indexed.
    pub fn worker_count(&self) -> usize {
        self.workers.len()
    }

    /// Tasks indexed.
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// The ids of the workers indexed, in index order.
    pub fn worker_ids(&self) -> &[WorkerId] {
        &self.workers.ids
    }

    /// The ids of the tasks indexed, in index order.
    pub fn task_ids(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.tasks.iter().map(|t| t.id)
    }

    /// Approximate bytes of memory per indexed worker (worker table and postings).
    pub fn bytes_per_worker(&self) -> f64 {
        let bytes = self.workers.bytes()
            + self.postings.items.capacity() * size_of::<Posting>()
            + self.postings.start.capacity() * 4;
        bytes as f64 / self.workers.len().max(1) as f64
    }

    /// The skill similarity in use.
    pub fn similarity(&self) -> &SkillSimilarity {
        &self.similarity
    }

    fn compile(&self, task: &Task) -> Result<CompiledTask, MatchError> {
        CompiledTask::new(task, &self.similarity, &self.languages)
    }

    /// The `k` best workers for `task`, best first (ties: smaller id first).
    pub fn top_workers(
        &self,
        task: &Task,
        k: usize,
        scratch: &mut RankScratch,
    ) -> Result<Vec<Ranked<WorkerId>>, MatchError> {
        self.top_workers_except(task, k, scratch, &HashSet::new())
    }

    /// [`Self::top_workers`] as if the workers in `retired` were not indexed (a
    /// [`crate::LiveIndex`] retires the entries that newer versions replace).
    pub fn top_workers_except(
        &self,
        task: &Task,
        k: usize,
        scratch: &mut RankScratch,
        retired: &HashSet<WorkerId>,
    ) -> Result<Vec<Ranked<WorkerId>>, MatchError> {
        let task = self
            .compile(task)?
            .with_dense_lookup(self.similarity.vocabulary().len());
        Ok(self.rank_workers(&task, k, scratch, retired))
    }

    fn rank_workers(
        &self,
        task: &CompiledTask,
        k: usize,
        scratch: &mut RankScratch,
        retired: &HashSet<WorkerId>,
    ) -> Vec<Ranked<WorkerId>> {
        // A retired worker is never pushed, so the k-th best (which prunes) is only ever
        // taken from live workers: the pruning stays exact.
        let mut top = Live {
            top: TopK::new(k),
            retired,
        };
        if k == 0 || self.workers.is_empty() {
            return Vec::new();
        }
        scratch.prepare(self.workers.len(), task.required.len() + 2);
        let sim = &*self.similarity;
        let wanted = self.masks.of_task(task);
        // When every language of the task has a fact bit, the postings' bits have checked them.
        let langs_masked = task.langs.iter().all(|&l| self.masks.language(l) != 0);
        // Each requirement with the lists that can earn it credit.
        struct Group<'a> {
            need: crate::score::Need,
            lists: Vec<(&'a [Posting], f32)>,
        }
        let groups: Vec<Group> = task
            .required
            .iter()
            .map(|need| {
                let mut lists = vec![(self.postings.get(need.skill), 1.0)];
                lists.extend(
                    sim.neighbours(need.skill)
                        .iter()
                        .map(|n| (self.postings.get(n.skill), n.similarity)),
                );
                Group { need: *need, lists }
            })
            .collect();

        // 1. A first threshold from the workers who hold the most of the task's rarest
        // required skills: rare skills are specific to an occupation, and holding several of
        // them makes a strong candidate, so the k-th best of these is close to the final one.
        let mut rare: Vec<usize> = (0..groups.len())
            .filter(|&g| !groups[g].lists[0].0.is_empty())
            .collect();
        rare.sort_by_key(|&g| (groups[g].lists[0].0.len(), g));
        // Seed weights accumulate in the slots' `acc` under a stamp of their own; the
        // requirement stamps that follow are all newer, so step 3 starts these slots afresh.
        let seed_stamp = scratch.next_stamp();
        let mut seeds: Vec<u32> = Vec::new();
        let mut read = 0usize;
        for &g in rare.iter().take(4) {
            let list = groups[g].lists[0].0;
            if read > 0 && read + list.len() > BOOTSTRAP_READ {
                break;
            }
            read += list.len();
            let weight = groups[g].need.weight;
            for p in list {
                if p.facts & wanted != wanted {
                    continue;
                }
                let slot = &mut scratch.slots[p.worker as usize];
                if slot.stamp != seed_stamp {
                    slot.stamp = seed_stamp;
                    slot.acc = 0.0;
                    seeds.push(p.worker);
                }
                slot.acc += weight;
            }
        }
        let mut seeds: Vec<(f32, u32)> = seeds
            .into_iter()
            .map(|w| (scratch.slots[w as usize].acc, w))
            .collect();
        let take = BOOTSTRAP.min(seeds.len());
        if take > 0 && take < seeds.len() {
            seeds.select_nth_unstable_by(take - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        seeds.truncate(take);
        for &(_, w) in &seeds {
            scratch.mark_done(w);
            scratch.stats.fitted += 1;
            if fit(task, &self.workers, w, langs_masked, None).is_err() {
                continue;
            }
            scratch.stats.scored += 1;
            if let Ok(parts) = evaluate(task, &self.workers, w, sim, langs_masked, None) {
                top.push(self.workers.ids[w as usize], parts.total());
            }
        }
        let theta = top.threshold();
        scratch.stats.first_threshold += f64::from(theta.max(0.0));

        // 2. The longest lists that cannot lift an otherwise unseen worker to θ. A list can
        // add at most weight × (1, or RELATED × similarity for a stand-in) to a worker; within
        // a requirement only the best list counts, so what the skipped lists can add is, per
        // requirement, the largest of their maxima.
        let mut lists: Vec<(usize, usize)> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| (0..group.lists.len()).map(move |l| (g, l)))
            .collect();
        // Longest per unit of bound first: skipping a long list of a weak stand-in costs the
        // bound little and saves the most reading.
        let cost_benefit = |&(g, l): &(usize, usize)| {
            let (list, similarity) = groups[g].lists[l];
            list.len() as f32 / (groups[g].need.weight * credit(5, 1.0, 1, similarity)).max(1e-6)
        };
        lists.sort_by(|a, b| cost_benefit(b).total_cmp(&cost_benefit(a)).then(a.cmp(b)));
        let mut skipped_max = vec![0.0f32; groups.len()];
        let mut skipped: Vec<Vec<bool>> =
            groups.iter().map(|g| vec![false; g.lists.len()]).collect();
        let mut skipped_weight = 0.0f32;
        for (g, l) in lists {
            let (list, similarity) = groups[g].lists[l];
            if list.is_empty() {
                skipped[g][l] = true;
                continue;
            }
            let most = groups[g].need.weight * credit(5, 1.0, 1, similarity);
            let total = skipped_weight - skipped_max[g] + skipped_max[g].max(most);
            if total <= SKIP_BUDGET && 100.0 * (W_REQUIRED * total + NON_REQUIRED) + EPS < theta {
                skipped[g][l] = true;
                skipped_max[g] = skipped_max[g].max(most);
                skipped_weight = total;
                scratch.stats.lists_skipped += 1;
            }
        }

        // 3. Coverage from the other lists, then score in order of the bound.
        // Stamps from `first` on are this step's: an older stamp means the slot's coverage is
        // stale (another query's, or the seeds' weight) and starts again from zero.
        let first = seed_stamp + 1;
        for (g, group) in groups.iter().enumerate() {
            let stamp = scratch.next_stamp();
            let need = group.need;
            for (l, &(list, similarity)) in group.lists.iter().enumerate() {
                scratch.stats.lists += 1;
                if skipped[g][l] {
                    continue;
                }
                scratch.stats.postings += list.len() as u64;
                // Weighted credit of every (proficiency, evidence) a posting can carry, so that
                // reading a posting is a table lookup (the credit is the same for all).
                let mut gain = [0.0f32; 6 * EVIDENCE_KINDS];
                for (i, g) in gain.iter_mut().enumerate() {
                    let (level, evidence) = (i / EVIDENCE_KINDS, Evidence::ALL[i % EVIDENCE_KINDS]);
                    *g = need.weight * credit(level as u8, evidence.factor(), need.min, similarity);
                }
                for (at, p) in list.iter().enumerate() {
                    // The slots are read at random across tens of megabytes: ask for the one
                    // a few postings ahead now, so it is in cache when its turn comes.
                    if let Some(ahead) = list.get(at + PREFETCH_AHEAD) {
                        prefetch(&scratch.slots, ahead.worker as usize);
                    }
                    if p.facts & wanted != wanted {
                        continue;
                    }
                    let c = gain[usize::from(p.grade)];
                    let slot = &mut scratch.slots[p.worker as usize];
                    if slot.stamp < first {
                        *slot = Slot {
                            acc: c,
                            best: c,
                            stamp,
                        };
                        scratch.touched.push(p.worker);
                    } else if slot.stamp != stamp {
                        slot.stamp = stamp;
                        slot.best = c;
                        slot.acc += c;
                    } else if c > slot.best {
                        slot.acc += c - slot.best;
                        slot.best = c;
                    }
                }
            }
        }
        scratch.stats.touched += scratch.touched.len() as u64;
        // The bound: exact coverage so far, full marks for the skipped lists and the optional
        // skills, and at most `rest_max` for the skill-free parts. Workers are taken in order of
        // their skill bound, so the first whose bound cannot reach the k-th best ends the
        // search; each is first bounded exactly by its skill-free parts (cheap, and it applies
        // the hard constraints), and only then scored.
        let rest_max = 100.0 * (NON_REQUIRED - W_OPTIONAL);
        let mut candidates: Vec<(f32, u32)> = Vec::new();
        for (at, &w) in scratch.touched.iter().enumerate() {
            if let Some(&ahead) = scratch.touched.get(at + PREFETCH_AHEAD) {
                prefetch(&scratch.slots, ahead as usize);
            }
            if scratch.is_done(w) {
                continue;
            }
            let skills = 100.0
                * (W_REQUIRED * (scratch.slots[w as usize].acc + skipped_weight) + W_OPTIONAL)
                + EPS;
            if skills + rest_max >= theta {
                candidates.push((skills, w));
            }
        }
        scratch.stats.candidates += candidates.len() as u64;
        // A heap, not a sort: the search usually stops after a small share of the candidates.
        let mut candidates: BinaryHeap<Entry<std::cmp::Reverse<u32>>> = candidates
            .into_iter()
            .map(|(score, w)| Entry {
                score: -score,
                id: std::cmp::Reverse(w),
            })
            .collect();
        // In batches, so that the records of the next few candidates are being fetched from
        // memory while the first is bounded.
        let mut batch: Vec<(f32, u32)> = Vec::with_capacity(CANDIDATE_BATCH);
        'candidates: loop {
            batch.clear();
            while batch.len() < CANDIDATE_BATCH {
                match candidates.pop() {
                    Some(Entry {
                        score,
                        id: std::cmp::Reverse(w),
                    }) => batch.push((-score, w)),
                    None => break,
                }
            }
            if batch.is_empty() {
                break;
            }
            for &(_, w) in &batch {
                prefetch(&self.workers.facts, w as usize);
            }
            for &(skills, w) in &batch {
                if skills + rest_max < top.threshold() {
                    break 'candidates;
                }
                scratch.stats.fitted += 1;
                let Ok(rest) = fit(task, &self.workers, w, langs_masked, None) else {
                    continue;
                };
                if skills + rest.total() < top.threshold() {
                    continue;
                }
                scratch.stats.scored += 1;
                if let Ok(parts) = evaluate(task, &self.workers, w, sim, langs_masked, None) {
                    top.push(self.workers.ids[w as usize], parts.total());
                }
            }
        }
        scratch.stats.final_threshold += f64::from(top.threshold().max(0.0));
        top.into_sorted()
    }

    /// The `k` best workers for `task` by scoring every worker: the reference for
    /// [`Self::top_workers`].
    pub fn top_workers_brute_force(
        &self,
        task: &Task,
        k: usize,
    ) -> Result<Vec<Ranked<WorkerId>>, MatchError> {
        let task = self
            .compile(task)?
            .with_dense_lookup(self.similarity.vocabulary().len());
        let mut top = TopK::new(k);
        for w in 0..self.workers.len() as u32 {
            if let Ok(parts) = evaluate(&task, &self.workers, w, &self.similarity, false, None) {
                top.push(self.workers.ids[w as usize], parts.total());
            }
        }
        Ok(top.into_sorted())
    }

    fn one_worker(&self, worker: &Worker) -> Result<WorkerTable, MatchError> {
        let mut table = WorkerTable::default();
        // A language no indexed task names cannot matter; it gets a number of its own.
        let mut languages = self.languages.clone();
        table.push(worker, self.similarity.vocabulary(), &mut languages)?;
        Ok(table)
    }

    /// The `k` best tasks for `worker`, best first (ties: smaller id first).
    pub fn top_tasks(&self, worker: &Worker, k: usize) -> Result<Vec<Ranked<TaskId>>, MatchError> {
        self.top_tasks_except(worker, k, &HashSet::new())
    }

    /// [`Self::top_tasks`] as if the tasks in `retired` were not indexed.
    pub fn top_tasks_except(
        &self,
        worker: &Worker,
        k: usize,
        retired: &HashSet<TaskId>,
    ) -> Result<Vec<Ranked<TaskId>>, MatchError> {
        let table = self.one_worker(worker)?;
        // 1. Coverage bounds: every posting of the worker's skills and their stand-ins adds
        // its weighted credit to its task. A task's coverage takes the best credit per
        // requirement; the sum of all of them can only be larger, so it bounds the score.
        let mut acc = vec![0f32; self.tasks.len()];
        let mut listed = vec![false; self.tasks.len()];
        let mut touched: Vec<u32> = Vec::new();
        for h in table.skills(0) {
            let stand_ins = self
                .similarity
                .neighbours(h.skill)
                .iter()
                .map(|n| (n.skill, n.similarity));
            for (skill, similarity) in std::iter::once((h.skill, 1.0)).chain(stand_ins) {
                for &(t, i) in self.task_postings.get(skill) {
                    let need = &self.tasks[t as usize].required[usize::from(i)];
                    if !std::mem::replace(&mut listed[t as usize], true) {
                        touched.push(t);
                    }
                    acc[t as usize] += need.weight
                        * credit(h.proficiency, h.evidence.factor(), need.min, similarity);
                }
            }
        }
        // 2. Score in order of the bound until it cannot reach the k-th best (ties go to the
        // smaller id, so a bound equal to the k-th best is still scored).
        let bound = |t: u32| 100.0 * (W_REQUIRED * acc[t as usize] + NON_REQUIRED) + EPS;
        touched.sort_unstable_by(|&a, &b| bound(b).total_cmp(&bound(a)).then(a.cmp(&b)));
        let mut top = TopK::new(k);
        for t in touched {
            if bound(t) < top.threshold() {
                break;
            }
            let task = &self.tasks[t as usize];
            if retired.contains(&task.id) {
                continue;
            }
            if let Ok(parts) = evaluate(task, &table, 0, &self.similarity, false, None) {
                top.push(task.id, parts.total());
            }
        }
        Ok(top.into_sorted())
    }

    /// The `k` best tasks for `worker` by scoring every task: the reference for
    /// [`Self::top_tasks`].
    pub fn top_tasks_brute_force(
        &self,
        worker: &Worker,
        k: usize,
    ) -> Result<Vec<Ranked<TaskId>>, MatchError> {
        let table = self.one_worker(worker)?;
        let mut top = TopK::new(k);
        for task in &self.tasks {
            if let Ok(parts) = evaluate(task, &table, 0, &self.similarity, false, None) {
                top.push(task.id, parts.total());
            }
        }
        Ok(top.into_sorted())
    }

    /// Why `worker` scores what they score for `task`, or why they are excluded. Neither needs
    /// to be indexed.
    pub fn explain(
        &self,
        task: &Task,
        worker: &Worker,
    ) -> Result<Result<Breakdown, Exclusion>, MatchError> {
        let mut languages = self.languages.clone();
        for l in &task.languages {
            languages.intern(l);
        }
        let mut table = WorkerTable::default();
        table.push(worker, self.similarity.vocabulary(), &mut languages)?;
        let task = CompiledTask::new(task, &self.similarity, &languages)?;
        let mut detail = Detail::default();
        Ok(
            evaluate(&task, &table, 0, &self.similarity, false, Some(&mut detail)).map(|parts| {
                Breakdown {
                    score: parts.total(),
                    parts,
                    required: detail.required,
                    optional: detail.optional,
                    missing: detail.missing,
                    notes: detail.notes,
                }
            }),
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::generate::{self, OccupationProfile};
    use guild_taxonomy::SkillId;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A made-up taxonomy: skills, occupations drawing on overlapping skills, a hierarchy.
    pub(crate) fn taxonomy(seed: u64) -> (Arc<SkillSimilarity>, Vec<OccupationProfile>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let skills: Vec<SkillId> = (0..120)
            .map(|i| SkillId::parse(&format!("s{i}")).unwrap())
            .collect();
        let mut occupations = Vec::new();
        let mut triples = Vec::new();
        for o in 0..25 {
            let base = rng.random_range(0..100usize);
            let mut list = Vec::new();
            for j in 0..15 {
                let s = if j < 10 {
                    (base + j) % 120
                } else {
                    rng.random_range(0..120usize)
                };
                if list.iter().any(|(x, _): &(SkillId, f32)| *x == skills[s]) {
                    continue;
                }
                let w = rng.random_range(0.2..1.0f32);
                list.push((skills[s].clone(), w));
                triples.push((format!("o{o}"), skills[s].clone(), w));
            }
            occupations.push(OccupationProfile {
                id: format!("o{o}"),
                skills: list,
            });
        }
        let broader: Vec<(SkillId, SkillId)> = (0..40)
            .map(|i| (skills[i + 60].clone(), skills[i / 8].clone()))
            .collect();
        (
            Arc::new(SkillSimilarity::learn(&skills, &triples, &broader)),
            occupations,
        )
    }

    #[test]
    fn ranking_equals_brute_force_both_ways() {
        for seed in 0..6u64 {
            let (sim, occupations) = taxonomy(seed);
            let workers = generate::workers(&occupations, 600, 1, seed).unwrap();
            let tasks = generate::tasks(&occupations, 60, 1..=10, 1, seed).unwrap();
            let index = MatchIndex::build(sim, &workers, &tasks).unwrap();
            let mut scratch = RankScratch::default();
            let mut nonempty = 0;
            for task in &tasks {
                for k in [1, 5, 20, 1000] {
                    let fast = index.top_workers(task, k, &mut scratch).unwrap();
                    let slow = index.top_workers_brute_force(task, k).unwrap();
                    assert_eq!(fast, slow, "seed {seed} task {} k {k}", task.id);
                    nonempty += usize::from(!fast.is_empty());
                }
            }
            assert!(nonempty > 100, "the instances must have matches to compare");
            for worker in workers.iter().step_by(7) {
                for k in [1, 10, 100] {
                    assert_eq!(
                        index.top_tasks(worker, k).unwrap(),
                        index.top_tasks_brute_force(worker, k).unwrap(),
                        "seed {seed} worker {} k {k}",
                        worker.id
                    );
                }
            }
        }
    }

    #[test]
    fn scratch_survives_running_out_of_stamps() {
        let (sim, occupations) = taxonomy(3);
        let workers = generate::workers(&occupations, 400, 1, 3).unwrap();
        let tasks = generate::tasks(&occupations, 8, 4..=10, 1, 3).unwrap();
        let index = MatchIndex::build(sim, &workers, &tasks).unwrap();
        let mut scratch = RankScratch::default();
        for task in &tasks {
            // Too few stamps left for the query: the slots must be reset, not reused.
            scratch.stamp = u32::MAX - 2;
            assert_eq!(
                index.top_workers(task, 10, &mut scratch).unwrap(),
                index.top_workers_brute_force(task, 10).unwrap()
            );
            assert!(scratch.stamp < 100);
        }
    }

    #[test]
    fn explanations_agree_with_scores() {
        let (sim, occupations) = taxonomy(42);
        let workers = generate::workers(&occupations, 300, 1, 42).unwrap();
        let tasks = generate::tasks(&occupations, 20, 3..=8, 1, 42).unwrap();
        let index = MatchIndex::build(sim, &workers, &tasks).unwrap();
        let mut scratch = RankScratch::default();
        let mut stand_ins = 0;
        for task in &tasks {
            for r in index.top_workers(task, 10, &mut scratch).unwrap() {
                let worker = &workers[(r.id.0 - 1) as usize];
                let b = index.explain(task, worker).unwrap().unwrap();
                assert_eq!(b.score, r.score);
                assert!((b.parts.total() - b.score).abs() < 1e-6);
                let req: f32 = b.required.iter().map(|c| c.weight * c.credit).sum();
                assert!((req - b.parts.required).abs() < 1e-5);
                assert_eq!(b.required.len() + b.missing.len(), task.required.len());
                for c in &b.required {
                    if c.held != c.skill {
                        stand_ins += 1;
                        assert!(c.similarity < 1.0 && c.basis.is_some());
                        // A stand-in beats the worker's own skill only when that is held
                        // below the level asked.
                        if let Some(own) = worker.skills.iter().find(|s| s.skill == c.skill) {
                            assert!(own.proficiency.level() < c.min_proficiency);
                        }
                    }
                }
            }
        }
        assert!(stand_ins > 0, "related skills should stand in somewhere");
    }

    #[test]
    fn hard_constraints_exclude_with_a_reason() {
        let (sim, occupations) = taxonomy(7);
        let mut worker = generate::workers(&occupations, 1, 1, 7).unwrap().remove(0);
        let mut task = generate::tasks(&occupations, 1, 3..=3, 1, 7)
            .unwrap()
            .remove(0);
        task.required[0].skill = worker.skills[0].skill.clone();
        task.place = crate::model::Place::Remote;
        task.languages = vec!["en".into()];
        task.min_overlap_hours = 0.0;
        worker.languages = vec!["en".into()];
        worker.work_mode = WorkMode::Either;
        let index = MatchIndex::build(sim, &[], &[]).unwrap();
        assert!(index.explain(&task, &worker).unwrap().is_ok());

        let mut w = worker.clone();
        w.languages = vec!["nl".into()];
        assert_eq!(
            index.explain(&task, &w).unwrap(),
            Err(Exclusion::Language {
                language: "en".into()
            })
        );
        let mut w = worker.clone();
        w.work_mode = WorkMode::OnSite;
        assert_eq!(index.explain(&task, &w).unwrap(), Err(Exclusion::WorkMode));
        let mut t = task.clone();
        t.utc_offset_minutes = worker.utc_offset_minutes + 12 * 60
            - 24 * 60 * i32::from(worker.utc_offset_minutes > 120);
        t.min_overlap_hours = 2.0;
        assert!(matches!(
            index.explain(&t, &worker).unwrap(),
            Err(Exclusion::TimeZone { .. })
        ));
        let mut t = task.clone();
        t.place = crate::model::Place::OnSite {
            location: crate::model::GeoPoint::new(-89.0, 0.0).unwrap(),
        };
        assert!(matches!(
            index.explain(&t, &worker).unwrap(),
            Err(Exclusion::TooFar { .. })
        ));
        let mut w = worker.clone();
        w.skills.clear();
        assert_eq!(
            index.explain(&task, &w).unwrap(),
            Err(Exclusion::NoRequiredSkill)
        );
    }

    #[test]
    fn unknown_skills_are_refused() {
        let (sim, occupations) = taxonomy(3);
        let mut task = generate::tasks(&occupations, 1, 3..=3, 1, 3)
            .unwrap()
            .remove(0);
        task.required[0].skill = SkillId::parse("nope").unwrap();
        let index = MatchIndex::build(sim, &[], &[]).unwrap();
        assert_eq!(
            index.top_workers(&task, 5, &mut RankScratch::default()),
            Err(MatchError::UnknownSkill(SkillId::parse("nope").unwrap()))
        );
    }
}
