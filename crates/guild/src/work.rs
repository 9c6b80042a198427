//! `guild worker`, `guild task`, `guild match` and `guild gen`: worker profiles and tasks from
//! the command line, as the operator (records made here belong to no account).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use guild_market::contract::{Action, Party};
use guild_matching::{Task, TaskId, TaskStatus, Worker, WorkerId};
use guild_store::{GenContract, GenContracts, GenStep, GenSummary, KnownSkills, Store};
use guild_taxonomy::Source;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::read::read_text;

#[derive(Subcommand)]
pub enum WorkerCommand {
    /// Add a worker profile from a JSON file (see the Worker schema in /api/openapi.json).
    Add {
        /// JSON file, or - for standard input.
        file: PathBuf,
    },
    /// Replace a worker profile with a JSON file.
    Update {
        /// Worker id.
        id: WorkerId,
        /// JSON file, or - for standard input.
        file: PathBuf,
    },
    /// Delete a worker profile.
    Delete {
        /// Worker id.
        id: WorkerId,
    },
    /// Show a worker profile as JSON.
    Show {
        /// Worker id.
        id: WorkerId,
    },
    /// List worker profiles.
    List(ListArgs),
}

#[derive(Subcommand)]
pub enum TaskCommand {
    /// Add a task from a JSON file (see the Task schema in /api/openapi.json).
    Add {
        /// JSON file, or - for standard input.
        file: PathBuf,
    },
    /// Replace a task with a JSON file.
    Update {
        /// Task id.
        id: TaskId,
        /// JSON file, or - for standard input.
        file: PathBuf,
        /// draft, open, invited or closed.
        #[arg(long, default_value = "open", value_parser = task_status)]
        status: TaskStatus,
    },
    /// Delete a task.
    Delete {
        /// Task id.
        id: TaskId,
    },
    /// Show a task as JSON.
    Show {
        /// Task id.
        id: TaskId,
    },
    /// List tasks.
    List(ListArgs),
}

#[derive(Args)]
pub struct ListArgs {
    /// Start after this id.
    #[arg(long, default_value_t = 0)]
    after: i64,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct MatchArgs {
    /// Rank workers for this task.
    #[arg(long)]
    task: Option<TaskId>,
    /// Rank open tasks for this worker.
    #[arg(long)]
    worker: Option<WorkerId>,
}

#[derive(Args)]
pub struct MatchOptions {
    /// How many.
    #[arg(short, long, default_value_t = 10)]
    k: usize,
    /// Print JSON with every breakdown.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct GenArgs {
    /// Workers to make.
    #[arg(long, default_value_t = 1000)]
    workers: usize,
    /// Tasks to make.
    #[arg(long, default_value_t = 100)]
    tasks: usize,
    /// Seed: the same seed and taxonomy give the same people and work.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Required skills per task, e.g. 3-10 or 10.
    #[arg(long, default_value = "3-10")]
    required: String,
    /// Draw from this source's occupations only (onet, esco, guild).
    #[arg(long)]
    source: Option<String>,
    /// Contracts to make between generated clients and generated workers, with their
    /// milestones and ledger history (default: one for every ten tasks).
    #[arg(long)]
    contracts: Option<usize>,
    /// The share of generated workers (0 to 1) who declare sex, race/ethnicity, age band and
    /// disability for the fairness audit, drawn independently of their skills and sealed with
    /// the key-encryption key (so the store needs one: --key-file or GUILD_KEY).
    #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
    declarations: f64,
}

fn read_json<T: serde::de::DeserializeOwned>(file: &std::path::Path) -> Result<T> {
    let text = read_text(file)?;
    let mut de = serde_json::Deserializer::from_str(&text);
    // The path names the field at fault ("skills[2].proficiency"), not just a column.
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| anyhow::anyhow!("{}: {}: {}", file.display(), e.path(), e.inner()))
}

