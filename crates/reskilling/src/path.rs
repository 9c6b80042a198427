//! Learning paths: the cheapest set of learning resources that closes a skill gap, ordered so that
//! every resource comes after what it needs first.
//!
//! # The problem
//!
//! A gap is a list of [`Need`]s (a skill at a level). A resource *covers* a need when it teaches
//! that skill at that level or higher. Choosing resources that cover every need at least cost is
//! a weighted set cover:
//!
//! - **Objective.** With an hour value ([`PlanOptions::hour_value`]) the cost of a resource is its
//!   price plus its hours × the hour value (the time part rounded to the minor unit, resource by
//!   resource), and among plans of equal cost the one with fewer hours wins
//!   ([`Objective::PricePlusTime`]). Without one, hours are not priced: the cost is the price
//!   alone, and among plans of equal price the one with fewer hours wins
//!   ([`Objective::PriceThenHours`]); many free resources make that tie-break matter.
//! - **Currency.** The plan is in the hour value's currency or, without one, in the currency most
//!   priced resources in the accepted languages use (ties: the alphabetically first code). Free
//!   resources fit any plan; resources priced in another currency are skipped and a note says how
//!   many.
//! - **Exact or greedy.** Gaps of up to [`PlanOptions::exact_limit`] coverable needs (at most
//!   [`MAX_EXACT_NEEDS`]) are solved exactly, by branch and bound with memory over the set of
//!   needs still open: it branches on the open need that the fewest resources cover, over the
//!   resources covering it cheapest first, starts from the greedy plan's cost as the budget,
//!   prunes with per-set lower bounds (each open need's least cost share, the dearest open
//!   need), and keeps only the cheapest resource per distinct coverage after dropping resources
//!   that a resource costing no more and covering a superset dominates. Larger gaps are solved
//!   greedily (least cost per newly covered need, then redundant resources dropped) and come
//!   with a lower bound on the optimum: the best of the greedy cost ÷ H(largest coverage), a
//!   maximal dual solution of the covering LP, and the dearest need's cheapest resource.
//!   `optimal` is true when the bound proves the plan optimal. Should the exact search pass
//!   [`EXACT_STATE_LIMIT`] sets of needs (it does not on realistic catalogues), the greedy plan
//!   is used and a note says so.
//! - **Prerequisites.** A chosen resource's `requires` must be met by what the learner holds or by
//!   an earlier step that teaches the skill at that level or higher. Resources whose requirements
//!   nothing usable teaches are left out beforehand. A requirement that the chosen resources do
//!   not meet becomes a new need and the gap is planned again; when chosen resources require each
//!   other, the resources in that cycle are replaced by another provider when one exists and the
//!   gap is planned again. At most [`MAX_REPLANS`] times: a cycle left then is
//!   [`ReskillError::PrerequisiteCycle`], and requirements still unmet are listed on their steps
//!   and in the notes. Prerequisites added as needs stay needs for the rest of the planning, and
//!   the cost, bound and optimality are those of covering the final list of needs.
//! - **Order.** Steps are ordered by Kahn's algorithm generalised to requirements that any of
//!   several steps may meet: among the steps whose requirements are met, the cheapest (then by
//!   title and id) comes next.
//!
//! Everything is deterministic: ties are broken by cost, hours, resource id and title, then by
//! position in the catalogue.

use guild_ids::ResourceId;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use guild_matching::{Currency, Money, Proficiency};
use guild_taxonomy::SkillId;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::ReskillError;
use crate::catalogue::{LearningResource, ResourceKind, SkillLevel};

/// Gaps up to this many needs are solved exactly unless the options say otherwise.
pub const DEFAULT_EXACT_LIMIT: usize = 20;
/// The most needs the exact search takes on, whatever the options say (sets of needs are
/// 64-bit masks; its work can grow exponentially with the needs resources cover together).
pub const MAX_EXACT_NEEDS: usize = 64;
/// How many times the gap is planned again for prerequisites or cycles.
pub const MAX_REPLANS: usize = 5;
/// Sets of open needs the exact search may remember before it gives way to the greedy plan
/// (about 50 MB and half a second at most).
pub const EXACT_STATE_LIMIT: usize = 1_000_000;
/// The largest hour value accepted, in minor units (ten million a hour in a two-decimal currency).
const MAX_HOUR_VALUE: i64 = 1_000_000_000;
/// The synthetic catalogue's skills come in domains of this many consecutive skills.
const SYNTHETIC_DOMAIN: usize = 10;

/// One thing the learner must gain: a skill at a level (an item of a gap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Need {
    /// The skill.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// The level to reach, 1 to 5.
    pub level: Proficiency,
    /// How much it matters, 0 to 1: for display, and to break ties between equally cheap choices.
    pub importance: f32,
}

/// What the planner knows of the learner and how to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// What the learner can already do: needs met by these are dropped, and they meet
    /// prerequisites.
    pub held: Vec<SkillLevel>,
    /// Accepted languages (primary tags such as `en`, any case); empty accepts any.
    pub languages: Vec<String>,
    /// What an hour of the learner's time is worth; `None` leaves hours unpriced (see
    /// [`Objective`]).
    pub hour_value: Option<Money>,
    /// Gaps of up to this many coverable needs are solved exactly (capped at
    /// [`MAX_EXACT_NEEDS`]); 0 always plans greedily.
    pub exact_limit: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            held: Vec::new(),
            languages: Vec::new(),
            hour_value: None,
            exact_limit: DEFAULT_EXACT_LIMIT,
        }
    }
}

/// The cost a plan minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Objective {
    /// The total price; among plans of equal price, the fewest hours. Hours are not priced.
    PriceThenHours,
    /// The total price plus every resource's hours × `hour_value` (rounded to the minor unit per
    /// resource); among plans of equal cost, the fewest hours.
    PricePlusTime {
        /// What an hour of the learner's time is worth.
        hour_value: Money,
    },
}

/// How the plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanMethod {
    /// Exact search: the plan is optimal.
    Exact,
    /// Greedy, with a lower bound on the optimum.
    Greedy,
}

impl PlanMethod {
    /// Its name as written in the API: `exact` or `greedy`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanMethod::Exact => "exact",
            PlanMethod::Greedy => "greedy",
        }
    }
}

/// One step of a plan: a resource, what it closes, and which steps must come before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStep {
    /// The resource to take.
    pub resource: LearningResource,
    /// The needs (original or added prerequisites) it brings to their level.
    pub closes: Vec<SkillLevel>,
    /// Earlier steps (0-based positions in `steps`) that teach what it requires.
    pub after: Vec<usize>,
    /// Requirements neither held nor taught by an earlier step: only when the re-planning
    /// rounds ran out (see the notes).
    pub unmet: Vec<SkillLevel>,
}

/// A learning plan that closes a gap, cheapest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearningPlan {
    /// The resources to take, in an order that meets every prerequisite.
    pub steps: Vec<PlanStep>,
    /// Needs that no usable resource teaches to their level, most important first.
    pub uncovered: Vec<Need>,
    /// Requirements of chosen resources that the learner lacked and that became needs.
    pub prerequisites_added: Vec<SkillLevel>,
    /// Hours of all steps.
    pub total_hours: f32,
    /// The plan's currency; `None` when no resource it could use is priced and no hour value
    /// was given (everything is free).
    pub currency: Option<Currency>,
    /// The price of all steps (`None` without a currency).
    pub total_price: Option<Money>,
    /// What was minimised.
    pub objective: Objective,
    /// The value of the objective: the price, plus the priced hours with an hour value.
    pub cost: Option<Money>,
    /// A lower bound on the least cost of covering the same needs (equal to `cost` when exact).
    pub lower_bound: Option<Money>,
    /// Exact or greedy.
    pub method: PlanMethod,
    /// Whether the plan is proven optimal: always when exact; for a greedy plan, when its cost
    /// equals the lower bound (and, when hours are not priced, its hours equal a lower bound on
    /// the hours of any cover).
    pub optimal: bool,
    /// What the planner left out or could not do, in words.
    pub notes: Vec<String>,
}

/// A resource's cost: money first (minor units of the plan currency), then hours (thousandths).
/// Additive, compared lexicographically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Cost {
    money: i64,
    millihours: i64,
}

impl Cost {
    const MAX: Cost = Cost {
        money: i64::MAX,
        millihours: i64::MAX,
    };

    /// Component-wise: the lexicographic order survives adding or taking away the same cost,
    /// so budgets may go negative in hours.
    fn minus(self, other: Cost) -> Cost {
        Cost {
            money: self.money.saturating_sub(other.money),
            millihours: self.millihours.saturating_sub(other.millihours),
        }
    }

    fn plus(self, other: Cost) -> Cost {
        Cost {
            money: self.money.saturating_add(other.money),
            millihours: self.millihours.saturating_add(other.millihours),
        }
    }
}

fn resource_cost(resource: &LearningResource, hour_value: Option<Money>) -> Cost {
    let price = resource.cost.map_or(0, |c| c.minor);
    let hours = f64::from(resource.hours);
    // `as` saturates, and validated hours and hour values keep this far from the limits.
    let time = hour_value.map_or(0, |h| (hours * h.minor as f64).round() as i64);
    Cost {
        money: price.saturating_add(time),
        millihours: (hours * 1000.0).round() as i64,
    }
}

