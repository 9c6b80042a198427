//! Trainers: workers who offer to teach a skill, matched to a learner by skill, language and
//! time zone.
//!
//! # Who may train
//! An offer is considered only when all of these hold (otherwise it is excluded, and
//! [`explain`] says which failed, see [`TrainerExclusion`]):
//!
//! - it is an offer to teach the skill the learner needs;
//! - the trainer's profile holds that skill at proficiency [`MIN_TRAINER_LEVEL`] (4) or more;
//! - the trainer is above the level the learner wants (a trainer at 5, the top, may teach to 5);
//! - trainer and learner share a language (a learner who lists none is not held to this);
//! - the trainer is not the learner.
//!
//! # The score
//! Three parts, each from 0 to 1, weighted and summed to a score from 0 to 100:
//!
//! | part | weight | value |
//! |---|---|---|
//! | proficiency | [`W_PROFICIENCY`] | (trainer's level − 3) / 2: ½ at 4, 1 at 5 |
//! | language | [`W_LANGUAGE`] | 1 when the trainer speaks the learner's first language, ½ for another shared language (or when the learner lists none) |
//! | time zone | [`W_TIME_ZONE`] | shared hours of the two 09–17 workdays / 8 (see [`guild_matching::zone`]) |
//!
//! Ties are broken by worker id, so a ranking is deterministic.

use guild_matching::zone::{WORKDAY_MINUTES, workday_overlap_hours};
use guild_matching::{Money, Proficiency, WorkerId};
use guild_taxonomy::SkillId;
use serde::{Deserialize, Serialize};

use crate::ReskillError;

/// The longest note on a teaching offer, in characters.
pub const MAX_TEACHING_NOTE: usize = 2000;

/// The lowest proficiency at which a worker may teach a skill.
pub const MIN_TRAINER_LEVEL: u8 = 4;
/// Weight of the trainer's proficiency.
pub const W_PROFICIENCY: f32 = 0.35;
/// Weight of the shared language.
pub const W_LANGUAGE: f32 = 0.25;
/// Weight of the overlap of working hours.
pub const W_TIME_ZONE: f32 = 0.40;

/// A worker's offer to teach a skill, with the facts about the worker that decide the match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainerOffer {
    /// The trainer's worker profile.
    pub worker: WorkerId,
    /// Their name.
    pub name: String,
    /// The skill offered.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// The trainer's proficiency in it, from their profile; `None` when the profile no longer
    /// holds the skill.
    pub proficiency: Option<Proficiency>,
    /// Languages the trainer speaks (ISO 639 codes).
    pub languages: Vec<String>,
    /// The trainer's time zone, minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// Hourly rate asked for teaching (`None`: not stated).
    pub rate: Option<Money>,
    /// Whether the trainer teaches remotely (otherwise in person only).
    pub remote: bool,
    /// The trainer's own words about the offer.
    #[serde(default)]
    pub note: String,
}

/// Who wants to learn: the skill, the level wanted, languages and time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Learner {
    /// The learner's worker profile, when they have one (a trainer never trains themselves).
    #[serde(default)]
    pub worker: Option<WorkerId>,
    /// The skill needed.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// The level wanted, 1–5.
    pub level: Proficiency,
    /// Languages the learner speaks, preferred first (ISO 639 codes).
    pub languages: Vec<String>,
    /// The learner's time zone, minutes east of UTC.
    pub utc_offset_minutes: i32,
}

impl Learner {
    /// Checks the languages (lower-case ISO 639 codes, at most 20) and the UTC offset
    /// (−12:00 to +14:00).
    pub fn validate(&self) -> Result<(), ReskillError> {
        if !(-12 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return Err(ReskillError::Invalid(format!(
                "a UTC offset must be between -12:00 and +14:00, not {} minutes",
                self.utc_offset_minutes
            )));
        }
        if self.languages.len() > 20 {
            return Err(ReskillError::Invalid(
                "list at most 20 languages".to_owned(),
            ));
        }
        for l in &self.languages {
            if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(ReskillError::Invalid(format!(
                    "a language is a lower-case ISO 639 code such as \"en\" or \"nl\", not {l:?}"
                )));
            }
        }
        Ok(())
    }
}

/// The parts of a trainer's score, each 0–1 before weighting.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainerParts {
    /// The trainer's proficiency: (level − 3) / 2.
    pub proficiency: f32,
    /// 1: the learner's first language; ½: another shared language.
    pub language: f32,
    /// Shared working hours / 8.
    pub time_zone: f32,
}

impl TrainerParts {
    /// The weighted sum, 0–100.
    pub fn total(&self) -> f32 {
        100.0
            * (W_PROFICIENCY * self.proficiency
                + W_LANGUAGE * self.language
                + W_TIME_ZONE * self.time_zone)
    }
}