pub fn worker(store: &Store, command: WorkerCommand) -> Result<ExitCode> {
    match command {
        WorkerCommand::Add { file } => {
            let w: Worker = read_json(&file)?;
            let id = store.work().create_worker(None, &w)?;
            out!("worker {id} added");
        }
        WorkerCommand::Update { id, file } => {
            let w: Worker = read_json(&file)?;
            store.work().update_worker(id, &w)?;
            out!("worker {id} updated");
        }
        WorkerCommand::Delete { id } => {
            store.work().delete_worker(id)?;
            out!("worker {id} deleted");
        }
        WorkerCommand::Show { id } => {
            let w = store.work().worker(id)?;
            out!("{}", serde_json::to_string_pretty(&w.worker)?);
        }
        WorkerCommand::List(args) => {
            let found = store
                .work()
                .list_workers(args.after, args.limit.clamp(1, 10_000))?;
            if args.json {
                let list: Vec<&Worker> = found.iter().map(|w| &w.worker).collect();
                out!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for w in &found {
                    out!(
                        "{:>8}  {:<30}  {:>2} skills  {:>4} h/week  UTC{:+}",
                        w.worker.id,
                        w.worker.name,
                        w.worker.skills.len(),
                        w.worker.hours_per_week,
                        f64::from(w.worker.utc_offset_minutes) / 60.0
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn task(store: &Store, command: TaskCommand) -> Result<ExitCode> {
    match command {
        TaskCommand::Add { file } => {
            let t: Task = read_json(&file)?;
            let id = store.work().create_task(None, &t)?;
            out!("task {id} added");
        }
        TaskCommand::Update { id, file, status } => {
            let t: Task = read_json(&file)?;
            store.work().update_task(id, &t, status)?;
            out!("task {id} updated");
        }
        TaskCommand::Delete { id } => {
            store.work().delete_task(id)?;
            out!("task {id} deleted");
        }
        TaskCommand::Show { id } => {
            let t = store.work().task(id)?;
            out!("{}", serde_json::to_string_pretty(&t.task)?);
        }
        TaskCommand::List(args) => {
            let found = store
                .work()
                .list_tasks(None, args.after, args.limit.clamp(1, 10_000))?;
            if args.json {
                let list: Vec<&Task> = found.iter().map(|t| &t.task).collect();
                out!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for t in &found {
                    out!(
                        "{:>8}  {:<6}  {:<40}  {:>2} required  {:>6} h",
                        t.task.id,
                        t.status,
                        t.task.title,
                        t.task.required.len(),
                        t.task.hours
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(b: &guild_matching::Breakdown) -> String {
    let stand_ins = b.required.iter().filter(|c| c.held != c.skill).count();
    let mut s = format!(
        "required {:.0}% ({} of {} met, {} by a related skill)",
        100.0 * b.parts.required,
        b.required.len(),
        b.required.len() + b.missing.len(),
        stand_ins
    );
    if !b.missing.is_empty() {
        s.push_str(&format!("; missing {}", b.missing.len()));
    }
    s
}

pub fn matches(store: Store, args: MatchArgs, options: MatchOptions) -> Result<ExitCode> {
    if options.k == 0 || options.k > 1000 {
        bail!("-k must be from 1 to 1000");
    }
    // Ranked as the server ranks: the platform's index and use cases.
    let platform = crate::meaning::platform(store);
    let mut rows = Vec::new();
    if let Some(task_id) = args.task {
        let task = platform.store().work().task(task_id)?.task;
        for m in platform.rank_workers(&task, options.k, None)?.matches {
            rows.push((m.worker.get(), m.name, m.score, m.breakdown));
        }
    } else if let Some(worker_id) = args.worker {
        let worker = platform.store().work().worker(worker_id)?.worker;
        for m in platform.rank_tasks(&worker, options.k, None)?.matches {
            rows.push((m.task.get(), m.title, m.score, m.breakdown));
        }
    }
    // The ranking is in the decision log before the command says anything.
    platform.flush_decisions();
    if options.json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(id, name, score, b)| {
                serde_json::json!({"id": id, "name": name, "score": score, "breakdown": b})
            })
            .collect();
        out!("{}", serde_json::to_string_pretty(&list)?);
    } else if rows.is_empty() {
        out!("no matches");
    } else {
        for (rank, (id, name, score, b)) in rows.iter().enumerate() {
            out!(
                "{:>3}. {:>6.2}  {:>8}  {}  — {}",
                rank + 1,
                score,
                id,
                name,
                summary(b)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_range(raw: &str) -> Result<std::ops::RangeInclusive<usize>> {
    let (a, b) = raw.split_once('-').unwrap_or((raw, raw));
    let (a, b): (usize, usize) = (
        a.trim()
            .parse()
            .with_context(|| format!("--required {raw:?}: not a number or range"))?,
        b.trim()
            .parse()
            .with_context(|| format!("--required {raw:?}: not a number or range"))?,
    );
    if a == 0 || b < a || b > 50 {
        bail!("--required {raw:?}: use a range like 3-10 within 1-50");
    }
    Ok(a..=b)
}

/// Rows written per transaction: big enough that COPY and the commit are cheap per row,
/// small enough that a batch's profiles fit in memory many times over.
const WORKER_BATCH: usize = 20_000;
const TASK_BATCH: usize = 20_000;
const CONTRACT_BATCH: usize = 2_000;

/// The seed of batch `b`: the first batch uses the seed itself, so a small run draws the same
/// people and work as before batching.
fn batch_seed(seed: u64, b: usize) -> u64 {
    seed ^ (b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn per_second(n: usize, since: Instant) -> String {
    let s = since.elapsed().as_secs_f64();
    format!("{:.1} s, {:.0}/s", s, n as f64 / s.max(1e-9))
}

pub fn generate(store: &Store, args: GenArgs) -> Result<ExitCode> {
    let required = parse_range(&args.required)?;
    let source = args
        .source
        .as_deref()
        .map(|s| Source::parse(s).map_err(|e| anyhow::anyhow!("--source: {e}")))
        .transpose()?;
    if args.workers > 2_000_000 || args.tasks > 1_000_000 {
        bail!("at most 2,000,000 workers and 1,000,000 tasks at a time");
    }
    let contracts = args.contracts.unwrap_or(args.tasks / 10);
    if contracts > 1_000_000 {
        bail!("at most 1,000,000 contracts at a time");
    }
    if contracts > 0 && args.workers == 0 {
        bail!("--contracts needs workers to contract with (--workers)");
    }
    if !(0.0..=1.0).contains(&args.declarations) {
        bail!(
            "--declarations {}: give the share of workers who declare, from 0 to 1",
            args.declarations
        );
    }
    let occupations = store.taxonomy().occupation_profiles(source)?;
    let started = Instant::now();
    let mut known = KnownSkills::default();
    let mut ids: Vec<WorkerId> = Vec::with_capacity(args.workers);
    let mut done = 0;
    for b in 0..args.workers.div_ceil(WORKER_BATCH) {
        let n = WORKER_BATCH.min(args.workers - done);
        let batch = guild_matching::generate::workers(
            &occupations,
            n,
            done as i64,
            batch_seed(args.seed, b),
        )?;
        ids.extend(store.work().bulk_workers(&batch, &mut known)?);
        done += n;
        eprintln!(
            "workers: {done} of {} ({})",
            args.workers,
            per_second(done, started)
        );
    }
    let workers_took = started.elapsed();
    let declared = if args.declarations > 0.0 {
        declare(store, &ids, args.declarations, args.seed)?
    } else {
        0
    };
    let tasks_started = Instant::now();
    let mut titles = Vec::with_capacity(args.tasks);
    let mut done = 0;
    for b in 0..args.tasks.div_ceil(TASK_BATCH) {
        let n = TASK_BATCH.min(args.tasks - done);
        let batch = guild_matching::generate::tasks(
            &occupations,
            n,
            required.clone(),
            done as i64,
            batch_seed(args.seed, b),
        )?;
        store.work().bulk_tasks(&batch, &mut known)?;
        titles.extend(batch.into_iter().map(|t| t.title));
        done += n;
        eprintln!(
            "tasks: {done} of {} ({})",
            args.tasks,
            per_second(done, tasks_started)
        );
    }
    let tasks_took = tasks_started.elapsed();
    let contracts_started = Instant::now();
    let mut summary = GenSummary::default();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed ^ 0xc0_4e7a_c750);
    let eur = guild_market::Currency::parse("EUR")?;
    let mut done = 0;
    while done < contracts {
        let n = CONTRACT_BATCH.min(contracts - done);
        let batch = contract_batch(&mut rng, done, n, contracts, &ids, &titles, eur);
        summary.add(&store.contracts().generate_contracts(&batch)?);
        done += n;
        eprintln!(
            "contracts: {done} of {contracts} ({})",
            per_second(done, contracts_started)
        );
    }
    let contracts_took = contracts_started.elapsed();
    let audit = store.ledger().audit_ledger()?;
    if !audit.ok() {
        bail!("the ledger fails its audit after generating: {audit:?}");
    }
    out!(
        "generated {} workers (ids {}–{}) and {} tasks from {} occupations, seed {}",
        ids.len(),
        ids.first().map_or(0, |i| i.0),
        ids.last().map_or(0, |i| i.0),
        titles.len(),
        occupations.len(),
        args.seed
    );
    out!(
        "generated {} contracts ({}) with {} milestones, {} accounts, {} transfers ({} payouts)",
        summary.contracts,
        summary
            .states
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        summary.milestones,
        summary.accounts,
        summary.transfers,
        summary.payouts
    );
    out!(
        "took {:.1} s: workers {:.1} s, tasks {:.1} s, contracts {:.1} s; ledger audit ok ({} transfers)",
        started.elapsed().as_secs_f64(),
        workers_took.as_secs_f64(),
        tasks_took.as_secs_f64(),
        contracts_took.as_secs_f64(),
        audit.transfers
    );
    if args.declarations > 0.0 {
        out!(
            "declared: {declared} of {} workers (sex, race/ethnicity, age band, disability), drawn independently of their skills, sealed",
            ids.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Draws declarations for the generated workers `ids` (a `share` of them declare) from their own
/// random stream, so that nothing about a worker's skills, place or rate predicts them, and
/// keeps them sealed as a worker's own declaration is kept.
fn declare(store: &Store, ids: &[WorkerId], share: f64, seed: u64) -> Result<usize> {
    let drawn = guild_fairness::generate::declarations(ids.len(), share, seed ^ 0xdec1_a2ed);
    let all: Vec<(WorkerId, std::collections::BTreeMap<String, String>)> = ids
        .iter()
        .zip(drawn)
        .filter_map(|(id, d)| d.map(|d| (*id, d)))
        .collect();
    let mut n = 0;
    for batch in all.chunks(WORKER_BATCH) {
        n += store
            .decisions()
            .declare_many(batch, guild_fairness::PURPOSE_VERSION)?;
    }
    Ok(n)
}

fn step(party: Party, action: Action, milestone: Option<usize>) -> GenStep {
    GenStep {
        party,
        action,
        milestone,
        worker_percent: None,
    }
}

/// The steps of one contract with `n` milestones, in a spread of end states: proposed,
/// declined, under way, completed, cancelled (with refunds), disputed and decided.
fn contract_steps(rng: &mut ChaCha8Rng, n: usize) -> Vec<GenStep> {
    use Action as A;
    use Party as P;
    let accept = step(P::Worker, A::Accept, None);
    let mut steps = Vec::new();
    let approve = |rng: &mut ChaCha8Rng, steps: &mut Vec<GenStep>, m: usize| {
        steps.push(step(P::Client, A::Fund, Some(m)));
        steps.push(step(P::Worker, A::Submit, Some(m)));
        if rng.random_bool(0.2) {
            steps.push(step(P::Client, A::RequestChanges, Some(m)));
            steps.push(step(P::Worker, A::Submit, Some(m)));
        }
        if rng.random_bool(0.1) {
            steps.push(step(P::System, A::AutoApprove, Some(m)));
        } else {
            steps.push(step(P::Client, A::Approve, Some(m)));
        }
    };
    match rng.random_range(0..100u32) {
        // Proposed, waiting for the worker.
        0..5 => {}
        5..10 => steps.push(step(P::Worker, A::Decline, None)),
        // Completed: every milestone funded, delivered, approved.
        10..50 => {
            steps.push(accept);
            for m in 0..n {
                approve(rng, &mut steps, m);
            }
        }
        // Under way: each milestone somewhere between unfunded and approved.
        50..75 => {
            steps.push(accept);
            for m in 0..n {
                match rng.random_range(0..5u32) {
                    0 => {}
                    1 => steps.push(step(P::Client, A::Fund, Some(m))),
                    2 => {
                        steps.push(step(P::Client, A::Fund, Some(m)));
                        steps.push(step(P::Worker, A::Submit, Some(m)));
                    }
                    3 => {
                        steps.push(step(P::Client, A::Fund, Some(m)));
                        steps.push(step(P::Worker, A::Submit, Some(m)));
                        steps.push(step(P::Client, A::RequestChanges, Some(m)));
                    }
                    _ => approve(rng, &mut steps, m),
                }
            }
        }
        // Cancelled: before acceptance, or after some work with the next milestone funded
        // (refunded).
        75..88 => {
            if rng.random_bool(0.25) {
                steps.push(step(P::Client, A::Cancel, None));
            } else {
                steps.push(accept);
                let paid = rng.random_range(0..n);
                for m in 0..paid {
                    approve(rng, &mut steps, m);
                }
                steps.push(step(P::Client, A::Fund, Some(paid)));
                steps.push(step(P::Client, A::Cancel, None));
            }
        }
        // Disputed over delivered work; half decided by an admin.
        _ => {
            steps.push(accept);
            steps.push(step(P::Client, A::Fund, Some(0)));
            steps.push(step(P::Worker, A::Submit, Some(0)));
            let by = if rng.random_bool(0.5) {
                P::Worker
            } else {
                P::Client
            };
            steps.push(step(by, A::Dispute, None));
            if rng.random_bool(0.5) {
                steps.push(GenStep {
                    worker_percent: Some([0, 30, 50, 70, 100][rng.random_range(0..5usize)]),
                    ..step(P::Admin, A::Resolve, None)
                });
            }
        }
    }
    steps
}

/// Contracts `first..first + n`: about four per client, two per worker (workers spread over
/// the generated ones), one to four milestones of €50 to €2,000.
fn contract_batch(
    rng: &mut ChaCha8Rng,
    first: usize,
    n: usize,
    total: usize,
    workers: &[WorkerId],
    titles: &[String],
    currency: guild_market::Currency,
) -> GenContracts {
    let clients = n.div_ceil(4).max(1);
    // Two contracts per worker, the workers spread evenly over the generated ones.
    let stride = (workers.len() / total.div_ceil(2).max(1)).max(1);
    let contracts = (first..first + n)
        .map(|j| {
            let worker = workers[(j / 2 * stride) % workers.len()];
            let milestones: Vec<(String, i64)> = (0..rng.random_range(1..=4usize))
                .map(|m| {
                    (
                        format!("Part {}", m + 1),
                        rng.random_range(50..=2000i64) * 100 + rng.random_range(0..100i64),
                    )
                })
                .collect();
            let title = titles
                .get(j % titles.len().max(1))
                .cloned()
                .unwrap_or_else(|| format!("Generated work {}", j + 1));
            GenContract {
                client: rng.random_range(0..clients),
                worker,
                title,
                steps: contract_steps(rng, milestones.len()),
                milestones,
            }
        })
        .collect();
    GenContracts {
        clients,
        contracts,
        currency,
        payout_percent: 50,
        review_days: 7,
    }
}

/// `guild team FILE.json`: the cheapest team of the store's workers for a project.
pub fn team(store: &Store, file: &std::path::Path, json: bool) -> Result<ExitCode> {
    use guild_matching::team::{Project, TeamOptions, form_team};

    let project: Project = read_json(file)?;
    let mut vocabulary = guild_matching::SkillVocabulary::default();
    for s in &store.taxonomy().skill_ids()? {
        vocabulary.intern(s);
    }
    let workers = store.work().all_workers()?;
    let (request, candidates) = project.resolve(&vocabulary, &workers)?;
    let team = form_team(&candidates, &request, &TeamOptions::default())?;
    if json {
        out!("{}", serde_json::to_string_pretty(&team)?);
        return Ok(ExitCode::SUCCESS);
    }
    for m in &team.members {
        let skills: Vec<&str> = m
            .needs
            .iter()
            .map(|&i| project.needs[i].skill.as_str())
            .collect();
        // Costs are minor units (cents): printed as the currency writes them.
        out!(
            "worker {:>8}  {:>7.1} h  {:>10} {}  {}",
            m.worker,
            m.hours,
            guild_market::money::decimal(m.cost, project.currency),
            project.currency,
            skills.join(", ")
        );
    }
    out!(
        "total={} {} ({}; {} workers considered)",
        guild_market::money::decimal(team.total_cost, project.currency),
        project.currency,
        if team.exact {
            "proven least".to_owned()
        } else {
            format!("within {:.1} % of the least", 100.0 * team.gap)
        },
        candidates.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads `--status`.
fn task_status(s: &str) -> Result<TaskStatus, String> {
    TaskStatus::parse(s).map_err(|e| e.to_string())
}
