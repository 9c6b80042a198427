//! The numbers the store gives Guild's records, one type per kind of record.
//!
//! Every record the store keeps is numbered by the database (a 64-bit integer). Passed bare,
//! a contract's number fits where an account's is expected and nothing notices; here each kind
//! has its own type, so the compiler does. They are plain numbers on the wire
//! (`#[serde(transparent)]`, an integer in the OpenAPI schema), so the API does not change.
//! The engines use them in their models; the store converts them to and from its columns at
//! the edge; the server parses them from paths and bodies.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! record_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number the store gave the record.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

record_id! {
    /// A person's (or an organisation's service) account: who signs in, owns work and holds
    /// money in the ledger.
    AccountId;
    /// A worker profile.
    WorkerId;
    /// A task (a piece of work to be matched and done). Not a taxonomy task statement: those
    /// are `guild_taxonomy::TaskId`.
    TaskId;
    /// A project: a client's problem, deconstructed into tasks.
    ProjectId;
    /// A contract between a client and a worker.
    ContractId;
    /// A milestone of a fixed-price contract.
    MilestoneId;
    /// A proposal (a worker's application to a task, or a client's invitation).
    ProposalId;
    /// A balanced transfer in the ledger.
    TransferId;
    /// A payment in or out through the bank rail.
    PaymentId;
    /// An organisation that issues credentials and employs members.
    OrganisationId;
    /// A message in a contract's conversation.
    MessageId;
    /// A review left on a finished contract.
    ReviewId;
    /// A skill test attempt.
    AttemptId;
    /// A webhook subscription.
    WebhookId;
    /// One delivery of an event to a webhook.
    DeliveryId;
    /// A skill test (questions that assess one skill).
    SkillTestId;
    /// An API token of an account.
    TokenId;
    /// A notification to an account.
    NotificationId;
    /// A file attached to a message.
    AttachmentId;
    /// A credential a worker imported from another issuer.
    ImportId;
    /// An event in the audit log.
    EventId;
    /// A learning resource (a course, a text, a video) in the catalogue.
    ResourceId;
    /// A worker's appeal against an automated decision.
    AppealId;
    /// An issuer's signing key.
    KeyId;
    /// A ranking Guild showed, in the decision log.
    DecisionId;
    /// A worker's contest of a ranking or of a skill's reading.
    ContestId;
    /// A batch of micro-tasks.
    BatchId;
    /// An item of a batch.
    ItemId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_plain_number_on_the_wire() {
        let id = ContractId(42);
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("42"));
        assert_eq!(
            serde_json::from_str::<ContractId>("7").ok(),
            Some(ContractId(7))
        );
        assert_eq!("12".parse::<AccountId>().ok(), Some(AccountId(12)));
        assert!("twelve".parse::<AccountId>().is_err());
        assert_eq!(i64::from(TaskId(3)), 3);
    }
}
