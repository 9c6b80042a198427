//! The match score of a worker for a task, and its breakdown.
//!
//! # The score
//! A worker is first checked against the task's **hard constraints**; failing any one excludes
//! them (see [`Exclusion`]): every language the task names; on-site work within the worker's
//! travel radius (and a worker who takes on-site work); remote work only for a worker who takes
//! it; at least the required time-zone overlap; some hours a week and available dates that meet
//! the task's; and at least one required skill held or stood in for.
//!
//! Then seven parts, each from 0 to 1, are weighted and summed to a score from 0 to 100:
//!
//! | part | weight | value |
//! |---|---|---|
//! | required skills | [`W_REQUIRED`] | Σ weight × credit / Σ weight over the required skills |
//! | optional skills | [`W_OPTIONAL`] | the same over the optional skills (1 when there are none) |
//! | availability | [`W_AVAILABILITY`] | worker's hours a week / task's hours a week, at most 1 |
//! | time zone | [`W_TIME_ZONE`] | shared hours of the two 09–17 workdays / 8 (1 when the task needs none) |
//! | location | [`W_LOCATION`] | on site: 1 − ½ · distance / travel radius; remote: 1 |
//! | budget | [`W_BUDGET`] | 1 when rate × hours ≤ budget, falling linearly to 0 at twice the budget; ½ when it cannot be compared |
//! | reputation | [`W_REPUTATION`] | (Bayesian mean rating − 1) / 4 |
//!
//! A skill's **credit**: the worker's own skill earns `evidence × level`, where `level` is 1 at or
//! above the task's minimum proficiency and `½ · proficiency / minimum` below it, and `evidence`
//! is [`crate::model::Evidence::factor`]. A related skill can stand in, earning
//! `RELATED × similarity × evidence × level` (see [`crate::similarity`]); the best of the
//! worker's own skill and the stand-ins counts.

use guild_taxonomy::SkillId;
use jiff::civil::Date;
use serde::Serialize;

use crate::MatchError;
use crate::model::{Currency, Evidence, Money, Place, Task, TaskId, WorkMode, Worker, WorkerId};
use crate::similarity::{SimilarityBasis, SkillSimilarity, SkillVocabulary};
use crate::zone::{WORKDAY_MINUTES, workday_overlap_hours};

/// Weight of the required-skill coverage.
pub const W_REQUIRED: f32 = 0.60;
/// Weight of the optional-skill coverage.
pub const W_OPTIONAL: f32 = 0.10;
/// Weight of availability.
pub const W_AVAILABILITY: f32 = 0.08;
/// Weight of time-zone overlap.
pub const W_TIME_ZONE: f32 = 0.06;
/// Weight of location.
pub const W_LOCATION: f32 = 0.04;
/// Weight of budget fit.
pub const W_BUDGET: f32 = 0.07;
/// Weight of reputation.
pub const W_REPUTATION: f32 = 0.05;
/// The share of a skill's credit that a related skill can earn at similarity 1.
pub const RELATED: f32 = 0.75;

/// The most a worker can get from everything but the required skills, in 0–1 units. The index
/// uses it to bound scores it has not computed.
pub const NON_REQUIRED: f32 =
    W_OPTIONAL + W_AVAILABILITY + W_TIME_ZONE + W_LOCATION + W_BUDGET + W_REPUTATION;

/// Credit for holding a skill at `proficiency` when `min` is asked.
fn level_credit(proficiency: u8, min: u8) -> f32 {
    if proficiency >= min {
        1.0
    } else {
        0.5 * f32::from(proficiency) / f32::from(min)
    }
}

/// Credit of one posting: a worker's skill at `proficiency` with evidence factor `evidence`,
/// standing in with `similarity` (1 for the skill itself).
pub(crate) fn credit(proficiency: u8, evidence: f32, min: u8, similarity: f32) -> f32 {
    let base = evidence * level_credit(proficiency, min);
    if similarity >= 1.0 {
        base
    } else {
        RELATED * similarity * base
    }
}

/// One skill of a compiled worker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HeldSkill {
    pub skill: u32,
    pub proficiency: u8,
    pub evidence: Evidence,
}

