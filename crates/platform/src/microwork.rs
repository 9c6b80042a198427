//! Micro-task batches, as use cases (issue 22): a requester creates a batch under the pay
//! floors, adds items, opens it (funding its escrow); a worker takes the next item and answers
//! it; the requester reads the results and closes the batch (the rest of the escrow comes back).
//! The rules are `guild_market::microwork`'s; each step is one transaction of the store.

use guild_ids::{AccountId, BatchId, ItemId, WorkerId};
use guild_market::microwork::PayFloors;
use guild_store::{BatchView, ItemResult, Leased, NewBatch, NewItem, StoreError, WorkerRecord};

use crate::Platform;

impl Platform {
    /// The hourly pay floors every batch must clear (Guild's defaults until the operator's
    /// own are configurable: `guild_market::microwork::DEFAULT_FLOORS`).
    pub fn pay_floors(&self) -> PayFloors {
        PayFloors::default()
    }

    /// A new draft batch of `owner`'s, checked against the pay floors.
    pub fn create_batch(
        &self,
        owner: AccountId,
        batch: &NewBatch,
    ) -> Result<BatchView, StoreError> {
        let id = self
            .store
            .microwork()
            .create_batch(owner, batch, &self.pay_floors())?;
        self.store.microwork().batch(id)
    }

    /// The batch, as `caller` may see it: its owner always, anyone else once it is open (its
    /// template and pay are what a worker decides on); a draft is its owner's alone.
    pub fn batch_for(&self, batch: BatchId, caller: AccountId) -> Result<BatchView, StoreError> {
        let b = self.store.microwork().batch(batch)?;
        if b.owner != caller && b.status == "draft" {
            return Err(StoreError::NotFound {
                what: "batch",
                id: batch.to_string(),
            });
        }
        Ok(b)
    }

    /// Adds items to `owner`'s draft batch, all or none.
    pub fn add_batch_items(
        &self,
        batch: BatchId,
        owner: AccountId,
        items: &[NewItem],
    ) -> Result<BatchView, StoreError> {
        self.store.microwork().add_items(batch, owner, items)?;
        self.store.microwork().batch(batch)
    }

    /// Opens `owner`'s batch, funding its escrow from their funds.
    pub fn open_batch(&self, batch: BatchId, owner: AccountId) -> Result<BatchView, StoreError> {
        self.store.microwork().open_batch(batch, owner)
    }

    /// The worker profile of `account`, which takes and answers items.
    fn worker_of(&self, account: AccountId) -> Result<WorkerId, StoreError> {
        self.store
            .work()
            .worker_of(account)?
            .map(|w| w.worker.id)
            .ok_or_else(|| {
                StoreError::Conflict(
                    "items are answered by a worker profile: make yours first".to_owned(),
                )
            })
    }

    /// The next item for `account`'s worker profile, or `None` when nothing is left for them.
    pub fn next_batch_item(
        &self,
        batch: BatchId,
        account: AccountId,
    ) -> Result<Option<Leased>, StoreError> {
        // A draft is its owner's alone: to anyone else it is not there.
        self.batch_for(batch, account)?;
        let worker = self.worker_of(account)?;
        self.store.microwork().next_item(batch, worker)
    }

    /// `account`'s worker answers the item they hold.
    pub fn answer_batch_item(
        &self,
        batch: BatchId,
        item: ItemId,
        account: AccountId,
        answer: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.batch_for(batch, account)?;
        let worker = self.worker_of(account)?;
        self.store.microwork().submit(batch, item, worker, answer)
    }

    /// `account`'s worker's record on the batch: answers, time, gold right, pay an hour.
    pub fn batch_record(
        &self,
        batch: BatchId,
        account: AccountId,
    ) -> Result<WorkerRecord, StoreError> {
        self.batch_for(batch, account)?;
        let worker = self.worker_of(account)?;
        self.store.microwork().record(batch, worker)
    }

    /// Every item's state and result, for the batch's owner.
    pub fn batch_results(
        &self,
        batch: BatchId,
        owner: AccountId,
    ) -> Result<Vec<ItemResult>, StoreError> {
        let b = self.store.microwork().batch(batch)?;
        if b.owner != owner {
            return Err(StoreError::NotFound {
                what: "batch of yours",
                id: batch.to_string(),
            });
        }
        self.store.microwork().results(batch)
    }

    /// Closes `owner`'s batch: every answer given is paid, the rest of the escrow comes back.
    /// Returns what came back, in minor units.
    pub fn close_batch(&self, batch: BatchId, owner: AccountId) -> Result<i64, StoreError> {
        self.store.microwork().close_batch(batch, owner)
    }
}