/// A trainer matched to a learner, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainerMatch {
    /// The trainer's worker profile.
    pub worker: WorkerId,
    /// Their name.
    pub name: String,
    /// The skill taught.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub skill: SkillId,
    /// The score, 0–100 (= `parts.total()`).
    pub score: f32,
    /// The parts of the score.
    pub parts: TrainerParts,
    /// The trainer's proficiency in the skill.
    pub proficiency: u8,
    /// Languages both speak, in the learner's order.
    pub shared_languages: Vec<String>,
    /// Hours of the two working days that overlap.
    pub overlap_hours: f32,
    /// Hourly rate asked (`None`: not stated).
    pub rate: Option<Money>,
    /// Whether the trainer teaches remotely.
    pub remote: bool,
    /// The trainer's own words about the offer.
    pub note: String,
    /// Plain-language remarks (in person only, no shared working hours, …).
    pub notes: Vec<String>,
}

/// Why a trainer cannot teach this learner.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum TrainerExclusion {
    /// The offer is for another skill.
    OtherSkill {
        /// The skill offered.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        offered: SkillId,
    },
    /// The trainer's profile no longer holds the skill.
    NotHeld,
    /// The trainer holds the skill below [`MIN_TRAINER_LEVEL`].
    NotExpert {
        /// The trainer's level.
        proficiency: u8,
        /// The level a trainer needs.
        needed: u8,
    },
    /// The trainer is not above the level the learner wants.
    NotAboveLearner {
        /// The trainer's level.
        proficiency: u8,
        /// The level the learner wants.
        wanted: u8,
    },
    /// Trainer and learner share no language.
    Language {
        /// The trainer's languages.
        trainer: Vec<String>,
        /// The learner's languages.
        learner: Vec<String>,
    },
    /// The trainer is the learner.
    SameWorker,
}

impl std::fmt::Display for TrainerExclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrainerExclusion::OtherSkill { offered } => {
                write!(f, "the offer is to teach {offered}, another skill")
            }
            TrainerExclusion::NotHeld => {
                f.write_str("the trainer's profile no longer lists the skill")
            }
            TrainerExclusion::NotExpert {
                proficiency,
                needed,
            } => write!(
                f,
                "the trainer holds the skill at {proficiency}; teaching needs {needed} or more"
            ),
            TrainerExclusion::NotAboveLearner {
                proficiency,
                wanted,
            } => write!(
                f,
                "the trainer holds the skill at {proficiency}, not above the level {wanted} wanted"
            ),
            TrainerExclusion::Language { trainer, learner } => write!(
                f,
                "no shared language (the trainer speaks {}, the learner {})",
                list(trainer),
                list(learner)
            ),
            TrainerExclusion::SameWorker => f.write_str("the trainer is the learner"),
        }
    }
}

fn list(languages: &[String]) -> String {
    if languages.is_empty() {
        "none listed".to_owned()
    } else {
        languages.join(", ")
    }
}

/// A trainer left out of a ranking, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExcludedTrainer {
    /// The trainer's worker profile.
    pub worker: WorkerId,
    /// Their name.
    pub name: String,
    /// The constraint that fails.
    pub excluded: TrainerExclusion,
    /// The same in words.
    pub detail: String,
}

/// Trainers for one learner: those who fit, best first, and those who do not, with why.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainerRanking {
    /// Trainers who fit, best first.
    pub matches: Vec<TrainerMatch>,
    /// Trainers who do not fit, in the order of the offers.
    pub excluded: Vec<ExcludedTrainer>,
}

/// Whether worker `worker`, holding `skill` at `proficiency` (`None`: not on the profile),
/// may offer to teach it with `note`: at [`MIN_TRAINER_LEVEL`] or more, and a note of at most
/// [`MAX_TEACHING_NOTE`] characters.
pub fn may_offer(
    worker: impl std::fmt::Display,
    skill: &SkillId,
    proficiency: Option<i64>,
    note: &str,
) -> Result<(), ReskillError> {
    if note.chars().count() > MAX_TEACHING_NOTE {
        return Err(ReskillError::Invalid(format!(
            "a teaching note has at most {MAX_TEACHING_NOTE} characters"
        )));
    }
    match proficiency {
        Some(p) if p >= i64::from(MIN_TRAINER_LEVEL) => Ok(()),
        Some(p) => Err(ReskillError::Invalid(format!(
            "worker {worker} holds {skill} at proficiency {p}; teaching it needs {MIN_TRAINER_LEVEL} or more"
        ))),
        None => Err(ReskillError::Invalid(format!(
            "worker {worker}'s profile does not list {skill}: add it at proficiency {MIN_TRAINER_LEVEL} or more first"
        ))),
    }
}

