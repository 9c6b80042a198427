//! Occupation transitions: from an occupation or a worker, which occupations are nearest, where
//! "near" means "little to learn".
//!
//! Each occupation is described by up to four kinds of descriptor, all from the taxonomy:
//! - **ratings**: skills and knowledge rated for importance and level (O*NET's Skills and
//!   Knowledge), a dense vector;
//! - **interests**: the occupation's RIASEC profile (O*NET Interests), part of the same vector;
//! - **activities**: what the work consists of, as a weighted set (O*NET's detailed work
//!   activities through its tasks; ESCO's and the starter set's essential and optional skills);
//! - **tools**: technology used at work (O*NET Technology Skills), a weighted set.
//!
//! The score of moving from `a` to `b` has a symmetric and an asymmetric part:
//!
//! ```text
//! score(a→b) = RATED·cos(r_a, r_b) + ACTIVITIES·cos(x_a, x_b) + TOOLS·cos(t_a, t_b)
//!            − GAP·gap(a→b) − JOB_ZONE_UP·max(0, zone_b − zone_a)
//! ```
//!
//! The rated vector is mean-centred over all occupations, so a skill every occupation needs says
//! little and a skill few need says much; activities and tools are weighted by inverse
//! occupation frequency for the same reason (a rarely needed activity is a specific one). The
//! gap is what `b` needs that `a` lacks: the importance-weighted shortfall in level over the
//! ratings, and the weighted share of `b`'s activities `a` does not do — so moving up to a
//! more demanding occupation scores lower than moving down from it. Moving to a higher job zone
//! (more preparation needed) costs a little more.
//!
//! The weights were chosen on the development split of the evaluation as whole-model settings
//! (see BENCHMARKS.md); O*NET's related-occupation lists are never an input.

use std::collections::HashMap;

use guild_matching::SkillVocabulary;
use guild_taxonomy::SkillId;
use serde::Serialize;

use crate::ReskillError;

/// How many occupations a worker may name as done: enough for a long career (each is a starting
/// point of "Where next"), few enough that the page and its work stay small.
pub const MAX_STATED_OCCUPATIONS: usize = 8;

/// Whether a worker who names `held` occupations may name one more.
pub fn may_add_occupation(held: usize) -> Result<(), ReskillError> {
    if held >= MAX_STATED_OCCUPATIONS {
        return Err(ReskillError::TooManyOccupations {
            max: MAX_STATED_OCCUPATIONS,
        });
    }
    Ok(())
}

/// Weight of the rated (skills, knowledge, interests) cosine.
pub const RATED: f32 = 1.0;
/// Weight of the work-activity cosine.
pub const ACTIVITIES: f32 = 0.5;
/// Weight of the tools and technology cosine.
pub const TOOLS: f32 = 0.1;
/// Weight of the gap (what the target needs that the source lacks, 0–1).
pub const GAP: f32 = 0.25;
/// Cost of each job zone up.
pub const JOB_ZONE_UP: f32 = 0.02;

/// A rated descriptor: a skill or knowledge area with its importance and level in an occupation.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// The skill or knowledge area.
    pub skill: SkillId,
    /// Importance, 0 (not important) to 1 (extremely).
    pub importance: f32,
    /// Level needed, 0 to 1 (O*NET's 0–7 level scale divided by 7).
    pub level: f32,
}

/// What the taxonomy says about one occupation (or what a worker can do, in the same terms).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OccupationDescriptors {
    /// The occupation's id.
    pub id: String,
    /// Its job zone (1–5: how much preparation it needs), where known.
    pub job_zone: Option<u8>,
    /// Rated skills and knowledge.
    pub ratings: Vec<Rating>,
    /// Interests (RIASEC element id, 0–1).
    pub interests: Vec<(String, f32)>,
    /// Work activities or skills the work consists of, with weight 0–1.
    pub activities: Vec<(SkillId, f32)>,
    /// Tools and technology, with weight 0–1.
    pub tools: Vec<(SkillId, f32)>,
}

