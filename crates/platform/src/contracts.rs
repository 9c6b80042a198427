//! Contracts and proposals, as use cases: a client proposes a contract to a worker, the parties
//! act on it (accept, fund, submit, approve, dispute…), the client opens and funds the weeks of
//! an hourly contract and the worker logs time on them, an admin decides a dispute, Guild
//! approves overdue reviews and the milestones a learner's pass approves, and a task's owner
//! decides a proposal (an accepted one is an active contract).
//!
//! Every change is decided by the market engine ([`guild_market::change::decide`]) on the
//! contract's facts as the store's transaction loaded them, and written by the store in that
//! same transaction: the store keeps the data, the engine holds the rules, and this layer says
//! who is asking.

use guild_ids::{AccountId, ContractId, ProposalId, SkillTestId, TaskId, WorkerId};
use guild_market::change::{
    Change, ContractFacts, ContractTerms, DayWorked, HourlyTerms, Request, decide,
};
use guild_market::contract::{Action, Party};
use guild_market::fees::PLATFORM_FEE_BPS;
use guild_market::money::{Amount, Currency};
use guild_market::proposal::{MAX_COVER_CHARS, ProposalDecision, ProposalRefusal};
use guild_matching::TaskStatus;
use guild_store::{ContractView, Proposal, StoreError};

use crate::Platform;

/// A contract a client offers a worker: the terms but the parties and the fee.
#[derive(Debug, Clone)]
pub struct ContractOffer {
    /// What it is for.
    pub title: String,
    /// The currency.
    pub currency: Currency,
    /// The milestones, titles and prices (none for an hourly contract).
    pub milestones: Vec<(String, Amount)>,
    /// Days the client has to review submitted work.
    pub review_days: i64,
    /// Per milestone, a skill test that makes it a training milestone (empty: none).
    pub tests: Vec<Option<SkillTestId>>,
    /// For an hourly contract: its rate and weekly cap.
    pub hourly: Option<HourlyTerms>,
}

/// The engine's answer to `request`, as the store's transaction wants it.
fn decided(
    facts: &ContractFacts,
    request: &Request,
    now: jiff::Timestamp,
) -> Result<Change, StoreError> {
    decide(facts, request, now).map_err(StoreError::ContractRefused)
}

/// What a contract is to someone who is not a party to it: nothing.
fn not_found(id: ContractId) -> StoreError {
    StoreError::NotFound {
        what: "contract",
        id: id.to_string(),
    }
}

impl Platform {
    /// `client` proposes a contract to worker profile `worker` (whose account signs it) on
    /// `offer`, at the platform's fee.
    pub fn propose_contract(
        &self,
        client: AccountId,
        worker: WorkerId,
        offer: ContractOffer,
    ) -> Result<ContractView, StoreError> {
        let profile = self.store.work().worker(worker)?;
        let worker_account = profile.owner.ok_or_else(|| {
            StoreError::Invalid(format!(
                "worker profile {worker} has no account to sign a contract"
            ))
        })?;
        let terms = ContractTerms {
            client,
            worker: worker_account,
            title: offer.title,
            currency: offer.currency,
            milestones: offer.milestones,
            review_days: offer.review_days,
            tests: offer.tests,
            hourly: offer.hourly,
            fee_bps: PLATFORM_FEE_BPS,
        };
        terms.check().map_err(StoreError::ContractRefused)?;
        self.store.contracts().create_contract(&terms)
    }

    /// Contract `id` as `account` sees it, with who they are in it; to anyone who is not a
    /// party, it does not exist.
    pub fn contract_for(
        &self,
        id: ContractId,
        account: AccountId,
    ) -> Result<(ContractView, Party), StoreError> {
        let c = self.store.contracts().contract(id)?;
        let party = c.party_of(account).ok_or_else(|| not_found(id))?;
        Ok((c, party))
    }

    /// `party` does `action` on contract `id` (on milestone `milestone`, from 0), with its
    /// money; `worker_percent` is an admin's decision of a dispute.
    pub fn act_on_contract(
        &self,
        id: ContractId,
        party: Party,
        action: Action,
        milestone: Option<usize>,
        worker_percent: Option<u8>,
    ) -> Result<ContractView, StoreError> {
        let request = Request::Act {
            party,
            action,
            milestone,
            worker_percent,
        };
        self.store
            .contracts()
            .change_contract(id, &|facts, now| decided(facts, &request, now))
    }

    /// `account` does `action` on contract `id` as the party they are in it.
    pub fn act_as_party(
        &self,
        id: ContractId,
        account: AccountId,
        action: Action,
        milestone: Option<usize>,
    ) -> Result<ContractView, StoreError> {
        self.store.contracts().change_contract(id, &|facts, now| {
            let party = facts.party_of(account).ok_or_else(|| not_found(id))?;
            let request = Request::Act {
                party,
                action,
                milestone,
                worker_percent: None,
            };
            decided(facts, &request, now)
        })
    }

    /// `account` (the client) opens the week starting on Monday `week` of hourly contract `id`
    /// and funds it: the rate times the weekly cap goes into escrow.
    pub fn open_week(
        &self,
        id: ContractId,
        account: AccountId,
        week: jiff::civil::Date,
    ) -> Result<ContractView, StoreError> {
        self.store.contracts().change_contract(id, &|facts, now| {
            let party = facts.party_of(account).ok_or_else(|| not_found(id))?;
            decided(facts, &Request::OpenWeek { party, week }, now)
        })
    }

