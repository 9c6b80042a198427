//! Money on the pages: a person's balances and statement, adding money by bank transfer (the
//! reference to quote and the operator's account), withdrawing earnings or unused funds to a
//! bank account; and, for the platform admin, the reconciliation: every instruction still
//! waiting for the bank, the bank's statement read in, and the payout file.
//!
//! A withdrawal form carries an idempotency key made when the page was drawn: pressing the
//! button twice sets the money aside once.

use askama::Template;
use axum::extract::{RawForm, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use guild_market::ledger::AccountKind;
use guild_market::{Amount, Currency};
use guild_store::{PaymentInstruction, PayoutRequest};
use serde::Deserialize;

use super::{Page, Viewer, Words, failed, go, problem_page, render, submission};
use crate::{AppState, BankAccount};

/// A balance line: what it is, the amount, the currency.
struct BalanceRow {
    what: &'static str,
    amount: String,
    currency: String,
}

/// A deposit or payout waiting for (or done by) the bank.
struct InstructionRow {
    id: i64,
    reference: String,
    amount: String,
    status: String,
    when: String,
    /// For the admin: whose it is; for payouts: to whom.
    who: String,
}

/// A line of the statement: when, what, the amount with its sign.
struct StatementRow {
    when: String,
    what: String,
    amount: String,
}

/// What the forms held, so a mistake re-shows what was typed.
#[derive(Default)]
struct Typed {
    deposit_currency: String,
    deposit_amount: String,
    from: String,
    amount: String,
    currency: String,
    beneficiary: String,
    iban: String,
}

#[derive(Template)]
#[template(path = "money.html")]
struct MoneyPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    balances: Vec<BalanceRow>,
    deposits: Vec<InstructionRow>,
    payouts: Vec<InstructionRow>,
    statement: Vec<StatementRow>,
    /// The operator's account, grouped for reading, and its holder; empty when not set.
    bank_iban: String,
    bank_holder: String,
    /// The key the withdrawal form is sent with.
    key: String,
    typed: Typed,
    error: String,
}

fn balance_word(t: Words, kind: &str) -> &'static str {
    match kind {
        "worker_balance" => t.s("earnings"),
        "client_funds" => t.s("client_funds"),
        "payouts_pending" => t.s("payouts_pending"),
        _ => t.s("other_money"),
    }
}

fn row(t: Words, i: &PaymentInstruction, who: String) -> InstructionRow {
    InstructionRow {
        id: i.id.0,
        reference: i.reference.clone(),
        amount: i.amount.as_ref().map_or_else(
            || format!("{} {}", t.s("any_amount"), i.currency),
            |a| format!("{a} {}", i.currency),
        ),
        status: t
            .s(match i.status.as_str() {
                "settled" => "payment_settled",
                "returned" => "payment_returned",
                _ if i.direction.as_str() == "in" => "payment_reference",
                _ => "payment_open",
            })
            .to_owned(),
        when: i.created_at.get(..10).unwrap_or(&i.created_at).to_owned(),
        who,
    }
}

async fn money_page(
    state: &AppState,
    v: &Viewer,
    account: &guild_store::Account,
    typed: Typed,
    error: String,
) -> Result<MoneyPage, Response> {
    let me = account.id;
    let (balances, instructions, statement) = state
        .on_store(move |store| {
            Ok((
                store.ledger().balances_of(me)?,
                store.ledger().payment_instructions(me)?,
                store.ledger().statement_of(me, 20)?,
            ))
        })
        .await
        .map_err(|e| failed(v, &e))?;
    let t = v.t;
    let mine = me.0;
    let statement = statement
        .into_iter()
        .map(|tr| {
            // The caller's side of the transfer: the sum of its postings to their accounts
            // other than pending payouts (money on its way out is still shown as it leaves).
            let (minor, currency) = tr
                .postings
                .iter()
                .filter(|p| p.owner == mine)
                .fold((0i64, String::new()), |(sum, _), p| {
                    (sum + p.amount_minor, p.currency.clone())
                });
            let amount = Currency::parse(&currency).map_or_else(
                |_| minor.to_string(),
                |c| guild_market::money::decimal(minor, c),
            );
            StatementRow {
                when: tr.created_at.get(..10).unwrap_or(&tr.created_at).to_owned(),
                what: tr.memo,
                amount: format!("{amount} {currency}"),
            }
        })
        .collect();
    let bank = state.bank.as_deref();
    Ok(MoneyPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        balances: balances
            .into_iter()
            .filter(|b| b.balance_minor != 0)
            .map(|b| BalanceRow {
                what: balance_word(t, &b.kind),
                amount: b.balance,
                currency: b.currency,
            })
            .collect(),
        deposits: instructions
            .iter()
            .filter(|i| i.direction.as_str() == "in")
            .map(|i| row(t, i, String::new()))
            .collect(),
        payouts: instructions
            .iter()
            .filter(|i| i.direction.as_str() == "out")
            .map(|i| row(t, i, i.beneficiary.clone().unwrap_or_default()))
            .collect(),
        statement,
        bank_iban: bank.map(BankAccount::iban_grouped).unwrap_or_default(),
        bank_holder: bank.map(|b| b.holder.clone()).unwrap_or_default(),
        key: crate::auth::random_hex::<16>().map_err(|e| failed(v, &e))?,
        typed,
        error,
    })
}

