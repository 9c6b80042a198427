//! The catalogue of learning resources, workers' offers to teach, and trainers for a learner.
//!
//! Who may do what: anyone may read the catalogue, signed in or not. A signed-in account may add
//! resources (one as JSON, or many at once as a JSON array or CSV, all or nothing) and change or
//! delete its own; resources the operator imported (`guild resources import`) belong to no
//! account and cannot be changed over the API. As with worker profiles and tasks, what is
//! visible but not the caller's answers 403. Any signed-in account may see a worker's offers to
//! teach; only the worker's owner may change them. Trainers are ranked for the caller's own
//! worker profile (another's answers 404) or for languages and a time zone given in the query.

use crate::params::Path;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use guild_ids::{AccountId, ResourceId};
use guild_matching::{Money, Proficiency, WorkerId};
use guild_reskilling::ReskillError;
use guild_reskilling::catalogue::{LearningResource, ResourceKind, parse_csv, parse_json};
use guild_reskilling::trainers::{ExcludedTrainer, Learner, MIN_TRAINER_LEVEL, TrainerMatch, rank};
use guild_store::{ResourceFilter, StoredResource, StoredWorker, TeachingOffer};
use guild_taxonomy::SkillId;
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::matching::Page;
use crate::params::Params;
use crate::{AppState, blocking};

/// A learning resource as answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ResourceView {
    /// The resource.
    #[serde(flatten)]
    pub resource: LearningResource,
    /// Whether the operator added it (`guild resources import`): such resources cannot be
    /// changed over the API.
    pub operator: bool,
}

fn view(r: StoredResource) -> ResourceView {
    ResourceView {
        operator: r.owner.is_none(),
        resource: r.resource,
    }
}

/// What `POST /api/v1/learning-resources` takes as JSON: one resource as an object, or many
/// as an array (documentation only: the handler tells them apart by the first character).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ResourcesIn {
    /// One resource.
    One(LearningResource),
    /// Many, stored all or nothing.
    Many(Vec<LearningResource>),
}

/// What `POST /api/v1/learning-resources` answers: the resource when one was sent, a summary
/// when many were.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ResourcesCreated {
    /// The one resource stored.
    One(ResourceView),
    /// What a bulk import stored.
    Many(ImportAnswer),
}

/// What a bulk import stored.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportAnswer {
    /// How many resources were stored.
    pub imported: usize,
    /// Their ids, in the order of the file.
    pub ids: Vec<ResourceId>,
}

/// A path id as a number, answered as problem+json when it is not one.
fn path_id<I: From<PathNumber>>(raw: &str, name: &str) -> Result<I, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|&i| i > 0)
        .map(|n| I::from(PathNumber(n)))
        .ok_or_else(|| ApiError::bad_parameter(name, format!("{raw:?} is not an id")))
}

/// A positive number read from a path, before it is given the id type of its record.
struct PathNumber(i64);

impl From<PathNumber> for ResourceId {
    fn from(n: PathNumber) -> Self {
        ResourceId(n.0)
    }
}

impl From<PathNumber> for WorkerId {
    fn from(n: PathNumber) -> Self {
        WorkerId(n.0)
    }
}

fn path_skill(raw: &str) -> Result<SkillId, ApiError> {
    SkillId::parse(raw.trim_start_matches('/'))
        .map_err(|e| ApiError::bad_parameter("skill", e.to_string()))
}

/// 415 with a detail naming the content types taken.
fn unsupported_media_type(got: &str) -> Response {
    let status = StatusCode::UNSUPPORTED_MEDIA_TYPE;
    let problem = Problem {
        kind: "urn:guild:problem:unsupported-media-type".to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: format!(
            "send one resource as JSON (Content-Type: application/json), many as a JSON array, \
             or a catalogue as CSV (Content-Type: text/csv), not {got:?}"
        ),
        parameter: None,
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_vec(&problem).unwrap_or_default(),
    )
        .into_response()
}

fn catalogue_error(e: ReskillError) -> ApiError {
    ApiError::bad_body(e.to_string())
}

