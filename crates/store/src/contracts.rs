//! Contracts and milestones in the store. A change to a contract is decided by a function
//! the caller hands in (the platform's, which asks the market engine) on the contract's facts
//! as this transaction loaded them, the contract's row locked first so that two requests cannot
//! both act on the same state; the store writes the change — states, review deadlines, a new
//! week, a timesheet, the ledger movements, the notice and the audit event — in the same
//! transaction, and knows no rule itself. Money keys are derived from the contract, milestone
//! and event, so a doubled request cannot move money twice.

use crate::areas::Contracts;
use guild_ids::{AccountId, ContractId, SkillTestId};
use guild_market::change::{Change, ContractFacts, ContractTerms, MilestoneFacts};
use guild_market::contract::{ContractKind, ContractStatus, MilestoneStatus, Party};
use guild_market::fees::split;
use guild_market::money::{Amount, Currency, decimal};
use guild_market::settlement::ContractMoney;
use guild_market::timesheet::bill;
use serde::Serialize;

use crate::ledger::{market, post_in};
use crate::sql::Tx;
use crate::{Store, StoreError};

/// A milestone as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MilestoneView {
    /// Its number, from 1.
    pub number: i64,
    /// What it delivers.
    pub title: String,
    /// Its price, decimal text.
    pub amount: String,
    /// What the worker receives when it is approved, after the fee (shown before accepting).
    pub worker_receives: String,
    /// The platform fee on it.
    pub fee: String,
    /// Its state.
    pub status: MilestoneStatus,
    /// When the client's review is due (then it is approved automatically).
    pub review_due: Option<String>,
    /// For a training milestone: the skill test whose pass by the learner (the client)
    /// approves it.
    pub test: Option<SkillTestId>,
    /// For a week of an hourly contract: its Monday.
    pub week_start: Option<String>,
    /// For a week: the minutes on its timesheet.
    pub minutes_logged: Option<i64>,
    /// For a week: what its timesheet bills (`worker_receives` and `fee` are of this; the
    /// rest of `amount` goes back to the client when the week is approved).
    pub billed: Option<String>,
}

/// A contract as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractView {
    /// Its number.
    pub id: ContractId,
    /// The client's account.
    pub client: AccountId,
    /// The worker's account.
    pub worker: AccountId,
    /// What it is for.
    pub title: String,
    /// Its currency.
    pub currency: String,
    /// The platform fee in basis points.
    pub fee_bps: i64,
    /// Days the client has to review submitted work.
    pub review_days: i64,
    /// `fixed` (milestones) or `hourly` (weeks).
    pub kind: ContractKind,
    /// For an hourly contract: the rate per hour.
    pub hourly_rate: Option<String>,
    /// For an hourly contract: what the worker receives per hour after the fee (shown
    /// before accepting).
    pub worker_receives_per_hour: Option<String>,
    /// For an hourly contract: the most hours a week.
    pub weekly_cap_hours: Option<i64>,
    /// Its state.
    pub status: ContractStatus,
    /// Money in its escrow now, decimal text.
    pub escrow: String,
    /// Its milestones.
    pub milestones: Vec<MilestoneView>,
    /// When it was made.
    pub created_at: String,
}

/// One day on a week's timesheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimesheetEntry {
    /// The day (ISO 8601 date).
    pub date: String,
    /// Minutes worked.
    pub minutes: i64,
    /// What was done.
    pub note: String,
}

