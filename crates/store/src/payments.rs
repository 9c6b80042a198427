//! The bank-transfer payment rail, on the ledger: deposit instructions with a structured
//! reference, payouts (and withdrawals of unused client funds) moved to `payouts_pending` at
//! once and listed in a payout file for the operator's bank, and the bank's statement read
//! back: each line at most once, deposits credited, payouts settled or returned, the rest kept
//! as unmatched for a person to look at. Payouts in another currency convert at the rate the
//! operator set, recorded with the transfer.

use crate::areas::Ledger;
use guild_ids::{AccountId, PaymentId, TransferId};
use guild_market::bank::{
    self, LineDecision, LineOutcome, PaymentDirection, PaymentStatus, PayoutInstruction,
    StatementLine,
};
use guild_market::fx::Rate;
use guild_market::ledger::{Account, AccountKind};
use guild_market::money::{Amount, Currency, decimal};
use serde::Serialize;

use crate::StoreError;
use crate::ledger::{StoredTransfer, market, market_error, post_in, post_request_in};
use crate::sql::{Record, Tx};

/// A bank transfer Guild expects (in) or sends (out).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentInstruction {
    /// Its number.
    pub id: PaymentId,
    /// `in` (a deposit to make) or `out` (a payout sent).
    pub direction: PaymentDirection,
    /// The ISO 11649 reference to quote.
    pub reference: String,
    /// The user account.
    pub account: AccountId,
    /// The currency.
    pub currency: String,
    /// The amount in minor units, if fixed.
    pub amount_minor: Option<i64>,
    /// The same, as decimal text.
    pub amount: Option<String>,
    /// `open`, `settled` or `returned`.
    pub status: PaymentStatus,
    /// For payouts: the transfer that set the money aside.
    pub transfer: Option<TransferId>,
    /// For payouts: the ledger account the money came from.
    pub source: Option<String>,
    /// For payouts: who receives it.
    pub beneficiary: Option<String>,
    /// For payouts: the IBAN.
    pub iban: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// When the bank confirmed it.
    pub settled_at: Option<String>,
}

const COLUMNS: &str = "id, direction, reference, account_id, currency, amount, status, transfer_id, source_kind, beneficiary, iban, created_at, settled_at";

fn from_row(r: &Record) -> Result<PaymentInstruction, StoreError> {
    let currency = r.text("currency")?.to_owned();
    let amount_minor = r.opt_int("amount")?;
    let cur = Currency::parse(&currency).map_err(|e| StoreError::Backend(e.to_string()))?;
    Ok(PaymentInstruction {
        id: r.id("id")?,
        direction: market(PaymentDirection::parse(r.text("direction")?))?,
        reference: r.text("reference")?.to_owned(),
        account: r.id("account_id")?,
        amount: amount_minor.map(|m| decimal(m, cur)),
        currency,
        amount_minor,
        status: market(PaymentStatus::parse(r.text("status")?))?,
        transfer: r.opt_id("transfer_id")?,
        source: r.opt_text("source_kind")?,
        beneficiary: r.opt_text("beneficiary")?,
        iban: r.opt_text("iban")?,
        created_at: r.text("created_at")?.to_owned(),
        settled_at: r.opt_text("settled_at")?,
    })
}

/// Inserts an instruction and gives it the reference made from its number.
#[allow(clippy::too_many_arguments)]
fn insert_instruction(
    tx: &mut dyn Tx,
    direction: PaymentDirection,
    account: AccountId,
    currency: Currency,
    amount: Option<i64>,
    transfer: Option<TransferId>,
    source: Option<&str>,
    beneficiary: Option<&str>,
    iban: Option<&str>,
) -> Result<PaymentInstruction, StoreError> {
    let now = tx.now().to_string();
    // A placeholder unique to this transaction until the number is known.
    let placeholder = format!(
        "pending-{account}-{now}-{}",
        transfer.map_or(0, |t| t.get())
    );
    let id = tx
        .query(
            "INSERT INTO payment_instructions (direction, reference, account_id, currency, amount, status, transfer_id, source_kind, beneficiary, iban, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10) RETURNING id",
            &[
                direction.as_str().into(),
                placeholder.into(),
                account.into(),
                currency.code().into(),
                amount.into(),
                transfer.into(),
                source.into(),
                beneficiary.into(),
                iban.into(),
                now.into(),
            ],
        )?
        .first()
        .map(|r| r.int("id"))
        .transpose()?
        .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?;
    let reference = bank::creditor_reference(u64::try_from(id).unwrap_or_default());
    tx.execute(
        "UPDATE payment_instructions SET reference = $1 WHERE id = $2",
        &[reference.into(), id.into()],
    )?;
    instruction_in(tx, id)
}

