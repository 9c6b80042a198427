//! Contracts over HTTP: a client proposes a fixed-price contract with milestones to a worker
//! (who sees what it receives after the fee before accepting); milestones are funded into
//! escrow, submitted, approved or sent back; the client may cancel (funded milestones are
//! refunded) and either party may open a dispute, which a platform admin decides
//! (`guild contracts resolve`). Only the two parties see a contract; to anyone else it does
//! not exist (404). Actions out of order answer 409 and change nothing.

use crate::params::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guild_ids::{AccountId, ContractId, SkillTestId, WorkerId};
use guild_market::change::{self, HourlyTerms};
use guild_market::contract::{Action, Party};
use guild_market::{Amount, Currency};
use guild_platform::ContractOffer;
use guild_store::{ContractView, TimesheetEntry};
use serde::Deserialize;

use crate::auth::{Admin, Caller};
use crate::body::Body;
use crate::error::ApiError;
use crate::{AppState, blocking};

/// A milestone of a new contract.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMilestone {
    /// What it delivers.
    pub title: String,
    /// Its price, decimal text in the contract's currency.
    pub amount: String,
    /// For a training gig: a skill test; the milestone is approved (and the trainer paid)
    /// when the client, the learner, passes it.
    pub test: Option<SkillTestId>,
}

/// A contract to propose.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractProposal {
    /// The worker profile it is offered to.
    pub worker: WorkerId,
    /// What it is for.
    pub title: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The milestones, in order (none for an hourly contract).
    #[serde(default)]
    pub milestones: Vec<NewMilestone>,
    /// For an hourly contract: the rate per hour, decimal text. The client then funds it a
    /// week at a time (`POST /api/v1/contracts/{id}/weeks`).
    pub hourly_rate: Option<String>,
    /// For an hourly contract: the most hours a week (1–80).
    pub weekly_cap_hours: Option<i64>,
    /// Days the client has to review submitted work before it is approved automatically
    /// (default 7).
    pub review_days: Option<i64>,
}

impl TryFrom<ContractProposal> for (WorkerId, ContractOffer) {
    type Error = ApiError;

