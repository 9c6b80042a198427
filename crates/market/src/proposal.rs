//! A worker's proposal on a task: its states, and the decisions that close it.

use serde::{Deserialize, Serialize};

use crate::MarketError;

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
        for s in ["open", "accepted", "declined", "withdrawn"] {
            assert_eq!(ProposalStatus::parse(s).unwrap().as_str(), s);
        }
    }
}
