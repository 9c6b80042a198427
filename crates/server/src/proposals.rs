//! Proposals over HTTP: workers apply to open tasks (never a fee to apply); the task's owner
//! reads them, accepts one (an active contract at the proposed price) or declines; the worker
//! may withdraw. Owners invite workers, for instance from their match results.

use crate::params::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guild_ids::{ProposalId, TaskId, WorkerId};
use guild_market::proposal::ProposalDecision;
use guild_market::{Amount, Currency};
use guild_store::Proposal;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::matching::{own_task, own_worker};

/// A proposal to make.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    /// The caller's worker profile.
    pub worker: WorkerId,
    /// Why this worker, how, and when.
    pub cover: String,
    /// The price asked, decimal text.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// Applies to an open task (its owner is notified).
#[utoipa::path(post, operation_id = "propose_for_task", path = "/api/v1/tasks/{id}/proposals", tag = "contracts", request_body = NewProposal,
    params(("id" = i64, Path, description = "The task")),
    responses((status = 201, body = Proposal), (status = 400, body = crate::Problem), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn propose(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(task): Path<TaskId>,
    Body(p): Body<NewProposal>,
) -> Result<(StatusCode, Json<Proposal>), ApiError> {
    own_worker(&state, caller.id, p.worker).await?;
    let cur =
        Currency::parse(&p.currency).map_err(|e| ApiError::bad_field("currency", e.to_string()))?;
    let amount =
        Amount::parse(&p.amount, cur).map_err(|e| ApiError::bad_field("amount", e.to_string()))?;
    let proposal = state
        .on_platform(move |platform| platform.apply(task, p.worker, caller.id, &p.cover, amount))
        .await?;
    Ok((StatusCode::CREATED, Json(proposal)))
}

/// The proposals on the caller's task.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/proposals", tag = "contracts",
    params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = Vec<Proposal>), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn on_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(task): Path<TaskId>,
) -> Result<Json<Vec<Proposal>>, ApiError> {
    own_task(&state, caller.id, task).await?;
    Ok(Json(
        state
            .on_store(move |store| store.contracts().proposals_on(task))
            .await?,
    ))
}

/// The proposals the caller made.
#[utoipa::path(get, operation_id = "my_proposals", path = "/api/v1/proposals", tag = "contracts",
    responses((status = 200, body = Vec<Proposal>)), security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<Proposal>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.contracts().proposals_by(caller.id))
            .await?,
    ))
}

/// Decides a proposal: `accept` or `decline` (the task's owner), `withdraw` (the applicant).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/{decision}", tag = "contracts",
    params(("id" = i64, Path, description = "The proposal"), ("decision" = String, Path, description = "accept, decline or withdraw")),
    responses((status = 200, body = Proposal), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, decision)): Path<(ProposalId, String)>,
) -> Result<Json<Proposal>, ApiError> {
    let Ok(decision) = ProposalDecision::parse(&decision) else {
        return Err(ApiError::not_found(format!(
            "no decision {decision:?}: accept, decline or withdraw"
        )));
    };
    let (_, owner, applicant) = state
        .on_store(move |store| store.contracts().proposal(id))
        .await?;
    let is_owner = owner == Some(caller.id);
    if !is_owner && applicant != caller.id {
        return Err(ApiError::not_found(format!("proposal {id} not found")));
    }
    if (decision == ProposalDecision::Withdraw) == is_owner {
        return Err(ApiError::forbidden(if is_owner {
            "the applicant withdraws a proposal; the task's owner accepts or declines it"
        } else {
            "the task's owner accepts or declines a proposal; the applicant may withdraw it"
        }));
    }
    Ok(Json(
        state
            .on_platform(move |platform| platform.decide_proposal(id, caller.id, decision))
            .await?,
    ))
}

/// Whom to invite.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    /// The worker profile.
    pub worker: WorkerId,
}

/// Invites a worker to apply to the caller's task; the worker is notified.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/invitations", tag = "contracts", request_body = Invitation,
    params(("id" = i64, Path, description = "The task")),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(task): Path<TaskId>,
    Body(i): Body<Invitation>,
) -> Result<StatusCode, ApiError> {
    own_task(&state, caller.id, task).await?;
    state
        .on_platform(move |platform| platform.invite(task, caller.id, i.worker))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A message to send.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageText {
    /// The text.
    pub body: String,
}

/// Sends a message on a proposal (the task's owner or the applicant); the other is notified.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/messages", tag = "contracts", request_body = MessageText,
    params(("id" = i64, Path, description = "The proposal")),
    responses((status = 201, body = guild_store::ProposalMessage), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn send_message(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProposalId>,
    Body(m): Body<MessageText>,
) -> Result<(StatusCode, Json<guild_store::ProposalMessage>), ApiError> {
    let msg = state
        .on_store(move |store| {
            store
                .contracts()
                .post_proposal_message(id, caller.id, &m.body)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(msg)))
}

/// The messages on a proposal, oldest first (the task's owner or the applicant).
#[utoipa::path(get, path = "/api/v1/proposals/{id}/messages", tag = "contracts",
    params(("id" = i64, Path, description = "The proposal")),
    responses((status = 200, body = Vec<guild_store::ProposalMessage>), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ProposalId>,
) -> Result<Json<Vec<guild_store::ProposalMessage>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.contracts().proposal_messages(id, caller.id))
            .await?,
    ))
}