    /// The worker offered the contract, and its terms in the market's types (money parsed in
    /// the contract's currency); a bad field is a 400 naming it.
    fn try_from(p: ContractProposal) -> Result<Self, ApiError> {
        let currency = Currency::parse(&p.currency)
            .map_err(|e| ApiError::bad_field("currency", e.to_string()))?;
        let milestones = p
            .milestones
            .iter()
            .map(|m| {
                Amount::parse(&m.amount, currency)
                    .map(|a| (m.title.clone(), a))
                    .map_err(|e| ApiError::bad_field("milestones.amount", e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let hourly = match (&p.hourly_rate, p.weekly_cap_hours) {
            (None, None) => None,
            (Some(rate), Some(cap)) => Some(HourlyTerms {
                rate: Amount::parse(rate, currency)
                    .map_err(|e| ApiError::bad_field("hourly_rate", e.to_string()))?,
                weekly_cap_hours: cap,
            }),
            _ => {
                return Err(ApiError::bad_body(
                    "an hourly contract needs both hourly_rate and weekly_cap_hours",
                ));
            }
        };
        Ok((
            p.worker,
            ContractOffer {
                title: p.title,
                currency,
                tests: p.milestones.iter().map(|m| m.test).collect(),
                milestones,
                review_days: p.review_days.unwrap_or(7),
                hourly,
            },
        ))
    }
}

/// Proposes a contract to a worker (the caller is the client).
#[utoipa::path(post, operation_id = "propose_contract", path = "/api/v1/contracts", tag = "contracts", request_body = ContractProposal,
    responses((status = 201, body = ContractView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn propose(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(p): Body<ContractProposal>,
) -> Result<(StatusCode, Json<ContractView>), ApiError> {
    let (worker, offer) = p.try_into()?;
    let view = state
        .on_platform(move |platform| platform.propose_contract(caller.id, worker, offer))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The caller's contracts, as client or worker.
#[utoipa::path(get, operation_id = "list_contracts", path = "/api/v1/contracts", tag = "contracts",
    responses((status = 200, body = Vec<ContractView>), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<ContractView>>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.contracts().contracts_of(caller.id))
            .await?,
    ))
}

async fn as_party(
    state: &AppState,
    caller: AccountId,
    id: ContractId,
) -> Result<(ContractView, Party), ApiError> {
    state
        .on_platform(move |platform| platform.contract_for(id, caller))
        .await
}

/// One of the caller's contracts.
#[utoipa::path(get, operation_id = "get_contract", path = "/api/v1/contracts/{id}", tag = "contracts",
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 200, body = ContractView), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContractId>,
) -> Result<Json<ContractView>, ApiError> {
    Ok(Json(as_party(&state, caller.id, id).await?.0))
}

/// Actions on a whole contract, by their name in URLs and forms.
pub(crate) const CONTRACT_ACTIONS: [(&str, Action); 5] = [
    ("accept", Action::Accept),
    ("decline", Action::Decline),
    ("cancel", Action::Cancel),
    ("dispute", Action::Dispute),
    ("end", Action::End),
];

/// Actions on one milestone (or week), by their name in URLs and forms.
pub(crate) const MILESTONE_ACTIONS: [(&str, Action); 4] = [
    ("fund", Action::Fund),
    ("submit", Action::Submit),
    ("approve", Action::Approve),
    ("request-changes", Action::RequestChanges),
];

/// The action of `table` named `name`.
pub(crate) fn named(table: &[(&str, Action)], name: &str) -> Option<Action> {
    table.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

async fn act(
    state: &AppState,
    caller: AccountId,
    id: ContractId,
    action: Action,
    milestone: Option<usize>,
) -> Result<Json<ContractView>, ApiError> {
    let view = state
        .on_platform(move |platform| platform.act_as_party(id, caller, action, milestone))
        .await?;
    Ok(Json(view))
}

/// The worker accepts (`accept`) or declines (`decline`); the client cancels (`cancel`:
/// funded milestones not yet submitted are refunded); either party opens a dispute
/// (`dispute`) or ends an hourly contract with no week in escrow (`end`).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/{action}", tag = "contracts",
    params(("id" = i64, Path, description = "The contract"), ("action" = String, Path, description = "accept, decline, cancel, dispute or end")),
    responses((status = 200, body = ContractView), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn contract_action(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, action)): Path<(ContractId, String)>,
) -> Result<Json<ContractView>, ApiError> {
    let action = named(&CONTRACT_ACTIONS, &action).ok_or_else(|| {
        ApiError::not_found(format!(
            "no contract action {action:?}: accept, decline, cancel, dispute or end"
        ))
    })?;
    act(&state, caller.id, id, action, None).await
}

/// On milestone `n` (from 1): the client funds it (`fund`: client funds → escrow), the worker
/// submits it (`submit`), the client approves it (`approve`: escrow → the worker, less the
/// fee) or asks for changes (`request-changes`).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/milestones/{n}/{action}", tag = "contracts",
    params(("id" = i64, Path, description = "The contract"), ("n" = usize, Path, description = "The milestone, from 1"),
        ("action" = String, Path, description = "fund, submit, approve or request-changes")),
    responses((status = 200, body = ContractView), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn milestone_action(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, n, action)): Path<(ContractId, usize, String)>,
) -> Result<Json<ContractView>, ApiError> {
    let action = named(&MILESTONE_ACTIONS, &action).ok_or_else(|| {
        ApiError::not_found(format!(
            "no milestone action {action:?}: fund, submit, approve or request-changes"
        ))
    })?;
    if n == 0 {
        return Err(ApiError::bad_parameter(
            "n",
            "milestones are numbered from 1",
        ));
    }
    act(&state, caller.id, id, action, Some(n - 1)).await
}

/// A week of an hourly contract to fund.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWeek {
    /// Its Monday (ISO 8601 date).
    pub week_start: String,
}