/// Workers compiled for fast scoring: skills in one flat array (sorted per worker), languages
/// as small numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct WorkerTable {
    pub ids: Vec<WorkerId>,
    skill_start: Vec<u32>,
    skills: Vec<HeldSkill>,
    lang_start: Vec<u32>,
    langs: Vec<u16>,
    /// One 32-byte record per worker: what the skill-free parts of the score read, so that
    /// bounding a candidate costs one cache line (the ranking does it thousands of times).
    pub facts: Vec<WorkerFacts>,
    /// The few workers with available dates, and with rates too large for the record.
    dates: std::collections::HashMap<u32, (Option<Date>, Option<Date>)>,
    big_rates: std::collections::HashMap<u32, Money>,
}

/// The non-skill facts of a worker that the score reads.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(32))]
pub(crate) struct WorkerFacts {
    hours_per_week: f32,
    radius_km: f32,
    /// NaN when the worker gave no location.
    lat: f32,
    lon: f32,
    reputation: f32,
    /// The hourly rate in minor units when `RATED` and not `BIG_RATE`.
    rate_minor: u32,
    /// The rate's currency as its ISO 4217 number (0 when `RATED` is not set).
    currency: u16,
    pub mode: WorkMode,
    offset: i16,
    flags: u8,
}

/// `WorkerFacts::flags`: available dates are in `WorkerTable::dates`.
const DATED: u8 = 1;
/// The worker states a rate.
const RATED: u8 = 2;
/// The rate does not fit 32 bits: it is in `WorkerTable::big_rates`.
const BIG_RATE: u8 = 4;

/// Languages as small numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Languages {
    codes: Vec<String>,
}

impl Languages {
    pub(crate) fn intern(&mut self, code: &str) -> u16 {
        if let Some(i) = self.codes.iter().position(|c| c == code) {
            return i as u16;
        }
        self.codes.push(code.to_owned());
        (self.codes.len() - 1) as u16
    }

    /// A code no worker speaks when the language is unknown.
    fn get(&self, code: &str) -> u16 {
        self.codes
            .iter()
            .position(|c| c == code)
            .map_or(u16::MAX, |i| i as u16)
    }
}

impl WorkerTable {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds a worker; skills outside the vocabulary are refused.
    pub fn push(
        &mut self,
        worker: &Worker,
        vocabulary: &SkillVocabulary,
        languages: &mut Languages,
    ) -> Result<u32, MatchError> {
        worker.validate()?;
        let mut held = Vec::with_capacity(worker.skills.len());
        for s in &worker.skills {
            let skill = vocabulary
                .get(&s.skill)
                .ok_or_else(|| MatchError::UnknownSkill(s.skill.clone()))?;
            held.push(HeldSkill {
                skill,
                proficiency: s.proficiency.level(),
                evidence: s.evidence,
            });
        }
        held.sort_by_key(|h| h.skill);
        if self.skill_start.is_empty() {
            self.skill_start.push(0);
            self.lang_start.push(0);
        }
        let ix = self.ids.len() as u32;
        self.ids.push(worker.id);
        self.skills.extend(held);
        self.skill_start.push(self.skills.len() as u32);
        for l in &worker.languages {
            self.langs.push(languages.intern(l));
        }
        self.lang_start.push(self.langs.len() as u32);
        let mut flags = 0;
        if worker.available_from.is_some() || worker.available_until.is_some() {
            flags |= DATED;
            self.dates
                .insert(ix, (worker.available_from, worker.available_until));
        }
        let mut rate_minor = 0;
        let mut currency = 0;
        if let Some(rate) = worker.rate {
            flags |= RATED;
            currency = rate.currency.numeric();
            match u32::try_from(rate.minor) {
                Ok(m) => rate_minor = m,
                Err(_) => {
                    flags |= BIG_RATE;
                    self.big_rates.insert(ix, rate);
                }
            }
        }
        let (lat, lon) = worker
            .location
            .map_or((f32::NAN, f32::NAN), |p| (p.lat as f32, p.lon as f32));
        self.facts.push(WorkerFacts {
            hours_per_week: worker.hours_per_week,
            radius_km: worker.travel_radius_km,
            lat,
            lon,
            reputation: (worker.reputation.bayesian() - 1.0) / 4.0,
            rate_minor,
            currency,
            mode: worker.work_mode,
            // Offsets were checked to lie within −12:00 and +14:00.
            offset: worker.utc_offset_minutes as i16,
            flags,
        });
        Ok(ix)
    }

