//! Micro-task batches in the store (issue 22): a requester's batch under a template and terms,
//! its items (some gold, never told apart in what a worker sees), leases that hand an item to a
//! worker for the time allowed, answers read by the template, and each item's verdict as its
//! answers come in (`guild_market::microwork` decides; every step here is one transaction).
//! The money (escrow, payouts, refund) is the platform's, through the ledger.

use guild_ids::{AccountId, BatchId, ItemId, WorkerId};
use guild_market::microwork::{
    self, Accuracy, Answer, MicroworkRefusal, PayFloors, Rule, Template, Terms, Verdict,
};
use guild_market::money::Amount;
use serde::Serialize;

use crate::StoreError;
use crate::areas::Microwork;
use crate::sql::{Record, Tx};

/// Seconds after an item's allowance in which its answer is still taken: the worker pressed
/// in time, the network took a moment.
pub const GRACE_SECS: i64 = 30;

/// Of every this many items a worker is handed, about one is gold while unseen gold is left.
pub const GOLD_EVERY: i64 = 8;

/// A batch as its requester describes it.
#[derive(Debug, Clone)]
pub struct NewBatch {
    /// What it is.
    pub title: String,
    /// What each item asks.
    pub template: Template,
    /// Answers per item, extra answers, time allowed.
    pub terms: Terms,
    /// How answers become a result.
    pub rule: Rule,
    /// The price of one answer.
    pub price: Amount,
    /// The skill whose qualification a worker needs, if any.
    pub skill: Option<String>,
}

/// An item to add: what the worker sees, and the known answer of a gold item.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// A JSON object shown with the template.
    pub data: serde_json::Value,
    /// The known answer (a gold item), in the template's fields.
    pub gold: Option<serde_json::Value>,
}

/// A batch as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchView {
    /// Its number.
    pub id: BatchId,
    /// The requester's account.
    pub owner: AccountId,
    /// What it is.
    pub title: String,
    /// What each item asks.
    pub template: Template,
    /// Answers per item, extra answers, time allowed.
    pub terms: Terms,
    /// How answers become a result.
    pub rule: Rule,
    /// The price of one answer, decimal.
    pub price: String,
    /// Its currency.
    pub currency: String,
    /// The skill whose qualification a worker needs, if any.
    pub skill: Option<String>,
    /// `draft`, `open` or `closed`.
    pub status: String,
    /// Items, gold ones included.
    pub items: i64,
    /// Items resolved.
    pub resolved: i64,
    /// Items whose answers disagree past the extra ones (the requester decides).
    pub unresolved: i64,
}

/// An item handed to a worker: what they see (never whether it is gold).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leased {
    /// The item.
    pub item: ItemId,
    /// What to look at.
    pub data: serde_json::Value,
    /// When the time allowed runs out (RFC 3339).
    pub expires_at: String,
}

/// An item's result for the requester.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemResult {
    /// The item.
    pub item: ItemId,
    /// What was shown.
    pub data: serde_json::Value,
    /// Whether it was a gold item (for the requester only).
    pub gold: bool,
    /// `open`, `resolved` or `unresolved`.
    pub state: String,
    /// The agreed answer.
    pub result: Option<serde_json::Value>,
    /// The agreeing share of the weight.
    pub agreement: Option<f64>,
    /// Answers received.
    pub answers: i64,
}

/// A worker's record on a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerRecord {
    /// Answers given.
    pub answered: i64,
    /// Seconds spent, from each lease to its answer.
    pub seconds: i64,
    /// Gold items answered, and right.
    pub accuracy: Accuracy,
    /// Minor units paid for the answers.
    pub paid_minor: i64,
    /// What that comes to an hour of the time spent, in minor units (none before an answer).
    pub hourly_minor: Option<i64>,
}

fn refused(e: MicroworkRefusal) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn json_text<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(format!("JSON: {e}")))
}

fn json_of<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("stored JSON: {e}")))
}

const BATCH_COLUMNS: &str = "id, owner_id, title, template, price_minor, currency, redundancy, max_extra, allowance_secs, rule, skill, status";

/// The stored batch, as the rules need it: one row, read on every item handed out and every
/// answer (the item counts of [`BatchView`] are read only when the view is asked for).
struct Stored {
    id: BatchId,
    owner: AccountId,
    title: String,
    status: String,
    template: Template,
    terms: Terms,
    rule: Rule,
    price: Amount,
    skill: Option<String>,
}

