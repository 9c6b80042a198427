//! The operator's commands for the market: `guild payments` (read the bank's statement, write
//! the payout file, set exchange rates), `guild ledger` (audit, events, balances),
//! `guild contracts` (decide disputes, approve overdue milestones), `guild webhooks` (deliver
//! what is due) and `guild accounts` (roles).

use guild_ids::{AccountId, ContractId};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use guild_market::Currency;
use guild_market::fx::Rate;
use guild_platform::Platform;
use guild_store::Store;

/// `guild payments …`.
#[derive(Subcommand, Debug)]
pub enum PaymentsCommand {
    /// Read the bank's statement (CSV: bank_id,date,amount,currency[,reference,counterparty,note]):
    /// deposits quoting a reference are credited, payouts confirmed or returned; each line is
    /// read once, so reading a statement again changes nothing.
    Reconcile {
        /// The statement file.
        file: PathBuf,
    },
    /// Write the payout file for the bank: every payout not yet confirmed.
    Payouts {
        /// Write it here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Set the exchange rate for payouts converted from BASE to QUOTE (QUOTE per BASE).
    Rate {
        /// The currency converted from.
        base: String,
        /// The currency converted to.
        quote: String,
        /// Units of QUOTE per unit of BASE, e.g. 1.0825.
        rate: String,
    },
}

/// `guild ledger …`.
#[derive(Subcommand, Debug)]
pub enum LedgerCommand {
    /// Check every invariant: each currency sums to zero, nothing but the world is negative,
    /// every balance equals its postings, every transfer balances. Exit 1 if one fails.
    Audit {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The audit log of security- and money-relevant events, oldest first.
    Events {
        /// Only events after this one.
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Only this kind (e.g. money.transfer, login.failed).
        #[arg(long)]
        kind: Option<String>,
    },
    /// The balances of a user account.
    Balances {
        /// The account.
        account: AccountId,
    },
}

/// Runs `guild payments …`.
pub fn payments(platform: &Platform, command: PaymentsCommand) -> Result<ExitCode> {
    let store = platform.store();
    match command {
        PaymentsCommand::Reconcile { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let lines = guild_market::bank::parse_statement(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let r = platform.reconcile(&lines)?;
            out!(
                "{} deposits, {} payouts confirmed, {} returned, {} read before, {} unmatched",
                r.deposits,
                r.settled,
                r.returned,
                r.already_read,
                r.unmatched.len()
            );
            for u in &r.unmatched {
                out!("unmatched: {u}");
            }
            Ok(ExitCode::SUCCESS)
        }
        PaymentsCommand::Payouts { out } => {
            let file = store.ledger().payout_file()?;
            match out {
                Some(path) => std::fs::write(&path, file)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{file}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        PaymentsCommand::Rate { base, quote, rate } => {
            let rate = Rate::parse(Currency::parse(&base)?, Currency::parse(&quote)?, &rate)?;
            store.ledger().set_rate(rate)?;
            out!("1 {base} = {} {quote}", rate.text());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs `guild ledger …`.
pub fn ledger(store: &Store, command: LedgerCommand) -> Result<ExitCode> {
    match command {
        LedgerCommand::Audit { json } => {
            let audit = store.ledger().audit_ledger()?;
            if json {
                out!("{}", serde_json::to_string_pretty(&audit)?);
            } else {
                out!("{} transfers", audit.transfers);
                for (cur, sum) in &audit.sums {
                    out!("{cur}: accounts sum to {sum}");
                }
                for problem in audit
                    .unbalanced_currencies
                    .iter()
                    .map(|c| format!("{c} does not sum to zero"))
                    .chain(
                        audit
                            .negative_accounts
                            .iter()
                            .map(|a| format!("negative: {a}")),
                    )
                    .chain(
                        audit
                            .drifted_accounts
                            .iter()
                            .map(|a| format!("drifted: {a}")),
                    )
                    .chain(
                        audit
                            .unbalanced_transfers
                            .iter()
                            .map(|t| format!("transfer {t} does not balance")),
                    )
                {
                    out!("FAIL {problem}");
                }
                out!(
                    "{}",
                    if audit.ok() {
                        "ledger ok"
                    } else {
                        "ledger BROKEN"
                    }
                );
            }
            Ok(if audit.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        LedgerCommand::Events { after, limit, kind } => {
            for e in store
                .accounts()
                .audit_events(after, limit, kind.as_deref())?
            {
                out!(
                    "{:>6} {} {:<20} {:<22} actor {} {}",
                    e.id,
                    e.at,
                    e.kind,
                    e.subject,
                    e.actor.map_or_else(|| "-".to_owned(), |a| a.to_string()),
                    e.detail
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Balances { account } => {
            for b in store.ledger().balances_of(account)? {
                out!("{:<16} {} {}", b.kind, b.balance, b.currency);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `guild contracts …`: what a platform admin does.
#[derive(Subcommand, Debug)]
pub enum ContractsCommand {
    /// Decide a disputed contract: WORKER_PERCENT of each disputed milestone's escrow goes to
    /// the worker (less the fee), the rest back to the client; the contract ends.
    Resolve {
        /// The contract.
        id: ContractId,
        /// The worker's share, 0–100.
        #[arg(long)]
        worker_percent: u8,
    },
    /// Approve every submitted milestone whose review is overdue (the server does this every
    /// minute).
    Sweep {
        /// As if it were this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Show a contract.
    Show {
        /// The contract.
        id: ContractId,
    },
}

/// Runs `guild contracts …`.
pub fn contracts(platform: &Platform, command: ContractsCommand) -> Result<ExitCode> {
    use guild_market::contract::{Action, Party};
    let store = platform.store();
    match command {
        ContractsCommand::Resolve { id, worker_percent } => {
            anyhow::ensure!(worker_percent <= 100, "--worker-percent is 0 to 100");
            let c = platform.act_on_contract(
                id,
                Party::Admin,
                Action::Resolve,
                None,
                Some(worker_percent),
            )?;
            out!(
                "contract {id} is {}; escrow left {} {}",
                c.status,
                c.escrow,
                c.currency
            );
            Ok(ExitCode::SUCCESS)
        }
        ContractsCommand::Sweep { at } => {
            let now = match at {
                Some(t) => t.parse().map_err(|e| anyhow::anyhow!("--at {t:?}: {e}"))?,
                None => store.now(),
            };
            out!("{} milestones approved", platform.approve_overdue(now)?);
            Ok(ExitCode::SUCCESS)
        }
        ContractsCommand::Show { id } => {
            out!(
                "{}",
                serde_json::to_string_pretty(&store.contracts().contract(id)?)?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `guild webhooks …`.
#[derive(Subcommand, Debug)]
pub enum WebhooksCommand {
    /// Deliver every webhook delivery that is due (the server does this every ten seconds).
    Deliver {
        /// As if it were this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
    },
}

/// Runs `guild webhooks …`.
pub fn webhooks(store: &Store, command: WebhooksCommand) -> Result<ExitCode> {
    match command {
        WebhooksCommand::Deliver { at } => {
            let now = match at {
                Some(t) => t.parse().map_err(|e| anyhow::anyhow!("--at {t:?}: {e}"))?,
                None => store.now(),
            };
            let fetcher = guild_server::fetch::HttpFetcher::from_env();
            let (ok, failed) = guild_server::webhooks::deliver_due(store, &fetcher, now, 1000)?;
            out!("{ok} delivered, {failed} failed");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `guild accounts …`: the operator's account administration.
#[derive(Subcommand, Debug)]
pub enum AccountsCommand {
    /// Set an account's role: `admin` (a platform admin: disputes, suspensions) or `user`.
    Role {
        /// The account's e-mail.
        email: String,
        /// `admin` or `user`.
        role: String,
    },
}

/// Runs `guild accounts …`.
pub fn accounts(store: &Store, command: AccountsCommand) -> Result<ExitCode> {
    match command {
        AccountsCommand::Role { email, role } => {
            store.accounts().set_role(&email, &role)?;
            out!("{email} is now {role}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