/// The parts of a transition's score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionParts {
    /// Cosine of the rated skills, knowledge and interests (−1 to 1).
    pub rated: f32,
    /// Cosine of the work activities (0–1).
    pub activities: f32,
    /// Cosine of the tools and technology (0–1).
    pub tools: f32,
    /// Share of the target's weighted needs the source lacks (0–1).
    pub gap: f32,
    /// Job zones up (0 when the target needs no more preparation).
    pub job_zone_up: u8,
}

/// How much each part counts; [`TransitionWeights::default`] is the documented model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionWeights {
    /// Weight of the rated cosine.
    pub rated: f32,
    /// Weight of the activity cosine.
    pub activities: f32,
    /// Weight of the tools cosine.
    pub tools: f32,
    /// Weight of the gap.
    pub gap: f32,
    /// Cost of each job zone up.
    pub job_zone_up: f32,
}

impl Default for TransitionWeights {
    fn default() -> Self {
        TransitionWeights {
            rated: RATED,
            activities: ACTIVITIES,
            tools: TOOLS,
            gap: GAP,
            job_zone_up: JOB_ZONE_UP,
        }
    }
}

impl TransitionWeights {
    /// The cosine baseline of the evaluation: rated descriptors only, symmetric.
    pub fn rated_cosine_only() -> Self {
        TransitionWeights {
            rated: 1.0,
            activities: 0.0,
            tools: 0.0,
            gap: 0.0,
            job_zone_up: 0.0,
        }
    }
}

impl TransitionParts {
    /// The score these parts make under `w` (see the module documentation).
    pub fn score(&self, w: &TransitionWeights) -> f32 {
        w.rated * self.rated + w.activities * self.activities + w.tools * self.tools
            - w.gap * self.gap
            - w.job_zone_up * f32::from(self.job_zone_up)
    }
}

/// One ranked target occupation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transition {
    /// The target occupation's id.
    pub occupation: String,
    /// The score: higher is an easier move.
    pub score: f32,
    /// How the score is made.
    pub parts: TransitionParts,
}

/// A sparse, L2-normalised feature vector: (feature, value) sorted by feature.
pub(crate) type Sparse = Vec<(u32, f32)>;

/// A source, in the model's feature space: an occupation of the model or a worker's profile.
#[derive(Debug, Clone)]
pub struct TransitionSource {
    /// The occupation it is (excluded from its own ranking), when it is one.
    pub occupation: Option<String>,
    pub(crate) job_zone: Option<u8>,
    /// Centred, normalised rated vector (empty when the source has no ratings).
    pub(crate) rated: Vec<f32>,
    /// Level per rated dimension, 0 when absent.
    pub(crate) levels: Vec<f32>,
    pub(crate) activities: Sparse,
    pub(crate) tools: Sparse,
}

/// One block of weighted sets (activities or tools).
#[derive(Debug, Clone, Default)]
pub(crate) struct SetBlock {
    pub(crate) vocabulary: SkillVocabulary,
    /// ln(N / occupations having the feature).
    pub(crate) idf: Vec<f32>,
    /// Per occupation: normalised vector.
    pub(crate) vectors: Vec<Sparse>,
    /// Per occupation: Σ weight·idf (the denominator of the gap share).
    pub(crate) mass: Vec<f32>,
    /// Per occupation: the norm of its raw (weight·idf) vector, to recover raw weights from
    /// normalised postings.
    pub(crate) norms: Vec<f32>,
    /// Per feature: occupations having it and their normalised value.
    pub(crate) postings: Vec<Vec<(u32, f32)>>,
}