/// The person's money page.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = Viewer::load(&state, &headers).await?;
    let account = v.require()?.clone();
    let typed = Typed {
        deposit_currency: "EUR".to_owned(),
        currency: "EUR".to_owned(),
        beneficiary: account.display_name.clone(),
        from: "worker_balance".to_owned(),
        ..Typed::default()
    };
    let page = money_page(&state, &v, &account, typed, String::new()).await?;
    Ok(render(&page))
}

#[derive(Deserialize)]
struct DepositForm {
    #[serde(default)]
    currency: String,
    #[serde(default)]
    amount: String,
}

/// Makes a deposit instruction: the reference to quote on the transfer.
pub(super) async fn deposit(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, DepositForm) = submission(&state, &headers, &raw).await?;
    let parsed = Currency::parse(&f.currency)
        .map_err(|e| format!("{}: {e}", v.t.s("currency")))
        .and_then(|cur| {
            let amount = f.amount.trim();
            if amount.is_empty() {
                return Ok((cur, None));
            }
            Amount::parse(&amount.replace(',', "."), cur)
                .map(|a| (cur, Some(a)))
                .map_err(|e| format!("{}: {e}", v.t.s("amount")))
        });
    let (cur, amount) = match parsed {
        Ok(p) => p,
        Err(error) => {
            let typed = Typed {
                deposit_currency: f.currency,
                deposit_amount: f.amount,
                currency: "EUR".to_owned(),
                beneficiary: account.display_name.clone(),
                from: "worker_balance".to_owned(),
                ..Typed::default()
            };
            let mut page = render(&money_page(&state, &v, &account, typed, error).await?);
            *page.status_mut() = StatusCode::BAD_REQUEST;
            return Err(page);
        }
    };
    let me = account.id;
    // A reference may be quoted again and again: the same currency and amount sent twice (a
    // double press, a reload) shows the reference already made rather than a second one.
    let wanted = amount.map(|a| a.minor);
    let made = state
        .on_store(move |store| {
            let same = store
                .ledger()
                .payment_instructions(me)?
                .into_iter()
                .find(|i| {
                    i.direction.as_str() == "in"
                        && i.currency == cur.code()
                        && i.amount_minor == wanted
                });
            match same {
                Some(i) => Ok(i),
                None => store.ledger().deposit_instruction(me, cur, amount),
            }
        })
        .await
        .map_err(|e| failed(&v, &e))?;
    go(&format!("/money#deposit-{}", made.id.0))
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    beneficiary: String,
    #[serde(default)]
    iban: String,
    #[serde(default)]
    key: String,
}

/// Sets money aside for a payout to the person's bank account.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, WithdrawForm) = submission(&state, &headers, &raw).await?;
    let t = v.t;
    let request = (|| {
        let source = match f.from.as_str() {
            "worker_balance" => AccountKind::WorkerBalance,
            "client_funds" => AccountKind::ClientFunds,
            _ => return Err(t.s("withdraw_from_which").to_owned()),
        };
        let cur = Currency::parse(&f.currency).map_err(|e| format!("{}: {e}", t.s("currency")))?;
        let amount = Amount::parse(&f.amount.trim().replace(',', "."), cur)
            .map_err(|e| format!("{}: {e}", t.s("amount")))?;
        if f.iban.trim().is_empty() {
            return Err(t.s("iban_needed").to_owned());
        }
        guild_store::check_idempotency_key(&f.key).map_err(|e| e.to_string())?;
        Ok(PayoutRequest {
            account: account.id,
            source,
            amount,
            to: None,
            beneficiary: f.beneficiary.clone(),
            iban: Some(f.iban.clone()),
        })
    })();
    let outcome = match request {
        Ok(request) => {
            let key = format!("account:{}:{}", account.id, f.key);
            state
                .on_store(move |store| {
                    store
                        .ledger()
                        .request_payout(&key, Some(request.account), &request)
                })
                .await
                .map(|(instruction, _, _)| instruction)
                .map_err(|e| e.detail().to_owned())
        }
        Err(why) => Err(why),
    };
    match outcome {
        Ok(instruction) => go(&format!("/money#payout-{}", instruction.id.0)),
        Err(error) => {
            let typed = Typed {
                deposit_currency: "EUR".to_owned(),
                from: f.from,
                amount: f.amount,
                currency: f.currency,
                beneficiary: f.beneficiary,
                iban: f.iban,
                ..Typed::default()
            };
            let mut page = render(&money_page(&state, &v, &account, typed, error).await?);
            *page.status_mut() = StatusCode::BAD_REQUEST;
            Err(page)
        }
    }
}