/// The body's bytes; text with a control character (NUL and the like) is refused here as in
/// every JSON body (CSV and JSON alike: the catalogue is text).
fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(crate::MAX_BODY_BYTES)
        } else {
            ApiError::bad_body(rejection.body_text())
        }
    })?;
    if let Some(at) = crate::body::control_character_at(&bytes) {
        return Err(ApiError::bad_field(
            &at,
            "holds a control character (such as NUL); text may hold tabs and line breaks, not other control characters",
        ));
    }
    if let Ok(text) = std::str::from_utf8(&bytes)
        && crate::body::has_control(text)
    {
        return Err(ApiError::bad_body(
            "the body holds a control character (such as NUL); text may hold tabs and line breaks, not other control characters",
        ));
    }
    Ok(bytes)
}

/// One resource from a JSON body.
fn one_resource(bytes: &[u8]) -> Result<LearningResource, ApiError> {
    let r: LearningResource = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_body(format!("the body is not a learning resource: {e}")))?;
    r.validate().map_err(catalogue_error)?;
    Ok(r)
}

fn json_type(content_type: &str) -> bool {
    content_type == "application/json"
        || (content_type.starts_with("application/") && content_type.ends_with("+json"))
}

/// Lists the catalogue: anyone may read it.
#[utoipa::path(get, path = "/api/v1/learning-resources", tag = "reskilling",
    params(("skill" = Option<String>, Query, description = "Only resources that teach this skill"),
           ("language" = Option<String>, Query, description = "Only resources in this language, e.g. en"),
           ("kind" = Option<String>, Query, description = "course, test, practice or mentoring"),
           ("after" = Option<i64>, Query, description = "Last id of the previous page"),
           ("limit" = Option<usize>, Query, description = "1–200, default 50")),
    responses((status = 200, body = Page<ResourceView>), (status = 400, body = crate::Problem)))]
pub async fn list_resources(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<ResourceView>>, ApiError> {
    let p = Params::parse(
        raw.as_deref(),
        &["skill", "language", "kind", "after", "limit"],
    )?;
    let limit = p.int_in("limit", 1..=guild_store::MAX_PAGE_SIZE, 50)?;
    let filter = ResourceFilter {
        skill: p
            .text("skill")
            .map(SkillId::parse)
            .transpose()
            .map_err(|e| ApiError::bad_parameter("skill", e.to_string()))?,
        language: p
            .text("language")
            .map(|l| {
                guild_taxonomy::normalize::language_tag(l).ok_or_else(|| {
                    ApiError::bad_parameter(
                        "language",
                        format!("{l:?} is not a language tag like en or nl"),
                    )
                })
            })
            .transpose()?,
        kind: p
            .text("kind")
            .map(ResourceKind::parse)
            .transpose()
            .map_err(|e| ApiError::bad_parameter("kind", e.to_string()))?,
        after: p.int_in("after", 0..=i64::MAX as usize, 0)? as i64,
        limit,
    };
    let found = blocking(move || state.store.learning().list_resources(&filter)).await?;
    let next_after = (found.len() == limit)
        .then(|| found.last().map(|r| r.resource.id.get()))
        .flatten();
    Ok(Json(Page {
        items: found.into_iter().map(view).collect(),
        next_after,
    }))
}

/// One resource: anyone may read it.
#[utoipa::path(get, path = "/api/v1/learning-resources/{id}", tag = "reskilling",
    params(("id" = i64, Path, description = "Resource id")),
    responses((status = 200, body = ResourceView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem)))]
