//! Micro-task batches over HTTP (issue 22): a requester creates a batch (a template, terms, a
//! price that clears the pay floor), adds items, opens it (escrow is funded), reads the
//! results and closes it (the rest of the escrow comes back); a worker takes the next item,
//! answers it within the time allowed, and reads their record (answers, gold right, pay an
//! hour). Gold items look like any other to a worker.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use guild_ids::{BatchId, ItemId};
use guild_market::microwork::{Rule, Template, Terms};
use guild_market::money::{Amount, Currency};
use guild_store::{BatchView, ItemResult, Leased, NewBatch, NewItem};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;
use crate::params::Path;

fn three() -> u8 {
    3
}

fn one() -> u8 {
    1
}

fn majority() -> Rule {
    Rule::Majority
}

/// A batch to create.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBatchRequest {
    /// What it is.
    pub title: String,
    /// What each item asks.
    pub template: Template,
    /// Workers who answer each item (default 3).
    #[serde(default = "three")]
    pub redundancy: u8,
    /// Extra answers asked when they disagree (default 1).
    #[serde(default = "one")]
    pub max_extra: u8,
    /// Seconds allowed per item.
    pub allowance_secs: u32,
    /// `majority` (default) or `weighted` (by each worker's accuracy on gold items).
    #[serde(default = "majority")]
    pub rule: Rule,
    /// The price of one answer, decimal (`0.12`).
    pub price: String,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// The skill whose qualification a worker needs, if any.
    #[serde(default)]
    pub skill: Option<String>,
}

/// An item to add.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// What the worker is shown: an object of named values.
    pub data: serde_json::Value,
    /// The known answer, for a gold item (never shown).
    #[serde(default)]
    pub gold: Option<serde_json::Value>,
}

/// What closing gave back.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Closed {
    /// The batch, closed.
    pub batch: BatchView,
    /// What came back from escrow to the requester's funds, decimal.
    pub refunded: String,
}

/// A worker's record on a batch.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordView {
    /// Answers given.
    pub answered: i64,
    /// Seconds spent, from each item handed out to its answer.
    pub seconds: i64,
    /// Gold items answered.
    pub gold_seen: u32,
    /// Of them, right.
    pub gold_right: u32,
    /// Paid so far, decimal.
    pub paid: String,
    /// What that comes to an hour of the time spent, decimal (absent before any answer).
    pub hourly: Option<String>,
    /// The currency.
    pub currency: String,
}

/// The hourly pay floors.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Floor {
    /// The currency.
    pub currency: String,
    /// The least a batch may pay an hour, decimal.
    pub per_hour: String,
}

fn currency(code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|e| ApiError::bad_field("currency", e.to_string()))
}

