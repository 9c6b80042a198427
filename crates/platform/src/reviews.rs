//! Reviews, as use cases: after a contract ends with work paid, its client reviews the worker
//! (with stars per skill used, feeding the worker's reputation in matching and its reputation
//! credential) and the worker reviews the client; once each per contract.

use guild_ids::{AccountId, ContractId};
use guild_market::contract::{Ending, Party};
use guild_store::{ClientReputation, ContractView, Review, StoreError};

use crate::Platform;

/// How `c` ended, if its parties may now review each other.
fn ended(c: &ContractView) -> Result<Ending, StoreError> {
    let milestones: Vec<_> = c.milestones.iter().map(|m| m.status).collect();
    Ending::of(c.status, &milestones).ok_or_else(|| {
        StoreError::Conflict(format!(
            "contract {} is {}: a review comes after a contract ends with work paid",
            c.id, c.status
        ))
    })
}

impl Platform {
    /// Whether `account` may review the other party of `c` now (it ended with work paid and
    /// they have not reviewed it yet): what a page shows a review form for.
    pub fn may_review(c: &ContractView, party: Party, reviewed: bool) -> bool {
        party == Party::Client && !reviewed && ended(c).is_ok()
    }

    /// The client `reviewer` (shown as `name`) reviews the worker of contract `id`: `rating`
    /// stars, what they say, and stars per skill used.
    pub fn review_worker(
        &self,
        id: ContractId,
        reviewer: AccountId,
        name: &str,
        rating: i64,
        body: &str,
        skills: &[(String, i64)],
    ) -> Result<Review, StoreError> {
        let (c, party) = self.contract_for(id, reviewer)?;
        if party != Party::Client {
            return Err(StoreError::NotFound {
                what: "contract",
                id: id.to_string(),
            });
        }
        let ending = ended(&c)?;
        let worker = self
            .store
            .work()
            .worker_of(c.worker)?
            .map(|w| w.worker.id)
            .ok_or_else(|| {
                StoreError::Conflict("the worker has no profile to review any more".to_owned())
            })?;
        self.store.contracts().record_review(
            &format!("contract:{id}"),
            worker,
            Some(reviewer),
            name,
            rating,
            body.trim(),
            ending.as_str(),
            skills,
        )
    }

    /// The worker `reviewer` reviews the client of contract `id`; answers the client's
    /// reputation among workers.
    pub fn review_client(
        &self,
        id: ContractId,
        reviewer: AccountId,
        rating: i64,
        body: &str,
    ) -> Result<ClientReputation, StoreError> {
        let (c, party) = self.contract_for(id, reviewer)?;
        if party != Party::Worker {
            return Err(StoreError::NotFound {
                what: "contract",
                id: id.to_string(),
            });
        }
        ended(&c)?;
        self.store
            .contracts()
            .record_client_review(id, c.client, reviewer, rating, body.trim())?;
        self.store.contracts().client_reputation(c.client)
    }
}