impl SetBlock {
    fn build(
        occupations: &[OccupationDescriptors],
        pick: fn(&OccupationDescriptors) -> &[(SkillId, f32)],
    ) -> Self {
        let mut block = SetBlock::default();
        let mut df: Vec<u32> = Vec::new();
        let mut interned: Vec<Vec<(u32, f32)>> = Vec::with_capacity(occupations.len());
        for o in occupations {
            let mut v: Vec<(u32, f32)> = pick(o)
                .iter()
                .filter(|(_, w)| w.is_finite() && *w > 0.0)
                .map(|(s, w)| (block.vocabulary.intern(s), w.min(1.0)))
                .collect();
            v.sort_by_key(|(f, _)| *f);
            v.dedup_by_key(|(f, _)| *f);
            for (f, _) in &v {
                let f = *f as usize;
                if df.len() <= f {
                    df.resize(f + 1, 0);
                }
                df[f] += 1;
            }
            interned.push(v);
        }
        let n = occupations.len().max(1) as f32;
        block.idf = df
            .iter()
            .map(|d| (n / (*d).max(1) as f32).ln().max(0.0))
            .collect();
        block.postings = vec![Vec::new(); block.idf.len()];
        for (o, v) in interned.into_iter().enumerate() {
            let raw: Sparse = v
                .iter()
                .map(|(f, w)| (*f, w * block.idf[*f as usize]))
                .collect();
            let mass: f32 = raw.iter().map(|(_, x)| x).sum();
            let norm = raw.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
            let normed = normalise(raw);
            for (f, x) in &normed {
                block.postings[*f as usize].push((o as u32, *x));
            }
            block.vectors.push(normed);
            block.mass.push(mass);
            block.norms.push(norm);
        }
        block
    }

    /// The source's vector in this block (features unknown to the block are dropped).
    fn vector_of(&self, items: &[(SkillId, f32)]) -> Sparse {
        let mut v: Vec<(u32, f32)> = items
            .iter()
            .filter(|(_, w)| w.is_finite() && *w > 0.0)
            .filter_map(|(s, w)| {
                let f = self.vocabulary.get(s)?;
                Some((f, w.min(1.0) * self.idf[f as usize]))
            })
            .collect();
        v.sort_by_key(|(f, _)| *f);
        v.dedup_by_key(|(f, _)| *f);
        normalise(v)
    }

    /// Adds each target's cosine with `source` into `cos`, and the raw weight of the target's
    /// features that `source` has into `shared`.
    fn accumulate(&self, source: &Sparse, cos: &mut [f32], shared: &mut [f32]) {
        for (f, x) in source {
            for (o, y) in &self.postings[*f as usize] {
                let o = *o as usize;
                cos[o] += x * y;
                shared[o] += y * self.norms[o];
            }
        }
    }
}

fn normalise(mut v: Sparse) -> Sparse {
    let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, x) in &mut v {
            *x /= norm;
        }
    }
    v
}

/// Transitions between the occupations of one taxonomy, learned from their descriptors.
#[derive(Debug, Clone)]
pub struct TransitionModel {
    pub(crate) weights: TransitionWeights,
    pub(crate) ids: Vec<String>,
    pub(crate) index: HashMap<String, u32>,
    pub(crate) job_zones: Vec<Option<u8>>,
    pub(crate) descriptors: Vec<OccupationDescriptors>,
    /// Rated dimensions: skills and knowledge first, then interests.
    pub(crate) rated_vocabulary: SkillVocabulary,
    pub(crate) interest_dims: HashMap<String, usize>,
    /// Skill/knowledge dimensions (the first `level_dims` of the rated vector carry levels).
    pub(crate) level_dims: usize,
    pub(crate) dims: usize,
    pub(crate) mean: Vec<f32>,
    /// Per occupation: centred, normalised rated vector (all zero when it has no ratings).
    pub(crate) rated: Vec<f32>,
    pub(crate) has_rated: Vec<bool>,
    /// Per occupation × level dimension: importance and level.
    pub(crate) importance: Vec<f32>,
    pub(crate) levels: Vec<f32>,
    /// Per occupation: Σ importance·level (the denominator of the rated gap).
    pub(crate) level_mass: Vec<f32>,
    pub(crate) activities: SetBlock,
    pub(crate) tools: SetBlock,
}

