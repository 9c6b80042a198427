//! Projects over HTTP: a client describes a problem; Guild deconstructs it into draft tasks
//! (skills, AI exposure, presence) that the client edits with the task endpoints, then
//! publishes openly or to invited workers. Another account's project is 404.

use crate::params::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guild_ids::{AccountId, ProjectId};
use guild_matching::{Audience, ProblemStatement, ProjectTitle, Task, TaskId};
use guild_platform::ProblemText;
use guild_store::ProjectView;
use serde::Deserialize;

use crate::AppState;
use crate::analysis::lang_field;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::matching::TaskView;

/// A problem to turn into a project.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// A short title (1 to 200 characters).
    pub title: ProjectTitle,
    /// The problem or the work, in plain words (1 to 20,000 characters); each sentence or line
    /// that names work becomes a task.
    pub problem: ProblemStatement,
    /// The description's language (`en`, `nl`, …); guessed when absent.
    pub lang: Option<String>,
    /// Hours each task is estimated at until edited (default 8).
    pub hours_per_task: Option<f32>,
    /// Languages the workers must speak (default none).
    #[serde(default)]
    pub languages: Vec<String>,
}

/// A project's new title and problem.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectUpdate {
    /// The title.
    pub title: ProjectTitle,
    /// The problem.
    pub problem: ProblemStatement,
}

/// To whom a project's tasks are published.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// `open` (every worker sees it and is matched to it) or `invited` (only workers the
    /// client invites see it and may apply).
    pub audience: String,
}

async fn own_project(
    state: &AppState,
    caller: AccountId,
    id: ProjectId,
) -> Result<ProjectView, ApiError> {
    let p = state
        .on_store(move |store| store.work().project(id))
        .await?;
    if p.owner != caller {
        return Err(ApiError::not_found(format!("project {id} not found")));
    }
    Ok(p)
}

/// Describes a problem: Guild deconstructs it into draft tasks, each with the skills it
/// needs, its AI exposure and whether it needs presence. Edit the tasks, then publish.
#[utoipa::path(post, operation_id = "create_project", path = "/api/v1/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = ProjectView), (status = 400, body = crate::Problem), (status = 422, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(req): Body<NewProject>,
) -> Result<(StatusCode, Json<ProjectView>), ApiError> {
    let lang = lang_field(&req.lang)?;
    let hours = req.hours_per_task.unwrap_or(8.0);
    if !(hours.is_finite() && hours > 0.0 && hours <= 10_000.0) {
        return Err(ApiError::bad_field(
            "hours_per_task",
            "must be more than 0 and at most 10,000",
        ));
    }
    let view = make(&state, caller.id, req, lang, hours).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Deconstructs a problem into a draft project of `owner`'s (shared with the pages).
pub(crate) async fn make(
    state: &AppState,
    owner: AccountId,
    req: NewProject,
    lang: Option<String>,
    hours: f32,
) -> Result<ProjectView, ApiError> {
    let problem = ProblemText {
        title: req.title,
        problem: req.problem,
        lang,
        hours,
        languages: req.languages,
    };
    state.on_platform(move |platform| platform.make_project(owner, &problem))
        .await?
    .ok_or_else(|| {
        ApiError::unprocessable(
            "no-tasks",
            "Guild found no work with skills it knows in the description: name the tasks, one per sentence (\"install solar panels on the roof\", \"keep the accounts\")",
        )
    })
}

/// The caller's projects, newest first.
#[utoipa::path(get, operation_id = "my_projects", path = "/api/v1/projects", tag = "projects",
    responses((status = 200, body = Vec<ProjectView>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<ProjectView>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.work().projects_of(caller.id))
            .await?,
    ))
}

/// One of the caller's projects, with its tasks.
#[utoipa::path(get, operation_id = "get_project", path = "/api/v1/projects/{id}", tag = "projects",
    params(("id" = i64, Path, description = "The project")),
    responses((status = 200, body = ProjectView), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProjectId>,
) -> Result<Json<ProjectView>, ApiError> {
    Ok(Json(own_project(&state, caller.id, id).await?))
}

/// Changes a project's title and problem (its tasks are edited one by one).
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", request_body = ProjectUpdate,
    params(("id" = i64, Path, description = "The project")),
    responses((status = 200, body = ProjectView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProjectId>,
    Body(req): Body<ProjectUpdate>,
) -> Result<Json<ProjectView>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| {
                store
                    .work()
                    .update_project(id, caller.id, &req.title, &req.problem)
            })
            .await?,
    ))
}

/// Adds a task to a project: a draft while the project is one, else published like the
/// project's other tasks.
#[utoipa::path(post, path = "/api/v1/projects/{id}/tasks", tag = "projects", request_body = Task,
    params(("id" = i64, Path, description = "The project")),
    responses((status = 201, body = TaskView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn add_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProjectId>,
    Body(task): Body<Task>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    let stored = state
        .on_store(move |store| {
            let tid = store.work().add_project_task(id, caller.id, &task)?;
            store.work().task(TaskId(tid.0))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::matching::task_view(stored, caller.id)),
    ))
}

/// Publishes a draft project's tasks, to everyone (`open`) or to invited workers only.
#[utoipa::path(post, path = "/api/v1/projects/{id}/publish", tag = "projects", request_body = Publication,
    params(("id" = i64, Path, description = "The project")),
    responses((status = 200, body = ProjectView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProjectId>,
    Body(req): Body<Publication>,
) -> Result<Json<ProjectView>, ApiError> {
    let audience = Audience::parse(&req.audience)
        .map_err(|e| ApiError::bad_field("audience", e.to_string()))?;
    Ok(Json(
        state
            .on_store(move |store| store.work().publish_project(id, caller.id, audience))
            .await?,
    ))
}

/// Closes a project: its tasks take no more proposals; contracts made go on.
#[utoipa::path(post, path = "/api/v1/projects/{id}/close", tag = "projects",
    params(("id" = i64, Path, description = "The project")),
    responses((status = 200, body = ProjectView), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProjectId>,
) -> Result<Json<ProjectView>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.work().close_project(id, caller.id))
            .await?,
    ))
}
