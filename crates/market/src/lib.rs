//! Market rules, with no I/O:
//!
//! - [`money`]: amounts in integer minor units of ISO 4217 currencies, parsed from and written
//!   as decimal text without floating point;
//! - [`ledger`]: the double-entry ledger's accounts and transfers: every transfer balances in
//!   each currency, and only the outside world's account may go negative;
//! - [`fees`]: the platform fee on released money, and what the worker is paid after it;
//! - [`fx`]: exchange rates as exact ratios, and conversion that never creates money;
//! - [`contract`]: the state machine of a contract, fixed-price with milestones or hourly in
//!   weeks: who may do what, when, and what money moves;
//! - [`settlement`]: what the ledger posts for a contract's actions (the one mapping from the
//!   state machine's effects to balanced transfers, with their idempotency keys);
//! - [`timesheet`]: hourly work: a week's timesheet under the cap, its funding and its bill;
//! - [`assessment`]: skill tests: question banks, seeded draws, marking, an attempt's states;
//! - [`microwork`]: micro-task batches: templates and answers, the pay floor, agreement between
//!   workers (majority or weighted by accuracy on gold items), qualification by practice;
//! - [`bank`]: the bank-transfer rail: structured payment references out, reconciliation files
//!   in, a payment instruction's direction and states.

pub mod assessment;
pub mod bank;
pub mod change;
pub mod contract;
pub mod error;
pub mod fees;
pub mod fx;
pub mod ledger;
pub mod microwork;
pub mod money;
pub mod proposal;
pub mod settlement;
pub mod timesheet;

pub use error::MarketError;
pub use ledger::{Account, AccountKind, Posting, Transfer, TransferKind};
pub use money::{Amount, Currency, Money};
