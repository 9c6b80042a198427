//! The decision log: every ranking Guild showed (workers for a task, tasks for a worker), when,
//! to whom, on which inputs, with each candidate's score and its parts; and what a person did
//! after (invited, applied, hired, declined). An auditor of a high-risk system reads it; a worker
//! reads every ranking they appeared in, a client every ranking of their task. Nothing in it is
//! ever changed: rows are appended, and removed only by age ([`Decisions::prune`]).

use std::collections::{BTreeMap, BTreeSet};

use guild_ids::{AccountId, ContestId, DecisionId, OrganisationId, TaskId, WorkerId};
use serde::Serialize;

use crate::StoreError;
use crate::areas::Decisions;
use crate::sql::{Record, Tx};

/// What was ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Workers for a client's task.
    WorkersForTask,
    /// Open tasks for a worker.
    TasksForWorker,
    /// A team proposed for a client's project (the candidates are its members).
    Team,
    /// A batch of a client's tasks assigned at once (the candidates are the pairs).
    Assignment,
}

impl DecisionKind {
    /// Its name in the store and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkersForTask => "workers_for_task",
            Self::TasksForWorker => "tasks_for_worker",
            Self::Team => "team",
            Self::Assignment => "assignment",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "workers_for_task" => Ok(Self::WorkersForTask),
            "tasks_for_worker" => Ok(Self::TasksForWorker),
            "team" => Ok(Self::Team),
            "assignment" => Ok(Self::Assignment),
            other => Err(StoreError::Backend(format!(
                "unknown decision kind {other:?}"
            ))),
        }
    }
}

/// What a person did after a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DecisionAction))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The task's owner invited the worker to apply.
    Invited,
    /// The worker applied (a proposal).
    Applied,
    /// The owner accepted the worker's proposal.
    Hired,
    /// The owner declined it.
    Declined,
}

impl Action {
    /// Its name in the store and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Applied => "applied",
            Self::Hired => "hired",
            Self::Declined => "declined",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "invited" => Ok(Self::Invited),
            "applied" => Ok(Self::Applied),
            "hired" => Ok(Self::Hired),
            "declined" => Ok(Self::Declined),
            other => Err(StoreError::Backend(format!("unknown action {other:?}"))),
        }
    }
}

/// A candidate a ranking showed, to be logged.
#[derive(Debug, Clone)]
pub struct NewCandidate {
    /// The worker (the candidate of a ranking of workers; the subject of a ranking of tasks).
    pub worker: WorkerId,
    /// The task (the subject of a ranking of workers; the candidate of a ranking of tasks).
    pub task: TaskId,
    /// The score shown, 0–100.
    pub score: f32,
    /// The score's parts, as JSON text (as the API wrote them: an `f32` kept as its shortest
    /// decimal, not widened).
    pub parts: String,
}

/// A ranking shown, to be logged.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// When it was shown (the log is written a moment later, in batches).
    pub at: jiff::Timestamp,
    /// What was ranked.
    pub kind: DecisionKind,
    /// The account it was shown to (`None`: the operator's command line).
    pub shown_to: Option<AccountId>,
    /// The task ranked for (a ranking of workers).
    pub task: Option<TaskId>,
    /// The worker ranked for (a ranking of tasks).
    pub worker: Option<WorkerId>,
    /// How many were asked for.
    pub k: usize,
    /// How many were considered.
    pub considered: usize,
    /// The inputs' versions (taxonomy, index, code), as JSON.
    pub inputs: serde_json::Value,
    /// The candidates, best first.
    pub candidates: Vec<NewCandidate>,
}

/// A candidate as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DecisionCandidate))]
pub struct Candidate {
    /// Its rank, 1 first.
    pub rank: i64,
    /// The worker.
    pub worker: WorkerId,
    /// The task.
    pub task: TaskId,
    /// The score shown, 0–100.
    pub score: f64,
    /// The score's parts.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub parts: serde_json::Value,
}

