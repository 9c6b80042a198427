//! Skill gaps: exactly what a target occupation needs that a source lacks, at which level; what
//! carries over; which of the target's tasks the source can already do; and workers described in
//! the model's terms.
//!
//! Levels are on Guild's proficiency scale, 1 (novice) to 5 (expert). O*NET's level scale (0–7)
//! maps onto it linearly: `proficiency = round(level / 7 × 5)`, at least 1.

use std::collections::HashSet;

use guild_matching::Proficiency;
use guild_taxonomy::SkillId;
use serde::Serialize;

use crate::transitions::{OccupationDescriptors, Rating, TransitionModel, TransitionSource};
use crate::{Need, ReskillError};

/// Rated skills below this importance (0–1; 0.5 is O*NET's "important", 3 of 5) are not gaps.
pub const MIN_RATED_IMPORTANCE: f32 = 0.5;
/// The level a work activity or listed skill is needed at when the taxonomy gives none.
pub const ACTIVITY_LEVEL: u8 = 3;
/// The level a tool or technology is needed at: working use.
pub const TOOL_LEVEL: u8 = 2;
/// At most this many tools or technologies are listed in a gap, the most used first; the rest
/// are counted (an occupation such as software development lists hundreds, and a learner needs
/// the few that matter, not 400 lines).
pub const MAX_LISTED_TOOLS: usize = 5;

/// Which kind of descriptor a gap item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// A rated skill or knowledge area: the level matters.
    Rated,
    /// A work activity or listed skill: done or not.
    Activity,
    /// A tool or technology.
    Tool,
}

/// One thing the target needs that the source lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapItem {
    /// The skill, knowledge area, activity or tool.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// What kind of descriptor it is.
    pub kind: GapKind,
    /// How much it matters to the target, 0–1.
    pub importance: f32,
    /// The level the source has, if any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u8>))]
    pub have: Option<Proficiency>,
    /// The level the target needs.
    #[cfg_attr(feature = "openapi", schema(value_type = u8))]
    pub need: Proficiency,
}

/// What a target needs that a source lacks, most important first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillGap {
    /// The target occupation.
    pub target: String,
    /// The missing skills and levels (at most the limit asked for), most important first.
    pub missing: Vec<GapItem>,
    /// How many items are missing in all (before the limit).
    pub missing_total: usize,
    /// Skills the source brings that the target needs at the source's level or below,
    /// most important first (at most the limit).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub carried_over: Vec<SkillId>,
    /// Share of the target's weighted needs the source lacks (0–1), as in the score.
    pub gap_share: f32,
    /// How many of the missing items are tools or technologies (at most
    /// [`MAX_LISTED_TOOLS`] of them are listed in `missing`).
    pub tools_missing: usize,
    /// When the taxonomy rates no skills of the target: the rated occupation nearest to it by
    /// its work, whose rated skills stand in for the target's.
    pub rated_from: Option<String>,
}

impl SkillGap {
    /// The gap as needs for the learning-path planner (tools left out unless nothing else is
    /// missing: a plan is about skills, not software licences).
    pub fn needs(&self) -> Vec<Need> {
        let core: Vec<&GapItem> = self
            .missing
            .iter()
            .filter(|g| g.kind != GapKind::Tool)
            .collect();
        let chosen: Vec<&GapItem> = if core.is_empty() {
            self.missing.iter().collect()
        } else {
            core
        };
        chosen
            .into_iter()
            .map(|g| Need {
                skill: g.skill.clone(),
                level: g.need,
                importance: g.importance,
            })
            .collect()
    }
}

/// O*NET level (0–1 of the 0–7 scale) to proficiency 1–5.
pub fn proficiency_of_level(level: f32) -> Proficiency {
    let p = (level.clamp(0.0, 1.0) * 5.0).round().clamp(1.0, 5.0) as u8;
    Proficiency::new(p).unwrap_or(Proficiency::MIN)
}

/// Proficiency 1–5 to the 0–1 level scale.
pub fn level_of_proficiency(p: Proficiency) -> f32 {
    f32::from(p.level()) / 5.0
}