    pub fn skills(&self, w: u32) -> &[HeldSkill] {
        let w = w as usize;
        &self.skills[self.skill_start[w] as usize..self.skill_start[w + 1] as usize]
    }

    pub fn langs(&self, w: u32) -> &[u16] {
        let w = w as usize;
        &self.langs[self.lang_start[w] as usize..self.lang_start[w + 1] as usize]
    }

    /// Gives back the memory that growing the arrays left unused.
    pub fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.skill_start.shrink_to_fit();
        self.skills.shrink_to_fit();
        self.lang_start.shrink_to_fit();
        self.langs.shrink_to_fit();
        self.facts.shrink_to_fit();
    }

    /// Bytes of memory the table takes (for the benchmark).
    pub fn bytes(&self) -> usize {
        self.ids.capacity() * size_of::<WorkerId>()
            + self.skill_start.capacity() * 4
            + self.skills.capacity() * size_of::<HeldSkill>()
            + self.lang_start.capacity() * 4
            + self.langs.capacity() * 2
            + self.facts.capacity() * size_of::<WorkerFacts>()
    }
}

/// A requirement compiled: skill number, normalised weight, minimum level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Need {
    pub skill: u32,
    pub weight: f32,
    pub min: u8,
}

/// A task compiled for fast scoring.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledTask {
    pub id: TaskId,
    pub required: Vec<Need>,
    pub optional: Vec<Need>,
    /// Every skill that earns credit for a need (the need's own skill and its stand-ins), with
    /// the need (required first, then optional) and the similarity; sorted by skill, so that a
    /// worker's coverage is found from their skills rather than from the needs' neighbours.
    skill_map: Vec<(u32, u16, f32)>,
    /// For a task ranked against many workers: where each skill's entries start in
    /// `skill_map` (`u32::MAX` for none), indexed by skill, so a lookup is one read.
    skill_start: Option<Vec<u32>>,
    pub place: Place,
    offset: i32,
    min_overlap: f32,
    hours: f32,
    weekly_hours: f32,
    budget: Option<Money>,
    pub langs: Vec<u16>,
    lang_codes: Vec<String>,
    starts: Option<Date>,
    ends: Option<Date>,
}

fn compile_needs(
    list: &[crate::model::SkillRequirement],
    vocabulary: &SkillVocabulary,
) -> Result<Vec<Need>, MatchError> {
    let total: f32 = list.iter().map(|r| r.weight).sum();
    list.iter()
        .map(|r| {
            Ok(Need {
                skill: vocabulary
                    .get(&r.skill)
                    .ok_or_else(|| MatchError::UnknownSkill(r.skill.clone()))?,
                weight: r.weight / total,
                min: r.min_proficiency.level(),
            })
        })
        .collect()
}

impl CompiledTask {
    /// Adds the dense skill lookup (a few tens of kilobytes; worth it for a query that scores
    /// thousands of workers).
    pub fn with_dense_lookup(mut self, skills: usize) -> Self {
        let mut start = vec![u32::MAX; skills];
        for (at, &(skill, _, _)) in self.skill_map.iter().enumerate().rev() {
            if let Some(slot) = start.get_mut(skill as usize) {
                *slot = at as u32;
            }
        }
        self.skill_start = Some(start);
        self
    }

    pub fn new(
        task: &Task,
        similarity: &SkillSimilarity,
        languages: &Languages,
    ) -> Result<Self, MatchError> {
        task.validate()?;
        let vocabulary = similarity.vocabulary();
        let required = compile_needs(&task.required, vocabulary)?;
        let optional = compile_needs(&task.optional, vocabulary)?;
        let mut skill_map = Vec::new();
        for (i, need) in required.iter().chain(&optional).enumerate() {
            skill_map.push((need.skill, i as u16, 1.0));
            for nb in similarity.neighbours(need.skill) {
                skill_map.push((nb.skill, i as u16, nb.similarity));
            }
        }
        skill_map.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        Ok(CompiledTask {
            skill_start: None,
            id: task.id,
            required,
            optional,
            skill_map,
            place: task.place,
            offset: task.utc_offset_minutes,
            min_overlap: task.min_overlap_hours,
            hours: task.hours,
            weekly_hours: task.weekly_hours(),
            budget: task.budget,
            langs: task.languages.iter().map(|l| languages.get(l)).collect(),
            lang_codes: task.languages.clone(),
            starts: task.starts,
            ends: task.ends,
        })
    }
}