/// A ranking as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Its number.
    pub id: DecisionId,
    /// When it was shown (RFC 3339).
    pub at: String,
    /// What was ranked.
    pub kind: DecisionKind,
    /// The account it was shown to (`null`: the operator's command line).
    pub shown_to: Option<AccountId>,
    /// The task ranked for (a ranking of workers).
    pub task: Option<TaskId>,
    /// The worker ranked for (a ranking of tasks).
    pub worker: Option<WorkerId>,
    /// How many were asked for.
    pub k: i64,
    /// How many were considered.
    pub considered: i64,
    /// The inputs' versions: taxonomy, matching index, code.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub inputs: serde_json::Value,
    /// The candidates shown, best first (for a worker reading the log: only their own row).
    pub candidates: Vec<Candidate>,
}

/// What a person did after a ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DecisionOutcome))]
pub struct Outcome {
    /// When (RFC 3339).
    pub at: String,
    /// The task.
    pub task: TaskId,
    /// The worker.
    pub worker: WorkerId,
    /// What was done.
    pub action: Action,
    /// The account that did it.
    pub actor: Option<AccountId>,
}

/// Records what a person did, inside the transaction that does it (an invitation, a proposal,
/// its acceptance), so that the log and the data cannot disagree.
pub(crate) fn outcome(
    tx: &mut dyn Tx,
    task: TaskId,
    worker: WorkerId,
    action: Action,
    actor: Option<AccountId>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO decision_outcomes (at, task_id, worker_id, action, actor) VALUES ($1, $2, $3, $4, $5)",
        &[
            tx.now().to_string().into(),
            task.into(),
            worker.into(),
            action.as_str().into(),
            actor.into(),
        ],
    )?;
    Ok(())
}

const DECISION_COLUMNS: &str = "id, at, kind, shown_to, task_id, worker_id, k, considered, inputs";

fn json(text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("decision log JSON: {e}")))
}

fn decision(r: &Record) -> Result<Decision, StoreError> {
    Ok(Decision {
        id: r.id("id")?,
        at: r.text("at")?.to_owned(),
        kind: DecisionKind::parse(r.text("kind")?)?,
        shown_to: r.opt_id("shown_to")?,
        task: r.opt_id("task_id")?,
        worker: r.opt_id("worker_id")?,
        k: r.int("k")?,
        considered: r.int("considered")?,
        inputs: json(r.text("inputs")?)?,
        candidates: Vec::new(),
    })
}

fn candidate(r: &Record) -> Result<Candidate, StoreError> {
    Ok(Candidate {
        rank: r.int("rank")?,
        worker: r.id("worker_id")?,
        task: r.id("task_id")?,
        score: r.opt_real("score")?.unwrap_or_default(),
        parts: json(r.text("parts")?)?,
    })
}

/// Hands candidate rows (with their `decision_id`, in rank order) to their rankings.
fn attach(decisions: &mut [Decision], rows: &[Record]) -> Result<(), StoreError> {
    let at: std::collections::HashMap<DecisionId, usize> = decisions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id, i))
        .collect();
    for r in rows {
        if let Some(&i) = at.get(&r.id::<DecisionId>("decision_id")?) {
            decisions[i].candidates.push(candidate(r)?);
        }
    }
    Ok(())
}

fn outcome_row(r: &Record) -> Result<Outcome, StoreError> {
    Ok(Outcome {
        at: r.text("at")?.to_owned(),
        task: r.id("task_id")?,
        worker: r.id("worker_id")?,
        action: Action::parse(r.text("action")?)?,
        actor: r.opt_id("actor")?,
    })
}

/// Most rankings one read returns (newest first).
pub const MAX_READ: i64 = 500;

