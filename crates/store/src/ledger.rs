//! The ledger in the store: every transfer is written in one transaction with its postings and
//! the new balances, under a unique idempotency key. A balance that would go below zero (any
//! account but the world's) refuses the whole transfer: the balance update is conditional, so
//! concurrent writers cannot both spend the same money, on SQLite (one writer at a time) or on
//! PostgreSQL (row locks, taken in account order so that two transfers cannot deadlock).

use crate::areas::Ledger;
use guild_ids::{AccountId, ContractId, TransferId};
use std::collections::BTreeMap;

use guild_market::ledger::{Account, AccountKind, Transfer, TransferKind};
use guild_market::money::{Currency, decimal};
use guild_market::settlement;
use serde::Serialize;

use crate::sql::{Record, Tx, Value};
use crate::{Store, StoreError};

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredTransfer {
    /// Its number.
    pub id: TransferId,
    /// Why money moved.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: String,
    /// The key it was sent with.
    pub idempotency_key: String,
    /// What the statement says.
    pub memo: String,
    /// The exchange rate used, if any.
    pub rate: Option<String>,
    /// When.
    pub created_at: String,
    /// Its postings.
    pub postings: Vec<StoredPosting>,
}

/// One posting of a stored transfer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredPosting {
    /// The ledger account's kind.
    pub kind: String,
    /// Its owner (user account or contract; 0 for the platform's).
    pub owner: i64,
    /// The currency.
    pub currency: String,
    /// Minor units in (positive) or out (negative).
    pub amount_minor: i64,
    /// The same, as decimal text.
    pub amount: String,
}

/// A balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Balance {
    /// The ledger account's kind.
    pub kind: String,
    /// Its owner.
    pub owner: i64,
    /// The currency.
    pub currency: String,
    /// Minor units.
    pub balance_minor: i64,
    /// The same, as decimal text.
    pub balance: String,
}

/// What an audit of the whole ledger found: empty lists mean every invariant holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerAudit {
    /// Transfers counted.
    pub transfers: i64,
    /// The sum of all balances in each currency (must be zero).
    pub sums: BTreeMap<String, i64>,
    /// Currencies whose balances do not sum to zero.
    pub unbalanced_currencies: Vec<String>,
    /// Accounts other than the world's with a negative balance.
    pub negative_accounts: Vec<String>,
    /// Accounts whose balance differs from the sum of their postings.
    pub drifted_accounts: Vec<String>,
    /// Transfers whose postings do not sum to zero in some currency.
    pub unbalanced_transfers: Vec<i64>,
}

impl LedgerAudit {
    /// Whether every invariant holds.
    pub fn ok(&self) -> bool {
        self.unbalanced_currencies.is_empty()
            && self.negative_accounts.is_empty()
            && self.drifted_accounts.is_empty()
            && self.unbalanced_transfers.is_empty()
    }
}

/// How many times a transfer is tried when concurrent writers collide.
const ATTEMPTS: usize = 8;

fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::parse(code).map_err(|e| StoreError::Backend(format!("stored currency: {e}")))
}

fn describe(a: &Account) -> String {
    if a.owner == 0 {
        format!("{} {}", a.kind.as_str(), a.currency)
    } else {
        format!("{} of {} in {}", a.kind.as_str(), a.owner, a.currency)
    }
}

/// The id of the ledger account `a`, made if it does not exist yet.
pub(crate) fn account_id(tx: &mut dyn Tx, a: &Account) -> Result<i64, StoreError> {
    let params = [
        Value::from(a.kind.as_str()),
        Value::from(a.owner),
        Value::from(a.currency.code()),
    ];
    if let Some(r) = tx
        .query(
            "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner = $2 AND currency = $3",
            &params,
        )?
        .first()
    {
        return r.int("id");
    }
    tx.execute(
        "INSERT INTO ledger_accounts (kind, owner, currency, balance) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (kind, owner, currency) DO NOTHING",
        &params,
    )?;
    tx.query(
        "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner = $2 AND currency = $3",
        &params,
    )?
    .first()
    .map(|r| r.int("id"))
    .ok_or_else(|| StoreError::Backend("ledger account vanished".to_owned()))?
}

fn postings_of(tx: &mut dyn Tx, transfer: TransferId) -> Result<Vec<StoredPosting>, StoreError> {
    tx.query(
        "SELECT a.kind, a.owner, a.currency, p.amount FROM ledger_postings p \
         JOIN ledger_accounts a ON a.id = p.account_id WHERE p.transfer_id = $1 ORDER BY p.amount, a.id",
        &[transfer.into()],
    )?
    .iter()
    .map(|r| {
        let cur = r.text("currency")?.to_owned();
        let amount = r.int("amount")?;
        Ok(StoredPosting {
            kind: r.text("kind")?.to_owned(),
            owner: r.int("owner")?,
            amount: decimal(amount, currency(&cur)?),
            currency: cur,
            amount_minor: amount,
        })
    })
    .collect()
}

