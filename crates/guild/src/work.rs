//! `guild worker`, `guild task`, `guild match` and `guild gen`: worker profiles and tasks from
//! the command line, as the operator (records made here belong to no account).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use guild_matching::{MatchIndex, RankScratch, SkillSimilarity, Task, TaskId, Worker, WorkerId};
use guild_store::Store;
use guild_taxonomy::Source;

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
        id: i64,
        /// JSON file, or - for standard input.
        file: PathBuf,
    },
    /// Delete a worker profile.
    Delete {
        /// Worker id.
        id: i64,
    },
    /// Show a worker profile as JSON.
    Show {
        /// Worker id.
        id: i64,
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
        id: i64,
        /// JSON file, or - for standard input.
        file: PathBuf,
        /// open or closed.
        #[arg(long, default_value = "open")]
        status: String,
    },
    /// Delete a task.
    Delete {
        /// Task id.
        id: i64,
    },
    /// Show a task as JSON.
    Show {
        /// Task id.
        id: i64,
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
    task: Option<i64>,
    /// Rank open tasks for this worker.
    #[arg(long)]
    worker: Option<i64>,
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
            let id = store.create_worker(None, &w)?;
            out!("worker {id} added");
        }
        WorkerCommand::Update { id, file } => {
            let w: Worker = read_json(&file)?;
            store.update_worker(WorkerId(id), &w)?;
            out!("worker {id} updated");
        }
        WorkerCommand::Delete { id } => {
            store.delete_worker(WorkerId(id))?;
            out!("worker {id} deleted");
        }
        WorkerCommand::Show { id } => {
            let w = store.worker(WorkerId(id))?;
            out!("{}", serde_json::to_string_pretty(&w.worker)?);
        }
        WorkerCommand::List(args) => {
            let found = store.list_workers(args.after, args.limit.clamp(1, 10_000))?;
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
            let id = store.create_task(None, &t)?;
            out!("task {id} added");
        }
        TaskCommand::Update { id, file, status } => {
            let t: Task = read_json(&file)?;
            store.update_task(TaskId(id), &t, &status)?;
            out!("task {id} updated");
        }
        TaskCommand::Delete { id } => {
            store.delete_task(TaskId(id))?;
            out!("task {id} deleted");
        }
        TaskCommand::Show { id } => {
            let t = store.task(TaskId(id))?;
            out!("{}", serde_json::to_string_pretty(&t.task)?);
        }
        TaskCommand::List(args) => {
            let found = store.list_tasks(None, args.after, args.limit.clamp(1, 10_000))?;
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

/// The match index over the store's workers and open tasks.
pub fn index(store: &Store) -> Result<MatchIndex> {
    let input = store.similarity_input()?;
    let similarity =
        SkillSimilarity::learn(&input.skills, &input.occupation_skills, &input.broader);
    let workers = store.all_workers()?;
    let tasks = store.open_tasks()?;
    Ok(MatchIndex::build(Arc::new(similarity), &workers, &tasks)?)
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

pub fn matches(store: &Store, args: MatchArgs, options: MatchOptions) -> Result<ExitCode> {
    if options.k == 0 || options.k > 1000 {
        bail!("-k must be from 1 to 1000");
    }
    let index = index(store)?;
    let mut rows = Vec::new();
    if let Some(task_id) = args.task {
        let task = store.task(TaskId(task_id))?.task;
        let ranked = index.top_workers(&task, options.k, &mut RankScratch::default())?;
        let workers = store.workers(&ranked.iter().map(|r| r.id).collect::<Vec<_>>())?;
        for (r, w) in ranked.into_iter().zip(workers) {
            let w = w.worker;
            if let Ok(b) = index.explain(&task, &w)? {
                rows.push((r.id.0, w.name.clone(), r.score, b));
            }
        }
    } else if let Some(worker_id) = args.worker {
        let worker = store.worker(WorkerId(worker_id))?.worker;
        let ranked = index.top_tasks(&worker, options.k)?;
        let tasks = store.tasks(&ranked.iter().map(|r| r.id).collect::<Vec<_>>())?;
        for (r, t) in ranked.into_iter().zip(tasks) {
            let t = t.task;
            if let Ok(b) = index.explain(&t, &worker)? {
                rows.push((r.id.0, t.title.clone(), r.score, b));
            }
        }
    }
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
    let occupations = store.occupation_profiles(source)?;
    let workers = guild_matching::generate::workers(&occupations, args.workers, 0, args.seed)?;
    let tasks = guild_matching::generate::tasks(&occupations, args.tasks, required, 0, args.seed)?;
    let ids = store.create_workers(&workers)?;
    for t in &tasks {
        store.create_task(None, t)?;
    }
    out!(
        "generated {} workers (ids {}–{}) and {} tasks from {} occupations, seed {}",
        ids.len(),
        ids.first().map_or(0, |i| i.0),
        ids.last().map_or(0, |i| i.0),
        tasks.len(),
        occupations.len(),
        args.seed
    );
    Ok(ExitCode::SUCCESS)
}

/// `guild team FILE.json`: the cheapest team of the store's workers for a project.
pub fn team(store: &Store, file: &std::path::Path, json: bool) -> Result<ExitCode> {
    use guild_matching::team::{Project, TeamOptions, form_team};

    let project: Project = read_json(file)?;
    let mut vocabulary = guild_matching::SkillVocabulary::default();
    for s in &store.skill_ids()? {
        vocabulary.intern(s);
    }
    let workers = store.all_workers()?;
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
        out!(
            "worker {:>8}  {:>7.1} h  {:>10} {}  {}",
            m.worker,
            m.hours,
            m.cost,
            project.currency,
            skills.join(", ")
        );
    }
    out!(
        "total={} {} ({}; {} workers considered)",
        team.total_cost,
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