fn stored(tx: &mut dyn Tx, batch: BatchId) -> Result<Stored, StoreError> {
    let rows = tx.query(
        &format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1"),
        &[batch.into()],
    )?;
    let r = rows.first().ok_or_else(|| StoreError::NotFound {
        what: "batch",
        id: batch.to_string(),
    })?;
    let currency = guild_market::money::Currency::parse(r.text("currency")?)
        .map_err(crate::ledger::market_error)?;
    Ok(Stored {
        id: batch,
        owner: r.id("owner_id")?,
        title: r.text("title")?.to_owned(),
        status: r.text("status")?.to_owned(),
        template: json_of(r.text("template")?)?,
        terms: Terms {
            redundancy: u8::try_from(r.int("redundancy")?).unwrap_or(1),
            max_extra: u8::try_from(r.int("max_extra")?).unwrap_or(0),
            allowance_secs: u32::try_from(r.int("allowance_secs")?).unwrap_or(60),
        },
        rule: match r.text("rule")? {
            "weighted" => Rule::Weighted,
            _ => Rule::Majority,
        },
        price: Amount::new(r.int("price_minor")?, currency).map_err(crate::ledger::market_error)?,
        skill: r.opt_text("skill")?,
    })
}

/// `owner`'s batch in state `status` (`why` says what needs it): another's batch is not
/// there, one in another state is a conflict.
fn owned(
    tx: &mut dyn Tx,
    batch: BatchId,
    owner: AccountId,
    status: &str,
    why: &str,
) -> Result<Stored, StoreError> {
    let b = stored(tx, batch)?;
    if b.owner != owner {
        return Err(StoreError::NotFound {
            what: "batch of yours",
            id: batch.to_string(),
        });
    }
    if b.status != status {
        return Err(StoreError::Conflict(format!(
            "batch {batch} is {}: {why}",
            b.status
        )));
    }
    Ok(b)
}

/// How many items `batch` has (gold ones included).
fn item_count(tx: &mut dyn Tx, batch: BatchId) -> Result<i64, StoreError> {
    tx.query(
        "SELECT COUNT(*) AS n FROM batch_items WHERE batch_id = $1",
        &[batch.into()],
    )?
    .first()
    .map_or(Ok(0), |r| r.int("n"))
}

/// The batch as shown, with its items counted by state.
fn view(tx: &mut dyn Tx, b: Stored) -> Result<BatchView, StoreError> {
    let counts = tx.query(
        "SELECT COUNT(*) AS n, \
         COALESCE(SUM(CASE WHEN state = 'resolved' THEN 1 ELSE 0 END), 0) AS resolved, \
         COALESCE(SUM(CASE WHEN state = 'unresolved' THEN 1 ELSE 0 END), 0) AS unresolved \
         FROM batch_items WHERE batch_id = $1",
        &[b.id.into()],
    )?;
    let c = counts.first();
    let count = |name: &str| -> Result<i64, StoreError> { c.map_or(Ok(0), |c| c.int(name)) };
    Ok(BatchView {
        id: b.id,
        owner: b.owner,
        title: b.title,
        template: b.template,
        terms: b.terms,
        rule: b.rule,
        price: b.price.to_decimal(),
        currency: b.price.currency.code().to_owned(),
        skill: b.skill,
        status: b.status,
        items: count("n")?,
        resolved: count("resolved")?,
        unresolved: count("unresolved")?,
    })
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Majority => "majority",
        Rule::Weighted => "weighted",
    }
}