/// The primary subtag of a language tag, lower case: `en-GB` → `en`.
fn primary_language(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn level(l: Proficiency) -> u8 {
    l.level()
}

fn skill_level(skill: &SkillId, l: Proficiency) -> SkillLevel {
    SkillLevel {
        skill: skill.clone(),
        level: l,
    }
}

/// Plans the cheapest ordered set of resources from `catalogue` that closes `needs` (see the
/// module documentation for the objective, the currency rule and prerequisites).
///
/// Errors: an empty catalogue ([`ReskillError::Empty`]); a need whose importance is not a number
/// from 0 to 1, an empty accepted language or an absurd hour value ([`ReskillError::Invalid`]);
/// a resource that does not validate ([`ReskillError::Catalogue`], with its 1-based position);
/// chosen resources that require each other with no way round
/// ([`ReskillError::PrerequisiteCycle`]).
pub fn plan(
    needs: &[Need],
    catalogue: &[LearningResource],
    options: &PlanOptions,
) -> Result<LearningPlan, ReskillError> {
    if catalogue.is_empty() {
        return Err(ReskillError::Empty(
            "the catalogue is empty: there are no resources to plan with".to_owned(),
        ));
    }
    let languages = accepted_languages(&options.languages)?;
    if let Some(h) = options.hour_value
        && !(0..=MAX_HOUR_VALUE).contains(&h.minor)
    {
        return Err(ReskillError::Invalid(format!(
            "the hour value must be from 0 to {MAX_HOUR_VALUE} minor units, not {}",
            h.minor
        )));
    }
    let merged = merge_needs(needs)?;
    for (n, resource) in catalogue.iter().enumerate() {
        resource.validate().map_err(|e| ReskillError::Catalogue {
            line: n + 1,
            reason: e.to_string(),
        })?;
    }
    let mut held: HashMap<&SkillId, u8> = HashMap::new();
    for h in &options.held {
        let l = held.entry(&h.skill).or_insert(0);
        *l = (*l).max(level(h.level));
    }
    let held_level = |skill: &SkillId| held.get(skill).copied().unwrap_or(0);

    let mut notes = Vec::new();
    let pool = usable_resources(catalogue, &languages, options.hour_value, &mut notes);
    let objective = match options.hour_value {
        Some(hour_value) => Objective::PricePlusTime { hour_value },
        None => Objective::PriceThenHours,
    };
    let open: Vec<Need> = merged
        .into_iter()
        .filter(|n| held_level(&n.skill) < level(n.level))
        .collect();
    if open.is_empty() {
        notes.push("nothing to learn: the learner already holds every need".to_owned());
        let zero = pool.currency.map(|currency| Money { minor: 0, currency });
        return Ok(LearningPlan {
            steps: Vec::new(),
            uncovered: Vec::new(),
            prerequisites_added: Vec::new(),
            total_hours: 0.0,
            currency: pool.currency,
            total_price: zero,
            objective,
            cost: zero,
            lower_bound: zero,
            method: PlanMethod::Exact,
            optimal: true,
            notes,
        });
    }

    let costs: Vec<Cost> = catalogue
        .iter()
        .map(|r| resource_cost(r, options.hour_value))
        .collect();
    let exact_limit = options.exact_limit.min(MAX_EXACT_NEEDS);
    let mut work = open;
    let mut added: Vec<SkillLevel> = Vec::new();
    let mut banned = vec![false; catalogue.len()];
    let mut dropped_note = false;
    let mut round = 0;
    loop {
        let alive = feasible(catalogue, &pool.usable, &banned, &held);
        if !dropped_note {
            let dropped = pool
                .usable
                .iter()
                .zip(&alive)
                .filter(|(u, a)| **u && !**a)
                .count();
            if dropped > 0 {
                notes.push(format!(
                    "{dropped} resource(s) left out: they require skills the learner lacks and \
                     no usable resource teaches"
                ));
            }
            dropped_note = true;
        }
        let instance = Instance::build(&work, catalogue, &alive, &costs);
        let solution = solve(
            &instance,
            exact_limit,
            options.hour_value.is_some(),
            &mut notes,
        );
        let chosen: Vec<usize> = solution
            .chosen
            .iter()
            .map(|&c| instance.cands[c].resource)
            .collect();

        let unmet = unmet_requirements(&chosen, catalogue, &held, &work);
        if !unmet.is_empty() && round < MAX_REPLANS {
            let best_taught = best_taught(catalogue, &alive);
            for (req, importance) in unmet {
                add_prerequisite(&mut work, &req, importance, &best_taught);
                if !added.contains(&req) {
                    added.push(req);
                }
            }
            round += 1;
            continue;
        }
        match order_steps(&chosen, catalogue, &costs, &held) {
            Ok(order) => {
                if !unmet.is_empty() {
                    let list: Vec<String> = unmet
                        .iter()
                        .map(|(r, _)| format!("{}@{}", r.skill, level(r.level)))
                        .collect();
                    notes.push(format!(
                        "prerequisites still unmet after {MAX_REPLANS} re-planning rounds: {}",
                        list.join(", ")
                    ));
                }
                return Ok(assemble(
                    AssembleInput {
                        catalogue,
                        costs: &costs,
                        work: &work,
                        instance: &instance,
                        solution: &solution,
                        order,
                        added,
                        currency: pool.currency,
                        objective,
                    },
                    notes,
                ));
            }
            Err(stuck) => {
                let bans = if round < MAX_REPLANS {
                    cycle_bans(&stuck, &chosen, catalogue, &alive, &held)
                } else {
                    Vec::new()
                };
                if bans.is_empty() {
                    return Err(ReskillError::PrerequisiteCycle(describe_cycle(
                        &stuck, &chosen, catalogue, &held,
                    )));
                }
                for b in bans {
                    banned[b] = true;
                }
                round += 1;
            }
        }
    }
}

fn accepted_languages(raw: &[String]) -> Result<Vec<String>, ReskillError> {
    raw.iter()
        .map(|l| {
            let tag = primary_language(l);
            if tag.is_empty() {
                Err(ReskillError::Invalid(format!(
                    "{l:?} is not a language tag (such as \"en\")"
                )))
            } else {
                Ok(tag)
            }
        })
        .collect()
}

/// Checks importances and keeps one need per skill: the highest level, the highest importance,
/// in the order of first appearance.
fn merge_needs(needs: &[Need]) -> Result<Vec<Need>, ReskillError> {
    let mut out: Vec<Need> = Vec::with_capacity(needs.len());
    let mut at: HashMap<&SkillId, usize> = HashMap::new();
    for need in needs {
        if !need.importance.is_finite() || !(0.0..=1.0).contains(&need.importance) {
            return Err(ReskillError::Invalid(format!(
                "need {}: importance must be a number from 0 to 1, not {}",
                need.skill, need.importance
            )));
        }
        match at.get(&need.skill) {
            Some(&i) => {
                let kept = &mut out[i];
                kept.level = kept.level.max(need.level);
                kept.importance = kept.importance.max(need.importance);
            }
            None => {
                at.insert(&need.skill, out.len());
                out.push(need.clone());
            }
        }
    }
    Ok(out)
}

/// Which resources a plan may use, and in which currency.
struct Pool {
    usable: Vec<bool>,
    currency: Option<Currency>,
}

fn usable_resources(
    catalogue: &[LearningResource],
    languages: &[String],
    hour_value: Option<Money>,
    notes: &mut Vec<String>,
) -> Pool {
    let in_language: Vec<bool> = catalogue
        .iter()
        .map(|r| languages.is_empty() || languages.contains(&primary_language(&r.language)))
        .collect();
    let other_language = in_language.iter().filter(|ok| !**ok).count();
    if other_language > 0 {
        notes.push(format!(
            "{other_language} resource(s) left out: not in an accepted language ({})",
            languages.join(", ")
        ));
    }
    let priced = |r: &LearningResource| r.cost.filter(|c| c.minor > 0);
    let currency = match hour_value {
        Some(h) => Some(h.currency),
        None => {
            // Currencies order alphabetically by their code.
            let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
            for (r, ok) in catalogue.iter().zip(&in_language) {
                if *ok && let Some(c) = priced(r) {
                    *counts.entry(c.currency).or_insert(0) += 1;
                }
            }
            // The most used; on a tie the alphabetically first (strict >).
            let mut best: Option<(usize, Currency)> = None;
            for (&c, &n) in &counts {
                if best.is_none_or(|(m, _)| n > m) {
                    best = Some((n, c));
                }
            }
            best.map(|(_, c)| c)
        }
    };
    let mut skipped: BTreeMap<Currency, usize> = BTreeMap::new();
    let usable = catalogue
        .iter()
        .zip(&in_language)
        .map(|(r, ok)| {
            if !*ok {
                return false;
            }
            match (priced(r), currency) {
                (Some(c), Some(plan)) if c.currency != plan => {
                    *skipped.entry(c.currency).or_insert(0) += 1;
                    false
                }
                _ => true,
            }
        })
        .collect();
    if let Some(plan) = currency {
        for (code, n) in skipped {
            notes.push(format!(
                "{n} resource(s) priced in {code} left out: the plan is in {plan}"
            ));
        }
    }
    if !in_language.iter().any(|ok| *ok) {
        notes.push("no resource is in an accepted language".to_owned());
    }
    Pool { usable, currency }
}

/// The usable, unbanned resources whose every requirement is held or taught by another such
/// resource (to a fixpoint: leaving one out can strand another).
fn feasible(
    catalogue: &[LearningResource],
    usable: &[bool],
    banned: &[bool],
    held: &HashMap<&SkillId, u8>,
) -> Vec<bool> {
    let mut alive: Vec<bool> = usable.iter().zip(banned).map(|(u, b)| *u && !*b).collect();
    loop {
        let taught = best_taught(catalogue, &alive);
        let mut changed = false;
        for (r, a) in catalogue.iter().zip(alive.iter_mut()) {
            if !*a {
                continue;
            }
            let stranded = r.requires.iter().any(|q| {
                let need = level(q.level);
                held.get(&q.skill).copied().unwrap_or(0) < need
                    && taught.get(&q.skill).copied().unwrap_or(0) < need
            });
            if stranded {
                *a = false;
                changed = true;
            }
        }
        if !changed {
            return alive;
        }
    }
}

/// The highest level each skill is taught to by the resources marked alive.
fn best_taught<'a>(catalogue: &'a [LearningResource], alive: &[bool]) -> HashMap<&'a SkillId, u8> {
    let mut taught: HashMap<&SkillId, u8> = HashMap::new();
    for (r, _) in catalogue.iter().zip(alive).filter(|(_, a)| **a) {
        for t in &r.teaches {
            let l = taught.entry(&t.skill).or_insert(0);
            *l = (*l).max(level(t.level));
        }
    }
    taught
}

