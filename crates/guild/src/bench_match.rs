//! `guild bench matching`: top-k workers for a task from the index, beside a brute-force scan of
//! every worker, on the same generated workers and tasks in one run; results asserted equal.

use crate::bench::percentile;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use guild_matching::{MatchIndex, RankScratch};
use guild_store::Store;
use guild_taxonomy::Source;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Options of the ranking benchmark.
pub struct MatchingBench {
    pub workers: usize,
    pub tasks: usize,
    pub brute_tasks: usize,
    pub required: usize,
    pub k: usize,
    pub seed: u64,
}

pub fn matching(store: &Store, o: &MatchingBench) -> Result<String> {
    if o.tasks == 0 || o.workers == 0 || o.k == 0 {
        bail!("--workers, --tasks and -k must be above 0");
    }
    let mut occupations = store.taxonomy().occupation_profiles(Some(Source::Esco))?;
    let source = if occupations.is_empty() {
        occupations = store.taxonomy().occupation_profiles(None)?;
        "the loaded taxonomy"
    } else {
        "ESCO"
    };
    let input = store.taxonomy().similarity_input()?;
    let started = Instant::now();
    let similarity = Arc::new(input.learn());
    let learn = started.elapsed();
    drop(input);
    let required = o.required..=o.required;
    let workers = guild_matching::generate::workers(&occupations, o.workers, 1, o.seed)?;
    let tasks = guild_matching::generate::tasks(&occupations, o.tasks, required, 1, o.seed)?;
    let before = resident_mib();
    let started = Instant::now();
    let index = MatchIndex::build(similarity, &workers, &[])?;
    let build = started.elapsed();
    let after = resident_mib();
    drop(workers);

    let mut scratch = RankScratch::default();
    // Warm the scratch arrays so the first query is not charged for allocating them.
    index.top_workers(&tasks[0], o.k, &mut scratch)?;
    scratch.stats = Default::default();
    let mut indexed = Vec::with_capacity(tasks.len());
    let mut results = Vec::with_capacity(tasks.len());
    let mut found = 0usize;
    for t in &tasks {
        let started = Instant::now();
        let r = index.top_workers(t, o.k, &mut scratch)?;
        indexed.push(started.elapsed());
        found += r.len();
        results.push(r);
    }
    let mut brute = Vec::new();
    for (t, expected) in tasks.iter().zip(&results).take(o.brute_tasks.max(1)) {
        let started = Instant::now();
        let r = index.top_workers_brute_force(t, o.k)?;
        brute.push(started.elapsed());
        if r != *expected {
            bail!("index and brute force disagree on task {}", t.id);
        }
    }
    let st = scratch.stats;
    let per = |x: u64| x as f64 / tasks.len() as f64;
    indexed.sort();
    brute.sort();
    let (ip50, ip99) = (percentile(&indexed, 0.5), percentile(&indexed, 0.99));
    let (bp50, bp99) = (percentile(&brute, 0.5), percentile(&brute, 0.99));
    Ok(format!(
        "workers : {} generated from {} {source} occupations (seed {}); skill similarity learned in {:.2} s over {} skills\n\
         index   : built in {:.2} s; {:.0} bytes per worker (resident +{:.0} MiB)\n\
         tasks   : {} with {} required skills each, top {} ({:.1} results per task on average)\n\
         index   : p50 {:.3} ms  p99 {:.3} ms  over {} tasks\n\
         per task: {:.0} of {:.0} posting lists read, {:.0} postings, {:.0} workers touched, {:.0} ordered, {:.0} bounded, {:.0} scored; k-th best {:.1} after the first step, {:.1} at the end\n\
         brute   : p50 {:.3} ms  p99 {:.3} ms  over {} tasks (same results asserted)\n\
         index_p50={:.3}ms brute_p50={:.3}ms ratio={:.0}",
        o.workers,
        occupations.len(),
        o.seed,
        learn.as_secs_f64(),
        index.similarity().vocabulary().len(),
        build.as_secs_f64(),
        index.bytes_per_worker(),
        after.zip(before).map_or(0.0, |(a, b)| a - b),
        tasks.len(),
        o.required,
        o.k,
        found as f64 / tasks.len() as f64,
        ms(ip50),
        ms(ip99),
        indexed.len(),
        per(st.lists - st.lists_skipped),
        per(st.lists),
        per(st.postings),
        per(st.touched),
        per(st.candidates),
        per(st.fitted),
        per(st.scored),
        st.first_threshold / tasks.len() as f64,
        st.final_threshold / tasks.len() as f64,
        ms(bp50),
        ms(bp99),
        brute.len(),
        ms(ip50),
        ms(bp50),
        ms(bp50) / ms(ip50).max(1e-9),
    ))
}

