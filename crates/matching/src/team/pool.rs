//! The candidate pool (skill → holders, built once), request validation, the per-request
//! reduction, and turning a solver's answer into a [`Team`] or a reason why there is none.

use std::cmp::Reverse;
use std::collections::HashMap;

use super::instance::{Instance, bits};
use super::large::{CORE_LIMIT, Core, Needs, solve_covers};
use super::search::branch_and_bound;
use super::solve::Outcome;
use super::{
    MAX_HOURS, MAX_NEEDS, MAX_OFFSET_MINUTES, MAX_RATE, Team, TeamCandidate, TeamMember,
    TeamMethod, TeamOptions, TeamRequest,
};
use crate::MatchError;
use crate::zone::{WORKDAY_MINUTES, workday_overlap_hours};

/// Workers indexed by skill, ready for many team requests.
///
/// Building it validates every candidate once and indexes skill → holders; a request then reads
/// only the holders of its own skills. Candidates are kept in ascending worker-id order, which is
/// what makes every answer independent of the order the caller listed them in.
pub struct CandidatePool {
    worker: Vec<u64>,
    rate: Vec<i64>,
    /// Hours available, in seconds.
    secs: Vec<i64>,
    holders: HashMap<u32, Vec<Holder>>,
}

/// One candidate holding one skill, with what the reduction checks inlined so that a request's
/// scan reads its holder lists in order instead of jumping around the pool.
#[derive(Debug, Clone, Copy)]
struct Holder {
    cand: u32,
    /// Hours available, in seconds (at most 3.6·10⁹, which fits).
    secs: u32,
    /// UTC offset in minutes (at most ±1080, which fits).
    offset: i16,
    proficiency: u8,
}

impl std::fmt::Debug for CandidatePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CandidatePool")
            .field("candidates", &self.worker.len())
            .field("skills", &self.holders.len())
            .finish_non_exhaustive()
    }
}

/// Statistics of one solved request, for the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SolveStats {
    /// Candidates left after reduction.
    pub reduced: usize,
    /// Branch-and-bound nodes visited.
    pub nodes: u64,
}

