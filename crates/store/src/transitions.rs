//! What the reskilling engine reads: occupations' descriptors (ratings, interests, work
//! activities, tools), and what a transition's target is like (remote-ability, AI exposure, tasks).

use crate::areas::{Taxonomy, Work};
use std::collections::HashMap;

use guild_reskilling::{OccupationDescriptors, Rating};
use guild_taxonomy::{SkillId, Source};
use serde::Serialize;

use crate::StoreError;
use crate::sql::Value;

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
    /// Share of its work that needs no presence on site (0–1): as judged at import from what its
    /// work is (guild_extraction::presence), else the share of its own tasks that need none.
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

impl Taxonomy<'_> {
    /// Every occupation of `source` with its descriptors, in id order, for the transition model.
    /// Rated skills become ratings; technology becomes tools; every other skill an occupation
    /// lists (ESCO's and the starter set's essential and optional skills), and the work
    /// activities linked to its tasks, become activities.
    pub fn transition_descriptors(
        &self,
        source: Source,
    ) -> Result<Vec<OccupationDescriptors>, StoreError> {
        let s: Value = source.as_str().into();
        self.store.read(|tx| {
            let mut out: Vec<OccupationDescriptors> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for r in tx.query(
                "SELECT id, job_zone FROM occupations WHERE source = $1 ORDER BY id",
                std::slice::from_ref(&s),
            )? {
                let id = r.text("id")?.to_owned();
                index.insert(id.clone(), out.len());
                out.push(OccupationDescriptors {
                    id,
                    job_zone: r.opt_int("job_zone")?.and_then(|z| u8::try_from(z).ok()),
                    ..OccupationDescriptors::default()
                });
            }
            for r in tx.query(
                "SELECT os.occupation, os.skill, os.relevance, os.importance, os.level, os.weight, k.kind \
                 FROM occupation_skills os JOIN skills k ON k.id = os.skill \
                 WHERE os.source = $1 ORDER BY os.occupation, os.skill",
                std::slice::from_ref(&s),
            )? {
                let Some(&o) = index.get(r.text("occupation")?) else { continue };
                let skill = SkillId::parse(r.text("skill")?)?;
                let weight = r.opt_real("weight")?.unwrap_or(0.0) as f32;
                let occupation = &mut out[o];
                match (r.text("relevance")?, r.opt_real("importance")?, r.text("kind")?) {
                    ("rated", Some(importance), _) => occupation.ratings.push(Rating {
                        skill,
                        importance: importance01(importance),
                        level: r.opt_real("level")?.map_or(0.0, |l| (l / 7.0).clamp(0.0, 1.0) as f32),
                    }),
                    (_, _, "technology") => occupation.tools.push((skill, weight)),
                    _ => occupation.activities.push((skill, weight)),
                }
            }
            // A work activity's weight in an occupation: how much of its work involves it —
            // the tasks linked to it (core tasks count fully, supplemental ones half), relative
            // to its most frequent activity.
            let mut counts: Vec<HashMap<SkillId, f32>> = vec![HashMap::new(); out.len()];
            for r in tx.query(
                "SELECT t.occupation, ts.skill, t.category FROM tasks t JOIN task_skills ts ON ts.task = t.id \
                 WHERE t.source = $1 ORDER BY t.occupation, ts.skill",
                std::slice::from_ref(&s),
            )? {
                let Some(&o) = index.get(r.text("occupation")?) else { continue };
                let share = if r.opt_text("category")?.as_deref() == Some("supplemental") { 0.5 } else { 1.0 };
                *counts[o].entry(SkillId::parse(r.text("skill")?)?).or_default() += share;
            }
            for (o, activities) in counts.into_iter().enumerate() {
                let top = activities.values().copied().fold(0.0f32, f32::max);
                let mut activities: Vec<(SkillId, f32)> = activities.into_iter().collect();
                activities.sort_by(|a, b| a.0.cmp(&b.0));
                let listed = &mut out[o].activities;
                for (skill, n) in activities {
                    // A skill the occupation lists and its tasks link counts once.
                    if !listed.iter().any(|(a, _)| *a == skill) {
                        listed.push((skill, n / top));
                    }
                }
            }
            for r in tx.query(
                "SELECT occupation, interest, value FROM occupation_interests WHERE source = $1 \
                 ORDER BY occupation, interest",
                std::slice::from_ref(&s),
            )? {
                let Some(&o) = index.get(r.text("occupation")?) else { continue };
                let value = r.opt_real("value")?.unwrap_or(1.0);
                out[o]
                    .interests
                    .push((r.text("interest")?.to_owned(), ((value - 1.0) / 6.0).clamp(0.0, 1.0) as f32));
            }
            Ok(out)
        })
    }
}