/// A requirement of a chosen resource as a need: raises the coverable need for that skill when
/// it is lower, else adds a need.
fn add_prerequisite(
    work: &mut Vec<Need>,
    req: &SkillLevel,
    importance: f32,
    taught: &HashMap<&SkillId, u8>,
) {
    let coverable = |n: &Need| taught.get(&n.skill).copied().unwrap_or(0) >= level(n.level);
    if work
        .iter()
        .any(|n| n.skill == req.skill && n.level >= req.level && coverable(n))
    {
        return;
    }
    if let Some(n) = work
        .iter_mut()
        .find(|n| n.skill == req.skill && n.level < req.level)
    {
        n.level = req.level;
        n.importance = n.importance.max(importance);
        return;
    }
    work.push(Need {
        skill: req.skill.clone(),
        level: req.level,
        importance,
    });
}

/// Requirements of the chosen resources that neither the learner holds nor a chosen resource
/// teaches (one per skill, the highest level), each with the highest importance of the needs
/// the requiring resources close.
fn unmet_requirements(
    chosen: &[usize],
    catalogue: &[LearningResource],
    held: &HashMap<&SkillId, u8>,
    work: &[Need],
) -> Vec<(SkillLevel, f32)> {
    let mut out: Vec<(SkillLevel, f32)> = Vec::new();
    for &c in chosen {
        let resource = &catalogue[c];
        let importance = work
            .iter()
            .filter(|n| teaches(resource, &skill_level(&n.skill, n.level)))
            .map(|n| n.importance)
            .fold(0.0f32, f32::max);
        for q in &resource.requires {
            if held.get(&q.skill).copied().unwrap_or(0) >= level(q.level)
                || taught_by_any(chosen, catalogue, q)
            {
                continue;
            }
            match out.iter_mut().find(|(s, _)| s.skill == q.skill) {
                Some((s, i)) => {
                    s.level = s.level.max(q.level);
                    *i = i.max(importance);
                }
                None => out.push((q.clone(), importance)),
            }
        }
    }
    out
}

fn teaches(resource: &LearningResource, req: &SkillLevel) -> bool {
    resource
        .teaches
        .iter()
        .any(|t| t.skill == req.skill && t.level >= req.level)
}

fn taught_by_any(chosen: &[usize], catalogue: &[LearningResource], req: &SkillLevel) -> bool {
    chosen.iter().any(|&c| teaches(&catalogue[c], req))
}

/// A step in order: the resource, the steps before it that it needs, its unmet requirements.
struct Ordered {
    resource: usize,
    after: Vec<usize>,
    unmet: Vec<SkillLevel>,
}

/// Orders the chosen resources so that each comes after steps teaching what it requires
/// (Kahn's algorithm where a requirement may be met by any of several steps). A requirement
/// that is not held and that no chosen resource teaches does not hold a step back (it is
/// reported as unmet). `Err` holds the resources that could not be placed: a cycle.
fn order_steps(
    chosen: &[usize],
    catalogue: &[LearningResource],
    costs: &[Cost],
    held: &HashMap<&SkillId, u8>,
) -> Result<Vec<Ordered>, Vec<usize>> {
    let held_meets = |q: &SkillLevel| held.get(&q.skill).copied().unwrap_or(0) >= level(q.level);
    let mut left: Vec<usize> = chosen.to_vec();
    let mut placed: Vec<Ordered> = Vec::with_capacity(chosen.len());
    while !left.is_empty() {
        let ready = |r: usize| {
            catalogue[r].requires.iter().all(|q| {
                held_meets(q)
                    || !taught_by_any(chosen, catalogue, q)
                    || placed.iter().any(|p| teaches(&catalogue[p.resource], q))
            })
        };
        let next = left
            .iter()
            .enumerate()
            .filter(|(_, r)| ready(**r))
            .min_by(|(_, a), (_, b)| {
                let (ra, rb) = (&catalogue[**a], &catalogue[**b]);
                costs[**a]
                    .cmp(&costs[**b])
                    .then_with(|| ra.title.cmp(&rb.title))
                    .then_with(|| ra.id.cmp(&rb.id))
                    .then_with(|| a.cmp(b))
            })
            .map(|(i, _)| i);
        let Some(i) = next else {
            left.sort_unstable();
            return Err(left);
        };
        let r = left.remove(i);
        let mut after = Vec::new();
        let mut unmet = Vec::new();
        for q in &catalogue[r].requires {
            if held_meets(q) {
                continue;
            }
            match placed
                .iter()
                .position(|p| teaches(&catalogue[p.resource], q))
            {
                Some(step) => after.push(step),
                None => unmet.push(q.clone()),
            }
        }
        after.sort_unstable();
        after.dedup();
        placed.push(Ordered {
            resource: r,
            after,
            unmet,
        });
    }
    Ok(placed)
}

/// The requirements that hold the stuck resources back: each with the chosen resources that
/// teach it.
fn blocking<'a>(
    stuck: &[usize],
    chosen: &[usize],
    catalogue: &'a [LearningResource],
    held: &HashMap<&SkillId, u8>,
) -> Vec<(usize, &'a SkillLevel, Vec<usize>)> {
    let mut out = Vec::new();
    for &s in stuck {
        for q in &catalogue[s].requires {
            if held.get(&q.skill).copied().unwrap_or(0) >= level(q.level) {
                continue;
            }
            let providers: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&c| teaches(&catalogue[c], q))
                .collect();
            // Providers outside the stuck set are placed, so only stuck ones hold it back.
            if !providers.is_empty() && providers.iter().all(|p| stuck.contains(p)) {
                out.push((s, q, providers));
            }
        }
    }
    out
}

/// Breaks a cycle by leaving out the chosen providers of the first blocking requirement that
/// another usable resource also teaches; empty when no requirement has another provider.
fn cycle_bans(
    stuck: &[usize],
    chosen: &[usize],
    catalogue: &[LearningResource],
    alive: &[bool],
    held: &HashMap<&SkillId, u8>,
) -> Vec<usize> {
    for (_, q, providers) in blocking(stuck, chosen, catalogue, held) {
        let other = catalogue
            .iter()
            .enumerate()
            .any(|(i, r)| alive[i] && !chosen.contains(&i) && teaches(r, q));
        if other {
            return providers;
        }
    }
    Vec::new()
}

fn describe_cycle(
    stuck: &[usize],
    chosen: &[usize],
    catalogue: &[LearningResource],
    held: &HashMap<&SkillId, u8>,
) -> String {
    let mut parts = Vec::new();
    for (s, q, providers) in blocking(stuck, chosen, catalogue, held) {
        let names: Vec<String> = providers
            .iter()
            .map(|&p| format!("{:?}", catalogue[p].title))
            .collect();
        parts.push(format!(
            "{:?} requires {} at level {}, which only {} teaches",
            catalogue[s].title,
            q.skill,
            level(q.level),
            names.join(" or ")
        ));
    }
    parts.join("; ")
}

/// A candidate resource in a cover problem.
struct Cand {
    /// Position in the catalogue.
    resource: usize,
    /// The coverable needs (positions in `Instance::needs`) it covers.
    covers: Vec<usize>,
    cost: Cost,
}

/// One weighted set cover: the coverable needs and the resources that cover at least one.
struct Instance {
    /// Positions in the work list of the needs some resource covers.
    needs: Vec<usize>,
    /// Their importance (a tie-break of the greedy).
    importance: Vec<f32>,
    /// Positions in the work list of the needs nothing covers.
    uncovered: Vec<usize>,
    /// Candidates, cheapest first (then by hours, id, title, position).
    cands: Vec<Cand>,
}

