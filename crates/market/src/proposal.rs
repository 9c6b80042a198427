//! A worker's proposal on a task: its states, and the decisions that close it.

use guild_ids::{AccountId, ProposalId, TaskId, WorkerId};
use serde::{Deserialize, Serialize};

use crate::MarketError;

/// Why an application, a decision or an invitation is refused: each its own kind, so that
/// a client can tell them apart without reading the words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalRefusal {
    /// The task is closed.
    #[error("task {0} is closed")]
    TaskClosed(TaskId),
    /// The task has no owner account to contract with.
    #[error("task {0} has no owner account to contract with")]
    NoOwner(TaskId),
    /// A client applying to their own task.
    #[error("you cannot apply to your own task")]
    OwnTask,
    /// The worker applied to the task before.
    #[error("worker {worker} already applied to task {task}")]
    AlreadyApplied {
        /// The worker profile.
        worker: WorkerId,
        /// The task.
        task: TaskId,
    },
    /// Only the task's owner accepts or declines, only the applicant withdraws.
    #[error("you cannot {0} this proposal")]
    NotYours(ProposalDecision),
    /// The proposal was decided before.
    #[error("proposal {id} is {status} already")]
    Decided {
        /// The proposal.
        id: ProposalId,
        /// What it became.
        status: ProposalStatus,
    },
    /// Invitations go to published tasks.
    #[error("task {0} is a draft or closed: publish it before inviting workers")]
    NotPublished(TaskId),
    /// The worker was invited before.
    #[error("worker {worker} is already invited to task {task}")]
    AlreadyInvited {
        /// The worker profile.
        worker: WorkerId,
        /// The task.
        task: TaskId,
    },
}

/// The longest cover note of a proposal.
pub const MAX_COVER_CHARS: usize = 5000;

/// An open task as a worker applies or is invited to it: who owns it and what happened
/// between it and the worker before. (Whether the worker may see the task at all is the
/// matching engine's `TaskStatus::visible`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// The task.
    pub task: TaskId,
    /// Its owner's account, when it has one.
    pub owner: Option<AccountId>,
    /// The worker profile.
    pub worker: WorkerId,
    /// Whether the worker applied to the task before.
    pub applied: bool,
    /// Whether the worker was invited to the task before.
    pub invited: bool,
}

impl Opening {
    /// Whether `applicant` (the worker's account) may apply: the task has an owner to
    /// contract with, not the applicant, and the worker has not applied before. Answers the
    /// owner, who is told.
    pub fn may_apply(&self, applicant: AccountId) -> Result<AccountId, ProposalRefusal> {
        let owner = self.owner.ok_or(ProposalRefusal::NoOwner(self.task))?;
        if owner == applicant {
            return Err(ProposalRefusal::OwnTask);
        }
        if self.applied {
            return Err(ProposalRefusal::AlreadyApplied {
                worker: self.worker,
                task: self.task,
            });
        }
        Ok(owner)
    }

    /// Whether the worker may be invited (once).
    pub fn may_invite(&self) -> Result<(), ProposalRefusal> {
        if self.invited {
            return Err(ProposalRefusal::AlreadyInvited {
                worker: self.worker,
                task: self.task,
            });
        }
        Ok(())
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for the task's owner.
    Open,
    /// The owner accepted: a contract was made.
    Accepted,
    /// The owner declined.
    Declined,
    /// The worker withdrew it.
    Withdrawn,
}

/// What someone decides on an open proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalDecision {
    /// The task's owner accepts (a contract follows).
    Accept,
    /// The task's owner declines.
    Decline,
    /// The worker who applied withdraws.
    Withdraw,
}

impl ProposalStatus {
    /// Whether a proposal closed so fills its task: an accepted one made the contract that
    /// does the work, so the task is no longer offered to anyone (other open proposals on it
    /// wait for the owner's answer).
    pub fn fills_task(self) -> bool {
        self == ProposalStatus::Accepted
    }

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Declined => "declined",
            ProposalStatus::Withdrawn => "withdrawn",
        }
    }

    /// Reads a name written by [`ProposalStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        [Self::Open, Self::Accepted, Self::Declined, Self::Withdrawn]
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| MarketError::Invalid(format!("unknown proposal state {s:?}")))
    }
}

impl std::fmt::Display for ProposalStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ProposalDecision {
    /// Reads `accept`, `decline` or `withdraw`.
    pub fn parse(s: &str) -> Result<Self, MarketError> {
        match s {
            "accept" => Ok(Self::Accept),
            "decline" => Ok(Self::Decline),
            "withdraw" => Ok(Self::Withdraw),
            other => Err(MarketError::Invalid(format!(
                "{other:?}: accept, decline or withdraw"
            ))),
        }
    }

    /// Whether the task's owner (`owner`) or the applicant (`applicant`) may take it: the
    /// owner accepts or declines, the applicant withdraws.
    pub fn allowed(self, owner: bool, applicant: bool) -> bool {
        match self {
            Self::Accept | Self::Decline => owner,
            Self::Withdraw => applicant,
        }
    }

    /// The state it leaves the proposal in.
    /// Whether the caller (the task's `owner`, or the `applicant`) may take this decision on
    /// proposal `id` in state `current`, and the state it leaves it in.
    pub fn check(
        self,
        id: ProposalId,
        current: ProposalStatus,
        owner: bool,
        applicant: bool,
    ) -> Result<ProposalStatus, ProposalRefusal> {
        if !self.allowed(owner, applicant) {
            return Err(ProposalRefusal::NotYours(self));
        }
        if current != ProposalStatus::Open {
            return Err(ProposalRefusal::Decided {
                id,
                status: current,
            });
        }
        Ok(self.outcome())
    }

    pub fn outcome(self) -> ProposalStatus {
        match self {
            Self::Accept => ProposalStatus::Accepted,
            Self::Decline => ProposalStatus::Declined,
            Self::Withdraw => ProposalStatus::Withdrawn,
        }
    }

    /// The word a person reads ("accept").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Withdraw => "withdraw",
        }
    }
}

impl std::fmt::Display for ProposalDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_decides_and_the_applicant_withdraws() {
        use ProposalDecision::*;
        assert!(Accept.allowed(true, false) && !Accept.allowed(false, true));
        assert!(Decline.allowed(true, false) && !Decline.allowed(false, true));
        assert!(Withdraw.allowed(false, true) && !Withdraw.allowed(true, false));
        assert_eq!(Accept.outcome(), ProposalStatus::Accepted);
        assert!(ProposalDecision::parse("approve").is_err());
        let id = ProposalId(4);
        assert_eq!(
            Accept.check(id, ProposalStatus::Open, true, false),
            Ok(ProposalStatus::Accepted)
        );
        assert_eq!(
            Withdraw.check(id, ProposalStatus::Open, true, false),
            Err(ProposalRefusal::NotYours(Withdraw))
        );
        assert_eq!(
            Decline.check(id, ProposalStatus::Withdrawn, true, false),
            Err(ProposalRefusal::Decided {
                id,
                status: ProposalStatus::Withdrawn
            })
        );
        for s in ["open", "accepted", "declined", "withdrawn"] {
            assert_eq!(ProposalStatus::parse(s).unwrap().as_str(), s);
        }
    }
}