impl Decisions<'_> {
    /// Appends `decisions` to the log, in one transaction.
    pub fn record(&self, decisions: &[NewDecision]) -> Result<(), StoreError> {
        if decisions.is_empty() {
            return Ok(());
        }
        self.store.write(|tx| {
            for d in decisions {
                let id: DecisionId = crate::sql::first(&tx.query(
                    "INSERT INTO decisions (at, kind, shown_to, task_id, worker_id, k, considered, inputs) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        d.at.to_string().into(),
                        d.kind.as_str().into(),
                        d.shown_to.into(),
                        d.task.into(),
                        d.worker.into(),
                        (d.k as i64).into(),
                        (d.considered as i64).into(),
                        d.inputs.to_string().into(),
                    ],
                )?)?
                .id("id")?;
                for (i, c) in d.candidates.iter().enumerate() {
                    tx.execute(
                        "INSERT INTO decision_candidates (decision_id, rank, worker_id, task_id, score, parts) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &[
                            id.into(),
                            (i as i64 + 1).into(),
                            c.worker.into(),
                            c.task.into(),
                            f64::from(c.score).into(),
                            c.parts.as_str().into(),
                        ],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// The `limit` newest rankings of `task` (workers ranked for it, at most [`MAX_READ`]), newest
    /// first, with every candidate, and what was done on the task after them, oldest first.
    pub fn of_task(
        &self,
        task: TaskId,
        limit: usize,
    ) -> Result<(Vec<Decision>, Vec<Outcome>), StoreError> {
        let limit = (limit as i64).clamp(0, MAX_READ);
        self.store.read(|tx| {
            let rows = tx.query(
                &format!(
                    "SELECT {DECISION_COLUMNS} FROM decisions WHERE task_id = $1 ORDER BY id DESC LIMIT $2"
                ),
                &[task.into(), limit.into()],
            )?;
            let mut decisions = rows.iter().map(decision).collect::<Result<Vec<_>, _>>()?;
            // Every candidate of those rankings in one query: they are the task's rankings from
            // the oldest of them on.
            if let Some(oldest) = decisions.last().map(|d| d.id) {
                let rows = tx.query(
                    "SELECT c.decision_id, c.rank, c.worker_id, c.task_id, c.score, c.parts \
                     FROM decision_candidates c JOIN decisions d ON d.id = c.decision_id \
                     WHERE d.task_id = $1 AND d.id >= $2 ORDER BY c.decision_id, c.rank",
                    &[task.into(), oldest.into()],
                )?;
                attach(&mut decisions, &rows)?;
            }
            let outcomes = tx
                .query(
                    "SELECT at, task_id, worker_id, action, actor FROM decision_outcomes WHERE task_id = $1 ORDER BY id",
                    &[task.into()],
                )?
                .iter()
                .map(outcome_row)
                .collect::<Result<_, _>>()?;
            Ok((decisions, outcomes))
        })
    }

    /// The `limit` newest rankings `worker` appeared in (at most [`MAX_READ`]), newest first: the
    /// rankings of tasks made for them, and the rankings of workers where they were a candidate,
    /// each with their own row only; and what was done about them after, oldest first.
    pub fn of_worker(
        &self,
        worker: WorkerId,
        limit: usize,
    ) -> Result<(Vec<Decision>, Vec<Outcome>), StoreError> {
        let limit = (limit as i64).clamp(0, MAX_READ);
        self.store.read(|tx| {
            let rows = tx.query(
                &format!(
                    "SELECT {DECISION_COLUMNS} FROM decisions WHERE id IN ( \
                     SELECT decision_id FROM decision_candidates WHERE worker_id = $1) \
                     ORDER BY id DESC LIMIT $2"
                ),
                &[worker.into(), limit.into()],
            )?;
            let mut out = rows.iter().map(decision).collect::<Result<Vec<_>, _>>()?;
            // The worker's rows of those rankings in one query: every ranking they are in from
            // the oldest shown on is one of them.
            if let Some(oldest) = out.last().map(|d| d.id) {
                let rows = tx.query(
                    "SELECT decision_id, rank, worker_id, task_id, score, parts FROM decision_candidates \
                     WHERE worker_id = $1 AND decision_id >= $2 ORDER BY decision_id, rank",
                    &[worker.into(), oldest.into()],
                )?;
                attach(&mut out, &rows)?;
            }
            let outcomes = tx
                .query(
                    "SELECT at, task_id, worker_id, action, actor FROM decision_outcomes WHERE worker_id = $1 ORDER BY id",
                    &[worker.into()],
                )?
                .iter()
                .map(outcome_row)
                .collect::<Result<_, _>>()?;
            Ok((out, outcomes))
        })
    }

    /// Ranking `id` with `worker`'s own row only; `None` when it is not in the log (aged
    /// out) or the worker was not in it.
    pub fn ranking_of(
        &self,
        id: DecisionId,
        worker: WorkerId,
    ) -> Result<Option<Decision>, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                &format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE id = $1"),
                &[id.into()],
            )?;
            let Some(r) = rows.first() else {
                return Ok(None);
            };
            let mut found = vec![decision(r)?];
            let rows = tx.query(
                "SELECT decision_id, rank, worker_id, task_id, score, parts FROM decision_candidates \
                 WHERE decision_id = $1 AND worker_id = $2 ORDER BY rank",
                &[id.into(), worker.into()],
            )?;
            attach(&mut found, &rows)?;
            Ok(found.pop().filter(|d| !d.candidates.is_empty()))
        })
    }

    /// Removes what is older than `before` (the retention period's start): rankings with their
    /// candidates, and outcomes. Returns how many rankings and outcomes went. The only way
    /// anything leaves the log.
    pub fn prune(&self, before: jiff::Timestamp) -> Result<(u64, u64), StoreError> {
        let before = before.to_string();
        self.store.write(|tx| {
            tx.execute(
                "DELETE FROM decision_candidates WHERE decision_id IN (SELECT id FROM decisions WHERE at < $1)",
                &[before.as_str().into()],
            )?;
            let decisions = tx.execute(
                "DELETE FROM decisions WHERE at < $1",
                &[before.as_str().into()],
            )?;
            let outcomes = tx.execute(
                "DELETE FROM decision_outcomes WHERE at < $1",
                &[before.as_str().into()],
            )?;
            Ok((decisions, outcomes))
        })
    }
}