impl TransitionModel {
    /// Learns the model from every occupation of one taxonomy.
    pub fn new(occupations: Vec<OccupationDescriptors>) -> Result<Self, ReskillError> {
        if occupations.is_empty() {
            return Err(ReskillError::Empty(
                "no occupations to rank: import a taxonomy first".to_owned(),
            ));
        }
        let mut index = HashMap::with_capacity(occupations.len());
        for (i, o) in occupations.iter().enumerate() {
            if index.insert(o.id.clone(), i as u32).is_some() {
                return Err(ReskillError::Invalid(format!(
                    "occupation {} is given twice",
                    o.id
                )));
            }
        }
        let mut rated_vocabulary = SkillVocabulary::default();
        for o in &occupations {
            for r in &o.ratings {
                rated_vocabulary.intern(&r.skill);
            }
        }
        let level_dims = rated_vocabulary.len();
        let mut interest_dims = HashMap::new();
        for o in &occupations {
            for (i, _) in &o.interests {
                let next = level_dims + interest_dims.len();
                interest_dims.entry(i.clone()).or_insert(next);
            }
        }
        let dims = level_dims + interest_dims.len();
        let n = occupations.len();
        let mut rated = vec![0.0f32; n * dims];
        let mut has_rated = vec![false; n];
        let mut importance = vec![0.0f32; n * level_dims];
        let mut levels = vec![0.0f32; n * level_dims];
        for (o, occ) in occupations.iter().enumerate() {
            for r in &occ.ratings {
                if let Some(d) = rated_vocabulary.get(&r.skill) {
                    let d = d as usize;
                    rated[o * dims + d] = finite01(r.importance);
                    importance[o * level_dims + d] = finite01(r.importance);
                    levels[o * level_dims + d] = finite01(r.level);
                    has_rated[o] = true;
                }
            }
            for (i, v) in &occ.interests {
                if let Some(d) = interest_dims.get(i) {
                    rated[o * dims + d] = finite01(*v);
                    has_rated[o] = true;
                }
            }
        }
        let rated_count = has_rated.iter().filter(|h| **h).count().max(1) as f32;
        let mut mean = vec![0.0f32; dims];
        for o in (0..n).filter(|o| has_rated[*o]) {
            for d in 0..dims {
                mean[d] += rated[o * dims + d] / rated_count;
            }
        }
        for o in 0..n {
            let row = &mut rated[o * dims..(o + 1) * dims];
            if has_rated[o] {
                center_and_normalise(row, &mean);
            }
        }
        let level_mass = (0..n)
            .map(|o| {
                (0..level_dims)
                    .map(|d| importance[o * level_dims + d] * levels[o * level_dims + d])
                    .sum()
            })
            .collect();
        Ok(TransitionModel {
            weights: TransitionWeights::default(),
            ids: occupations.iter().map(|o| o.id.clone()).collect(),
            index,
            job_zones: occupations.iter().map(|o| o.job_zone).collect(),
            activities: SetBlock::build(&occupations, |o| &o.activities),
            tools: SetBlock::build(&occupations, |o| &o.tools),
            descriptors: occupations,
            rated_vocabulary,
            interest_dims,
            level_dims,
            dims,
            mean,
            rated,
            has_rated,
            importance,
            levels,
            level_mass,
        })
    }

    /// The same model scoring with other weights (for evaluation and experiments).
    pub fn with_weights(mut self, weights: TransitionWeights) -> Self {
        self.weights = weights;
        self
    }

    /// The weights the model scores with.
    pub fn weights(&self) -> &TransitionWeights {
        &self.weights
    }

    /// How many occupations the model ranks.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the model has no occupations (never true for a built model).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether the model knows `occupation`.
    pub fn contains(&self, occupation: &str) -> bool {
        self.index.contains_key(occupation)
    }

    /// The descriptors `occupation` was learned from.
    pub fn descriptors(&self, occupation: &str) -> Option<&OccupationDescriptors> {
        self.index
            .get(occupation)
            .map(|i| &self.descriptors[*i as usize])
    }

    /// Every occupation's id, in model order.
    pub fn occupations(&self) -> &[String] {
        &self.ids
    }

