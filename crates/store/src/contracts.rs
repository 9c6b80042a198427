//! Contracts and milestones in the store: each action is decided by the market engine's state
//! machine and applied with its ledger transfer in one transaction, the contract's row locked
//! first so that two requests cannot both act on the same state. Money keys are derived from
//! the contract, milestone and event, so a doubled request cannot move money twice.

use guild_ids::{AccountId, ContractId, SkillTestId};
use guild_market::contract::{
    Action, ContractKind, ContractStatus, MilestoneStatus, Party, decide_for,
};
use guild_market::fees::split;
use guild_market::money::{Amount, Currency, decimal};
use guild_market::settlement::{ContractMoney, MilestoneFunds, movements};
use guild_market::timesheet::{DayEntry, bill, check_week, week_funding};
use serde::Serialize;

use crate::ledger::{market, market_error, post_in};
use crate::sql::Tx;
use crate::{Store, StoreError};

use guild_market::contract::MAX_MILESTONES;

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

/// A new contract.
#[derive(Debug, Clone)]
pub struct NewContract {
    /// The client (who pays).
    pub client: AccountId,
    /// The worker's account.
    pub worker: AccountId,
    /// What it is for.
    pub title: String,
    /// The currency.
    pub currency: Currency,
    /// The milestones: titles and prices.
    pub milestones: Vec<(String, Amount)>,
    /// Days for reviewing submitted work (1–60).
    pub review_days: i64,
    /// Per milestone, a skill test that makes it a training milestone (empty: none).
    pub tests: Vec<Option<SkillTestId>>,
    /// For an hourly contract (then `milestones` is empty: weeks are added as it runs).
    pub hourly: Option<HourlyTerms>,
}

/// An hourly contract's terms.
#[derive(Debug, Clone, Copy)]
pub struct HourlyTerms {
    /// The rate per hour, in the contract's currency.
    pub rate: Amount,
    /// The most hours a week, whole hours.
    pub weekly_cap_hours: i64,
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

/// Who `account` is in `contract`.
pub fn party_of(contract: &ContractView, account: AccountId) -> Option<Party> {
    if account == contract.client {
        Some(Party::Client)
    } else if account == contract.worker {
        Some(Party::Worker)
    } else {
        None
    }
}

/// Applies `action` by `party` (on milestone `milestone`, counted from 0) with its money, in
/// the caller's transaction: see [`Store::act_on_contract`].
pub(crate) fn act_in(
    tx: &mut dyn Tx,
    id: ContractId,
    party: Party,
    action: Action,
    milestone: Option<usize>,
    worker_percent: Option<u8>,
    now: jiff::Timestamp,
) -> Result<ContractView, StoreError> {
    let c = lock(tx, id, now)?;
    let (kind, status) = (c.kind, c.status);
    let states: Vec<MilestoneStatus> = c.milestones.iter().map(|m| m.status).collect();
    // A training milestone is approved by the learner's pass, not by hand.
    if let Some(m) = milestone.and_then(|i| c.milestones.get(i))
        && let Some(test) = m.test
        && matches!(
            action,
            Action::Submit | Action::Approve | Action::RequestChanges | Action::AutoApprove
        )
    {
        return Err(StoreError::Conflict(format!(
            "milestone {} is a training milestone: it is approved when the learner passes skill test {test}",
            m.number
        )));
    }
    let effect = decide_for(kind, status, &states, action, party, milestone)
        .map_err(StoreError::ContractRefused)?;
    let cur = market(Currency::parse(&c.currency))?;
    let amounts = tx
        .query(
            "SELECT amount FROM milestones WHERE contract_id = $1 ORDER BY ord",
            &[id.into()],
        )?
        .iter()
        .map(|r| r.int("amount"))
        .collect::<Result<Vec<i64>, _>>()?;
    let rate = c
        .hourly_rate
        .as_deref()
        .map(|rate| market(Amount::parse(rate, cur)).map(|a| a.minor))
        .transpose()?;
    let money = ContractMoney {
        contract: id,
        client: c.client,
        worker: c.worker,
        currency: cur,
        fee_bps: u32::try_from(c.fee_bps).unwrap_or(0),
    };
    let moves = movements(&money, &effect, action, worker_percent, |i| {
        MilestoneFunds {
            amount: amounts.get(i).copied().unwrap_or(0),
            hourly: rate.zip(c.milestones.get(i).and_then(|w| w.minutes_logged)),
        }
    })
    .map_err(market_error)?;
    for m in &moves {
        post_in(tx, &m.key, m.actor, &m.transfer, None)?;
    }
    for m in &effect.milestones {
        let (submitted, due) = if m.status == MilestoneStatus::Submitted {
            let due = now
                .checked_add(jiff::SignedDuration::from_hours(24 * c.review_days))
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            (Some(now.to_string()), Some(due.to_string()))
        } else {
            (None, None)
        };
        tx.execute(
            "UPDATE milestones SET status = $1, submitted_at = COALESCE($2, submitted_at), review_due = $3 WHERE contract_id = $4 AND ord = $5",
            &[m.status.as_str().into(), submitted.into(), due.into(), id.into(), (m.index as i64).into()],
        )?;
    }
    tx.execute(
        "UPDATE contracts SET status = $1 WHERE id = $2",
        &[effect.contract.as_str().into(), id.into()],
    )?;
    let actor = match party {
        Party::Client => Some(c.client),
        Party::Worker => Some(c.worker),
        Party::Admin | Party::System => None,
    };
    // The other party (both, when the platform acted) hears of it.
    let text = format!(
        "Contract {id}: {action:?} by {party:?}; now {}",
        effect.contract.as_str()
    );
    for account in [c.client, c.worker] {
        if Some(account) != actor {
            crate::messages::notify(tx, account, "contract", &format!("contract:{id}"), &text)?;
        }
    }
    crate::audit::audit(
        tx,
        actor,
        &format!("contract.{action:?}").to_lowercase(),
        &format!("contract:{id}"),
        &format!(
            "by {party:?}{}; now {}{}",
            milestone
                .map(|m| format!(", milestone {}", m + 1))
                .unwrap_or_default(),
            effect.contract.as_str(),
            worker_percent
                .map(|p| format!(", {p} % to the worker"))
                .unwrap_or_default()
        ),
    )?;
    load(tx, id)
}

impl Store {
    /// Proposes a contract to a worker.
    pub fn create_contract(&self, new: &NewContract) -> Result<ContractView, StoreError> {
        check_new(new)?;
        self.write(|tx| {
            let id = insert(tx, new)?;
            load(tx, id)
        })
    }

