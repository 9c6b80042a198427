//! Timing team formation on many projects over one pool: the engine side of `guild bench teams`.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::pool::CandidatePool;
use super::{TeamCandidate, TeamMethod, TeamOptions, TeamRequest};
use crate::MatchError;

/// Results of [`benchmark`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamBenchReport {
    /// Candidates in the pool.
    pub candidates: usize,
    /// Projects (requests) solved.
    pub projects: usize,
    /// Time to validate and index the candidates, in milliseconds.
    pub index_ms: f64,
    /// The node limit the exact search ran with.
    pub node_limit: u64,
    /// [`TeamMethod::Auto`]: the approximation, then branch and bound within the node limit.
    pub auto: MethodSummary,
    /// [`TeamMethod::Approximate`] alone.
    pub approximate: MethodSummary,
    /// Projects whose optimum Auto proved, and so whose approximation's true gap is known.
    pub optimum_known: usize,
    /// Mean of (approximate cost − optimum) / approximate cost over those projects.
    pub approx_gap_to_optimum_mean: f64,
    /// Largest such gap.
    pub approx_gap_to_optimum_max: f64,
    /// Mean number of candidates left per project after reduction.
    pub reduced_candidates_mean: f64,
    /// Largest such number.
    pub reduced_candidates_max: usize,
    /// One line per project, in request order.
    pub per_project: Vec<ProjectBench>,
}

/// Times and quality of one method over all projects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodSummary {
    /// Sum of the per-project times, in milliseconds.
    pub total_ms: f64,
    /// Mean time per project.
    pub mean_ms: f64,
    /// Median time per project.
    pub p50_ms: f64,
    /// 99th-percentile time per project (nearest rank).
    pub p99_ms: f64,
    /// Slowest project.
    pub max_ms: f64,
    /// Projects given a team.
    pub teams: usize,
    /// Teams proven optimal.
    pub exact: usize,
    /// Projects answered "no team" (with a reason).
    pub infeasible: usize,
    /// Mean reported gap over the teams (0 for exact ones).
    pub mean_gap: f64,
    /// Largest reported gap.
    pub max_gap: f64,
}

/// One project in the benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectBench {
    /// Number of needs.
    pub needs: usize,
    /// Candidates left after reduction (0 when the request was refused before that).
    pub reduced_candidates: usize,
    /// Auto's time, in milliseconds.
    pub auto_ms: f64,
    /// Auto's team cost, or `None` for no team.
    pub auto_cost: Option<i64>,
    /// Whether Auto proved its team optimal.
    pub auto_exact: bool,
    /// Branch-and-bound nodes Auto visited.
    pub auto_nodes: u64,
    /// The approximation's time, in milliseconds.
    pub approx_ms: f64,
    /// The approximation's team cost, or `None`.
    pub approx_cost: Option<i64>,
    /// The best lower bound either method gave, or `None`.
    pub lower_bound: Option<i64>,
}

/// Builds a pool from `candidates` and forms a team for every request twice — with
/// [`TeamMethod::Auto`] (branch and bound within `node_limit`) and [`TeamMethod::Approximate`] —
/// timing each. Build the candidates once and pass the same slice for comparable runs.
///
/// # Errors
/// The first invalid candidate or request ([`MatchError::Invalid`], [`MatchError::NotFinite`],
/// [`MatchError::Empty`]); a request with no feasible team is counted, not an error.
pub fn benchmark(
    candidates: &[TeamCandidate],
    requests: &[TeamRequest],
    node_limit: u64,
) -> Result<TeamBenchReport, MatchError> {
    let started = Instant::now();
    let pool = CandidatePool::new(candidates)?;
    let index_ms = millis(started);
    let auto = TeamOptions {
        method: TeamMethod::Auto,
        node_limit,
    };
    let approx = TeamOptions {
        method: TeamMethod::Approximate,
        node_limit,
    };
    let mut per_project = Vec::with_capacity(requests.len());
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for request in requests {
        let mut line = ProjectBench {
            needs: request.needs.len(),
            reduced_candidates: 0,
            auto_ms: 0.0,
            auto_cost: None,
            auto_exact: false,
            auto_nodes: 0,
            approx_ms: 0.0,
            approx_cost: None,
            lower_bound: None,
        };
        for (m, options) in [auto, approx].iter().enumerate() {
            let started = Instant::now();
            let result = pool.solve(request, options);
            let ms = millis(started);
            let run = match result {
                Ok((team, stats)) => {
                    line.reduced_candidates = stats.reduced;
                    line.lower_bound = line.lower_bound.max(Some(team.lower_bound));
                    if m == 0 {
                        (line.auto_cost, line.auto_exact) = (Some(team.total_cost), team.exact);
                        line.auto_nodes = stats.nodes;
                    } else {
                        line.approx_cost = Some(team.total_cost);
                    }
                    Run {
                        ms,
                        team: Some((team.exact, team.gap)),
                    }
                }
                Err(MatchError::Infeasible { .. }) => Run { ms, team: None },
                Err(e) => return Err(e),
            };
            if m == 0 {
                line.auto_ms = ms;
            } else {
                line.approx_ms = ms;
            }
            runs[m].push(run);
        }
        per_project.push(line);
    }
    let true_gaps: Vec<f64> = per_project
        .iter()
        .filter(|p| p.auto_exact)
        .filter_map(|p| match (p.approx_cost, p.auto_cost) {
            (Some(a), Some(opt)) if a > 0 => Some((a - opt) as f64 / a as f64),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        })
        .collect();
    let reduced: Vec<usize> = per_project.iter().map(|p| p.reduced_candidates).collect();
    let [auto_runs, approx_runs] = runs;
    Ok(TeamBenchReport {
        candidates: pool.len(),
        projects: requests.len(),
        index_ms,
        node_limit,
        auto: summarise(&auto_runs),
        approximate: summarise(&approx_runs),
        optimum_known: true_gaps.len(),
        approx_gap_to_optimum_mean: mean(&true_gaps),
        approx_gap_to_optimum_max: true_gaps.iter().copied().fold(0.0, f64::max),
        reduced_candidates_mean: mean(&reduced.iter().map(|&r| r as f64).collect::<Vec<_>>()),
        reduced_candidates_max: reduced.iter().copied().max().unwrap_or(0),
        per_project,
    })
}

/// One method on one project: its time, and (exact, gap) if it gave a team.
struct Run {
    ms: f64,
    team: Option<(bool, f64)>,
}

fn summarise(runs: &[Run]) -> MethodSummary {
    let mut times: Vec<f64> = runs.iter().map(|r| r.ms).collect();
    times.sort_by(f64::total_cmp);
    let gaps: Vec<f64> = runs.iter().filter_map(|r| r.team.map(|(_, g)| g)).collect();
    MethodSummary {
        total_ms: times.iter().sum(),
        mean_ms: mean(&times),
        p50_ms: percentile(&times, 0.50),
        p99_ms: percentile(&times, 0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
        teams: gaps.len(),
        exact: runs
            .iter()
            .filter(|r| matches!(r.team, Some((true, _))))
            .count(),
        infeasible: runs.iter().filter(|r| r.team.is_none()).count(),
        mean_gap: mean(&gaps),
        max_gap: gaps.iter().copied().fold(0.0, f64::max),
    }
}

fn millis(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