impl Taxonomy<'_> {
    /// What each of `ids` is like: title, job zone, share of tasks doable remotely, AI exposure.
    /// Unknown ids are left out; the order of `ids` is kept.
    pub fn occupation_outlook(&self, ids: &[String]) -> Result<Vec<OccupationOutlook>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (mut outlooks, tasks) = self.store.read(|tx| {
            let params: Vec<Value> = ids.iter().map(Value::from).collect();
            let list = crate::sql::placeholders(1, ids.len());
            let mut outlooks: HashMap<String, OccupationOutlook> = HashMap::new();
            for r in tx.query(
                &format!("SELECT id, title, job_zone FROM occupations WHERE id IN ({list})"),
                &params,
            )? {
                let id = r.text("id")?.to_owned();
                outlooks.insert(
                    id.clone(),
                    OccupationOutlook {
                        id,
                        title: r.text("title")?.to_owned(),
                        job_zone: r.opt_int("job_zone")?.and_then(|z| u8::try_from(z).ok()),
                        ..OccupationOutlook::default()
                    },
                );
            }
            // The occupation's own score (or its SOC group's), for occupations whose tasks
            // have none.
            for r in tx.query(
                &format!(
                    "SELECT subject, dataset, measure, value FROM ai_exposure WHERE subject IN ({list}) \
                     ORDER BY dataset, measure"
                ),
                &params,
            )? {
                if let Some(o) = outlooks.get_mut(r.text("subject")?)
                    && o.ai_exposure.is_none()
                    && let Some(v) = r.opt_real("value")?
                {
                    o.ai_exposure = Some(v.clamp(0.0, 1.0));
                    o.ai_exposure_basis = Some(format!(
                        "occupation score ({}:{})",
                        r.text("dataset")?,
                        r.text("measure")?
                    ));
                }
            }
            let mut tasks = Vec::new();
            for r in tx.query(
                &format!("SELECT id FROM tasks WHERE occupation IN ({list}) ORDER BY occupation, ord"),
                &params,
            )? {
                tasks.push(r.text("id")?.to_owned());
            }
            Ok((outlooks, tasks))
        })?;
        let mut remote: HashMap<String, (usize, usize)> = HashMap::new();
        let mut exposure: HashMap<String, (f64, usize, String)> = HashMap::new();
        for f in self.task_facts(&tasks)? {
            if let Some(physical) = f.physical {
                let e = remote.entry(f.occupation.clone()).or_default();
                e.1 += 1;
                if !physical {
                    e.0 += 1;
                }
            }
            if let (Some(v), Some(source)) = (f.ai_exposure, f.ai_exposure_source) {
                let e = exposure
                    .entry(f.occupation.clone())
                    .or_insert((0.0, 0, source));
                e.0 += v;
                e.1 += 1;
            }
        }
        // The judgement the last import kept (by meaning, and from the occupations that need
        // the same skills) wins over the count of the occupation's own tasks.
        let judged = self.occupation_presence(Some(ids))?;
        for (id, o) in outlooks.iter_mut() {
            if let Some((r, n)) = remote.get(id) {
                o.tasks_known = *n;
                o.remote_share = (*n > 0).then(|| *r as f64 / *n as f64);
            }
            if let Some(p) = judged.get(id) {
                o.remote_share = Some(1.0 - p.onsite);
            }
            if let Some((sum, n, source)) = exposure.get(id)
                && *n > 0
            {
                o.ai_exposure = Some(sum / *n as f64);
                o.ai_exposure_basis = Some(format!("mean of {n} task scores ({source})"));
            }
        }
        Ok(ids.iter().filter_map(|id| outlooks.remove(id)).collect())
    }

    /// The task statements of an occupation with their linked skills and work activities.
    pub fn occupation_tasks(&self, occupation: &str) -> Result<Vec<OccupationTask>, StoreError> {
        self.store.read(|tx| {
            let key = [Value::from(occupation)];
            let mut out: Vec<OccupationTask> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for r in tx.query(
                "SELECT id, statement FROM tasks WHERE occupation = $1 ORDER BY ord",
                &key,
            )? {
                index.insert(r.text("id")?.to_owned(), out.len());
                out.push(OccupationTask {
                    id: r.text("id")?.to_owned(),
                    statement: r.text("statement")?.to_owned(),
                    skills: Vec::new(),
                });
            }
            for r in tx.query(
                "SELECT ts.task, ts.skill FROM task_skills ts JOIN tasks t ON t.id = ts.task \
                 WHERE t.occupation = $1 ORDER BY ts.task, ts.skill",
                &key,
            )? {
                if let Some(&i) = index.get(r.text("task")?) {
                    out[i].skills.push(SkillId::parse(r.text("skill")?)?);
                }
            }
            Ok(out)
        })
    }

    /// One taxonomy task statement with its linked skills.
    pub fn taxonomy_task(&self, id: &str) -> Result<OccupationTask, StoreError> {
        self.store.read(|tx| {
            let key = [Value::from(id)];
            let row = tx
                .query("SELECT id, statement FROM tasks WHERE id = $1", &key)?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NotFound {
                    what: "task",
                    id: id.to_owned(),
                })?;
            let mut task = OccupationTask {
                id: row.text("id")?.to_owned(),
                statement: row.text("statement")?.to_owned(),
                skills: Vec::new(),
            };
            for r in tx.query(
                "SELECT skill FROM task_skills WHERE task = $1 ORDER BY skill",
                &key,
            )? {
                task.skills.push(SkillId::parse(r.text("skill")?)?);
            }
            Ok(task)
        })
    }

    /// Label and kind of each of `ids` that the taxonomy knows.
    pub fn skill_labels(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, (String, String)>, StoreError> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        self.store.read(|tx| {
            for chunk in ids.chunks(500) {
                let params: Vec<Value> = chunk.iter().map(Value::from).collect();
                let list = crate::sql::placeholders(1, chunk.len());
                for r in tx.query(
                    &format!("SELECT id, label, kind FROM skills WHERE id IN ({list})"),
                    &params,
                )? {
                    out.insert(
                        r.text("id")?.to_owned(),
                        (r.text("label")?.to_owned(), r.text("kind")?.to_owned()),
                    );
                }
            }
            Ok(out)
        })
    }

    /// The taxonomy an occupation belongs to, if the store has it.
    pub fn occupation_source(&self, occupation: &str) -> Result<Option<Source>, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT source FROM occupations WHERE id = $1",
                &[occupation.into()],
            )?;
            match rows.first() {
                Some(r) => Ok(Source::parse(r.text("source")?).ok()),
                None => Ok(None),
            }
        })
    }

    /// The occupation of taxonomy `to` that the crosswalk links `occupation` to (the most
    /// confident link), if any. O*NET is the hub: ESCO and starter occupations link to O*NET,
    /// and O*NET occupations link back to them.
    pub fn crosswalk_to(&self, occupation: &str, to: Source) -> Result<Option<String>, StoreError> {
        self.store.read(|tx| {
            let key: [Value; 2] = [occupation.into(), to.as_str().into()];
            let rows = if to == Source::Onet {
                tx.query(
                    "SELECT c.onet AS linked FROM crosswalk c JOIN occupations o ON o.id = c.onet \
                     WHERE c.occupation = $1 AND o.source = $2 \
                     ORDER BY COALESCE(c.confidence, c.similarity, 0) DESC, c.onet LIMIT 1",
                    &key,
                )?
            } else {
                tx.query(
                    "SELECT c.occupation AS linked FROM crosswalk c JOIN occupations o ON o.id = c.occupation \
                     WHERE c.onet = $1 AND o.source = $2 \
                     ORDER BY COALESCE(c.confidence, c.similarity, 0) DESC, c.occupation LIMIT 1",
                    &key,
                )?
            };
            match rows.first() {
                Some(r) => Ok(Some(r.text("linked")?.to_owned())),
                None => Ok(None),
            }
        })
    }
}