impl CandidatePool {
    /// Validates and indexes `candidates`.
    ///
    /// # Errors
    /// [`MatchError::Invalid`] or [`MatchError::NotFinite`] naming the worker: a negative or
    /// too-large rate or availability, a proficiency outside 1–5, an offset beyond ±18 h, a worker
    /// listed twice, or more than `u32::MAX` candidates.
    pub fn new(candidates: &[TeamCandidate]) -> Result<Self, MatchError> {
        if u32::try_from(candidates.len()).is_err() {
            return Err(MatchError::Invalid(format!(
                "{} candidates are more than a pool can hold ({})",
                candidates.len(),
                u32::MAX
            )));
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_unstable_by_key(|&c| candidates[c].worker);
        let mut pool = Self {
            worker: Vec::with_capacity(candidates.len()),
            rate: Vec::with_capacity(candidates.len()),
            secs: Vec::with_capacity(candidates.len()),
            holders: HashMap::new(),
        };
        let mut skills: Vec<(u32, u8)> = Vec::new();
        for (idx, &c) in order.iter().enumerate() {
            let cand = &candidates[c];
            let who = || format!("worker {}", cand.worker);
            if pool.worker.last() == Some(&cand.worker) {
                return Err(MatchError::Invalid(format!(
                    "{} is listed twice among the candidates",
                    who()
                )));
            }
            if !(0..=MAX_RATE).contains(&cand.hourly_rate) {
                return Err(MatchError::Invalid(format!(
                    "{}: hourly rate {} is outside 0–{MAX_RATE} minor units",
                    who(),
                    cand.hourly_rate
                )));
            }
            let secs = seconds(
                || format!("{}: hours available", who()),
                cand.hours_available,
            )?;
            check_offset(|| format!("{}: UTC offset", who()), cand.utc_offset_minutes)?;
            skills.clear();
            for &(skill, level) in &cand.skills {
                check_proficiency(|| format!("{}: proficiency in skill {skill}", who()), level)?;
                skills.push((skill, level));
            }
            // A skill listed twice counts at its best proficiency.
            skills.sort_unstable_by_key(|&(skill, level)| (skill, Reverse(level)));
            skills.dedup_by_key(|&mut (skill, _)| skill);
            // None of these truncate: the number of candidates was checked against u32::MAX,
            // seconds are at most 3.6·10⁹ < u32::MAX, offsets at most ±1080 minutes.
            let holder = Holder {
                cand: idx as u32,
                secs: secs as u32,
                offset: cand.utc_offset_minutes as i16,
                proficiency: 0,
            };
            for &(skill, proficiency) in &skills {
                pool.holders.entry(skill).or_default().push(Holder {
                    proficiency,
                    ..holder
                });
            }
            pool.worker.push(cand.worker);
            pool.rate.push(cand.hourly_rate);
            pool.secs.push(secs);
        }
        Ok(pool)
    }

    /// Number of candidates in the pool.
    pub fn len(&self) -> usize {
        self.worker.len()
    }

    /// Whether the pool has no candidates.
    pub fn is_empty(&self) -> bool {
        self.worker.is_empty()
    }

    /// Forms the least-cost team for `request` (see the module docs for the model and methods).
    ///
    /// # Errors
    /// [`MatchError::Empty`] for a request without needs; [`MatchError::Invalid`] or
    /// [`MatchError::NotFinite`] for bad numbers; [`MatchError::Infeasible`] with the reason when
    /// no team satisfies the request (or, past the node limit, none was found — the reason says so).
    pub fn form_team(
        &self,
        request: &TeamRequest,
        options: &TeamOptions,
    ) -> Result<Team, MatchError> {
        self.solve(request, options).map(|(team, _)| team)
    }

    /// [`Self::form_team`], with statistics.
    pub(super) fn solve(
        &self,
        request: &TeamRequest,
        options: &TeamOptions,
    ) -> Result<(Team, SolveStats), MatchError> {
        self.solve_with(request, options, Core::default())
    }

    /// [`Self::solve`] with the core limits given (small ones let tests exercise the core rounds).
    pub(super) fn solve_with(
        &self,
        request: &TeamRequest,
        options: &TeamOptions,
        core: Core,
    ) -> Result<(Team, SolveStats), MatchError> {
        let req = Request::new(request)?;
        if req.max_members == Some(0) {
            return Err(infeasible(
                "needs at least 1 member but at most 0 allowed".into(),
            ));
        }
        let covers = self.reduce(&req, req.max_members)?;
        let needs = Needs {
            secs: &req.secs,
            overhead_secs: req.overhead_secs,
        };
        let build = |covers: &[Cover]| self.instance(&req, req.max_members, covers);
        let (inst, out) = solve_covers(&covers, &needs, build, options, core);
        let stats = SolveStats {
            reduced: covers.len(),
            nodes: out.nodes,
        };
        let Some(assign) = &out.assign else {
            return Err(self.diagnose(&req, &out, options));
        };
        let team = self.build_team(&inst, &req, assign, &out);
        if let Some(budget) = req.budget
            && team.total_cost > budget
        {
            let (cost, bound) = (money(team.total_cost), money(team.lower_bound));
            let reason = if team.exact {
                format!("cheapest team costs {cost} > budget {}", money(budget))
            } else if team.lower_bound > budget {
                format!(
                    "every team costs at least {bound} > budget {}",
                    money(budget)
                )
            } else {
                format!(
                    "the cheapest team found costs {cost} > budget {}; the search stopped at its \
                     limits, and a team within budget may exist (none costs less than {bound})",
                    money(budget)
                )
            };
            return Err(infeasible(reason));
        }
        Ok((team, stats))
    }

    /// Keeps the candidates who can take at least one need (proficiency, time zone, hours), then
    /// drops the dominated ones. `max_members` is the team-size limit the pruning may rely on.
    fn reduce(&self, req: &Request, max_members: Option<usize>) -> Result<Vec<Cover>, MatchError> {
        let n = req.secs.len();
        // Whether a worker at each offset (from −18:00) passes the time-zone filter.
        let near_at: Vec<bool> = (-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES)
            .map(|offset| workday_overlap_hours(offset, req.offset) >= req.min_overlap)
            .collect();
        // (candidate << 8 | need): one number per candidate able to take a need, so that
        // sorting groups each candidate's needs.
        let mut pairs: Vec<u64> = Vec::new();
        for i in 0..n {
            let total = req.overhead_secs + req.secs[i];
            let (mut holders, mut near, mut fits) = (0usize, 0usize, 0usize);
            for h in self
                .holders
                .get(&req.skills[i])
                .map_or(&[][..], Vec::as_slice)
            {
                if h.proficiency < req.min_proficiency[i] {
                    continue;
                }
                holders += 1;
                // Cannot be negative: offsets were checked to be within ±MAX_OFFSET_MINUTES.
                if !near_at[(i32::from(h.offset) + MAX_OFFSET_MINUTES) as usize] {
                    continue;
                }
                near += 1;
                if i64::from(h.secs) < total {
                    continue;
                }
                fits += 1;
                pairs.push(u64::from(h.cand) << 8 | i as u64);
            }
            if fits == 0 {
                return Err(infeasible(req.nobody_for(i, holders, near)));
            }
        }
        pairs.sort_unstable();
        let mut covers: Vec<Cover> = Vec::new();
        for chunk in pairs.chunk_by(|a, b| a >> 8 == b >> 8) {
            // Cannot truncate: the high bits are a u32 candidate index, the low 8 a need < 128.
            let cand = (chunk[0] >> 8) as u32;
            let mask = chunk.iter().fold(0u128, |m, &p| m | (1u128 << (p & 0xff)));
            let takeable: i64 = chunk.iter().map(|&p| req.secs[(p & 0xff) as usize]).sum();
            let c = cand as usize;
            covers.push(Cover {
                cand,
                mask,
                rate: self.rate[c],
                room: (self.secs[c] - req.overhead_secs).min(takeable),
            });
        }
        let depth = max_members.unwrap_or(n).min(n);
        Ok(prune_dominated(covers, depth, n))
    }

    /// The instance of `covers` for `req`.
    fn instance(&self, req: &Request, max_members: Option<usize>, covers: &[Cover]) -> Instance {
        let n = req.secs.len();
        let candidates = covers
            .iter()
            .map(|c| (c.cand, c.rate, self.secs[c.cand as usize], c.mask))
            .collect();
        Instance::new(
            req.secs.clone(),
            req.overhead_secs,
            max_members.unwrap_or(n),
            candidates,
        )
    }

    /// The reason no team was returned, when the solver found none.
    fn diagnose(&self, req: &Request, out: &Outcome, options: &TeamOptions) -> MatchError {
        let n = req.secs.len();
        let capacity = "the candidates who can take the needs do not have the hours to take all of \
                        them at once";
        if !out.proven {
            let limit = match req.max_members {
                Some(k) => format!(" of at most {k} members"),
                None => String::new(),
            };
            let how = match options.method {
                TeamMethod::Approximate => {
                    format!("the approximation found no team{limit}; one may exist (search for it)")
                }
                _ => format!(
                    "no team{limit} was found within the search limits ({} nodes); one may exist",
                    options.node_limit
                ),
            };
            return infeasible(how);
        }
        let Some(k) = req.max_members.filter(|&k| k < n) else {
            return infeasible(capacity.into());
        };
        // Proven: no team of at most k members. Count the members a team needs, on the
        // instance reduced without the limit (the limit was part of what the pruning relied on).
        let free = match self.reduce(req, None) {
            Ok(free) => free,
            Err(e) => return e,
        };
        if free.len() > CORE_LIMIT {
            // Too many candidates to count the members needed exactly.
            return infeasible(format!(
                "no team of at most {k} members can cover the needs"
            ));
        }
        let counting = self.instance(req, None, &free).counting_members();
        let all = vec![true; counting.k()];
        let found = branch_and_bound(&counting, &all, None, options.node_limit, None);
        match (&found.best, found.complete) {
            (None, true) => infeasible(capacity.into()),
            (Some(_), true) => infeasible(format!(
                "needs {} members but at most {k} allowed",
                found.best_cost / super::instance::MEMBER_UNIT
            )),
            _ => infeasible(format!(
                "needs more than {k} members but at most {k} allowed"
            )),
        }
    }

    /// The team of an assignment, members by worker id.
    fn build_team(&self, inst: &Instance, req: &Request, assign: &[u32], out: &Outcome) -> Team {
        let mut by_cand: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        for (i, &j) in assign.iter().enumerate() {
            let j = j as usize;
            let s = *slot.entry(j).or_insert_with(|| {
                by_cand.push((j, Vec::new()));
                by_cand.len() - 1
            });
            by_cand[s].1.push(i);
        }
        let mut members: Vec<TeamMember> = by_cand
            .into_iter()
            .map(|(j, needs)| {
                let secs: i64 =
                    req.overhead_secs + needs.iter().map(|&i| inst.secs[i]).sum::<i64>();
                let cost = inst.fixed[j] + needs.iter().map(|&i| inst.c(j, i)).sum::<i64>();
                TeamMember {
                    worker: self.worker[inst.pool_idx[j] as usize],
                    needs,
                    hours: secs as f64 / 3600.0,
                    cost,
                }
            })
            .collect();
        members.sort_unstable_by_key(|m| m.worker);
        let total_cost: i64 = members.iter().map(|m| m.cost).sum();
        let lower_bound = out.lower_bound.min(total_cost);
        let exact = out.proven || lower_bound >= total_cost;
        let gap = if exact || total_cost == 0 {
            0.0
        } else {
            (total_cost - lower_bound) as f64 / total_cost as f64
        };
        Team {
            members,
            total_cost,
            lower_bound: if exact { total_cost } else { lower_bound },
            exact,
            gap,
        }
    }
}

/// A candidate who can take some needs of one request.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cover {
    /// Index in the pool.
    pub cand: u32,
    /// The needs it can take.
    pub mask: u128,
    /// Hourly rate.
    pub rate: i64,
    /// Seconds for needs after the overhead, capped at the sum of the needs in `mask`.
    pub room: i64,
}

