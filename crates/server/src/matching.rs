//! Worker profiles, tasks, and matches both ways.
//!
//! Who may do what: any signed-in account may read worker profiles and open tasks (that is
//! what a marketplace is); only the owner may change them, list a closed task, or see the
//! matches of their task or profile. Reading what is not visible answers 404, changing what is
//! visible but not one's own answers 403.

use guild_ids::AccountId;
use std::sync::Arc;
use std::time::Duration;

use crate::params::Path;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use guild_matching::{
    Breakdown, Exclusion, GeoPoint, LiveIndex, RankScratch, Task, TaskId, TaskStatus, Worker,
    WorkerId,
};
use guild_platform::{Matches, TaskMatch, WorkerMatch};
use guild_store::{StoreError, StoredTask, StoredWorker};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Admin, Caller};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::Params;

/// The matching index over the store's current workers and open tasks, brought up to date
/// on the blocking pool. A request that gives up (its timeout) does not abandon a build that
/// every later request needs: the blocking task runs to the end, and the platform keeps what
/// it built.
pub(crate) async fn match_index(state: &AppState) -> Result<Arc<LiveIndex>, ApiError> {
    let platform = state.platform.clone();
    match tokio::task::spawn_blocking(move || platform.match_index()).await {
        Ok(index) => index.map_err(ApiError::from),
        Err(join) => Err(ApiError::internal(&join)),
    }
}

/// Keeps the matching index following the store every `period` until the server stops (see
/// `Platform::follow_matching`); the first round builds it when the store has ever had workers
/// or tasks, so that a large store's first match does not wait for it.
pub async fn keep_following(state: AppState, period: Duration) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    let mut first = true;
    loop {
        tick.tick().await;
        let platform = state.platform.clone();
        let round = tokio::task::spawn_blocking(move || platform.follow_matching(first)).await;
        first = false;
        match round {
            Ok(Ok(())) => failing = false,
            // Once per outage, not once per tick.
            Ok(Err(e)) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "following the store's matching changes failed");
            }
            Ok(Err(_)) => {}
            Err(join) => {
                tracing::warn!(error = %join, "following the store's matching changes failed")
            }
        }
    }
}

/// A worker profile as answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkerView {
    /// The profile.
    #[serde(flatten)]
    pub worker: Worker,
    /// Whether the caller owns it.
    pub mine: bool,
}

/// A task as answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskView {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// `draft`, `open`, `invited` or `closed`.
    pub status: TaskStatus,
    /// Whether the caller owns it.
    pub mine: bool,
}

/// A page of profiles or tasks, in id order.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

fn worker_view(w: StoredWorker, caller: AccountId) -> WorkerView {
    let mine = w.owner == Some(caller);
    let mut worker = w.worker;
    if !mine {
        // Others see where a worker is to about 10 km, not their address.
        worker.location = worker.location.map(GeoPoint::coarse);
    }
    WorkerView { mine, worker }
}

pub(crate) fn task_view(t: StoredTask, caller: AccountId) -> TaskView {
    TaskView {
        mine: t.owner == Some(caller),
        status: t.status,
        task: t.task,
    }
}

/// Reads a task the caller may see: open, published to invited workers and the caller's
/// worker is one, or theirs. Drafts and closed tasks are their owner's alone.
async fn visible_task(
    state: &AppState,
    caller: AccountId,
    id: TaskId,
) -> Result<StoredTask, ApiError> {
    let (t, invited) = state
        .on_store(move |store| {
            let t = store.work().task(id)?;
            let invited = t.status == TaskStatus::Invited && store.work().invited_to(id, caller)?;
            Ok((t, invited))
        })
        .await?;
    if !t.status.visible(t.owner == Some(caller), invited) {
        return Err(ApiError::not_found(format!("task {id} not found")));
    }
    Ok(t)
}

/// Reads a task the caller owns: 404 when invisible, 403 when visible but not theirs.
pub(crate) async fn own_task(
    state: &AppState,
    caller: AccountId,
    id: TaskId,
) -> Result<StoredTask, ApiError> {
    let t = visible_task(state, caller, id).await?;
    if t.owner != Some(caller) {
        return Err(ApiError::forbidden(format!(
            "task {id} belongs to another account"
        )));
    }
    Ok(t)
}