impl Microwork<'_> {
    /// Keeps a new batch, in draft, after checking its template and terms against the pay
    /// floors (no items yet: [`Self::add_items`]).
    pub fn create_batch(
        &self,
        owner: AccountId,
        batch: &NewBatch,
        floors: &PayFloors,
    ) -> Result<BatchId, StoreError> {
        batch.template.check().map_err(refused)?;
        // The item count is checked as items come; one item stands in for it here.
        batch.terms.check(1, batch.price, floors).map_err(refused)?;
        let title = batch.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() || title.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "title: give the batch a title of 1-200 characters".to_owned(),
            ));
        }
        let template = json_text(&batch.template)?;
        self.store.write(|tx| {
            let rows = tx.query(
                "INSERT INTO batches (owner_id, title, template, price_minor, currency, redundancy, max_extra, \
                 allowance_secs, rule, skill, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11) RETURNING id",
                &[
                    owner.into(),
                    title.as_str().into(),
                    template.as_str().into(),
                    batch.price.minor.into(),
                    batch.price.currency.code().into(),
                    i64::from(batch.terms.redundancy).into(),
                    i64::from(batch.terms.max_extra).into(),
                    i64::from(batch.terms.allowance_secs).into(),
                    rule_name(batch.rule).into(),
                    batch.skill.clone().into(),
                    tx.now().to_string().into(),
                ],
            )?;
            crate::sql::first(&rows)?.id("id")
        })
    }

    /// The batch.
    pub fn batch(&self, batch: BatchId) -> Result<BatchView, StoreError> {
        self.store.read(|tx| {
            let b = stored(tx, batch)?;
            view(tx, b)
        })
    }

    /// Adds `items` to `owner`'s draft batch, all or none: each an object, each gold answer read
    /// by the template.
    pub fn add_items(
        &self,
        batch: BatchId,
        owner: AccountId,
        items: &[NewItem],
    ) -> Result<usize, StoreError> {
        self.store.write(|tx| {
            let b = owned(
                tx,
                batch,
                owner,
                "draft",
                "items are added while it is a draft",
            )?;
            let now = item_count(tx, batch)?;
            let total = usize::try_from(now).unwrap_or(0) + items.len();
            if items.is_empty() || total > microwork::MAX_ITEMS {
                return Err(StoreError::Invalid(format!(
                    "items: give 1 or more, at most {} in a batch ({now} now)",
                    microwork::MAX_ITEMS
                )));
            }
            let wanted = i64::from(b.terms.redundancy);
            let most = i64::from(b.terms.redundancy + b.terms.max_extra);
            for (n, item) in items.iter().enumerate() {
                if !item.data.is_object() {
                    return Err(StoreError::Invalid(format!(
                        "item {}: give an object of named values to show",
                        n + 1
                    )));
                }
                let gold = item
                    .gold
                    .as_ref()
                    .map(|g| {
                        b.template
                            .read_answer(g)
                            .map_err(|e| StoreError::Invalid(format!("item {}: gold {e}", n + 1)))
                            .and_then(|a| json_text(&a))
                    })
                    .transpose()?;
                tx.execute(
                    "INSERT INTO batch_items (batch_id, data, wanted, gold, answers, state) \
                     VALUES ($1, $2, $3, $4, 0, 'open')",
                    &[
                        batch.into(),
                        json_text(&item.data)?.into(),
                        if gold.is_some() { most } else { wanted }.into(),
                        gold.into(),
                    ],
                )?;
            }
            Ok(items.len())
        })
    }

    /// Opens `owner`'s draft batch to workers, in one transaction with the escrow that pays
    /// for every answer it may ask ([`Terms::escrow`]) taken from the owner's funds; short of
    /// funds, nothing happens. A batch with no real item (gold alone is no work) does not open.
    pub fn open_batch(&self, batch: BatchId, owner: AccountId) -> Result<BatchView, StoreError> {
        self.store.money_write(|tx| {
            let b = owned(tx, batch, owner, "draft", "only a draft opens")?;
            let real = tx
                .query(
                    "SELECT COUNT(*) AS n FROM batch_items WHERE batch_id = $1 AND gold IS NULL",
                    &[batch.into()],
                )?
                .first()
                .map_or(Ok(0), |r| r.int("n"))?;
            if real == 0 {
                return Err(StoreError::Invalid(
                    "the batch has no item to answer (gold items alone are no work)".to_owned(),
                ));
            }
            let escrow = b
                .terms
                .escrow(usize::try_from(item_count(tx, batch)?).unwrap_or(0), b.price)
                .map_err(crate::ledger::market_error)?;
            let t = microwork::fund(owner, batch, escrow, &format!("batch {batch}: escrow"))
                .map_err(crate::ledger::market_error)?;
            crate::ledger::post_in(tx, &format!("batch-{batch}-fund"), Some(owner), &t, None)?;
            tx.execute(
                "UPDATE batches SET status = 'open', opened_at = $1 WHERE id = $2 AND status = 'draft'",
                &[tx.now().to_string().into(), batch.into()],
            )?;
            let b = stored(tx, batch)?;
            view(tx, b)
        })
    }

    /// Closes `owner`'s open batch: nobody holds an item any more, every answer given is paid
    /// (an item still waiting for answers is the requester's choice to stop, not the workers'
    /// loss), and what is left in escrow goes back to the owner's funds. Returns what came
    /// back, in minor units.
    pub fn close_batch(&self, batch: BatchId, owner: AccountId) -> Result<i64, StoreError> {
        self.store.money_write(|tx| {
            let b = owned(tx, batch, owner, "open", "only an open batch closes")?;
            tx.execute(
                "DELETE FROM batch_leases WHERE batch_id = $1",
                &[batch.into()],
            )?;
            pay_answers(
                tx,
                &b,
                "a.batch_id = $1 AND a.status = 'submitted'",
                &[batch.into()],
            )?;
            let price = b.price;
            let account = guild_market::ledger::Account::batch_escrow(batch, price.currency)
                .map_err(crate::ledger::market_error)?;
            let left = crate::ledger::balance_in(tx, &account)?;
            if left > 0 {
                let amount =
                    Amount::new(left, price.currency).map_err(crate::ledger::market_error)?;
                let t = microwork::refund(
                    batch,
                    owner,
                    amount,
                    &format!("batch {batch}: unspent escrow"),
                )
                .map_err(crate::ledger::market_error)?;
                crate::ledger::post_in(
                    tx,
                    &format!("batch-{batch}-refund"),
                    Some(owner),
                    &t,
                    None,
                )?;
            }
            tx.execute(
                "UPDATE batches SET status = 'closed', closed_at = $1 WHERE id = $2",
                &[tx.now().to_string().into(), batch.into()],
            )?;
            Ok(left)
        })
    }

    /// Hands `worker` an item of open batch `batch` for the time allowed: the one they hold if
    /// they hold one, else an item that still wants answers and that they have not answered,
    /// about one in [`GOLD_EVERY`] a gold item while they have unseen ones. `None` when nothing
    /// is left for them.
    pub fn next_item(
        &self,
        batch: BatchId,
        worker: WorkerId,
    ) -> Result<Option<Leased>, StoreError> {
        self.store.write(|tx| {
            let b = stored(tx, batch)?;
            if b.status != "open" {
                return Err(StoreError::Conflict(format!(
                    "batch {batch} is {}: items are handed out while it is open",
                    b.status
                )));
            }
            let now = tx.now();
            let stamp = now.to_string();
            let held = tx.query(
                "SELECT l.item_id, l.expires_at, i.data FROM batch_leases l JOIN batch_items i ON i.id = l.item_id \
                 WHERE l.batch_id = $1 AND l.worker_id = $2 AND l.expires_at > $3",
                &[batch.into(), worker.into(), stamp.as_str().into()],
            )?;
            if let Some(r) = held.first() {
                return Ok(Some(Leased {
                    item: r.id("item_id")?,
                    data: json_of(r.text("data")?)?,
                    expires_at: r.text("expires_at")?.to_owned(),
                }));
            }
            // Expired leases of anyone give their items back.
            tx.execute(
                "DELETE FROM batch_leases WHERE batch_id = $1 AND expires_at <= $2",
                &[batch.into(), stamp.as_str().into()],
            )?;
            let payable = tx
                .query(
                    "SELECT owner_id FROM workers WHERE id = $1",
                    &[worker.into()],
                )?
                .first()
                .map(|r| r.opt_int("owner_id"))
                .transpose()?
                .flatten()
                .is_some();
            if !payable {
                return Err(StoreError::Conflict(format!(
                    "worker profile {worker} has no account to be paid into: sign up and make the profile yours first"
                )));
            }
            let answered = tx
                .query(
                    "SELECT answered FROM batch_workers WHERE batch_id = $1 AND worker_id = $2",
                    &[batch.into(), worker.into()],
                )?
                .first()
                .map_or(Ok(0), |r| r.int("answered"))?;
            let gold_turn = (answered + worker.get()) % GOLD_EVERY == GOLD_EVERY - 1;
            let real = "SELECT i.id, i.data FROM batch_items i WHERE i.batch_id = $1 AND i.state = 'open' \
                 AND i.gold IS NULL \
                 AND i.answers + (SELECT COUNT(*) FROM batch_leases l WHERE l.item_id = i.id) < i.wanted \
                 AND NOT EXISTS (SELECT 1 FROM batch_answers a WHERE a.item_id = i.id AND a.worker_id = $2) \
                 ORDER BY i.id LIMIT 1";
            let gold = "SELECT i.id, i.data FROM batch_items i WHERE i.batch_id = $1 AND i.gold IS NOT NULL \
                 AND i.answers + (SELECT COUNT(*) FROM batch_leases l WHERE l.item_id = i.id) < i.wanted \
                 AND NOT EXISTS (SELECT 1 FROM batch_answers a WHERE a.item_id = i.id AND a.worker_id = $2) \
                 AND NOT EXISTS (SELECT 1 FROM batch_leases l WHERE l.item_id = i.id AND l.worker_id = $2) \
                 ORDER BY i.id LIMIT 1";
            let params = [batch.into(), worker.into()];
            // On a gold turn, unseen gold first; otherwise real items only (with no real item
            // left for this worker there is nothing more to do, gold or not).
            let found = match gold_turn {
                true => match tx.query(gold, &params)? {
                    g if g.is_empty() => tx.query(real, &params)?,
                    g => g,
                },
                false => tx.query(real, &params)?,
            };
            let Some(r) = found.first() else {
                return Ok(None);
            };
            let item: ItemId = r.id("id")?;
            let expires = now
                .checked_add(jiff::SignedDuration::from_secs(i64::from(
                    b.terms.allowance_secs,
                )))
                .map_err(|e| StoreError::Backend(format!("time: {e}")))?
                .to_string();
            tx.execute(
                "INSERT INTO batch_leases (item_id, worker_id, batch_id, leased_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    item.into(),
                    worker.into(),
                    batch.into(),
                    stamp.as_str().into(),
                    expires.as_str().into(),
                ],
            )?;
            Ok(Some(Leased {
                item,
                data: json_of(r.text("data")?)?,
                expires_at: expires,
            }))
        })
    }

    /// Takes `worker`'s answer to the item they hold: read by the template, within the time
    /// allowed (and [`GRACE_SECS`]), once per item; a gold item is graded, a real item's verdict
    /// is made again from all its answers (an extra answer is asked when they disagree).
    pub fn submit(
        &self,
        batch: BatchId,
        item: ItemId,
        worker: WorkerId,
        raw: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.store.money_write(|tx| {
            let b = stored(tx, batch)?;
            let answer = b.template.read_answer(raw).map_err(refused)?;
            let now = tx.now();
            let lease = tx.query(
                "SELECT leased_at, expires_at FROM batch_leases WHERE item_id = $1 AND worker_id = $2 AND batch_id = $3",
                &[item.into(), worker.into(), batch.into()],
            )?;
            let Some(lease) = lease.first() else {
                let again = tx.query(
                    "SELECT 1 FROM batch_answers WHERE item_id = $1 AND worker_id = $2",
                    &[item.into(), worker.into()],
                )?;
                return Err(if again.is_empty() {
                    StoreError::Conflict(format!(
                        "you do not hold item {item}: ask for the next item, then answer it within the time allowed"
                    ))
                } else {
                    StoreError::Conflict(format!("you answered item {item} already"))
                });
            };
            let leased: jiff::Timestamp = parse_time(lease.text("leased_at")?)?;
            let expires: jiff::Timestamp = parse_time(lease.text("expires_at")?)?;
            tx.execute(
                "DELETE FROM batch_leases WHERE item_id = $1 AND worker_id = $2",
                &[item.into(), worker.into()],
            )?;
            if now.duration_since(expires).as_secs() > GRACE_SECS {
                return Err(StoreError::Conflict(format!(
                    "the time allowed for item {item} ran out at {expires}: it went back to the pool, ask for the next item"
                )));
            }
            let seconds = now.duration_since(leased).as_secs().max(0);
            let rows = tx.query(
                "SELECT gold FROM batch_items WHERE id = $1 AND batch_id = $2",
                &[item.into(), batch.into()],
            )?;
            let gold: Option<Answer> = crate::sql::first(&rows)?
                .opt_text("gold")?
                .map(|g| json_of(&g))
                .transpose()?;
            let right = gold.as_ref().map(|g| b.template.agree(g, &answer));
            tx.execute(
                "INSERT INTO batch_answers (item_id, batch_id, worker_id, answer, seconds, submitted_at, gold_right, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted')",
                &[
                    item.into(),
                    batch.into(),
                    worker.into(),
                    json_text(&answer)?.into(),
                    seconds.into(),
                    now.to_string().into(),
                    right.map(i64::from).into(),
                ],
            )?;
            let updated = tx.execute(
                "UPDATE batch_workers SET answered = answered + 1, seconds = seconds + $1, \
                 gold_seen = gold_seen + $2, gold_right = gold_right + $3 WHERE batch_id = $4 AND worker_id = $5",
                &[
                    seconds.into(),
                    i64::from(right.is_some()).into(),
                    i64::from(right == Some(true)).into(),
                    batch.into(),
                    worker.into(),
                ],
            )?;
            if updated == 0 {
                tx.execute(
                    "INSERT INTO batch_workers (batch_id, worker_id, answered, seconds, gold_seen, gold_right) \
                     VALUES ($1, $2, 1, $3, $4, $5)",
                    &[
                        batch.into(),
                        worker.into(),
                        seconds.into(),
                        i64::from(right.is_some()).into(),
                        i64::from(right == Some(true)).into(),
                    ],
                )?;
            }
            match gold {
                // Gold is work too: counted, and paid at once.
                Some(_) => {
                    tx.execute(
                        "UPDATE batch_items SET answers = answers + 1 WHERE id = $1",
                        &[item.into()],
                    )?;
                    pay_answers(
                        tx,
                        &b,
                        "a.item_id = $1 AND a.worker_id = $2 AND a.status = 'submitted'",
                        &[item.into(), worker.into()],
                    )?;
                }
                None => judge(tx, &b, item)?,
            }
            Ok(())
        })
    }

    /// `worker`'s record on `batch`.
    pub fn record(&self, batch: BatchId, worker: WorkerId) -> Result<WorkerRecord, StoreError> {
        self.store.read(|tx| {
            Ok(tx
                .query(
                    "SELECT answered, seconds, gold_seen, gold_right, paid_minor FROM batch_workers WHERE batch_id = $1 AND worker_id = $2",
                    &[batch.into(), worker.into()],
                )?
                .first()
                .map(worker_record)
                .transpose()?
                .unwrap_or(WorkerRecord {
                    answered: 0,
                    seconds: 0,
                    accuracy: Accuracy::default(),
                    paid_minor: 0,
                    hourly_minor: None,
                }))
        })
    }

    /// Every item's state and result, in order (for the requester).
    pub fn results(&self, batch: BatchId) -> Result<Vec<ItemResult>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT id, data, gold, state, result, agreement, answers FROM batch_items WHERE batch_id = $1 ORDER BY id",
                &[batch.into()],
            )?
            .iter()
            .map(|r| {
                Ok(ItemResult {
                    item: r.id("id")?,
                    data: json_of(r.text("data")?)?,
                    gold: r.opt_text("gold")?.is_some(),
                    state: r.text("state")?.to_owned(),
                    result: r.opt_text("result")?.map(|t| json_of(&t)).transpose()?,
                    agreement: r.opt_real("agreement")?,
                    answers: r.int("answers")?,
                })
            })
            .collect()
        })
    }
}

