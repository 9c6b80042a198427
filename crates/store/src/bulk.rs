//! Bulk writes for `guild gen`: workers, tasks, and contracts with their ledger history, a
//! batch per transaction, written with binary COPY on PostgreSQL and prepared inserts on
//! SQLite. Ids are reserved first (from the sequence on PostgreSQL) so that child rows can
//! name their parents in the same stream.
//!
//! Contracts are not written as made-up rows: each generated contract's steps go through the
//! market's state machine ([`decide_for`]), and every transfer is built by the market's
//! [`Transfer`] constructor with the keys, memos, fee split and actors that
//! `act_on_contract`, `deposit` and `request_payout` use. Balances are the sums of the
//! postings written with them, so the ledger audit holds by construction, and is run anyway.

use crate::areas::{Contracts, Work};
use guild_ids::{AccountId, ContractId};
use std::collections::{BTreeMap, HashMap, HashSet};

use guild_market::bank;
use guild_market::contract::{
    Action, ContractKind, ContractStatus, MilestoneStatus, Party, decide_for,
};
use guild_market::ledger::{Account as LedgerAccount, AccountKind, Transfer, TransferKind};
use guild_market::money::{Amount, Currency};
use guild_matching::{Task, TaskId, Worker, WorkerId};
use guild_taxonomy::SkillId;

use crate::StoreError;
use crate::ledger::{account_id, market, market_error};
use crate::matching::{bad, bump, check_skills, task_params, worker_params};
use crate::sql::{ColumnType, Dialect, Tx, Value, Values};
use guild_market::fees::PLATFORM_FEE_BPS;
use guild_market::settlement::{ContractMoney, MilestoneFunds, movements};

use ColumnType::{Int, Int4, Real, Text};

/// Skills already checked against the taxonomy during one bulk load, so that each distinct
/// skill is looked up once however many profiles name it.
#[derive(Debug, Default)]
pub struct KnownSkills(HashSet<SkillId>);

impl KnownSkills {
    /// Checks the skills not seen before, inside `tx`.
    fn check<'a>(
        &mut self,
        tx: &mut dyn Tx,
        skills: impl Iterator<Item = &'a SkillId>,
    ) -> Result<(), StoreError> {
        let mut fresh: Vec<&SkillId> = skills.filter(|s| !self.0.contains(*s)).collect();
        fresh.sort();
        fresh.dedup();
        check_skills(tx, fresh.iter().copied())?;
        self.0.extend(fresh.into_iter().cloned());
        Ok(())
    }
}

/// `n` fresh ids for `table` (a table of this crate with an `id` key), inside the caller's
/// write transaction.
fn reserve_ids(tx: &mut dyn Tx, table: &str, n: usize) -> Result<Vec<i64>, StoreError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(n).map_err(|_| StoreError::Invalid("too many rows".to_owned()))?;
    match tx.dialect() {
        // Sequence values are taken for good, whatever other writers do meanwhile.
        Dialect::Postgres => tx
            .query(
                &format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1::BIGINT)"
                ),
                &[count.into()],
            )?
            .iter()
            .map(|r| r.int("id"))
            .collect(),
        // SQLite's write transactions are IMMEDIATE: no other writer can take these ids
        // before this one commits (the tables have no AUTOINCREMENT, so ids above the
        // largest are free).
        Dialect::Sqlite => {
            let max = tx
                .query(&format!("SELECT COALESCE(MAX(id), 0) AS last_id FROM {table}"), &[])?
                .first()
                .map(|r| r.int("last_id"))
                .transpose()?
                .unwrap_or(0);
            Ok((1..=count).map(|i| max + i).collect())
        }
    }
}

const WORKER_COLUMNS: [(&str, ColumnType); 17] = [
    ("id", Int),
    ("name", Text),
    ("hours_per_week", Real),
    ("available_from", Text),
    ("available_until", Text),
    ("utc_offset_minutes", Int),
    ("work_mode", Text),
    ("lat", Real),
    ("lon", Real),
    ("travel_radius_km", Real),
    ("languages", Text),
    ("rate_minor", Int),
    ("rate_currency", Text),
    ("rating", Real),
    ("reviews", Int),
    ("created_at", Text),
    ("updated_at", Text),
];

