//! `guild audit counterfactual`: the rankings of generated workers must not move when what must
//! not matter changes. Every worker's name is replaced (another culture's, another length, empty
//! of meaning); rankings of workers for every task and of tasks for a sample of workers are made
//! again, and every id, rank and score must be identical. Then the inputs that do matter but can
//! stand for where or who someone is (time zone, languages, place) are changed one at a time, and
//! how many rankings move is reported, so that their weight is documented, not guessed.
//!
//! Declared attributes (sex, race/ethnicity, age band, disability) are not part of the matching
//! model at all: a [`Worker`] has no field for them, so no code path can pass them to the scorer.

use std::sync::Arc;

use anyhow::{Result, bail};
use guild_matching::{GeoPoint, MatchIndex, RankScratch, Ranked, SkillSimilarity, Task, Worker};
use guild_store::Store;
use guild_taxonomy::Source;

/// Options of the counterfactual audit.
pub struct Counterfactual {
    pub workers: usize,
    pub tasks: usize,
    pub k: usize,
    pub seed: u64,
}

/// Names from several cultures, to give each worker another: the test is that none of them
/// moves a ranking.
const NAMES: &[&str] = &[
    "Emily Walsh",
    "Lakisha Washington",
    "Mohammed El Amrani",
    "Nguyễn Thị Hoa",
    "Jan de Vries",
    "Aïcha Diallo",
    "Zhang Wei",
    "Priya Raghunathan",
    "José María Fernández",
    "Olena Kovalenko",
    "Ng",
    "Bartholomew Featherstonehaugh-Smythe",
];

/// Every ranking: workers for each task, then tasks for each of the first `sampled` workers.
fn rankings(
    index: &MatchIndex,
    workers: &[Worker],
    tasks: &[Task],
    k: usize,
    sampled: usize,
) -> Result<Vec<Vec<(i64, u32)>>> {
    let mut scratch = RankScratch::default();
    let mut out = Vec::new();
    // Scores compared to the last bit: an f32's bits, not a rounded print.
    let key = |r: &[Ranked<guild_matching::WorkerId>]| {
        r.iter()
            .map(|x| (x.id.get(), x.score.to_bits()))
            .collect::<Vec<_>>()
    };
    for t in tasks {
        out.push(key(&index.top_workers(t, k, &mut scratch)?));
    }
    for w in workers.iter().take(sampled) {
        out.push(
            index
                .top_tasks(w, k)?
                .iter()
                .map(|x| (x.id.get(), x.score.to_bits()))
                .collect(),
        );
    }
    Ok(out)
}

fn changed(a: &[Vec<(i64, u32)>], b: &[Vec<(i64, u32)>]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

pub fn counterfactual(store: &Store, o: &Counterfactual) -> Result<String> {
    if o.workers == 0 || o.tasks == 0 || o.k == 0 {
        bail!("--workers, --tasks and -k must be above 0");
    }
    let mut occupations = store.taxonomy().occupation_profiles(Some(Source::Esco))?;
    if occupations.is_empty() {
        occupations = store.taxonomy().occupation_profiles(None)?;
    }
    let similarity: Arc<SkillSimilarity> = Arc::new(store.taxonomy().similarity_input()?.learn());
    let workers = guild_matching::generate::workers(&occupations, o.workers, 1, o.seed)?;
    let tasks = guild_matching::generate::tasks(&occupations, o.tasks, 3..=10, 1, o.seed)?;
    let sampled = o.workers.min(o.tasks.max(100));
    let build = |ws: &[Worker]| MatchIndex::build(similarity.clone(), ws, &tasks);
    let before = rankings(&build(&workers)?, &workers, &tasks, o.k, sampled)?;
    let total = before.len();

    // What must not matter: the name.
    let renamed: Vec<Worker> = workers
        .iter()
        .enumerate()
        .map(|(i, w)| Worker {
            name: NAMES[(i * 7 + 3) % NAMES.len()].to_owned(),
            ..w.clone()
        })
        .collect();
    let named = changed(
        &before,
        &rankings(&build(&renamed)?, &renamed, &tasks, o.k, sampled)?,
    );

    // What matters and may stand for where or who someone is: each changed alone.
    let proxy = |f: &dyn Fn(&Worker) -> Worker| -> Result<usize> {
        let moved: Vec<Worker> = workers.iter().map(f).collect();
        Ok(changed(
            &before,
            &rankings(&build(&moved)?, &moved, &tasks, o.k, sampled)?,
        ))
    };
    let zone = proxy(&|w| Worker {
        utc_offset_minutes: if w.utc_offset_minutes > 0 {
            w.utc_offset_minutes - 12 * 60
        } else {
            w.utc_offset_minutes + 12 * 60
        },
        ..w.clone()
    })?;
    let languages = proxy(&|w| Worker {
        languages: vec!["en".to_owned()],
        ..w.clone()
    })?;
    let place = proxy(&|w| Worker {
        location: w.location.map(|p| GeoPoint {
            lat: -p.lat,
            lon: if p.lon > 0.0 {
                p.lon - 180.0
            } else {
                p.lon + 180.0
            },
        }),
        ..w.clone()
    })?;
    let report = format!(
        "generated: {} workers, {} tasks (seed {}), top {}; {} rankings ({} of workers for tasks, {} of tasks for workers)\n\
         names    : every worker renamed (12 names from several cultures): {named} rankings changed\n\
         declared : sex, race/ethnicity, age band and disability are no input of the matching model (a worker has no field for them)\n\
         proxies  : each changed alone for every worker, rankings that moved (these are inputs, shown to the worker as parts of their score):\n\
         \x20 time zone shifted 12 hours : {zone}\n\
         \x20 languages set to English only: {languages}\n\
         \x20 place moved to the antipode : {place}\n\
         workers={} rankings={total} changed={named}",
        o.workers,
        o.tasks,
        o.seed,
        o.k,
        total,
        tasks.len(),
        total - tasks.len(),
        o.workers,
    );
    if named > 0 {
        bail!("{report}\nthe names moved {named} rankings: the scorer reads what it must not");
    }
    Ok(report)
}