/// Pays, from the batch's escrow, each answer `filter` selects (over `batch_answers`, with its
/// `params`) into its worker's balance, and marks it approved; one transfer per answer, keyed
/// by the answer, so nothing is paid twice.
fn pay_answers(
    tx: &mut dyn Tx,
    b: &Stored,
    filter: &str,
    params: &[crate::sql::Value],
) -> Result<(), StoreError> {
    let price = b.price;
    let batch = b.id;
    let due = tx.query(
        &format!(
            "SELECT a.id, a.worker_id, w.owner_id FROM batch_answers a LEFT JOIN workers w ON w.id = a.worker_id \
             WHERE {} ORDER BY a.id",
            filter
        ),
        params,
    )?;
    for r in &due {
        let answer: i64 = r.int("id")?;
        let worker: WorkerId = r.id("worker_id")?;
        let Some(account) = r.opt_id::<AccountId>("owner_id")? else {
            // The profile is gone: its pay stays in escrow and goes back with the rest.
            continue;
        };
        let t = microwork::pay(
            batch,
            account,
            price,
            &format!("batch {batch}: answer {answer}"),
        )
        .map_err(crate::ledger::market_error)?;
        crate::ledger::post_in(
            tx,
            &format!("batch-{batch}-answer-{answer}"),
            None,
            &t,
            None,
        )?;
        tx.execute(
            "UPDATE batch_answers SET status = 'approved' WHERE id = $1",
            &[answer.into()],
        )?;
        tx.execute(
            "UPDATE batch_workers SET paid_minor = paid_minor + $1 WHERE batch_id = $2 AND worker_id = $3",
            &[price.minor.into(), batch.into(), worker.into()],
        )?;
    }
    Ok(())
}

