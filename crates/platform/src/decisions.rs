//! The decision log's writer and readers. A ranking is on the hot path of every match request,
//! and a write per ranking (a commit, on PostgreSQL a round trip and a flush) would cost more than
//! the ranking itself; so rankings are handed to one writer thread, which appends them in batches,
//! a transaction per batch. Every read of the log waits until what was handed over before it is
//! written ([`Platform::flush_decisions`]), so a person who was just ranked finds it in their
//! log. What the writer could not write after retries is counted and reported, never silently
//! dropped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use guild_ids::{AccountId, ContestId, OrganisationId, TaskId, WorkerId};
use guild_store::{
    Contest, ContestOutcome, ContestSubject, Decision, NewDecision, Outcome, Store, StoreError,
};

use crate::Platform;

/// Rankings waiting for the writer before a caller waits for room: a burst of this many costs
/// nothing on the request path.
const QUEUE: usize = 4096;

/// Most rankings one transaction appends.
const BATCH: usize = 256;

/// Tries of a batch before it is counted as lost.
const TRIES: u32 = 5;

enum Message {
    Log(Box<NewDecision>),
    Flush(SyncSender<()>),
}

/// The writer: a queue and the count of rankings it could not write.
pub(crate) struct DecisionLog {
    store: Arc<Store>,
    sender: OnceLock<SyncSender<Message>>,
    lost: Arc<AtomicU64>,
    start: Mutex<()>,
}

impl DecisionLog {
    pub(crate) fn new(store: Arc<Store>) -> Self {
        Self {
            store,
            sender: OnceLock::new(),
            lost: Arc::new(AtomicU64::new(0)),
            start: Mutex::new(()),
        }
    }

    /// The queue, the writer started on first use.
    fn sender(&self) -> Option<&SyncSender<Message>> {
        if let Some(s) = self.sender.get() {
            return Some(s);
        }
        let _one = self.start.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = self.sender.get() {
            return Some(s);
        }
        let (tx, rx) = sync_channel(QUEUE);
        let store = self.store.clone();
        let lost = self.lost.clone();
        match std::thread::Builder::new()
            .name("decision-log".to_owned())
            .spawn(move || write_loop(&store, &rx, &lost))
        {
            Ok(_) => {
                let _ = self.sender.set(tx);
                self.sender.get()
            }
            Err(e) => {
                tracing::error!("decision log: no writer thread: {e}");
                None
            }
        }
    }

    /// Hands `decision` to the writer (waits only when the queue is full).
    pub(crate) fn log(&self, decision: NewDecision) {
        let sent = self
            .sender()
            .is_some_and(|s| s.send(Message::Log(Box::new(decision))).is_ok());
        if !sent {
            self.lost.fetch_add(1, Ordering::Relaxed);
            tracing::error!("decision log: a ranking could not be queued");
        }
    }