impl Taxonomy<'_> {
    /// An occupation's title (its id when the store does not have it). Only the title: the
    /// full outlook reads every task's facts.
    pub fn occupation_title(&self, occupation: &str) -> Result<String, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT title FROM occupations WHERE id = $1",
                &[occupation.into()],
            )?;
            match rows.first() {
                Some(r) => Ok(r.text("title")?.to_owned()),
                None => Ok(occupation.to_owned()),
            }
        })
    }
}

impl Work<'_> {
    /// The required skills and weights of every open task (for demand): one query, not the
    /// whole tasks.
    pub fn open_task_requirements(&self) -> Result<Vec<Vec<(SkillId, f32)>>, StoreError> {
        self.store.read(|tx| {
            let mut out: Vec<Vec<(SkillId, f32)>> = Vec::new();
            let mut last = None;
            for r in tx.query(
                "SELECT s.task_id, s.skill, s.weight FROM work_task_skills s \
                 JOIN work_tasks t ON t.id = s.task_id \
                 WHERE t.status = 'open' AND s.required = 1 ORDER BY s.task_id, s.ord",
                &[],
            )? {
                let task = r.int("task_id")?;
                if last != Some(task) {
                    out.push(Vec::new());
                    last = Some(task);
                }
                if let Some(v) = out.last_mut() {
                    v.push((
                        SkillId::parse(r.text("skill")?)?,
                        r.opt_real("weight")?.unwrap_or(1.0) as f32,
                    ));
                }
            }
            Ok(out)
        })
    }
}
