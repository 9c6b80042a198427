//! Transitions and learning paths over HTTP.
//!
//! Who may see what: an occupation's transitions are taxonomy data, open to anyone. A worker's
//! transitions and learning paths say what that person lacks, so only the profile's owner may
//! ask for them (another account's answers 403, like changing their profile).

use axum::Json;
use axum::extract::{RawQuery, State};
use guild_matching::{Money, TaskId, WorkerId};
use guild_platform::{Origin, PathReport, PathRequest, PathTarget, TransitionReport};
use guild_taxonomy::Source;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::matching::own_worker;
use crate::params::{Params, Path};

fn taxonomy(p: &Params) -> Result<Option<Source>, ApiError> {
    p.text("taxonomy")
        .map(Source::parse)
        .transpose()
        .map_err(|e| ApiError::bad_parameter("taxonomy", e.to_string()))
}

async fn transitions(
    state: AppState,
    origin: Origin,
    raw: Option<String>,
    extra: &[&str],
) -> Result<Json<TransitionReport>, ApiError> {
    let allowed: Vec<&str> = ["limit", "gap", "taxonomy"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    let p = Params::parse(raw.as_deref(), &allowed)?;
    let limit = p.int_in("limit", 1..=100, 10)?;
    let gap = p.int_in("gap", 0..=200, 10)?;
    let taxonomy = taxonomy(&p)?;
    let report = state
        .on_platform(move |platform| platform.transitions(&origin, taxonomy, limit, gap))
        .await?;
    Ok(Json(report))
}

/// The nearest occupations from an occupation, each with its gap, remote-ability, AI exposure
/// and demand on Guild. Served under `/api/v1/occupations/{id}/transitions`.
#[utoipa::path(get, path = "/api/v1/occupations/{id}/transitions", tag = "reskilling",
    params(
        ("id" = String, Path, description = "Occupation id, e.g. onet:47-5041.00"),
        ("limit" = Option<usize>, Query, description = "How many transitions (1–100, default 10)"),
        ("gap" = Option<usize>, Query, description = "Gap items per transition (0–200, default 10)"),
        ("taxonomy" = Option<String>, Query, description = "Rank targets in this taxonomy (onet, esco, guild); default the occupation's own"),
    ),
    responses((status = 200, body = TransitionReport), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem)))]
pub async fn occupation_transitions(
    state: AppState,
    id: String,
    raw: Option<String>,
) -> Result<Json<TransitionReport>, ApiError> {
    transitions(state, Origin::Occupation(id), raw, &[]).await
}

/// The nearest occupations from the caller's worker profile: built on the occupation they have
/// done (`occupation`, or inferred from their skills), raised by their own skills.
#[utoipa::path(get, path = "/api/v1/workers/{id}/transitions", tag = "reskilling",
    params(
        ("id" = i64, Path, description = "Worker id"),
        ("occupation" = Option<String>, Query, description = "The occupation the worker has done, if the profile does not say enough"),
        ("limit" = Option<usize>, Query, description = "How many transitions (1–100, default 10)"),
        ("gap" = Option<usize>, Query, description = "Gap items per transition (0–200, default 10)"),
        ("taxonomy" = Option<String>, Query, description = "Rank targets in this taxonomy (onet, esco, guild)"),
    ),
    responses((status = 200, body = TransitionReport), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn worker_transitions(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    RawQuery(raw): RawQuery,
) -> Result<Json<TransitionReport>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let p = Params::parse(raw.as_deref(), &["limit", "gap", "taxonomy", "occupation"])?;
    let occupation = p.text("occupation").map(str::to_owned);
    transitions(
        state,
        Origin::Worker { id, occupation },
        raw,
        &["occupation"],
    )
    .await
}

/// What a learning path leads to: exactly one of the three.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetBody {
    /// An occupation id (any taxonomy).
    pub occupation: Option<String>,
    /// A taxonomy task statement id, e.g. onet:task:8823.
    pub task: Option<String>,
    /// An open task on Guild.
    pub open_task: Option<i64>,
}

/// A learning-path request: the caller's worker (or an occupation) and a target.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PathBody {
    /// The caller's worker profile; or give `occupation` to plan from an occupation.
    pub worker: Option<WorkerId>,
    /// Plan from this occupation (instead of a worker), or, with `worker`, the occupation the
    /// worker has done.
    pub occupation: Option<String>,
    /// Where to go.
    pub target: TargetBody,
    /// Accepted languages of resources (empty: any).
    #[serde(default)]
    pub languages: Vec<String>,
    /// What an hour of the learner's time is worth (prices hours in the plan).
    pub hour_value: Option<Money>,
    /// At most this many needs go into the plan (1–200, default 20).
    pub max_needs: Option<usize>,
}