    /// One contract.
    pub fn contract(&self, id: ContractId) -> Result<ContractView, StoreError> {
        self.read(|tx| load(tx, id))
    }

    /// The contracts `account` is a party to, newest first.
    pub fn contracts_of(&self, account: AccountId) -> Result<Vec<ContractView>, StoreError> {
        self.read(|tx| {
            let ids = tx.query(
                "SELECT id FROM contracts WHERE client_id = $1 OR worker_id = $1 ORDER BY id DESC LIMIT 200",
                &[account.into()],
            )?;
            ids.iter().map(|r| load(tx, r.id("id")?)).collect()
        })
    }

    /// Applies `action` by `party` (on milestone `milestone`, counted from 0), with its money,
    /// in one transaction. For `Resolve`, `worker_percent` of each disputed milestone's escrow
    /// goes to the worker (less the fee) and the rest back to the client.
    pub fn act_on_contract(
        &self,
        id: ContractId,
        party: Party,
        action: Action,
        milestone: Option<usize>,
        worker_percent: Option<u8>,
        now: jiff::Timestamp,
    ) -> Result<ContractView, StoreError> {
        self.money_write(|tx| act_in(tx, id, party, action, milestone, worker_percent, now))
    }

    /// The client opens and funds a week of an hourly contract, starting on Monday `week`:
    /// the rate times the weekly cap goes into escrow. One transaction.
    pub fn open_week(
        &self,
        id: ContractId,
        client: AccountId,
        week: jiff::civil::Date,
        now: jiff::Timestamp,
    ) -> Result<ContractView, StoreError> {
        if week.weekday() != jiff::civil::Weekday::Monday {
            return Err(StoreError::Invalid(format!(
                "a week starts on a Monday; {week} is a {:?}",
                week.weekday()
            )));
        }
        self.money_write(|tx| {
            let c = lock(tx, id, now)?;
            if c.client != client {
                return Err(StoreError::Conflict("only the client funds weeks".to_owned()));
            }
            let (Some(rate), Some(cap)) = (&c.hourly_rate, c.weekly_cap_hours) else {
                return Err(StoreError::Conflict(format!(
                    "contract {id} is fixed-price: fund its milestones"
                )));
            };
            if c.status != ContractStatus::Active {
                return Err(StoreError::Conflict(format!(
                    "the contract is {}; weeks are funded while it is active",
                    c.status
                )));
            }
            let week_text = week.to_string();
            if c.milestones.iter().any(|m| m.week_start.as_deref() == Some(week_text.as_str())) {
                return Err(StoreError::Conflict(format!("the week of {week} is already open")));
            }
            if c.milestones.len() >= 520 {
                return Err(StoreError::Conflict("a contract has at most 520 weeks".to_owned()));
            }
            let cur = market(Currency::parse(&c.currency))?;
            let funding = market(week_funding(market(Amount::parse(rate, cur))?.minor, cap))?;
            let ord = c.milestones.len();
            tx.execute(
                "INSERT INTO milestones (contract_id, ord, title, amount, status, week_start) VALUES ($1, $2, $3, $4, 'unfunded', $5)",
                &[id.into(), (ord as i64).into(), format!("Week of {week}").into(), funding.into(), week_text.into()],
            )?;
            act_in(tx, id, Party::Client, Action::Fund, Some(ord), None, now)
        })
    }