const WORKER_SKILL_COLUMNS: [(&str, ColumnType); 4] = [
    ("worker_id", Int),
    ("skill", Text),
    ("proficiency", Int),
    ("evidence", Text),
];

const TASK_COLUMNS: [(&str, ColumnType); 18] = [
    ("id", Int),
    ("title", Text),
    ("description", Text),
    ("place", Text),
    ("lat", Real),
    ("lon", Real),
    ("utc_offset_minutes", Int),
    ("min_overlap_hours", Real),
    ("hours", Real),
    ("hours_per_week", Real),
    ("budget_minor", Int),
    ("budget_currency", Text),
    ("languages", Text),
    ("starts", Text),
    ("ends", Text),
    ("created_at", Text),
    ("updated_at", Text),
    ("status", Text),
];

const TASK_SKILL_COLUMNS: [(&str, ColumnType); 6] = [
    ("task_id", Int),
    ("skill", Text),
    ("required", Int),
    ("weight", Real),
    ("min_proficiency", Int),
    ("ord", Int),
];

/// A contract for [`Contracts::generate_contracts`] to write: its parties, milestones, and the
/// steps it has gone through (each decided by the market's state machine).
#[derive(Debug, Clone)]
pub struct GenContract {
    /// The client, an index into the batch's new client accounts.
    pub client: usize,
    /// The worker profile; an account is made for it if it has none.
    pub worker: WorkerId,
    /// What it is for.
    pub title: String,
    /// Milestone titles and prices in minor units.
    pub milestones: Vec<(String, i64)>,
    /// What happened, in order.
    pub steps: Vec<GenStep>,
}

/// One step of a generated contract.
#[derive(Debug, Clone, Copy)]
pub struct GenStep {
    /// Who acts.
    pub party: Party,
    /// What they do.
    pub action: Action,
    /// On which milestone (from 0), for milestone actions.
    pub milestone: Option<usize>,
    /// For `Resolve`: the worker's share of each disputed milestone, in percent.
    pub worker_percent: Option<u8>,
}

/// One transaction's worth of generated contracts.
#[derive(Debug, Clone)]
pub struct GenContracts {
    /// New client accounts to make.
    pub clients: usize,
    /// The contracts.
    pub contracts: Vec<GenContract>,
    /// The currency of every contract.
    pub currency: Currency,
    /// The share (percent) of what each worker earned here that it pays out to its bank.
    pub payout_percent: u8,
    /// Days for reviewing submitted work.
    pub review_days: i64,
}

/// What [`Contracts::generate_contracts`] wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenSummary {
    /// User accounts made (clients and workers).
    pub accounts: usize,
    /// Contracts.
    pub contracts: usize,
    /// Milestones.
    pub milestones: usize,
    /// Ledger transfers.
    pub transfers: usize,
    /// Payouts among them, each with its payment instruction.
    pub payouts: usize,
    /// Contracts by final state.
    pub states: BTreeMap<String, usize>,
}

impl GenSummary {
    /// Adds another batch's counts.
    pub fn add(&mut self, other: &GenSummary) {
        self.accounts += other.accounts;
        self.contracts += other.contracts;
        self.milestones += other.milestones;
        self.transfers += other.transfers;
        self.payouts += other.payouts;
        for (k, v) in &other.states {
            *self.states.entry(k.clone()).or_default() += v;
        }
    }
}

/// A transfer to write, as `post_in` would: its key and who asked.
struct Pending {
    key: String,
    actor: Option<AccountId>,
    transfer: Transfer,
}

/// A payout to write with its transfer: the account paid, its name, the amount.
struct Payout {
    transfer: usize,
    account: i64,
    beneficiary: String,
    amount: i64,
}

