//! Skill tests over HTTP: an organisation's admins and assessors set tests (a question bank
//! per skill and level); anyone signed in lists them; a worker takes one (a random draw, a
//! time limit, a cooldown after a failure); answers are marked at once, practical tasks by the
//! organisation's assessors; a pass earns the organisation's credential and `assessed`
//! evidence on the profile.

use crate::params::Path;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use guild_ids::{AccountId, AttemptId, SkillTestId, WorkerId};
use guild_market::assessment::Answer;
use guild_market::assessment::NewSkillTest;
use guild_store::{AttemptView, SkillTestView};
use serde::Deserialize;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::matching::own_worker;
use crate::{AppState, blocking};

/// Sets a skill test in the organisation's name (admins and assessors).
#[utoipa::path(post, operation_id = "create_test", path = "/api/v1/organisations/{slug}/tests", tag = "skill tests", request_body = NewSkillTest,
    params(("slug" = String, Path, description = "The organisation")),
    responses((status = 201, body = SkillTestView), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
    Body(t): Body<NewSkillTest>,
) -> Result<(StatusCode, Json<SkillTestView>), ApiError> {
    let org = crate::credentials::member(&state, caller.id, slug, &["admin", "assessor"]).await?;
    let view = state
        .on_platform(move |platform| platform.create_skill_test(org.id, &t))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Which tests.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct TestQuery {
    /// Only tests of this skill.
    pub skill: Option<String>,
}

/// Skill tests (never their answers).
#[utoipa::path(get, operation_id = "list_tests", path = "/api/v1/tests", tag = "skill tests", params(TestQuery),
    responses((status = 200, body = Vec<SkillTestView>)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<TestQuery>,
) -> Result<Json<Vec<SkillTestView>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.credentials().skill_tests(q.skill.as_deref()))
            .await?,
    ))
}

/// Whose attempt.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartAttempt {
    /// The caller's worker profile.
    pub worker: WorkerId,
}

/// Starts an attempt: the questions are drawn at random from the bank and the clock starts.
#[utoipa::path(post, path = "/api/v1/tests/{id}/attempts", tag = "skill tests", request_body = StartAttempt,
    params(("id" = i64, Path, description = "The test")),
    responses((status = 201, body = AttemptView), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<SkillTestId>,
    Body(s): Body<StartAttempt>,
) -> Result<(StatusCode, Json<AttemptView>), ApiError> {
    own_worker(&state, caller.id, s.worker).await?;
    let view = state
        .on_platform(move |platform| platform.start_attempt(id, caller.id, s.worker))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The candidate, or the test's organisation's members.
async fn may_see(
    state: &AppState,
    caller: AccountId,
    id: AttemptId,
) -> Result<(AttemptView, bool), ApiError> {
    let (view, role) = state
        .on_store(move |store| {
            let v = store.credentials().attempt(id)?;
            let org = store.credentials().attempt_organisation(id)?;
            let role = store.accounts().member_role(org, caller)?;
            Ok((v, role))
        })
        .await?;
    if view.account == caller || role.is_some() {
        Ok((view, role.is_some()))
    } else {
        Err(ApiError::not_found(format!("attempt {id} not found")))
    }
}

/// An attempt (its candidate, or the organisation's members).
#[utoipa::path(get, operation_id = "get_attempt", path = "/api/v1/attempts/{id}", tag = "skill tests",
    params(("id" = i64, Path, description = "The attempt")),
    responses((status = 200, body = AttemptView), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<AttemptId>,
) -> Result<Json<AttemptView>, ApiError> {
    Ok(Json(may_see(&state, caller.id, id).await?.0))
}

/// The answers, one per question in order (`null` for one left out): option indexes for
/// choice questions, words otherwise (for a practical task, a link to or description of
/// what was handed in).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The answers.
    pub answers: Vec<Option<Answer>>,
}

/// Hands in the answers (the candidate): marked at once, or left for an assessor when there
/// are practical tasks; answers after the time limit fail the attempt.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/answers", tag = "skill tests", request_body = Answers,
    params(("id" = i64, Path, description = "The attempt")),
    responses((status = 200, body = AttemptView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<AttemptId>,
    Body(a): Body<Answers>,
) -> Result<Json<AttemptView>, ApiError> {
    let (store, platform, publication) = (
        state.store.clone(),
        state.platform.clone(),
        state.publication.clone(),
    );
    let view = blocking(move || {
        platform.submit_attempt(&publication, id, caller.id, &a.answers, store.now())
    })
    .await?;
    Ok(Json(view))
}

/// An assessor's mark for one practical task.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticalMark {
    /// The question's number in the attempt, from 1.
    pub question: usize,
    /// Whether the work shows the skill.
    pub right: bool,
}

/// Marks.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// One per practical task.
    pub marks: Vec<PracticalMark>,
}

/// Marks an attempt's practical tasks (the organisation's admins and assessors, never the
/// candidate).
#[utoipa::path(post, path = "/api/v1/attempts/{id}/assessment", tag = "skill tests", request_body = Assessment,
    params(("id" = i64, Path, description = "The attempt")),
    responses((status = 200, body = AttemptView), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn assess(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<AttemptId>,
    Body(a): Body<Assessment>,
) -> Result<Json<AttemptView>, ApiError> {
    let (view, member) = may_see(&state, caller.id, id).await?;
    if !member || view.account == caller.id {
        return Err(ApiError::forbidden(
            "only the test's organisation's assessors mark attempts, and never their own",
        ));
    }
    let (platform, publication) = (state.platform.clone(), state.publication.clone());
    let marks: Vec<(usize, bool)> = a.marks.iter().map(|m| (m.question, m.right)).collect();
    let view = blocking(move || platform.assess_attempt(&publication, id, &marks)).await?;
    Ok(Json(view))
}