    /// The worker's timesheet for week `week` (index from 0) of an hourly contract, replacing
    /// what was there: each day of that week once, the total within the weekly cap. Only
    /// while the week is funded or sent back for changes.
    pub fn log_time(
        &self,
        id: ContractId,
        worker: AccountId,
        week: usize,
        entries: &[(jiff::civil::Date, i64, String)],
    ) -> Result<ContractView, StoreError> {
        let now = self.now();
        self.write(|tx| {
            let c = lock(tx, id, now)?;
            if c.worker != worker {
                return Err(StoreError::Conflict("only the worker logs time".to_owned()));
            }
            let Some(cap) = c.weekly_cap_hours else {
                return Err(StoreError::Conflict(format!(
                    "contract {id} is fixed-price: it has no timesheets"
                )));
            };
            let w = c.milestones.get(week).ok_or_else(|| StoreError::NotFound {
                what: "week",
                id: (week + 1).to_string(),
            })?;
            if c.status != ContractStatus::Active
                || !matches!(w.status, MilestoneStatus::Funded | MilestoneStatus::ChangesRequested)
            {
                return Err(StoreError::Conflict(format!(
                    "week {} is {} (contract {}): time is logged on a funded week before it is submitted",
                    week + 1,
                    w.status,
                    c.status
                )));
            }
            let start: jiff::civil::Date = w
                .week_start
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e| StoreError::Backend(format!("a stored week start: {e}")))?;
            let mut days = Vec::with_capacity(entries.len());
            for (date, minutes, note) in entries {
                if note.chars().count() > 2000 {
                    return Err(StoreError::Invalid("a note has at most 2000 characters".to_owned()));
                }
                let day = (*date - start).get_days();
                if !(0..7).contains(&day) {
                    return Err(StoreError::Invalid(format!(
                        "{date} is not in the week of {start} (Monday to Sunday)"
                    )));
                }
                days.push(DayEntry { day: i64::from(day), minutes: *minutes });
            }
            check_week(&days, cap).map_err(|e| StoreError::Invalid(e.to_string()))?;
            tx.execute(
                "DELETE FROM timesheet_entries WHERE contract_id = $1 AND ord = $2",
                &[id.into(), (week as i64).into()],
            )?;
            for (date, minutes, note) in entries {
                tx.execute(
                    "INSERT INTO timesheet_entries (contract_id, ord, day, minutes, note) VALUES ($1, $2, $3, $4, $5)",
                    &[id.into(), (week as i64).into(), date.to_string().into(), (*minutes).into(), note.trim().into()],
                )?;
            }
            load(tx, id)
        })
    }