/// What a worker contests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContestSubject {
    /// A ranking they appeared in.
    Ranking(DecisionId),
    /// How Guild read one of their skills (its id; it must be on their profile).
    Skill(String),
}

/// How a contest was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContestOutcome {
    /// The worker is right: the ranking or the reading is corrected.
    Upheld,
    /// The ranking or the reading stands, for the reason given.
    Rejected,
}

impl ContestOutcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Upheld => "upheld",
            Self::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "upheld" => Ok(Self::Upheld),
            "rejected" => Ok(Self::Rejected),
            other => Err(StoreError::Backend(format!(
                "unknown contest outcome {other:?}"
            ))),
        }
    }
}

/// A worker's contest, and its decision once a person made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contest {
    /// Its number.
    pub id: ContestId,
    /// The worker profile that contests.
    pub worker: WorkerId,
    /// The ranking contested.
    pub decision: Option<DecisionId>,
    /// The skill whose reading is contested.
    pub skill: Option<String>,
    /// The worker's reason.
    pub reason: String,
    /// When it was filed (RFC 3339).
    pub created_at: String,
    /// When a decision is due.
    pub due_at: String,
    /// When it was decided.
    pub decided_at: Option<String>,
    /// How.
    pub outcome: Option<ContestOutcome>,
    /// The decider's reason.
    pub answer: Option<String>,
}

const CONTEST_COLUMNS: &str =
    "id, worker_id, decision_id, skill, reason, created_at, due_at, decided_at, outcome, answer";

fn contest_row(r: &Record) -> Result<Contest, StoreError> {
    Ok(Contest {
        id: r.id("id")?,
        worker: r.id("worker_id")?,
        decision: r.opt_id("decision_id")?,
        skill: r.opt_text("skill")?,
        reason: r.text("reason")?.to_owned(),
        created_at: r.text("created_at")?.to_owned(),
        due_at: r.text("due_at")?.to_owned(),
        decided_at: r.opt_text("decided_at")?,
        outcome: r
            .opt_text("outcome")?
            .as_deref()
            .map(ContestOutcome::parse)
            .transpose()?,
        answer: r.opt_text("answer")?,
    })
}