/// A generated account's password hash: not a PHC string, so no password ever verifies
/// against it (the accounts exist to own contracts and money, not to sign in).
const NO_PASSWORD: &str = "!generated";

fn email(role: &str, id: i64) -> String {
    format!("{role}-{id}@generated.guild.invalid")
}

impl Work<'_> {
    /// Writes operator-owned workers in one transaction with COPY (PostgreSQL) or prepared
    /// inserts (SQLite); skills are checked against the taxonomy, each distinct one once per
    /// `known`. Returns the ids, in order.
    pub fn bulk_workers(
        &self,
        workers: &[Worker],
        known: &mut KnownSkills,
    ) -> Result<Vec<WorkerId>, StoreError> {
        for w in workers {
            w.validate().map_err(bad)?;
        }
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            known.check(
                tx,
                workers
                    .iter()
                    .flat_map(|w| w.skills.iter().map(|s| &s.skill)),
            )?;
            let ids = reserve_ids(tx, "workers", workers.len())?;
            tx.bulk_insert(
                "workers",
                &WORKER_COLUMNS,
                &mut ids.iter().zip(workers).map(|(id, w)| {
                    let mut row: Values = vec![(*id).into()];
                    row.extend(worker_params(w, &stamp));
                    row.push(stamp.as_str().into());
                    row
                }),
            )?;
            tx.bulk_insert(
                "worker_skills",
                &WORKER_SKILL_COLUMNS,
                &mut ids.iter().zip(workers).flat_map(|(id, w)| {
                    w.skills.iter().map(move |s| {
                        vec![
                            Value::from(*id),
                            s.skill.as_str().into(),
                            i64::from(s.proficiency.level()).into(),
                            s.evidence.as_str().into(),
                        ]
                    })
                }),
            )?;
            bump(tx)?;
            Ok(ids.into_iter().map(WorkerId).collect())
        })
    }

    /// Writes operator-owned open tasks in one transaction, as [`Work::bulk_workers`] does
    /// workers.
    pub fn bulk_tasks(
        &self,
        tasks: &[Task],
        known: &mut KnownSkills,
    ) -> Result<Vec<TaskId>, StoreError> {
        for t in tasks {
            t.validate().map_err(bad)?;
        }
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            known.check(
                tx,
                tasks
                    .iter()
                    .flat_map(|t| t.required.iter().chain(&t.optional).map(|r| &r.skill)),
            )?;
            let ids = reserve_ids(tx, "work_tasks", tasks.len())?;
            tx.bulk_insert(
                "work_tasks",
                &TASK_COLUMNS,
                &mut ids.iter().zip(tasks).map(|(id, t)| {
                    let mut row: Values = vec![(*id).into()];
                    row.extend(task_params(t, &stamp));
                    row.push(stamp.as_str().into());
                    row.push("open".into());
                    row
                }),
            )?;
            tx.bulk_insert(
                "work_task_skills",
                &TASK_SKILL_COLUMNS,
                &mut ids
                    .iter()
                    .zip(tasks)
                    .flat_map(|(&id, t)| crate::matching::task_skill_rows(TaskId(id), t)),
            )?;
            bump(tx)?;
            Ok(ids.into_iter().map(TaskId).collect())
        })
    }
}