pub async fn get_resource(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ResourceView>, ApiError> {
    let id = path_id(&id, "id")?;
    let r = blocking(move || state.store.learning().resource(id)).await?;
    Ok(Json(view(r)))
}

/// Adds to the catalogue: one resource as a JSON object (answered with the resource), or many
/// as a JSON array or as CSV with `Content-Type: text/csv` (see the catalogue format in the
/// README), all or nothing — an error names the line (CSV) or entry (JSON array) at fault.
#[utoipa::path(post, path = "/api/v1/learning-resources", tag = "reskilling",
    request_body(content(
        (ResourcesIn = "application/json"),
        (String = "text/csv"))),
    responses((status = 201, body = ResourcesCreated, description = "One resource stored (the resource), or many (JSON array or CSV: a summary)"),
              (status = 400, body = crate::Problem), (status = 401, body = crate::Problem),
              (status = 413, body = crate::Problem), (status = 415, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create_resources(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_csv = content_type == "text/csv";
    if !is_csv && !json_type(&content_type) {
        return Ok(unsupported_media_type(&content_type));
    }
    let bytes = body_bytes(body)?;
    let single = !is_csv
        && bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{');
    if single {
        let resource = one_resource(&bytes)?;
        let stored = state
            .on_store(move |store| {
                let id = store.learning().add_resource(Some(caller.id), &resource)?;
                store.learning().resource(id)
            })
            .await?;
        return Ok((StatusCode::CREATED, Json(view(stored))).into_response());
    }
    let (resources, first_line) = if is_csv {
        (parse_csv(&bytes).map_err(catalogue_error)?, 2)
    } else {
        (parse_json(&bytes).map_err(catalogue_error)?, 1)
    };
    if resources.is_empty() {
        return Err(ApiError::bad_body("the catalogue holds no resources"));
    }
    let ids = state
        .on_store(move |store| {
            store
                .learning()
                .import_resources(Some(caller.id), &resources, first_line)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportAnswer {
            imported: ids.len(),
            ids,
        }),
    )
        .into_response())
}

/// Reads a resource the caller may change: 404 when there is none, 403 when it is the
/// operator's or another account's.
async fn own_resource(
    state: &AppState,
    caller: AccountId,
    id: ResourceId,
) -> Result<StoredResource, ApiError> {
    let r = state
        .on_store(move |store| store.learning().resource(id))
        .await?;
    match r.owner {
        Some(o) if o == caller => Ok(r),
        Some(_) => Err(ApiError::forbidden(format!(
            "learning resource {id} belongs to another account"
        ))),
        None => Err(ApiError::forbidden(format!(
            "learning resource {id} was added by the operator and cannot be changed over the API"
        ))),
    }
}

/// Replaces one of the caller's resources.
#[utoipa::path(put, path = "/api/v1/learning-resources/{id}", tag = "reskilling",
    request_body = LearningResource,
    params(("id" = i64, Path, description = "Resource id")),
    responses((status = 200, body = ResourceView), (status = 400, body = crate::Problem),
              (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn update_resource(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ResourceView>, ApiError> {
    let id = path_id(&id, "id")?;
    own_resource(&state, caller.id, id).await?;
    let resource = one_resource(&body_bytes(body)?)?;
    let stored = state
        .on_store(move |store| {
            store.learning().replace_resource(id, &resource)?;
            store.learning().resource(id)
        })
        .await?;
    Ok(Json(view(stored)))
}

/// Deletes one of the caller's resources.
#[utoipa::path(delete, path = "/api/v1/learning-resources/{id}", tag = "reskilling",
    params(("id" = i64, Path, description = "Resource id")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn delete_resource(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id, "id")?;
    own_resource(&state, caller.id, id).await?;
    state
        .on_store(move |store| store.learning().delete_resource(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A worker's offer to teach a skill.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeachingBody {
    /// Hourly rate asked for teaching.
    #[serde(default)]
    pub rate: Option<Money>,
    /// Whether the worker teaches remotely (default: in person only).
    #[serde(default)]
    pub remote: bool,
    /// A few words about the offer (at most 2,000 characters).
    #[serde(default)]
    pub note: String,
}

/// A worker's offers to teach.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeachingList {
    /// By skill.
    pub offers: Vec<TeachingOffer>,
}

async fn own_worker(
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

/// A worker's offers to teach (any signed-in account may see them).
#[utoipa::path(get, path = "/api/v1/workers/{id}/teaching", tag = "reskilling",
    params(("id" = i64, Path, description = "Worker id")),
    responses((status = 200, body = TeachingList), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn list_teaching(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    Path(id): Path<String>,
) -> Result<Json<TeachingList>, ApiError> {
    let id: WorkerId = path_id(&id, "id")?;
    let offers = state
        .on_store(move |store| {
            store.work().worker(id)?;
            store.learning().teaching_offers(id)
        })
        .await?;
    Ok(Json(TeachingList { offers }))
}

/// Offers (or changes the offer) to teach a skill: only the worker's owner, and only for a
/// skill the profile holds at proficiency 4 or more (422 otherwise).
#[utoipa::path(put, path = "/api/v1/workers/{id}/teaching/{skill}", tag = "reskilling",
    request_body = TeachingBody,
    params(("id" = i64, Path, description = "Worker id"),
           ("skill" = String, Path, description = "Skill id, e.g. guild:skill/operate-forklift")),
    responses((status = 201, body = TeachingOffer, description = "A new offer"),
              (status = 200, body = TeachingOffer, description = "The offer changed"),
              (status = 400, body = crate::Problem), (status = 403, body = crate::Problem),
              (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn set_teaching(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, skill)): Path<(String, String)>,
    crate::body::Body(body): crate::body::Body<TeachingBody>,
) -> Result<(StatusCode, Json<TeachingOffer>), ApiError> {
    let id: WorkerId = path_id(&id, "id")?;
    let worker = own_worker(&state, caller.id, id).await?.worker;
    let skill = path_skill(&skill)?;
    match worker.skills.iter().find(|s| s.skill == skill) {
        Some(s) if s.proficiency.level() >= MIN_TRAINER_LEVEL => {}
        Some(s) => {
            return Err(ApiError::unprocessable(
                "not-qualified",
                format!(
                    "worker {id} holds {skill} at proficiency {}; teaching it needs {MIN_TRAINER_LEVEL} or more",
                    s.proficiency.level()
                ),
            ));
        }
        None => {
            return Err(ApiError::unprocessable(
                "not-qualified",
                format!(
                    "worker {id}'s profile does not list {skill}: add it at proficiency {MIN_TRAINER_LEVEL} or more to teach it"
                ),
            ));
        }
    }
    let offer = TeachingOffer {
        worker: id,
        skill,
        rate: body.rate,
        remote: body.remote,
        note: body.note,
        created_at: String::new(),
    };
    let (stored, new) = state
        .on_platform(move |platform| platform.offer_to_teach(&offer))
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored)))
}

/// Withdraws an offer to teach: only the worker's owner.
#[utoipa::path(delete, path = "/api/v1/workers/{id}/teaching/{skill}", tag = "reskilling",
    params(("id" = i64, Path, description = "Worker id"),
           ("skill" = String, Path, description = "Skill id")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn delete_teaching(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, skill)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id: WorkerId = path_id(&id, "id")?;
    own_worker(&state, caller.id, id).await?;
    let skill = path_skill(&skill)?;
    state
        .on_store(move |store| store.learning().delete_teaching_offer(id, &skill))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Trainers for a learner, best first, and the offers that do not fit with why.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TrainersAnswer {
    /// The learner as matched: skill, level wanted, languages, time zone.
    pub learner: Learner,
    /// Trainers who fit, best first.
    pub matches: Vec<TrainerMatch>,
    /// Offers to teach the skill that do not fit this learner, and why.
    pub excluded: Vec<ExcludedTrainer>,
    /// How many offers to teach the skill were considered.
    pub considered: usize,
}

/// Ranks the workers who offer to teach a skill for a learner, by proficiency, shared language
/// and shared working hours (see the `trainers` module of the reskilling engine for the score).
/// The learner is the caller's own worker profile (`learner`; another's answers 404), or is
/// described by `languages` and `utc_offset_minutes`.
#[utoipa::path(get, path = "/api/v1/trainers", tag = "reskilling",
    params(("skill" = String, Query, description = "The skill to learn"),
           ("level" = Option<u8>, Query, description = "Level wanted, 1–5 (default: one above the learner's, else 3)"),
           ("learner" = Option<i64>, Query, description = "The caller's worker profile"),
           ("languages" = Option<String>, Query, description = "Without learner: languages spoken, preferred first, e.g. nl,en"),
           ("utc_offset_minutes" = Option<i32>, Query, description = "Without learner: minutes east of UTC (default 0)"),
           ("k" = Option<usize>, Query, description = "How many trainers, 1–100 (default 20)")),
    responses((status = 200, body = TrainersAnswer), (status = 400, body = crate::Problem),
              (status = 401, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn trainers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<TrainersAnswer>, ApiError> {
    let p = Params::parse(
        raw.as_deref(),
        &[
            "skill",
            "level",
            "learner",
            "languages",
            "utc_offset_minutes",
            "k",
        ],
    )?;
    let k = p.int_in("k", 1..=100, 20)?;
    let skill = p
        .text("skill")
        .ok_or_else(|| ApiError::bad_parameter("skill", "give the skill to learn"))?;
    let skill =
        SkillId::parse(skill).map_err(|e| ApiError::bad_parameter("skill", e.to_string()))?;
    let level = match p.text("level") {
        None => None,
        Some(_) => Some(
            Proficiency::new(p.int_in("level", 1..=5, 3)? as u8)
                .map_err(|e| ApiError::bad_parameter("level", e.to_string()))?,
        ),
    };
    let learner_worker = p
        .text("learner")
        .map(|raw| path_id::<WorkerId>(raw, "learner"))
        .transpose()?;
    let learner = match learner_worker {
        Some(id) => {
            if p.text("languages").is_some() || p.text("utc_offset_minutes").is_some() {
                return Err(ApiError::bad_parameter(
                    "learner",
                    "give learner, or languages and utc_offset_minutes, not both",
                ));
            }
            let w = state.on_store(move |store| store.work().worker(id)).await?;
            if w.owner != Some(caller.id) {
                return Err(ApiError::not_found(format!("worker {id} not found")));
            }
            let held = w
                .worker
                .skills
                .iter()
                .find(|s| s.skill == skill)
                .map(|s| s.proficiency.level());
            let level = match level {
                Some(l) => l,
                None => Proficiency::new(held.map_or(3, |h| (h + 1).min(5)))
                    .map_err(|e| ApiError::bad_parameter("level", e.to_string()))?,
            };
            Learner {
                worker: Some(id),
                skill: skill.clone(),
                level,
                languages: w.worker.languages,
                utc_offset_minutes: w.worker.utc_offset_minutes,
            }
        }
        None => {
            let languages: Vec<String> = p
                .text("languages")
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "languages",
                        "give learner (your worker id), or languages (e.g. nl,en) and utc_offset_minutes",
                    )
                })?
                .split(',')
                .map(|l| l.trim().to_ascii_lowercase())
                .filter(|l| !l.is_empty())
                .collect();
            let offset = match p.text("utc_offset_minutes") {
                None => 0,
                Some(raw) => raw
                    .parse::<i32>()
                    .ok()
                    .filter(|m| (-12 * 60..=14 * 60).contains(m))
                    .ok_or_else(|| {
                        ApiError::bad_parameter(
                            "utc_offset_minutes",
                            format!("{raw:?} is not a number of minutes from -720 to 840"),
                        )
                    })?,
            };
            let level = match level {
                Some(l) => l,
                None => Proficiency::new(3)
                    .map_err(|e| ApiError::bad_parameter("level", e.to_string()))?,
            };
            Learner {
                worker: None,
                skill: skill.clone(),
                level,
                languages,
                utc_offset_minutes: offset,
            }
        }
    };
    learner.validate().map_err(|e| {
        ApiError::bad_parameter(
            if learner_worker.is_some() {
                "learner"
            } else {
                "languages"
            },
            e.to_string(),
        )
    })?;
    let wanted = skill.clone();
    let offers = state
        .on_store(move |store| {
            if !store
                .learning()
                .unknown_skills(std::slice::from_ref(&wanted))?
                .is_empty()
            {
                return Err(guild_store::StoreError::Invalid(format!(
                    "skill: unknown skill {wanted}: use an id from /api/v1/skills"
                )));
            }
            store.learning().trainer_candidates(&wanted)
        })
        .await?;
    let ranking = rank(&learner, &offers, k);
    Ok(Json(TrainersAnswer {
        considered: offers.len(),
        learner,
        matches: ranking.matches,
        excluded: ranking.excluded,
    }))
}