impl Instance {
    fn build(
        work: &[Need],
        catalogue: &[LearningResource],
        alive: &[bool],
        costs: &[Cost],
    ) -> Instance {
        let mut by_skill: HashMap<&SkillId, Vec<usize>> = HashMap::new();
        for (i, n) in work.iter().enumerate() {
            by_skill.entry(&n.skill).or_default().push(i);
        }
        let mut covering: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut covered = vec![false; work.len()];
        for (ri, r) in catalogue.iter().enumerate() {
            if !alive[ri] {
                continue;
            }
            let mut covers = Vec::new();
            for t in &r.teaches {
                if let Some(list) = by_skill.get(&t.skill) {
                    for &i in list {
                        if work[i].level <= t.level {
                            covers.push(i);
                            covered[i] = true;
                        }
                    }
                }
            }
            if !covers.is_empty() {
                covers.sort_unstable();
                covers.dedup();
                covering.push((ri, covers));
            }
        }
        let needs: Vec<usize> = (0..work.len()).filter(|&i| covered[i]).collect();
        let uncovered: Vec<usize> = (0..work.len()).filter(|&i| !covered[i]).collect();
        let mut position = vec![usize::MAX; work.len()];
        for (p, &i) in needs.iter().enumerate() {
            position[i] = p;
        }
        let mut cands: Vec<Cand> = covering
            .into_iter()
            .map(|(resource, covers)| Cand {
                resource,
                covers: covers.into_iter().map(|i| position[i]).collect(),
                cost: costs[resource],
            })
            .collect();
        cands.sort_by(|a, b| {
            let (ra, rb) = (&catalogue[a.resource], &catalogue[b.resource]);
            a.cost
                .cmp(&b.cost)
                .then_with(|| ra.id.cmp(&rb.id))
                .then_with(|| ra.title.cmp(&rb.title))
                .then_with(|| a.resource.cmp(&b.resource))
        });
        Instance {
            importance: needs.iter().map(|&i| work[i].importance).collect(),
            needs,
            uncovered,
            cands,
        }
    }
}

/// A solution of one cover problem.
struct Solution {
    /// Positions in `Instance::cands`.
    chosen: Vec<usize>,
    method: PlanMethod,
    /// Lower bound on the least money cost.
    lower_bound: i64,
    optimal: bool,
}

fn solve(
    instance: &Instance,
    exact_limit: usize,
    hours_priced: bool,
    notes: &mut Vec<String>,
) -> Solution {
    let n = instance.needs.len();
    if n == 0 {
        return Solution {
            chosen: Vec::new(),
            method: PlanMethod::Exact,
            lower_bound: 0,
            optimal: true,
        };
    }
    let (chosen, raw) = greedy(instance);
    let total = chosen
        .iter()
        .fold(Cost::default(), |acc, &c| acc.plus(instance.cands[c].cost));
    if n <= exact_limit {
        match exact(instance, total) {
            Some((chosen, cost)) => {
                return Solution {
                    chosen,
                    method: PlanMethod::Exact,
                    lower_bound: cost.money,
                    optimal: true,
                };
            }
            None => notes.push(format!(
                "the exact search stopped after {EXACT_STATE_LIMIT} states; the plan is greedy"
            )),
        }
    }
    let (money_bound, hours_bound) = lower_bounds(instance, raw);
    let optimal = total.money <= money_bound && (hours_priced || total.millihours <= hours_bound);
    Solution {
        chosen,
        method: PlanMethod::Greedy,
        lower_bound: money_bound,
        optimal,
    }
}

/// A hasher for sets of needs (one `u64`): the splitmix64 finaliser.
#[derive(Default)]
struct MaskHasher(u64);

impl Hasher for MaskHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What the search knows of a set of open needs: its least cost and the candidate that starts
/// it, or only a lower bound on that cost.
#[derive(Clone, Copy)]
struct Known {
    cost: Cost,
    choice: usize,
    exact: bool,
}

/// Branch and bound with memory over sets of open needs (bit `p` = the need ranked `p`th by how
/// few candidates cover it): a set is covered by one of the candidates covering its lowest bit
/// plus the cheapest cover of what that candidate leaves open. Each call has a budget; a set
/// that cannot be covered under it is remembered with a lower bound instead of its cost.
struct Search<'a> {
    masks: &'a [u64],
    costs: &'a [Cost],
    /// For each bit, the kept candidates that cover it, cheapest first.
    coverers: &'a [Vec<usize>],
    /// Per bit: the least cost per covered need of its candidates, money and hours (a feasible
    /// dual of the covering LP, summed over the open bits).
    share_money: Vec<f64>,
    share_hours: Vec<f64>,
    /// Per bit: its cheapest candidate, money and hours.
    least_money: Vec<i64>,
    least_hours: Vec<i64>,
    memo: HashMap<u64, Known, BuildHasherDefault<MaskHasher>>,
}

impl Search<'_> {
    /// A lower bound on the cost of covering `open`, money and hours bounded apart (a cover
    /// at or above both bounds is at or above the pair in the lexicographic order).
    fn bound(&self, open: u64) -> Cost {
        let (mut sm, mut sh, mut lm, mut lh) = (0.0f64, 0.0f64, 0i64, 0i64);
        let mut rest = open;
        while rest != 0 {
            let b = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            sm += self.share_money[b];
            sh += self.share_hours[b];
            lm = lm.max(self.least_money[b]);
            lh = lh.max(self.least_hours[b]);
        }
        Cost {
            money: lm.max(round_up(sm)),
            millihours: lh.max(round_up(sh)),
        }
    }

    /// The least cost of covering `open` when it is below `budget` (then remembered as exact);
    /// otherwise some value at or above `budget`. `None` when the state limit is reached.
    fn best(&mut self, open: u64, budget: Cost) -> Option<Cost> {
        if open == 0 {
            return Some(Cost::default());
        }
        let mut floor = self.bound(open);
        if let Some(known) = self.memo.get(&open) {
            if known.exact {
                return Some(known.cost);
            }
            floor = floor.max(known.cost);
        }
        if floor >= budget {
            return Some(floor);
        }
        if self.memo.len() >= EXACT_STATE_LIMIT {
            return None;
        }
        let coverers = self.coverers;
        let bit = open.trailing_zeros() as usize;
        let mut best = Cost::MAX;
        let mut choice = usize::MAX;
        for &c in &coverers[bit] {
            let cap = best.min(budget);
            // Cheapest first: once a candidate alone reaches the cap, none after it can do
            // better.
            if self.costs[c] >= cap {
                break;
            }
            let rest = self.best(open & !self.masks[c], cap.minus(self.costs[c]))?;
            let total = rest.plus(self.costs[c]);
            if total < best {
                best = total;
                choice = c;
            }
        }
        if best < budget {
            // Every branch not taken is at or above `best`: this is the least cost.
            self.memo.insert(
                open,
                Known {
                    cost: best,
                    choice,
                    exact: true,
                },
            );
            Some(best)
        } else {
            // Every branch is at or above the budget.
            self.memo.insert(
                open,
                Known {
                    cost: budget.max(floor),
                    choice,
                    exact: false,
                },
            );
            Some(budget.max(floor))
        }
    }
}

/// The optimal cover (positions in `instance.cands`) and its cost, given the cost of a known
/// cover; `None` when the search passes the state limit.
fn exact(instance: &Instance, known: Cost) -> Option<(Vec<usize>, Cost)> {
    let n = instance.needs.len();
    let cands = &instance.cands;
    // Rank the needs by how few candidates cover them: the search branches on the lowest bit.
    let mut count = vec![0usize; n];
    for c in cands {
        for &i in &c.covers {
            count[i] += 1;
        }
    }
    let mut rank: Vec<usize> = (0..n).collect();
    rank.sort_by_key(|&i| (count[i], i));
    let mut bit_of = vec![0usize; n];
    for (b, &i) in rank.iter().enumerate() {
        bit_of[i] = b;
    }
    let all_masks: Vec<u64> = cands
        .iter()
        .map(|c| c.covers.iter().fold(0u64, |m, &i| m | (1u64 << bit_of[i])))
        .collect();

    // The cheapest candidate per distinct coverage (candidates are sorted, so the first).
    let mut seen: HashMap<u64, (), BuildHasherDefault<MaskHasher>> = HashMap::default();
    let mut kept: Vec<usize> = Vec::new();
    for (c, &m) in all_masks.iter().enumerate() {
        if seen.insert(m, ()).is_none() {
            kept.push(c);
        }
    }
    // Drop a candidate when another that costs no more covers a strict superset.
    let dominated: Vec<bool> = kept
        .iter()
        .map(|&c| {
            let m = all_masks[c];
            kept.iter().any(|&d| {
                let md = all_masks[d];
                md != m && md & m == m && cands[d].cost <= cands[c].cost
            })
        })
        .collect();
    let kept: Vec<usize> = kept
        .into_iter()
        .zip(dominated)
        .filter(|(_, d)| !d)
        .map(|(c, _)| c)
        .collect();
    let masks: Vec<u64> = kept.iter().map(|&c| all_masks[c]).collect();
    let costs: Vec<Cost> = kept.iter().map(|&c| cands[c].cost).collect();
    let mut coverers: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut share_money = vec![f64::INFINITY; n];
    let mut share_hours = vec![f64::INFINITY; n];
    let mut least_money = vec![i64::MAX; n];
    let mut least_hours = vec![i64::MAX; n];
    for (k, &m) in masks.iter().enumerate() {
        let size = f64::from(m.count_ones());
        let cost = costs[k];
        for b in 0..n {
            if m & (1u64 << b) != 0 {
                coverers[b].push(k);
                share_money[b] = share_money[b].min(cost.money as f64 / size);
                share_hours[b] = share_hours[b].min(cost.millihours as f64 / size);
                least_money[b] = least_money[b].min(cost.money);
                least_hours[b] = least_hours[b].min(cost.millihours);
            }
        }
    }
    let mut search = Search {
        masks: &masks,
        costs: &costs,
        coverers: &coverers,
        share_money,
        share_hours,
        least_money,
        least_hours,
        memo: HashMap::default(),
    };
    let full = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    // Just above the known cover: the optimum is below it, so the search finds it exactly.
    let budget = known.plus(Cost {
        money: 0,
        millihours: 1,
    });
    let cost = search.best(full, budget)?;
    if cost >= budget {
        return None;
    }
    let mut chosen = Vec::new();
    let mut open = full;
    while open != 0 {
        let known = search.memo.get(&open)?;
        if !known.exact {
            return None;
        }
        chosen.push(kept[known.choice]);
        open &= !masks[known.choice];
    }
    chosen.sort_unstable();
    Some((chosen, cost))
}

