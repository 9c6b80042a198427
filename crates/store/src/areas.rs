//! The store's areas: one narrow handle per part of Guild's state, so that a caller names the
//! part it works on (`store.contracts().change_contract(…)`) and a reader of an area finds all of
//! its queries in one place. Every handle borrows the one [`Store`]: areas share its
//! connections, transactions and clock, and a use case that spans areas (a contract that moves
//! money) does so inside one transaction in the store, not across handles.

use crate::Store;

/// Accounts, sign-in tokens and sessions, roles and suspensions, organisations and their members,
/// the audit log, and what an account may take away or erase.
#[derive(Clone, Copy)]
pub struct Accounts<'s> {
    pub(crate) store: &'s Store,
}

/// Workers and their profiles, tasks and projects, and the snapshots the matching index is built
/// from.
#[derive(Clone, Copy)]
pub struct Work<'s> {
    pub(crate) store: &'s Store,
}

/// Proposals, applications and invitations, contracts with their milestones, weeks and timesheets,
/// and the reviews both sides leave.
#[derive(Clone, Copy)]
pub struct Contracts<'s> {
    pub(crate) store: &'s Store,
}

/// The double-entry ledger (transfers, balances, statements, its audit), escrow, and the bank rail
/// (deposit and payout instructions, reconciliation).
#[derive(Clone, Copy)]
pub struct Ledger<'s> {
    pub(crate) store: &'s Store,
}

/// Issuer keys and their sealing, credentials issued and revoked, credentials imported from
/// elsewhere, and skill tests with their attempts.
#[derive(Clone, Copy)]
pub struct Credentials<'s> {
    pub(crate) store: &'s Store,
}

/// The imported skills, occupations, tasks and crosswalks, their search, and what the analyzer, the
/// semantic layer and the transition model are built from.
#[derive(Clone, Copy)]
pub struct Taxonomy<'s> {
    pub(crate) store: &'s Store,
}

/// The learning catalogue (resources and what they teach) and the offers of experienced workers to
/// teach.
#[derive(Clone, Copy)]
pub struct Learning<'s> {
    pub(crate) store: &'s Store,
}

/// Messages between the parties and their attachments, notifications, and webhooks with their
/// deliveries.
#[derive(Clone, Copy)]
pub struct Messaging<'s> {
    pub(crate) store: &'s Store,
}

/// The decision log: the rankings Guild showed, with their inputs and candidates, and what
/// people did after them.
#[derive(Clone, Copy)]
pub struct Decisions<'s> {
    pub(crate) store: &'s Store,
}

/// Micro-task batches: items, leases, answers, verdicts.
#[derive(Clone, Copy)]
pub struct Microwork<'s> {
    pub(crate) store: &'s Store,
}

impl Store {
    /// Micro-task batches: see [`Microwork`].
    pub fn microwork(&self) -> Microwork<'_> {
        Microwork { store: self }
    }

    /// The decision log: see [`Decisions`].
    pub fn decisions(&self) -> Decisions<'_> {
        Decisions { store: self }
    }

    /// The accounts area: see [`Accounts`].
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { store: self }
    }

    /// The work area: see [`Work`].
    pub fn work(&self) -> Work<'_> {
        Work { store: self }
    }

    /// The contracts area: see [`Contracts`].
    pub fn contracts(&self) -> Contracts<'_> {
        Contracts { store: self }
    }

    /// The ledger area: see [`Ledger`].
    pub fn ledger(&self) -> Ledger<'_> {
        Ledger { store: self }
    }

    /// The credentials area: see [`Credentials`].
    pub fn credentials(&self) -> Credentials<'_> {
        Credentials { store: self }
    }

    /// The taxonomy area: see [`Taxonomy`].
    pub fn taxonomy(&self) -> Taxonomy<'_> {
        Taxonomy { store: self }
    }

    /// The learning area: see [`Learning`].
    pub fn learning(&self) -> Learning<'_> {
        Learning { store: self }
    }

    /// The messaging area: see [`Messaging`].
    pub fn messaging(&self) -> Messaging<'_> {
        Messaging { store: self }
    }
}
