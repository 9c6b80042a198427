//! Reskilling use cases, assembled from the store's data and the reskilling engine: transitions
//! from an occupation or a worker, and the learning path to a target (occupation, taxonomy task
//! or open task) with bridge work and the tasks the learner can already do.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use guild_matching::{Money, Proficiency, TaskId, WorkerId};
use guild_reskilling::catalogue::SkillLevel;
use guild_reskilling::gap::{ABLE_SHARE, ACTIVITY_LEVEL, proficiency_of_level, tasks_covered};
use guild_reskilling::{
    GapItem, GapKind, LearningPlan, Need, PlanOptions, SkillGap, TransitionModel, TransitionParts,
    TransitionSource,
};
use guild_store::{OccupationOutlook, Store, StoreError};
use guild_taxonomy::{SkillId, Source};
use serde::Serialize;

use crate::Platform;

/// The store to read and the transition models to read with.
struct Learning<'a> {
    store: &'a Store,
    models: &'a dyn Fn(Source) -> Result<Arc<TransitionModel>, StoreError>,
}

/// Where a transition or learning path starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// An occupation of any taxonomy in the store.
    Occupation(String),
    /// A worker profile; `occupation` is the occupation they have done, when they say.
    Worker {
        /// The worker.
        id: WorkerId,
        /// The occupation they have done (any taxonomy), if stated.
        occupation: Option<String>,
    },
}

/// A skill with its label.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillLabel {
    /// Its id.
    pub id: String,
    /// Its label (the id when the taxonomy has no label).
    pub label: String,
}

/// One missing skill, labelled.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapItemView {
    /// The skill.
    pub skill: String,
    /// Its label.
    pub label: String,
    /// rated, activity or tool.
    pub kind: GapKind,
    /// How much it matters to the target (0–1).
    pub importance: f32,
    /// The level the learner has (1–5), if any.
    pub have: Option<u8>,
    /// The level the target needs (1–5).
    pub need: u8,
}

/// A gap, labelled.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapView {
    /// The missing skills and levels, most important first.
    pub missing: Vec<GapItemView>,
    /// How many are missing in all.
    pub missing_total: usize,
    /// What carries over, most important first.
    pub carried_over: Vec<SkillLabel>,
    /// Share of the target's weighted needs missing (0–1).
    pub gap_share: f32,
    /// How many of the missing items are tools or technologies (only the few most used are
    /// listed in `missing`).
    pub tools_missing: usize,
    /// When the taxonomy rates no skills of the target: the nearest rated occupation by its
    /// work, whose rated skills stand in for the target's.
    pub rated_from: Option<SkillLabel>,
}

/// Where a worker's profile starts from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BaseOccupation {
    /// The occupation.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How it was chosen: `stated`, `inferred from the worker's skills`, or through the crosswalk.
    pub how: String,
}

/// Who or what a reskilling answer is for.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginView {
    /// The source occupation, for an occupation origin.
    pub occupation: Option<BaseOccupation>,
    /// The worker, for a worker origin.
    pub worker: Option<WorkerId>,
    /// The occupation the worker's profile is built on (their skills raise it).
    pub based_on: Option<BaseOccupation>,
    /// The taxonomy the answer is in.
    pub taxonomy: String,
}

/// One transition, with what it takes and what the target is like.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionView {
    /// The target occupation.
    pub occupation: String,
    /// Its title.
    pub title: String,
    /// Higher is an easier move.
    pub score: f32,
    /// How the score is made.
    pub parts: TransitionParts,
    /// What must be learned.
    pub gap: GapView,
    /// Its job zone (1–5).
    pub job_zone: Option<u8>,
    /// Share of its work doable remotely (0–1), where known.
    pub remote_share: Option<f64>,
    /// Its AI exposure (0–1), where known.
    pub ai_exposure: Option<f64>,
    /// Where `ai_exposure` comes from.
    pub ai_exposure_basis: Option<String>,
    /// Open tasks on Guild that this occupation could take on (demand).
    pub open_tasks: usize,
}

/// Transitions from an occupation or a worker.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionReport {
    /// Where they start.
    pub from: OriginView,
    /// The nearest targets, best first.
    pub transitions: Vec<TransitionView>,
}

/// A starting point of "Where next".
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Start {
    /// The occupation.
    pub occupation: BaseOccupation,
    /// Whether the worker named it (else it is Guild's guess from their skills, to confirm).
    pub stated: bool,
}