/// The client opens a week of an hourly contract and funds it: the rate times the weekly cap
/// goes into escrow. The worker logs time on it, submits it, and its approval pays the hours
/// logged and refunds the rest.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/weeks", tag = "contracts", request_body = NewWeek,
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 201, body = ContractView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn open_week(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContractId>,
    Body(req): Body<NewWeek>,
) -> Result<(StatusCode, Json<ContractView>), ApiError> {
    let week: jiff::civil::Date = req
        .week_start
        .parse()
        .map_err(|_| ApiError::bad_field("week_start", "must be a date like 2026-11-23"))?;
    let view = state
        .on_platform(move |platform| platform.open_week(id, caller.id, week))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One day on a timesheet.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayWorked {
    /// The day (ISO 8601 date), within the week.
    pub date: String,
    /// Hours worked, to the minute (`7.5` is 7 h 30 min).
    pub hours: f64,
    /// What was done.
    #[serde(default)]
    pub note: String,
}

/// A week's timesheet.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Timesheet {
    /// Each day worked, once.
    pub entries: Vec<DayWorked>,
}

impl TryFrom<Timesheet> for Vec<change::DayWorked> {
    type Error = ApiError;

    /// The days of a timesheet, each a date and whole minutes; a bad field is a 400 naming it.
    fn try_from(sheet: Timesheet) -> Result<Self, ApiError> {
        if sheet.entries.len() > 7 {
            return Err(ApiError::bad_field("entries", "a week has 7 days"));
        }
        sheet
            .entries
            .into_iter()
            .map(|e| {
                let date = e.date.parse::<jiff::civil::Date>().map_err(|_| {
                    ApiError::bad_field(
                        "entries.date",
                        format!("{:?} is not a date like 2026-11-23", e.date),
                    )
                })?;
                if !(e.hours.is_finite() && e.hours > 0.0 && e.hours <= 24.0) {
                    return Err(ApiError::bad_field(
                        "entries.hours",
                        format!("{} is not more than 0 and at most 24", e.hours),
                    ));
                }
                Ok(change::DayWorked {
                    date,
                    minutes: (e.hours * 60.0).round() as i64,
                    note: e.note,
                })
            })
            .collect()
    }
}

fn week_index(n: usize) -> Result<usize, ApiError> {
    n.checked_sub(1)
        .ok_or_else(|| ApiError::bad_parameter("n", "weeks are numbered from 1"))
}

/// The worker's timesheet for week `n` (from 1), replacing what was there; the total must
/// stay within the weekly cap. Then submit the week (`…/milestones/{n}/submit`).
#[utoipa::path(put, path = "/api/v1/contracts/{id}/milestones/{n}/timesheet", tag = "contracts", request_body = Timesheet,
    params(("id" = i64, Path, description = "The contract"), ("n" = usize, Path, description = "The week, from 1")),
    responses((status = 200, body = ContractView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn log_time(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, n)): Path<(ContractId, usize)>,
    Body(sheet): Body<Timesheet>,
) -> Result<Json<ContractView>, ApiError> {
    let week = week_index(n)?;
    let entries = sheet.try_into()?;
    Ok(Json(
        state
            .on_platform(move |platform| platform.log_time(id, caller.id, week, entries))
            .await?,
    ))
}

/// Week `n`'s timesheet (from 1), for either party.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/milestones/{n}/timesheet", tag = "contracts",
    params(("id" = i64, Path, description = "The contract"), ("n" = usize, Path, description = "The week, from 1")),
    responses((status = 200, body = Vec<TimesheetEntry>), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn timesheet(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, n)): Path<(ContractId, usize)>,
) -> Result<Json<Vec<TimesheetEntry>>, ApiError> {
    let week = week_index(n)?;
    let (c, _) = as_party(&state, caller.id, id).await?;
    if c.milestones
        .get(week)
        .is_none_or(|m| m.week_start.is_none())
    {
        return Err(ApiError::not_found(format!(
            "contract {id} has no week {n}"
        )));
    }
    Ok(Json(
        state
            .on_store(move |store| store.contracts().timesheet(id, week))
            .await?,
    ))
}