/// The greedy cover (least cost per newly covered need, ties by hours per need, then the
/// importance it adds, then candidate order), with redundant candidates then dropped dearest
/// first. Also returns the cost of the greedy cover before that clean-up, for the bound.
fn greedy(instance: &Instance) -> (Vec<usize>, Cost) {
    let n = instance.needs.len();
    let cands = &instance.cands;
    let mut covered = vec![false; n];
    let mut left = n;
    let mut chosen: Vec<usize> = Vec::new();
    let mut raw = Cost::default();
    while left > 0 {
        let mut best: Option<(usize, i64, f32)> = None;
        for (ci, c) in cands.iter().enumerate() {
            let fresh = c.covers.iter().filter(|&&i| !covered[i]).count() as i64;
            if fresh == 0 {
                continue;
            }
            let gain: f32 = c
                .covers
                .iter()
                .filter(|&&i| !covered[i])
                .map(|&i| instance.importance[i])
                .sum();
            let better = match best {
                None => true,
                Some((bi, bfresh, bgain)) => {
                    let b = &cands[bi];
                    let money = i128::from(c.cost.money) * i128::from(bfresh);
                    let bmoney = i128::from(b.cost.money) * i128::from(fresh);
                    let hours = i128::from(c.cost.millihours) * i128::from(bfresh);
                    let bhours = i128::from(b.cost.millihours) * i128::from(fresh);
                    money < bmoney
                        || (money == bmoney
                            && (hours < bhours || (hours == bhours && gain > bgain)))
                }
            };
            if better {
                best = Some((ci, fresh, gain));
            }
        }
        // `left > 0` and every need is coverable, so some candidate covers a fresh need.
        let Some((ci, fresh, _)) = best else { break };
        for &i in &cands[ci].covers {
            covered[i] = true;
        }
        left -= fresh as usize;
        raw = raw.plus(cands[ci].cost);
        chosen.push(ci);
    }
    // Clean-up: a candidate whose needs the others all cover goes, dearest first.
    let mut times = vec![0usize; n];
    for &c in &chosen {
        for &i in &cands[c].covers {
            times[i] += 1;
        }
    }
    let mut by_cost = chosen.clone();
    by_cost.sort_by(|&a, &b| cands[b].cost.cmp(&cands[a].cost).then(b.cmp(&a)));
    for c in by_cost {
        if cands[c].covers.iter().all(|&i| times[i] >= 2) {
            for &i in &cands[c].covers {
                times[i] -= 1;
            }
            chosen.retain(|&x| x != c);
        }
    }
    chosen.sort_unstable();
    (chosen, raw)
}

/// Lower bounds on the least money cost and on the least hours of any cover.
fn lower_bounds(instance: &Instance, greedy_raw: Cost) -> (i64, i64) {
    let largest = instance
        .cands
        .iter()
        .map(|c| c.covers.len())
        .max()
        .unwrap_or(1);
    let harmonic: f64 = (1..=largest).map(|k| 1.0 / k as f64).sum();
    // Greedy (by money per need) is within H(largest coverage) of the optimum (Chvátal).
    let by_greedy = round_up(greedy_raw.money as f64 / harmonic);
    let money = by_greedy
        .max(dual_bound(instance, |c| c.money))
        .max(dearest_need(instance, |c| c.money));
    let hours =
        dual_bound(instance, |c| c.millihours).max(dearest_need(instance, |c| c.millihours));
    (money, hours)
}

/// The least integer at or above `x`, with a margin for rounding error (a bound must not
/// overshoot).
fn round_up(x: f64) -> i64 {
    let margin = 1e-9 * x.abs() + 1e-6;
    (x - margin).ceil().max(0.0) as i64
}

/// The cost of the dearest need's cheapest candidate.
fn dearest_need(instance: &Instance, part: impl Fn(Cost) -> i64) -> i64 {
    let mut cheapest = vec![i64::MAX; instance.needs.len()];
    for c in &instance.cands {
        for &i in &c.covers {
            cheapest[i] = cheapest[i].min(part(c.cost));
        }
    }
    cheapest
        .into_iter()
        .filter(|&c| c != i64::MAX)
        .max()
        .unwrap_or(0)
}

/// A maximal feasible solution of the dual of the covering LP: each need starts at the least
/// cost per covered need of its candidates, then is raised in turn by the least slack left in
/// its candidates. Its sum bounds the optimum from below.
fn dual_bound(instance: &Instance, part: impl Fn(Cost) -> i64) -> i64 {
    let n = instance.needs.len();
    let cands = &instance.cands;
    let mut by_need: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (ci, c) in cands.iter().enumerate() {
        for &i in &c.covers {
            by_need[i].push(ci);
        }
    }
    let mut y: Vec<f64> = by_need
        .iter()
        .map(|list| {
            list.iter()
                .map(|&ci| part(cands[ci].cost) as f64 / cands[ci].covers.len() as f64)
                .fold(f64::INFINITY, f64::min)
        })
        .map(|v| if v.is_finite() { v } else { 0.0 })
        .collect();
    let mut slack: Vec<f64> = cands
        .iter()
        .map(|c| part(c.cost) as f64 - c.covers.iter().map(|&i| y[i]).sum::<f64>())
        .collect();
    for i in 0..n {
        let raise = by_need[i]
            .iter()
            .map(|&ci| slack[ci])
            .fold(f64::INFINITY, f64::min);
        if raise.is_finite() && raise > 0.0 {
            y[i] += raise;
            for &ci in &by_need[i] {
                slack[ci] -= raise;
            }
        }
    }
    round_up(y.iter().sum())
}

struct AssembleInput<'a> {
    catalogue: &'a [LearningResource],
    costs: &'a [Cost],
    work: &'a [Need],
    instance: &'a Instance,
    solution: &'a Solution,
    order: Vec<Ordered>,
    added: Vec<SkillLevel>,
    currency: Option<Currency>,
    objective: Objective,
}

fn assemble(input: AssembleInput<'_>, mut notes: Vec<String>) -> LearningPlan {
    // A note repeated by several re-planning rounds is said once.
    let mut said = std::collections::HashSet::new();
    notes.retain(|n| said.insert(n.clone()));
    let AssembleInput {
        catalogue,
        costs,
        work,
        instance,
        solution,
        order,
        added,
        currency,
        objective,
    } = input;
    let mut total_hours = 0.0f64;
    let mut price = 0i64;
    let mut cost = Cost::default();
    let mut steps = Vec::with_capacity(order.len());
    for o in order {
        let r = &catalogue[o.resource];
        total_hours += f64::from(r.hours);
        price = price.saturating_add(r.cost.map_or(0, |c| c.minor));
        cost = cost.plus(costs[o.resource]);
        let closes = instance
            .needs
            .iter()
            .map(|&i| &work[i])
            .filter(|n| {
                r.teaches
                    .iter()
                    .any(|t| t.skill == n.skill && t.level >= n.level)
            })
            .map(|n| skill_level(&n.skill, n.level))
            .collect();
        steps.push(PlanStep {
            resource: r.clone(),
            closes,
            after: o.after,
            unmet: o.unmet,
        });
    }
    let mut uncovered: Vec<Need> = instance
        .uncovered
        .iter()
        .map(|&i| work[i].clone())
        .collect();
    uncovered.sort_by(|a, b| b.importance.total_cmp(&a.importance));
    let money = |minor: i64| currency.map(|currency| Money { minor, currency });
    LearningPlan {
        steps,
        uncovered,
        prerequisites_added: added,
        total_hours: total_hours as f32,
        currency,
        total_price: money(price),
        objective,
        cost: money(cost.money),
        lower_bound: money(solution.lower_bound),
        method: solution.method,
        optimal: solution.optimal,
        notes,
    }
}

