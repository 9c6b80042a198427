//! A project in the platform's terms (taxonomy skill ids, a currency, weeks) turned into the
//! team engine's terms (skill numbers, candidates with hours and rates), for the API and the
//! command line alike.

use guild_taxonomy::SkillId;
use serde::Deserialize;

use super::{SkillNeed, TeamCandidate, TeamRequest};
use crate::MatchError;
use crate::model::{Currency, Worker};
use crate::similarity::SkillVocabulary;

/// One piece of a project's work.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectNeed {
    /// The skill.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// Hours of work (given whole to one member).
    pub hours: f64,
    /// Lowest acceptable proficiency, 1–5 (default 1).
    #[serde(default = "one_level")]
    pub min_proficiency: u8,
}

fn one_level() -> u8 {
    1
}

fn one_week() -> f64 {
    1.0
}

fn two_hours() -> f64 {
    2.0
}

/// A project to staff.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The work: skills with hours.
    pub needs: Vec<ProjectNeed>,
    /// Currency of the rates and budget; workers who ask in another currency are not considered.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "EUR"))]
    pub currency: Currency,
    /// Most the team may cost, in minor units of `currency`.
    #[serde(default)]
    pub budget: Option<i64>,
    /// The project's time zone, minutes east of UTC.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// Hours each member's 09–17 workday must share with the project's (0–8, default 0).
    #[serde(default)]
    pub min_overlap_hours: f64,
    /// Weeks the project runs: a member can give hours a week × weeks (default 1).
    #[serde(default = "one_week")]
    pub weeks: f64,
    /// Coordination hours every member costs (default 2).
    #[serde(default = "two_hours")]
    pub member_overhead_hours: f64,
    /// Largest team allowed.
    #[serde(default)]
    pub max_members: Option<usize>,
}

impl Project {
    /// The engine's request and candidates: every worker who states a rate in the project's
    /// currency, with hours a week × weeks to give. Unknown skills and out-of-range numbers are
    /// refused with the field named.
    pub fn resolve(
        &self,
        vocabulary: &SkillVocabulary,
        workers: &[Worker],
    ) -> Result<(TeamRequest, Vec<TeamCandidate>), MatchError> {
        if self.needs.is_empty() || self.needs.len() > super::MAX_NEEDS {
            return Err(MatchError::Invalid(format!(
                "needs: give 1 to {} needs",
                super::MAX_NEEDS
            )));
        }
        if !(self.weeks.is_finite() && self.weeks > 0.0 && self.weeks <= 520.0) {
            return Err(MatchError::Invalid(
                "weeks: must be above 0 and at most 520".to_owned(),
            ));
        }
        let mut needs = Vec::with_capacity(self.needs.len());
        for (i, n) in self.needs.iter().enumerate() {
            let skill = vocabulary.get(&n.skill).ok_or_else(|| {
                MatchError::Invalid(format!("needs[{i}].skill: unknown skill {}", n.skill))
            })?;
            needs.push(SkillNeed {
                skill,
                hours: n.hours,
                min_proficiency: n.min_proficiency,
            });
        }
        let candidates = candidates(workers, self.currency, self.weeks, vocabulary);
        Ok((
            TeamRequest {
                needs,
                utc_offset_minutes: self.utc_offset_minutes,
                min_overlap_hours: self.min_overlap_hours,
                budget: self.budget,
                member_overhead_hours: self.member_overhead_hours,
                max_members: self.max_members,
            },
            candidates,
        ))
    }
}

/// The team engine's candidates for `workers`: those who state a rate in `currency`, with their
/// hours a week × `weeks` to give and their skills numbered by `vocabulary` (skills it lacks are
/// left out).
pub fn candidates(
    workers: &[Worker],
    currency: Currency,
    weeks: f64,
    vocabulary: &SkillVocabulary,
) -> Vec<TeamCandidate> {
    workers
        .iter()
        .filter_map(|w| {
            let rate = w.rate.filter(|r| r.currency == currency)?;
            Some(TeamCandidate {
                worker: w.id.0 as u64,
                hourly_rate: rate.minor,
                hours_available: f64::from(w.hours_per_week) * weeks,
                utc_offset_minutes: w.utc_offset_minutes,
                skills: w
                    .skills
                    .iter()
                    .filter_map(|s| {
                        vocabulary
                            .get(&s.skill)
                            .map(|ix| (ix, s.proficiency.level()))
                    })
                    .collect(),
            })
        })
        .collect()
}