fn instruction_in(tx: &mut dyn Tx, id: i64) -> Result<PaymentInstruction, StoreError> {
    tx.query(
        &format!("SELECT {COLUMNS} FROM payment_instructions WHERE id = $1"),
        &[id.into()],
    )?
    .first()
    .map(from_row)
    .ok_or_else(|| StoreError::NotFound {
        what: "payment instruction",
        id: id.to_string(),
    })?
}

/// A payout to request.
#[derive(Debug, Clone)]
pub struct PayoutRequest {
    /// The user account paid.
    pub account: AccountId,
    /// Where the money comes from: `worker_balance` (earnings) or `client_funds` (a client
    /// withdrawing what it did not commit).
    pub source: AccountKind,
    /// How much, in the source's currency.
    pub amount: Amount,
    /// The currency to pay out in, if another (converted at the operator's rate).
    pub to: Option<Currency>,
    /// Who receives it.
    pub beneficiary: String,
    /// The IBAN to pay to.
    pub iban: Option<String>,
}

/// What reading a statement did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reconciliation {
    /// Lines that credited a deposit.
    pub deposits: usize,
    /// Lines that confirmed a payout.
    pub settled: usize,
    /// Lines that returned a payout.
    pub returned: usize,
    /// Lines kept for a person to look at, with why.
    pub unmatched: Vec<String>,
    /// Lines read before (a statement read twice changes nothing).
    pub already_read: usize,
}