/// Why a worker cannot take a task at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// Holds none of the required skills, nor anything that stands in.
    NoRequiredSkill,
    /// Does not speak a language the task needs.
    Language {
        /// The language.
        language: String,
    },
    /// Remote-only worker, on-site task; or on-site-only worker, remote task.
    WorkMode,
    /// On-site task out of the worker's reach (or the worker gave no location).
    TooFar {
        /// Distance in km, when known.
        distance_km: Option<f32>,
        /// The worker's travel radius.
        radius_km: f32,
    },
    /// The workdays do not overlap enough.
    TimeZone {
        /// Shared hours.
        overlap_hours: f32,
        /// Hours the task needs.
        needed_hours: f32,
    },
    /// The worker has no hours, or their available dates miss the task's.
    Unavailable,
}

/// How one required or optional skill was met.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillCredit {
    /// The skill the task asks for.
    pub skill: SkillId,
    /// Its share of the part's weight (the shares of a part sum to 1).
    pub weight: f32,
    /// The level asked.
    pub min_proficiency: u8,
    /// The worker's skill that earned the credit: the same skill, or a stand-in.
    pub held: SkillId,
    /// The worker's level in it.
    pub proficiency: u8,
    /// The evidence for it.
    pub evidence: Evidence,
    /// 1 for the skill itself, else the similarity of the stand-in.
    pub similarity: f32,
    /// Why the stand-in is similar (absent for the skill itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<SimilarityBasis>,
    /// Credit earned, 0–1.
    pub credit: f32,
}

/// The parts of a score, each 0–1 before weighting.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreParts {
    /// Required-skill coverage.
    pub required: f32,
    /// Optional-skill coverage.
    pub optional: f32,
    /// Availability fit.
    pub availability: f32,
    /// Time-zone fit.
    pub time_zone: f32,
    /// Location fit.
    pub location: f32,
    /// Budget fit.
    pub budget: f32,
    /// Reputation.
    pub reputation: f32,
}

/// One part of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Required-skill coverage.
    Required,
    /// Optional-skill coverage.
    Optional,
    /// Availability fit.
    Availability,
    /// Time-zone fit.
    TimeZone,
    /// Location fit.
    Location,
    /// Budget fit.
    Budget,
    /// Reputation.
    Reputation,
}

impl ScoreParts {
    /// The points (of 100) each part fell short by — its weight times what it lacks — the
    /// largest first, those that lost nothing left out: what would move a match up the most. A
    /// worker told "learn the skills" when their rate cost them more is told the wrong thing.
    pub fn shortfalls(&self) -> Vec<(Part, f32)> {
        let mut out: Vec<(Part, f32)> = [
            (Part::Required, W_REQUIRED, self.required),
            (Part::Optional, W_OPTIONAL, self.optional),
            (Part::Availability, W_AVAILABILITY, self.availability),
            (Part::TimeZone, W_TIME_ZONE, self.time_zone),
            (Part::Location, W_LOCATION, self.location),
            (Part::Budget, W_BUDGET, self.budget),
            (Part::Reputation, W_REPUTATION, self.reputation),
        ]
        .into_iter()
        .map(|(p, w, v)| (p, 100.0 * w * (1.0 - v.clamp(0.0, 1.0))))
        .filter(|(_, lost)| *lost >= 0.05)
        .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// The weighted sum, 0–100. The only place the weights are applied, so that the breakdown
    /// and the ranking can never disagree.
    pub fn total(&self) -> f32 {
        100.0
            * (W_REQUIRED * self.required
                + W_OPTIONAL * self.optional
                + W_AVAILABILITY * self.availability
                + W_TIME_ZONE * self.time_zone
                + W_LOCATION * self.location
                + W_BUDGET * self.budget
                + W_REPUTATION * self.reputation)
    }
}

/// A match explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    /// The score, 0–100 (= `parts.total()`).
    pub score: f32,
    /// The parts.
    pub parts: ScoreParts,
    /// Required skills met, by the worker's own skill or a stand-in.
    pub required: Vec<SkillCredit>,
    /// Optional skills met.
    pub optional: Vec<SkillCredit>,
    /// Required skills with no credit at all.
    pub missing: Vec<SkillId>,
    /// Plain-language notes (budget not comparable, below the minimum level, …), written as
    /// the scorer's English sentences.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub notes: Vec<Note>,
}

