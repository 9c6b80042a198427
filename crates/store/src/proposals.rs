//! Proposals: a worker applies to an open task with a cover note and a price (never a fee to
//! apply); the task's owner accepts one, which makes an active contract with one milestone at
//! that price, or declines it; the worker may withdraw. Owners invite workers (from their
//! match results), who are notified.

use crate::areas::Contracts;
use guild_ids::{AccountId, ContractId, MessageId, ProposalId, TaskId, WorkerId};
use guild_market::money::{Amount, Currency, decimal};
use guild_market::proposal::{Opening, ProposalStatus};
use guild_matching::TaskStatus;
use serde::Serialize;

use crate::StoreError;
use crate::ledger::market_error;
use crate::sql::{Record, Tx, first};
use guild_market::change::ContractTerms;

/// A proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    /// Its number.
    pub id: ProposalId,
    /// The task.
    pub task: TaskId,
    /// The worker profile that applies.
    pub worker: WorkerId,
    /// The cover note.
    pub cover: String,
    /// The price asked, decimal text.
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// `open`, `accepted`, `declined` or `withdrawn`.
    pub status: ProposalStatus,
    /// The contract an acceptance made.
    pub contract: Option<ContractId>,
    /// When.
    pub created_at: String,
}

const COLUMNS: &str =
    "id, task_id, worker_id, cover, amount, currency, status, contract_id, created_at, account_id";

fn from_row(r: &Record) -> Result<(Proposal, AccountId), StoreError> {
    let currency = r.text("currency")?.to_owned();
    let cur = Currency::parse(&currency).map_err(|e| StoreError::Backend(e.to_string()))?;
    Ok((
        Proposal {
            id: r.id("id")?,
            task: r.id("task_id")?,
            worker: r.id("worker_id")?,
            cover: r.text("cover")?.to_owned(),
            amount: decimal(r.int("amount")?, cur),
            currency,
            status: ProposalStatus::parse(r.text("status")?).map_err(market_error)?,
            contract: r.opt_id("contract_id")?,
            created_at: r.text("created_at")?.to_owned(),
        },
        r.id("account_id")?,
    ))
}

/// Task `task` (of `owner`, when given: to anyone else it does not exist) as worker
/// `worker` applies or is invited to it: its status, its opening and its title.
fn opening(
    tx: &mut dyn Tx,
    task: TaskId,
    worker: WorkerId,
    owner: Option<AccountId>,
) -> Result<(TaskStatus, Opening, String), StoreError> {
    let rows = tx.query(
        "SELECT owner_id, status, title FROM work_tasks WHERE id = $1",
        &[task.into()],
    )?;
    let t = rows
        .first()
        .filter(|t| {
            owner.is_none_or(|o| t.opt_id::<AccountId>("owner_id").ok().flatten() == Some(o))
        })
        .ok_or_else(|| StoreError::NotFound {
            what: "task",
            id: task.to_string(),
        })?;
    let mut with_worker = |sql: &str| -> Result<bool, StoreError> {
        Ok(!tx.query(sql, &[task.into(), worker.into()])?.is_empty())
    };
    let applied = with_worker("SELECT 1 FROM proposals WHERE task_id = $1 AND worker_id = $2")?;
    let invited = with_worker("SELECT 1 FROM invitations WHERE task_id = $1 AND worker_id = $2")?;
    Ok((
        TaskStatus::parse(t.text("status")?).map_err(crate::matching::bad)?,
        Opening {
            task,
            owner: t.opt_id("owner_id")?,
            worker,
            applied,
            invited,
        },
        t.text("title")?.to_owned(),
    ))
}