fn load(tx: &mut dyn Tx, id: ContractId) -> Result<ContractView, StoreError> {
    let rows = tx.query(
        "SELECT id, client_id, worker_id, title, currency, fee_bps, review_days, status, created_at, kind, hourly_rate, weekly_cap_hours \
         FROM contracts WHERE id = $1",
        &[id.into()],
    )?;
    let r = rows.first().ok_or_else(|| StoreError::NotFound {
        what: "contract",
        id: id.to_string(),
    })?;
    let currency = r.text("currency")?.to_owned();
    let cur = market(Currency::parse(&currency))?;
    let fee_bps = u32::try_from(r.int("fee_bps")?).unwrap_or(0);
    let hourly_rate = r.opt_int("hourly_rate")?;
    let after_fee = |minor: i64| -> Result<(String, String), StoreError> {
        if minor == 0 {
            return Ok((decimal(0, cur), decimal(0, cur)));
        }
        let s = market(split(market(Amount::new(minor, cur))?, fee_bps))?;
        Ok((decimal(s.worker_minor, cur), decimal(s.fee_minor, cur)))
    };
    let escrow = tx
        .query(
            "SELECT balance FROM ledger_accounts WHERE kind = 'escrow' AND owner = $1 AND currency = $2",
            &[id.into(), currency.as_str().into()],
        )?
        .first()
        .map(|r| r.int("balance"))
        .transpose()?
        .unwrap_or(0);
    // Only hourly contracts have timesheets.
    let minutes = if hourly_rate.is_some() {
        week_minutes(tx, id)?
    } else {
        std::collections::HashMap::new()
    };
    let milestones = tx
        .query(
            "SELECT ord, title, amount, status, review_due, test_id, week_start FROM milestones WHERE contract_id = $1 ORDER BY ord",
            &[id.into()],
        )?
        .iter()
        .map(|m| {
            let ord = m.int("ord")?;
            let minor = m.int("amount")?;
            let week_start = m.opt_text("week_start")?;
            let (logged, billed) = match (&week_start, hourly_rate) {
                (Some(_), Some(rate)) => {
                    let logged = minutes.get(&ord).copied().unwrap_or(0);
                    (Some(logged), Some(market(bill(rate, logged))?))
                }
                _ => (None, None),
            };
            let (worker_receives, fee) = after_fee(billed.unwrap_or(minor))?;
            Ok(MilestoneView {
                number: ord + 1,
                title: m.text("title")?.to_owned(),
                amount: decimal(minor, cur),
                worker_receives,
                fee,
                status: market(MilestoneStatus::parse(m.text("status")?))?,
                review_due: m.opt_text("review_due")?,
                test: m.opt_id("test_id")?,
                week_start,
                minutes_logged: logged,
                billed: billed.map(|b| decimal(b, cur)),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(ContractView {
        id: r.id("id")?,
        client: r.id("client_id")?,
        worker: r.id("worker_id")?,
        title: r.text("title")?.to_owned(),
        currency,
        fee_bps: i64::from(fee_bps),
        review_days: r.int("review_days")?,
        kind: market(ContractKind::parse(r.text("kind")?))?,
        hourly_rate: hourly_rate.map(|h| decimal(h, cur)),
        worker_receives_per_hour: hourly_rate
            .map(|h| after_fee(h).map(|(w, _)| w))
            .transpose()?,
        weekly_cap_hours: r.opt_int("weekly_cap_hours")?,
        status: market(ContractStatus::parse(r.text("status")?))?,
        escrow: decimal(escrow, cur),
        milestones,
        created_at: r.text("created_at")?.to_owned(),
    })
}

/// Minutes on each week's timesheet of a contract, by the week's milestone index.
fn week_minutes(
    tx: &mut dyn Tx,
    id: ContractId,
) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
    tx.query(
        "SELECT ord, SUM(minutes) AS minutes FROM timesheet_entries WHERE contract_id = $1 GROUP BY ord",
        &[id.into()],
    )?
    .iter()
    .map(|r| Ok((r.int("ord")?, r.int("minutes")?)))
    .collect()
}

/// Locks a contract's row (so that two requests cannot both act on the same state) and
/// loads it.
fn lock(tx: &mut dyn Tx, id: ContractId, now: jiff::Timestamp) -> Result<ContractView, StoreError> {
    let locked = tx.execute(
        "UPDATE contracts SET updated_at = $1 WHERE id = $2",
        &[now.to_string().into(), id.into()],
    )?;
    if locked == 0 {
        return Err(StoreError::NotFound {
            what: "contract",
            id: id.to_string(),
        });
    }
    load(tx, id)
}

impl ContractView {
    /// Who `account` is in the contract.
    pub fn party_of(&self, account: AccountId) -> Option<Party> {
        if account == self.client {
            Some(Party::Client)
        } else if account == self.worker {
            Some(Party::Worker)
        } else {
            None
        }
    }
}

/// What decides a change to a contract: given its facts and the time, the change to write.
pub type Decide<'a> = &'a dyn Fn(&ContractFacts, jiff::Timestamp) -> Result<Change, StoreError>;

/// The contract's facts, as the rules decide on them.
fn facts(tx: &mut dyn Tx, c: &ContractView) -> Result<ContractFacts, StoreError> {
    let currency = market(Currency::parse(&c.currency))?;
    let amounts = tx
        .query(
            "SELECT amount FROM milestones WHERE contract_id = $1 ORDER BY ord",
            &[c.id.into()],
        )?
        .iter()
        .map(|r| r.int("amount"))
        .collect::<Result<Vec<i64>, _>>()?;
    let rate = c
        .hourly_rate
        .as_deref()
        .map(|rate| market(Amount::parse(rate, currency)).map(|a| a.minor))
        .transpose()?;
    let milestones = c
        .milestones
        .iter()
        .zip(amounts)
        .map(|(m, amount)| {
            Ok(MilestoneFacts {
                status: m.status,
                amount,
                test: m.test,
                week_start: m
                    .week_start
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|e| StoreError::Backend(format!("a stored week start: {e}")))?,
                minutes: m.minutes_logged.unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(ContractFacts {
        money: ContractMoney {
            contract: c.id,
            client: c.client,
            worker: c.worker,
            currency,
            fee_bps: u32::try_from(c.fee_bps).unwrap_or(0),
        },
        kind: c.kind,
        status: c.status,
        review_days: c.review_days,
        hourly: rate.zip(c.weekly_cap_hours),
        milestones,
    })
}

/// Locks contract `id`, lets `decide` decide on its facts, and writes the change, in the
/// caller's transaction: see [`Contracts::change_contract`].
pub(crate) fn change_in(
    tx: &mut dyn Tx,
    id: ContractId,
    decide: Decide<'_>,
) -> Result<ContractView, StoreError> {
    let now = tx.now();
    let c = lock(tx, id, now)?;
    let change = decide(&facts(tx, &c)?, now)?;
    if let Some(week) = &change.new_week {
        tx.execute(
            "INSERT INTO milestones (contract_id, ord, title, amount, status, week_start) VALUES ($1, $2, $3, $4, 'unfunded', $5)",
            &[id.into(), (week.index as i64).into(), week.title.as_str().into(), week.amount.into(), week.start.to_string().into()],
        )?;
    }
    for m in &change.movements {
        post_in(tx, &m.key, m.actor, &m.transfer, None)?;
    }
    for m in &change.milestones {
        let submitted = m.review_due.map(|_| now.to_string());
        tx.execute(
            "UPDATE milestones SET status = $1, submitted_at = COALESCE($2, submitted_at), review_due = $3 WHERE contract_id = $4 AND ord = $5",
            &[m.status.as_str().into(), submitted.into(), m.review_due.map(|d| d.to_string()).into(), id.into(), (m.index as i64).into()],
        )?;
    }
    if let Some(status) = change.status {
        tx.execute(
            "UPDATE contracts SET status = $1 WHERE id = $2",
            &[status.as_str().into(), id.into()],
        )?;
    }
    if let Some((week, days)) = &change.timesheet {
        tx.execute(
            "DELETE FROM timesheet_entries WHERE contract_id = $1 AND ord = $2",
            &[id.into(), (*week as i64).into()],
        )?;
        for d in days {
            tx.execute(
                "INSERT INTO timesheet_entries (contract_id, ord, day, minutes, note) VALUES ($1, $2, $3, $4, $5)",
                &[id.into(), (*week as i64).into(), d.date.to_string().into(), d.minutes.into(), d.note.as_str().into()],
            )?;
        }
    }
    if let Some(notice) = &change.notice {
        // The other party (both, when the platform acted) hears of it.
        for account in [c.client, c.worker] {
            if Some(account) != notice.actor {
                crate::messages::notify(
                    tx,
                    account,
                    "contract",
                    &format!("contract:{id}"),
                    &notice.text,
                )?;
            }
        }
        crate::audit::audit(
            tx,
            notice.actor,
            &notice.event,
            &format!("contract:{id}"),
            &notice.detail,
        )?;
    }
    load(tx, id)
}

impl Contracts<'_> {
    /// Proposes a contract to a worker on `terms` (checked by the caller).
    pub fn create_contract(&self, terms: &ContractTerms) -> Result<ContractView, StoreError> {
        self.store.write(|tx| {
            let id = insert(tx, terms)?;
            // The worker hears of the offer in the same transaction that makes it.
            crate::messages::notify(
                tx,
                terms.worker,
                "contract",
                &format!("contract:{id}"),
                &format!("You are offered a contract: \"{}\"", terms.title),
            )?;
            load(tx, id)
        })
    }

    /// One contract.
    pub fn contract(&self, id: ContractId) -> Result<ContractView, StoreError> {
        self.store.read(|tx| load(tx, id))
    }

    /// The contracts `account` is a party to, newest first.
    pub fn contracts_of(&self, account: AccountId) -> Result<Vec<ContractView>, StoreError> {
        self.store.read(|tx| {
            let ids = tx.query(
                "SELECT id FROM contracts WHERE client_id = $1 OR worker_id = $1 ORDER BY id DESC LIMIT 200",
                &[account.into()],
            )?;
            ids.iter().map(|r| load(tx, r.id("id")?)).collect()
        })
    }

    /// Changes contract `id` as `decide` says on its facts, with its money, in one
    /// transaction: the contract's row is locked before its facts are read, so the decision
    /// is made on the state it changes. `decide` may run more than once, when the database
    /// asks the transaction to be retried.
    pub fn change_contract(
        &self,
        id: ContractId,
        decide: Decide<'_>,
    ) -> Result<ContractView, StoreError> {
        self.store.money_write(|tx| change_in(tx, id, decide))
    }

    /// Week `week`'s timesheet (index from 0), by day.
    pub fn timesheet(
        &self,
        id: ContractId,
        week: usize,
    ) -> Result<Vec<TimesheetEntry>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT day, minutes, note FROM timesheet_entries WHERE contract_id = $1 AND ord = $2 ORDER BY day",
                &[id.into(), (week as i64).into()],
            )?
            .iter()
            .map(|r| {
                Ok(TimesheetEntry {
                    date: r.text("day")?.to_owned(),
                    minutes: r.int("minutes")?,
                    note: r.text("note")?.to_owned(),
                })
            })
            .collect()
        })
    }

    /// The learner's training milestones tied to skill test `test` that its pass would
    /// approve (in the learner's active contracts): each as its contract and index.
    pub fn training_milestones(
        &self,
        learner: AccountId,
        test: SkillTestId,
    ) -> Result<Vec<(ContractId, usize)>, StoreError> {
        self.store.milestones_where(
            "WHERE c.client_id = $1 AND c.status = 'active' AND m.test_id = $2 \
             AND m.status IN ('funded', 'submitted', 'changes_requested')",
            &[learner.into(), test.into()],
        )
    }

    /// The submitted milestones whose review is overdue at `now`.
    pub fn overdue_milestones(
        &self,
        now: jiff::Timestamp,
    ) -> Result<Vec<(ContractId, usize)>, StoreError> {
        self.store.milestones_where(
            "WHERE m.status = 'submitted' AND c.status = 'active' AND m.review_due <= $1",
            &[now.to_string().into()],
        )
    }
}

impl Store {
    /// The milestones that `selection` (a WHERE clause over milestones `m` joined with their
    /// contracts `c`) picks, in order.
    fn milestones_where(
        &self,
        selection: &str,
        params: &[crate::sql::Value],
    ) -> Result<Vec<(ContractId, usize)>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT m.contract_id, m.ord FROM milestones m JOIN contracts c ON c.id = m.contract_id \
                     {selection} ORDER BY m.contract_id, m.ord"
                ),
                params,
            )?
            .iter()
            .map(|r| Ok((r.id::<ContractId>("contract_id")?, usize::try_from(r.int("ord")?).unwrap_or(0))))
            .collect()
        })
    }
}