/// Drops candidates dominated by at least `depth` kept ones, where `depth` is the largest team
/// size possible (min of the needs and `max_members`).
///
/// Candidate k *dominates* j when k can take every need j can (mask ⊇), costs no more an hour
/// (rate ≤, so every rounded price is ≤ too) and has at least the room (room ≥, with room capped at
/// the hours of the needs the candidate could take: beyond that it is never used, so the cap loses
/// nothing). Ties are broken by the processing order (rate, then room descending, then pool index),
/// which makes dominance a strict order.
///
/// Why this keeps an optimal team: take, among the optimal teams, one whose members come earliest
/// in that order. If it used a dropped j, then j has `depth` kept dominators and the team has at
/// most `depth` members, j included, so one dominator k is not in the team. Giving j's needs to k
/// keeps every constraint (k holds the skills at the proficiency and passed the time-zone filter,
/// its room is at least the hours of j's needs, the team size is unchanged) and does not raise the
/// cost, so the result is an optimal team with an earlier member — a contradiction. The same swap
/// maps any feasible team to a feasible one over kept candidates at no higher cost, so
/// infeasibility, the budget check and the team-size answer are preserved too.
fn prune_dominated(mut covers: Vec<Cover>, depth: usize, n: usize) -> Vec<Cover> {
    // Bounds the work per candidate: with tens of thousands of distinct masks (many needs over
    // popular skills) an exhaustive scan is quadratic, and finds little to prune anyway.
    const DOMINANCE_BUDGET: usize = 512;
    // The order (rate, room descending, index) packed in one number: rates are below 2³⁰, rooms
    // (seconds) below 2³², indices below 2³².
    covers.sort_unstable_by_key(|c| {
        (c.rate as u128) << 64 | u128::from(u32::MAX - c.room as u32) << 32 | u128::from(c.cand)
    });
    // Kept candidates grouped by mask, and for each need the groups whose mask includes it: a
    // dominator's mask includes the lowest need of the dominated one's.
    let mut groups: Vec<(u128, Vec<i64>)> = Vec::new();
    let mut group_of: HashMap<u128, usize> = HashMap::new();
    let mut by_need: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut kept = Vec::new();
    for c in covers {
        // The same mask first (the likeliest dominators), then the other groups of its lowest
        // need, looking at no more than DOMINANCE_BUDGET groups and kept candidates: finding
        // fewer dominators only keeps more candidates.
        let same = group_of.get(&c.mask).copied();
        let others = by_need[c.mask.trailing_zeros() as usize].iter().copied();
        let mut dominators = 0;
        let mut looked = 0;
        'scan: for g in same.into_iter().chain(others.filter(|&g| Some(g) != same)) {
            looked += 1;
            if looked >= DOMINANCE_BUDGET {
                break;
            }
            if groups[g].0 & c.mask != c.mask {
                continue;
            }
            for &room in &groups[g].1 {
                looked += 1;
                if room >= c.room {
                    dominators += 1;
                    if dominators >= depth {
                        break 'scan;
                    }
                }
            }
        }
        if dominators >= depth {
            continue;
        }
        let g = *group_of.entry(c.mask).or_insert_with(|| {
            groups.push((c.mask, Vec::new()));
            for i in bits(c.mask) {
                by_need[i].push(groups.len() - 1);
            }
            groups.len() - 1
        });
        groups[g].1.push(c.room);
        kept.push(c);
    }
    kept.sort_unstable_by_key(|c| c.cand);
    kept
}