impl Decisions<'_> {
    /// Files `account`'s contest for its worker profile `worker` (the caller checked it is
    /// theirs), due by `due`. A ranking must be one the worker appeared in and still in the log;
    /// a skill must be on the profile; one open contest per subject.
    pub fn contest(
        &self,
        worker: WorkerId,
        account: AccountId,
        subject: &ContestSubject,
        reason: &str,
        due: jiff::Timestamp,
    ) -> Result<Contest, StoreError> {
        self.store.write(|tx| {
            let (kind, decision, skill, open) = match subject {
                ContestSubject::Ranking(d) => {
                    let seen = tx.query(
                        "SELECT 1 FROM decision_candidates WHERE decision_id = $1 AND worker_id = $2",
                        &[(*d).into(), worker.into()],
                    )?;
                    if seen.is_empty() {
                        return Err(StoreError::NotFound {
                            what: "ranking this worker appeared in (rankings leave the log when they are older than its retention period)",
                            id: d.to_string(),
                        });
                    }
                    let open = tx.query(
                        "SELECT id FROM contests WHERE worker_id = $1 AND decision_id = $2 AND decided_at IS NULL",
                        &[worker.into(), (*d).into()],
                    )?;
                    ("ranking", Some(*d), None, open)
                }
                ContestSubject::Skill(skill) => {
                    let held = tx.query(
                        "SELECT 1 FROM worker_skills WHERE worker_id = $1 AND skill = $2",
                        &[worker.into(), skill.as_str().into()],
                    )?;
                    if held.is_empty() {
                        return Err(StoreError::NotFound {
                            what: "skill on this worker's profile",
                            id: skill.clone(),
                        });
                    }
                    let open = tx.query(
                        "SELECT id FROM contests WHERE worker_id = $1 AND skill = $2 AND decided_at IS NULL",
                        &[worker.into(), skill.as_str().into()],
                    )?;
                    ("skill", None, Some(skill.as_str()), open)
                }
            };
            if let Some(r) = open.first() {
                return Err(StoreError::Conflict(format!(
                    "contest {} on this is still waiting for a decision",
                    r.int("id")?
                )));
            }
            let rows = tx.query(
                &format!(
                    "INSERT INTO contests (worker_id, account_id, kind, decision_id, skill, reason, created_at, due_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {CONTEST_COLUMNS}"
                ),
                &[
                    worker.into(),
                    account.into(),
                    kind.into(),
                    decision.into(),
                    skill.into(),
                    reason.into(),
                    tx.now().to_string().into(),
                    due.to_string().into(),
                ],
            )?;
            let c = contest_row(crate::sql::first(&rows)?)?;
            crate::audit::audit(tx, Some(account), "contest.filed", &format!("contest:{}", c.id), kind)?;
            Ok(c)
        })
    }

    /// A worker's contests, newest first.
    pub fn contests_of(&self, worker: WorkerId) -> Result<Vec<Contest>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {CONTEST_COLUMNS} FROM contests WHERE worker_id = $1 ORDER BY id DESC"
                ),
                &[worker.into()],
            )?
            .iter()
            .map(contest_row)
            .collect()
        })
    }

    /// Contests waiting for a decision, the earliest due first.
    pub fn open_contests(&self) -> Result<Vec<Contest>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE decided_at IS NULL ORDER BY due_at, id LIMIT 500"),
                &[],
            )?
            .iter()
            .map(contest_row)
            .collect()
        })
    }

    /// The reviewers' queue of `organisation`: open contests of rankings made for tasks whose
    /// owner is one of its members, the earliest due first, each with that owner (who may not
    /// decide their own).
    /// With `only`, that contest alone (when it is in the queue).
    pub fn open_contests_of_organisation(
        &self,
        organisation: OrganisationId,
        only: Option<ContestId>,
    ) -> Result<Vec<(Contest, AccountId)>, StoreError> {
        let columns = CONTEST_COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.store.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {columns}, t.owner_id FROM contests c \
                     JOIN decisions d ON d.id = c.decision_id \
                     JOIN work_tasks t ON t.id = d.task_id \
                     JOIN organisation_members m ON m.account_id = t.owner_id AND m.organisation_id = $1 \
                     WHERE c.decided_at IS NULL AND (CAST($2 AS BIGINT) = 0 OR c.id = CAST($2 AS BIGINT)) ORDER BY c.due_at, c.id LIMIT 500"
                ),
                &[organisation.into(), only.map_or(0, |c| c.get()).into()],
            )?
            .iter()
            .map(|r| Ok((contest_row(r)?, r.id::<AccountId>("owner_id")?)))
            .collect()
        })
    }

    /// `admin` decides open contest `id`; the worker is told the outcome and its reason.
    pub fn decide_contest(
        &self,
        id: ContestId,
        admin: AccountId,
        outcome: ContestOutcome,
        answer: &str,
    ) -> Result<Contest, StoreError> {
        self.store.write(|tx| {
            let now = tx.now().to_string();
            let n = tx.execute(
                "UPDATE contests SET decided_at = $1, decided_by = $2, outcome = $3, answer = $4 \
                 WHERE id = $5 AND decided_at IS NULL",
                &[
                    now.into(),
                    admin.into(),
                    outcome.as_str().into(),
                    answer.into(),
                    id.into(),
                ],
            )?;
            let rows = tx.query(
                &format!("SELECT {CONTEST_COLUMNS}, account_id FROM contests WHERE id = $1"),
                &[id.into()],
            )?;
            let Some(r) = rows.first() else {
                return Err(StoreError::NotFound {
                    what: "contest",
                    id: id.to_string(),
                });
            };
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "contest {id} was already decided"
                )));
            }
            let c = contest_row(r)?;
            let account: AccountId = r.id("account_id")?;
            let what = match (&c.decision, &c.skill) {
                (Some(d), _) => format!("ranking {d}"),
                (_, Some(s)) => format!("the reading of skill {s}"),
                _ => "it".to_owned(),
            };
            crate::messages::notify(
                tx,
                account,
                "contest",
                &format!("contest:{id}"),
                &format!("Your contest of {what} was {}: {answer}", outcome.as_str()),
            )?;
            crate::audit::audit(
                tx,
                Some(admin),
                "contest.decided",
                &format!("contest:{id}"),
                outcome.as_str(),
            )?;
            Ok(c)
        })
    }
}