/// Inserts a new contract on checked `terms`, `proposed`, with its milestones, in `tx`;
/// returns its id.
pub(crate) fn insert(tx: &mut dyn Tx, new: &ContractTerms) -> Result<ContractId, StoreError> {
    let title = new.title.trim();
    if tx
        .query("SELECT 1 FROM accounts WHERE id = $1", &[new.worker.into()])?
        .is_empty()
    {
        return Err(StoreError::NotFound {
            what: "account",
            id: new.worker.to_string(),
        });
    }
    let now = tx.now().to_string();
    let id: ContractId = tx
        .query(
            "INSERT INTO contracts (client_id, worker_id, title, currency, fee_bps, review_days, status, created_at, updated_at, \
             kind, hourly_rate, weekly_cap_hours) \
             VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7, $7, $8, $9, $10) RETURNING id",
            &[
                new.client.into(),
                new.worker.into(),
                title.into(),
                new.currency.code().into(),
                i64::from(new.fee_bps).into(),
                new.review_days.into(),
                now.into(),
                if new.hourly.is_some() { ContractKind::Hourly } else { ContractKind::Fixed }.as_str().into(),
                new.hourly.map(|h| h.rate.minor).into(),
                new.hourly.map(|h| h.weekly_cap_hours).into(),
            ],
        )?
        .first()
        .map(|r| r.id("id"))
        .transpose()?
        .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?;
    for (i, (t, a)) in new.milestones.iter().enumerate() {
        let test = new.tests.get(i).copied().flatten();
        if let Some(tid) = test
            && tx
                .query("SELECT 1 FROM skill_tests WHERE id = $1", &[tid.into()])?
                .is_empty()
        {
            return Err(StoreError::NotFound {
                what: "skill test",
                id: tid.to_string(),
            });
        }
        tx.execute(
            "INSERT INTO milestones (contract_id, ord, title, amount, status, test_id) VALUES ($1, $2, $3, $4, 'unfunded', $5)",
            &[id.into(), (i as i64).into(), t.trim().into(), a.minor.into(), test.into()],
        )?;
    }
    Ok(id)
}
