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