/// Where a worker can go next, from every occupation they named (or, when they named none, from
/// the one their skills suggest), each move saying which start it leads from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhereNext {
    /// The starting points, in the order the worker named them.
    pub starts: Vec<Start>,
    /// The nearest moves, best first (a target near several starts is listed once, from the
    /// nearest).
    pub transitions: Vec<Move>,
}

/// A move of "Where next": a transition and the start it leads from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Move {
    /// The index in `starts` of the start it leads from.
    pub from: usize,
    /// The transition.
    #[serde(flatten)]
    pub transition: TransitionView,
}

/// What a learning path leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum PathTarget {
    /// An occupation (any taxonomy; the answer is in its taxonomy).
    Occupation(String),
    /// A task statement of the taxonomy.
    TaxonomyTask(String),
    /// An open task on Guild.
    OpenTask(TaskId),
}

/// A learning-path request.
#[derive(Debug, Clone)]
pub struct PathRequest {
    /// Who learns.
    pub origin: Origin,
    /// Toward what.
    pub target: PathTarget,
    /// Accepted languages of resources (empty: any).
    pub languages: Vec<String>,
    /// What an hour of the learner's time is worth.
    pub hour_value: Option<Money>,
    /// At most this many needs (the most important) go into the plan.
    pub max_needs: usize,
}

/// An open task the learner can already do that exercises missing skills: paid practice.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BridgeTask {
    /// The open task.
    pub task: TaskId,
    /// Its title.
    pub title: String,
    /// Share of its required weight the learner covers (0–1).
    pub covered_share: f32,
    /// The missing skills it exercises.
    pub exercises: Vec<SkillLabel>,
}

/// A task of the target the learner already covers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoableTask {
    /// The task's id.
    pub id: String,
    /// What it says.
    pub statement: String,
}

/// A learning path and everything around it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathReport {
    /// Who learns.
    pub from: OriginView,
    /// The target: kind (`occupation`, `task`, `open_task`), id and title.
    pub target: SkillLabel,
    /// The target's kind.
    pub target_kind: String,
    /// What is missing.
    pub gap: GapView,
    /// The cheapest plan that closes the gap (labels in `labels`).
    pub plan: Option<LearningPlan>,
    /// Why there is no plan (nothing to learn, an empty catalogue), if there is none.
    pub note: Option<String>,
    /// Labels of every skill named in the plan.
    pub labels: HashMap<String, String>,
    /// Open tasks the learner can do now that exercise missing skills.
    pub bridge_work: Vec<BridgeTask>,
    /// The target's tasks the learner already covers (occupation targets).
    pub tasks_you_can_do: Vec<DoableTask>,
    /// How many tasks the target has (occupation targets).
    pub target_tasks: usize,
    /// Workers who offer to teach the most important missing skills, ranked for this learner
    /// by skill, language and time zone (worker learners only; at most three per skill).
    pub trainers: Vec<SkillTrainers>,
}

/// Trainers for one missing skill.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillTrainers {
    /// The skill.
    pub skill: SkillLabel,
    /// The best trainers, best first.
    pub trainers: Vec<guild_reskilling::trainers::TrainerMatch>,
}

/// The learner, resolved: model, source, explicit skills and how it is described.
struct Learner {
    model: Arc<TransitionModel>,
    source: TransitionSource,
    skills: Vec<(SkillId, Proficiency)>,
    view: OriginView,
}