    /// Week `week`'s timesheet (index from 0), by day.
    pub fn timesheet(
        &self,
        id: ContractId,
        week: usize,
    ) -> Result<Vec<TimesheetEntry>, StoreError> {
        self.read(|tx| {
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

    /// The learner `learner` passed skill test `test`: approves the funded training milestones
    /// tied to it in the learner's active contracts; returns how many.
    pub fn training_passed(
        &self,
        learner: AccountId,
        test: SkillTestId,
        now: jiff::Timestamp,
    ) -> Result<usize, StoreError> {
        self.act_on_milestones(
            "WHERE c.client_id = $1 AND c.status = 'active' AND m.test_id = $2 \
             AND m.status IN ('funded', 'submitted', 'changes_requested')",
            &[learner.into(), test.into()],
            Action::TestPassed,
            now,
        )
    }

    /// Approves every submitted milestone whose review is overdue at `now`; returns how many.
    pub fn approve_overdue(&self, now: jiff::Timestamp) -> Result<usize, StoreError> {
        self.act_on_milestones(
            "WHERE m.status = 'submitted' AND c.status = 'active' AND m.review_due <= $1",
            &[now.to_string().into()],
            Action::AutoApprove,
            now,
        )
    }

    /// Guild's own `action` on each milestone that `selection` (a WHERE clause over
    /// milestones `m` joined with their contracts `c`) picks; returns how many it applied to.
    fn act_on_milestones(
        &self,
        selection: &str,
        params: &[crate::sql::Value],
        action: Action,
        now: jiff::Timestamp,
    ) -> Result<usize, StoreError> {
        let due: Vec<(ContractId, usize)> = self.read(|tx| {
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
        })?;
        let mut done = 0;
        for (contract, ord) in due {
            match self.act_on_contract(contract, Party::System, action, Some(ord), None, now) {
                Ok(_) => done += 1,
                // Changed meanwhile (reviewed, cancelled): nothing to do.
                Err(StoreError::ContractRefused(_) | StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }
}

/// Checks a new contract's terms (what needs no database).
pub(crate) fn check_new(new: &NewContract) -> Result<(), StoreError> {
    if new.client == new.worker {
        return Err(StoreError::Invalid(
            "a contract needs two different accounts".to_owned(),
        ));
    }
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(StoreError::Invalid("title: 1 to 200 characters".to_owned()));
    }
    match &new.hourly {
        None if new.milestones.is_empty() || new.milestones.len() > MAX_MILESTONES => {
            return Err(StoreError::Invalid(format!(
                "1 to {MAX_MILESTONES} milestones"
            )));
        }
        Some(_) if !new.milestones.is_empty() => {
            return Err(StoreError::Invalid(
                "an hourly contract has no milestones: the client funds it a week at a time"
                    .to_owned(),
            ));
        }
        Some(h) => {
            if h.rate.currency != new.currency {
                return Err(StoreError::Invalid(format!(
                    "the rate is in {}, the contract in {}",
                    h.rate.currency, new.currency
                )));
            }
            market(week_funding(h.rate.minor, h.weekly_cap_hours))?;
        }
        None => {}
    }
    if !(1..=60).contains(&new.review_days) {
        return Err(StoreError::Invalid("review_days: 1 to 60".to_owned()));
    }
    for (t, a) in &new.milestones {
        if t.trim().is_empty() || t.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "a milestone's title: 1 to 200 characters".to_owned(),
            ));
        }
        if a.currency != new.currency {
            return Err(StoreError::Invalid(format!(
                "milestone {t:?} is in {}, the contract in {}",
                a.currency, new.currency
            )));
        }
    }
    Ok(())
}

/// Inserts a checked new contract, `proposed`, with its milestones, in `tx`; returns its id.
pub(crate) fn insert(tx: &mut dyn Tx, new: &NewContract) -> Result<ContractId, StoreError> {
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
                i64::from(guild_market::fees::PLATFORM_FEE_BPS).into(),
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
    if !new.tests.is_empty() && new.tests.len() != new.milestones.len() {
        return Err(StoreError::Invalid(
            "tests: one entry (or null) per milestone".to_owned(),
        ));
    }
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