const TRANSFER_COLUMNS: &str = "id, kind, idempotency_key, memo, rate, created_at";

fn transfer_from_row(tx: &mut dyn Tx, r: &Record) -> Result<StoredTransfer, StoreError> {
    let id = r.id("id")?;
    Ok(StoredTransfer {
        id,
        kind: r.text("kind")?.to_owned(),
        idempotency_key: r.text("idempotency_key")?.to_owned(),
        memo: r.text("memo")?.to_owned(),
        rate: r.opt_text("rate")?,
        created_at: r.text("created_at")?.to_owned(),
        postings: postings_of(tx, id)?,
    })
}

/// Checks an idempotency key: 1 to 200 printable ASCII characters.
pub fn check_idempotency_key(key: &str) -> Result<(), StoreError> {
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(StoreError::Invalid(
            "an idempotency key is 1 to 200 printable ASCII characters (send one per money request, e.g. a UUID, in the Idempotency-Key header)".to_owned(),
        ));
    }
    Ok(())
}

/// The balance of a ledger account inside `tx` (0 when it has never been used).
pub(crate) fn balance_in(tx: &mut dyn Tx, account: &Account) -> Result<i64, StoreError> {
    Ok(tx
        .query(
            "SELECT balance FROM ledger_accounts WHERE kind = $1 AND owner = $2 AND currency = $3",
            &[
                account.kind.as_str().into(),
                account.owner.into(),
                account.currency.code().into(),
            ],
        )?
        .first()
        .map(|r| r.int("balance"))
        .transpose()?
        .unwrap_or(0))
}

/// Writes `transfer` inside `tx`: the replay of an earlier request with the same key and the
/// same fingerprint returns that request's transfer (`true`); the same key with another
/// request is a conflict.
pub(crate) fn post_in(
    tx: &mut dyn Tx,
    key: &str,
    actor: Option<AccountId>,
    transfer: &Transfer,
    rate: Option<&str>,
) -> Result<(StoredTransfer, bool), StoreError> {
    post_request_in(tx, key, actor, transfer, rate, None)
}

/// [`post_in`] for a request with fields that the transfer itself does not show (a payout's
/// IBAN): `request` is added to the fingerprint, so that a replay differing in any of them is
/// a conflict rather than silently answered as the first request.
pub(crate) fn post_request_in(
    tx: &mut dyn Tx,
    key: &str,
    actor: Option<AccountId>,
    transfer: &Transfer,
    rate: Option<&str>,
    request: Option<&str>,
) -> Result<(StoredTransfer, bool), StoreError> {
    check_idempotency_key(key)?;
    let mut fingerprint = transfer.fingerprint();
    if let Some(request) = request {
        fingerprint.push_str("|request:");
        fingerprint.push_str(request);
    }
    let earlier = tx.query(
        &format!("SELECT {TRANSFER_COLUMNS}, fingerprint FROM ledger_transfers WHERE idempotency_key = $1"),
        &[key.into()],
    )?;
    if let Some(r) = earlier.first() {
        if r.text("fingerprint")? != fingerprint {
            return Err(StoreError::Conflict(format!(
                "idempotency key {key:?} was already used for a different request (transfer {}); use a new key for a new request",
                r.int("id")?
            )));
        }
        return Ok((transfer_from_row(tx, r)?, true));
    }
    // Lock (update) accounts in id order: two transfers touching the same accounts take their
    // locks in the same order and so cannot deadlock each other.
    let mut ids = Vec::with_capacity(transfer.postings.len());
    for p in &transfer.postings {
        ids.push((account_id(tx, &p.account)?, p));
    }
    ids.sort_by_key(|(id, _)| *id);
    for (id, p) in &ids {
        let changed = tx.execute(
            "UPDATE ledger_accounts SET balance = balance + $1 \
             WHERE id = $2 AND (kind = 'world' OR balance + $1 >= 0)",
            &[p.amount.into(), (*id).into()],
        )?;
        if changed == 0 {
            let held = tx
                .query(
                    "SELECT balance FROM ledger_accounts WHERE id = $1",
                    &[(*id).into()],
                )?
                .first()
                .map(|r| r.int("balance"))
                .transpose()?
                .unwrap_or(0);
            return Err(StoreError::InsufficientFunds {
                account: describe(&p.account),
                held: decimal(held, p.account.currency),
                needed: decimal(-p.amount, p.account.currency),
                currency: p.account.currency.to_string(),
            });
        }
    }
    let now = tx.now().to_string();
    let row = tx
        .query(
            &format!(
                "INSERT INTO ledger_transfers (kind, idempotency_key, fingerprint, memo, rate, actor, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {TRANSFER_COLUMNS}"
            ),
            &[
                transfer.kind.as_str().into(),
                key.into(),
                fingerprint.into(),
                transfer.memo.as_str().into(),
                rate.into(),
                actor.into(),
                now.into(),
            ],
        )?
        .first()
        .cloned()
        .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?;
    let id = row.int("id")?;
    crate::audit::audit(
        tx,
        actor,
        "money.transfer",
        &format!("transfer:{id}"),
        &format!(
            "{} {key}: {}",
            transfer.kind.as_str(),
            transfer.fingerprint()
        ),
    )?;
    for (account, p) in &ids {
        tx.execute(
            "INSERT INTO ledger_postings (transfer_id, account_id, amount) VALUES ($1, $2, $3)",
            &[id.into(), (*account).into(), p.amount.into()],
        )?;
    }
    Ok((transfer_from_row(tx, &row)?, false))
}