/// Scores one offer for a learner, or says which constraint excludes it.
pub fn explain(learner: &Learner, offer: &TrainerOffer) -> Result<TrainerMatch, TrainerExclusion> {
    if offer.skill != learner.skill {
        return Err(TrainerExclusion::OtherSkill {
            offered: offer.skill.clone(),
        });
    }
    if learner.worker.is_some_and(|w| w == offer.worker) {
        return Err(TrainerExclusion::SameWorker);
    }
    let level = offer.proficiency.ok_or(TrainerExclusion::NotHeld)?.level();
    if level < MIN_TRAINER_LEVEL {
        return Err(TrainerExclusion::NotExpert {
            proficiency: level,
            needed: MIN_TRAINER_LEVEL,
        });
    }
    let wanted = learner.level.level();
    if level <= wanted && level < 5 {
        return Err(TrainerExclusion::NotAboveLearner {
            proficiency: level,
            wanted,
        });
    }
    let shared: Vec<String> = learner
        .languages
        .iter()
        .filter(|l| offer.languages.contains(l))
        .cloned()
        .collect();
    let mut notes = Vec::new();
    let language = if learner.languages.is_empty() {
        notes.push(
            "the learner lists no language: check that you can understand each other".to_owned(),
        );
        0.5
    } else if shared.is_empty() {
        return Err(TrainerExclusion::Language {
            trainer: offer.languages.clone(),
            learner: learner.languages.clone(),
        });
    } else if shared[0] == learner.languages[0] {
        1.0
    } else {
        notes.push(format!(
            "teaches in {}, not the learner's first language {}",
            shared[0], learner.languages[0]
        ));
        0.5
    };
    let overlap = workday_overlap_hours(offer.utc_offset_minutes, learner.utc_offset_minutes);
    if overlap <= 0.0 {
        notes.push("no shared working hours: sessions fall outside one side's 09–17".to_owned());
    }
    if !offer.remote {
        notes.push("teaches in person only".to_owned());
    }
    if level == wanted {
        notes.push(format!(
            "the trainer is at the top level, {level}, which is the level wanted"
        ));
    }
    let parts = TrainerParts {
        proficiency: f32::from(level - 3) / 2.0,
        language,
        time_zone: (overlap * 60.0 / f64::from(WORKDAY_MINUTES)) as f32,
    };
    Ok(TrainerMatch {
        worker: offer.worker,
        name: offer.name.clone(),
        skill: offer.skill.clone(),
        score: parts.total(),
        parts,
        proficiency: level,
        shared_languages: shared,
        overlap_hours: overlap as f32,
        rate: offer.rate,
        remote: offer.remote,
        note: offer.note.clone(),
        notes,
    })
}