/// A seeded catalogue for tests and benchmarks, in the shape of real ones: skills come in
/// domains of ten consecutive ids, and most resources teach 1–4 skills of one domain at levels
/// 1–5 for 1–120 hours and 0–500 EUR (about one in seven free); about one in six is a cheap
/// test of one skill; about one in eight requires a skill at level 1–3 (always a skill earlier
/// in `skills` than any it teaches, so prerequisites never form a cycle); four in five are in
/// English, the rest in Dutch or German. The same skills, size and seed give the same catalogue
/// on every machine.
pub fn synthetic_catalogue(
    skills: &[SkillId],
    resources: usize,
    seed: u64,
) -> Vec<LearningResource> {
    const DOMAIN: usize = SYNTHETIC_DOMAIN;
    const PROVIDERS: [&str; 8] = [
        "Open Skills Academy",
        "Guild Learning",
        "TechSchool Online",
        "Vakopleiding NL",
        "Berufsakademie Digital",
        "Community College",
        "MOOC Commons",
        "Mentor Network",
    ];
    if skills.is_empty() {
        return Vec::new();
    }
    let eur = Currency::parse("EUR").unwrap_or_else(|_| unreachable!("EUR is three capitals"));
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5e5c_1111_0000_0005);
    let domains = skills.len().div_ceil(DOMAIN);
    let mut out = Vec::with_capacity(resources);
    for n in 0..resources {
        let id = n as i64 + 1;
        let kind = match rng.random_range(0..100u32) {
            0..60 => ResourceKind::Course,
            60..76 => ResourceKind::Test,
            76..90 => ResourceKind::Practice,
            _ => ResourceKind::Mentoring,
        };
        let d = rng.random_range(0..domains);
        let first = d * DOMAIN;
        let size = (skills.len() - first).min(DOMAIN);
        let count = if kind == ResourceKind::Test {
            1
        } else {
            match rng.random_range(0..100u32) {
                0..30 => 1,
                30..65 => 2,
                65..90 => 3,
                _ => 4,
            }
        }
        .min(size);
        // `count` distinct skills of the domain (a partial shuffle).
        let mut pick: Vec<usize> = (first..first + size).collect();
        for k in 0..count {
            let j = rng.random_range(k..size);
            pick.swap(k, j);
        }
        pick.truncate(count);
        pick.sort_unstable();
        let base: u8 = match rng.random_range(0..100u32) {
            0..15 => 1,
            15..45 => 2,
            45..75 => 3,
            75..93 => 4,
            _ => 5,
        };
        let teaches: Vec<SkillLevel> = pick
            .iter()
            .map(|&s| {
                let l = match rng.random_range(0..10u32) {
                    0..2 => base.saturating_sub(1).max(1),
                    2..8 => base,
                    _ => (base + 1).min(5),
                };
                SkillLevel {
                    skill: skills[s].clone(),
                    level: Proficiency::new(l).unwrap_or(Proficiency::MIN),
                }
            })
            .collect();
        let top = teaches.iter().map(|t| t.level.level()).max().unwrap_or(1);
        let hours: f32 = match kind {
            ResourceKind::Test => rng.random_range(1.0..3.0f32),
            ResourceKind::Course => {
                (f32::from(top) * count as f32 * rng.random_range(2.0..8.0f32)).clamp(1.0, 120.0)
            }
            ResourceKind::Practice => rng.random_range(2.0..40.0f32),
            ResourceKind::Mentoring => rng.random_range(5.0..60.0f32),
        };
        let hours = (hours * 2.0).round() / 2.0;
        let euros: i64 = if rng.random_bool(0.14) {
            0
        } else if kind == ResourceKind::Test {
            rng.random_range(5..=50i64)
        } else {
            let rate = rng.random_range(3.0..12.0f32);
            ((hours * rate).round() as i64).clamp(5, 500)
        };
        let low = pick[0];
        let requires = if kind != ResourceKind::Test && low > 0 && rng.random_bool(0.12) {
            let from = low.saturating_sub(15);
            let s = rng.random_range(from..low);
            let l = rng.random_range(1..=3u8).min(top);
            vec![SkillLevel {
                skill: skills[s].clone(),
                level: Proficiency::new(l).unwrap_or(Proficiency::MIN),
            }]
        } else {
            Vec::new()
        };
        let language = match rng.random_range(0..100u32) {
            0..80 => "en",
            80..92 => "nl",
            _ => "de",
        };
        let provider = PROVIDERS[rng.random_range(0..PROVIDERS.len())];
        out.push(LearningResource {
            id: ResourceId(id),
            title: format!("{} {id}: {}", kind_title(kind), skills[low]),
            kind,
            teaches,
            requires,
            hours,
            cost: (euros > 0).then_some(Money {
                minor: euros * 100,
                currency: eur,
            }),
            language: language.to_owned(),
            provider: provider.to_owned(),
            link: Some(format!("https://learn.example.org/r/{id}")),
        });
    }
    out
}

/// A seeded gap for tests and benchmarks, shaped like an occupation's against
/// [`synthetic_catalogue`]: `needs` distinct skills (fewer when `skills` has fewer) drawn from
/// a few random domains of ten consecutive skills, so that resources often cover several of
/// them, at levels mostly 2–4, with importance 0.3–1.
pub fn synthetic_gap(skills: &[SkillId], needs: usize, seed: u64) -> Vec<Need> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5e5c_2222_0000_0005);
    let domains = skills.len().div_ceil(SYNTHETIC_DOMAIN);
    // Enough domains for half again as many skills as needed.
    let wanted = (needs * 3 / 2)
        .div_ceil(SYNTHETIC_DOMAIN)
        .clamp(1, domains.max(1));
    let mut order: Vec<usize> = (0..domains).collect();
    for k in 0..wanted.min(domains) {
        let j = rng.random_range(k..domains);
        order.swap(k, j);
    }
    let mut pool: Vec<usize> = order
        .iter()
        .take(wanted)
        .flat_map(|&d| d * SYNTHETIC_DOMAIN..((d + 1) * SYNTHETIC_DOMAIN).min(skills.len()))
        .collect();
    if pool.len() < needs {
        pool = (0..skills.len()).collect();
    }
    let take = needs.min(pool.len());
    for k in 0..take {
        let j = rng.random_range(k..pool.len());
        pool.swap(k, j);
    }
    pool.truncate(take);
    pool.sort_unstable();
    pool.into_iter()
        .map(|s| {
            let l = match rng.random_range(0..100u32) {
                0..10 => 1,
                10..40 => 2,
                40..75 => 3,
                75..93 => 4,
                _ => 5,
            };
            Need {
                skill: skills[s].clone(),
                level: Proficiency::new(l).unwrap_or(Proficiency::MIN),
                importance: (rng.random_range(30..=100u32) as f32) / 100.0,
            }
        })
        .collect()
}