    /// Waits until everything handed over before is written (or counted lost).
    pub(crate) fn flush(&self) {
        let Some(s) = self.sender.get() else {
            return;
        };
        let (done, wait) = sync_channel(1);
        if s.send(Message::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }

    /// Rankings the writer could not write.
    pub(crate) fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

fn write_loop(store: &Store, rx: &Receiver<Message>, lost: &AtomicU64) {
    while let Ok(first) = rx.recv() {
        let mut batch = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(m) = next.take() {
            match m {
                Message::Log(d) => batch.push(*d),
                Message::Flush(done) => flushes.push(done),
            }
            if batch.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        write(store, &batch, lost);
        for done in flushes {
            let _ = done.send(());
        }
    }
}

fn write(store: &Store, batch: &[NewDecision], lost: &AtomicU64) {
    let mut wait = Duration::from_millis(20);
    for attempt in 1..=TRIES {
        match store.decisions().record(batch) {
            Ok(()) => return,
            Err(e) if attempt == TRIES => {
                lost.fetch_add(batch.len() as u64, Ordering::Relaxed);
                tracing::error!(
                    "decision log: {} rankings not written after {TRIES} tries: {e}",
                    batch.len()
                );
            }
            Err(e) => {
                tracing::warn!("decision log: retrying a batch of {}: {e}", batch.len());
                std::thread::sleep(wait);
                wait *= 2;
            }
        }
    }
}

impl Platform {
    /// Hands a proposal a person is shown (a team, a batch assignment) to the decision log.
    /// Rankings log themselves ([`Platform::rank_workers`], [`Platform::rank_tasks`]).
    pub fn log_decision(&self, decision: NewDecision) {
        self.decisions.log(decision);
    }

    /// Waits until every ranking shown so far is in the decision log.
    pub fn flush_decisions(&self) {
        self.decisions.flush();
    }

    /// Rankings the decision log could not write since start (the store refused them after
    /// retries); 0 when the log is whole.
    pub fn decisions_lost(&self) -> u64 {
        self.decisions.lost()
    }

    /// The `limit` newest rankings of `task`, newest first, with every candidate, and what its
    /// owner and the workers did after them. The caller checks that the asker owns the task.
    pub fn decisions_of_task(
        &self,
        task: TaskId,
        limit: usize,
    ) -> Result<(Vec<Decision>, Vec<Outcome>), StoreError> {
        self.decisions.flush();
        self.store.decisions().of_task(task, limit)
    }

    /// The `limit` newest rankings `worker` appeared in, newest first, with their own row only,
    /// and what was done about them after. The caller checks that the asker is the worker.
    pub fn decisions_of_worker(
        &self,
        worker: WorkerId,
        limit: usize,
    ) -> Result<(Vec<Decision>, Vec<Outcome>), StoreError> {
        self.decisions.flush();
        self.store.decisions().of_worker(worker, limit)
    }

    /// Removes from the decision log what is older than `keep` (never less than the six months
    /// the law asks deployers to keep); returns how many rankings and outcomes went.
    pub fn prune_decisions(&self, keep: jiff::SignedDuration) -> Result<(u64, u64), StoreError> {
        self.decisions.flush();
        let keep = keep.max(MIN_RETENTION);
        let before = self
            .store
            .now()
            .checked_sub(keep)
            .map_err(|e| StoreError::Invalid(format!("retention: {e}")))?;
        self.store.decisions().prune(before)
    }
}

/// Days a platform admin has to decide a contest.
pub const CONTEST_DAYS: i64 = 14;

/// The words of a reason (a contest's, a decision's): 1 to 2,000 characters, trimmed.
fn reason(field: &str, text: &str) -> Result<String, StoreError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(StoreError::Invalid(format!(
            "{field}: 1 to 2,000 characters; a contest and its decision always say why"
        )));
    }
    Ok(text.to_owned())
}

impl Platform {
    /// `account` contests, for its worker profile `worker` (the caller checked it is theirs), a
    /// ranking the worker appeared in or how Guild read one of their skills. A platform admin
    /// decides within [`CONTEST_DAYS`] days; nothing is decided automatically.
    pub fn contest(
        &self,
        worker: WorkerId,
        account: AccountId,
        subject: &ContestSubject,
        why: &str,
    ) -> Result<Contest, StoreError> {
        let why = reason("reason", why)?;
        // A ranking shown a moment ago can be contested at once.
        self.decisions.flush();
        let due = self
            .store
            .now()
            .checked_add(jiff::SignedDuration::from_hours(CONTEST_DAYS * 24))
            .map_err(|e| StoreError::Invalid(format!("deadline: {e}")))?;
        self.store
            .decisions()
            .contest(worker, account, subject, &why, due)
    }

    /// The contests `organisation`'s reviewers decide: those of rankings for tasks its members
    /// posted (a platform admin may decide them too).
    pub fn organisation_contests(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<Contest>, StoreError> {
        Ok(self
            .store
            .decisions()
            .open_contests_of_organisation(organisation, None)?
            .into_iter()
            .map(|(c, _)| c)
            .collect())
    }

    /// `reviewer` (the caller checked they review for `organisation`) decides contest `id` of
    /// its queue, saying why; the worker is told. Whoever posted the task the ranking was for
    /// does not decide on it: another reviewer, or a platform admin, does.
    pub fn decide_organisation_contest(
        &self,
        organisation: OrganisationId,
        id: ContestId,
        reviewer: AccountId,
        outcome: ContestOutcome,
        answer: &str,
    ) -> Result<Contest, StoreError> {
        let queue = self
            .store
            .decisions()
            .open_contests_of_organisation(organisation, Some(id))?;
        let Some((_, owner)) = queue.iter().find(|(c, _)| c.id == id) else {
            return Err(StoreError::NotFound {
                what: "open contest in this organisation's queue",
                id: id.to_string(),
            });
        };
        if *owner == reviewer {
            return Err(StoreError::Conflict(
                "you posted the task this ranking was for, so you do not decide on it: another reviewer of the organisation, or a platform admin, does".to_owned(),
            ));
        }
        self.decide_contest(id, reviewer, outcome, answer)
    }

    /// Platform admin `admin` decides contest `id`, saying why; the worker is told.
    pub fn decide_contest(
        &self,
        id: ContestId,
        admin: AccountId,
        outcome: ContestOutcome,
        answer: &str,
    ) -> Result<Contest, StoreError> {
        let answer = reason("answer", answer)?;
        self.store
            .decisions()
            .decide_contest(id, admin, outcome, &answer)
    }
}

impl Platform {
    /// Keeps the declaration of worker `worker` (the caller checked it is the asker's): each
    /// category checked, consent required, sealed apart from the profile.
    pub fn declare(
        &self,
        worker: WorkerId,
        categories: &std::collections::BTreeMap<String, String>,
        consent: bool,
    ) -> Result<(), StoreError> {
        if !consent {
            return Err(StoreError::Invalid(format!(
                "consent: a declaration needs your consent (true) to this purpose: {}",
                guild_fairness::PURPOSE
            )));
        }
        for (dimension, category) in categories {
            guild_fairness::check(dimension, category).map_err(StoreError::Invalid)?;
        }
        self.store
            .decisions()
            .declare(worker, categories, guild_fairness::PURPOSE_VERSION)
    }
}

/// The shortest retention the log allows: 184 days (six months, the longest way round).
pub const MIN_RETENTION: jiff::SignedDuration = jiff::SignedDuration::from_hours(184 * 24);
