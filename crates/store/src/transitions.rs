//! What the reskilling engine reads: occupations' descriptors (ratings, interests, work
//! activities, tools), and what a transition's target is like (remote-ability, AI exposure, tasks).

use std::collections::HashMap;

use guild_reskilling::{OccupationDescriptors, Rating};
use guild_taxonomy::{SkillId, Source};
use serde::Serialize;

use crate::sql::Value;
use crate::{Store, StoreError};

/// What a target occupation is like, for showing beside a transition.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationOutlook {
    /// The occupation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its job zone (1–5), where known.
    pub job_zone: Option<u8>,
    /// Share of its tasks that need no presence on site (0–1), where its tasks say.
    pub remote_share: Option<f64>,
    /// Tasks whose presence on site is known.
    pub tasks_known: usize,
    /// Mean AI exposure of its tasks (0–1), or the occupation's own score where no task has one.
    pub ai_exposure: Option<f64>,
    /// Where `ai_exposure` comes from.
    pub ai_exposure_basis: Option<String>,
}

/// A task statement of an occupation with the skills and work activities linked to it.
#[derive(Debug, Clone, Serialize)]
pub struct OccupationTask {
    /// The task's id.
    pub id: String,
    /// What it says.
    pub statement: String,
    /// Linked skills and work activities.
    pub skills: Vec<SkillId>,
}

/// Normalising O*NET's scales: importance 1–5, level 0–7, interests 1–7.
fn importance01(raw: f64) -> f32 {
    ((raw - 1.0) / 4.0).clamp(0.0, 1.0) as f32
}

impl Store {
    /// Every occupation of `source` with its descriptors, in id order, for the transition model.
    /// Rated skills become ratings; technology becomes tools; every other skill an occupation
    /// lists (ESCO's and the starter set's essential and optional skills), and the work
    /// activities linked to its tasks, become activities.
    pub fn transition_descriptors(
        &self,
        source: Source,
    ) -> Result<Vec<OccupationDescriptors>, StoreError> {
        let s: Value = source.as_str().into();
        self.read(|tx| {
            let mut out: Vec<OccupationDescriptors> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for r in tx.query(
                "SELECT id, job_zone FROM occupations WHERE source = $1 ORDER BY id",
                std::slice::from_ref(&s),
            )? {
                let id = r[0].text()?.to_owned();
                index.insert(id.clone(), out.len());
                out.push(OccupationDescriptors {
                    id,
                    job_zone: r[1].opt_int()?.and_then(|z| u8::try_from(z).ok()),
                    ..OccupationDescriptors::default()
                });
            }
            for r in tx.query(
                "SELECT os.occupation, os.skill, os.relevance, os.importance, os.level, os.weight, k.kind \
                 FROM occupation_skills os JOIN skills k ON k.id = os.skill \
                 WHERE os.source = $1 ORDER BY os.occupation, os.skill",
                std::slice::from_ref(&s),
            )? {
                let Some(&o) = index.get(r[0].text()?) else { continue };
                let skill = SkillId::parse(r[1].text()?)?;
                let weight = r[5].opt_real()?.unwrap_or(0.0) as f32;
                let occupation = &mut out[o];
                match (r[2].text()?, r[3].opt_real()?, r[6].text()?) {
                    ("rated", Some(importance), _) => occupation.ratings.push(Rating {
                        skill,
                        importance: importance01(importance),
                        level: r[4].opt_real()?.map_or(0.0, |l| (l / 7.0).clamp(0.0, 1.0) as f32),
                    }),
                    (_, _, "technology") => occupation.tools.push((skill, weight)),
                    _ => occupation.activities.push((skill, weight)),
                }
            }
            for r in tx.query(
                "SELECT DISTINCT t.occupation, ts.skill FROM tasks t JOIN task_skills ts ON ts.task = t.id \
                 WHERE t.source = $1 ORDER BY t.occupation, ts.skill",
                std::slice::from_ref(&s),
            )? {
                let Some(&o) = index.get(r[0].text()?) else { continue };
                let skill = SkillId::parse(r[1].text()?)?;
                let activities = &mut out[o].activities;
                // A skill the occupation lists and its tasks link counts once.
                if !activities.iter().any(|(a, _)| *a == skill) {
                    activities.push((skill, 1.0));
                }
            }
            for r in tx.query(
                "SELECT occupation, interest, value FROM occupation_interests WHERE source = $1 \
                 ORDER BY occupation, interest",
                std::slice::from_ref(&s),
            )? {
                let Some(&o) = index.get(r[0].text()?) else { continue };
                let value = r[2].opt_real()?.unwrap_or(1.0);
                out[o]
                    .interests
                    .push((r[1].text()?.to_owned(), ((value - 1.0) / 6.0).clamp(0.0, 1.0) as f32));
            }
            Ok(out)
        })
    }
}