/// A review of the worker.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// 1 to 5 stars.
    pub rating: i64,
    /// What the client says (at most 5000 characters).
    pub body: String,
    /// Stars per skill used in the work.
    #[serde(default)]
    pub skills: Vec<SkillRating>,
}

/// Stars for one skill.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillRating {
    /// The skill (taxonomy id).
    pub skill: String,
    /// 1 to 5 stars.
    pub rating: i64,
}

/// The client reviews the worker once the contract has ended (completed, or cancelled or
/// decided after work was paid); once per contract. The review feeds the worker's reputation
/// in matching and its reputation credential.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/review", tag = "contracts", request_body = ReviewBody,
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 201, body = guild_store::Review), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn review(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContractId>,
    Body(body): Body<ReviewBody>,
) -> Result<(StatusCode, Json<guild_store::Review>), ApiError> {
    let (_, party) = as_party(&state, caller.id, id).await?;
    if party != Party::Client {
        return Err(ApiError::forbidden(
            "the client reviews the worker here; the worker reviews the client at /api/v1/contracts/{id}/client-review",
        ));
    }
    let platform = state.platform.clone();
    let skills: Vec<(String, i64)> = body
        .skills
        .into_iter()
        .map(|s| (s.skill, s.rating))
        .collect();
    let review = blocking(move || {
        platform.review_worker(
            id,
            caller.id,
            &caller.display_name,
            body.rating,
            &body.body,
            &skills,
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(review)))
}

/// A worker's review of the client.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientReviewBody {
    /// 1 to 5 stars.
    pub rating: i64,
    /// What the worker says (at most 5000 characters).
    pub body: String,
}

/// The worker reviews the client once the contract has ended with work paid; once per
/// contract. Answers the client's reputation among workers.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/client-review", tag = "contracts", request_body = ClientReviewBody,
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 201, body = guild_store::ClientReputation), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn review_client(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContractId>,
    Body(body): Body<ClientReviewBody>,
) -> Result<(StatusCode, Json<guild_store::ClientReputation>), ApiError> {
    let (_, party) = as_party(&state, caller.id, id).await?;
    if party != Party::Worker {
        return Err(ApiError::forbidden("the worker reviews the client here"));
    }
    let rep = state
        .on_platform(move |platform| platform.review_client(id, caller.id, body.rating, &body.body))
        .await?;
    Ok((StatusCode::CREATED, Json(rep)))
}

/// A client's reputation among the workers it contracted (any signed-in account may look,
/// before accepting its contract).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/client-reputation", tag = "contracts",
    params(("id" = i64, Path, description = "The client's account")),
    responses((status = 200, body = guild_store::ClientReputation), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn client_reputation(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<AccountId>,
) -> Result<Json<guild_store::ClientReputation>, ApiError> {
    Ok(Json(
        state
            .on_store(move |store| store.contracts().client_reputation(id))
            .await?,
    ))
}

/// A dispute's decision.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// The worker's share of each disputed milestone's escrow, 0–100 (less the fee); the rest
    /// goes back to the client.
    pub worker_percent: u8,
}

/// Decides a disputed contract (platform admins); the ledger follows the decision.
#[utoipa::path(post, path = "/api/v1/admin/contracts/{id}/resolve", tag = "admin", request_body = Resolution,
    params(("id" = i64, Path, description = "The contract")),
    responses((status = 200, body = ContractView), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)), security(("bearer" = [])))]
pub async fn resolve(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<ContractId>,
    Body(r): Body<Resolution>,
) -> Result<Json<ContractView>, ApiError> {
    if r.worker_percent > 100 {
        return Err(ApiError::bad_field("worker_percent", "0 to 100"));
    }
    let view = state
        .on_platform(move |platform| {
            platform.act_on_contract(
                id,
                Party::Admin,
                Action::Resolve,
                None,
                Some(r.worker_percent),
            )
        })
        .await?;
    Ok(Json(view))
}