/// A validated request, hours in seconds.
pub(super) struct Request {
    skills: Vec<u32>,
    min_proficiency: Vec<u8>,
    secs: Vec<i64>,
    offset: i32,
    min_overlap: f64,
    overhead_secs: i64,
    budget: Option<i64>,
    max_members: Option<usize>,
}

impl Request {
    fn new(r: &TeamRequest) -> Result<Self, MatchError> {
        if r.needs.is_empty() {
            return Err(MatchError::Empty(
                "the team request has no skill needs".into(),
            ));
        }
        if r.needs.len() > MAX_NEEDS {
            return Err(MatchError::Invalid(format!(
                "the team request has {} needs; at most {MAX_NEEDS} are supported (split the project)",
                r.needs.len()
            )));
        }
        let mut secs = Vec::with_capacity(r.needs.len());
        for (i, need) in r.needs.iter().enumerate() {
            check_proficiency(
                || format!("need {i}: minimum proficiency"),
                need.min_proficiency,
            )?;
            secs.push(seconds(|| format!("need {i}: hours"), need.hours)?);
        }
        check_offset(|| "the project's UTC offset".into(), r.utc_offset_minutes)?;
        let workday = f64::from(WORKDAY_MINUTES) / 60.0;
        if !r.min_overlap_hours.is_finite() {
            return Err(not_finite(
                "minimum overlap hours".into(),
                r.min_overlap_hours,
            ));
        }
        if !(0.0..=workday).contains(&r.min_overlap_hours) {
            return Err(MatchError::Invalid(format!(
                "minimum overlap of {} h is outside 0–{workday} h (the length of the workday)",
                r.min_overlap_hours
            )));
        }
        if let Some(b) = r.budget
            && b < 0
        {
            return Err(MatchError::Invalid(format!("budget {b} is negative")));
        }
        Ok(Self {
            skills: r.needs.iter().map(|n| n.skill).collect(),
            min_proficiency: r.needs.iter().map(|n| n.min_proficiency).collect(),
            secs,
            offset: r.utc_offset_minutes,
            min_overlap: r.min_overlap_hours,
            overhead_secs: seconds(|| "member overhead hours".into(), r.member_overhead_hours)?,
            budget: r.budget,
            max_members: r.max_members,
        })
    }