pub(crate) async fn own_worker(
    state: &AppState,
    caller: AccountId,
    id: WorkerId,
) -> Result<StoredWorker, ApiError> {
    let w = state.on_store(move |store| store.work().worker(id)).await?;
    if w.owner != Some(caller) {
        return Err(ApiError::forbidden(format!(
            "worker profile {id} belongs to another account"
        )));
    }
    Ok(w)
}

/// Creates the caller's worker profile (one per account).
#[utoipa::path(post, path = "/api/v1/workers", tag = "matching", request_body = Worker,
    responses((status = 201, body = WorkerView), (status = 400, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create_worker(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(worker): Body<Worker>,
) -> Result<(StatusCode, Json<WorkerView>), ApiError> {
    let stored = state
        .on_store(move |store| {
            let id = store.work().create_worker(Some(caller.id), &worker)?;
            store.work().worker(id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(worker_view(stored, caller.id))))
}

/// Lists worker profiles.
#[utoipa::path(get, path = "/api/v1/workers", tag = "matching",
    params(("after" = Option<i64>, Query, description = "Last id of the previous page"),
           ("limit" = Option<usize>, Query, description = "1–200, default 50")),
    responses((status = 200, body = Page<WorkerView>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn list_workers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<WorkerView>>, ApiError> {
    let p = Params::parse(raw.as_deref(), &["after", "limit"])?;
    let limit = p.int_in("limit", 1..=200, 50)?;
    let after = p.int_in("after", 0..=i64::MAX as usize, 0)? as i64;
    let found = state
        .on_store(move |store| store.work().list_workers(after, limit))
        .await?;
    let next_after = (found.len() == limit)
        .then(|| found.last().map(|w| w.worker.id.get()))
        .flatten();
    Ok(Json(Page {
        items: found
            .into_iter()
            .map(|w| worker_view(w, caller.id))
            .collect(),
        next_after,
    }))
}

/// One worker profile.
#[utoipa::path(get, path = "/api/v1/workers/{id}", tag = "matching",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = WorkerView), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get_worker(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<Json<WorkerView>, ApiError> {
    let me = caller.id;
    let w = state
        .on_store(move |store| {
            // Someone else's profile may be a little stale (read from a replica); the caller's
            // own, or one the replica does not have yet, is read again from the primary.
            match store.replica().work().worker(id) {
                Ok(w) if w.owner != Some(me) => Ok(w),
                Ok(_) | Err(StoreError::NotFound { .. }) => store.work().worker(id),
                Err(e) => Err(e),
            }
        })
        .await?;
    Ok(Json(worker_view(w, caller.id)))
}

/// Replaces the caller's worker profile.
#[utoipa::path(put, path = "/api/v1/workers/{id}", tag = "matching", request_body = Worker,
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = WorkerView), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn update_worker(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    Body(worker): Body<Worker>,
) -> Result<Json<WorkerView>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let stored = state
        .on_store(move |store| {
            store.work().update_worker(id, &worker)?;
            store.work().worker(id)
        })
        .await?;
    Ok(Json(worker_view(stored, caller.id)))
}

/// Deletes the caller's worker profile.
#[utoipa::path(delete, path = "/api/v1/workers/{id}", tag = "matching",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn delete_worker(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<StatusCode, ApiError> {
    own_worker(&state, caller.id, id).await?;
    state
        .on_store(move |store| store.work().delete_worker(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a task, open.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "matching", request_body = Task,
    responses((status = 201, body = TaskView), (status = 400, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(task): Body<Task>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    let stored = state
        .on_store(move |store| {
            let id = store.work().create_task(Some(caller.id), &task)?;
            store.work().task(id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(task_view(stored, caller.id))))
}

/// Lists the caller's tasks.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "matching",
    params(("after" = Option<i64>, Query, description = "Last id of the previous page"),
           ("limit" = Option<usize>, Query, description = "1–200, default 50")),
    responses((status = 200, body = Page<TaskView>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn list_tasks(
    State(state): State<AppState>,
    Caller(caller): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<TaskView>>, ApiError> {
    let p = Params::parse(raw.as_deref(), &["after", "limit"])?;
    let limit = p.int_in("limit", 1..=200, 50)?;
    let after = p.int_in("after", 0..=i64::MAX as usize, 0)? as i64;
    let found = state
        .on_store(move |store| store.work().list_tasks(Some(caller.id), after, limit))
        .await?;
    let next_after = (found.len() == limit)
        .then(|| found.last().map(|t| t.task.id.get()))
        .flatten();
    Ok(Json(Page {
        items: found.into_iter().map(|t| task_view(t, caller.id)).collect(),
        next_after,
    }))
}

/// One task: open, or the caller's.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "matching",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = TaskView), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<TaskId>,
) -> Result<Json<TaskView>, ApiError> {
    let t = visible_task(&state, caller.id, id).await?;
    Ok(Json(task_view(t, caller.id)))
}

/// A task to store, with its status.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TaskUpdate {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// `draft`, `open` (published to everyone), `invited` (published to invited workers
    /// only) or `closed`; unchanged when absent.
    #[serde(default)]
    pub status: Option<TaskStatus>,
}

/// Replaces one of the caller's tasks.
#[utoipa::path(put, path = "/api/v1/tasks/{id}", tag = "matching", request_body = TaskUpdate,
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = TaskView), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn update_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<TaskId>,
    Body(update): Body<TaskUpdate>,
) -> Result<Json<TaskView>, ApiError> {
    let current = own_task(&state, caller.id, id).await?;
    let status = update.status.unwrap_or(current.status);
    let stored = state
        .on_store(move |store| {
            store.work().update_task(id, &update.task, status)?;
            store.work().task(id)
        })
        .await?;
    Ok(Json(task_view(stored, caller.id)))
}

/// Deletes one of the caller's tasks.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}", tag = "matching",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn delete_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<TaskId>,
) -> Result<StatusCode, ApiError> {
    own_task(&state, caller.id, id).await?;
    state
        .on_store(move |store| store.work().delete_task(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The best workers for one of the caller's tasks.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/matches", tag = "matching",
    params(("id" = i64, Path, description = "Task id"), ("k" = Option<usize>, Query, description = "How many, 1–100 (default 20)")),
    responses((status = 200, body = Matches<WorkerMatch>), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn task_matches(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<TaskId>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Matches<WorkerMatch>>, ApiError> {
    let p = Params::parse(raw.as_deref(), &["k"])?;
    let k = p.int_in("k", 1..=100, 20)?;
    let task = own_task(&state, caller.id, id).await?.task;
    Ok(Json(top_workers_for(&state, task, k, caller.id).await?))
}

/// The `k` best workers for `task`, each with why.
pub(crate) async fn top_workers_for(
    state: &AppState,
    task: Task,
    k: usize,
    shown_to: AccountId,
) -> Result<Matches<WorkerMatch>, ApiError> {
    let platform = state.platform.clone();
    match tokio::task::spawn_blocking(move || platform.rank_workers(&task, k, Some(shown_to))).await
    {
        Ok(ranked) => ranked.map_err(ApiError::from),
        Err(join) => Err(ApiError::internal(&join)),
    }
}

/// The best open tasks for the caller's worker profile.
#[utoipa::path(get, path = "/api/v1/workers/{id}/matches", tag = "matching",
    params(("id" = i64, Path, description = "Worker id"), ("k" = Option<usize>, Query, description = "How many, 1–100 (default 20)")),
    responses((status = 200, body = Matches<TaskMatch>), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn worker_matches(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Matches<TaskMatch>>, ApiError> {
    let p = Params::parse(raw.as_deref(), &["k"])?;
    let k = p.int_in("k", 1..=100, 20)?;
    let worker = own_worker(&state, caller.id, id).await?.worker;
    Ok(Json(top_tasks_for(&state, worker, k, caller.id).await?))
}

/// The `k` best open tasks for `worker`, each with why.
pub(crate) async fn top_tasks_for(
    state: &AppState,
    worker: Worker,
    k: usize,
    shown_to: AccountId,
) -> Result<Matches<TaskMatch>, ApiError> {
    let platform = state.platform.clone();
    match tokio::task::spawn_blocking(move || platform.rank_tasks(&worker, k, Some(shown_to))).await
    {
        Ok(ranked) => ranked.map_err(ApiError::from),
        Err(join) => Err(ApiError::internal(&join)),
    }
}

/// A part of the decision log: the rankings, newest first, and what people did after them,
/// oldest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DecisionLog {
    /// The rankings (at most 500, newest first).
    pub rankings: Vec<guild_store::Decision>,
    /// What was done after them: invitations, applications, hires, declines.
    pub outcomes: Vec<guild_store::Outcome>,
}

/// Every ranking of workers made for one of the caller's tasks, with every candidate's score and
/// its parts and the inputs' versions, and what was done after (the decision log; kept at least
/// six months, never edited).
#[utoipa::path(get, path = "/api/v1/tasks/{id}/decisions", tag = "matching",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = DecisionLog), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn task_decisions(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<TaskId>,
) -> Result<Json<DecisionLog>, ApiError> {
    own_task(&state, caller.id, id).await?;
    let platform = state.platform.clone();
    let (rankings, outcomes) = crate::blocking(move || {
        platform.decisions_of_task(id, guild_store::MAX_DECISIONS_READ as usize)
    })
    .await?;
    Ok(Json(DecisionLog { rankings, outcomes }))
}

/// Every ranking one of the caller's worker profiles appeared in: the tasks ranked for them, and
/// the clients' rankings of workers where they were a candidate (their own rank, score and its
/// parts only, never another worker's), and what was done after (the decision log).
#[utoipa::path(get, path = "/api/v1/workers/{id}/decisions", tag = "matching",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = DecisionLog), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn worker_decisions(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<Json<DecisionLog>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let platform = state.platform.clone();
    let (rankings, outcomes) = crate::blocking(move || {
        platform.decisions_of_worker(id, guild_store::MAX_DECISIONS_READ as usize)
    })
    .await?;
    Ok(Json(DecisionLog { rankings, outcomes }))
}

/// A contest to file: exactly one of `decision` (a ranking the worker appeared in) and `skill`
/// (a skill on their profile, whose reading by Guild is wrong).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestRequest {
    /// The ranking contested: its number in the decision log.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub decision: Option<guild_ids::DecisionId>,
    /// The skill whose reading is contested.
    #[serde(default)]
    pub skill: Option<String>,
    /// Why (1–2,000 characters).
    pub reason: String,
}

/// Contests a ranking the caller's worker profile appeared in, or how Guild read one of its
/// skills. A platform admin decides within 14 days and says why; nothing is decided
/// automatically.
#[utoipa::path(post, path = "/api/v1/workers/{id}/contests", tag = "matching", request_body = ContestRequest,
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 201, body = guild_store::Contest), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem),
              (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn contest(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    Body(req): Body<ContestRequest>,
) -> Result<(StatusCode, Json<guild_store::Contest>), ApiError> {
    let subject = match (req.decision, req.skill) {
        (Some(d), None) => guild_store::ContestSubject::Ranking(d),
        (None, Some(s)) => guild_store::ContestSubject::Skill(
            guild_taxonomy::SkillId::parse(s.trim())
                .map_err(|e| ApiError::bad_field("skill", e.to_string()))?
                .to_string(),
        ),
        _ => {
            return Err(ApiError::bad_field(
                "decision",
                "give either `decision` (a ranking you appeared in) or `skill` (one on your profile), not both",
            ));
        }
    };
    own_worker(&state, caller.id, id).await?;
    let platform = state.platform.clone();
    let filed =
        crate::blocking(move || platform.contest(id, caller.id, &subject, &req.reason)).await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

/// The contests of one of the caller's worker profiles, newest first, with their decisions.
#[utoipa::path(get, path = "/api/v1/workers/{id}/contests", tag = "matching",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = Vec<guild_store::Contest>), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn contests(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<Json<Vec<guild_store::Contest>>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    Ok(Json(
        state
            .on_store(move |store| store.decisions().contests_of(id))
            .await?,
    ))
}

/// Contests waiting for a decision, the earliest due first (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/contests", tag = "admin",
    responses((status = 200, body = Vec<guild_store::Contest>), (status = 403, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn open_contests(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<guild_store::Contest>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.decisions().open_contests())
            .await?,
    ))
}

/// A decision on a contest.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestDecision {
    /// `upheld` (the worker is right) or `rejected` (it stands).
    pub outcome: guild_store::ContestOutcome,
    /// Why, told to the worker (1–2,000 characters).
    pub answer: String,
}

/// Decides a contest (platform admins), saying why; the worker is notified.
#[utoipa::path(post, path = "/api/v1/admin/contests/{id}/decision", tag = "admin", request_body = ContestDecision,
    params(("id" = i64, Path, description = "Contest id")),
    responses((status = 200, body = guild_store::Contest), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem),
              (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn decide_contest(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<guild_ids::ContestId>,
    Body(d): Body<ContestDecision>,
) -> Result<Json<guild_store::Contest>, ApiError> {
    let platform = state.platform.clone();
    Ok(Json(
        crate::blocking(move || platform.decide_contest(id, admin.id, d.outcome, &d.answer))
            .await?,
    ))
}

/// The organisation's reviewers' queue: open contests of rankings for tasks its members posted,
/// the earliest due first (the organisation's reviewers and admins).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/contests", tag = "credentials",
    operation_id = "organisation_contests",
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 200, body = Vec<guild_store::Contest>), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn organisation_contests(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<guild_store::Contest>>, ApiError> {
    let o = crate::credentials::member(&state, caller.id, slug, &["admin", "reviewer"]).await?;
    let platform = state.platform.clone();
    Ok(Json(
        crate::blocking(move || platform.organisation_contests(o.id)).await?,
    ))
}

/// Decides a contest of the organisation's queue, saying why; the worker is notified. Whoever
/// posted the task the ranking was for does not decide on it (409).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/contests/{id}/decision", tag = "credentials",
    operation_id = "decide_organisation_contest", request_body = ContestDecision,
    params(("slug" = String, Path, description = "The organisation"), ("id" = i64, Path, description = "Contest id")),
    responses((status = 200, body = guild_store::Contest), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem),
              (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn decide_organisation_contest(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((slug, id)): Path<(String, guild_ids::ContestId)>,
    Body(d): Body<ContestDecision>,
) -> Result<Json<guild_store::Contest>, ApiError> {
    let o = crate::credentials::member(&state, caller.id, slug, &["admin", "reviewer"]).await?;
    let platform = state.platform.clone();
    Ok(Json(
        crate::blocking(move || {
            platform.decide_organisation_contest(o.id, id, caller.id, d.outcome, &d.answer)
        })
        .await?,
    ))
}

/// A voluntary declaration for the fairness audit: any of the four dimensions (leave one out to
/// not say), and consent to the purpose (`GET` shows it).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationRequest {
    /// Consent to the purpose: must be `true`.
    pub consent: bool,
    /// `female`, `male`, `non_binary` or `other`.
    #[serde(default)]
    pub sex: Option<String>,
    /// An EEO-1 category: `hispanic_or_latino`, `white`, `black_or_african_american`, `asian`,
    /// `american_indian_or_alaska_native`, `native_hawaiian_or_pacific_islander`, `two_or_more`,
    /// `other`.
    #[serde(default)]
    pub race_ethnicity: Option<String>,
    /// `under_25`, `25_39`, `40_54` or `55_plus`.
    #[serde(default)]
    pub age_band: Option<String>,
    /// `yes` or `no`.
    #[serde(default)]
    pub disability: Option<String>,
}

/// A worker's declaration as they read it back, with the purpose they consented to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DeclarationView {
    /// The declaration.
    pub declaration: guild_store::Declaration,
    /// What it is for, and never for.
    pub purpose_text: &'static str,
}

/// Declares, voluntarily, sex, race/ethnicity, age band and disability for the fairness audit
/// only: sealed apart from the profile, never an input to any ranking or score, never shown to
/// anyone but the worker; replaces an earlier declaration.
#[utoipa::path(put, path = "/api/v1/workers/{id}/declaration", tag = "matching", request_body = DeclarationRequest,
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 204), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem),
              (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn declare(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    Body(req): Body<DeclarationRequest>,
) -> Result<StatusCode, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let categories: std::collections::BTreeMap<String, String> = [
        ("sex", req.sex),
        ("race_ethnicity", req.race_ethnicity),
        ("age_band", req.age_band),
        ("disability", req.disability),
    ]
    .into_iter()
    .filter_map(|(d, c)| Some((d.to_owned(), c?.trim().to_owned())))
    .collect();
    let platform = state.platform.clone();
    crate::blocking(move || platform.declare(id, &categories, req.consent)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own declaration (nobody else reads it but the audit).
#[utoipa::path(get, path = "/api/v1/workers/{id}/declaration", tag = "matching",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = DeclarationView), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn declaration(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<Json<DeclarationView>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    match state
        .on_store(move |store| store.decisions().declaration(id))
        .await?
    {
        Ok(Some(declaration)) => Ok(Json(DeclarationView {
            declaration,
            purpose_text: guild_platform::DECLARATION_PURPOSE,
        })),
        Ok(None) => Err(ApiError::from(StoreError::NotFound {
            what: "declaration (none was made)",
            id: id.to_string(),
        })),
        Err(at) => Err(ApiError::from(StoreError::NotFound {
            what: "declaration (consent was withdrawn and the data erased)",
            id: format!("{id}, withdrawn at {at}"),
        })),
    }
}

/// Withdraws consent: the declaration is erased at once; later audits count it as withdrawn.
#[utoipa::path(delete, path = "/api/v1/workers/{id}/declaration", tag = "matching",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn withdraw_declaration(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<StatusCode, ApiError> {
    own_worker(&state, caller.id, id).await?;
    state
        .on_store(move |store| store.decisions().withdraw_declaration(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why a worker does or does not fit a task.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Fit {
    /// The score and its breakdown.
    Match(Breakdown),
    /// Why the worker is excluded.
    Excluded {
        /// The hard constraint that fails.
        excluded: Exclusion,
    },
}

/// Explains the fit of any worker for one of the caller's tasks.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/matches/{worker}", tag = "matching",
    params(("id" = i64, Path, description = "Task id"), ("worker" = i64, Path, description = "Worker id")),
    responses((status = 200, body = Fit), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn explain_match(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, worker)): Path<(TaskId, WorkerId)>,
) -> Result<Json<Fit>, ApiError> {
    let task = own_task(&state, caller.id, id).await?.task;
    let worker = state
        .on_store(move |store| store.work().worker(worker))
        .await?
        .worker;
    let index = match_index(&state).await?;
    Ok(Json(match index.explain(&task, &worker)? {
        Ok(b) => Fit::Match(b),
        Err(excluded) => Fit::Excluded { excluded },
    }))
}

/// Tasks to fill at once.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    /// The caller's tasks to fill (1–2,000, each at most once).
    pub tasks: Vec<TaskId>,
    /// Only these workers (default: the best `candidates_per_task` workers of each task).
    #[serde(default)]
    pub workers: Option<Vec<WorkerId>>,
    /// Candidates considered per task when `workers` is not given (1–500, default 50).
    #[serde(default)]
    pub candidates_per_task: Option<usize>,
    /// Tasks each worker may take, by worker id (default: hours a week ÷ the mean weekly hours
    /// of the tasks, at least 1).
    #[serde(default)]
    pub capacities: std::collections::HashMap<String, u32>,
}

/// Assigns many of the caller's tasks to workers at once, maximising the total match score;
/// workers may take several tasks up to their capacity. Exact (min-cost flow), with a dual
/// certificate.
#[utoipa::path(post, path = "/api/v1/assignments", tag = "matching", request_body = AssignmentRequest,
    responses((status = 200, body = guild_matching::assign::BatchAssignment), (status = 400, body = crate::Problem),
              (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn assign(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(req): Body<AssignmentRequest>,
) -> Result<Json<guild_matching::assign::BatchAssignment>, ApiError> {
    use guild_matching::assign::{BatchAssignment, assign_batch};

    if req.tasks.is_empty() || req.tasks.len() > 2000 {
        return Err(ApiError::bad_field("tasks", "give 1 to 2,000 task ids"));
    }
    let req_tasks = req.tasks.len();
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = req.tasks.iter().find(|t| !seen.insert(**t)) {
        return Err(ApiError::bad_field(
            "tasks",
            format!("task {dup} is listed twice"),
        ));
    }
    let per_task = req.candidates_per_task.unwrap_or(50);
    if !(1..=500).contains(&per_task) {
        return Err(ApiError::bad_field(
            "candidates_per_task",
            "must be 1 to 500",
        ));
    }
    let mut tasks = Vec::with_capacity(req.tasks.len());
    for &id in &req.tasks {
        let t = own_task(&state, caller.id, id).await?;
        if t.status != TaskStatus::Open {
            return Err(ApiError::bad_field("tasks", format!("task {id} is closed")));
        }
        tasks.push(t.task);
    }
    let index = match_index(&state).await?;
    let store = state.store.clone();
    let answer = tokio::task::spawn_blocking(move || -> Result<BatchAssignment, ApiError> {
        // The workers considered, with their profiles (for capacities), and the candidate arcs.
        let mut columns: Vec<Worker> = Vec::new();
        let mut column_of: std::collections::HashMap<WorkerId, usize> =
            std::collections::HashMap::new();
        let mut arcs: Vec<(usize, WorkerId, f32)> = Vec::new();
        match &req.workers {
            Some(ids) => {
                if ids.is_empty() || ids.len() > 10_000 {
                    return Err(ApiError::bad_field(
                        "workers",
                        "give 1 to 10,000 worker ids",
                    ));
                }
                let mut listed = std::collections::HashSet::new();
                if let Some(wid) = ids.iter().find(|w| !listed.insert(**w)) {
                    return Err(ApiError::bad_field(
                        "workers",
                        format!("worker {wid} is listed twice"),
                    ));
                }
                for w in store.work().workers(ids)? {
                    let w = w.worker;
                    let wid = w.id;
                    for (t, task) in tasks.iter().enumerate() {
                        if let Ok(b) = index.explain(task, &w)? {
                            arcs.push((t, w.id, b.score));
                        }
                    }
                    column_of.insert(wid, columns.len());
                    columns.push(w);
                }
            }
            None => {
                let mut scratch = RankScratch::default();
                let mut ids = Vec::new();
                for (t, task) in tasks.iter().enumerate() {
                    for r in index.top_workers(task, per_task, &mut scratch)? {
                        if let std::collections::hash_map::Entry::Vacant(e) = column_of.entry(r.id)
                        {
                            e.insert(ids.len());
                            ids.push(r.id);
                        }
                        arcs.push((t, r.id, r.score));
                    }
                }
                columns = store
                    .work()
                    .workers(&ids)?
                    .into_iter()
                    .map(|w| w.worker)
                    .collect();
            }
        }
        let mut capacities = std::collections::HashMap::new();
        for (key, &n) in &req.capacities {
            match key
                .parse::<WorkerId>()
                .ok()
                .filter(|id| column_of.contains_key(id))
            {
                Some(id) => capacities.insert(id, n),
                None => {
                    return Err(ApiError::bad_field(
                        "capacities",
                        format!("{key:?} is not one of the workers considered"),
                    ));
                }
            };
        }
        Ok(assign_batch(&tasks, &columns, &arcs, &capacities)?)
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    state.platform.log_decision(guild_store::NewDecision {
        at: state.store.now(),
        kind: guild_store::DecisionKind::Assignment,
        shown_to: Some(caller.id),
        task: None,
        worker: None,
        k: req_tasks,
        considered: answer.candidates,
        inputs: state.platform.decision_inputs(),
        candidates: answer
            .assignments
            .iter()
            .map(|a| guild_store::NewCandidate {
                worker: a.worker,
                task: a.task,
                score: a.score,
                parts: "{}".to_owned(),
            })
            .collect(),
    });
    Ok(Json(answer))
}

/// A member of the proposed team.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamMemberView {
    /// The worker.
    pub worker: WorkerId,
    /// Their name.
    pub name: String,
    /// The skills of the needs they take.
    #[schema(value_type = Vec<String>)]
    pub skills: Vec<guild_taxonomy::SkillId>,
    /// Hours billed, overhead included.
    pub hours: f64,
    /// What they cost, minor units.
    pub cost: i64,
}

/// The cheapest team found.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamAnswer {
    /// The members.
    pub members: Vec<TeamMemberView>,
    /// Total cost, minor units.
    pub total_cost: i64,
    /// Currency of the costs.
    #[schema(value_type = String)]
    pub currency: guild_matching::Currency,
    /// No team costs less than this.
    pub lower_bound: i64,
    /// Whether the cost is proven least.
    pub exact: bool,
    /// (cost − lower bound) / cost.
    pub gap: f64,
    /// Workers considered (rate in the currency, some hours).
    pub considered: usize,
}

/// Proposes the cheapest team of workers that covers a project's skills, within time-zone
/// overlap, team size and budget. Exact when the search finishes; otherwise with its gap to a
/// lower bound. No feasible team answers 422 with the reason.
#[utoipa::path(post, path = "/api/v1/teams", tag = "matching", request_body = guild_matching::team::Project,
    responses((status = 200, body = TeamAnswer), (status = 400, body = crate::Problem), (status = 422, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn team(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(project): Body<guild_matching::team::Project>,
) -> Result<Json<TeamAnswer>, ApiError> {
    Ok(Json(propose_team(&state, project, caller.id).await?))
}

/// The cheapest team that covers `project`'s needs, or why there is none, as shown to
/// `shown_to` (the proposal goes to the decision log).
pub(crate) async fn propose_team(
    state: &AppState,
    project: guild_matching::team::Project,
    shown_to: AccountId,
) -> Result<TeamAnswer, ApiError> {
    let answer = form_team(state, project).await?;
    state.platform.log_decision(guild_store::NewDecision {
        at: state.store.now(),
        kind: guild_store::DecisionKind::Team,
        shown_to: Some(shown_to),
        task: None,
        worker: None,
        k: answer.members.len(),
        considered: answer.considered,
        inputs: state.platform.decision_inputs(),
        candidates: answer
            .members
            .iter()
            .map(|m| guild_store::NewCandidate {
                worker: m.worker,
                task: TaskId(0),
                score: 0.0,
                parts: serde_json::json!({
                    "skills": m.skills.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                    "hours": m.hours,
                    "cost": m.cost,
                    "currency": answer.currency.code(),
                })
                .to_string(),
            })
            .collect(),
    });
    Ok(answer)
}

/// The cheapest team that covers `project`'s needs, or why there is none.
async fn form_team(
    state: &AppState,
    project: guild_matching::team::Project,
) -> Result<TeamAnswer, ApiError> {
    use guild_matching::team::{TeamOptions, form_team};

    let index = match_index(state).await?;
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || -> Result<TeamAnswer, ApiError> {
        let workers = store.work().all_workers()?;
        let (request, candidates) = project.resolve(index.similarity().vocabulary(), &workers)?;
        let team = form_team(&candidates, &request, &TeamOptions::default())?;
        let names: std::collections::HashMap<WorkerId, &str> =
            workers.iter().map(|w| (w.id, w.name.as_str())).collect();
        Ok(TeamAnswer {
            members: team
                .members
                .iter()
                .map(|m| TeamMemberView {
                    worker: WorkerId(m.worker as i64),
                    name: names
                        .get(&WorkerId(m.worker as i64))
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    skills: m
                        .needs
                        .iter()
                        .map(|&i| project.needs[i].skill.clone())
                        .collect(),
                    hours: m.hours,
                    cost: m.cost,
                })
                .collect(),
            total_cost: team.total_cost,
            currency: project.currency,
            lower_bound: team.lower_bound,
            exact: team.exact,
            gap: team.gap,
            considered: candidates.len(),
        })
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
}