fn parse_time(text: &str) -> Result<jiff::Timestamp, StoreError> {
    text.parse()
        .map_err(|e| StoreError::Backend(format!("stored time {text:?}: {e}")))
}

fn worker_record(r: &Record) -> Result<WorkerRecord, StoreError> {
    let small = |x: i64| u32::try_from(x).unwrap_or(u32::MAX);
    let (seconds, paid) = (r.int("seconds")?, r.int("paid_minor")?);
    Ok(WorkerRecord {
        answered: r.int("answered")?,
        seconds,
        accuracy: Accuracy {
            correct: small(r.int("gold_right")?),
            seen: small(r.int("gold_seen")?),
        },
        paid_minor: paid,
        hourly_minor: microwork::effective_hourly(paid, seconds),
    })
}

/// Makes item `item`'s verdict again from all its answers, inside the answer's transaction.
fn judge(tx: &mut dyn Tx, b: &Stored, item: ItemId) -> Result<(), StoreError> {
    let rows = tx.query(
        "SELECT a.worker_id, a.answer, w.gold_seen, w.gold_right FROM batch_answers a \
         LEFT JOIN batch_workers w ON w.batch_id = a.batch_id AND w.worker_id = a.worker_id \
         WHERE a.item_id = $1 ORDER BY a.id",
        &[item.into()],
    )?;
    let mut answers = Vec::with_capacity(rows.len());
    let mut records = std::collections::HashMap::new();
    for r in &rows {
        let w: WorkerId = r.id("worker_id")?;
        answers.push((w, json_of::<Answer>(r.text("answer")?)?));
        let small = |x: Option<i64>| u32::try_from(x.unwrap_or(0)).unwrap_or(0);
        records.insert(
            w,
            Accuracy {
                correct: small(r.opt_int("gold_right")?),
                seen: small(r.opt_int("gold_seen")?),
            },
        );
    }
    let accuracy = |w: WorkerId| records.get(&w).copied().unwrap_or_default();
    let count = answers.len() as i64;
    match microwork::verdict(&b.template, &b.terms, b.rule, &answers, &accuracy) {
        Verdict::Resolved {
            answer, agreement, ..
        } => {
            pay_answers(tx, b, "a.item_id = $1 AND a.status = 'submitted'", &[item.into()])?;
            tx.execute(
            "UPDATE batch_items SET answers = $1, state = 'resolved', result = $2, agreement = $3 WHERE id = $4",
            &[
                count.into(),
                json_text(&answer)?.into(),
                agreement.into(),
                item.into(),
            ],
        )?
        }
        // Not enough yet; or they disagree: one more answer is asked.
        Verdict::NeedsMore => tx.execute(
            "UPDATE batch_items SET answers = $1, wanted = CASE WHEN $1 >= wanted THEN $1 + 1 ELSE wanted END WHERE id = $2",
            &[count.into(), item.into()],
        )?,
        // Every answer is paid: a split is the requester's to decide, not the workers' loss.
        Verdict::Unresolved => {
            pay_answers(tx, b, "a.item_id = $1 AND a.status = 'submitted'", &[item.into()])?;
            tx.execute(
                "UPDATE batch_items SET answers = $1, state = 'unresolved' WHERE id = $2",
                &[count.into(), item.into()],
            )?
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use guild_market::money::Currency;
    use serde_json::json;

    /// A store on a clock the test moves, with a requester and eight workers (ids 1-8).
    fn store() -> (
        tempfile::TempDir,
        crate::Store,
        AccountId,
        Vec<WorkerId>,
        std::sync::Arc<crate::ManualClock>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::DatabaseUrl::Sqlite(dir.path().join("g.db"));
        let mut store = crate::Store::open(&url).unwrap();
        let clock = std::sync::Arc::new(crate::ManualClock::at(
            "2030-01-01T00:00:00Z".parse().unwrap(),
        ));
        store.set_clock(clock.clone());
        let owner = store
            .accounts()
            .create_account("req@example.org", "Requester", "not-a-real-hash")
            .unwrap()
            .id;
        let mut workers = Vec::new();
        for i in 0..8 {
            let w: guild_matching::Worker = serde_json::from_value(json!({"name": format!("W{i}"),
                "skills": [], "hours_per_week": 10, "utc_offset_minutes": 0,
                "work_mode": "remote", "languages": ["en"]}))
            .unwrap();
            let account = store
                .accounts()
                .create_account(&format!("w{i}@example.org"), "W", "not-a-real-hash")
                .unwrap()
                .id;
            workers.push(store.work().create_worker(Some(account), &w).unwrap());
        }
        (dir, store, owner, workers, clock)
    }

    fn batch(price: &str) -> NewBatch {
        NewBatch {
            title: "Pallets in photos".to_owned(),
            template: serde_json::from_value(json!({
                "instructions": "Is there a pallet?",
                "fields": [{"kind": "choice", "name": "pallet", "label": "A pallet?", "options": ["yes", "no"]}]
            }))
            .unwrap(),
            terms: Terms {
                redundancy: 3,
                max_extra: 1,
                allowance_secs: 30,
            },
            rule: Rule::Majority,
            price: Amount::parse(price, Currency::parse("EUR").unwrap()).unwrap(),
            skill: None,
        }
    }

    fn eur(text: &str) -> Amount {
        Amount::parse(text, Currency::parse("EUR").unwrap()).unwrap()
    }

    fn escrow(store: &crate::Store, batch: BatchId) -> i64 {
        let account =
            guild_market::ledger::Account::batch_escrow(batch, Currency::parse("EUR").unwrap())
                .unwrap();
        store.ledger().balance(&account).unwrap()
    }

    fn item(photo: &str, gold: Option<&str>) -> NewItem {
        NewItem {
            data: json!({ "photo": photo }),
            gold: gold.map(|g| json!({ "pallet": g })),
        }
    }

    #[test]
    fn a_batch_hands_out_items_grades_gold_and_agrees_on_results() {
        let (_dir, store, owner, w, clock) = store();
        let m = store.microwork();
        let floors = PayFloors::default();
        // 0.10 EUR for 30 s is 12.00 an hour: refused, with the least price that clears 14.00.
        let low = m.create_batch(owner, &batch("0.10"), &floors).unwrap_err();
        assert!(low.to_string().contains("at least 0.12 EUR"), "{low}");
        let id = m.create_batch(owner, &batch("0.12"), &floors).unwrap();
        let bad = NewItem {
            data: json!("x"),
            gold: None,
        };
        assert!(m.add_items(id, owner, &[bad]).is_err());
        let e = m
            .add_items(id, owner, &[item("c.jpg", Some("maybe"))])
            .unwrap_err();
        assert!(e.to_string().contains("gold"), "{e}");
        // Gold items alone are no work.
        m.add_items(id, owner, &[item("b.jpg", Some("no"))])
            .unwrap();
        assert!(m.open_batch(id, owner).is_err());
        m.add_items(id, owner, &[item("a.jpg", None)]).unwrap();
        assert!(m.next_item(id, w[0]).is_err(), "not before it opens");
        // Escrow for every answer it may ask: 2 items × (3 + 1) × 0.12 = 0.96 EUR. Short of
        // funds, it stays a draft and nothing moves.
        let short = m.open_batch(id, owner).unwrap_err();
        assert!(short.to_string().contains("insufficient funds"), "{short}");
        assert_eq!(m.batch(id).unwrap().status, "draft");
        store
            .ledger()
            .deposit("dep-1", owner, eur("10.00"), "deposit")
            .unwrap();
        let view = m.open_batch(id, owner).unwrap();
        assert_eq!(escrow(&store, id), 96);
        assert_eq!((view.status.as_str(), view.items), ("open", 2));
        assert!(
            m.add_items(id, owner, &[item("d.jpg", None)]).is_err(),
            "no items once open"
        );

        // Three workers answer the real item; two agree. Asking again hands back the item held;
        // an answer that does not fit, or a second one, is refused.
        for (worker, say) in [(w[0], "yes"), (w[1], "no"), (w[2], "yes")] {
            let leased = m.next_item(id, worker).unwrap().unwrap();
            assert_eq!(leased.data, json!({"photo": "a.jpg"}));
            assert_eq!(m.next_item(id, worker).unwrap().unwrap().item, leased.item);
            let bad = m.submit(id, leased.item, worker, &json!({"pallet": "perhaps"}));
            assert!(bad.is_err());
            // Six seconds to answer: 0.12 EUR in 6 s is 72.00 EUR an hour.
            clock.advance(jiff::SignedDuration::from_secs(6));
            m.submit(id, leased.item, worker, &json!({"pallet": say}))
                .unwrap();
            let again = m
                .submit(id, leased.item, worker, &json!({"pallet": say}))
                .unwrap_err();
            assert!(again.to_string().contains("answered item"), "{again}");
        }
        let results = m.results(id).unwrap();
        let real = results.iter().find(|r| !r.gold).unwrap();
        assert_eq!((real.state.as_str(), real.answers), ("resolved", 3));
        assert_eq!(real.result, Some(json!({"pallet": "yes"})));
        assert!((real.agreement.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(m.batch(id).unwrap().resolved, 1);

        // Worker 7's turn is gold: graded, not judged, looking like any item.
        let gold = m.next_item(id, w[6]).unwrap().unwrap();
        assert_eq!(gold.data, json!({"photo": "b.jpg"}));
        m.submit(id, gold.item, w[6], &json!({"pallet": "yes"}))
            .unwrap();
        let r = m.record(id, w[6]).unwrap();
        assert_eq!((r.answered, r.accuracy.seen, r.accuracy.correct), (1, 1, 0));
        // Nothing left for anyone: the real item wants no more answers.
        assert_eq!(m.next_item(id, w[6]).unwrap(), None);
        assert_eq!(m.next_item(id, w[3]).unwrap(), None);
        // Every answer was paid, the one that disagreed and the wrong gold one too: 4 × 0.12.
        assert_eq!(escrow(&store, id), 96 - 48);
        let r = m.record(id, w[1]).unwrap();
        assert_eq!(
            (r.paid_minor, r.seconds, r.hourly_minor),
            (12, 6, Some(7_200))
        );
        // Closing gives back what was not spent; closing twice does nothing more.
        assert_eq!(m.close_batch(id, owner).unwrap(), 48);
        assert_eq!(escrow(&store, id), 0);
        assert!(m.close_batch(id, owner).is_err());
        assert!(m.next_item(id, w[4]).is_err(), "closed");
        assert!(store.ledger().audit_ledger().unwrap().ok());
        // Another's batch is not theirs to change.
        let stranger = store
            .accounts()
            .create_account("x@example.org", "X", "not-a-real-hash")
            .unwrap()
            .id;
        assert!(m.add_items(id, stranger, &[item("e.jpg", None)]).is_err());
    }

    #[test]
    fn a_split_asks_for_one_more_answer_then_goes_to_the_requester() {
        let (_dir, store, owner, w, clock) = store();
        let m = store.microwork();
        let mut b = batch("0.12");
        b.template = serde_json::from_value(json!({
            "instructions": "How many cartons?",
            "fields": [{"kind": "number", "name": "cartons", "label": "Cartons", "tolerance": 0}]
        }))
        .unwrap();
        let id = m.create_batch(owner, &b, &PayFloors::default()).unwrap();
        m.add_items(
            id,
            owner,
            &[NewItem {
                data: json!({"photo": "a.jpg"}),
                gold: None,
            }],
        )
        .unwrap();
        store
            .ledger()
            .deposit("dep-1", owner, eur("1.00"), "deposit")
            .unwrap();
        m.open_batch(id, owner).unwrap();
        let answer = |worker: WorkerId, n: i64| {
            let l = m.next_item(id, worker).unwrap().unwrap();
            m.submit(id, l.item, worker, &json!({ "cartons": n }))
                .unwrap();
        };
        // Past the time allowed (30 s, and 30 s of grace), an answer is refused and the item
        // goes back to the pool.
        let late = m.next_item(id, w[7]).unwrap().unwrap();
        clock.advance(jiff::SignedDuration::from_secs(61));
        let e = m
            .submit(id, late.item, w[7], &json!({ "cartons": 9 }))
            .unwrap_err();
        assert!(e.to_string().contains("ran out"), "{e}");
        answer(w[0], 10);
        answer(w[1], 11);
        assert_eq!(m.results(id).unwrap()[0].state, "open");
        answer(w[2], 12);
        // Three different counts: one extra answer is asked, and it still splits.
        assert_eq!(m.results(id).unwrap()[0].state, "open");
        answer(w[3], 13);
        let r = &m.results(id).unwrap()[0];
        assert_eq!((r.state.as_str(), r.answers), ("unresolved", 4));
        assert_eq!(m.next_item(id, w[4]).unwrap(), None);
    }
}