impl TransitionModel {
    /// What `target` needs that `source` lacks: rated skills and knowledge the target rates
    /// important, at a level above the source's; the target's work activities (or listed
    /// skills) and tools the source does not have. `limit` bounds each list.
    pub fn gap(
        &self,
        source: &TransitionSource,
        target: &str,
        limit: usize,
    ) -> Result<SkillGap, ReskillError> {
        let o = *self
            .index
            .get(target)
            .ok_or_else(|| ReskillError::UnknownOccupation(target.to_owned()))?
            as usize;
        let stand_in = self.rated_stand_in(o);
        let rated = stand_in.unwrap_or(o);
        let gap_share = self.gap_share_with(source, o, rated);
        let d = &self.descriptors[o];
        let mut missing: Vec<(f32, GapItem)> = Vec::new();
        let mut carried: Vec<(f32, SkillId)> = Vec::new();
        for r in &self.descriptors[rated].ratings {
            if r.importance < MIN_RATED_IMPORTANCE {
                continue;
            }
            let Some(dim) = self.rated_vocabulary.get(&r.skill) else {
                continue;
            };
            let have_level = source.levels.get(dim as usize).copied().unwrap_or(0.0);
            let need = proficiency_of_level(r.level);
            let have = (have_level > 0.0).then(|| proficiency_of_level(have_level));
            if have.is_some_and(|h| h >= need) {
                carried.push((self.weights.rated * r.importance, r.skill.clone()));
            } else {
                let short = f32::from(need.level() - have.map_or(0, |h| h.level()));
                // Priority: the block's weight in the score × importance × the share of the
                // proficiency scale still to climb, so levels, activities and tools compare.
                missing.push((
                    self.weights.rated * r.importance * short / 5.0,
                    GapItem {
                        skill: r.skill.clone(),
                        kind: GapKind::Rated,
                        importance: r.importance,
                        have,
                        need,
                    },
                ));
            }
        }
        for (kind, block, items) in [
            (GapKind::Activity, &self.activities, &d.activities),
            (GapKind::Tool, &self.tools, &d.tools),
        ] {
            let own: HashSet<u32> = match kind {
                GapKind::Activity => source.activities.iter().map(|(f, _)| *f).collect(),
                _ => source.tools.iter().map(|(f, _)| *f).collect(),
            };
            // Importance within the target is the item's weight there (for activities, how
            // much of its work involves it); specificity (idf, relative to the block's most
            // specific item) only breaks ties, so that a rare side activity does not outrank
            // the work's core.
            let max_idf = block
                .idf
                .iter()
                .copied()
                .fold(0.0f32, f32::max)
                .max(f32::EPSILON);
            for (skill, w) in items {
                let Some(f) = block.vocabulary.get(skill) else {
                    continue;
                };
                let importance = w.clamp(0.0, 1.0);
                let tie = 0.01 * block.idf[f as usize] / max_idf;
                let (block_weight, level) = match kind {
                    GapKind::Tool => (self.weights.tools, TOOL_LEVEL),
                    _ => (self.weights.activities, ACTIVITY_LEVEL),
                };
                if own.contains(&f) {
                    carried.push((block_weight * importance + tie, skill.clone()));
                } else {
                    let need = Proficiency::new(level).unwrap_or(Proficiency::MIN);
                    missing.push((
                        block_weight * importance * f32::from(level) / 5.0 + tie,
                        GapItem {
                            skill: skill.clone(),
                            kind,
                            importance,
                            have: None,
                            need,
                        },
                    ));
                }
            }
        }
        missing.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.kind.cmp(&b.1.kind))
                .then(a.1.skill.cmp(&b.1.skill))
        });
        carried.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let missing_total = missing.len();
        let tools_missing = missing
            .iter()
            .filter(|(_, g)| g.kind == GapKind::Tool)
            .count();
        let mut tools_listed = 0;
        Ok(SkillGap {
            target: target.to_owned(),
            missing: missing
                .into_iter()
                .filter(|(_, g)| {
                    g.kind != GapKind::Tool || {
                        tools_listed += 1;
                        tools_listed <= MAX_LISTED_TOOLS
                    }
                })
                .take(limit)
                .map(|(_, g)| g)
                .collect(),
            missing_total,
            carried_over: carried.into_iter().take(limit).map(|(_, s)| s).collect(),
            gap_share,
            tools_missing,
            rated_from: stand_in.map(|i| self.ids[i].clone()),
        })
    }

    /// Whether `source` does `skill` (as an activity, a tool, or a rated skill at any level).
    pub fn source_has(&self, source: &TransitionSource, skill: &SkillId) -> bool {
        let in_block = |block: &crate::transitions::SetBlock, v: &[(u32, f32)]| {
            block
                .vocabulary
                .get(skill)
                .is_some_and(|f| v.binary_search_by_key(&f, |(g, _)| *g).is_ok())
        };
        in_block(&self.activities, &source.activities)
            || in_block(&self.tools, &source.tools)
            || self
                .rated_vocabulary
                .get(skill)
                .is_some_and(|d| source.levels.get(d as usize).is_some_and(|l| *l > 0.0))
    }

    /// A worker in the model's terms: the `base` occupation's descriptors (the occupation the
    /// worker has done, stated or inferred), raised by the worker's own skills. A rated skill
    /// takes the worker's level where it is higher; other skills the model knows become
    /// activities or tools. Skills the model does not know are left out (they still count in
    /// matching).
    pub fn worker_profile(
        &self,
        base: Option<&str>,
        skills: &[(SkillId, Proficiency)],
    ) -> Result<OccupationDescriptors, ReskillError> {
        let mut profile = match base {
            Some(b) => self
                .descriptors(b)
                .cloned()
                .ok_or_else(|| ReskillError::UnknownOccupation(b.to_owned()))?,
            None => OccupationDescriptors::default(),
        };
        // The profile is a worker, not the occupation: it must not be excluded as "itself".
        profile.id = String::new();
        for (skill, p) in skills {
            let level = level_of_proficiency(*p);
            if self.rated_vocabulary.get(skill).is_some() {
                match profile.ratings.iter_mut().find(|r| r.skill == *skill) {
                    Some(r) => {
                        r.level = r.level.max(level);
                        r.importance = r.importance.max(level);
                    }
                    None => profile.ratings.push(Rating {
                        skill: skill.clone(),
                        importance: level,
                        level,
                    }),
                }
            } else if self.tools.vocabulary.get(skill).is_some() {
                if !profile.tools.iter().any(|(s, _)| s == skill) {
                    profile.tools.push((skill.clone(), 1.0));
                }
            } else if !profile.activities.iter().any(|(s, _)| s == skill) {
                profile.activities.push((skill.clone(), 1.0));
            }
        }
        Ok(profile)
    }

    /// The occupations whose descriptors best explain a worker's skills, best first, with the
    /// similarity (the symmetric part of the score): the occupation a worker most likely has
    /// done, when they have not said.
    pub fn closest_occupations(
        &self,
        skills: &[(SkillId, Proficiency)],
        limit: usize,
    ) -> Result<Vec<(String, f32)>, ReskillError> {
        let profile = self.worker_profile(None, skills)?;
        let source = self.source_of_profile(&profile);
        let w = self.weights;
        let mut scored: Vec<(f32, usize)> = self
            .score_all(&source)
            .iter()
            .enumerate()
            .map(|(o, p)| {
                (
                    w.rated * p.rated.max(0.0) + w.activities * p.activities + w.tools * p.tools,
                    o,
                )
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(scored
            .into_iter()
            .take(limit)
            .map(|(s, o)| (self.ids[o].clone(), s))
            .collect())
    }
}

/// Share of an open task's required weight an occupation (or a learner) must cover to count as
/// able to take it on: for demand, and for bridge work a learner can already do.
pub const ABLE_SHARE: f32 = 0.7;

impl TransitionModel {
    /// For each of `targets`, how many of `tasks` (each given by its required skills and their
    /// weights) the occupation could take on: its descriptors (important rated skills,
    /// activities, tools) cover at least `share` of the task's required weight. Unknown targets
    /// count 0.
    pub fn demand(
        &self,
        targets: &[&str],
        tasks: &[Vec<(SkillId, f32)>],
        share: f32,
    ) -> Vec<usize> {
        targets
            .iter()
            .map(|t| {
                let Some(d) = self.descriptors(t) else {
                    return 0;
                };
                let has: HashSet<&SkillId> = d
                    .ratings
                    .iter()
                    .filter(|r| r.importance >= MIN_RATED_IMPORTANCE)
                    .map(|r| &r.skill)
                    .chain(d.activities.iter().map(|(s, _)| s))
                    .chain(d.tools.iter().map(|(s, _)| s))
                    .collect();
                tasks
                    .iter()
                    .filter(|required| {
                        let total: f32 = required.iter().map(|(_, w)| w.max(0.0)).sum();
                        let covered: f32 = required
                            .iter()
                            .filter(|(s, _)| has.contains(s))
                            .map(|(_, w)| w.max(0.0))
                            .sum();
                        total > 0.0 && covered >= share * total
                    })
                    .count()
            })
            .collect()
    }
}

/// Of an occupation's tasks (id and linked skills), those whose linked skills `has` all
/// (tasks with no linked skill are left out: nothing says what they need).
pub fn tasks_covered<T>(
    tasks: &[(T, Vec<SkillId>)],
    mut has: impl FnMut(&SkillId) -> bool,
) -> Vec<&T> {
    tasks
        .iter()
        .filter(|(_, skills)| !skills.is_empty() && skills.iter().all(&mut has))
        .map(|(t, _)| t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transitions::TransitionWeights;

    fn id(s: &str) -> SkillId {
        SkillId::parse(s).unwrap()
    }

    fn rating(s: &str, importance: f32, level: f32) -> Rating {
        Rating {
            skill: id(s),
            importance,
            level,
        }
    }

    /// Three occupations: a helper, a specialist who needs what the helper does and more, at
    /// higher levels, and an unrelated office job.
    fn model() -> TransitionModel {
        let helper = OccupationDescriptors {
            id: "helper".into(),
            job_zone: Some(2),
            ratings: vec![
                rating("t:s/repair", 0.6, 0.3),
                rating("t:s/monitor", 0.7, 0.4),
                rating("t:s/write", 0.1, 0.1),
            ],
            activities: vec![(id("t:a/fix"), 1.0), (id("t:a/clean"), 1.0)],
            tools: vec![(id("t:t/wrench"), 1.0)],
            ..Default::default()
        };
        let specialist = OccupationDescriptors {
            id: "specialist".into(),
            job_zone: Some(4),
            ratings: vec![
                rating("t:s/repair", 0.9, 0.8),
                rating("t:s/monitor", 0.8, 0.6),
                rating("t:s/write", 0.3, 0.2),
            ],
            activities: vec![
                (id("t:a/fix"), 1.0),
                (id("t:a/diagnose"), 1.0),
                (id("t:a/plan"), 1.0),
            ],
            tools: vec![(id("t:t/wrench"), 1.0), (id("t:t/scope"), 1.0)],
            ..Default::default()
        };
        let clerk = OccupationDescriptors {
            id: "clerk".into(),
            job_zone: Some(2),
            ratings: vec![
                rating("t:s/repair", 0.0, 0.0),
                rating("t:s/monitor", 0.3, 0.2),
                rating("t:s/write", 0.9, 0.6),
            ],
            activities: vec![(id("t:a/file"), 1.0)],
            ..Default::default()
        };
        TransitionModel::new(vec![helper, specialist, clerk]).unwrap()
    }

    #[test]
    fn nearest_is_related_and_never_itself() {
        let m = model();
        let ranked = m.rank_from("helper", 10).unwrap();
        assert_eq!(ranked.len(), 2);
        assert_eq!(ranked[0].occupation, "specialist");
        assert!(ranked[0].score > ranked[1].score);
        let score = ranked[0].parts.score(m.weights());
        assert!((score - ranked[0].score).abs() < 1e-6);
    }

    #[test]
    fn moving_up_costs_more_than_moving_down() {
        let m = model();
        let up = m
            .parts(&m.source_of_occupation("helper").unwrap(), "specialist")
            .unwrap();
        let down = m
            .parts(&m.source_of_occupation("specialist").unwrap(), "helper")
            .unwrap();
        assert!(
            (up.rated - down.rated).abs() < 1e-6,
            "the cosine is symmetric"
        );
        assert!(up.gap > down.gap, "{up:?} vs {down:?}");
        assert_eq!((up.job_zone_up, down.job_zone_up), (2, 0));
        assert!(up.score(m.weights()) < down.score(m.weights()));
        // Without the asymmetric parts the two directions score the same.
        let symmetric = TransitionWeights {
            gap: 0.0,
            job_zone_up: 0.0,
            ..TransitionWeights::default()
        };
        assert!((up.score(&symmetric) - down.score(&symmetric)).abs() < 1e-5);
    }

    #[test]
    fn an_unrated_target_borrows_the_levels_of_the_nearest_rated_work_and_tools_are_grouped() {
        // A developer the taxonomy rates no skills of, whose work is close to the specialist's
        // and far from the clerk's, using many tools.
        let mut occupations: Vec<OccupationDescriptors> = ["helper", "specialist", "clerk"]
            .iter()
            .map(|o| model().descriptors(o).unwrap().clone())
            .collect();
        let mut tools = vec![(id("t:t/scope"), 1.0)];
        tools.extend((0..30).map(|i| (id(&format!("t:t/tool{i:02}")), 0.5)));
        occupations.push(OccupationDescriptors {
            id: "developer".into(),
            job_zone: Some(4),
            activities: vec![(id("t:a/diagnose"), 1.0), (id("t:a/plan"), 1.0)],
            tools,
            ..Default::default()
        });
        let m = TransitionModel::new(occupations).unwrap();
        let source = m.source_of_occupation("helper").unwrap();
        let gap = m.gap(&source, "developer", 50).unwrap();
        assert_eq!(gap.rated_from.as_deref(), Some("specialist"));
        let repair = gap.missing.iter().find(|g| g.skill == id("t:s/repair"));
        assert_eq!(
            repair.map(|g| (g.kind, g.need.level())),
            Some((GapKind::Rated, 4)),
            "the specialist's levels stand in: {gap:?}"
        );
        assert!(gap.gap_share < 1.0, "{}", gap.gap_share);
        let listed_tools = gap
            .missing
            .iter()
            .filter(|g| g.kind == GapKind::Tool)
            .count();
        assert_eq!(listed_tools, MAX_LISTED_TOOLS);
        assert_eq!(gap.tools_missing, 31);
        assert_eq!(
            gap.missing.first().map(|g| g.kind),
            Some(GapKind::Rated),
            "skills before software"
        );
        assert!(
            gap.missing.iter().any(|g| g.skill == id("t:t/scope")),
            "the most used tool is listed"
        );
        // A rated target needs no stand-in.
        let rated = m.gap(&source, "specialist", 50).unwrap();
        assert_eq!(rated.rated_from, None);
    }

    #[test]
    fn gap_names_missing_levels_activities_and_tools() {
        let m = model();
        let gap = m
            .gap(&m.source_of_occupation("helper").unwrap(), "specialist", 20)
            .unwrap();
        let find = |s: &str| gap.missing.iter().find(|g| g.skill == id(s));
        let repair = find("t:s/repair").unwrap();
        assert_eq!(repair.kind, GapKind::Rated);
        assert_eq!(
            (repair.have.map(|p| p.level()), repair.need.level()),
            (Some(2), 4)
        );
        assert!(find("t:a/diagnose").is_some() && find("t:a/plan").is_some());
        assert_eq!(find("t:t/scope").map(|g| g.kind), Some(GapKind::Tool));
        assert!(find("t:a/fix").is_none(), "the helper already fixes things");
        assert!(
            find("t:s/write").is_none(),
            "writing is not important to the specialist"
        );
        assert!(gap.carried_over.contains(&id("t:a/fix")));
        assert_eq!(gap.missing_total, gap.missing.len());
        let source = m.source_of_occupation("helper").unwrap();
        let scored = m.parts(&source, "specialist").unwrap().gap;
        assert!(
            (gap.gap_share - scored).abs() < 1e-6,
            "{} vs {scored}",
            gap.gap_share
        );
        // The planner gets the skills, not the tools.
        assert!(gap.needs().iter().all(|n| n.skill != id("t:t/scope")));
        // Moving down leaves little to learn.
        let down = m
            .gap(&m.source_of_occupation("specialist").unwrap(), "helper", 20)
            .unwrap();
        assert!(
            down.missing.iter().all(|g| g.kind != GapKind::Rated),
            "{down:?}"
        );
    }

    #[test]
    fn workers_are_described_in_the_model_terms() {
        let m = model();
        let p = |n| Proficiency::new(n).unwrap();
        let skills = [(id("t:a/fix"), p(4)), (id("t:t/wrench"), p(3))];
        let closest = m.closest_occupations(&skills, 3).unwrap();
        assert_eq!(closest[0].0, "helper");
        let profile = m
            .worker_profile(Some("helper"), &[(id("t:s/repair"), p(5))])
            .unwrap();
        let source = m.source_of_profile(&profile);
        assert!(
            source.occupation.is_none(),
            "a worker is not the occupation"
        );
        let gap = m.gap(&source, "specialist", 20).unwrap();
        assert!(gap.missing.iter().all(|g| g.skill != id("t:s/repair")));
        assert!(m.source_has(&source, &id("t:a/clean")));
        assert!(!m.source_has(&source, &id("t:a/diagnose")));
        let tasks = vec![
            ("clean up", vec![id("t:a/clean")]),
            ("diagnose", vec![id("t:a/diagnose"), id("t:a/fix")]),
            ("unknown", vec![]),
        ];
        let covered = tasks_covered(&tasks, |s| m.source_has(&source, s));
        assert_eq!(covered, vec![&"clean up"]);
        let open = vec![
            vec![(id("t:a/diagnose"), 1.0), (id("t:t/scope"), 1.0)],
            vec![(id("t:a/file"), 1.0)],
            vec![(id("t:a/diagnose"), 1.0), (id("t:a/file"), 3.0)],
        ];
        assert_eq!(
            m.demand(&["specialist", "clerk", "nobody"], &open, 0.5),
            vec![1, 2, 0]
        );
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let m = model();
        assert!(matches!(
            m.rank_from("nobody", 5),
            Err(ReskillError::UnknownOccupation(_))
        ));
        assert!(
            m.gap(&m.source_of_occupation("helper").unwrap(), "nobody", 5)
                .is_err()
        );
        assert!(m.worker_profile(Some("nobody"), &[]).is_err());
        assert!(matches!(
            TransitionModel::new(Vec::new()),
            Err(ReskillError::Empty(_))
        ));
        let twice = vec![
            OccupationDescriptors {
                id: "a".into(),
                ..Default::default()
            },
            OccupationDescriptors {
                id: "a".into(),
                ..Default::default()
            },
        ];
        assert!(TransitionModel::new(twice).is_err());
        // NaN and out-of-range numbers are clamped, not propagated.
        let odd = OccupationDescriptors {
            id: "odd".into(),
            ratings: vec![rating("t:s/repair", f32::NAN, 9.0)],
            activities: vec![(id("t:a/fix"), f32::INFINITY)],
            ..Default::default()
        };
        let m = TransitionModel::new(vec![
            odd,
            OccupationDescriptors {
                id: "b".into(),
                ..Default::default()
            },
        ])
        .unwrap();
        let ranked = m.rank_from("odd", 5).unwrap();
        assert!(ranked.iter().all(|t| t.score.is_finite()));
        assert!(m.rank_from("odd", 0).unwrap().is_empty());
    }
}
