//! A contract's money: what the ledger must post for an [`Effect`] the state machine decided.
//!
//! Written once, for every path that moves a contract's money: the live actions of clients,
//! workers and admins, the automatic approval after a review deadline, and the bulk generator
//! that makes large test markets. Each movement carries the idempotency key the ledger files it
//! under (derived from the contract, the milestone and the event, so a doubled request cannot
//! move money twice), who moved it, and a balanced [`Transfer`] with the memo a person reads.

use crate::MarketError;
use guild_ids::{AccountId, ContractId};

use crate::contract::{Action, Effect, Flow};
use crate::fees::split;
use crate::ledger::{Account, AccountKind, Posting, Transfer, TransferKind};
use crate::money::{Amount, Currency};
use crate::timesheet::bill;

/// Whose money a contract moves, and at what fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractMoney {
    /// The contract's number: its escrow account's owner and part of every key.
    pub contract: ContractId,
    /// The client's account.
    pub client: AccountId,
    /// The worker's account.
    pub worker: AccountId,
    /// The contract's currency.
    pub currency: Currency,
    /// The fee on released money, in basis points, fixed when the contract was made.
    pub fee_bps: u32,
}

/// A milestone's money, as the store holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneFunds {
    /// Its amount, in minor units: what funding puts in escrow (an hourly week: the rate times
    /// the weekly cap).
    pub amount: i64,
    /// For a week of an hourly contract: the rate per hour in minor units and the minutes its
    /// timesheet logged. Approval pays the bill and refunds the rest of the week's funding.
    pub hourly: Option<(i64, i64)>,
}

/// One movement the ledger posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The idempotency key: `contract:{id}:milestone:{n}:{event}`.
    pub key: String,
    /// The account that moved the money (the client funding), or `None` when the platform did.
    pub actor: Option<AccountId>,
    /// The balanced transfer.
    pub transfer: Transfer,
}

/// A client's funds committed to contract `contract`'s escrow.
pub fn fund(
    client: AccountId,
    contract: ContractId,
    amount: Amount,
    memo: &str,
) -> Result<Transfer, MarketError> {
    let cur = amount.currency;
    Transfer::between(
        TransferKind::FundEscrow,
        Account::of(AccountKind::ClientFunds, client, cur)?,
        Account::escrow(contract, cur)?,
        amount.minor,
        memo,
    )
}

/// Contract `contract`'s escrow released to its worker, less the platform's fee of `fee_bps`
/// basis points.
pub fn release(
    contract: ContractId,
    worker: AccountId,
    amount: Amount,
    fee_bps: u32,
    memo: &str,
) -> Result<Transfer, MarketError> {
    let cur = amount.currency;
    let s = split(amount, fee_bps)?;
    let mut postings = vec![
        Posting {
            account: Account::escrow(contract, cur)?,
            amount: -amount.minor,
        },
        Posting {
            account: Account::of(AccountKind::WorkerBalance, worker, cur)?,
            amount: s.worker_minor,
        },
    ];
    if s.fee_minor > 0 {
        postings.push(Posting {
            account: Account::fees(cur),
            amount: s.fee_minor,
        });
    }
    Transfer::new(TransferKind::Release, postings, memo)
}

/// Contract `contract`'s escrow returned to its client's funds.
pub fn refund(
    contract: ContractId,
    client: AccountId,
    amount: Amount,
    memo: &str,
) -> Result<Transfer, MarketError> {
    let cur = amount.currency;
    Transfer::between(
        TransferKind::Refund,
        Account::escrow(contract, cur)?,
        Account::of(AccountKind::ClientFunds, client, cur)?,
        amount.minor,
        memo,
    )
}