/// Creates a draft batch: refused when its price per answer, at the time allowed, pays under
/// the hourly floor of its currency (the answer names the least price that clears it).
#[utoipa::path(post, operation_id = "create_batch", path = "/api/v1/batches", tag = "micro-work", request_body = NewBatchRequest,
    responses((status = 201, body = BatchView), (status = 400, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(req): Body<NewBatchRequest>,
) -> Result<(StatusCode, Json<BatchView>), ApiError> {
    let c = currency(&req.currency)?;
    let price =
        Amount::parse(&req.price, c).map_err(|e| ApiError::bad_field("price", e.to_string()))?;
    let batch = NewBatch {
        title: req.title,
        template: req.template,
        terms: Terms {
            redundancy: req.redundancy,
            max_extra: req.max_extra,
            allowance_secs: req.allowance_secs,
        },
        rule: req.rule,
        price,
        skill: req.skill,
    };
    let view = state
        .on_platform(move |p| p.create_batch(caller.id, &batch))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A batch: its owner's in any state, anyone's once open (what a worker decides on).
#[utoipa::path(get, operation_id = "get_batch", path = "/api/v1/batches/{id}", tag = "micro-work",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = BatchView), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
) -> Result<Json<BatchView>, ApiError> {
    Ok(Json(
        state
            .on_platform(move |p| p.batch_for(id, caller.id))
            .await?,
    ))
}

/// Adds items to the caller's draft batch, all or none (gold answers are read by the
/// template).
#[utoipa::path(post, operation_id = "add_batch_items", path = "/api/v1/batches/{id}/items", tag = "micro-work", request_body = Vec<ItemInput>,
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = BatchView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem),
              (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn add_items(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
    Body(items): Body<Vec<ItemInput>>,
) -> Result<Json<BatchView>, ApiError> {
    let items: Vec<NewItem> = items
        .into_iter()
        .map(|i| NewItem {
            data: i.data,
            gold: i.gold,
        })
        .collect();
    Ok(Json(
        state
            .on_platform(move |p| p.add_batch_items(id, caller.id, &items))
            .await?,
    ))
}

/// Opens the caller's batch to workers, funding its escrow (every answer it may ask) from the
/// caller's funds; short of funds, nothing changes.
#[utoipa::path(post, operation_id = "open_batch", path = "/api/v1/batches/{id}/open", tag = "micro-work",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = BatchView), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem),
              (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn open(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
) -> Result<Json<BatchView>, ApiError> {
    Ok(Json(
        state
            .on_platform(move |p| p.open_batch(id, caller.id))
            .await?,
    ))
}

/// The next item for the caller's worker profile, held for the time allowed (the same one
/// again while it is held); 204 when nothing is left for them.
#[utoipa::path(post, operation_id = "next_batch_item", path = "/api/v1/batches/{id}/next", tag = "micro-work",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = Leased), (status = 204), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn next(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
) -> Result<Response, ApiError> {
    match state
        .on_platform(move |p| p.next_batch_item(id, caller.id))
        .await?
    {
        Some(item) => Ok(Json(item).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// Answers the item the caller's worker holds: a value for every field of the template,
/// within the time allowed, once.
#[utoipa::path(post, operation_id = "answer_batch_item", path = "/api/v1/batches/{id}/items/{item}/answer", tag = "micro-work",
    request_body = Object,
    params(("id" = i64, Path, description = "Batch id"), ("item" = i64, Path, description = "Item id")),
    responses((status = 204), (status = 400, body = crate::Problem), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, item)): Path<(BatchId, ItemId)>,
    Body(answer): Body<serde_json::Value>,
) -> Result<StatusCode, ApiError> {
    state
        .on_platform(move |p| p.answer_batch_item(id, item, caller.id, &answer))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's worker's record on the batch: answers, time, gold right, paid, pay an hour.
#[utoipa::path(get, operation_id = "batch_record", path = "/api/v1/batches/{id}/me", tag = "micro-work",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = RecordView), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn record(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
) -> Result<Json<RecordView>, ApiError> {
    let (r, b) = state
        .on_platform(move |p| Ok((p.batch_record(id, caller.id)?, p.batch_for(id, caller.id)?)))
        .await?;
    let c = currency(&b.currency)?;
    Ok(Json(RecordView {
        answered: r.answered,
        seconds: r.seconds,
        gold_seen: r.accuracy.seen,
        gold_right: r.accuracy.correct,
        paid: guild_market::money::decimal(r.paid_minor, c),
        hourly: r.hourly_minor.map(|h| guild_market::money::decimal(h, c)),
        currency: b.currency,
    }))
}

/// Every item's state and agreed answer (the batch's owner only).
#[utoipa::path(get, operation_id = "batch_results", path = "/api/v1/batches/{id}/results", tag = "micro-work",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = Vec<ItemResult>), (status = 404, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn results(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
) -> Result<Json<Vec<ItemResult>>, ApiError> {
    Ok(Json(
        state
            .on_platform(move |p| p.batch_results(id, caller.id))
            .await?,
    ))
}

/// Closes the caller's open batch: every answer given is paid, the rest of the escrow comes
/// back to the caller's funds.
#[utoipa::path(post, operation_id = "close_batch", path = "/api/v1/batches/{id}/close", tag = "micro-work",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = Closed), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BatchId>,
) -> Result<Json<Closed>, ApiError> {
    let (left, batch) = state
        .on_platform(move |p| {
            let left = p.close_batch(id, caller.id)?;
            Ok((left, p.batch_for(id, caller.id)?))
        })
        .await?;
    let c = currency(&batch.currency)?;
    Ok(Json(Closed {
        refunded: guild_market::money::decimal(left, c),
        batch,
    }))
}

/// The hourly pay floors a batch must clear, per currency (public).
#[utoipa::path(get, operation_id = "pay_floors", path = "/api/v1/pay-floors", tag = "micro-work",
    responses((status = 200, body = Vec<Floor>)))]
pub async fn floors(State(state): State<AppState>) -> Json<Vec<Floor>> {
    Json(
        state
            .platform
            .pay_floors()
            .all()
            .into_iter()
            .map(|(currency, per_hour)| Floor { currency, per_hour })
            .collect(),
    )
}