impl Learning<'_> {
    /// `occupation` in taxonomy `to`: itself, or its crosswalk link (through O*NET when neither
    /// side is O*NET).
    fn occupation_in(
        &self,
        occupation: &str,
        to: Source,
    ) -> Result<Option<(String, String)>, StoreError> {
        let from = self
            .store
            .taxonomy()
            .occupation_source(occupation)?
            .ok_or_else(|| StoreError::NotFound {
                what: "occupation",
                id: occupation.to_owned(),
            })?;
        if from == to {
            return Ok(Some((occupation.to_owned(), "stated".to_owned())));
        }
        let via = if from == Source::Onet || to == Source::Onet {
            self.store.taxonomy().crosswalk_to(occupation, to)?
        } else {
            match self
                .store
                .taxonomy()
                .crosswalk_to(occupation, Source::Onet)?
            {
                Some(onet) => self.store.taxonomy().crosswalk_to(&onet, to)?,
                None => None,
            }
        };
        Ok(via.map(|v| (v, format!("crosswalk from {occupation}"))))
    }

    fn learner(&self, origin: &Origin, taxonomy: Option<Source>) -> Result<Learner, StoreError> {
        match origin {
            Origin::Occupation(id) => {
                let own = self
                    .store
                    .taxonomy()
                    .occupation_source(id)?
                    .ok_or_else(|| StoreError::NotFound {
                        what: "occupation",
                        id: id.clone(),
                    })?;
                let taxonomy = taxonomy.unwrap_or(own);
                let (mapped, how) = self.occupation_in(id, taxonomy)?.ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "occupation {id} has no crosswalk link to {}: ask in its own taxonomy ({})",
                        taxonomy.as_str(),
                        own.as_str()
                    ))
                })?;
                let model = (self.models)(taxonomy)?;
                let source = model.source_of_occupation(&mapped)?;
                let based_on = (mapped != *id).then(|| -> Result<_, StoreError> {
                    Ok(BaseOccupation {
                        id: mapped.clone(),
                        title: self.store.taxonomy().occupation_title(&mapped)?,
                        how,
                    })
                });
                let skills = model
                    .descriptors(&mapped)
                    .map(|d| {
                        d.ratings
                            .iter()
                            .map(|r| (r.skill.clone(), proficiency_of_level(r.level)))
                            .chain(d.activities.iter().map(|(s, _)| {
                                (
                                    s.clone(),
                                    Proficiency::new(ACTIVITY_LEVEL).unwrap_or(Proficiency::MIN),
                                )
                            }))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(Learner {
                    view: OriginView {
                        occupation: Some(BaseOccupation {
                            id: id.clone(),
                            title: self.store.taxonomy().occupation_title(id)?,
                            how: "stated".to_owned(),
                        }),
                        worker: None,
                        based_on: based_on.transpose()?,
                        taxonomy: taxonomy.as_str().to_owned(),
                    },
                    model,
                    source,
                    skills,
                })
            }
            Origin::Worker { id, occupation } => {
                let worker = self.store.work().worker(*id)?.worker;
                let skills: Vec<(SkillId, Proficiency)> = worker
                    .skills
                    .iter()
                    .map(|s| (s.skill.clone(), s.proficiency))
                    .collect();
                // The taxonomy: asked for, else the stated occupation's, else the one most of
                // the worker's skills come from.
                let stated_source = match occupation {
                    Some(o) => {
                        Some(self.store.taxonomy().occupation_source(o)?.ok_or_else(|| {
                            StoreError::NotFound {
                                what: "occupation",
                                id: o.clone(),
                            }
                        })?)
                    }
                    None => None,
                };
                let mut counts: HashMap<Source, usize> = HashMap::new();
                for (s, _) in &skills {
                    // ESCO ids are URIs: the id knows its source, its text before a colon does not.
                    if let Some(src) = s.source() {
                        *counts.entry(src).or_default() += 1;
                    }
                }
                let dominant = counts
                    .iter()
                    .max_by_key(|(s, n)| (**n, std::cmp::Reverse(s.as_str())))
                    .map(|(s, _)| *s);
                let taxonomy = taxonomy
                    .or(stated_source)
                    .or(dominant)
                    .ok_or_else(|| {
                        StoreError::Invalid(format!(
                            "worker {} has no skills and no stated occupation: add skills to the profile or say which occupation they have done",
                            id.0
                        ))
                    })?;
                let model = (self.models)(taxonomy)?;
                // A stated occupation the taxonomy asked for cannot reach through the crosswalk
                // (O*NET 2019 codes have no ESCO links) is not an error: the base is inferred
                // from the worker's skills instead, and says so.
                let stated = match occupation {
                    Some(o) => self.occupation_in(o, taxonomy)?,
                    None => None,
                };
                let unlinked = match (occupation, &stated) {
                    (Some(o), None) => {
                        format!(" ({o} has no crosswalk link to {})", taxonomy.as_str())
                    }
                    _ => String::new(),
                };
                let base = match stated {
                    Some(base) => Some(base),
                    None => {
                        let inferred = model.closest_occupations(&skills, 1)?;
                        match inferred.into_iter().next() {
                            Some((o, _)) => {
                                Some((o, format!("inferred from the worker's skills{unlinked}")))
                            }
                            // No overlap with this taxonomy: infer in the skills' own taxonomy
                            // and cross over.
                            None => match dominant.filter(|d| *d != taxonomy) {
                                Some(d) => {
                                    let home = (self.models)(d)?;
                                    match home.closest_occupations(&skills, 1)?.into_iter().next() {
                                        Some((o, _)) => self.occupation_in(&o, taxonomy)?.map(|(m, _)| {
                                            (m, format!("inferred from the worker's skills as {o}, through the crosswalk{unlinked}"))
                                        }),
                                        None => None,
                                    }
                                }
                                None => None,
                            },
                        }
                    }
                };
                let profile =
                    model.worker_profile(base.as_ref().map(|(o, _)| o.as_str()), &skills)?;
                let mut source = model.source_of_profile(&profile);
                // Where the worker comes from is not a transition.
                source.occupation = base.as_ref().map(|(o, _)| o.clone());
                let based_on = match &base {
                    Some((o, how)) => Some(BaseOccupation {
                        id: o.clone(),
                        title: self.store.taxonomy().occupation_title(o)?,
                        how: how.clone(),
                    }),
                    None => None,
                };
                let mut all = skills;
                if let Some(d) = base.as_ref().and_then(|(o, _)| model.descriptors(o)) {
                    for r in &d.ratings {
                        if !all.iter().any(|(s, _)| *s == r.skill) {
                            all.push((r.skill.clone(), proficiency_of_level(r.level)));
                        }
                    }
                }
                Ok(Learner {
                    view: OriginView {
                        occupation: None,
                        worker: Some(*id),
                        based_on,
                        taxonomy: taxonomy.as_str().to_owned(),
                    },
                    model,
                    source,
                    skills: all,
                })
            }
        }
    }

    fn gap_view(&self, gap: &SkillGap) -> Result<GapView, StoreError> {
        let ids: Vec<String> = gap
            .missing
            .iter()
            .map(|g| g.skill.as_str().to_owned())
            .chain(gap.carried_over.iter().map(|s| s.as_str().to_owned()))
            .collect();
        let labels = self.store.taxonomy().skill_labels(&ids)?;
        let label = |id: &str| {
            labels
                .get(id)
                .map_or_else(|| id.to_owned(), |(l, _)| l.clone())
        };
        Ok(GapView {
            missing: gap
                .missing
                .iter()
                .map(|g: &GapItem| GapItemView {
                    skill: g.skill.as_str().to_owned(),
                    label: label(g.skill.as_str()),
                    kind: g.kind,
                    importance: g.importance,
                    have: g.have.map(|p| p.level()),
                    need: g.need.level(),
                })
                .collect(),
            missing_total: gap.missing_total,
            carried_over: gap
                .carried_over
                .iter()
                .map(|s| SkillLabel {
                    id: s.as_str().to_owned(),
                    label: label(s.as_str()),
                })
                .collect(),
            gap_share: gap.gap_share,
            tools_missing: gap.tools_missing,
            rated_from: match &gap.rated_from {
                Some(o) => Some(SkillLabel {
                    id: o.clone(),
                    label: self.store.taxonomy().occupation_title(o)?,
                }),
                None => None,
            },
        })
    }

    /// The nearest transitions from `origin`, in `taxonomy` (default: the origin's own), each
    /// with its gap (at most `gap_limit` items), remote-ability, AI exposure and demand.
    fn transitions(
        &self,
        origin: &Origin,
        taxonomy: Option<Source>,
        limit: usize,
        gap_limit: usize,
    ) -> Result<TransitionReport, StoreError> {
        let learner = self.learner(origin, taxonomy)?;
        let model = &learner.model;
        let ranked = model.rank(&learner.source, limit);
        let ids: Vec<String> = ranked.iter().map(|t| t.occupation.clone()).collect();
        let outlooks: HashMap<String, OccupationOutlook> = self
            .store
            .taxonomy()
            .occupation_outlook(&ids)?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        let open = self.store.work().open_task_requirements()?;
        let targets: Vec<&str> = ids.iter().map(String::as_str).collect();
        let demand = model.demand(&targets, &open, ABLE_SHARE);
        let mut transitions = Vec::with_capacity(ranked.len());
        for (t, open_tasks) in ranked.into_iter().zip(demand) {
            let gap = model.gap(&learner.source, &t.occupation, gap_limit)?;
            let outlook = outlooks.get(&t.occupation).cloned().unwrap_or_default();
            transitions.push(TransitionView {
                title: outlook.title,
                occupation: t.occupation,
                score: t.score,
                parts: t.parts,
                gap: self.gap_view(&gap)?,
                job_zone: outlook.job_zone,
                remote_share: outlook.remote_share,
                ai_exposure: outlook.ai_exposure,
                ai_exposure_basis: outlook.ai_exposure_basis,
                open_tasks,
            });
        }
        Ok(TransitionReport {
            from: learner.view,
            transitions,
        })
    }

    /// The gap from `request.origin` to its target, the cheapest plan over the catalogue that
    /// closes it, bridge work and the target's tasks the learner can already do.
    fn learning_path(&self, request: &PathRequest) -> Result<PathReport, StoreError> {
        let limit = request.max_needs.clamp(1, 200);
        let (taxonomy, kind) = match &request.target {
            PathTarget::Occupation(o) => (
                Some(self.store.taxonomy().occupation_source(o)?.ok_or_else(|| {
                    StoreError::NotFound {
                        what: "occupation",
                        id: o.clone(),
                    }
                })?),
                "occupation",
            ),
            PathTarget::TaxonomyTask(_) => (None, "task"),
            PathTarget::OpenTask(_) => (None, "open_task"),
        };
        let learner = self.learner(&request.origin, taxonomy)?;
        let model = &learner.model;
        let has_level = |skill: &SkillId, level: Proficiency| {
            learner
                .skills
                .iter()
                .any(|(s, p)| s == skill && *p >= level)
                || (level.level() <= ACTIVITY_LEVEL && model.source_has(&learner.source, skill))
        };
        let (target, gap, doable, target_tasks) = match &request.target {
            PathTarget::Occupation(o) => {
                let gap = model.gap(&learner.source, o, limit)?;
                let tasks = self.store.taxonomy().occupation_tasks(o)?;
                let pairs: Vec<(&guild_store::OccupationTask, Vec<SkillId>)> =
                    tasks.iter().map(|t| (t, t.skills.clone())).collect();
                let doable: Vec<DoableTask> =
                    tasks_covered(&pairs, |s| model.source_has(&learner.source, s))
                        .into_iter()
                        .map(|t| DoableTask {
                            id: t.id.clone(),
                            statement: t.statement.clone(),
                        })
                        .collect();
                (
                    SkillLabel {
                        id: o.clone(),
                        label: self.store.taxonomy().occupation_title(o)?,
                    },
                    gap,
                    doable,
                    tasks.len(),
                )
            }
            PathTarget::TaxonomyTask(id) => {
                let task = self.store.taxonomy().taxonomy_task(id)?;
                let need = Proficiency::new(ACTIVITY_LEVEL).unwrap_or(Proficiency::MIN);
                let missing: Vec<GapItem> = task
                    .skills
                    .iter()
                    .filter(|s| !has_level(s, need))
                    .map(|s| GapItem {
                        skill: s.clone(),
                        kind: GapKind::Activity,
                        importance: 1.0,
                        have: None,
                        need,
                    })
                    .collect();
                let total = task.skills.len().max(1) as f32;
                let gap = SkillGap {
                    target: id.clone(),
                    gap_share: missing.len() as f32 / total,
                    missing_total: missing.len(),
                    tools_missing: 0,
                    rated_from: None,
                    carried_over: task
                        .skills
                        .iter()
                        .filter(|s| has_level(s, need))
                        .cloned()
                        .collect(),
                    missing,
                };
                (
                    SkillLabel {
                        id: task.id,
                        label: task.statement,
                    },
                    gap,
                    Vec::new(),
                    0,
                )
            }
            PathTarget::OpenTask(id) => {
                let task = self.store.work().task(*id)?.task;
                let mut missing = Vec::new();
                let mut carried = Vec::new();
                let total: f32 = task
                    .required
                    .iter()
                    .map(|r| r.weight)
                    .sum::<f32>()
                    .max(f32::EPSILON);
                let mut missing_weight = 0.0;
                for (r, required) in task
                    .required
                    .iter()
                    .map(|r| (r, true))
                    .chain(task.optional.iter().map(|r| (r, false)))
                {
                    let have = learner
                        .skills
                        .iter()
                        .find(|(s, _)| *s == r.skill)
                        .map(|(_, p)| *p);
                    if has_level(&r.skill, r.min_proficiency) {
                        carried.push(r.skill.clone());
                        continue;
                    }
                    if required {
                        missing_weight += r.weight;
                    }
                    missing.push(GapItem {
                        skill: r.skill.clone(),
                        kind: GapKind::Activity,
                        importance: if required {
                            r.weight.clamp(0.0, 1.0)
                        } else {
                            r.weight.clamp(0.0, 1.0) * 0.5
                        },
                        have,
                        need: r.min_proficiency,
                    });
                }
                missing.sort_by(|a, b| {
                    b.importance
                        .total_cmp(&a.importance)
                        .then(a.skill.cmp(&b.skill))
                });
                let gap = SkillGap {
                    target: id.0.to_string(),
                    gap_share: (missing_weight / total).clamp(0.0, 1.0),
                    missing_total: missing.len(),
                    tools_missing: missing.iter().filter(|g| g.kind == GapKind::Tool).count(),
                    rated_from: None,
                    carried_over: carried,
                    missing,
                };
                (
                    SkillLabel {
                        id: id.0.to_string(),
                        label: task.title,
                    },
                    gap,
                    Vec::new(),
                    0,
                )
            }
        };
        let gap_view = self.gap_view(&gap)?;
        let needs: Vec<Need> = gap.needs().into_iter().take(limit).collect();
        let catalogue = self.store.learning().learning_catalogue()?;
        let (plan, note) = if needs.is_empty() {
            (
                None,
                Some(format!(
                    "nothing to learn: the learner already covers {}",
                    target.label
                )),
            )
        } else if catalogue.is_empty() {
            (
                None,
                Some(
                    "the learning catalogue is empty: add resources (guild resources import FILE, or POST /api/v1/learning-resources) to get a plan"
                        .to_owned(),
                ),
            )
        } else {
            let options = PlanOptions {
                held: learner
                    .skills
                    .iter()
                    .map(|(s, p)| SkillLevel {
                        skill: s.clone(),
                        level: *p,
                    })
                    .collect(),
                languages: request.languages.clone(),
                hour_value: request.hour_value,
                ..PlanOptions::default()
            };
            (
                Some(guild_reskilling::plan(&needs, &catalogue, &options)?),
                None,
            )
        };
        let mut label_ids: Vec<String> = Vec::new();
        if let Some(p) = &plan {
            let json = serde_json::to_value(p).map_err(|e| StoreError::Backend(e.to_string()))?;
            collect_skill_ids(&json, &mut label_ids);
        }
        let labels = self
            .store
            .taxonomy()
            .skill_labels(&label_ids)?
            .into_iter()
            .map(|(id, (label, _))| (id, label))
            .collect();
        let bridge_work = self.bridge_work(&needs, &has_level, &request.target)?;
        let trainers = match &request.origin {
            Origin::Worker { id, .. } => self.trainers_for(*id, &needs, &plan)?,
            Origin::Occupation(_) => Vec::new(),
        };
        Ok(PathReport {
            from: learner.view,
            target,
            target_kind: kind.to_owned(),
            gap: gap_view,
            plan,
            note,
            labels,
            bridge_work,
            tasks_you_can_do: doable,
            target_tasks,
            trainers,
        })
    }

    /// Trainers for the needs no resource covers, then for the others, most important first:
    /// the first five skills someone offers to teach (three trainers each), ranked for worker
    /// `learner`. (Only the needs that have trainers count toward the five, so a path shows the
    /// teachers it has even when they teach its less important skills.)
    fn trainers_for(
        &self,
        learner: WorkerId,
        needs: &[Need],
        plan: &Option<LearningPlan>,
    ) -> Result<Vec<SkillTrainers>, StoreError> {
        let worker = self.store.work().worker(learner)?.worker;
        let uncovered: Vec<&Need> = plan
            .as_ref()
            .map_or_else(Vec::new, |p| p.uncovered.iter().collect());
        let mut chosen: Vec<&Need> = uncovered;
        for n in needs {
            if !chosen.iter().any(|c| c.skill == n.skill) {
                chosen.push(n);
            }
        }
        let labels = self.store.taxonomy().skill_labels(
            &chosen
                .iter()
                .map(|n| n.skill.as_str().to_owned())
                .collect::<Vec<_>>(),
        )?;
        let mut out = Vec::new();
        for need in chosen {
            if out.len() >= 5 {
                break;
            }
            let offers = self.store.learning().trainer_candidates(&need.skill)?;
            if offers.is_empty() {
                continue;
            }
            let ranking = guild_reskilling::trainers::rank(
                &guild_reskilling::trainers::Learner {
                    worker: Some(learner),
                    skill: need.skill.clone(),
                    level: need.level,
                    languages: worker.languages.clone(),
                    utc_offset_minutes: worker.utc_offset_minutes,
                },
                &offers,
                3,
            );
            if ranking.matches.is_empty() {
                continue;
            }
            out.push(SkillTrainers {
                skill: SkillLabel {
                    id: need.skill.as_str().to_owned(),
                    label: labels
                        .get(need.skill.as_str())
                        .map_or_else(|| need.skill.as_str().to_owned(), |(l, _)| l.clone()),
                },
                trainers: ranking.matches,
            });
        }
        Ok(out)
    }

    /// Open tasks the learner can already do (at least [`ABLE_SHARE`] of the required weight)
    /// that exercise some of `needs`, most exercised first.
    fn bridge_work(
        &self,
        needs: &[Need],
        has_level: &dyn Fn(&SkillId, Proficiency) -> bool,
        target: &PathTarget,
    ) -> Result<Vec<BridgeTask>, StoreError> {
        let wanted: HashSet<&SkillId> = needs.iter().map(|n| &n.skill).collect();
        let mut found: Vec<(usize, f32, guild_matching::Task, Vec<SkillId>)> = Vec::new();
        for task in self.store.work().open_tasks()? {
            if *target == PathTarget::OpenTask(task.id) {
                continue;
            }
            let exercises: Vec<SkillId> = task
                .required
                .iter()
                .chain(&task.optional)
                .filter(|r| wanted.contains(&r.skill))
                .map(|r| r.skill.clone())
                .collect();
            if exercises.is_empty() {
                continue;
            }
            let total: f32 = task.required.iter().map(|r| r.weight).sum();
            let covered: f32 = task
                .required
                .iter()
                .filter(|r| has_level(&r.skill, r.min_proficiency))
                .map(|r| r.weight)
                .sum();
            let share = if total > 0.0 { covered / total } else { 1.0 };
            if share >= ABLE_SHARE {
                found.push((exercises.len(), share, task, exercises));
            }
        }
        found.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.total_cmp(&a.1))
                .then(a.2.id.cmp(&b.2.id))
        });
        found.truncate(10);
        let ids: Vec<String> = found
            .iter()
            .flat_map(|f| f.3.iter().map(|s| s.as_str().to_owned()))
            .collect();
        let labels = self.store.taxonomy().skill_labels(&ids)?;
        Ok(found
            .into_iter()
            .map(|(_, share, task, exercises)| BridgeTask {
                task: task.id,
                title: task.title,
                covered_share: share,
                exercises: exercises
                    .into_iter()
                    .map(|s| SkillLabel {
                        label: labels
                            .get(s.as_str())
                            .map_or_else(|| s.as_str().to_owned(), |(l, _)| l.clone()),
                        id: s.as_str().to_owned(),
                    })
                    .collect(),
            })
            .collect())
    }
}