/// The movements that `effect` (the answer of [`crate::contract::decide_for`] to `action`)
/// makes, in the order to post them. `funds(i)` gives milestone `i`'s money; `worker_percent`
/// is an admin's decision of a dispute (`Action::Resolve`): that share of each disputed
/// milestone's escrow goes to the worker (less the fee), the rest back to the client.
pub fn movements(
    contract: &ContractMoney,
    effect: &Effect,
    action: Action,
    worker_percent: Option<u8>,
    funds: impl Fn(usize) -> MilestoneFunds,
) -> Result<Vec<Movement>, MarketError> {
    let id = contract.contract;
    let cur = contract.currency;
    let amount_of = |minor: i64| Amount::new(minor, cur);
    let release = |minor: i64, memo: &str| {
        release(
            id,
            contract.worker,
            amount_of(minor)?,
            contract.fee_bps,
            memo,
        )
    };
    let refund = |minor: i64, memo: &str| refund(id, contract.client, amount_of(minor)?, memo);
    let mut out = Vec::new();
    for m in &effect.milestones {
        let MilestoneFunds { amount, hourly } = funds(m.index);
        let n = m.index + 1;
        let key = |event: &str| format!("contract:{id}:milestone:{n}:{event}");
        let by_platform = |event: &str, transfer: Transfer| Movement {
            key: key(event),
            actor: None,
            transfer,
        };
        match m.flow {
            Flow::None => {}
            Flow::Fund => out.push(Movement {
                key: key("fund"),
                actor: Some(contract.client),
                transfer: fund(
                    contract.client,
                    id,
                    amount_of(amount)?,
                    &format!("contract {id}, milestone {n}: funded"),
                )?,
            }),
            Flow::Release => {
                // A week of an hourly contract pays its timesheet; the rest of its funding
                // goes back to the client.
                let pay = match hourly {
                    Some((rate, minutes)) => bill(rate, minutes)?.min(amount),
                    None => amount,
                };
                if pay > 0 {
                    let memo = format!("contract {id}, milestone {n}: approved");
                    out.push(by_platform("release", release(pay, &memo)?));
                }
                if amount > pay {
                    let memo = format!("contract {id}, week {n}: the part of the cap not worked");
                    out.push(by_platform("unworked", refund(amount - pay, &memo)?));
                }
            }
            Flow::Refund => {
                let memo = format!("contract {id}, milestone {n}: refunded");
                out.push(by_platform("refund", refund(amount, &memo)?));
            }
        }
        if action == Action::Resolve {
            let pct = i64::from(worker_percent.unwrap_or(0).min(100));
            let to_worker = amount * pct / 100;
            if to_worker > 0 {
                let memo =
                    format!("contract {id}, milestone {n}: dispute decided, {pct} % to the worker");
                out.push(by_platform("resolve-release", release(to_worker, &memo)?));
            }
            if amount > to_worker {
                let memo = format!(
                    "contract {id}, milestone {n}: dispute decided, {} % to the client",
                    100 - pct
                );
                out.push(by_platform(
                    "resolve-refund",
                    refund(amount - to_worker, &memo)?,
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::contract::{ContractKind, ContractStatus, MilestoneStatus, Party, decide_for};

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn money(fee_bps: u32) -> ContractMoney {
        ContractMoney {
            contract: ContractId(7),
            client: AccountId(1),
            worker: AccountId(2),
            currency: eur(),
            fee_bps,
        }
    }

    #[test]
    fn an_hourly_week_pays_its_timesheet_and_refunds_the_rest() {
        let effect = decide_for(
            ContractKind::Hourly,
            ContractStatus::Active,
            &[MilestoneStatus::Submitted],
            Action::Approve,
            Party::Client,
            Some(0),
        )
        .unwrap();
        // 90 minutes at 40.00 an hour, out of a week funded for 10 hours.
        let moves = movements(&money(1000), &effect, Action::Approve, None, |_| {
            MilestoneFunds {
                amount: 40_000,
                hourly: Some((4_000, 90)),
            }
        })
        .unwrap();
        let keys: Vec<&str> = moves.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "contract:7:milestone:1:release",
                "contract:7:milestone:1:unworked"
            ]
        );
        let release = &moves[0].transfer.postings;
        assert_eq!(release[0].amount, -6_000);
        assert_eq!((release[1].amount, release[2].amount), (5_400, 600));
        assert_eq!(moves[1].transfer.postings[1].amount, 34_000);
    }

    #[test]
    fn a_dispute_splits_each_milestone_in_escrow() {
        let effect = decide_for(
            ContractKind::Fixed,
            ContractStatus::Disputed,
            &[MilestoneStatus::Approved, MilestoneStatus::Submitted],
            Action::Resolve,
            Party::Admin,
            None,
        )
        .unwrap();
        let moves = movements(&money(0), &effect, Action::Resolve, Some(30), |_| {
            MilestoneFunds {
                amount: 1_001,
                hourly: None,
            }
        })
        .unwrap();
        assert_eq!(moves.len(), 2);
        assert_eq!(moves[0].key, "contract:7:milestone:2:resolve-release");
        assert_eq!(moves[0].transfer.postings[1].amount, 300);
        assert_eq!(moves[1].transfer.postings[1].amount, 701);
        assert!(moves[1].transfer.memo.contains("70 % to the client"));
    }

    /// Which account each movement touches, summed.
    fn apply(balances: &mut BTreeMap<(AccountKind, i64), i64>, moves: &[Movement]) {
        for m in moves {
            for p in &m.transfer.postings {
                *balances
                    .entry((p.account.kind, p.account.owner))
                    .or_default() += p.amount;
            }
        }
    }

    fn action() -> impl Strategy<Value = (Action, Party)> {
        prop_oneof![
            Just((Action::Accept, Party::Worker)),
            Just((Action::Fund, Party::Client)),
            Just((Action::Fund, Party::Client)),
            Just((Action::Submit, Party::Worker)),
            Just((Action::Approve, Party::Client)),
            Just((Action::RequestChanges, Party::Client)),
            Just((Action::AutoApprove, Party::System)),
            Just((Action::Cancel, Party::Client)),
            Just((Action::Dispute, Party::Worker)),
            Just((Action::Resolve, Party::Admin)),
            Just((Action::End, Party::Client)),
        ]
    }

    proptest! {
        /// For random histories of fixed-price and hourly contracts, every movement balances,
        /// no key is used twice, and the ledger ends where the engine's effects say: the
        /// escrow holds exactly the milestones in escrow states, and what the client paid in
        /// went to the worker, the fees or back to the client.
        #[test]
        fn contract_histories_move_exactly_the_engines_money(
            hourly in any::<bool>(),
            amounts in prop::collection::vec(1i64..5_000_000, 1..5),
            minutes in prop::collection::vec(0i64..=600, 5),
            fee_bps in 0u32..=5_000,
            steps in prop::collection::vec((action(), 0usize..5, 0u8..=100), 0..40),
        ) {
            let kind = if hourly { ContractKind::Hourly } else { ContractKind::Fixed };
            let contract = money(fee_bps);
            // An hourly week is funded for 10 hours at a rate that the amount stands for.
            let funds = |i: usize| MilestoneFunds {
                amount: amounts[i],
                hourly: hourly.then(|| (amounts[i] / 10, minutes[i])),
            };
            let mut status = ContractStatus::Proposed;
            let mut states = vec![MilestoneStatus::Unfunded; amounts.len()];
            let mut balances = BTreeMap::new();
            let mut keys = std::collections::BTreeSet::new();
            for ((action, party), milestone, pct) in steps {
                let milestone = Some(milestone % amounts.len());
                let Ok(effect) = decide_for(kind, status, &states, action, party, milestone) else {
                    continue;
                };
                let moves = movements(&contract, &effect, action, Some(pct), funds).unwrap();
                for m in &moves {
                    let sum: i64 = m.transfer.postings.iter().map(|p| p.amount).sum();
                    prop_assert_eq!(sum, 0);
                    prop_assert!(keys.insert(m.key.clone()), "key {} used twice", m.key);
                }
                apply(&mut balances, &moves);
                for m in &effect.milestones {
                    states[m.index] = m.status;
                }
                status = effect.contract;
            }
            let held: i64 = states
                .iter()
                .zip(&amounts)
                .filter(|(s, _)| matches!(
                    s,
                    MilestoneStatus::Funded | MilestoneStatus::Submitted | MilestoneStatus::ChangesRequested
                ))
                .map(|(_, a)| a)
                .sum();
            let of = |kind, owner| balances.get(&(kind, owner)).copied().unwrap_or(0);
            prop_assert_eq!(of(AccountKind::Escrow, 7), held);
            let client = of(AccountKind::ClientFunds, 1);
            let worker = of(AccountKind::WorkerBalance, 2);
            let fees = of(AccountKind::PlatformFees, 0);
            prop_assert!(client <= 0 && worker >= 0 && fees >= 0);
            prop_assert_eq!(-client, held + worker + fees);
            prop_assert!(i128::from(fees) * 10_000 <= i128::from(worker + fees) * i128::from(fee_bps));
        }
    }
}
