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

/// Options of the rehearsal: the rankings a generated market's clients would have been shown.
pub struct Rehearsal {
    pub tasks: usize,
    pub k: usize,
    pub demote: Option<String>,
}

/// Ranks workers for the store's open tasks (the first `tasks` of them) as the server ranks them
/// for a client, and so fills the decision log for `guild audit fairness`. With `demote`
/// (`DIMENSION=CATEGORY`) it ranks with a deliberately biased scorer instead, to show that the
/// audit catches one: the candidates who declared that category have their score halved before
/// the ranking is cut to `k`. That scorer reads the sealed declarations, as only the audit may;
/// the matching engine has no input for them. Its rankings say so in the log's inputs.
pub fn rehearse(platform: &guild_platform::Platform, o: &Rehearsal) -> Result<String> {
    use guild_store::{DecisionKind, NewCandidate, NewDecision};

    if o.tasks == 0 || o.k == 0 {
        bail!("--tasks and -k must be above 0");
    }
    let demote = o
        .demote
        .as_deref()
        .map(|d| -> Result<(String, String)> {
            let Some((dimension, category)) = d.split_once('=') else {
                bail!("--demote {d:?}: give DIMENSION=CATEGORY, like sex=female");
            };
            guild_fairness::check(dimension, category)
                .map_err(|e| anyhow::anyhow!("--demote: {e}"))?;
            Ok((dimension.to_owned(), category.to_owned()))
        })
        .transpose()?;
    let store = platform.store();
    let tasks = store.work().first_open_tasks(o.tasks)?;
    if tasks.is_empty() {
        bail!("no open tasks in the store: generate a market first (guild gen --declarations 0.9)");
    }
    let Some((dimension, category)) = demote else {
        for t in &tasks {
            platform.rank_workers(t, o.k, None)?;
        }
        platform.flush_decisions();
        return Ok(format!(
            "ranked workers for {} open tasks, top {}, as the server ranks them; each ranking is in the decision log
rankings={} demoted=0",
            tasks.len(),
            o.k,
            tasks.len()
        ));
    };
    let declared = store.decisions().declarations_for_audit()?.declared;
    let in_group = |w: &guild_matching::WorkerId| {
        declared
            .get(w)
            .and_then(|d| d.get(&dimension))
            .is_some_and(|c| *c == category)
    };
    let mut inputs = platform.decision_inputs();
    inputs["scorer"] = serde_json::Value::String(format!(
        "a deliberately biased test scorer of `guild audit rehearse`: scores of {dimension}={category} halved"
    ));
    let mut demoted = 0;
    for t in &tasks {
        // Three times as many as shown, so that the demoted can fall out of the top k.
        let ranked = platform.rank_workers_unlogged(t, o.k * 3)?;
        let mut scored: Vec<_> = ranked
            .matches
            .into_iter()
            .map(|m| {
                let score = if in_group(&m.worker) {
                    m.score / 2.0
                } else {
                    m.score
                };
                (score, m)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.worker.cmp(&b.1.worker)));
        scored.truncate(o.k);
        demoted += scored.iter().filter(|(_, m)| in_group(&m.worker)).count();
        platform.log_decision(NewDecision {
            at: store.now(),
            kind: DecisionKind::WorkersForTask,
            shown_to: None,
            task: Some(t.id),
            worker: None,
            k: o.k,
            considered: ranked.considered,
            inputs: inputs.clone(),
            candidates: scored
                .into_iter()
                .map(|(score, m)| NewCandidate {
                    worker: m.worker,
                    task: t.id,
                    score,
                    parts: serde_json::to_string(&m.breakdown).unwrap_or_default(),
                })
                .collect(),
        });
    }
    platform.flush_decisions();
    Ok(format!(
        "ranked workers for {} open tasks, top {}, with a deliberately biased scorer (scores of {dimension}={category} halved); each ranking is in the decision log, marked so
rankings={} demoted={demoted}",
        tasks.len(),
        o.k,
        tasks.len()
    ))
}

/// Options of the impact-ratio audit.
pub struct FairnessAudit {
    pub from: Option<String>,
    pub to: Option<String>,
    pub json: bool,
    pub html: Option<std::path::PathBuf>,
}

/// One stage of the audit: its pool, and its figures per dimension and intersection.
#[derive(serde::Serialize)]
struct Stage {
    stage: &'static str,
    pool: usize,
    selected: usize,
    breakdowns: Vec<guild_fairness::Breakdown>,
}

/// The audit's report.
#[derive(serde::Serialize)]
struct Report {
    from: String,
    to: String,
    rankings: usize,
    workers: usize,
    declared: usize,
    withdrawn: usize,
    stages: Vec<Stage>,
    groups: usize,
    min_impact_ratio: Option<f64>,
}

/// A time given as a date (`2026-01-31`, midnight UTC) or an RFC 3339 instant.
fn instant(text: &str, flag: &str) -> Result<jiff::Timestamp> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    match text.parse::<jiff::civil::Date>() {
        Ok(d) => Ok(d.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp()),
        Err(_) => bail!(
            "{flag}: {text:?} is neither a date (2026-01-31) nor an instant (2026-01-31T09:00:00Z)"
        ),
    }
}