/// Ranks offers for a learner: at most `k` who fit, best first (ties by worker id), and every
/// offer that does not fit, with why.
pub fn rank(learner: &Learner, offers: &[TrainerOffer], k: usize) -> TrainerRanking {
    let mut ranking = TrainerRanking::default();
    for offer in offers {
        match explain(learner, offer) {
            Ok(m) => ranking.matches.push(m),
            Err(excluded) => ranking.excluded.push(ExcludedTrainer {
                worker: offer.worker,
                name: offer.name.clone(),
                detail: excluded.to_string(),
                excluded,
            }),
        }
    }
    ranking
        .matches
        .sort_by(|a, b| b.score.total_cmp(&a.score).then(a.worker.cmp(&b.worker)));
    ranking.matches.truncate(k);
    ranking
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(s: &str) -> SkillId {
        SkillId::parse(s).unwrap()
    }

    fn offer(worker: i64, level: Option<u8>, languages: &[&str], offset: i32) -> TrainerOffer {
        TrainerOffer {
            worker: WorkerId(worker),
            name: format!("T{worker}"),
            skill: skill("guild:skill/operate-lathe"),
            proficiency: level.map(|l| Proficiency::new(l).unwrap()),
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
            utc_offset_minutes: offset,
            rate: None,
            remote: true,
            note: String::new(),
        }
    }

    fn learner(level: u8, languages: &[&str], offset: i32) -> Learner {
        Learner {
            worker: Some(WorkerId(100)),
            skill: skill("guild:skill/operate-lathe"),
            level: Proficiency::new(level).unwrap(),
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
            utc_offset_minutes: offset,
        }
    }

    #[test]
    fn the_score_is_its_documented_parts() {
        let m = explain(
            &learner(3, &["nl", "en"], 60),
            &offer(1, Some(5), &["en"], -240),
        )
        .unwrap();
        // Proficiency 5 → 1; English is shared but not the first language → ½; UTC+1 and
        // UTC−4 share 3 hours of 8.
        assert_eq!(m.parts.proficiency, 1.0);
        assert_eq!(m.parts.language, 0.5);
        assert_eq!(m.overlap_hours, 3.0);
        assert!((m.parts.time_zone - 3.0 / 8.0).abs() < 1e-6);
        let expected = 100.0 * (W_PROFICIENCY + W_LANGUAGE * 0.5 + W_TIME_ZONE * 3.0 / 8.0);
        assert!((m.score - expected).abs() < 1e-4, "{m:?}");
        assert_eq!(m.shared_languages, vec!["en".to_owned()]);
        assert!(
            m.notes.iter().any(|n| n.contains("first language")),
            "{m:?}"
        );
    }

    #[test]
    fn language_and_time_zone_decide_between_equal_experts() {
        let l = learner(2, &["nl", "en"], 60);
        let offers = [
            offer(1, Some(4), &["en"], 60),   // same zone, second language
            offer(2, Some(4), &["nl"], 60),   // same zone, first language
            offer(3, Some(4), &["nl"], -300), // first language, 6 hours behind
            offer(4, Some(5), &["fr"], 60),   // the best expert, no shared language
            offer(5, Some(3), &["nl"], 60),   // not an expert
            offer(6, None, &["nl"], 60),      // no longer holds the skill
            offer(100, Some(5), &["nl"], 60), // the learner themselves
        ];
        let r = rank(&l, &offers, 10);
        let order: Vec<i64> = r.matches.iter().map(|m| m.worker.0).collect();
        assert_eq!(order, vec![2, 1, 3], "{r:?}");
        let why: Vec<(i64, &TrainerExclusion)> = r
            .excluded
            .iter()
            .map(|e| (e.worker.0, &e.excluded))
            .collect();
        assert!(
            matches!(why[0], (4, TrainerExclusion::Language { .. })),
            "{why:?}"
        );
        assert!(matches!(
            why[1],
            (
                5,
                TrainerExclusion::NotExpert {
                    proficiency: 3,
                    needed: 4
                }
            )
        ));
        assert!(matches!(why[2], (6, TrainerExclusion::NotHeld)));
        assert!(matches!(why[3], (100, TrainerExclusion::SameWorker)));
        assert!(r.excluded[0].detail.contains("no shared language"), "{r:?}");
        // k bounds the matches, not the exclusions.
        let r = rank(&l, &offers, 1);
        assert_eq!(r.matches.len(), 1);
        assert_eq!(r.excluded.len(), 4);
    }

    #[test]
    fn a_trainer_must_be_above_the_level_wanted() {
        let o4 = offer(1, Some(4), &["en"], 0);
        let o5 = offer(2, Some(5), &["en"], 0);
        assert_eq!(
            explain(&learner(4, &["en"], 0), &o4),
            Err(TrainerExclusion::NotAboveLearner {
                proficiency: 4,
                wanted: 4
            })
        );
        assert!(explain(&learner(4, &["en"], 0), &o5).is_ok());
        // Nobody is above the top: an expert may teach to it.
        let m = explain(&learner(5, &["en"], 0), &o5).unwrap();
        assert!(m.notes.iter().any(|n| n.contains("top level")), "{m:?}");
        assert!(explain(&learner(5, &["en"], 0), &o4).is_err());
    }

    #[test]
    fn other_skills_and_no_languages_are_explained() {
        let mut o = offer(1, Some(5), &["en"], 0);
        o.skill = skill("guild:skill/weld");
        assert!(matches!(
            explain(&learner(2, &["en"], 0), &o),
            Err(TrainerExclusion::OtherSkill { .. })
        ));
        // A learner who lists no language is not held to one.
        let m = explain(&learner(2, &[], 0), &offer(1, Some(5), &["en"], 0)).unwrap();
        assert_eq!(m.parts.language, 0.5);
        let e = explain(&learner(2, &["en"], 0), &offer(1, Some(5), &[], 0)).unwrap_err();
        assert!(e.to_string().contains("none listed"), "{e}");
        let mut in_person = offer(1, Some(5), &["en"], 0);
        in_person.remote = false;
        let m = explain(&learner(2, &["en"], 0), &in_person).unwrap();
        assert!(m.notes.iter().any(|n| n.contains("in person")));
    }

    #[test]
    fn learners_are_validated() {
        assert!(learner(2, &["en"], 60).validate().is_ok());
        assert!(learner(2, &["English"], 60).validate().is_err());
        assert!(learner(2, &["en"], 15 * 60).validate().is_err());
    }

    #[test]
    fn scores_stay_within_0_and_100() {
        for level in 4..=5 {
            for offset in (-720..=840).step_by(90) {
                let m = explain(
                    &learner(3, &["en"], 0),
                    &offer(1, Some(level), &["en"], offset),
                )
                .unwrap();
                assert!((0.0..=100.0).contains(&m.score), "{m:?}");
                assert!((m.score - m.parts.total()).abs() < 1e-6);
            }
        }
    }
}
