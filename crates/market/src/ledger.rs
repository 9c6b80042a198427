//! The double-entry ledger's rules. Money lives in accounts; a [`Transfer`] moves it with
//! postings that sum to zero in every currency, so no transfer creates or destroys money. The
//! outside world (banks, other platforms) is one account, [`AccountKind::World`], the only one
//! that may go negative: its balance is minus the money held inside Guild.
//!
//! The accounts, in the order money usually flows:
//!
//! - `world`: where deposits come from and payouts and refunds go;
//! - `client_funds` of an account: money a client deposited and has not committed;
//! - `escrow` of a contract: money committed to a contract's milestones, held until approval;
//! - `worker_balance` of an account: money earned and not yet paid out;
//! - `platform_fees`: Guild's fees on released money;
//! - `payouts_pending` of an account: payouts and refunds sent to the bank, not yet confirmed.

use guild_ids::{AccountId, BatchId, ContractId};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::MarketError;
use crate::money::{Currency, MAX_MINOR};

/// The kinds of ledger account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// The outside world; may go negative.
    World,
    /// A client's uncommitted funds.
    ClientFunds,
    /// A contract's escrow.
    Escrow,
    /// A worker's earnings not yet paid out.
    WorkerBalance,
    /// The platform's fees.
    PlatformFees,
    /// Payouts and refunds on their way to the bank.
    PayoutsPending,
    /// A micro-task batch's escrow (owner: the batch).
    BatchEscrow,
}

impl AccountKind {
    /// Every kind.
    pub const ALL: [AccountKind; 7] = [
        AccountKind::World,
        AccountKind::ClientFunds,
        AccountKind::Escrow,
        AccountKind::WorkerBalance,
        AccountKind::PlatformFees,
        AccountKind::PayoutsPending,
        AccountKind::BatchEscrow,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::World => "world",
            AccountKind::ClientFunds => "client_funds",
            AccountKind::Escrow => "escrow",
            AccountKind::WorkerBalance => "worker_balance",
            AccountKind::PlatformFees => "platform_fees",
            AccountKind::PayoutsPending => "payouts_pending",
            AccountKind::BatchEscrow => "batch_escrow",
        }
    }

    /// Reads a name written by [`AccountKind::as_str`].
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        AccountKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| MarketError::Invalid(format!("unknown ledger account kind {s:?}")))
    }

    /// Whether its balance may go below zero (only the world's).
    pub fn may_go_negative(self) -> bool {
        self == AccountKind::World
    }

    /// Whether it belongs to someone (an account or a contract), rather than being one of the
    /// platform's own.
    pub fn has_owner(self) -> bool {
        matches!(
            self,
            AccountKind::ClientFunds
                | AccountKind::Escrow
                | AccountKind::WorkerBalance
                | AccountKind::PayoutsPending
                | AccountKind::BatchEscrow
        )
    }
}

/// A ledger account: a kind, whose it is (an account or contract number; 0 for the
/// platform's own), and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Account {
    /// What it holds.
    pub kind: AccountKind,
    /// Whose: the user account (client funds, balances, pending payouts) or the contract
    /// (escrow); 0 for `world` and `platform_fees`.
    pub owner: i64,
    /// Its currency.
    pub currency: Currency,
}

impl Account {
    /// An account, checking that the owner fits the kind.
    pub fn new(kind: AccountKind, owner: i64, currency: Currency) -> Result<Self, MarketError> {
        match (kind.has_owner(), owner) {
            (true, o) if o <= 0 => Err(MarketError::Invalid(format!(
                "a {} account belongs to someone (owner {o})",
                kind.as_str()
            ))),
            (false, o) if o != 0 => Err(MarketError::Invalid(format!(
                "the {} account is the platform's own (owner 0, not {o})",
                kind.as_str()
            ))),
            _ => Ok(Account {
                kind,
                owner,
                currency,
            }),
        }
    }

    /// The account of kind `kind` that belongs to the user account `owner` (client funds, a
    /// worker's balance, pending payouts).
    pub fn of(
        kind: AccountKind,
        owner: AccountId,
        currency: Currency,
    ) -> Result<Self, MarketError> {
        Self::new(kind, owner.get(), currency)
    }

    /// The escrow of `contract`.
    pub fn escrow(contract: ContractId, currency: Currency) -> Result<Self, MarketError> {
        Self::new(AccountKind::Escrow, contract.get(), currency)
    }

    /// The escrow of micro-task batch `batch`.
    pub fn batch_escrow(batch: BatchId, currency: Currency) -> Result<Self, MarketError> {
        Self::new(AccountKind::BatchEscrow, batch.get(), currency)
    }

    /// The outside world's account in `currency`.
    pub fn world(currency: Currency) -> Self {
        Account {
            kind: AccountKind::World,
            owner: 0,
            currency,
        }
    }

    /// The platform's fee account in `currency`.
    pub fn fees(currency: Currency) -> Self {
        Account {
            kind: AccountKind::PlatformFees,
            owner: 0,
            currency,
        }
    }
}

/// One side of a transfer: `amount` minor units into `account` (negative: out of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// Minor units in (positive) or out (negative); never zero.
    pub amount: i64,
}

/// Why money moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    /// Money arrived from the bank into a client's funds.
    Deposit,
    /// A client committed funds to a contract's escrow.
    FundEscrow,
    /// Escrow released to the worker, less the platform fee.
    Release,
    /// Escrow returned to the client.
    Refund,
    /// A worker's balance (or a client's funds) sent towards the bank.
    Payout,
    /// The bank confirmed a payout: it left for the world.
    PayoutSettled,
    /// The bank returned a payout: back to where it came from.
    PayoutReturned,
}