impl Contracts<'_> {
    /// Worker `worker`'s (of `account`) proposal on `task`, with a checked cover note and
    /// a price, if `check` allows it on the task's status and its `Opening` (answering the
    /// task's owner, who is told).
    pub fn propose(
        &self,
        task: TaskId,
        worker: WorkerId,
        account: AccountId,
        cover: &str,
        amount: Amount,
        check: &dyn Fn(TaskStatus, &Opening) -> Result<AccountId, StoreError>,
    ) -> Result<Proposal, StoreError> {
        self.store.write(|tx| {
            let (status, opening, title) = opening(tx, task, worker, None)?;
            let owner = check(status, &opening)?;
            let rows = tx.query(
                &format!("INSERT INTO proposals (task_id, worker_id, account_id, cover, amount, currency, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING {COLUMNS}"),
                &[task.into(), worker.into(), account.into(), cover.into(), amount.minor.into(), amount.currency.code().into(), tx.now().to_string().into()],
            )?;
            let (p, _) = from_row(first(&rows)?)?;
            crate::decisions::outcome(tx, task, worker, crate::Action::Applied, Some(account))?;
            crate::messages::notify(tx, owner, "proposal", &format!("task:{task}"), &format!("New proposal on \"{title}\": {} {}", p.amount, p.currency))?;
            Ok(p)
        })
    }

    /// The proposals on a task (for its owner), oldest first.
    pub fn proposals_on(&self, task: TaskId) -> Result<Vec<Proposal>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM proposals WHERE task_id = $1 ORDER BY id"),
                &[task.into()],
            )?
            .iter()
            .map(|r| from_row(r).map(|(p, _)| p))
            .collect()
        })
    }

    /// The proposals an account made, newest first.
    pub fn proposals_by(&self, account: AccountId) -> Result<Vec<Proposal>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM proposals WHERE account_id = $1 ORDER BY id DESC"),
                &[account.into()],
            )?
            .iter()
            .map(|r| from_row(r).map(|(p, _)| p))
            .collect()
        })
    }

    /// A proposal with the task owner and the applicant's account.
    pub fn proposal(
        &self,
        id: ProposalId,
    ) -> Result<(Proposal, Option<AccountId>, AccountId), StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                &format!("SELECT {COLUMNS} FROM proposals WHERE id = $1"),
                &[id.into()],
            )?;
            let (p, applicant) = from_row(rows.first().ok_or_else(|| StoreError::NotFound {
                what: "proposal",
                id: id.to_string(),
            })?)?;
            let owner = tx
                .query(
                    "SELECT owner_id FROM work_tasks WHERE id = $1",
                    &[p.task.into()],
                )?
                .first()
                .map(|r| r.opt_id::<AccountId>("owner_id"))
                .transpose()?
                .flatten();
            Ok((p, owner, applicant))
        })
    }

    /// Closes open proposal `id` as `status` (the platform decided it may), in one
    /// transaction: an accepted one makes its contract on `contract`'s terms, changed at once
    /// as its decision says (the worker proposed the terms: it starts active); `tell` hears of
    /// it. Neither happens if the proposal was decided meanwhile (two owners accepting at once
    /// make one contract, not two).
    pub fn close_proposal(
        &self,
        id: ProposalId,
        status: ProposalStatus,
        contract: Option<(&ContractTerms, crate::contracts::Decide<'_>)>,
        tell: Option<AccountId>,
    ) -> Result<Proposal, StoreError> {
        self.store.money_write(|tx| {
            let n = tx.execute(
                "UPDATE proposals SET status = $1 WHERE id = $2 AND status = 'open'",
                &[status.as_str().into(), id.into()],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "proposal {id} was decided meanwhile"
                )));
            }
            let action = match status {
                ProposalStatus::Accepted => Some(crate::Action::Hired),
                ProposalStatus::Declined => Some(crate::Action::Declined),
                _ => None,
            };
            if let Some(action) = action {
                let r = tx.query(
                    "SELECT p.task_id, p.worker_id, t.owner_id FROM proposals p \
                     JOIN work_tasks t ON t.id = p.task_id WHERE p.id = $1",
                    &[id.into()],
                )?;
                if let Some(r) = r.first() {
                    crate::decisions::outcome(
                        tx,
                        r.id("task_id")?,
                        r.id("worker_id")?,
                        action,
                        r.opt_id("owner_id")?,
                    )?;
                }
            }
            if status.fills_task() {
                let task = tx
                    .query("SELECT task_id FROM proposals WHERE id = $1", &[id.into()])?
                    .first()
                    .map(|r| r.id::<TaskId>("task_id"))
                    .transpose()?;
                if let Some(task) = task {
                    tx.execute(
                        "UPDATE work_tasks SET status = $1 WHERE id = $2 AND status IN ($3, $4)",
                        &[
                            TaskStatus::Closed.as_str().into(),
                            task.into(),
                            TaskStatus::Open.as_str().into(),
                            TaskStatus::Invited.as_str().into(),
                        ],
                    )?;
                    crate::matching::record(tx, crate::matching::Changed::Tasks(&[task]))?;
                }
            }
            if let Some((terms, decide)) = contract {
                let contract = crate::contracts::insert(tx, terms)?;
                crate::contracts::change_in(tx, contract, decide)?;
                tx.execute(
                    "UPDATE proposals SET contract_id = $1 WHERE id = $2",
                    &[contract.into(), id.into()],
                )?;
            }
            if let Some(t) = tell {
                crate::messages::notify(
                    tx,
                    t,
                    "proposal",
                    &format!("proposal:{id}"),
                    &format!("Proposal {id} {status}"),
                )?;
            }
            let rows = tx.query(
                &format!("SELECT {COLUMNS} FROM proposals WHERE id = $1"),
                &[id.into()],
            )?;
            Ok(from_row(first(&rows)?)?.0)
        })
    }

    /// Invites worker `worker` to apply to `owner`'s task `task`, if `check` allows it on
    /// the task's status and its `Opening`; the worker's account is notified.
    pub fn invite(
        &self,
        task: TaskId,
        owner: AccountId,
        worker: WorkerId,
        check: &dyn Fn(TaskStatus, &Opening) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let (status, opening, title) = opening(tx, task, worker, Some(owner))?;
            check(status, &opening)?;
            let account = tx
                .query(
                    "SELECT owner_id FROM workers WHERE id = $1",
                    &[worker.into()],
                )?
                .first()
                .ok_or_else(|| StoreError::NotFound {
                    what: "worker",
                    id: worker.to_string(),
                })?
                .opt_id::<AccountId>("owner_id")?;
            tx.execute(
                "INSERT INTO invitations (task_id, worker_id, created_at) VALUES ($1, $2, $3)",
                &[task.into(), worker.into(), tx.now().to_string().into()],
            )?;
            crate::decisions::outcome(tx, task, worker, crate::Action::Invited, Some(owner))?;
            if let Some(a) = account {
                crate::messages::notify(
                    tx,
                    a,
                    "invitation",
                    &format!("task:{task}"),
                    &format!("You are invited to apply to \"{title}\""),
                )?;
            }
            Ok(())
        })
    }
}