impl Store {
    /// Runs a money write, trying again when concurrent writers collided (a deadlock, a
    /// serialisation failure, or two requests with the same new idempotency key racing).
    pub(crate) fn money_write<R>(
        &self,
        mut f: impl FnMut(&mut dyn Tx) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            match self.write(&mut f) {
                Err(StoreError::Busy(why)) => {
                    last = Some(why);
                    std::thread::sleep(std::time::Duration::from_millis(1 << attempt.min(6)));
                }
                other => return other,
            }
        }
        Err(StoreError::Busy(last.unwrap_or_default()))
    }
}

impl Ledger<'_> {
    /// Posts a balanced transfer under an idempotency key. Returns the transfer and whether it
    /// was a replay of an earlier request with the same key (then nothing moved again).
    pub fn post_transfer(
        &self,
        key: &str,
        actor: Option<AccountId>,
        transfer: &Transfer,
        rate: Option<&str>,
    ) -> Result<(StoredTransfer, bool), StoreError> {
        let mut raced = false;
        loop {
            match self
                .store
                .money_write(|tx| post_in(tx, key, actor, transfer, rate))
            {
                // Two first requests with one key: the loser's insert hits the unique key;
                // reading again answers it as a replay (or a conflict).
                Err(StoreError::Conflict(m)) if !raced && m.contains("idempotency_key") => {
                    raced = true;
                }
                other => return other,
            }
        }
    }

    /// The balance of a ledger account (0 when it has never been used).
    pub fn balance(&self, account: &Account) -> Result<i64, StoreError> {
        self.store.read(|tx| balance_in(tx, account))
    }

    /// The balances of a user account's ledger accounts (client funds, worker balance,
    /// pending payouts), in every currency it has used.
    pub fn balances_of(&self, owner: AccountId) -> Result<Vec<Balance>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT kind, owner, currency, balance FROM ledger_accounts \
                 WHERE owner = $1 AND kind IN ('client_funds', 'worker_balance', 'payouts_pending') ORDER BY kind, currency",
                &[owner.into()],
            )?
            .iter()
            .map(|r| {
                let cur = r.text("currency")?.to_owned();
                let b = r.int("balance")?;
                Ok(Balance {
                    kind: r.text("kind")?.to_owned(),
                    owner: r.int("owner")?,
                    balance: decimal(b, currency(&cur)?),
                    currency: cur,
                    balance_minor: b,
                })
            })
            .collect()
        })
    }

    /// The transfers that touched a user account's ledger accounts, newest first.
    pub fn statement_of(
        &self,
        owner: AccountId,
        limit: i64,
    ) -> Result<Vec<StoredTransfer>, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                &format!(
                    "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE id IN (\
                     SELECT p.transfer_id FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id \
                     WHERE a.owner = $1 AND a.kind IN ('client_funds', 'worker_balance', 'payouts_pending')) \
                     ORDER BY id DESC LIMIT $2"
                ),
                &[owner.into(), limit.clamp(1, 1000).into()],
            )?;
            rows.iter().map(|r| transfer_from_row(tx, r)).collect()
        })
    }

    /// Checks every invariant of the ledger in one snapshot: each currency sums to zero, no
    /// account but the world's is negative, every balance equals the sum of its postings,
    /// every transfer balances.
    pub fn audit_ledger(&self) -> Result<LedgerAudit, StoreError> {
        self.store.read(|tx| {
            let mut audit = LedgerAudit {
                transfers: tx
                    .query("SELECT COUNT(*) AS n FROM ledger_transfers", &[])?
                    .first()
                    .map(|r| r.int("n"))
                    .transpose()?
                    .unwrap_or(0),
                sums: BTreeMap::new(),
                unbalanced_currencies: Vec::new(),
                negative_accounts: Vec::new(),
                drifted_accounts: Vec::new(),
                unbalanced_transfers: Vec::new(),
            };
            for r in tx.query(
                "SELECT currency, CAST(SUM(balance) AS BIGINT) AS total FROM ledger_accounts GROUP BY currency ORDER BY currency",
                &[],
            )? {
                let (cur, sum) = (r.text("currency")?.to_owned(), r.int("total")?);
                if sum != 0 {
                    audit.unbalanced_currencies.push(cur.clone());
                }
                audit.sums.insert(cur, sum);
            }
            for r in tx.query(
                "SELECT kind, owner, currency, balance FROM ledger_accounts WHERE kind <> 'world' AND balance < 0",
                &[],
            )? {
                audit.negative_accounts.push(format!(
                    "{} {} {}: {}",
                    r.text("kind")?,
                    r.int("owner")?,
                    r.text("currency")?,
                    r.int("balance")?
                ));
            }
            for r in tx.query(
                "SELECT a.kind, a.owner, a.currency, a.balance, CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) AS posted FROM ledger_accounts a \
                 LEFT JOIN ledger_postings p ON p.account_id = a.id GROUP BY a.id, a.kind, a.owner, a.currency, a.balance \
                 HAVING a.balance <> COALESCE(SUM(p.amount), 0)",
                &[],
            )? {
                audit.drifted_accounts.push(format!(
                    "{} {} {}: balance {} but postings sum to {}",
                    r.text("kind")?,
                    r.int("owner")?,
                    r.text("currency")?,
                    r.int("balance")?,
                    r.int("posted")?
                ));
            }
            for r in tx.query(
                "SELECT DISTINCT p.transfer_id FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id \
                 GROUP BY p.transfer_id, a.currency HAVING SUM(p.amount) <> 0",
                &[],
            )? {
                audit.unbalanced_transfers.push(r.int("transfer_id")?);
            }
            Ok(audit)
        })
    }

    /// A client's deposit, once the bank has it: from the world into the client's funds.
    pub fn deposit(
        &self,
        key: &str,
        client: AccountId,
        amount: guild_market::Amount,
        memo: &str,
    ) -> Result<(StoredTransfer, bool), StoreError> {
        let t = Transfer::between(
            TransferKind::Deposit,
            Account::world(amount.currency),
            market(Account::of(
                AccountKind::ClientFunds,
                client,
                amount.currency,
            ))?,
            amount.minor,
            memo,
        )
        .map_err(market_error)?;
        self.post_transfer(key, None, &t, None)
    }

    /// Commits a client's funds to a contract's escrow.
    pub fn fund_escrow(
        &self,
        key: &str,
        client: AccountId,
        contract: ContractId,
        amount: guild_market::Amount,
        memo: &str,
    ) -> Result<(StoredTransfer, bool), StoreError> {
        let t = market(settlement::fund(client, contract, amount, memo))?;
        self.post_transfer(key, None, &t, None)
    }

    /// Releases escrow to a worker, less the platform fee (`fee_bps` basis points).
    pub fn release_escrow(
        &self,
        key: &str,
        contract: ContractId,
        worker: AccountId,
        amount: guild_market::Amount,
        fee_bps: u32,
        memo: &str,
    ) -> Result<(StoredTransfer, bool), StoreError> {
        let t = market(settlement::release(contract, worker, amount, fee_bps, memo))?;
        self.post_transfer(key, None, &t, None)
    }

    /// Returns escrow to the client's funds.
    pub fn refund_escrow(
        &self,
        key: &str,
        contract: ContractId,
        client: AccountId,
        amount: guild_market::Amount,
        memo: &str,
    ) -> Result<(StoredTransfer, bool), StoreError> {
        let t = market(settlement::refund(contract, client, amount, memo))?;
        self.post_transfer(key, None, &t, None)
    }
}

/// A market rule broken by the request: a bad request.
pub(crate) fn market_error(e: guild_market::MarketError) -> StoreError {
    StoreError::Market(e)
}

pub(crate) fn market<T>(r: Result<T, guild_market::MarketError>) -> Result<T, StoreError> {
    r.map_err(market_error)
}