impl TransferKind {
    /// Every kind.
    pub const ALL: [TransferKind; 7] = [
        TransferKind::Deposit,
        TransferKind::FundEscrow,
        TransferKind::Release,
        TransferKind::Refund,
        TransferKind::Payout,
        TransferKind::PayoutSettled,
        TransferKind::PayoutReturned,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TransferKind::Deposit => "deposit",
            TransferKind::FundEscrow => "fund_escrow",
            TransferKind::Release => "release",
            TransferKind::Refund => "refund",
            TransferKind::Payout => "payout",
            TransferKind::PayoutSettled => "payout_settled",
            TransferKind::PayoutReturned => "payout_returned",
        }
    }

    /// Reads a name written by [`TransferKind::as_str`].
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        TransferKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| MarketError::Invalid(format!("unknown transfer kind {s:?}")))
    }
}

/// The most postings one transfer may have.
pub const MAX_POSTINGS: usize = 16;

/// A balanced movement of money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    /// Why.
    pub kind: TransferKind,
    /// The postings: at least two, summing to zero in each currency.
    pub postings: Vec<Posting>,
    /// What a person reads in the statement.
    pub memo: String,
}

impl Transfer {
    /// A transfer, checked: 2 to [`MAX_POSTINGS`] postings, none zero or larger than
    /// [`MAX_MINOR`], no account twice, and the sum in each currency exactly zero.
    pub fn new(
        kind: TransferKind,
        postings: Vec<Posting>,
        memo: &str,
    ) -> Result<Self, MarketError> {
        if !(2..=MAX_POSTINGS).contains(&postings.len()) {
            return Err(MarketError::Invalid(format!(
                "a transfer has 2 to {MAX_POSTINGS} postings, not {}",
                postings.len()
            )));
        }
        let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        for p in &postings {
            if p.amount == 0 || p.amount.unsigned_abs() > MAX_MINOR.unsigned_abs() {
                return Err(MarketError::Invalid(format!(
                    "posting of {} to {} {}: amounts are non-zero and at most {MAX_MINOR} minor units",
                    p.amount,
                    p.account.kind.as_str(),
                    p.account.owner
                )));
            }
            if !seen.insert(p.account) {
                return Err(MarketError::Invalid(format!(
                    "account {} {} {} appears twice in one transfer",
                    p.account.kind.as_str(),
                    p.account.owner,
                    p.account.currency
                )));
            }
            *sums.entry(p.account.currency).or_default() += p.amount;
        }
        if let Some((currency, sum)) = sums.iter().find(|(_, s)| **s != 0) {
            return Err(MarketError::Invalid(format!(
                "the postings in {currency} sum to {sum}, not 0: a transfer must balance"
            )));
        }
        Ok(Transfer {
            kind,
            postings,
            memo: memo.chars().take(500).collect(),
        })
    }

    /// `amount` minor units from one account to another of the same currency.
    pub fn between(
        kind: TransferKind,
        from: Account,
        to: Account,
        amount: i64,
        memo: &str,
    ) -> Result<Self, MarketError> {
        if from.currency != to.currency {
            return Err(MarketError::Invalid(format!(
                "{} and {} are different currencies: convert through the world at a rate",
                from.currency, to.currency
            )));
        }
        if amount <= 0 {
            return Err(MarketError::Invalid(format!(
                "a transfer moves a positive amount, not {amount}"
            )));
        }
        Transfer::new(
            kind,
            vec![
                Posting {
                    account: from,
                    amount: -amount,
                },
                Posting {
                    account: to,
                    amount,
                },
            ],
            memo,
        )
    }

    /// A canonical text of the transfer, for idempotency: the same request gives the same
    /// text, whatever order its postings came in.
    pub fn fingerprint(&self) -> String {
        let mut postings: Vec<String> = self
            .postings
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{}:{}",
                    p.account.kind.as_str(),
                    p.account.owner,
                    p.account.currency,
                    p.amount
                )
            })
            .collect();
        postings.sort();
        format!(
            "{}|{}|{}",
            self.kind.as_str(),
            postings.join(","),
            self.memo
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn client(n: i64) -> Account {
        Account::new(AccountKind::ClientFunds, n, eur()).unwrap()
    }

    #[test]
    fn transfers_balance_in_every_currency() {
        let t = Transfer::between(
            TransferKind::Deposit,
            Account::world(eur()),
            client(1),
            500,
            "in",
        )
        .unwrap();
        assert_eq!(t.postings.iter().map(|p| p.amount).sum::<i64>(), 0);
        let usd = Currency::parse("USD").unwrap();
        let bad = Transfer::new(
            TransferKind::Deposit,
            vec![
                Posting {
                    account: Account::world(eur()),
                    amount: -5,
                },
                Posting {
                    account: Account::new(AccountKind::ClientFunds, 1, usd).unwrap(),
                    amount: 5,
                },
            ],
            "",
        );
        assert!(bad.unwrap_err().to_string().contains("must balance"));
        assert!(Transfer::between(TransferKind::Deposit, client(1), client(1), 5, "").is_err());
        assert!(Transfer::between(TransferKind::Deposit, client(1), client(2), 0, "").is_err());
        assert!(Transfer::between(TransferKind::Deposit, client(1), client(2), -5, "").is_err());
        assert!(Account::new(AccountKind::Escrow, 0, eur()).is_err());
        assert!(Account::new(AccountKind::World, 3, eur()).is_err());
    }

    #[test]
    fn fingerprints_ignore_posting_order() {
        let a = Transfer::between(TransferKind::FundEscrow, client(1), client(2), 5, "m").unwrap();
        let mut b = a.clone();
        b.postings.reverse();
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = Transfer::between(TransferKind::FundEscrow, client(1), client(2), 6, "m").unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint());
    }
}