/// The gap to a target, the cheapest learning path over the catalogue (weighted set cover:
/// exact for small gaps, greedy with a bound otherwise; ordered by prerequisites), bridge work
/// (open tasks the learner can do that practise missing skills) and the target's tasks the
/// learner can already do.
#[utoipa::path(post, path = "/api/v1/learning-paths", tag = "reskilling", request_body = PathBody,
    responses((status = 200, body = PathReport), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn learning_path(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(body): Body<PathBody>,
) -> Result<Json<PathReport>, ApiError> {
    let origin = match (body.worker, &body.occupation) {
        (Some(w), occupation) => {
            own_worker(&state, caller.id, w).await?;
            Origin::Worker {
                id: w,
                occupation: occupation.clone(),
            }
        }
        (None, Some(o)) => Origin::Occupation(o.clone()),
        (None, None) => {
            return Err(ApiError::bad_body(
                "give the learner: \"worker\" (your worker profile) or \"occupation\"",
            ));
        }
    };
    let t = &body.target;
    let target = match (&t.occupation, &t.task, t.open_task) {
        (Some(o), None, None) => PathTarget::Occupation(o.clone()),
        (None, Some(task), None) => PathTarget::TaxonomyTask(task.clone()),
        (None, None, Some(id)) => PathTarget::OpenTask(TaskId(id)),
        _ => {
            return Err(ApiError::bad_field(
                "target",
                "give exactly one of occupation, task or open_task",
            ));
        }
    };
    let max_needs = body.max_needs.unwrap_or(20);
    if !(1..=200).contains(&max_needs) {
        return Err(ApiError::bad_field("max_needs", "must be 1 to 200"));
    }
    let request = PathRequest {
        origin,
        target,
        languages: body.languages,
        hour_value: body.hour_value,
        max_needs,
    };
    let report = state
        .on_platform(move |platform| platform.learning_path(&request))
        .await?;
    Ok(Json(report))
}

/// An occupation a worker says they have done.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NamedOccupation {
    /// Its id (any taxonomy).
    pub id: String,
    /// Its title.
    pub title: String,
}

/// The occupations a worker named, with titles, in the order they named them.
fn named_occupations(
    store: &guild_store::Store,
    worker: WorkerId,
) -> Result<Vec<NamedOccupation>, guild_store::StoreError> {
    store
        .work()
        .worker_occupations(worker)?
        .into_iter()
        .map(|id| {
            Ok(NamedOccupation {
                title: store.taxonomy().occupation_title(&id)?,
                id,
            })
        })
        .collect()
}

/// The occupations the caller's worker has done (the starts of "where next"): only the
/// profile's owner.
#[utoipa::path(get, path = "/api/v1/workers/{id}/occupations", tag = "reskilling",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = [NamedOccupation]), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn worker_occupations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
) -> Result<Json<Vec<NamedOccupation>>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let named = state
        .on_store(move |store| named_occupations(store, id))
        .await?;
    Ok(Json(named))
}

/// Adds an occupation the worker has done (any taxonomy; at most 8): 201 when new, 200 when
/// it was named already. Answers the occupations named.
#[utoipa::path(put, path = "/api/v1/workers/{id}/occupations/{occupation}", tag = "reskilling",
    params(("id" = i64, Path, description = "Worker id"),
           ("occupation" = String, Path, description = "Occupation id, e.g. onet:47-5041.00")),
    responses((status = 201, body = [NamedOccupation], description = "Added"),
              (status = 200, body = [NamedOccupation], description = "Named already"),
              (status = 403, body = crate::Problem), (status = 404, body = crate::Problem),
              (status = 409, body = crate::Problem, description = "too-many-occupations")),
    security(("bearer" = [])))]
pub async fn add_worker_occupation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, occupation)): Path<(WorkerId, String)>,
) -> Result<(axum::http::StatusCode, Json<Vec<NamedOccupation>>), ApiError> {
    own_worker(&state, caller.id, id).await?;
    let occupation = occupation.trim_start_matches('/').to_owned();
    let (new, named) = state
        .on_platform(move |platform| {
            let new = platform.add_occupation(id, &occupation)?;
            Ok((new, named_occupations(platform.store(), id)?))
        })
        .await?;
    let status = if new {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(named)))
}

/// Removes an occupation from those the worker named: 204, or 404 when it was not named.
#[utoipa::path(delete, path = "/api/v1/workers/{id}/occupations/{occupation}", tag = "reskilling",
    params(("id" = i64, Path, description = "Worker id"),
           ("occupation" = String, Path, description = "Occupation id")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn remove_worker_occupation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, occupation)): Path<(WorkerId, String)>,
) -> Result<axum::http::StatusCode, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let occupation = occupation.trim_start_matches('/').to_owned();
    let removed = state
        .on_store({
            let occupation = occupation.clone();
            move |store| store.work().remove_worker_occupation(id, &occupation)
        })
        .await?;
    if removed {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "worker {id} has not named occupation {occupation}"
        )))
    }
}

/// Where the caller's worker can go next: the nearest moves from every occupation they named
/// (or, when they named none, from the one their skills suggest, marked `stated: false`), each
/// with the index of the start it leads from.
#[utoipa::path(get, path = "/api/v1/workers/{id}/where-next", tag = "reskilling",
    params(
        ("id" = i64, Path, description = "Worker id"),
        ("limit" = Option<usize>, Query, description = "How many moves (1–100, default 10)"),
        ("gap" = Option<usize>, Query, description = "Gap items per move (0–200, default 10)"),
    ),
    responses((status = 200, body = guild_platform::WhereNext), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn worker_where_next(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WorkerId>,
    RawQuery(raw): RawQuery,
) -> Result<Json<guild_platform::WhereNext>, ApiError> {
    own_worker(&state, caller.id, id).await?;
    let p = Params::parse(raw.as_deref(), &["limit", "gap"])?;
    let limit = p.int_in("limit", 1..=100, 10)?;
    let gap = p.int_in("gap", 0..=200, 10)?;
    let next = state
        .on_platform(move |platform| platform.where_next(id, limit, gap))
        .await?;
    Ok(Json(next))
}