/// Options of the team-formation benchmark.
pub struct TeamsBench {
    pub workers: usize,
    pub projects: usize,
    pub weeks: f64,
    pub node_limit: u64,
    pub seed: u64,
}

/// Team formation over generated workers: every project solved by the default method (exact
/// within the node limit) and by the approximation alone, with gaps to the lower bound and, where
/// the exact search finished, to the optimum.
pub fn teams(store: &Store, o: &TeamsBench) -> Result<String> {
    use guild_matching::SkillVocabulary;
    use guild_matching::team::{SkillNeed, TeamRequest, benchmark};

    if o.workers == 0 || o.projects == 0 || !(o.weeks > 0.0 && o.weeks <= 52.0) {
        bail!("--workers and --projects must be above 0, --weeks in (0, 52]");
    }
    let mut occupations = store.taxonomy().occupation_profiles(Some(Source::Esco))?;
    if occupations.is_empty() {
        occupations = store.taxonomy().occupation_profiles(None)?;
    }
    let workers = guild_matching::generate::workers(&occupations, o.workers, 1, o.seed)?;
    let tasks = guild_matching::generate::tasks(&occupations, o.projects, 5..=15, 1, o.seed)?;
    let mut vocabulary = SkillVocabulary::default();
    for s in workers.iter().flat_map(|w| &w.skills) {
        vocabulary.intern(&s.skill);
    }
    let usd = guild_matching::Currency::parse("USD")?;
    let candidates = guild_matching::team::candidates(&workers, usd, o.weeks, &vocabulary);
    let requests: Vec<TeamRequest> = tasks
        .iter()
        .map(|t| {
            let total: f32 = t.required.iter().map(|r| r.weight).sum();
            TeamRequest {
                needs: t
                    .required
                    .iter()
                    .map(|r| SkillNeed {
                        skill: vocabulary.intern(&r.skill),
                        // The task's hours shared by weight, 4–40 hours a need.
                        hours: f64::from(t.hours * r.weight / total).clamp(4.0, 40.0),
                        min_proficiency: r.min_proficiency.level(),
                    })
                    .collect(),
                utc_offset_minutes: t.utc_offset_minutes,
                min_overlap_hours: f64::from(t.min_overlap_hours),
                budget: None,
                member_overhead_hours: 2.0,
                max_members: None,
            }
        })
        .collect();
    let r = benchmark(&candidates, &requests, o.node_limit)?;
    let line = |name: &str, m: &guild_matching::team::MethodSummary| {
        format!(
            "{name:<12}: total {:.0} ms, per project p50 {:.1} ms p99 {:.1} ms max {:.1} ms; {} teams ({} proven optimal), {} without a team; gap to the lower bound mean {:.2} % max {:.2} %",
            m.total_ms,
            m.p50_ms,
            m.p99_ms,
            m.max_ms,
            m.teams,
            m.exact,
            m.infeasible,
            100.0 * m.mean_gap,
            100.0 * m.max_gap
        )
    };
    Ok(format!(
        "workers : {} generated ({} with a rate), {} projects of 5–15 needs from {} occupations (seed {}), {} weeks\n\
         index   : {:.0} ms; candidates after reduction per project mean {:.0}, max {}\n\
         {}\n{}\n\
         approximation against the proven optimum ({} projects): mean gap {:.3} %, max {:.3} %",
        o.workers,
        candidates.len(),
        requests.len(),
        occupations.len(),
        o.seed,
        o.weeks,
        r.index_ms,
        r.reduced_candidates_mean,
        r.reduced_candidates_max,
        line("exact (auto)", &r.auto),
        line("approximate", &r.approximate),
        r.optimum_known,
        100.0 * r.approx_gap_to_optimum_mean,
        100.0 * r.approx_gap_to_optimum_max,
    ))
}

/// Options of the following benchmark.
pub struct FollowBench {
    pub workers: usize,
    pub tasks: usize,
    pub k: usize,
    pub seed: u64,
}