/// Every `"skill": "..."` string in a JSON value.
fn collect_skill_ids(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == "skill"
                    && let Some(s) = x.as_str()
                {
                    out.push(s.to_owned());
                } else {
                    collect_skill_ids(x, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_skill_ids(x, out)),
        _ => {}
    }
}

impl Platform {
    /// The nearest transitions from `origin`, in `taxonomy` (default: the origin's own), each
    /// with its gap (at most `gap_limit` items), remote-ability, AI exposure and demand. From
    /// an occupation everything read is the taxonomy and open tasks, which a replica may serve;
    /// from a worker it is their own profile, read from the primary.
    pub fn transitions(
        &self,
        origin: &Origin,
        taxonomy: Option<Source>,
        limit: usize,
        gap_limit: usize,
    ) -> Result<TransitionReport, StoreError> {
        let store = match origin {
            Origin::Occupation(_) => self.store.replica(),
            Origin::Worker { .. } => &self.store,
        };
        Learning {
            store,
            models: &|s| self.transition_model(s),
        }
        .transitions(origin, taxonomy, limit, gap_limit)
    }

    /// Where a worker can go next: the `limit` nearest moves from each occupation they named,
    /// merged (a target reached from several starts keeps its best score and says from which);
    /// when they named none, from the occupation their skills suggest, marked as a guess.
    pub fn where_next(
        &self,
        worker: WorkerId,
        limit: usize,
        gap_limit: usize,
    ) -> Result<WhereNext, StoreError> {
        let named = self.store.work().worker_occupations(worker)?;
        if named.is_empty() {
            let origin = Origin::Worker {
                id: worker,
                occupation: None,
            };
            let report = self.transitions(&origin, None, limit, gap_limit)?;
            return Ok(WhereNext {
                starts: report
                    .from
                    .based_on
                    .map(|occupation| Start {
                        occupation,
                        stated: false,
                    })
                    .into_iter()
                    .collect(),
                transitions: report
                    .transitions
                    .into_iter()
                    .map(|transition| Move {
                        from: 0,
                        transition,
                    })
                    .collect(),
            });
        }
        let mut starts = Vec::with_capacity(named.len());
        let mut best: HashMap<String, (usize, TransitionView)> = HashMap::new();
        for (i, occupation) in named.iter().enumerate() {
            let origin = Origin::Worker {
                id: worker,
                occupation: Some(occupation.clone()),
            };
            let report = self.transitions(&origin, None, limit, gap_limit)?;
            let base = match report.from.based_on {
                Some(base) => base,
                None => BaseOccupation {
                    id: occupation.clone(),
                    title: self.store.taxonomy().occupation_title(occupation)?,
                    how: "stated".to_owned(),
                },
            };
            starts.push(Start {
                occupation: base,
                stated: true,
            });
            for t in report.transitions {
                // A move to work they have done already is no move.
                if named.contains(&t.occupation) {
                    continue;
                }
                match best.get(&t.occupation) {
                    Some((_, kept)) if kept.score >= t.score => {}
                    _ => {
                        best.insert(t.occupation.clone(), (i, t));
                    }
                }
            }
        }
        let mut transitions: Vec<Move> = best
            .into_values()
            .map(|(from, transition)| Move { from, transition })
            .collect();
        transitions.sort_by(|a, b| {
            b.transition
                .score
                .total_cmp(&a.transition.score)
                .then_with(|| a.transition.occupation.cmp(&b.transition.occupation))
        });
        transitions.truncate(limit);
        Ok(WhereNext {
            starts,
            transitions,
        })
    }