impl Ledger<'_> {
    /// A deposit instruction for `account`: the reference to quote on a bank transfer in
    /// `currency` (the amount, if given, is what the client said it would send).
    pub fn deposit_instruction(
        &self,
        account: AccountId,
        currency: Currency,
        amount: Option<Amount>,
    ) -> Result<PaymentInstruction, StoreError> {
        self.store.write(|tx| {
            insert_instruction(
                tx,
                PaymentDirection::In,
                account,
                currency,
                amount.map(|a| a.minor),
                None,
                None,
                None,
                None,
            )
        })
    }

    /// The payment instructions of `account`, newest first.
    pub fn payment_instructions(
        &self,
        account: AccountId,
    ) -> Result<Vec<PaymentInstruction>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM payment_instructions WHERE account_id = $1 ORDER BY id DESC LIMIT 100"),
                &[account.into()],
            )?
            .iter()
            .map(from_row)
            .collect()
        })
    }

    /// The instructions still waiting for the bank, every account's, oldest first: the deposits
    /// clients said they would send and the payouts not yet confirmed (at most `limit`).
    pub fn open_instructions(&self, limit: usize) -> Result<Vec<PaymentInstruction>, StoreError> {
        let limit = i64::try_from(limit.min(1000)).unwrap_or(1000);
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM payment_instructions WHERE status = 'open' ORDER BY id LIMIT $1"),
                &[limit.into()],
            )?
            .iter()
            .map(from_row)
            .collect()
        })
    }

    /// Sets the rate for converting `base` into `quote`.
    pub fn set_rate(&self, rate: Rate) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let now = tx.now().to_string();
            crate::audit::audit(tx, None, "fx.rate_set", &format!("rate:{}/{}", rate.base, rate.quote), &rate.text())?;
            let n = tx.execute(
                "UPDATE exchange_rates SET nanos = $1, set_at = $2 WHERE base = $3 AND quote = $4",
                &[rate.nanos.into(), now.clone().into(), rate.base.code().into(), rate.quote.code().into()],
            )?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO exchange_rates (base, quote, nanos, set_at) VALUES ($1, $2, $3, $4)",
                    &[rate.base.code().into(), rate.quote.code().into(), rate.nanos.into(), now.into()],
                )?;
            }
            Ok(())
        })
    }

    /// Sets money aside for a payout under an idempotency key: it leaves the source for
    /// `payouts_pending` (converted at the operator's rate when paid in another currency) and a
    /// payout instruction is made, in one transaction. A replay returns the same payout.
    pub fn request_payout(
        &self,
        key: &str,
        actor: Option<AccountId>,
        request: &PayoutRequest,
    ) -> Result<(PaymentInstruction, StoredTransfer, bool), StoreError> {
        if !matches!(
            request.source,
            AccountKind::WorkerBalance | AccountKind::ClientFunds
        ) {
            return Err(StoreError::Invalid(
                "a payout comes from worker_balance or client_funds".to_owned(),
            ));
        }
        let beneficiary = request.beneficiary.trim();
        if beneficiary.is_empty() || beneficiary.chars().count() > bank::MAX_PAYOUT_TEXT_CHARS {
            return Err(StoreError::Invalid(format!(
                "beneficiary: 1 to {} characters",
                bank::MAX_PAYOUT_TEXT_CHARS
            )));
        }
        let iban = request
            .iban
            .as_deref()
            .map(bank::check_iban)
            .transpose()
            .map_err(market_error)?;
        let from = request.amount.currency;
        let to = request.to.unwrap_or(from);
        self.store.money_write(|tx| {
            let source = market(Account::of(request.source, request.account, from))?;
            let pending = market(Account::of(AccountKind::PayoutsPending, request.account, to))?;
            let (transfer, rate_text, paid) = if to == from {
                let t = bank::payout_transfer(source, pending, request.amount, None, beneficiary)
                    .map_err(market_error)?;
                (t, None, request.amount)
            } else {
                let nanos = tx
                    .query(
                        "SELECT nanos FROM exchange_rates WHERE base = $1 AND quote = $2",
                        &[from.code().into(), to.code().into()],
                    )?
                    .first()
                    .map(|r| r.int("nanos"))
                    .transpose()?
                    .ok_or_else(|| {
                        StoreError::Conflict(format!(
                            "no exchange rate from {from} to {to} is set: the operator sets one with `guild payments rate {from} {to} RATE`"
                        ))
                    })?;
                let rate = Rate { base: from, quote: to, nanos };
                let paid = rate.convert(request.amount).map_err(market_error)?;
                let t = bank::payout_transfer(source, pending, request.amount, Some((&rate, paid)), beneficiary)
                    .map_err(market_error)?;
                (t, Some(format!("{} {to}/{from}", rate.text())), paid)
            };
            // The transfer shows the source, amounts, currencies and beneficiary; the IBAN is
            // fingerprinted too, so that a retry to another account is refused, not replayed.
            let request_fields = format!("iban={}", iban.as_deref().unwrap_or(""));
            let (stored, replayed) = post_request_in(
                tx,
                key,
                actor,
                &transfer,
                rate_text.as_deref(),
                Some(&request_fields),
            )?;
            let instruction = if replayed {
                let id = tx
                    .query(
                        "SELECT id FROM payment_instructions WHERE transfer_id = $1",
                        &[stored.id.into()],
                    )?
                    .first()
                    .map(|r| r.int("id"))
                    .transpose()?
                    .ok_or_else(|| StoreError::Conflict(format!(
                        "idempotency key {key:?} was used for another kind of request"
                    )))?;
                instruction_in(tx, id)?
            } else {
                insert_instruction(
                    tx,
                    PaymentDirection::Out,
                    request.account,
                    to,
                    Some(paid.minor),
                    Some(stored.id),
                    Some(request.source.as_str()),
                    Some(beneficiary),
                    iban.as_deref(),
                )?
            };
            Ok((instruction, stored.clone(), replayed))
        })
    }

    /// The payout file for the operator's bank: every payout not yet confirmed.
    pub fn payout_file(&self) -> Result<String, StoreError> {
        let open: Vec<PaymentInstruction> = self.store.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM payment_instructions WHERE direction = 'out' AND status = 'open' ORDER BY id"),
                &[],
            )?
            .iter()
            .map(from_row)
            .collect()
        })?;
        let instructions = open
            .iter()
            .map(|p| {
                let cur = market(Currency::parse(&p.currency))?;
                Ok(PayoutInstruction {
                    payout_id: p.id,
                    reference: p.reference.clone(),
                    amount: market(Amount::new(p.amount_minor.unwrap_or(0), cur))?,
                    beneficiary: p.beneficiary.clone().unwrap_or_default(),
                    iban: p.iban.clone(),
                    note: format!("Guild payout {}", p.id),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        market(bank::payout_file(&instructions))
    }

    /// Reads a bank statement: each line once, in its own transaction.
    /// Reads a bank statement's lines, each in its own transaction, as `decide` says on the
    /// line and the instruction its reference names: a line read before changes nothing; a
    /// line that matches nothing is kept (and audited) for a person to look at.
    pub fn reconcile(
        &self,
        lines: &[StatementLine],
        decide: ReadLine<'_>,
    ) -> Result<Reconciliation, StoreError> {
        let mut report = Reconciliation::default();
        for line in lines {
            match self
                .store
                .money_write(|tx| reconcile_line(tx, line, decide))?
            {
                None => report.already_read += 1,
                Some(LineOutcome::Deposit) => report.deposits += 1,
                Some(LineOutcome::PayoutSettled) => report.settled += 1,
                Some(LineOutcome::PayoutReturned) => report.returned += 1,
                Some(LineOutcome::Unmatched(why)) => report
                    .unmatched
                    .push(format!("line {} ({}): {why}", line.line, line.bank_id)),
            }
        }
        Ok(report)
    }
}

/// What decides a statement line: on the line and the instruction its reference names, what
/// it is and the transfer it makes.
pub type ReadLine<'a> =
    &'a dyn Fn(&StatementLine, Option<&bank::Instruction>) -> Result<LineDecision, StoreError>;

/// Reads one statement line as `decide` says, in `tx`: what it was (`None`: read before).
fn reconcile_line(
    tx: &mut dyn Tx,
    line: &StatementLine,
    decide: ReadLine<'_>,
) -> Result<Option<LineOutcome>, StoreError> {
    if !tx
        .query(
            "SELECT 1 FROM bank_lines WHERE bank_id = $1",
            &[line.bank_id.as_str().into()],
        )?
        .is_empty()
    {
        return Ok(None);
    }
    let instruction = match &line.reference {
        Some(r) => tx
            .query(
                &format!("SELECT {COLUMNS} FROM payment_instructions WHERE reference = $1"),
                &[r.as_str().into()],
            )?
            .first()
            .map(from_row)
            .transpose()?,
        None => None,
    };
    let facts = instruction
        .as_ref()
        .map(|p| -> Result<bank::Instruction, StoreError> {
            Ok(bank::Instruction {
                reference: p.reference.clone(),
                account: p.account,
                direction: p.direction,
                status: p.status,
                currency: p.currency.clone(),
                amount_minor: p.amount_minor,
                source: p
                    .source
                    .as_deref()
                    .map(AccountKind::parse)
                    .transpose()
                    .map_err(market_error)?,
            })
        })
        .transpose()?;
    let decision = decide(line, facts.as_ref())?;
    let now = tx.now().to_string();
    let transfer: Option<TransferId> = match (&decision.transfer, &instruction) {
        (Some(t), Some(p)) => {
            let (stored, _) = post_in(tx, &format!("bank:{}", line.bank_id), None, t, None)?;
            match decision.status {
                // A deposit's instruction stays open (more may come); it was first met now.
                None => tx.execute(
                    "UPDATE payment_instructions SET settled_at = COALESCE(settled_at, $1) WHERE id = $2",
                    &[now.clone().into(), p.id.into()],
                )?,
                Some(status) => tx.execute(
                    "UPDATE payment_instructions SET status = $1, settled_at = $2 WHERE id = $3",
                    &[status.as_str().into(), now.clone().into(), p.id.into()],
                )?,
            };
            Some(stored.id)
        }
        _ => None,
    };
    let why = match &decision.outcome {
        LineOutcome::Unmatched(why) => {
            let why = why.to_string();
            crate::audit::audit(
                tx,
                None,
                "bank.unmatched",
                &format!("bank_line:{}", line.bank_id),
                &why,
            )?;
            Some(why)
        }
        _ => None,
    };
    tx.execute(
        "INSERT INTO bank_lines (bank_id, date, amount, currency, reference, outcome, transfer_id, note, read_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            line.bank_id.as_str().into(),
            line.date.as_str().into(),
            line.amount_minor.into(),
            line.currency.code().into(),
            line.reference.as_deref().into(),
            decision.outcome.as_str().into(),
            transfer.into(),
            why.as_deref().or(line.note.as_deref()).into(),
            now.into(),
        ],
    )?;
    Ok(Some(decision.outcome))
}