/// A note on a match. Serialised (in the API and the decision log) as the scorer's English
/// sentence; the pages put the data in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The task's budget and the worker's rate are in different currencies: not compared.
    CurrenciesDiffer {
        /// The budget's currency.
        budget: String,
        /// The rate's currency.
        rate: String,
    },
    /// The worker states no rate: the budget fit counts one half.
    NoRate,
    /// A required skill met at a level under the one asked.
    BelowLevel {
        /// The worker's skill that met it.
        held: SkillId,
        /// Its level.
        level: u8,
        /// The level asked.
        asked: u8,
    },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::CurrenciesDiffer { budget, rate } => {
                write!(f, "budget in {budget} and rate in {rate} are not compared")
            }
            Note::NoRate => {
                f.write_str("the worker states no rate: budget fit counted as one half")
            }
            Note::BelowLevel { held, level, asked } => {
                write!(f, "{held} at level {level} is below the {asked} asked")
            }
        }
    }
}

impl Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where the scorer writes details when asked (the ranking passes none, for speed).
#[derive(Default)]
pub(crate) struct Detail {
    pub required: Vec<SkillCredit>,
    pub optional: Vec<SkillCredit>,
    pub missing: Vec<SkillId>,
    pub notes: Vec<Note>,
}

/// The best credit a worker earns for one need, and from which of their skills.
fn best_credit(
    need: &Need,
    held: &[HeldSkill],
    similarity: &SkillSimilarity,
) -> Option<(f32, HeldSkill, f32, Option<SimilarityBasis>)> {
    let mut best: Option<(f32, HeldSkill, f32, Option<SimilarityBasis>)> = None;
    if let Ok(i) = held.binary_search_by_key(&need.skill, |h| h.skill) {
        let h = held[i];
        best = Some((
            credit(h.proficiency, h.evidence.factor(), need.min, 1.0),
            h,
            1.0,
            None,
        ));
    }
    for nb in similarity.neighbours(need.skill) {
        if let Ok(i) = held.binary_search_by_key(&nb.skill, |h| h.skill) {
            let h = held[i];
            let c = credit(h.proficiency, h.evidence.factor(), need.min, nb.similarity);
            // Strictly better only: ties keep the earlier (own skill, then the most similar).
            if best.is_none_or(|b| c > b.0) {
                best = Some((c, h, nb.similarity, Some(nb.basis)));
            }
        }
    }
    best
}

fn coverage(
    needs: &[Need],
    held: &[HeldSkill],
    similarity: &SkillSimilarity,
    mut detail: Option<&mut Vec<SkillCredit>>,
    mut missing: Option<&mut Vec<SkillId>>,
) -> f32 {
    let vocabulary = similarity.vocabulary();
    let mut sum = 0.0;
    for need in needs {
        match best_credit(need, held, similarity) {
            Some((c, h, sim, basis)) => {
                sum += need.weight * c;
                if let Some(d) = detail.as_deref_mut() {
                    d.push(SkillCredit {
                        skill: vocabulary.id(need.skill).clone(),
                        weight: need.weight,
                        min_proficiency: need.min,
                        held: vocabulary.id(h.skill).clone(),
                        proficiency: h.proficiency,
                        evidence: h.evidence,
                        similarity: sim,
                        basis,
                        credit: c,
                    });
                }
            }
            None => {
                if let Some(m) = missing.as_deref_mut() {
                    m.push(vocabulary.id(need.skill).clone());
                }
            }
        }
    }
    sum
}

fn dates_meet(
    from: Option<Date>,
    until: Option<Date>,
    starts: Option<Date>,
    ends: Option<Date>,
) -> bool {
    // Two intervals with open ends meet unless one ends before the other starts.
    !(matches!((until, starts), (Some(u), Some(s)) if u < s)
        || matches!((ends, from), (Some(e), Some(f)) if e < f))
}

