//! Reading text: deconstructing work (an occupation or a text) into tasks with the facts the
//! store holds about them, and making a client's draft project from a problem.

use guild_extraction::analyzer::AnalyzerScratch;
use guild_extraction::deconstruct::{self, Deconstruction, Draft};
use guild_extraction::drafts::draft_tasks;
use guild_ids::AccountId;
use guild_matching::{ProblemStatement, ProjectTitle};
use guild_store::{ProjectView, StoreError};
use guild_taxonomy::OccupationId;
use serde::Serialize;

use crate::Platform;

/// Work to deconstruct.
#[derive(Debug, Clone)]
pub enum Work {
    /// An occupation of the taxonomy.
    Occupation(OccupationId),
    /// A job post or project description.
    Text {
        /// The text.
        text: String,
        /// Its language, guessed when `None`.
        lang: Option<String>,
    },
}

/// The occupation whose tasks a deconstruction shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkOccupation {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When the occupation asked for has no tasks of its own: the crosswalk equivalent whose
    /// tasks are shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks_from: Option<String>,
}

/// Deconstructed work.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkBreakdown {
    /// The occupation, for occupation input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<WorkOccupation>,
    /// Tasks, summary and team skills.
    #[serde(flatten)]
    pub deconstruction: Deconstruction,
}

/// Most tasks a text is split into.
pub const MAX_TEXT_TASKS: usize = 200;

/// A client's problem, to become a draft project.
#[derive(Debug, Clone)]
pub struct ProblemText {
    /// The project's title.
    pub title: ProjectTitle,
    /// The problem in the client's words.
    pub problem: ProblemStatement,
    /// Its language, guessed when `None`.
    pub lang: Option<String>,
    /// Hours each draft task is estimated at, until the client edits it.
    pub hours: f32,
    /// Languages the work is done in.
    pub languages: Vec<String>,
}

impl Platform {
    /// Breaks `work` into tasks with their skills, AI exposure and physical presence.
    pub fn deconstruct(&self, work: &Work) -> Result<WorkBreakdown, StoreError> {
        let analyzer = &*self.analyzer()?;
        let mut scratch = AnalyzerScratch::default();
        match work {
            Work::Occupation(id) => {
                let detail = self.store.taxonomy().occupation(id)?;
                let mut task_ids: Vec<String> = detail.tasks.iter().map(|t| t.id.clone()).collect();
                let mut tasks_from = None;
                if task_ids.is_empty() {
                    let mut links = detail.crosswalk.clone();
                    links.sort_by(|a, b| {
                        b.confidence
                            .unwrap_or(1.0)
                            .total_cmp(&a.confidence.unwrap_or(1.0))
                    });
                    for link in links {
                        let Ok(other) = OccupationId::parse(&link.id) else {
                            continue;
                        };
                        let Ok(other) = self.store.taxonomy().occupation(&other) else {
                            continue;
                        };
                        if !other.tasks.is_empty() {
                            task_ids = other.tasks.iter().map(|t| t.id.clone()).collect();
                            tasks_from = Some(other.occupation.id.to_string());
                            break;
                        }
                    }
                }
                let deconstruction = if task_ids.is_empty() {
                    // No tasks anywhere: read the occupation's description as the work.
                    let text = detail
                        .occupation
                        .description
                        .clone()
                        .unwrap_or_else(|| detail.occupation.title.clone());
                    let draft =
                        Draft::new(analyzer, &mut scratch, &text, Some("en"), MAX_TEXT_TASKS);
                    let facts = self.store.taxonomy().task_facts(&draft.task_ids())?;
                    draft.finish(&facts)
                } else {
                    deconstruct::from_taxonomy(&self.store.taxonomy().task_facts(&task_ids)?)
                };
                Ok(WorkBreakdown {
                    occupation: Some(WorkOccupation {
                        id: detail.occupation.id.to_string(),
                        title: detail.occupation.title.clone(),
                        tasks_from,
                    }),
                    deconstruction,
                })
            }
            Work::Text { text, lang } => {
                let draft = Draft::new(
                    analyzer,
                    &mut scratch,
                    text,
                    lang.as_deref(),
                    MAX_TEXT_TASKS,
                );
                let facts = self.store.taxonomy().task_facts(&draft.task_ids())?;
                Ok(WorkBreakdown {
                    occupation: None,
                    deconstruction: draft.finish(&facts),
                })
            }
        }
    }

    /// Deconstructs `problem` into a draft project of `owner`'s; `None` when no part of it
    /// names work with skills Guild knows (nothing is stored then).
    pub fn make_project(
        &self,
        owner: AccountId,
        problem: &ProblemText,
    ) -> Result<Option<ProjectView>, StoreError> {
        let breakdown = self.deconstruct(&Work::Text {
            text: problem.problem.as_str().to_owned(),
            lang: problem.lang.clone(),
        })?;
        let (drafts, unplaced) = draft_tasks(
            &breakdown.deconstruction.tasks,
            problem.hours,
            &problem.languages,
        );
        if drafts.is_empty() {
            return Ok(None);
        }
        self.store
            .work()
            .create_project(owner, &problem.title, &problem.problem, &drafts, unplaced)
            .map(Some)
    }
}