impl Contracts<'_> {
    /// Writes a batch of generated contracts in one transaction: new client accounts, an
    /// account for each worker profile that has none, the contracts and milestones in the
    /// states their steps lead to, and the ledger history that goes with them (each client's
    /// opening deposit, escrow funding, releases less the platform fee, refunds, dispute
    /// splits, and payouts with their payment instructions). A step the state machine
    /// refuses fails the whole batch.
    pub fn generate_contracts(&self, batch: &GenContracts) -> Result<GenSummary, StoreError> {
        let cur = batch.currency;
        for c in &batch.contracts {
            if c.client >= batch.clients {
                return Err(StoreError::Invalid(format!(
                    "contract {:?} names client {} of {}",
                    c.title, c.client, batch.clients
                )));
            }
            let title = c.title.trim();
            if title.is_empty() || title.chars().count() > 200 {
                return Err(StoreError::Invalid("title: 1 to 200 characters".to_owned()));
            }
            if c.milestones.is_empty()
                || c.milestones.len() > guild_market::contract::MAX_MILESTONES
            {
                return Err(StoreError::Invalid(format!(
                    "contract {title:?}: 1 to {} milestones",
                    guild_market::contract::MAX_MILESTONES
                )));
            }
            for (_, minor) in &c.milestones {
                market(Amount::new(*minor, cur))?;
            }
        }
        if !(1..=60).contains(&batch.review_days) {
            return Err(StoreError::Invalid("review_days: 1 to 60".to_owned()));
        }
        let stamp = self.store.now();
        let now_text = stamp.to_string();
        self.store.write(|tx| {
            let mut summary = GenSummary::default();
            // The worker profiles and their owners.
            let mut profiles: Vec<i64> = batch.contracts.iter().map(|c| c.worker.0).collect();
            profiles.sort_unstable();
            profiles.dedup();
            let mut owner_of: HashMap<i64, i64> = HashMap::new();
            let mut name_of: HashMap<i64, String> = HashMap::new();
            let mut unowned = Vec::new();
            for chunk in profiles.chunks(500) {
                let rows = tx.query(
                    &format!(
                        "SELECT id, owner_id, name FROM workers WHERE id IN ({})",
                        crate::sql::placeholders(1, chunk.len())
                    ),
                    &chunk.iter().map(|&i| Value::from(i)).collect::<Vec<_>>(),
                )?;
                for r in rows {
                    let id = r.int("id")?;
                    name_of.insert(id, r.text("name")?.to_owned());
                    match r.opt_int("owner_id")? {
                        Some(owner) => {
                            owner_of.insert(id, owner);
                        }
                        None => unowned.push(id),
                    }
                }
            }
            if let Some(missing) = profiles.iter().find(|p| !name_of.contains_key(p)) {
                return Err(StoreError::NotFound {
                    what: "worker",
                    id: missing.to_string(),
                });
            }
            // Accounts already there (profiles someone owns) may hold money: their ledger
            // accounts are found, not made.
            let existing_owners: HashSet<i64> = owner_of.values().copied().collect();
            let account_ids = reserve_ids(tx, "accounts", batch.clients + unowned.len())?;
            let (clients, worker_accounts) = account_ids.split_at(batch.clients);
            for (profile, account) in unowned.iter().zip(worker_accounts) {
                owner_of.insert(*profile, *account);
            }
            let account_rows: Vec<(i64, String, String)> = clients
                .iter()
                .map(|&id| (id, email("client", id), format!("Client {id}")))
                .chain(unowned.iter().zip(worker_accounts).map(|(p, &id)| {
                    (id, email("worker", id), name_of.get(p).cloned().unwrap_or_default())
                }))
                .collect();
            tx.bulk_insert(
                "accounts",
                &[("id", Int), ("email", Text), ("display_name", Text), ("password_hash", Text), ("created_at", Text)],
                &mut account_rows.iter().map(|(id, email, name)| {
                    vec![(*id).into(), email.into(), name.into(), NO_PASSWORD.into(), now_text.as_str().into()]
                }),
            )?;
            for (profile, account) in unowned.iter().zip(worker_accounts) {
                tx.execute(
                    "UPDATE workers SET owner_id = $1, updated_at = $2 WHERE id = $3 AND owner_id IS NULL",
                    &[(*account).into(), now_text.as_str().into(), (*profile).into()],
                )?;
            }
            summary.accounts = account_rows.len();

            // Each contract's steps through the state machine, with the money they move.
            let contract_ids = reserve_ids(tx, "contracts", batch.contracts.len())?;
            let mut moves: Vec<Pending> = Vec::new();
            let mut funded_by: BTreeMap<i64, i64> = BTreeMap::new();
            let mut contract_rows: Vec<Values> = Vec::with_capacity(batch.contracts.len());
            let mut milestone_rows: Vec<Values> = Vec::new();
            for (c, &id) in batch.contracts.iter().zip(&contract_ids) {
                let client_id = clients[c.client];
                let worker_id = *owner_of.get(&c.worker.0).ok_or_else(|| StoreError::NotFound {
                    what: "worker",
                    id: c.worker.0.to_string(),
                })?;
                if client_id == worker_id {
                    return Err(StoreError::Invalid("a contract needs two different accounts".to_owned()));
                }
                let money = ContractMoney {
                    contract: ContractId(id),
                    client: AccountId(client_id),
                    worker: AccountId(worker_id),
                    currency: cur,
                    fee_bps: PLATFORM_FEE_BPS,
                };
                let mut status = ContractStatus::Proposed;
                let mut states = vec![MilestoneStatus::Unfunded; c.milestones.len()];
                let mut submitted: Vec<Option<String>> = vec![None; c.milestones.len()];
                for step in &c.steps {
                    let effect = decide_for(ContractKind::Fixed, status, &states, step.action, step.party, step.milestone)
                        .map_err(|e| StoreError::Invalid(format!("generated contract {:?}: {e}", c.title)))?;
                    let step_moves = movements(&money, &effect, step.action, step.worker_percent, |i| {
                        MilestoneFunds { amount: c.milestones[i].1, hourly: None }
                    })
                    .map_err(market_error)?;
                    for m in step_moves {
                        // What the clients must have deposited first.
                        if m.transfer.kind == TransferKind::FundEscrow {
                            let funded: i64 = m.transfer.postings.iter().map(|p| p.amount.max(0)).sum();
                            *funded_by.entry(client_id).or_default() += funded;
                        }
                        moves.push(Pending { key: m.key, actor: m.actor, transfer: m.transfer });
                    }
                    for m in &effect.milestones {
                        states[m.index] = m.status;
                        if m.status == MilestoneStatus::Submitted {
                            submitted[m.index] = Some(now_text.clone());
                        }
                    }
                    status = effect.contract;
                }
                let due = stamp
                    .checked_add(jiff::SignedDuration::from_hours(24 * batch.review_days))
                    .map_err(|e| StoreError::Invalid(e.to_string()))?
                    .to_string();
                for (i, ((title, minor), state)) in c.milestones.iter().zip(&states).enumerate() {
                    milestone_rows.push(vec![
                        id.into(),
                        (i as i64).into(),
                        title.trim().into(),
                        (*minor).into(),
                        state.as_str().into(),
                        submitted[i].clone().into(),
                        (*state == MilestoneStatus::Submitted).then(|| due.clone()).into(),
                    ]);
                }
                contract_rows.push(vec![
                    id.into(),
                    client_id.into(),
                    worker_id.into(),
                    c.title.trim().into(),
                    cur.code().into(),
                    i64::from(PLATFORM_FEE_BPS).into(),
                    batch.review_days.into(),
                    status.as_str().into(),
                    now_text.as_str().into(),
                    now_text.as_str().into(),
                    ContractKind::Fixed.as_str().into(),
                ]);
                *summary.states.entry(status.as_str().to_owned()).or_default() += 1;
            }
            summary.contracts = contract_rows.len();
            summary.milestones = milestone_rows.len();
            tx.bulk_insert(
                "contracts",
                &[("id", Int), ("client_id", Int), ("worker_id", Int), ("title", Text), ("currency", Text),
                  ("fee_bps", Int4), ("review_days", Int4), ("status", Text), ("created_at", Text),
                  ("updated_at", Text), ("kind", Text)],
                &mut contract_rows.into_iter(),
            )?;
            tx.bulk_insert(
                "milestones",
                &[("contract_id", Int), ("ord", Int4), ("title", Text), ("amount", Int), ("status", Text),
                  ("submitted_at", Text), ("review_due", Text)],
                &mut milestone_rows.into_iter(),
            )?;

            // Each client first deposits what it commits, rounded up to a thousand, and a
            // thousand more; each worker then pays out a share of what it earned.
            let unit = 1000 * cur.scale();
            let mut transfers: Vec<Pending> = Vec::with_capacity(moves.len() + clients.len());
            for &client_id in clients {
                let committed = funded_by.get(&client_id).copied().unwrap_or(0);
                let amount = (committed + unit - 1) / unit * unit + unit;
                transfers.push(Pending {
                    key: format!("gen:deposit:{client_id}"),
                    actor: None,
                    transfer: Transfer::between(
                        TransferKind::Deposit,
                        LedgerAccount::world(cur),
                        market(LedgerAccount::new(AccountKind::ClientFunds, client_id, cur))?,
                        amount,
                        "opening deposit (generated)",
                    )
                    .map_err(market_error)?,
                });
            }
            let mut earned: BTreeMap<i64, i64> = BTreeMap::new();
            for p in &moves {
                for posting in &p.transfer.postings {
                    if posting.account.kind == AccountKind::WorkerBalance {
                        *earned.entry(posting.account.owner).or_default() += posting.amount;
                    }
                }
            }
            transfers.extend(moves);
            let names: HashMap<i64, &str> = account_rows.iter().map(|(id, _, n)| (*id, n.as_str())).collect();
            let mut payouts = Vec::new();
            for (&account, &gained) in &earned {
                let amount = gained * i64::from(batch.payout_percent.min(100)) / 100;
                if amount <= 0 {
                    continue;
                }
                let beneficiary: String = names
                    .get(&account)
                    .copied()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or("Generated worker")
                    .trim()
                    .chars()
                    .take(bank::MAX_PAYOUT_TEXT_CHARS)
                    .collect();
                payouts.push(Payout { transfer: transfers.len(), account, beneficiary: beneficiary.clone(), amount });
                transfers.push(Pending {
                    // A worker's account may be in several batches: the batch's first
                    // contract keeps the key new.
                    key: format!("gen:payout:{account}:{}", contract_ids.first().copied().unwrap_or(0)),
                    actor: Some(AccountId(account)),
                    transfer: Transfer::between(
                        TransferKind::Payout,
                        market(LedgerAccount::new(AccountKind::WorkerBalance, account, cur))?,
                        market(LedgerAccount::new(AccountKind::PayoutsPending, account, cur))?,
                        amount,
                        &format!("payout to {beneficiary}"),
                    )
                    .map_err(market_error)?,
                });
            }

            // Ledger accounts: the platform's and those of accounts that were already there
            // are found (or made) and moved by their total; the rest are new, written with
            // their final balance.
            let mut delta: BTreeMap<LedgerAccount, i64> = BTreeMap::new();
            let mut order: Vec<LedgerAccount> = Vec::new();
            for p in &transfers {
                for posting in &p.transfer.postings {
                    let d = delta.entry(posting.account).or_insert_with(|| {
                        order.push(posting.account);
                        0
                    });
                    *d += posting.amount;
                }
            }
            let shared = |a: &LedgerAccount| {
                a.owner == 0
                    || (a.kind != AccountKind::Escrow && existing_owners.contains(&a.owner))
            };
            // `delta` and `ledger_id` below hold every account of `order`: indexing them cannot
            // miss.
            let fresh: Vec<LedgerAccount> = order.iter().filter(|a| !shared(a)).copied().collect();
            let fresh_ids = reserve_ids(tx, "ledger_accounts", fresh.len())?;
            let mut ledger_id: HashMap<LedgerAccount, i64> = fresh.iter().copied().zip(fresh_ids).collect();
            tx.bulk_insert(
                "ledger_accounts",
                &[("id", Int), ("kind", Text), ("owner", Int), ("currency", Text), ("balance", Int)],
                &mut fresh.iter().map(|a| {
                    vec![ledger_id[a].into(), a.kind.as_str().into(), a.owner.into(), a.currency.code().into(), delta[a].into()]
                }),
            )?;
            let mut shared_accounts: Vec<(i64, LedgerAccount)> = Vec::new();
            for a in order.iter().filter(|a| shared(a)) {
                let id = account_id(tx, a)?;
                ledger_id.insert(*a, id);
                shared_accounts.push((id, *a));
            }
            // In id order, as `post_in` locks them, so that concurrent transfers cannot deadlock
            // with this batch.
            shared_accounts.sort_by_key(|(id, _)| *id);
            for (id, a) in &shared_accounts {
                let changed = tx.execute(
                    "UPDATE ledger_accounts SET balance = balance + $1 WHERE id = $2 AND (kind = 'world' OR balance + $1 >= 0)",
                    &[delta[a].into(), (*id).into()],
                )?;
                if changed == 0 {
                    return Err(StoreError::Conflict(format!(
                        "the generated history would take {} {} of {} below zero",
                        a.kind.as_str(), a.currency, a.owner
                    )));
                }
            }

            let transfer_ids = reserve_ids(tx, "ledger_transfers", transfers.len())?;
            tx.bulk_insert(
                "ledger_transfers",
                &[("id", Int), ("kind", Text), ("idempotency_key", Text), ("fingerprint", Text), ("memo", Text),
                  ("actor", Int), ("created_at", Text)],
                &mut transfers.iter().zip(&transfer_ids).map(|(p, id)| {
                    vec![(*id).into(), p.transfer.kind.as_str().into(), p.key.as_str().into(),
                         p.transfer.fingerprint().into(), p.transfer.memo.as_str().into(), p.actor.into(),
                         now_text.as_str().into()]
                }),
            )?;
            tx.bulk_insert(
                "ledger_postings",
                &[("transfer_id", Int), ("account_id", Int), ("amount", Int)],
                &mut transfers.iter().zip(&transfer_ids).flat_map(|(p, id)| {
                    let ledger_id = &ledger_id;
                    p.transfer.postings.iter().map(move |posting| {
                        vec![(*id).into(), ledger_id[&posting.account].into(), posting.amount.into()]
                    })
                }),
            )?;
            // The audit log records what the real operations record: each account made and
            // each transfer.
            let audit_columns = [("at", Text), ("actor", Int), ("kind", Text), ("subject", Text), ("detail", Text)];
            tx.bulk_insert(
                "audit_events",
                &audit_columns,
                &mut account_rows
                    .iter()
                    .map(|(id, _, _)| {
                        vec![now_text.as_str().into(), (*id).into(), "account.created".into(),
                             format!("account:{id}").into(), "generated".into()]
                    })
                    .chain(transfers.iter().zip(&transfer_ids).map(|(p, id)| {
                        let detail = format!("{} {}: {}", p.transfer.kind.as_str(), p.key, p.transfer.fingerprint());
                        vec![now_text.as_str().into(), p.actor.into(), "money.transfer".into(),
                             format!("transfer:{id}").into(), detail.chars().take(2000).collect::<String>().into()]
                    })),
            )?;
            let instruction_ids = reserve_ids(tx, "payment_instructions", payouts.len())?;
            tx.bulk_insert(
                "payment_instructions",
                &[("id", Int), ("direction", Text), ("reference", Text), ("account_id", Int), ("currency", Text),
                  ("amount", Int), ("status", Text), ("transfer_id", Int), ("source_kind", Text),
                  ("beneficiary", Text), ("created_at", Text)],
                &mut payouts.iter().zip(&instruction_ids).map(|(p, id)| {
                    vec![(*id).into(), "out".into(),
                         bank::creditor_reference(u64::try_from(*id).unwrap_or_default()).into(),
                         p.account.into(), cur.code().into(), p.amount.into(), "open".into(),
                         transfer_ids[p.transfer].into(), AccountKind::WorkerBalance.as_str().into(),
                         p.beneficiary.as_str().into(), now_text.as_str().into()]
                }),
            )?;
            summary.transfers = transfers.len();
            summary.payouts = payouts.len();
            // Profiles gained owners: matching's view of workers changed.
            if !unowned.is_empty() {
                bump(tx)?;
            }
            Ok(summary)
        })
    }
}