/// What the fairness audit reads from the log for a period: who was shown in a ranking of
/// workers for a task (with their best score; the pages' one-skill searches for a team's missing
/// skill are not a selection for work, and are left out), who was invited, who applied, who was hired, and every
/// worker who had a profile (the pool of the first stage).
#[derive(Debug, Clone, Default)]
pub struct AuditWindow {
    /// Rankings of workers for tasks in the period.
    pub rankings: usize,
    /// Every worker profile.
    pub workers: Vec<WorkerId>,
    /// Workers shown in a ranking of workers, with their best score there.
    pub shown: BTreeMap<WorkerId, f64>,
    /// Workers invited after a ranking.
    pub invited: BTreeSet<WorkerId>,
    /// Workers hired.
    pub hired: BTreeSet<WorkerId>,
}

impl Decisions<'_> {
    /// The log's stages between `from` (inclusive) and `to` (exclusive), RFC 3339.
    pub fn audit_window(&self, from: &str, to: &str) -> Result<AuditWindow, StoreError> {
        self.store.read(|tx| {
            let mut w = AuditWindow {
                rankings: tx
                    .query(
                        "SELECT COUNT(*) AS n FROM decisions WHERE kind = 'workers_for_task' AND task_id IS NOT NULL AND at >= $1 AND at < $2",
                        &[from.into(), to.into()],
                    )?
                    .first()
                    .map_or(Ok(0), |r| r.int("n"))? as usize,
                ..AuditWindow::default()
            };
            for r in tx.query("SELECT id FROM workers ORDER BY id", &[])?.iter() {
                w.workers.push(r.id("id")?);
            }
            for r in tx
                .query(
                    "SELECT c.worker_id, MAX(c.score) AS best FROM decision_candidates c \
                     JOIN decisions d ON d.id = c.decision_id \
                     WHERE d.kind = 'workers_for_task' AND d.task_id IS NOT NULL AND d.at >= $1 AND d.at < $2 \
                     GROUP BY c.worker_id",
                    &[from.into(), to.into()],
                )?
                .iter()
            {
                w.shown
                    .insert(r.id("worker_id")?, r.opt_real("best")?.unwrap_or_default());
            }
            for r in tx
                .query(
                    "SELECT DISTINCT worker_id, action FROM decision_outcomes \
                     WHERE action IN ('invited', 'hired') AND at >= $1 AND at < $2",
                    &[from.into(), to.into()],
                )?
                .iter()
            {
                let worker: WorkerId = r.id("worker_id")?;
                if r.text("action")? == "invited" {
                    w.invited.insert(worker);
                } else {
                    w.hired.insert(worker);
                }
            }
            Ok(w)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::{SignedDuration, Timestamp};

    fn ranking(task: i64, at: Timestamp) -> NewDecision {
        NewDecision {
            at,
            kind: DecisionKind::WorkersForTask,
            shown_to: None,
            task: Some(TaskId(task)),
            worker: None,
            k: 10,
            considered: 2,
            inputs: serde_json::json!({"taxonomy": "t"}),
            candidates: vec![
                NewCandidate {
                    worker: WorkerId(1),
                    task: TaskId(task),
                    score: 80.5,
                    parts: r#"{"required":0.9}"#.to_owned(),
                },
                NewCandidate {
                    worker: WorkerId(2),
                    task: TaskId(task),
                    score: 60.0,
                    parts: "{}".to_owned(),
                },
            ],
        }
    }

    #[test]
    fn the_log_forgets_by_age_only() {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::DatabaseUrl::Sqlite(dir.path().join("g.db"));
        let mut store = crate::Store::open(&url).unwrap();
        let start: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let clock = std::sync::Arc::new(crate::ManualClock::at(start));
        store.set_clock(clock.clone());
        store
            .decisions()
            .record(&[ranking(7, store.now())])
            .unwrap();
        clock.advance(SignedDuration::from_hours(200 * 24));
        store
            .decisions()
            .record(&[ranking(7, store.now()), ranking(8, store.now())])
            .unwrap();

        let (old, _) = store.decisions().of_task(TaskId(7), 50).unwrap();
        assert_eq!(old.len(), 2);
        assert_eq!(old[1].at, start.to_string());
        assert_eq!(old[0].candidates.len(), 2);
        assert_eq!(old[0].candidates[0].parts["required"], 0.9);
        let (seen, _) = store.decisions().of_worker(WorkerId(2), 50).unwrap();
        assert_eq!(seen.len(), 3);
        assert!(seen.iter().all(|d| d.candidates.len() == 1));

        // Kept 184 days: the first ranking (200 days old) goes, with its candidates.
        let before = store.now() - SignedDuration::from_hours(184 * 24);
        assert_eq!(store.decisions().prune(before).unwrap(), (1, 0));
        let (left, _) = store.decisions().of_task(TaskId(7), 50).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(
            store
                .decisions()
                .of_worker(WorkerId(1), 50)
                .unwrap()
                .0
                .len(),
            2
        );
        assert_eq!(store.decisions().prune(before).unwrap(), (0, 0));
        // A ranking that aged out cannot be contested, and the answer says why.
        let gone = old[1].id;
        let err = store
            .decisions()
            .contest(
                WorkerId(1),
                AccountId(1),
                &ContestSubject::Ranking(gone),
                "too late",
                store.now(),
            )
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::NotFound { what, .. } if what.contains("retention period")),
            "{err}"
        );
    }
}