    /// Why nobody can take need `i`, given how many hold its skill at the proficiency and how
    /// many of those also pass the time-zone filter.
    fn nobody_for(&self, i: usize, holders: usize, near: usize) -> String {
        let what = format!(
            "skill {} at proficiency ≥ {}",
            self.skills[i], self.min_proficiency[i]
        );
        let window = format!(
            "{} h of the project's 09:00–17:00 at {}",
            hours(self.min_overlap),
            utc(self.offset)
        );
        if holders == 0 {
            format!("no candidate holds {what} (need {i})")
        } else if near == 0 {
            format!(
                "no candidate holds {what} within the time-zone overlap (need {i}; {holders} hold \
                 it but none shares {window})"
            )
        } else {
            format!(
                "no candidate who holds {what} within the time-zone overlap has {} h free (need \
                 {i}: {} h plus {} h member overhead; {near} hold it within the overlap)",
                hours(secs_to_hours(self.secs[i] + self.overhead_secs)),
                hours(secs_to_hours(self.secs[i])),
                hours(secs_to_hours(self.overhead_secs)),
            )
        }
    }
}

fn infeasible(reason: String) -> MatchError {
    MatchError::Infeasible { reason }
}

fn not_finite(what: String, value: f64) -> MatchError {
    MatchError::NotFinite {
        what,
        value: value.to_string(),
    }
}