/// Needs a task may have for the fast coverage path; larger tasks take the general one.
const FAST_NEEDS: usize = 64;

/// Required and optional coverage from the worker's skills through the task's skill map: the
/// same maxima, summed in the same order, as [`coverage`], so the same numbers to the bit.
fn fast_coverage(task: &CompiledTask, held: &[HeldSkill]) -> Option<(f32, f32)> {
    let (r, o) = (task.required.len(), task.optional.len());
    if r + o > FAST_NEEDS {
        return None;
    }
    let mut best = [0f32; FAST_NEEDS];
    for h in held {
        let start = match &task.skill_start {
            Some(dense) => match dense.get(h.skill as usize) {
                Some(&u32::MAX) | None => continue,
                Some(&at) => at as usize,
            },
            None => task.skill_map.partition_point(|e| e.0 < h.skill),
        };
        for &(skill, i, similarity) in &task.skill_map[start..] {
            if skill != h.skill {
                break;
            }
            let i = i as usize;
            let need = if i < r {
                &task.required[i]
            } else {
                &task.optional[i - r]
            };
            let c = credit(h.proficiency, h.evidence.factor(), need.min, similarity);
            if c > best[i] {
                best[i] = c;
            }
        }
    }
    let mut required = 0.0;
    for (need, &c) in task.required.iter().zip(&best[..r]) {
        if c > 0.0 {
            required += need.weight * c;
        }
    }
    let mut optional = 0.0;
    for (need, &c) in task.optional.iter().zip(&best[r..r + o]) {
        if c > 0.0 {
            optional += need.weight * c;
        }
    }
    Some((required, optional))
}

/// Everything but the skills: the hard constraints, and the parts that do not depend on skills
/// (`required` and `optional` are left at 0). Cheap, so the index runs it on every candidate
/// to bound their scores tightly before paying for skill coverage.
///
/// `languages_checked`: the caller has already made sure the worker speaks the task's
/// languages (the index does, from the posting's fact bits).
pub(crate) fn fit(
    task: &CompiledTask,
    workers: &WorkerTable,
    w: u32,
    languages_checked: bool,
    detail: Option<&mut Detail>,
) -> Result<ScoreParts, Exclusion> {
    let facts = &workers.facts[w as usize];
    if facts.hours_per_week <= 0.0 {
        return Err(Exclusion::Unavailable);
    }
    // A worker without dates is available whenever the task is.
    if facts.flags & DATED != 0 {
        let (from, until) = workers.dates.get(&w).copied().unwrap_or((None, None));
        if !dates_meet(from, until, task.starts, task.ends) {
            return Err(Exclusion::Unavailable);
        }
    }
    if !languages_checked {
        let spoken = workers.langs(w);
        if let Some(i) = task.langs.iter().position(|l| !spoken.contains(l)) {
            return Err(Exclusion::Language {
                language: task.lang_codes[i].clone(),
            });
        }
    }
    let location = match task.place {
        Place::Remote => {
            if facts.mode == WorkMode::OnSite {
                return Err(Exclusion::WorkMode);
            }
            1.0
        }
        Place::OnSite { location } => {
            if facts.mode == WorkMode::Remote {
                return Err(Exclusion::WorkMode);
            }
            let location_known = !facts.lat.is_nan();
            let (lat, lon) = (facts.lat, facts.lon);
            if !location_known {
                return Err(Exclusion::TooFar {
                    distance_km: None,
                    radius_km: facts.radius_km,
                });
            }
            let here = crate::model::GeoPoint {
                lat: f64::from(lat),
                lon: f64::from(lon),
            };
            let d = here.distance_km(location) as f32;
            if d > facts.radius_km {
                return Err(Exclusion::TooFar {
                    distance_km: Some(d),
                    radius_km: facts.radius_km,
                });
            }
            if facts.radius_km > 0.0 {
                1.0 - 0.5 * d / facts.radius_km
            } else {
                1.0
            }
        }
    };
    let overlap = workday_overlap_hours(i32::from(facts.offset), task.offset) as f32;
    if overlap < task.min_overlap {
        return Err(Exclusion::TimeZone {
            overlap_hours: overlap,
            needed_hours: task.min_overlap,
        });
    }
    let time_zone = if task.min_overlap > 0.0 {
        overlap / (WORKDAY_MINUTES as f32 / 60.0)
    } else {
        1.0
    };

    let availability = if task.weekly_hours > 0.0 {
        (facts.hours_per_week / task.weekly_hours).min(1.0)
    } else {
        1.0
    };
    let rate = if facts.flags & RATED == 0 {
        None
    } else if facts.flags & BIG_RATE != 0 {
        workers.big_rates.get(&w).copied()
    } else {
        // The number came out of `Currency::numeric` when the worker was indexed.
        Currency::from_numeric(facts.currency).map(|currency| Money {
            minor: i64::from(facts.rate_minor),
            currency,
        })
    };
    let budget = match (task.budget, rate) {
        (Some(b), Some(r)) if b.currency == r.currency => {
            let cost = r.minor as f64 * f64::from(task.hours);
            let budget = b.minor as f64;
            if cost <= budget {
                1.0
            } else if budget <= 0.0 {
                0.0
            } else {
                (1.0 - (cost - budget) / budget).max(0.0) as f32
            }
        }
        (None, _) => 1.0,
        (Some(b), rate) => {
            if let Some(d) = detail {
                d.notes.push(match rate {
                    Some(r) => Note::CurrenciesDiffer {
                        budget: b.currency.to_string(),
                        rate: r.currency.to_string(),
                    },
                    None => Note::NoRate,
                });
            }
            0.5
        }
    };
    Ok(ScoreParts {
        required: 0.0,
        optional: 0.0,
        availability,
        time_zone,
        location,
        budget,
        reputation: facts.reputation,
    })
}

