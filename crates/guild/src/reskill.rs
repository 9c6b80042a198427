//! `guild reskill`: nearest transitions from an occupation or a worker, or the learning path to
//! a target, printed for a person or as JSON.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use guild_matching::{Money, TaskId, WorkerId};
use guild_platform::{
    GapView, Origin, PathReport, PathRequest, PathTarget, Platform, TransitionReport,
};
use guild_taxonomy::Source;

/// Where to start and, optionally, where to go.
#[derive(Args, Debug)]
pub struct ReskillArgs {
    /// Start from an occupation (an id such as onet:47-5041.00, or a bare O*NET-SOC code).
    #[arg(long, conflicts_with = "worker", required_unless_present = "worker")]
    from: Option<String>,
    /// Start from a worker profile.
    #[arg(long)]
    worker: Option<WorkerId>,
    /// The occupation the worker has done (default: the first they named, on the web or with PUT /api/v1/workers/{id}/occupations/…).
    #[arg(long, requires = "worker")]
    occupation: Option<String>,
    /// A target: an occupation id or O*NET-SOC code, a taxonomy task (onet:task:N) or an open
    /// task's number. With it, prints the gap and the learning path; without it, transitions.
    #[arg(long)]
    to: Option<String>,
    /// Rank targets in this taxonomy (onet, esco, guild); default: the origin's own.
    #[arg(long)]
    taxonomy: Option<String>,
    /// How many transitions.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// How many gap items per transition (default 8), or needs in a learning path (default 20).
    #[arg(long)]
    gap: Option<usize>,
    /// Accepted languages of learning resources, comma-separated (default: any).
    #[arg(long, value_delimiter = ',')]
    languages: Vec<String>,
    /// What an hour of the learner's time is worth, e.g. 15EUR (default: hours not priced).
    #[arg(long)]
    hour_value: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// An occupation id, accepting bare O*NET-SOC codes.
pub fn occupation_arg(raw: &str) -> String {
    let raw = raw.trim();
    let b = raw.as_bytes();
    if b.len() == 10
        && b[2] == b'-'
        && b[7] == b'.'
        && raw.chars().filter(char::is_ascii_digit).count() == 8
    {
        format!("onet:{raw}")
    } else {
        raw.to_owned()
    }
}

/// `15EUR`, `15.50 EUR`: an amount in major units and an ISO 4217 code.
fn money_arg(raw: &str) -> Result<Money> {
    let raw = raw.trim();
    let split = raw
        .find(|c: char| c.is_ascii_alphabetic())
        .with_context(|| {
            format!("--hour-value {raw:?}: expected an amount and a currency, e.g. 15EUR")
        })?;
    let (amount, currency) = raw.split_at(split);
    let amount: f64 = amount
        .trim()
        .parse()
        .with_context(|| format!("--hour-value {raw:?}: {amount:?} is not a number"))?;
    if !amount.is_finite() || amount < 0.0 {
        bail!("--hour-value {raw:?}: the amount must be zero or more");
    }
    let currency = guild_matching::Currency::parse(currency.trim())
        .map_err(|e| anyhow::anyhow!("--hour-value: {e}"))?;
    Money::new((amount * 100.0).round() as i64, currency)
        .map_err(|e| anyhow::anyhow!("--hour-value: {e}"))
}

/// Runs `guild reskill`.
pub fn run(platform: &Platform, args: ReskillArgs) -> Result<ExitCode> {
    let origin = match (&args.from, args.worker) {
        (Some(from), None) => Origin::Occupation(occupation_arg(from)),
        (None, Some(id)) => Origin::Worker {
            id,
            // Without --occupation, the first occupation the worker named (as on the web).
            occupation: match args.occupation.as_deref() {
                Some(o) => Some(occupation_arg(o)),
                None => platform
                    .store()
                    .work()
                    .worker_occupations(id)?
                    .into_iter()
                    .next(),
            },
        },
        _ => bail!("give either --from OCCUPATION or --worker ID"),
    };
    let taxonomy = args
        .taxonomy
        .as_deref()
        .map(|t| Source::parse(t).map_err(|e| anyhow::anyhow!("--taxonomy: {e}")))
        .transpose()?;
    match &args.to {
        None => {
            let report =
                platform.transitions(&origin, taxonomy, args.limit, args.gap.unwrap_or(8))?;
            if args.json {
                out!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_transitions(&report)?;
            }
        }
        Some(to) => {
            let target = if let Ok(n) = to.trim().parse::<i64>() {
                PathTarget::OpenTask(TaskId(n))
            } else if to.contains(":task:") {
                PathTarget::TaxonomyTask(to.trim().to_owned())
            } else {
                PathTarget::Occupation(occupation_arg(to))
            };
            let request = PathRequest {
                origin,
                target,
                languages: args.languages.clone(),
                hour_value: args.hour_value.as_deref().map(money_arg).transpose()?,
                max_needs: args.gap.unwrap_or(20).max(1),
            };
            let report = platform.learning_path(&request)?;
            if args.json {
                out!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_path(&report)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn origin_line(from: &guild_platform::OriginView) -> String {
    let mut s = match (&from.occupation, from.worker) {
        (Some(o), _) => format!("From {} ({})", o.title, o.id),
        (None, Some(w)) => format!("From worker {w}"),
        _ => "From ?".to_owned(),
    };
    if let Some(b) = &from.based_on {
        s.push_str(&format!(", as {} ({}; {})", b.title, b.id, b.how));
    }
    s.push_str(&format!(", in {}:", from.taxonomy));
    s
}

fn print_gap(gap: &GapView) -> Result<()> {
    for g in &gap.missing {
        let have = g.have.map_or("-".to_owned(), |h| h.to_string());
        out!(
            "     learn  {:<48} {:>8}  level {have} → {}",
            truncate(&g.label, 48),
            format!("{:?}", g.kind).to_lowercase(),
            g.need
        );
    }
    let tools_listed = gap
        .missing
        .iter()
        .filter(|g| g.kind == guild_reskilling::gap::GapKind::Tool)
        .count();
    let more_tools = gap.tools_missing.saturating_sub(tools_listed);
    let more_other = gap
        .missing_total
        .saturating_sub(gap.missing.len())
        .saturating_sub(more_tools);
    if more_other > 0 {
        out!("     … and {more_other} more skills and activities");
    }
    if more_tools > 0 {
        out!(
            "     … and {more_tools} more technologies this work uses (learn them as the work asks)"
        );
    }
    if let Some(o) = &gap.rated_from {
        out!(
            "     (no skill ratings for this occupation: levels are those of {}, the nearest rated by its work)",
            o.label
        );
    }
    if !gap.carried_over.is_empty() {
        let carried: Vec<&str> = gap
            .carried_over
            .iter()
            .take(5)
            .map(|s| s.label.as_str())
            .collect();
        out!("     carries over: {}", carried.join("; "));
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn money(m: &Money) -> String {
    format!(
        "{}.{:02} {}",
        m.minor / 100,
        (m.minor % 100).abs(),
        m.currency
    )
}

fn percent(x: Option<f64>) -> String {
    x.map_or("?".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

fn print_transitions(report: &TransitionReport) -> Result<()> {
    out!("{}", origin_line(&report.from));
    for (n, t) in report.transitions.iter().enumerate() {
        out!(
            "{:>3}. {} ({})  score {:.3}  gap {:.0}%  job zone {}  remote {}  AI exposure {}  open tasks {}",
            n + 1,
            t.title,
            t.occupation,
            t.score,
            t.gap.gap_share * 100.0,
            t.job_zone.map_or("?".to_owned(), |z| z.to_string()),
            percent(t.remote_share),
            percent(t.ai_exposure),
            t.open_tasks
        );
        print_gap(&t.gap)?;
    }
    Ok(())
}

fn print_path(report: &PathReport) -> Result<()> {
    out!("{}", origin_line(&report.from));
    out!(
        "To {} ({}, {}): gap {:.0}%",
        report.target.label,
        report.target.id,
        report.target_kind,
        report.gap.gap_share * 100.0
    );
    print_gap(&report.gap)?;
    if let Some(note) = &report.note {
        out!("{note}");
    }
    if let Some(plan) = &report.plan {
        let label = |s: &guild_taxonomy::SkillId| {
            report
                .labels
                .get(s.as_str())
                .cloned()
                .unwrap_or_else(|| s.as_str().to_owned())
        };
        let method = serde_json::to_value(plan.method)?;
        out!(
            "Learning path ({}{}):",
            method.as_str().unwrap_or("?"),
            if plan.optimal { ", optimal" } else { "" }
        );
        for (n, step) in plan.steps.iter().enumerate() {
            let r = &step.resource;
            let closes: Vec<String> = step.closes.iter().map(|c| label(&c.skill)).collect();
            out!(
                "{:>3}. {} ({}, {}, {} h{}) — {}",
                n + 1,
                r.title,
                r.kind.as_str(),
                r.provider,
                r.hours,
                r.cost
                    .map(|c| format!(", {}", money(&c)))
                    .unwrap_or_default(),
                closes.join("; ")
            );
        }
        for u in &plan.uncovered {
            out!(
                "     no resource teaches {} to level {}",
                label(&u.skill),
                u.level.level()
            );
        }
        out!(
            "Total: {} hours, {}{}",
            plan.total_hours,
            plan.total_price
                .map_or_else(|| "free".to_owned(), |p| money(&p)),
            plan.cost
                .filter(|c| Some(*c) != plan.total_price)
                .map(|c| format!(" ({} with the learner's time)", money(&c)))
                .unwrap_or_default()
        );
        for note in &plan.notes {
            out!("note: {note}");
        }
    }
    if !report.bridge_work.is_empty() {
        out!("Bridge work (open tasks you can do now that practise missing skills):");
        for b in &report.bridge_work {
            let ex: Vec<&str> = b.exercises.iter().map(|e| e.label.as_str()).collect();
            out!(
                "     task {}: {} ({:.0}% covered) practises {}",
                b.task,
                b.title,
                b.covered_share * 100.0,
                ex.join("; ")
            );
        }
    }
    for t in &report.trainers {
        let names: Vec<String> = t
            .trainers
            .iter()
            .map(|m| {
                format!(
                    "{} (worker {}, level {})",
                    m.name, m.worker.0, m.proficiency
                )
            })
            .collect();
        out!("Trainers for {}: {}", t.skill.label, names.join("; "));
    }
    if report.target_tasks > 0 {
        out!(
            "Tasks you can do today: {} of {}",
            report.tasks_you_can_do.len(),
            report.target_tasks
        );
        for t in report.tasks_you_can_do.iter().take(10) {
            out!("     - {}", t.statement);
        }
    }
    Ok(())
}