    /// The source that an occupation of the model is.
    pub fn source_of_occupation(&self, occupation: &str) -> Result<TransitionSource, ReskillError> {
        let o = *self
            .index
            .get(occupation)
            .ok_or_else(|| ReskillError::UnknownOccupation(occupation.to_owned()))?
            as usize;
        Ok(TransitionSource {
            occupation: Some(occupation.to_owned()),
            job_zone: self.job_zones[o],
            rated: if self.has_rated[o] {
                self.rated[o * self.dims..(o + 1) * self.dims].to_vec()
            } else {
                Vec::new()
            },
            levels: self.levels[o * self.level_dims..(o + 1) * self.level_dims].to_vec(),
            activities: self.activities.vectors[o].clone(),
            tools: self.tools.vectors[o].clone(),
        })
    }

    /// A source described in the model's terms (a worker's profile, say). Descriptors the model
    /// does not know are ignored.
    pub fn source_of_profile(&self, profile: &OccupationDescriptors) -> TransitionSource {
        let mut rated = vec![0.0f32; self.dims];
        let mut levels = vec![0.0f32; self.level_dims];
        let mut any = false;
        for r in &profile.ratings {
            if let Some(d) = self.rated_vocabulary.get(&r.skill) {
                rated[d as usize] = finite01(r.importance);
                levels[d as usize] = finite01(r.level);
                any = true;
            }
        }
        for (i, v) in &profile.interests {
            if let Some(d) = self.interest_dims.get(i) {
                rated[*d] = finite01(*v);
                any = true;
            }
        }
        if any {
            center_and_normalise(&mut rated, &self.mean);
        } else {
            rated.clear();
        }
        TransitionSource {
            occupation: self.contains(&profile.id).then(|| profile.id.clone()),
            job_zone: profile.job_zone,
            rated,
            levels,
            activities: self.activities.vector_of(&profile.activities),
            tools: self.tools.vector_of(&profile.tools),
        }
    }

    /// The parts of every target's score from `source`, in model order.
    pub fn score_all(&self, source: &TransitionSource) -> Vec<TransitionParts> {
        let n = self.ids.len();
        let mut parts = vec![TransitionParts::default(); n];
        if !source.rated.is_empty() {
            for (o, p) in parts.iter_mut().enumerate() {
                if self.has_rated[o] {
                    let row = &self.rated[o * self.dims..(o + 1) * self.dims];
                    p.rated = row.iter().zip(&source.rated).map(|(a, b)| a * b).sum();
                }
            }
        }
        let mut cos = vec![0.0f32; n];
        let mut shared = vec![0.0f32; n];
        self.activities
            .accumulate(&source.activities, &mut cos, &mut shared);
        for (o, p) in parts.iter_mut().enumerate() {
            p.activities = cos[o];
            let activity_gap = (self.activities.mass[o] > 0.0)
                .then(|| (1.0 - shared[o] / self.activities.mass[o]).clamp(0.0, 1.0));
            p.gap = combine_gaps(self.rated_gap(source, o), activity_gap);
            p.job_zone_up = match (source.job_zone, self.job_zones[o]) {
                (Some(a), Some(b)) => b.saturating_sub(a),
                _ => 0,
            };
        }
        cos.iter_mut().for_each(|c| *c = 0.0);
        shared.iter_mut().for_each(|c| *c = 0.0);
        self.tools.accumulate(&source.tools, &mut cos, &mut shared);
        for (p, c) in parts.iter_mut().zip(&cos) {
            p.tools = *c;
        }
        parts
    }

    /// The `limit` best targets from `source` (never the source occupation itself), best first;
    /// ties go to the occupation that comes first in model order.
    pub fn rank(&self, source: &TransitionSource, limit: usize) -> Vec<Transition> {
        let parts = self.score_all(source);
        let own = source
            .occupation
            .as_ref()
            .and_then(|o| self.index.get(o))
            .map(|i| *i as usize);
        let mut order: Vec<(f32, usize)> = parts
            .iter()
            .enumerate()
            .filter(|(o, _)| Some(*o) != own)
            .map(|(o, p)| (p.score(&self.weights), o))
            .collect();
        let limit = limit.min(order.len());
        if limit == 0 {
            return Vec::new();
        }
        let by = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if limit < order.len() {
            order.select_nth_unstable_by(limit - 1, by);
            order.truncate(limit);
        }
        order.sort_by(by);
        order
            .into_iter()
            .map(|(score, o)| Transition {
                occupation: self.ids[o].clone(),
                score,
                parts: parts[o],
            })
            .collect()
    }