/// A message on a proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalMessage {
    /// Its number.
    pub id: MessageId,
    /// The account that sent it.
    pub sender: AccountId,
    /// The text.
    pub body: String,
    /// When.
    pub created_at: String,
}

impl Contracts<'_> {
    /// Sends a message on a proposal, from the task's owner or the applicant, telling the other.
    pub fn post_proposal_message(
        &self,
        proposal: ProposalId,
        sender: AccountId,
        body: &str,
    ) -> Result<ProposalMessage, StoreError> {
        let body = body.trim();
        if body.is_empty() || body.chars().count() > guild_market::contract::MAX_MESSAGE_CHARS {
            return Err(StoreError::Invalid(format!(
                "a message is 1 to {} characters",
                guild_market::contract::MAX_MESSAGE_CHARS
            )));
        }
        let (_, owner, applicant) = self.proposal(proposal)?;
        let other = if Some(sender) == owner {
            applicant
        } else if sender == applicant {
            owner.unwrap_or(applicant)
        } else {
            return Err(StoreError::NotFound {
                what: "proposal",
                id: proposal.to_string(),
            });
        };
        self.store.write(|tx| {
            let now = tx.now().to_string();
            let rows = tx.query(
                "INSERT INTO proposal_messages (proposal_id, sender_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[proposal.into(), sender.into(), body.into(), now.clone().into()],
            )?;
            let id: MessageId = first(&rows)?.id("id")?;
            if other != sender {
                crate::messages::notify(tx, other, "message", &format!("proposal:{proposal}"), &format!("New message on proposal {proposal}"))?;
            }
            Ok(ProposalMessage { id, sender, body: body.to_owned(), created_at: now })
        })
    }

    /// The messages on a proposal, oldest first, for the task's owner or the applicant.
    pub fn proposal_messages(
        &self,
        proposal: ProposalId,
        reader: AccountId,
    ) -> Result<Vec<ProposalMessage>, StoreError> {
        let (_, owner, applicant) = self.proposal(proposal)?;
        if Some(reader) != owner && reader != applicant {
            return Err(StoreError::NotFound {
                what: "proposal",
                id: proposal.to_string(),
            });
        }
        self.store.read(|tx| {
            tx.query(
                "SELECT id, sender_id, body, created_at FROM proposal_messages WHERE proposal_id = $1 ORDER BY id",
                &[proposal.into()],
            )?
            .iter()
            .map(|r| Ok(ProposalMessage { id: r.id("id")?, sender: r.id("sender_id")?, body: r.text("body")?.to_owned(), created_at: r.text("created_at")?.to_owned() }))
            .collect()
        })
    }
}
