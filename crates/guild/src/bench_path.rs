//! `guild bench learning-path`: the learning-path planner on a generated catalogue: for each
//! generated gap, the exact plan and the greedy plan, their times and how far greedy's cost is
//! from the optimum. Needs no store.

use crate::bench::percentile;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;
use guild_matching::{Currency, Money};
use guild_reskilling::path::MAX_EXACT_NEEDS;
use guild_reskilling::{
    LearningPlan, PlanMethod, PlanOptions, plan, synthetic_catalogue, synthetic_gap,
};
use guild_taxonomy::SkillId;

/// `guild bench learning-path` arguments.
#[derive(Args)]
pub struct LearningPathArgs {
    /// Resources in the generated catalogue.
    #[arg(long, default_value_t = 10_000)]
    pub resources: usize,
    /// Skills the catalogue is generated over.
    #[arg(long, default_value_t = 400)]
    pub skills: usize,
    /// Needs per gap.
    #[arg(long, default_value_t = 20)]
    pub needs: usize,
    /// Gaps to plan.
    #[arg(long, default_value_t = 50)]
    pub gaps: usize,
    /// What an hour of the learner's time is worth, in euro cents (0: hours not priced).
    #[arg(long, default_value_t = 2500)]
    pub hour_value: i64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the benchmark and prints its report.
pub fn run(args: &LearningPathArgs) -> Result<ExitCode> {
    let report = learning_path(args)?;
    out!("{}", report.trim_end());
    Ok(ExitCode::SUCCESS)
}

/// The plan and the CPU time of this thread it took (on a shared machine, what the planner
/// itself cost), with the wall time.
fn timed(f: impl FnOnce() -> Result<LearningPlan>) -> Result<(LearningPlan, Duration, Duration)> {
    let wall = Instant::now();
    let started = cpu_time::ThreadTime::now();
    let value = f()?;
    Ok((value, started.elapsed(), wall.elapsed()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times of one method over all gaps.
#[derive(Default)]
struct Times {
    cpu: Vec<Duration>,
    wall: Vec<Duration>,
    proven: usize,
    steps: usize,
}

impl Times {
    fn push(&mut self, plan: &LearningPlan, cpu: Duration, wall: Duration) {
        self.cpu.push(cpu);
        self.wall.push(wall);
        self.proven += usize::from(plan.optimal);
        self.steps += plan.steps.len();
    }

    fn row(&mut self, name: &str) -> String {
        self.cpu.sort_unstable();
        self.wall.sort_unstable();
        let n = self.cpu.len();
        format!(
            "{name:<7} {:>8.2} {:>8.2} {:>8.2} {:>9.2} {:>8} {:>6.1}",
            ms(percentile(&self.cpu, 0.5)),
            ms(percentile(&self.cpu, 0.95)),
            ms(self.cpu[n - 1]),
            ms(percentile(&self.wall, 0.5)),
            format!("{}/{n}", self.proven),
            self.steps as f64 / n as f64,
        )
    }
}

fn learning_path(a: &LearningPathArgs) -> Result<String> {
    if a.resources == 0 || a.skills == 0 || a.needs == 0 || a.gaps == 0 {
        bail!("--resources, --skills, --needs and --gaps must be above 0");
    }
    if a.hour_value < 0 {
        bail!("--hour-value cannot be negative");
    }
    let skills: Vec<SkillId> = (0..a.skills)
        .map(|n| SkillId::parse(&format!("bench:skill/{n}")))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    let catalogue = synthetic_catalogue(&skills, a.resources, a.seed);
    let generated = started.elapsed();
    let eur = Currency::parse("EUR")?;
    let hour_value = (a.hour_value > 0)
        .then(|| Money::new(a.hour_value, eur))
        .transpose()?;
    // The exact run takes the largest gaps the exact search accepts, so that prerequisites added
    // on top of the needs keep it exact; the greedy run never searches.
    let exact_options = PlanOptions {
        hour_value,
        exact_limit: MAX_EXACT_NEEDS,
        ..PlanOptions::default()
    };
    let greedy_options = PlanOptions {
        exact_limit: 0,
        ..exact_options.clone()
    };

    let mut exact_times = Times::default();
    let mut greedy_times = Times::default();
    let mut gaps_pct: Vec<f64> = Vec::new();
    let mut bound_pct: Vec<f64> = Vec::new();
    let mut same_needs = 0usize;
    let mut added = 0usize;
    let mut most_needs = 0usize;
    let mut not_exact = 0usize;
    let mut uncovered = 0usize;
    for g in 0..a.gaps {
        let needs = synthetic_gap(&skills, a.needs, a.seed.wrapping_mul(1_000_003) + g as u64);
        let (exact, cpu, wall) = timed(|| Ok(plan(&needs, &catalogue, &exact_options)?))?;
        exact_times.push(&exact, cpu, wall);
        let (greedy, cpu, wall) = timed(|| Ok(plan(&needs, &catalogue, &greedy_options)?))?;
        greedy_times.push(&greedy, cpu, wall);

        not_exact += usize::from(exact.method != PlanMethod::Exact);
        added += exact.prerequisites_added.len();
        uncovered += exact.uncovered.len();
        most_needs = most_needs.max(needs.len() + exact.prerequisites_added.len());
        let e = exact.cost.map_or(0, |c| c.minor);
        let gr = greedy.cost.map_or(0, |c| c.minor);
        if greedy.prerequisites_added == exact.prerequisites_added {
            same_needs += 1;
            if exact.method == PlanMethod::Exact && gr < e {
                bail!("gap {g}: greedy cost {gr} is below the exact optimum {e}");
            }
            if e > 0 {
                gaps_pct.push((gr - e) as f64 * 100.0 / e as f64);
            }
        }
        let lb = greedy.lower_bound.map_or(0, |c| c.minor);
        if exact.method == PlanMethod::Exact
            && greedy.prerequisites_added == exact.prerequisites_added
            && lb > e
        {
            bail!("gap {g}: greedy's lower bound {lb} is above the exact optimum {e}");
        }
        if gr > 0 {
            bound_pct.push((gr - lb) as f64 * 100.0 / gr as f64);
        }
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let max = |v: &[f64]| v.iter().copied().fold(0.0f64, f64::max);
    let objective = match hour_value {
        Some(h) => format!("price + hours × {}.{:02} EUR", h.minor / 100, h.minor % 100),
        None => "price, then hours".to_owned(),
    };
    let n = a.gaps as f64;
    Ok(format!(
        "learning paths: {} resources over {} skills (generated in {:.0} ms), {} gaps of {} needs, \
         seed {}; objective {objective}\n\
         method    cpu p50  cpu p95  cpu max  wall p50  optimal  steps   (ms)\n\
         {}\n\
         {}\n\
         greedy cost above the optimum: mean {:.2} %, max {:.2} % (over {} gaps: both plans \
         added the same prerequisites ({} of {}) and the optimum costs more than 0)\n\
         greedy cost above its own lower bound: mean {:.2} %, max {:.2} %\n\
         prerequisites added per gap: mean {:.1}; most needs planned {most_needs}; uncovered \
         needs per gap {:.2}; exact runs left to greedy (over {MAX_EXACT_NEEDS} needs or the state limit): {not_exact}\n\
         exact_p50={:.2}ms exact_p95={:.2}ms greedy_p50={:.2}ms gap_mean={:.2}% gap_max={:.2}%",
        a.resources,
        a.skills,
        ms(generated),
        a.gaps,
        a.needs,
        a.seed,
        exact_times.row("exact"),
        greedy_times.row("greedy"),
        mean(&gaps_pct),
        max(&gaps_pct),
        gaps_pct.len(),
        same_needs,
        a.gaps,
        mean(&bound_pct),
        max(&bound_pct),
        added as f64 / n,
        uncovered as f64 / n,
        ms(percentile(&exact_times.cpu, 0.5)),
        ms(percentile(&exact_times.cpu, 0.95)),
        ms(percentile(&greedy_times.cpu, 0.5)),
        mean(&gaps_pct),
        max(&gaps_pct),
    ))
}