    /// Adds an occupation the worker has done to their starting points (at most
    /// [`guild_reskilling::transitions::MAX_STATED_OCCUPATIONS`]); whether it was new.
    pub fn add_occupation(&self, worker: WorkerId, occupation: &str) -> Result<bool, StoreError> {
        self.store
            .work()
            .add_worker_occupation(worker, occupation, &|held| {
                guild_reskilling::transitions::may_add_occupation(held)
                    .map_err(StoreError::Reskilling)
            })
    }

    /// The gap from `request.origin` to its target, the cheapest plan over the catalogue that
    /// closes it, bridge work and the target's tasks the learner can already do.
    pub fn learning_path(&self, request: &PathRequest) -> Result<PathReport, StoreError> {
        Learning {
            store: &self.store,
            models: &|s| self.transition_model(s),
        }
        .learning_path(request)
    }
}

impl Platform {
    /// Adds or replaces a worker's offer to teach a skill: the skill must be on the worker's
    /// profile at [`guild_reskilling::trainers::MIN_TRAINER_LEVEL`] or more (the reskilling
    /// engine's rule, decided on the profile as the store's transaction reads it). Returns the
    /// stored offer and whether it is new.
    pub fn offer_to_teach(
        &self,
        offer: &guild_store::TeachingOffer,
    ) -> Result<(guild_store::TeachingOffer, bool), StoreError> {
        self.store
            .learning()
            .set_teaching_offer(offer, &|proficiency| {
                guild_reskilling::trainers::may_offer(
                    offer.worker,
                    &offer.skill,
                    proficiency,
                    &offer.note,
                )
                .map_err(StoreError::Reskilling)
            })
    }
}