/// What reading a statement did, for the admin's page.
struct ReadReport {
    deposits: usize,
    settled: usize,
    returned: usize,
    already_read: usize,
    unmatched: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_payments.html")]
struct AdminPaymentsPage {
    t: Words,
    signed_in: bool,
    csrf: String,
    waiting_in: Vec<InstructionRow>,
    waiting_out: Vec<InstructionRow>,
    report: Option<ReadReport>,
    statement: String,
    error: String,
}

/// The viewer, if a platform admin; else the page that says this is not for them.
pub(super) async fn admin(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
    let v = Viewer::load(state, headers).await?;
    let account = v.require()?;
    if account.role != "admin" {
        return Err(problem_page(&v, StatusCode::FORBIDDEN, v.t.s("admin_only")));
    }
    Ok(v)
}

async fn admin_page(
    state: &AppState,
    v: &Viewer,
    report: Option<ReadReport>,
    statement: String,
    error: String,
) -> Result<AdminPaymentsPage, Response> {
    let open = state
        .on_store(|store| store.ledger().open_instructions(500))
        .await
        .map_err(|e| failed(v, &e))?;
    let t = v.t;
    let who = |i: &PaymentInstruction| {
        let account = format!("{} {}", t.s("account"), i.account);
        match &i.beneficiary {
            Some(b) => format!("{account} → {b}"),
            None => account,
        }
    };
    Ok(AdminPaymentsPage {
        t,
        signed_in: true,
        csrf: v.csrf.clone(),
        waiting_in: open
            .iter()
            .filter(|i| i.direction.as_str() == "in")
            .map(|i| row(t, i, who(i)))
            .collect(),
        waiting_out: open
            .iter()
            .filter(|i| i.direction.as_str() == "out")
            .map(|i| row(t, i, who(i)))
            .collect(),
        report,
        statement,
        error,
    })
}

/// The admin's reconciliation page.
pub(super) async fn admin_payments(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = admin(&state, &headers).await?;
    Ok(render(
        &admin_page(&state, &v, None, String::new(), String::new()).await?,
    ))
}

#[derive(Deserialize)]
struct StatementForm {
    #[serde(default)]
    statement: String,
}

/// Reads the bank's statement (pasted or chosen as a file): deposits quoting a reference are
/// credited, payouts confirmed or returned; a line read before changes nothing.
pub(super) async fn reconcile(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(raw): RawForm,
) -> Page {
    let (v, account, f): (_, _, StatementForm) = submission(&state, &headers, &raw).await?;
    if account.role != "admin" {
        return Err(problem_page(&v, StatusCode::FORBIDDEN, v.t.s("admin_only")));
    }
    let lines = match guild_market::bank::parse_statement(&f.statement) {
        Ok(lines) => lines,
        Err(e) => {
            let mut page = render(&admin_page(&state, &v, None, f.statement, e.to_string()).await?);
            *page.status_mut() = StatusCode::BAD_REQUEST;
            return Err(page);
        }
    };
    let read = state
        .on_platform(move |platform| platform.reconcile(&lines))
        .await
        .map_err(|e| failed(&v, &e))?;
    let report = ReadReport {
        deposits: read.deposits,
        settled: read.settled,
        returned: read.returned,
        already_read: read.already_read,
        unmatched: read.unmatched,
    };
    Ok(render(
        &admin_page(&state, &v, Some(report), String::new(), String::new()).await?,
    ))
}

/// The payout file for the bank: every payout not yet confirmed, as CSV.
pub(super) async fn payout_file(State(state): State<AppState>, headers: HeaderMap) -> Page {
    let v = admin(&state, &headers).await?;
    let file = state
        .on_store(|store| store.ledger().payout_file())
        .await
        .map_err(|e| failed(&v, &e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"guild-payouts.csv\"",
            ),
        ],
        file,
    )
        .into_response())
}