    /// The `limit` best targets from an occupation of the model.
    pub fn rank_from(
        &self,
        occupation: &str,
        limit: usize,
    ) -> Result<Vec<Transition>, ReskillError> {
        Ok(self.rank(&self.source_of_occupation(occupation)?, limit))
    }

    /// The parts of the score from `source` to one target.
    pub fn parts(
        &self,
        source: &TransitionSource,
        target: &str,
    ) -> Result<TransitionParts, ReskillError> {
        let o = *self
            .index
            .get(target)
            .ok_or_else(|| ReskillError::UnknownOccupation(target.to_owned()))?;
        Ok(self.score_all(source)[o as usize])
    }
}

impl TransitionModel {
    /// The importance-weighted shortfall in level of `source` against target `o` (0–1), when
    /// the target has rated levels.
    fn rated_gap(&self, source: &TransitionSource, o: usize) -> Option<f32> {
        (self.level_mass[o] > 0.0).then(|| {
            let imp = &self.importance[o * self.level_dims..(o + 1) * self.level_dims];
            let lv = &self.levels[o * self.level_dims..(o + 1) * self.level_dims];
            let short: f32 = imp
                .iter()
                .zip(lv)
                .zip(&source.levels)
                .map(|((w, need), have)| w * (need - have).max(0.0))
                .sum();
            short / self.level_mass[o]
        })
    }

    /// The gap share from `source` to the one target `o` (as in [`Self::score_all`], without
    /// scoring every other target), with the rated part measured against `rated`: `o` itself,
    /// or an occupation standing in for one the taxonomy rates no skills of.
    pub(crate) fn gap_share_with(&self, source: &TransitionSource, o: usize, rated: usize) -> f32 {
        let block = &self.activities;
        let activity_gap = (block.mass[o] > 0.0).then(|| {
            let target = &block.vectors[o];
            let shared: f32 = source
                .activities
                .iter()
                .filter_map(|(f, _)| {
                    let i = target.binary_search_by_key(f, |(g, _)| *g).ok()?;
                    Some(target[i].1 * block.norms[o])
                })
                .sum();
            (1.0 - shared / block.mass[o]).clamp(0.0, 1.0)
        });
        combine_gaps(self.rated_gap(source, rated), activity_gap)
    }

    /// For an occupation whose skills and knowledge the taxonomy does not rate (O*NET rates
    /// none for some of its newer occupations, such as 15-1252.00 Software Developers): the
    /// rated occupation nearest to it by what the work consists of (its activities and tools,
    /// weighted as in the score), to stand in for the rated part of a gap. `None` when the
    /// occupation is rated, or nothing shares any of its work.
    pub(crate) fn rated_stand_in(&self, o: usize) -> Option<usize> {
        if self.level_mass[o] > 0.0 {
            return None;
        }
        let source = self.source_of_occupation(&self.ids[o]).ok()?;
        let w = &self.weights;
        self.score_all(&source)
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != o && self.level_mass[*i] > 0.0)
            .map(|(i, p)| (i, w.activities * p.activities + w.tools * p.tools))
            .filter(|(_, near)| *near > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
    }
}

/// The gap is the mean of the parts the target has.
fn combine_gaps(rated: Option<f32>, activities: Option<f32>) -> f32 {
    match (rated, activities) {
        (Some(r), Some(a)) => (r + a) / 2.0,
        (Some(g), None) | (None, Some(g)) => g,
        (None, None) => 0.0,
    }
}

fn finite01(x: f32) -> f32 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn center_and_normalise(row: &mut [f32], mean: &[f32]) {
    for (x, m) in row.iter_mut().zip(mean) {
        *x -= m;
    }
    let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        row.iter_mut().for_each(|x| *x /= norm);
    }
}