/// Hours → whole seconds, refusing NaN, infinities, negatives and more than [`MAX_HOURS`].
fn seconds(what: impl Fn() -> String, hours: f64) -> Result<i64, MatchError> {
    if !hours.is_finite() {
        return Err(not_finite(what(), hours));
    }
    if !(0.0..=MAX_HOURS).contains(&hours) {
        return Err(MatchError::Invalid(format!(
            "{} of {hours} is outside 0–{MAX_HOURS}",
            what()
        )));
    }
    // In range by the check above: at most 3.6·10⁹ seconds.
    Ok((hours * 3600.0).round() as i64)
}

fn check_proficiency(what: impl Fn() -> String, level: u8) -> Result<(), MatchError> {
    if (1..=5).contains(&level) {
        Ok(())
    } else {
        Err(MatchError::Invalid(format!(
            "{} is {level}, outside 1–5",
            what()
        )))
    }
}

fn check_offset(what: impl Fn() -> String, minutes: i32) -> Result<(), MatchError> {
    if (-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&minutes) {
        Ok(())
    } else {
        Err(MatchError::Invalid(format!(
            "{} of {minutes} minutes is beyond ±{} minutes (±18:00)",
            what(),
            MAX_OFFSET_MINUTES
        )))
    }
}

fn secs_to_hours(secs: i64) -> f64 {
    secs as f64 / 3600.0
}

/// Hours for a message: up to two decimals, trailing zeros dropped ("120", "7.5").
fn hours(h: f64) -> String {
    let s = format!("{h:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A UTC offset for a message: "UTC+01:00", "UTC−05:30".
fn utc(minutes: i32) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Minor units for a message, digits grouped by thousands: "12,300".
pub(super) fn money(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (pos, ch) in digits.chars().enumerate() {
        if pos > 0 && (digits.len() - pos).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