/// Following changes: a change applied to a [`LiveIndex`] over generated workers, with
/// more and more changes already pending, beside rebuilding the whole index (what a server did
/// before it followed changes); and ranking with pending changes beside ranking without. The
/// live rankings are checked against an index built afresh over the same workers.
pub fn follow(store: &Store, o: &FollowBench) -> Result<String> {
    use guild_matching::{LiveIndex, Worker};
    use rand::{RngExt, SeedableRng};

    if o.tasks == 0 || o.workers < 20_000 || o.k == 0 {
        bail!("--workers must be at least 20000; --tasks and -k above 0");
    }
    let mut occupations = store.taxonomy().occupation_profiles(Some(Source::Esco))?;
    if occupations.is_empty() {
        occupations = store.taxonomy().occupation_profiles(None)?;
    }
    let similarity = Arc::new(store.taxonomy().similarity_input()?.learn());
    let mut workers = guild_matching::generate::workers(&occupations, o.workers, 1, o.seed)?;
    let tasks = guild_matching::generate::tasks(&occupations, o.tasks, 10..=10, 1, o.seed)?;
    // Edits: another generated profile under an existing worker's id.
    let others = guild_matching::generate::workers(&occupations, 10_000, 1, o.seed + 1)?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(o.seed);
    let mut edit = |workers: &mut Vec<Worker>| -> Worker {
        let at = rng.random_range(0..workers.len());
        let mut w = others[rng.random_range(0..others.len())].clone();
        w.id = workers[at].id;
        workers[at] = w.clone();
        w
    };

    let started = Instant::now();
    let base = MatchIndex::build(similarity.clone(), &workers, &[])?;
    let rebuild = started.elapsed();
    let mut live = LiveIndex::new(base);
    let mut rows = Vec::new();
    let mut queried = Vec::new();
    for pending in [0usize, 100, 1_000, 10_000] {
        // Bring the pending changes up to `pending`, then time single changes on top.
        let missing = pending.saturating_sub(live.pending());
        if missing > 0 {
            let batch: Vec<_> = (0..missing)
                .map(|_| {
                    let w = edit(&mut workers);
                    (w.id, Some(w))
                })
                .collect();
            live = live.with_changes(batch, [])?;
        }
        let mut times = Vec::new();
        for _ in 0..20 {
            let w = edit(&mut workers);
            let started = Instant::now();
            let next = live.with_changes([(w.id, Some(w))], [])?;
            times.push(started.elapsed());
            live = next;
        }
        times.sort();
        let mut scratch = RankScratch::default();
        live.top_workers(&tasks[0], o.k, &mut scratch)?;
        let mut q = Vec::new();
        for t in &tasks {
            let started = Instant::now();
            live.top_workers(t, o.k, &mut scratch)?;
            q.push(started.elapsed());
        }
        q.sort();
        rows.push((live.pending(), percentile(&times, 0.5), percentile(&q, 0.5)));
        queried.push(percentile(&q, 0.99));
    }
    // The live index ranks as one built afresh over the current workers.
    let fresh = MatchIndex::build(similarity, &workers, &[])?;
    let mut a = RankScratch::default();
    let mut b = RankScratch::default();
    for t in tasks.iter().take(50) {
        if live.top_workers(t, o.k, &mut a)? != fresh.top_workers(t, o.k, &mut b)? {
            bail!("the live index and a fresh build disagree on task {}", t.id);
        }
    }
    let mut out = format!(
        "workers : {} generated (seed {}), {} tasks with 10 required skills, top {}\n\
         rebuild : {:.0} ms to build the index over every worker (what each change cost before)\n\
         pending   change p50   ratio to rebuild   query p50   query p99\n",
        o.workers,
        o.seed,
        tasks.len(),
        o.k,
        ms(rebuild)
    );
    for ((pending, change, query), p99) in rows.iter().zip(&queried) {
        out.push_str(&format!(
            "{:>7}   {:>8.2} ms   {:>14.0}×   {:>6.3} ms   {:>6.3} ms\n",
            pending,
            ms(*change),
            ms(rebuild) / ms(*change).max(1e-9),
            ms(*query),
            ms(*p99)
        ));
    }
    out.push_str(
        "the live rankings equal a fresh build's over the same workers (50 tasks checked)",
    );
    Ok(out)
}