fn kind_title(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Course => "Course",
        ResourceKind::Test => "Skill test",
        ResourceKind::Practice => "Practice",
        ResourceKind::Mentoring => "Mentoring",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(n: usize) -> SkillId {
        SkillId::parse(&format!("test:skill/{n}")).unwrap()
    }

    fn lvl(l: u8) -> Proficiency {
        Proficiency::new(l).unwrap()
    }

    fn sl(n: usize, l: u8) -> SkillLevel {
        SkillLevel {
            skill: skill(n),
            level: lvl(l),
        }
    }

    fn need(n: usize, l: u8) -> Need {
        Need {
            skill: skill(n),
            level: lvl(l),
            importance: 0.5,
        }
    }

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap()).unwrap()
    }

    fn res(id: i64, teaches: Vec<SkillLevel>, hours: f32, euros: i64) -> LearningResource {
        LearningResource {
            id: ResourceId(id),
            title: format!("R{id}"),
            kind: ResourceKind::Course,
            teaches,
            requires: Vec::new(),
            hours,
            cost: (euros > 0).then(|| money(euros * 100, "EUR")),
            language: "en".to_owned(),
            provider: "P".to_owned(),
            link: None,
        }
    }

    fn ids(plan: &LearningPlan) -> Vec<i64> {
        plan.steps.iter().map(|s| s.resource.id.get()).collect()
    }

    fn millihours(plan: &LearningPlan) -> i64 {
        plan.steps
            .iter()
            .map(|s| (f64::from(s.resource.hours) * 1000.0).round() as i64)
            .sum()
    }

    /// A random small instance: needs over 6 skills, resources teaching 1–3 of them.
    fn random_instance(
        rng: &mut ChaCha8Rng,
        max_needs: usize,
        max_resources: usize,
    ) -> (Vec<Need>, Vec<LearningResource>, PlanOptions) {
        let skills = max_needs.max(2);
        let needs: Vec<Need> = (0..rng.random_range(1..=max_needs))
            .map(|_| need(rng.random_range(0..skills), rng.random_range(1..=5u8)))
            .collect();
        let catalogue: Vec<LearningResource> = (0..rng.random_range(1..=max_resources))
            .map(|i| {
                let mut teaches: Vec<SkillLevel> = Vec::new();
                for _ in 0..rng.random_range(1..=3usize) {
                    let s = rng.random_range(0..skills);
                    if !teaches.iter().any(|t| t.skill == skill(s)) {
                        teaches.push(sl(s, rng.random_range(1..=5u8)));
                    }
                }
                // Few distinct prices and hours, so that ties happen.
                let euros = [0, 0, 10, 20, 30, 45][rng.random_range(0..6usize)];
                let hours = [1.0, 2.0, 2.5, 4.0][rng.random_range(0..4usize)];
                res(i as i64 + 1, teaches, hours, euros)
            })
            .collect();
        let options = PlanOptions {
            hour_value: rng.random_bool(0.5).then(|| money(500, "EUR")),
            ..PlanOptions::default()
        };
        (needs, catalogue, options)
    }

    /// The least (money, milli-hours) over every subset of the catalogue that covers all the
    /// coverable needs, computed independently of the planner.
    fn brute_force(
        needs: &[Need],
        catalogue: &[LearningResource],
        hour_value: Option<Money>,
    ) -> (i64, i64) {
        let covers = |r: &LearningResource, n: &Need| {
            r.teaches
                .iter()
                .any(|t| t.skill == n.skill && t.level >= n.level)
        };
        // Highest level per skill.
        let mut wanted: Vec<Need> = Vec::new();
        for n in needs {
            match wanted.iter_mut().find(|w| w.skill == n.skill) {
                Some(w) => w.level = w.level.max(n.level),
                None => wanted.push(n.clone()),
            }
        }
        wanted.retain(|n| catalogue.iter().any(|r| covers(r, n)));
        let mut best = (i64::MAX, i64::MAX);
        for subset in 0u32..(1 << catalogue.len()) {
            let picked: Vec<&LearningResource> = (0..catalogue.len())
                .filter(|i| subset & (1 << i) != 0)
                .map(|i| &catalogue[i])
                .collect();
            if !wanted.iter().all(|n| picked.iter().any(|r| covers(r, n))) {
                continue;
            }
            let mut m = 0;
            let mut h = 0;
            for r in picked {
                m += r.cost.map_or(0, |c| c.minor)
                    + hour_value
                        .map_or(0, |v| (f64::from(r.hours) * v.minor as f64).round() as i64);
                h += (f64::from(r.hours) * 1000.0).round() as i64;
            }
            best = best.min((m, h));
        }
        best
    }

    #[test]
    fn exact_equals_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..400 {
            let (needs, catalogue, options) = random_instance(&mut rng, 6, 11);
            let plan = plan(&needs, &catalogue, &options).unwrap();
            let (m, h) = brute_force(&needs, &catalogue, options.hour_value);
            assert_eq!(plan.method, PlanMethod::Exact, "case {case}");
            assert!(plan.optimal);
            let cost = plan.cost.map_or(0, |c| c.minor);
            assert_eq!((cost, millihours(&plan)), (m, h), "case {case}: {plan:#?}");
            assert_eq!(plan.lower_bound.map_or(0, |c| c.minor), cost);
            // Every coverable need is closed by some step; the others are uncovered.
            for n in &needs {
                let closed = plan.steps.iter().any(|s| {
                    s.resource
                        .teaches
                        .iter()
                        .any(|t| t.skill == n.skill && t.level >= n.level)
                });
                let reported = plan.uncovered.iter().any(|u| u.skill == n.skill);
                assert!(closed || reported, "case {case}: {n:?}");
            }
        }
    }

    /// The least (money, milli-hours) cover by a plain dynamic programme over every subset of
    /// the coverable needs: f(S) = min over resources r of cost(r) + f(S minus what r covers).
    fn subset_dp(
        needs: &[Need],
        catalogue: &[LearningResource],
        hour_value: Option<Money>,
    ) -> (i64, i64) {
        let mut wanted: Vec<Need> = Vec::new();
        for n in needs {
            match wanted.iter_mut().find(|w| w.skill == n.skill) {
                Some(w) => w.level = w.level.max(n.level),
                None => wanted.push(n.clone()),
            }
        }
        let cover = |r: &LearningResource| -> u32 {
            wanted.iter().enumerate().fold(0, |m, (i, n)| {
                if r.teaches
                    .iter()
                    .any(|t| t.skill == n.skill && t.level >= n.level)
                {
                    m | (1 << i)
                } else {
                    m
                }
            })
        };
        let sets: Vec<(u32, (i64, i64))> = catalogue
            .iter()
            .map(|r| {
                let m = r.cost.map_or(0, |c| c.minor)
                    + hour_value
                        .map_or(0, |v| (f64::from(r.hours) * v.minor as f64).round() as i64);
                (cover(r), (m, (f64::from(r.hours) * 1000.0).round() as i64))
            })
            .collect();
        let full = sets.iter().fold(0u32, |m, (s, _)| m | s);
        let mut f = vec![(i64::MAX, i64::MAX); 1 << wanted.len()];
        f[0] = (0, 0);
        for s in 1..f.len() {
            if s as u32 & !full != 0 {
                continue;
            }
            for &(m, (a, b)) in &sets {
                let rest = s & !(m as usize);
                if rest != s && f[rest].0 != i64::MAX {
                    f[s] = f[s].min((f[rest].0 + a, f[rest].1 + b));
                }
            }
        }
        f[full as usize]
    }

    #[test]
    fn exact_equals_a_dynamic_programme_over_the_needs() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for case in 0..200 {
            let (needs, catalogue, options) = random_instance(&mut rng, 10, 80);
            let plan = plan(&needs, &catalogue, &options).unwrap();
            let cost = plan.cost.map_or(0, |c| c.minor);
            assert_eq!(
                (cost, millihours(&plan)),
                subset_dp(&needs, &catalogue, options.hour_value),
                "case {case}"
            );
        }
    }

    #[test]
    fn greedy_is_never_below_the_optimum_and_its_bound_never_above() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut proven = 0;
        for case in 0..300 {
            let (needs, catalogue, options) = random_instance(&mut rng, 12, 40);
            let exact = plan(&needs, &catalogue, &options).unwrap();
            let greedy = plan(
                &needs,
                &catalogue,
                &PlanOptions {
                    exact_limit: 0,
                    ..options.clone()
                },
            )
            .unwrap();
            assert_eq!(exact.method, PlanMethod::Exact);
            if !exact.steps.is_empty() {
                assert_eq!(greedy.method, PlanMethod::Greedy, "case {case}");
            }
            let e = (exact.cost.map_or(0, |c| c.minor), millihours(&exact));
            let g = (greedy.cost.map_or(0, |c| c.minor), millihours(&greedy));
            assert!(g >= e, "case {case}: greedy {g:?} below exact {e:?}");
            let bound = greedy.lower_bound.map_or(0, |c| c.minor);
            assert!(
                bound <= e.0,
                "case {case}: bound {bound} above optimum {}",
                e.0
            );
            if greedy.optimal {
                proven += 1;
                assert_eq!(g.0, e.0, "case {case}: claimed optimal");
                if options.hour_value.is_none() {
                    assert_eq!(g, e, "case {case}: claimed optimal");
                }
            }
            assert_eq!(greedy.uncovered, exact.uncovered);
        }
        assert!(proven > 0, "the bound never proved a greedy plan optimal");
    }

    #[test]
    fn a_prerequisite_is_added_and_comes_first() {
        let mut advanced = res(1, vec![sl(1, 3)], 10.0, 100);
        advanced.requires = vec![sl(2, 2)];
        let basics = res(2, vec![sl(2, 2)], 5.0, 20);
        let other = res(3, vec![sl(2, 1)], 1.0, 1);
        let catalogue = vec![advanced, basics, other];
        let plan = plan(&[need(1, 3)], &catalogue, &PlanOptions::default()).unwrap();
        assert_eq!(ids(&plan), vec![2, 1]);
        assert_eq!(plan.steps[1].after, vec![0]);
        assert!(plan.steps[0].after.is_empty());
        assert_eq!(plan.prerequisites_added, vec![sl(2, 2)]);
        assert_eq!(plan.steps[0].closes, vec![sl(2, 2)]);
        assert_eq!(plan.cost, Some(money(12_000, "EUR")));

        // Held prerequisites need no step.
        let held = PlanOptions {
            held: vec![sl(2, 4)],
            ..PlanOptions::default()
        };
        let plan = super::plan(&[need(1, 3)], &catalogue, &held).unwrap();
        assert_eq!(ids(&plan), vec![1]);
        assert!(plan.prerequisites_added.is_empty());
    }

    #[test]
    fn a_resource_with_unmeetable_prerequisites_is_left_out() {
        let mut cheap = res(1, vec![sl(1, 3)], 1.0, 1);
        cheap.requires = vec![sl(9, 2)];
        let dear = res(2, vec![sl(1, 3)], 10.0, 100);
        let plan = plan(&[need(1, 3)], &[cheap, dear], &PlanOptions::default()).unwrap();
        assert_eq!(ids(&plan), vec![2]);
        assert!(
            plan.notes
                .iter()
                .any(|n| n.contains("require skills the learner lacks")),
            "{:?}",
            plan.notes
        );
    }

    #[test]
    fn requiring_each_other_is_a_cycle() {
        let mut a = res(1, vec![sl(1, 3)], 1.0, 10);
        a.requires = vec![sl(2, 2)];
        let mut b = res(2, vec![sl(2, 2)], 1.0, 10);
        b.requires = vec![sl(1, 1)];
        let err = plan(
            &[need(1, 3)],
            &[a.clone(), b.clone()],
            &PlanOptions::default(),
        )
        .unwrap_err();
        match &err {
            ReskillError::PrerequisiteCycle(text) => {
                assert!(text.contains("\"R1\"") && text.contains("\"R2\""), "{text}");
            }
            other => panic!("expected a cycle, got {other:?}"),
        }

        // Another provider of the prerequisite breaks the cycle.
        let c = res(3, vec![sl(2, 3)], 1.0, 50);
        let plan = plan(&[need(1, 3)], &[a, b, c], &PlanOptions::default()).unwrap();
        assert_eq!(ids(&plan), vec![3, 1]);
        assert_eq!(plan.steps[1].after, vec![0]);
    }

    #[test]
    fn prerequisite_rounds_are_bounded() {
        // A chain: resource k teaches skill k and requires skill k + 1, ten deep.
        let catalogue: Vec<LearningResource> = (0..10)
            .map(|k| {
                let mut r = res(k as i64 + 1, vec![sl(k, 2)], 1.0, 5);
                if k < 9 {
                    r.requires = vec![sl(k + 1, 2)];
                }
                r
            })
            .collect();
        let plan = plan(&[need(0, 2)], &catalogue, &PlanOptions::default()).unwrap();
        assert_eq!(plan.steps.len(), MAX_REPLANS + 1);
        assert_eq!(plan.prerequisites_added.len(), MAX_REPLANS);
        // The deepest step taken still misses its prerequisite, and says so.
        assert_eq!(plan.steps[0].unmet, vec![sl(MAX_REPLANS + 1, 2)]);
        assert!(
            plan.notes.iter().any(|n| n.contains("still unmet")),
            "{:?}",
            plan.notes
        );
        // Each later step comes after the one teaching its prerequisite.
        for (i, s) in plan.steps.iter().enumerate().skip(1) {
            assert_eq!(s.after, vec![i - 1]);
        }
    }

    #[test]
    fn only_accepted_languages_are_used() {
        let mut dutch = res(1, vec![sl(1, 3)], 1.0, 5);
        dutch.language = "nl".to_owned();
        let mut english = res(2, vec![sl(1, 3)], 2.0, 50);
        english.language = "en-GB".to_owned();
        let catalogue = vec![dutch, english];
        let any = plan(&[need(1, 3)], &catalogue, &PlanOptions::default()).unwrap();
        assert_eq!(ids(&any), vec![1]);
        let en = PlanOptions {
            languages: vec!["EN".to_owned()],
            ..PlanOptions::default()
        };
        let only_en = plan(&[need(1, 3)], &catalogue, &en).unwrap();
        assert_eq!(ids(&only_en), vec![2]);
        let de = PlanOptions {
            languages: vec!["de".to_owned()],
            ..PlanOptions::default()
        };
        let none = plan(&[need(1, 3)], &catalogue, &de).unwrap();
        assert!(none.steps.is_empty());
        assert_eq!(none.uncovered, vec![need(1, 3)]);
        let bad = PlanOptions {
            languages: vec![" ".to_owned()],
            ..PlanOptions::default()
        };
        assert!(matches!(
            plan(&[need(1, 3)], &catalogue, &bad),
            Err(ReskillError::Invalid(_))
        ));
    }

    #[test]
    fn the_plan_keeps_one_currency() {
        let mut usd = res(1, vec![sl(1, 3)], 1.0, 0);
        usd.cost = Some(money(100, "USD"));
        let eur_a = res(2, vec![sl(1, 3)], 1.0, 40);
        let eur_b = res(3, vec![sl(2, 3)], 1.0, 30);
        let free = res(4, vec![sl(3, 3)], 1.0, 0);
        let catalogue = vec![usd, eur_a, eur_b, free];
        let needs = [need(1, 3), need(2, 3), need(3, 3)];

        // Most priced resources are in EUR: the cheap USD one is left out.
        let plan_eur = plan(&needs, &catalogue, &PlanOptions::default()).unwrap();
        assert_eq!(plan_eur.currency, Some(Currency::parse("EUR").unwrap()));
        assert_eq!(ids(&plan_eur), vec![4, 3, 2]);
        assert_eq!(plan_eur.total_price, Some(money(7000, "EUR")));
        assert_eq!(plan_eur.objective, Objective::PriceThenHours);
        assert!(
            plan_eur.notes.iter().any(|n| n.contains("priced in USD")),
            "{:?}",
            plan_eur.notes
        );

        // The hour value's currency wins; the time is priced.
        let options = PlanOptions {
            hour_value: Some(money(1000, "USD")),
            ..PlanOptions::default()
        };
        let plan_usd = plan(&needs, &catalogue, &options).unwrap();
        assert_eq!(plan_usd.currency, Some(Currency::parse("USD").unwrap()));
        assert_eq!(ids(&plan_usd), vec![4, 1]);
        assert_eq!(plan_usd.total_price, Some(money(100, "USD")));
        assert_eq!(plan_usd.cost, Some(money(2100, "USD")));
        assert_eq!(plan_usd.uncovered, vec![need(2, 3)]);
        assert!(
            plan_usd
                .notes
                .iter()
                .any(|n| n.contains("2 resource(s) priced in EUR"))
        );

        // Nothing priced, no hour value: no currency at all, hours decide.
        let slow = res(5, vec![sl(3, 3)], 9.0, 0);
        let plan_free = plan(
            &[need(3, 3)],
            &[slow, res(6, vec![sl(3, 4)], 2.0, 0)],
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(plan_free.currency, None);
        assert_eq!(plan_free.cost, None);
        assert_eq!(ids(&plan_free), vec![6]);
    }

    #[test]
    fn an_empty_catalogue_is_an_error() {
        let err = plan(&[need(1, 2)], &[], &PlanOptions::default()).unwrap_err();
        assert!(
            matches!(&err, ReskillError::Empty(t) if t.starts_with("the catalogue is empty")),
            "{err:?}"
        );
    }

    #[test]
    fn nothing_to_learn_when_everything_is_held() {
        let options = PlanOptions {
            held: vec![sl(1, 4), sl(2, 2)],
            ..PlanOptions::default()
        };
        let catalogue = vec![res(1, vec![sl(1, 5)], 1.0, 10)];
        let plan = plan(&[need(1, 3), need(2, 2)], &catalogue, &options).unwrap();
        assert!(plan.steps.is_empty());
        assert!(plan.uncovered.is_empty());
        assert!(plan.notes.iter().any(|n| n.contains("nothing to learn")));
        assert_eq!(plan.cost, Some(money(0, "EUR")));
        assert!(plan.optimal);
        // No needs at all is nothing to learn too.
        let empty = super::plan(&[], &catalogue, &PlanOptions::default()).unwrap();
        assert!(empty.steps.is_empty());
    }

    #[test]
    fn uncovered_needs_are_reported_and_the_rest_is_planned() {
        let catalogue = vec![
            res(1, vec![sl(1, 3), sl(2, 2)], 3.0, 30),
            res(2, vec![sl(3, 5)], 1.0, 10),
        ];
        let mut important = need(2, 4);
        important.importance = 0.9;
        let plan = plan(
            &[need(1, 2), important.clone(), need(3, 5), need(4, 1)],
            &catalogue,
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(ids(&plan), vec![2, 1]);
        assert_eq!(plan.uncovered, vec![important, need(4, 1)]);
        assert_eq!(plan.steps[1].closes, vec![sl(1, 2)]);
    }

    #[test]
    fn bad_needs_are_refused_and_duplicates_keep_the_highest_level() {
        let catalogue = vec![
            res(1, vec![sl(1, 3)], 1.0, 10),
            res(2, vec![sl(1, 5)], 1.0, 90),
        ];
        for importance in [f32::NAN, 1.5, -0.1, f32::INFINITY] {
            let mut bad = need(1, 2);
            bad.importance = importance;
            assert!(matches!(
                plan(&[bad], &catalogue, &PlanOptions::default()),
                Err(ReskillError::Invalid(_))
            ));
        }
        let plan = plan(
            &[need(1, 2), need(1, 4), need(1, 1)],
            &catalogue,
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(ids(&plan), vec![2]);
        assert_eq!(plan.steps[0].closes, vec![sl(1, 4)]);
        let mut broken = res(3, vec![], 1.0, 1);
        broken.title = "broken".to_owned();
        let err = super::plan(
            &[need(1, 2)],
            &[catalogue[0].clone(), broken],
            &PlanOptions::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, ReskillError::Catalogue { line: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn the_synthetic_catalogue_is_seeded_valid_and_plannable() {
        let skills: Vec<SkillId> = (0..60).map(skill).collect();
        let a = synthetic_catalogue(&skills, 2000, 3);
        assert_eq!(a, synthetic_catalogue(&skills, 2000, 3));
        assert_ne!(a, synthetic_catalogue(&skills, 2000, 4));
        assert_eq!(a.len(), 2000);
        for r in &a {
            r.validate().unwrap();
            assert!((1.0..=120.0).contains(&r.hours), "{r:?}");
            assert!(r.cost.is_none_or(|c| c.minor <= 50_000));
        }
        assert!(a.iter().any(|r| !r.requires.is_empty()));
        assert!(a.iter().any(|r| r.kind == ResourceKind::Test));
        assert!(a.iter().any(|r| r.language == "nl"));
        let needs: Vec<Need> = (20..40).map(|s| need(s, 3)).collect();
        let exact = plan(&needs, &a, &PlanOptions::default()).unwrap();
        let greedy = plan(
            &needs,
            &a,
            &PlanOptions {
                exact_limit: 0,
                ..PlanOptions::default()
            },
        )
        .unwrap();
        assert!(exact.optimal && !exact.steps.is_empty());
        assert!(greedy.lower_bound.map(|m| m.minor) <= exact.cost.map(|m| m.minor));
        assert_eq!(exact, plan(&needs, &a, &PlanOptions::default()).unwrap());
        let json = serde_json::to_value(&exact).unwrap();
        assert_eq!(json["method"], "exact");
        assert_eq!(json["objective"]["kind"], "price_then_hours");
        assert!(synthetic_catalogue(&[], 10, 1).is_empty());

        let gap = synthetic_gap(&skills, 20, 9);
        assert_eq!(gap.len(), 20);
        assert_eq!(gap, synthetic_gap(&skills, 20, 9));
        let mut distinct: Vec<&SkillId> = gap.iter().map(|n| &n.skill).collect();
        distinct.dedup();
        assert_eq!(distinct.len(), 20);
        assert_eq!(synthetic_gap(&skills[..5], 20, 9).len(), 5);
        assert!(synthetic_gap(&[], 20, 9).is_empty());
    }
}