pub fn fairness(store: &Store, o: &FairnessAudit) -> Result<String> {
    use std::collections::{BTreeMap, BTreeSet};

    let now = store.now();
    let to = match &o.to {
        Some(t) => instant(t, "--to")?,
        None => now.checked_add(jiff::SignedDuration::from_secs(1))?,
    };
    let from = match &o.from {
        Some(f) => instant(f, "--from")?,
        None => to.checked_sub(jiff::SignedDuration::from_hours(366 * 24))?,
    };
    if from >= to {
        bail!("--from ({from}) must come before --to ({to})");
    }
    let window = store
        .decisions()
        .audit_window(&from.to_string(), &to.to_string())?;
    let declarations = store.decisions().declarations_for_audit()?;
    let person = |w: &guild_matching::WorkerId| guild_fairness::Person {
        id: w.get(),
        declared: declarations.declared.get(w).cloned().unwrap_or_default(),
    };
    let everyone: Vec<guild_fairness::Person> = window.workers.iter().map(person).collect();
    let shown_pool: Vec<guild_fairness::Person> = window.shown.keys().map(person).collect();
    let ids = |set: &BTreeSet<guild_matching::WorkerId>| -> BTreeSet<i64> {
        set.iter()
            .filter(|w| window.shown.contains_key(w))
            .map(|w| w.get())
            .collect()
    };
    let shown: BTreeSet<i64> = window.shown.keys().map(|w| w.get()).collect();
    let scores: BTreeMap<i64, f64> = window.shown.iter().map(|(w, s)| (w.get(), *s)).collect();
    let stage = |name, pool: &[guild_fairness::Person], selected: BTreeSet<i64>| Stage {
        stage: name,
        pool: pool.len(),
        selected: selected.len(),
        breakdowns: guild_fairness::breakdowns(pool, &selected),
    };
    // No ranking in the period: no stage to measure (a ratio of nothing is not 1).
    let stages = if window.rankings == 0 {
        Vec::new()
    } else {
        vec![
            stage("shown in a ranking (pool: every profile)", &everyone, shown),
            stage(
                "scored above the median (pool: those shown)",
                &shown_pool,
                guild_fairness::above_median(&scores),
            ),
            stage(
                "invited (pool: those shown)",
                &shown_pool,
                ids(&window.invited),
            ),
            stage("hired (pool: those shown)", &shown_pool, ids(&window.hired)),
        ]
    };
    let mut stages = stages;
    // A flag anywhere in the report must be unlikely to be chance in all of it together.
    guild_fairness::correct_across(stages.iter_mut().flat_map(|s| s.breakdowns.iter_mut()));
    let min_impact_ratio = stages
        .iter()
        .flat_map(|s| &s.breakdowns)
        .filter_map(|b| b.min_impact_ratio)
        .reduce(f64::min);
    let groups = stages.first().map_or(0, |s| {
        s.breakdowns
            .iter()
            .filter(|b| !b.dimension.contains(" × "))
            .flat_map(|b| &b.groups)
            .filter(|g| !g.small)
            .count()
    });
    let report = Report {
        from: from.to_string(),
        to: to.to_string(),
        rankings: window.rankings,
        workers: window.workers.len(),
        declared: declarations.declared.len(),
        withdrawn: declarations.withdrawn,
        stages,
        groups,
        min_impact_ratio,
    };
    if let Some(path) = &o.html {
        std::fs::write(path, html(&report))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let last = format!(
        "groups={} min_impact_ratio={} decisions={}",
        report.groups,
        report
            .min_impact_ratio
            .map_or("none".to_owned(), |r| format!("{r:.3}")),
        report.rankings
    );
    if o.json {
        return Ok(format!(
            "{}\n{last}",
            serde_json::to_string_pretty(&report)?
        ));
    }
    let mut out = format!(
        "period  : {} to {}; {} rankings of workers\n\
         workers : {} profiles; {} declared, {} withdrew their declaration (erased), {} never declared\n",
        report.from,
        report.to,
        report.rankings,
        report.workers,
        report.declared,
        report.withdrawn,
        report
            .workers
            .saturating_sub(report.declared + report.withdrawn),
    );
    if report.rankings == 0 {
        out.push_str("nothing to audit: no ranking of workers was shown in the period\n");
        out.push_str(&last);
        return Ok(out);
    }
    for s in &report.stages {
        out.push_str(&format!("\n{} — {} of {}\n", s.stage, s.selected, s.pool));
        for b in &s.breakdowns {
            out.push_str(&format!(
                "  {}{}{}:\n",
                b.dimension,
                if b.flagged() {
                    "  [FLAGGED: an impact ratio under 0.8, beyond chance]"
                } else if b.under_four_fifths() {
                    "  (an impact ratio under 0.8, within chance: small numbers)"
                } else {
                    ""
                },
                if b.undeclared > 0 {
                    format!(" ({} undeclared)", b.undeclared)
                } else {
                    String::new()
                }
            ));
            for g in &b.groups {
                out.push_str(&format!(
                    "    {:<48} {:>6} of {:>6}  rate {:.3}  {}\n",
                    g.group,
                    g.selected,
                    g.pool,
                    g.rate,
                    match g.impact_ratio {
                        Some(r) => format!(
                            "impact ratio {r:.3}{}",
                            match g.p_adjusted {
                                Some(p) if r < 1.0 => format!("  p {p:.3}"),
                                _ => String::new(),
                            }
                        ),
                        None if g.small =>
                            "under 2 % of the pool: left out of the ratios".to_owned(),
                        None => "no ratio: nobody was selected at this stage".to_owned(),
                    }
                ));
            }
        }
    }
    out.push_str(&last);
    Ok(out)
}

/// A publishable page: every stage's figures as tables and SVG bars (each category's rate; the
/// line marks four fifths of the highest).
fn html(r: &Report) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let mut body = String::new();
    for s in &r.stages {
        body.push_str(&format!(
            "<h2>{}</h2><p>{} of {} selected.</p>",
            esc(s.stage),
            s.selected,
            s.pool
        ));
        for b in &s.breakdowns {
            let best = b
                .groups
                .iter()
                .filter(|g| !g.small)
                .map(|g| g.rate)
                .fold(0.0f64, f64::max);
            let height = 22 * b.groups.len() + 10;
            let mut svg = format!(
                "<svg role=\"img\" aria-label=\"selection rates by {d}\" width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\">",
                d = esc(&b.dimension)
            );
            for (i, g) in b.groups.iter().enumerate() {
                let y = 22 * i + 4;
                let w = (g.rate * 300.0).round();
                svg.push_str(&format!(
                    "<text x=\"0\" y=\"{ty}\" font-size=\"12\">{name}</text><rect x=\"250\" y=\"{y}\" width=\"{w}\" height=\"16\" fill=\"{fill}\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"12\">{rate:.3}</text>",
                    ty = y + 12,
                    name = esc(&g.group),
                    fill = match g.impact_ratio {
                        None => "#bbb",
                        Some(_) if g.adverse() => "#c0392b",
                        Some(x) if x < guild_fairness::FLAG_BELOW => "#e59866",
                        Some(_) => "#2e86c1",
                    },
                    tx = 256.0 + w,
                    rate = g.rate
                ));
            }
            let four_fifths = 250.0 + (best * 0.8 * 300.0).round();
            svg.push_str(&format!(
                "<line x1=\"{four_fifths}\" y1=\"0\" x2=\"{four_fifths}\" y2=\"{height}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/></svg>"
            ));
            let rows: String = b
                .groups
                .iter()
                .map(|g| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.3}</td><td>{}</td><td>{}</td></tr>",
                        esc(&g.group),
                        g.pool,
                        g.selected,
                        g.rate,
                        g.p_adjusted.map_or(String::new(), |p| format!("{p:.3}")),
                        match g.impact_ratio {
                            Some(x) => format!("{x:.3}"),
                            None if g.small => "under 2 %: left out".to_owned(),
                            None => "none: nobody selected".to_owned(),
                        }
                    )
                })
                .collect();
            body.push_str(&format!(
                "<h3>{}{}</h3>{svg}<table><thead><tr><th>category</th><th>pool</th><th>selected</th><th>rate</th><th>p (vs. highest)</th><th>impact ratio</th></tr></thead><tbody>{rows}</tbody></table><p>{} did not declare this.</p>",
                esc(&b.dimension),
                if b.flagged() {
                    " — flagged: an impact ratio under 0.8, beyond chance"
                } else if b.under_four_fifths() {
                    " — an impact ratio under 0.8, within chance (small numbers)"
                } else {
                    ""
                },
                b.undeclared
            ));
        }
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Guild bias audit {from} to {to}</title>\
         <style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}}td:first-child,th:first-child{{text-align:left}}</style></head>\
         <body><h1>Bias audit of Guild's rankings</h1><p>Period {from} to {to}: {rankings} rankings of workers; {workers} profiles, {declared} with a declaration, {withdrawn} withdrawn (erased). \
         Method: selection rate per category and per intersection of two dimensions, impact ratio against the most selected category (New York City Local Law 144); \
         categories under 2 % of the declared pool are shown and left out of the ratios; a ratio under 0.8 is flagged (red) when Fisher's exact test, Holm-corrected for every comparison in this report, puts the difference from the highest rate beyond chance (p under 0.05; EEOC Uniform Guidelines, 29 CFR 1607.4(D)), and shown in orange when small numbers could explain it; the dashed line is four fifths of the highest rate. \
         Declarations are voluntary and never an input to any ranking.</p>{body}</body></html>\n",
        from = esc(&r.from),
        to = esc(&r.to),
        rankings = r.rankings,
        workers = r.workers,
        declared = r.declared,
        withdrawn = r.withdrawn,
    )
}