/// Scores worker `w` of `workers` for `task`: the parts, or why the worker is excluded.
pub(crate) fn evaluate(
    task: &CompiledTask,
    workers: &WorkerTable,
    w: u32,
    similarity: &SkillSimilarity,
    languages_checked: bool,
    mut detail: Option<&mut Detail>,
) -> Result<ScoreParts, Exclusion> {
    let mut parts = fit(task, workers, w, languages_checked, detail.as_deref_mut())?;
    let held = workers.skills(w);
    let fast = if detail.is_none() {
        fast_coverage(task, held)
    } else {
        None
    };
    let (required, optional) = match fast {
        Some((required, optional)) => {
            if required <= 0.0 {
                return Err(Exclusion::NoRequiredSkill);
            }
            let optional = if task.optional.is_empty() {
                1.0
            } else {
                optional
            };
            (required, optional)
        }
        None => {
            let (req_detail, opt_detail, missing) = match detail.as_deref_mut() {
                Some(d) => (
                    Some(&mut d.required),
                    Some(&mut d.optional),
                    Some(&mut d.missing),
                ),
                None => (None, None, None),
            };
            let required = coverage(&task.required, held, similarity, req_detail, missing);
            if required <= 0.0 {
                return Err(Exclusion::NoRequiredSkill);
            }
            let optional = if task.optional.is_empty() {
                1.0
            } else {
                coverage(&task.optional, held, similarity, opt_detail, None)
            };
            (required, optional)
        }
    };
    if let Some(d) = detail {
        for c in d
            .required
            .iter()
            .filter(|c| c.proficiency < c.min_proficiency)
        {
            d.notes.push(Note::BelowLevel {
                held: c.held.clone(),
                level: c.proficiency,
                asked: c.min_proficiency,
            });
        }
    }
    parts.required = required;
    parts.optional = optional;
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workers_facts_fill_one_half_cache_line() {
        assert_eq!(size_of::<WorkerFacts>(), 32);
        assert_eq!(align_of::<WorkerFacts>(), 32);
    }
}

#[cfg(test)]
mod shortfall_tests {
    use super::*;

    #[test]
    fn shortfalls_name_what_cost_the_most_first_and_add_up_to_what_was_lost() {
        let parts = ScoreParts {
            required: 0.9,
            optional: 1.0,
            availability: 1.0,
            time_zone: 1.0,
            location: 1.0,
            budget: 0.0,
            reputation: 0.5,
        };
        let s = parts.shortfalls();
        assert_eq!(
            s.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            [Part::Budget, Part::Required, Part::Reputation]
        );
        let lost: f32 = s.iter().map(|(_, l)| l).sum();
        assert!((100.0 - parts.total() - lost).abs() < 1e-3);
    }
}
