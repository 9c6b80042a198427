//! Money over HTTP: the caller's wallet (balances, payment instructions, statement), deposit
//! instructions for a bank transfer, and payouts. Every call that moves money takes an
//! `Idempotency-Key` header: the same key and body answer the same result without moving money
//! again; the same key with another body is a conflict. Amounts are decimal text in major
//! units (`"12.50"`), never floating point.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use guild_market::ledger::AccountKind;
use guild_market::{Amount, Currency};
use guild_store::{Balance, PaymentInstruction, PayoutRequest, StoredTransfer};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiError;

/// The caller's money.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Wallet {
    /// Balances: client funds, worker balance and pending payouts, per currency.
    pub balances: Vec<Balance>,
    /// Deposit and payout instructions, newest first.
    pub instructions: Vec<PaymentInstruction>,
    /// The latest transfers that touched the caller's accounts, newest first.
    pub statement: Vec<StoredTransfer>,
}

/// The caller's balances, payment instructions and statement.
#[utoipa::path(get, path = "/api/v1/wallet", tag = "money",
    responses((status = 200, body = Wallet), (status = 401, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn wallet(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Wallet>, ApiError> {
    let wallet = state
        .on_store(move |store| {
            Ok(Wallet {
                balances: store.ledger().balances_of(caller.id)?,
                instructions: store.ledger().payment_instructions(caller.id)?,
                statement: store.ledger().statement_of(caller.id, 50)?,
            })
        })
        .await?;
    Ok(Json(wallet))
}

fn currency(field: &str, code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|e| ApiError::bad_field(field, e.to_string()))
}

fn amount(text: &str, currency: Currency) -> Result<Amount, ApiError> {
    Amount::parse(text, currency).map_err(|e| ApiError::bad_field("amount", e.to_string()))
}

/// A deposit the caller will make by bank transfer.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositRequest {
    /// ISO 4217 code.
    pub currency: String,
    /// What the caller means to send, as decimal text (optional: any amount quoting the
    /// reference is credited).
    pub amount: Option<String>,
}

/// How to pay in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepositInstructions {
    /// The instruction.
    #[serde(flatten)]
    pub instruction: PaymentInstruction,
    /// What to do.
    pub how: String,
}

/// A deposit instruction: the reference to quote on a bank transfer to Guild. The money is
/// credited to the caller's client funds when it appears on Guild's bank statement.
#[utoipa::path(post, path = "/api/v1/wallet/deposits", tag = "money", request_body = DepositRequest,
    responses((status = 201, body = DepositInstructions), (status = 400, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn deposit(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(request): Body<DepositRequest>,
) -> Result<(StatusCode, Json<DepositInstructions>), ApiError> {
    let cur = currency("currency", &request.currency)?;
    let amount = request
        .amount
        .as_deref()
        .map(|a| amount(a, cur))
        .transpose()?;
    let instruction = state
        .on_store(move |store| store.ledger().deposit_instruction(caller.id, cur, amount))
        .await?;
    let to = match state.bank.as_deref() {
        Some(bank) => format!("to {} ({})", bank.iban_grouped(), bank.holder),
        None => "to the account the operator names (none is configured here)".to_owned(),
    };
    let how = format!(
        "Send a bank transfer in {cur} {to}, quoting the reference {} exactly; it is credited to your client funds when it reaches Guild's bank statement.",
        instruction.reference
    );
    Ok((
        StatusCode::CREATED,
        Json(DepositInstructions { instruction, how }),
    ))
}

/// A payout to request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutBody {
    /// `worker_balance` (earnings) or `client_funds` (uncommitted deposits).
    pub from: String,
    /// How much, as decimal text in the source currency.
    pub amount: String,
    /// The source currency (ISO 4217).
    pub currency: String,
    /// Pay out in this currency instead (converted at the platform's rate, which is recorded).
    pub to_currency: Option<String>,
    /// Who receives it.
    pub beneficiary: String,
    /// The IBAN to pay to.
    pub iban: Option<String>,
}

/// A payout set aside.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Payout {
    /// The payout instruction the operator's bank carries out.
    pub instruction: PaymentInstruction,
    /// The transfer that set the money aside.
    pub transfer: StoredTransfer,
    /// Whether this answers an earlier request with the same key.
    pub replayed: bool,
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .ok_or_else(|| {
            ApiError::bad_parameter(
                "Idempotency-Key",
                "money requests need an Idempotency-Key header (a new UUID per request; resend it to retry safely)",
            )
        })?
        .to_str()
        .map_err(|_| ApiError::bad_parameter("Idempotency-Key", "printable ASCII only"))?
        .to_owned();
    guild_store::check_idempotency_key(&key)
        .map_err(|e| ApiError::bad_parameter("Idempotency-Key", e.to_string()))?;
    Ok(key)
}

/// Requests a payout: the money leaves the balance at once for `payouts_pending`, and goes
/// out in the operator's next payout file. 201 when new, 200 when the same key and body were
/// sent before; 409 for insufficient funds or a key reused with another body.
#[utoipa::path(post, path = "/api/v1/wallet/payouts", tag = "money", request_body = PayoutBody,
    params(("Idempotency-Key" = String, Header, description = "A new key per request")),
    responses((status = 201, body = Payout), (status = 200, body = Payout), (status = 400, body = crate::Problem), (status = 409, body = crate::Problem)),
    security(("bearer" = [])))]
pub async fn payout(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Body(body): Body<PayoutBody>,
) -> Result<(StatusCode, Json<Payout>), ApiError> {
    let key = idempotency_key(&headers)?;
    let source = match body.from.as_str() {
        "worker_balance" => AccountKind::WorkerBalance,
        "client_funds" => AccountKind::ClientFunds,
        other => {
            return Err(ApiError::bad_field(
                "from",
                format!("{other:?}: expected worker_balance or client_funds"),
            ));
        }
    };
    let cur = currency("currency", &body.currency)?;
    let request = PayoutRequest {
        account: caller.id,
        source,
        amount: amount(&body.amount, cur)?,
        to: body
            .to_currency
            .as_deref()
            .map(|c| currency("to_currency", c))
            .transpose()?,
        beneficiary: body.beneficiary,
        iban: body.iban,
    };
    // Keys are per account: another account's key is another request.
    let key = format!("account:{}:{key}", caller.id);
    let (instruction, transfer, replayed) = state
        .on_store(move |store| {
            store
                .ledger()
                .request_payout(&key, Some(caller.id), &request)
        })
        .await?;
    Ok((
        if replayed {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(Payout {
            instruction,
            transfer,
            replayed,
        }),
    ))
}