    /// `account` (the worker) puts `days` on the timesheet of week `week` (from 0) of hourly
    /// contract `id`, in place of what was there.
    pub fn log_time(
        &self,
        id: ContractId,
        account: AccountId,
        week: usize,
        days: Vec<DayWorked>,
    ) -> Result<ContractView, StoreError> {
        self.store.contracts().change_contract(id, &|facts, now| {
            let party = facts.party_of(account).ok_or_else(|| not_found(id))?;
            let request = Request::LogTime {
                party,
                week,
                days: days.clone(),
            };
            decided(facts, &request, now)
        })
    }

    /// Approves every submitted milestone whose review is overdue at `at`; returns how many.
    pub fn approve_overdue(&self, at: jiff::Timestamp) -> Result<usize, StoreError> {
        let due = self.store.contracts().overdue_milestones(at)?;
        self.act_for_guild(due, Action::AutoApprove)
    }

    /// The learner passed skill test `test`: the funded training milestones tied to it in the
    /// learner's active contracts are approved, paying their trainers; returns how many.
    pub fn training_passed(
        &self,
        learner: AccountId,
        test: SkillTestId,
    ) -> Result<usize, StoreError> {
        let due = self.store.contracts().training_milestones(learner, test)?;
        self.act_for_guild(due, Action::TestPassed)
    }

    /// Guild's own `action` on each milestone of `due`; returns how many it applied to.
    fn act_for_guild(
        &self,
        due: Vec<(ContractId, usize)>,
        action: Action,
    ) -> Result<usize, StoreError> {
        let mut done = 0;
        for (contract, milestone) in due {
            match self.act_on_contract(contract, Party::System, action, Some(milestone), None) {
                Ok(_) => done += 1,
                // Changed meanwhile (reviewed, cancelled): nothing to do.
                Err(StoreError::ContractRefused(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// `account` decides open proposal `id`: `accept` (the task's owner: an active contract
    /// with one milestone at the proposal's price), `decline` (the owner) or `withdraw` (the
    /// applicant). The other side hears of it.
    pub fn decide_proposal(
        &self,
        id: ProposalId,
        account: AccountId,
        decision: ProposalDecision,
    ) -> Result<Proposal, StoreError> {
        let (p, owner, applicant) = self.store.contracts().proposal(id)?;
        let status = decision
            .check(id, p.status, owner == Some(account), applicant == account)
            .map_err(StoreError::ProposalRefused)?;
        let tell = if decision == ProposalDecision::Withdraw {
            owner
        } else {
            Some(applicant)
        };
        if decision != ProposalDecision::Accept {
            return self
                .store
                .contracts()
                .close_proposal(id, status, None, tell);
        }
        // The contract the acceptance makes, checked before anything is written.
        let stored = |e: guild_market::MarketError| StoreError::Backend(e.to_string());
        let currency = Currency::parse(&p.currency).map_err(stored)?;
        let amount = Amount::parse(&p.amount, currency).map_err(stored)?;
        let title = self.store.work().task(p.task)?.task.title;
        let terms = ContractTerms {
            client: account,
            worker: applicant,
            title: title.clone(),
            currency,
            milestones: vec![(title, amount)],
            review_days: 7,
            tests: Vec::new(),
            hourly: None,
            fee_bps: PLATFORM_FEE_BPS,
        };
        terms.check().map_err(StoreError::ContractRefused)?;
        // The worker proposed these terms: the contract starts active.
        let accept = Request::Act {
            party: Party::Worker,
            action: Action::Accept,
            milestone: None,
            worker_percent: None,
        };
        self.store.contracts().close_proposal(
            id,
            status,
            Some((&terms, &|facts, now| decided(facts, &accept, now))),
            tell,
        )
    }

    /// Worker profile `worker` (of `account`) applies to `task` with a cover note and a
    /// price (never a fee to apply): the task must be open to the worker (a task published to
    /// invited workers only does not exist to anyone else), with an owner who is not the
    /// applicant, and the worker must not have applied before. The owner is told.
    pub fn apply(
        &self,
        task: TaskId,
        worker: WorkerId,
        account: AccountId,
        cover: &str,
        amount: Amount,
    ) -> Result<Proposal, StoreError> {
        let cover = cover.trim();
        if cover.is_empty() || cover.chars().count() > MAX_COVER_CHARS {
            return Err(StoreError::Invalid(format!(
                "cover: 1 to {MAX_COVER_CHARS} characters"
            )));
        }
        self.store
            .contracts()
            .propose(task, worker, account, cover, amount, &|status, opening| {
                if !status.visible(false, status == TaskStatus::Invited && opening.invited) {
                    return Err(if status == TaskStatus::Closed {
                        StoreError::ProposalRefused(ProposalRefusal::TaskClosed(task))
                    } else {
                        StoreError::NotFound {
                            what: "task",
                            id: task.to_string(),
                        }
                    });
                }
                opening
                    .may_apply(account)
                    .map_err(StoreError::ProposalRefused)
            })
    }

    /// `owner` invites worker profile `worker` to apply to their published task `task`,
    /// once; the worker is told.
    pub fn invite(
        &self,
        task: TaskId,
        owner: AccountId,
        worker: WorkerId,
    ) -> Result<(), StoreError> {
        self.store
            .contracts()
            .invite(task, owner, worker, &|status, opening| {
                if !status.published() {
                    return Err(StoreError::ProposalRefused(ProposalRefusal::NotPublished(
                        task,
                    )));
                }
                opening.may_invite().map_err(StoreError::ProposalRefused)
            })
    }
}
