//! Accounts, worker profiles and tasks: the stored side of matching.
//!
//! Every write runs in one transaction and records what it changed for matching (the
//! `matching` version and the ids, see [`record`]), which is how a matching index, in this
//! process or another server on the same database, follows the store without rebuilding.

use crate::areas::{Accounts, Taxonomy, Work};
use guild_ids::{AccountId, ProjectId, TokenId};
use std::collections::HashMap;

use guild_matching::{
    Currency, Evidence, GeoPoint, Money, Place, Proficiency, Reputation, SkillRequirement, Task,
    TaskId, TaskStatus, WorkMode, Worker, WorkerId, WorkerSkill,
};
use guild_taxonomy::SkillId;
use jiff::civil::Date;

use crate::sql::{Record, Tx, Value, first};
use crate::{Store, StoreError};

/// An account: someone who signs in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    /// Store id.
    pub id: AccountId,
    /// Sign-in e-mail address, lower-cased.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// `user` or `admin` (a platform admin).
    pub role: String,
    /// Why the account is suspended, if it is.
    pub suspended: Option<String>,
}

/// A live token's account, CSRF-token hash and expiry (sessions only) and scopes (API tokens).
struct TokenRow {
    account: Account,
    csrf_hash: Option<String>,
    expires_at: Option<String>,
    scopes: Option<String>,
}

/// An API token as its owner sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    /// Its id (to revoke it).
    pub id: TokenId,
    /// Its name.
    pub name: String,
    /// What it may reach; absent: all the account may do.
    pub scopes: Option<Vec<String>>,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// Who owns a worker profile or a task: an account, or the operator (command line).
pub type Owner = Option<AccountId>;

/// A stored task and its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTask {
    /// The task.
    pub task: Task,
    /// Its owner.
    pub owner: Owner,
    /// Where it stands.
    pub status: TaskStatus,
    /// The project it belongs to, if any.
    pub project: Option<ProjectId>,
    /// AI exposure 0–1, as deconstruction judged it (tasks made from a problem description).
    pub ai_exposure: Option<f64>,
    /// Whether deconstruction judged it to need physical presence.
    pub physical: Option<bool>,
}

/// A stored worker profile and its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWorker {
    /// The profile.
    pub worker: Worker,
    /// Its owner.
    pub owner: Owner,
}

/// What the skill similarity is learned from: every skill id, `(occupation, skill, weight)`
/// and `(narrower, broader)` pairs.
#[derive(Debug, Clone, Default)]
pub struct SimilarityInput {
    /// Every skill of the taxonomy.
    pub skills: Vec<SkillId>,
    /// Occupation–skill weights.
    pub occupation_skills: Vec<(String, SkillId, f32)>,
    /// Skill hierarchy.
    pub broader: Vec<(SkillId, SkillId)>,
}

impl SimilarityInput {
    /// Learns the skill similarity from this input.
    pub fn learn(&self) -> guild_matching::SkillSimilarity {
        guild_matching::SkillSimilarity::learn(&self.skills, &self.occupation_skills, &self.broader)
    }
}

pub(crate) fn bad(e: guild_matching::MatchError) -> StoreError {
    StoreError::Matching(e)
}

fn date(v: &Value) -> Result<Option<Date>, StoreError> {
    v.opt_text()?
        .map(|s| {
            s.parse::<Date>()
                .map_err(|e| StoreError::Backend(format!("stored date {s:?}: {e}")))
        })
        .transpose()
}

fn skill_id(raw: &str) -> Result<SkillId, StoreError> {
    SkillId::parse(raw).map_err(|e| StoreError::Backend(format!("stored skill id: {e}")))
}

fn langs(v: &Value) -> Result<Vec<String>, StoreError> {
    Ok(v.text()?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

fn money(minor: &Value, currency: &Value) -> Result<Option<Money>, StoreError> {
    match (minor.opt_int()?, currency.opt_text()?) {
        (Some(m), Some(c)) => Ok(Some(
            Money::new(m, Currency::parse(&c).map_err(crate::ledger::market_error)?)
                .map_err(crate::ledger::market_error)?,
        )),
        _ => Ok(None),
    }
}

fn real(v: &Value) -> Result<f64, StoreError> {
    v.opt_real()?
        .ok_or_else(|| StoreError::Backend(format!("expected a number, found {v:?}")))
}

/// What a write changed, for the matching indexes that follow the store.
pub(crate) enum Changed<'a> {
    /// These workers (new, edited or deleted).
    Workers(&'a [WorkerId]),
    /// These tasks (new, edited, published, closed or deleted).
    Tasks(&'a [TaskId]),
    /// Anything: indexes read everything again (bulk loads).
    Everything,
}

/// Versions of changes kept for indexes that follow them; one further behind reads everything.
const CHANGES_KEPT: i64 = 100_000;

/// Records, in the write's own transaction, what it changed: the matching version goes up and
/// the ids are recorded under the new version (see migration 0020).
pub(crate) fn record(tx: &mut dyn Tx, what: Changed<'_>) -> Result<(), StoreError> {
    let version = tx.query(
        "UPDATE change_counters SET value = value + 1 WHERE name = 'matching' RETURNING value",
        &[],
    )?[0]
        .int("value")?;
    let (kind, ids): (_, Vec<i64>) = match what {
        Changed::Workers(ids) => ("worker", ids.iter().map(|i| i.get()).collect()),
        Changed::Tasks(ids) => ("task", ids.iter().map(|i| i.get()).collect()),
        Changed::Everything => ("all", Vec::new()),
    };
    if kind == "all" {
        tx.execute(
            "INSERT INTO matching_changes (version, kind) VALUES ($1, 'all')",
            &[version.into()],
        )?;
    }
    for id in ids {
        tx.execute(
            "INSERT INTO matching_changes (version, kind, entity_id) VALUES ($1, $2, $3)",
            &[version.into(), kind.into(), id.into()],
        )?;
    }
    // Now and then, forget what every follower has long read.
    if version % 1024 == 0 {
        let floor = version - CHANGES_KEPT;
        tx.execute(
            "DELETE FROM matching_changes WHERE version <= $1",
            &[floor.into()],
        )?;
        tx.execute(
            "UPDATE change_counters SET value = $1 WHERE name = 'matching_floor' AND value < $1",
            &[floor.into()],
        )?;
    }
    Ok(())
}

/// Records that anything may have changed (bulk writes).
pub(crate) fn bump(tx: &mut dyn Tx) -> Result<(), StoreError> {
    record(tx, Changed::Everything)
}

/// What changed for matching since a version (see [`Work::matching_changes`]).
#[derive(Debug)]
pub enum MatchingChanges {
    /// Too much, or too long ago, to follow: read everything again.
    Everything {
        /// The version now.
        version: i64,
    },
    /// The workers and tasks changed: the current version of each, or `None` when it is
    /// gone (deleted; for a task, also no longer open).
    Changed {
        /// The version now.
        version: i64,
        /// Changed workers.
        workers: Vec<(WorkerId, Option<Worker>)>,
        /// Changed tasks.
        tasks: Vec<(TaskId, Option<Task>)>,
    },
}

fn counter(tx: &mut dyn Tx, name: &str) -> Result<i64, StoreError> {
    let rows = tx.query(
        "SELECT value FROM change_counters WHERE name = $1",
        &[name.into()],
    )?;
    rows.first().map_or(Ok(0), |r| r.int("value"))
}

/// `WHERE id IN ($1, …)` over `ids`, and its parameters.
fn id_list(prefix: &str, ids: &[i64]) -> (String, Vec<Value>) {
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    (
        format!("{prefix} id IN ({})", marks.join(", ")),
        ids.iter().map(|&i| Value::from(i)).collect(),
    )
}

/// A stored level as a proficiency.
fn proficiency(level: i64) -> Result<Proficiency, StoreError> {
    u8::try_from(level)
        .ok()
        .and_then(|l| Proficiency::new(l).ok())
        .ok_or_else(|| StoreError::Backend(format!("stored proficiency {level} is not 1–5")))
}

/// Adds new evidence for a worker's skill at `level`, adding the skill if missing; what the
/// profile then shows is the matching engine's [`Evidence::merge`] of the two (a level and the
/// evidence for that level).
pub(crate) fn raise_skill(
    tx: &mut dyn Tx,
    worker: WorkerId,
    skill: &str,
    level: i64,
    evidence: Evidence,
) -> Result<(), StoreError> {
    let current = tx.query(
        "SELECT proficiency, evidence FROM worker_skills WHERE worker_id = $1 AND skill = $2",
        &[worker.into(), skill.into()],
    )?;
    match current.first() {
        None => {
            tx.execute(
                "INSERT INTO worker_skills (worker_id, skill, proficiency, evidence) VALUES ($1, $2, $3, $4)",
                &[worker.into(), skill.into(), level.into(), evidence.as_str().into()],
            )?;
        }
        Some(r) => {
            let held = (
                proficiency(r.int("proficiency")?)?,
                Evidence::parse(r.text("evidence")?).map_err(StoreError::Matching)?,
            );
            let (level, evidence) = Evidence::merge(held, (proficiency(level)?, evidence));
            tx.execute(
                "UPDATE worker_skills SET proficiency = $1, evidence = $2 WHERE worker_id = $3 AND skill = $4",
                &[i64::from(level.level()).into(), evidence.as_str().into(), worker.into(), skill.into()],
            )?;
        }
    }
    Ok(())
}

/// Refuses skills the taxonomy does not have, naming the first.
pub(crate) fn check_skills<'a>(
    tx: &mut dyn Tx,
    skills: impl Iterator<Item = &'a SkillId>,
) -> Result<(), StoreError> {
    for s in skills {
        if tx
            .query("SELECT 1 FROM skills WHERE id = $1", &[s.as_str().into()])?
            .is_empty()
        {
            return Err(StoreError::Matching(
                guild_matching::MatchError::UnknownSkill(s.clone()),
            ));
        }
    }
    Ok(())
}

pub(crate) fn worker_params(w: &Worker, stamp: &str) -> Vec<Value> {
    vec![
        w.name.as_str().into(),
        f64::from(w.hours_per_week).into(),
        w.available_from.map(|d| d.to_string()).into(),
        w.available_until.map(|d| d.to_string()).into(),
        i64::from(w.utc_offset_minutes).into(),
        w.work_mode.as_str().into(),
        w.location.map(|p| p.lat).into(),
        w.location.map(|p| p.lon).into(),
        f64::from(w.travel_radius_km).into(),
        w.languages.join(",").into(),
        w.rate.map(|r| r.minor).into(),
        w.rate.map(|r| r.currency.code().to_owned()).into(),
        f64::from(w.reputation.rating).into(),
        i64::from(w.reputation.reviews).into(),
        stamp.into(),
    ]
}

fn insert_worker_skills(tx: &mut dyn Tx, id: WorkerId, w: &Worker) -> Result<(), StoreError> {
    for s in &w.skills {
        tx.execute(
            "INSERT INTO worker_skills (worker_id, skill, proficiency, evidence) VALUES ($1, $2, $3, $4)",
            &[
                id.into(),
                s.skill.as_str().into(),
                i64::from(s.proficiency.level()).into(),
                s.evidence.as_str().into(),
            ],
        )?;
    }
    Ok(())
}

pub(crate) fn task_params(t: &Task, stamp: &str) -> Vec<Value> {
    let (place, lat, lon) = match t.place {
        Place::Remote => ("remote", None, None),
        Place::OnSite { location } => ("on_site", Some(location.lat), Some(location.lon)),
    };
    vec![
        t.title.as_str().into(),
        t.description.as_str().into(),
        place.into(),
        lat.into(),
        lon.into(),
        i64::from(t.utc_offset_minutes).into(),
        f64::from(t.min_overlap_hours).into(),
        f64::from(t.hours).into(),
        t.hours_per_week.map(f64::from).into(),
        t.budget.map(|b| b.minor).into(),
        t.budget.map(|b| b.currency.code().to_owned()).into(),
        t.languages.join(",").into(),
        t.starts.map(|d| d.to_string()).into(),
        t.ends.map(|d| d.to_string()).into(),
        stamp.into(),
    ]
}

/// What a new task carries besides its fields.
pub(crate) struct TaskExtras {
    pub status: TaskStatus,
    pub project: Option<ProjectId>,
    pub ai_exposure: Option<f64>,
    pub physical: Option<bool>,
}

impl TaskExtras {
    fn open() -> Self {
        TaskExtras {
            status: TaskStatus::Open,
            project: None,
            ai_exposure: None,
            physical: None,
        }
    }
}

/// Inserts a validated task with its skills; returns its id.
pub(crate) fn insert_task(
    tx: &mut dyn Tx,
    owner: Owner,
    task: &Task,
    extras: &TaskExtras,
) -> Result<TaskId, StoreError> {
    let stamp = tx.now().to_string();
    check_skills(
        tx,
        task.required.iter().chain(&task.optional).map(|r| &r.skill),
    )?;
    let mut params = vec![Value::from(owner)];
    params.extend(task_params(task, &stamp));
    params.extend([
        stamp.as_str().into(),
        extras.status.as_str().into(),
        extras.project.into(),
        extras.ai_exposure.into(),
        extras.physical.map(i64::from).into(),
    ]);
    let rows = tx.query(
        "INSERT INTO work_tasks (owner_id, title, description, place, lat, lon, utc_offset_minutes, \
         min_overlap_hours, hours, hours_per_week, budget_minor, budget_currency, languages, starts, \
         ends, created_at, updated_at, status, project_id, ai_exposure, physical) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id",
        &params,
    )?;
    let id: TaskId = first(&rows)?.id("id")?;
    insert_task_skills(tx, id, task)?;
    record(tx, Changed::Tasks(&[id]))?;
    Ok(id)
}

/// The `work_task_skills` rows of task `id`, in the columns of [`insert_task_skills`]: the
/// required skills first, then the optional ones, in order.
pub(crate) fn task_skill_rows(id: TaskId, t: &Task) -> impl Iterator<Item = Vec<Value>> + '_ {
    t.required
        .iter()
        .map(|r| (r, 1i64))
        .chain(t.optional.iter().map(|r| (r, 0i64)))
        .enumerate()
        .map(move |(ord, (r, required))| {
            vec![
                Value::from(id),
                r.skill.as_str().into(),
                required.into(),
                f64::from(r.weight).into(),
                i64::from(r.min_proficiency.level()).into(),
                (ord as i64).into(),
            ]
        })
}

fn insert_task_skills(tx: &mut dyn Tx, id: TaskId, t: &Task) -> Result<(), StoreError> {
    for row in task_skill_rows(id, t) {
        tx.execute(
            "INSERT INTO work_task_skills (task_id, skill, required, weight, min_proficiency, ord) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &row,
        )?;
    }
    Ok(())
}

const WORKER_COLUMNS: &str = "id, owner_id, name, hours_per_week, available_from, available_until, \
    utc_offset_minutes, work_mode, lat, lon, travel_radius_km, languages, rate_minor, rate_currency, \
    rating, reviews";

const TASK_COLUMNS: &str = "id, owner_id, title, description, place, lat, lon, utc_offset_minutes, \
    min_overlap_hours, hours, hours_per_week, budget_minor, budget_currency, languages, starts, ends, status, \
    project_id, ai_exposure, physical";

/// An account from a row with its columns (`id`, `email`, `display_name`, `created_at`,
/// `role`, `suspension_reason`), read by name.
fn account_from_row(r: &Record) -> Result<Account, StoreError> {
    Ok(Account {
        id: r.id("id")?,
        email: r.text("email")?.to_owned(),
        display_name: r.text("display_name")?.to_owned(),
        created_at: r.text("created_at")?.to_owned(),
        role: r.text("role")?.to_owned(),
        suspended: r.opt_text("suspension_reason")?,
    })
}

fn worker_from_row(r: &Record) -> Result<StoredWorker, StoreError> {
    let location = match (r.opt_real("lat")?, r.opt_real("lon")?) {
        (Some(lat), Some(lon)) => Some(GeoPoint::new(lat, lon).map_err(bad)?),
        _ => None,
    };
    Ok(StoredWorker {
        owner: r.opt_id("owner_id")?,
        worker: Worker {
            id: r.id("id")?,
            name: r.text("name")?.to_owned(),
            skills: Vec::new(),
            hours_per_week: real(r.get("hours_per_week")?)? as f32,
            available_from: date(r.get("available_from")?)?,
            available_until: date(r.get("available_until")?)?,
            utc_offset_minutes: r.int("utc_offset_minutes")? as i32,
            work_mode: WorkMode::parse(r.text("work_mode")?).map_err(bad)?,
            location,
            travel_radius_km: real(r.get("travel_radius_km")?)? as f32,
            languages: langs(r.get("languages")?)?,
            rate: money(r.get("rate_minor")?, r.get("rate_currency")?)?,
            reputation: Reputation {
                rating: real(r.get("rating")?)? as f32,
                reviews: r.int("reviews")? as u32,
            },
        },
    })
}

fn task_from_row(r: &Record) -> Result<StoredTask, StoreError> {
    let place = match r.text("place")? {
        "on_site" => Place::OnSite {
            location: GeoPoint::new(real(r.get("lat")?)?, real(r.get("lon")?)?).map_err(bad)?,
        },
        _ => Place::Remote,
    };
    Ok(StoredTask {
        owner: r.opt_id("owner_id")?,
        status: TaskStatus::parse(r.text("status")?).map_err(bad)?,
        project: r.opt_id("project_id")?,
        ai_exposure: r.opt_real("ai_exposure")?,
        physical: r.opt_int("physical")?.map(|p| p != 0),
        task: Task {
            id: r.id("id")?,
            title: r.text("title")?.to_owned(),
            description: r.text("description")?.to_owned(),
            required: Vec::new(),
            optional: Vec::new(),
            place,
            utc_offset_minutes: r.int("utc_offset_minutes")? as i32,
            min_overlap_hours: real(r.get("min_overlap_hours")?)? as f32,
            hours: real(r.get("hours")?)? as f32,
            hours_per_week: r.opt_real("hours_per_week")?.map(|h| h as f32),
            budget: money(r.get("budget_minor")?, r.get("budget_currency")?)?,
            languages: langs(r.get("languages")?)?,
            starts: date(r.get("starts")?)?,
            ends: date(r.get("ends")?)?,
        },
    })
}

/// Workers chosen by `selection` (a `WHERE …`/`ORDER BY …`/`LIMIT …` tail over `workers`,
/// with `params`), with their skills: two queries, whatever the number of workers.
fn load_workers(
    tx: &mut dyn Tx,
    selection: &str,
    params: &[Value],
) -> Result<Vec<StoredWorker>, StoreError> {
    let mut found = tx
        .query(
            &format!("SELECT {WORKER_COLUMNS} FROM workers {selection}"),
            params,
        )?
        .iter()
        .map(worker_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if found.is_empty() {
        return Ok(found);
    }
    let at: HashMap<i64, usize> = found
        .iter()
        .enumerate()
        .map(|(i, w)| (w.worker.id.0, i))
        .collect();
    let rows = tx.query(
        &format!(
            "SELECT worker_id, skill, proficiency, evidence FROM worker_skills \
             WHERE worker_id IN (SELECT id FROM workers {selection}) ORDER BY worker_id, skill"
        ),
        params,
    )?;
    for r in rows {
        if let Some(&i) = at.get(&r.int("worker_id")?) {
            found[i].worker.skills.push(WorkerSkill {
                skill: skill_id(r.text("skill")?)?,
                proficiency: Proficiency::new(r.int("proficiency")? as u8).map_err(bad)?,
                evidence: Evidence::parse(r.text("evidence")?).map_err(bad)?,
            });
        }
    }
    Ok(found)
}

/// Tasks chosen by `selection` over `work_tasks`, with their skills: two queries.
pub(crate) fn load_tasks(
    tx: &mut dyn Tx,
    selection: &str,
    params: &[Value],
) -> Result<Vec<StoredTask>, StoreError> {
    let mut found = tx
        .query(
            &format!("SELECT {TASK_COLUMNS} FROM work_tasks {selection}"),
            params,
        )?
        .iter()
        .map(task_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if found.is_empty() {
        return Ok(found);
    }
    let at: HashMap<i64, usize> = found
        .iter()
        .enumerate()
        .map(|(i, t)| (t.task.id.0, i))
        .collect();
    let rows = tx.query(
        &format!(
            "SELECT task_id, skill, required, weight, min_proficiency FROM work_task_skills \
             WHERE task_id IN (SELECT id FROM work_tasks {selection}) ORDER BY task_id, ord"
        ),
        params,
    )?;
    for r in rows {
        if let Some(&i) = at.get(&r.int("task_id")?) {
            let req = SkillRequirement {
                skill: skill_id(r.text("skill")?)?,
                weight: real(r.get("weight")?)? as f32,
                min_proficiency: Proficiency::new(r.int("min_proficiency")? as u8).map_err(bad)?,
            };
            if r.int("required")? == 1 {
                found[i].task.required.push(req);
            } else {
                found[i].task.optional.push(req);
            }
        }
    }
    Ok(found)
}

/// [`load_workers`] or [`load_tasks`].
type Loader<T> = fn(&mut dyn Tx, &str, &[Value]) -> Result<Vec<T>, StoreError>;

/// Ids per query when loading by id (well under both backends' limits on parameters).
const IDS_PER_QUERY: usize = 1000;

/// Loads records by id with `load`, in chunks; answers in the order of `ids`, refusing an
/// unknown id as `what` not found.
fn load_by_id<T: Clone>(
    tx: &mut dyn Tx,
    ids: &[i64],
    what: &'static str,
    load: Loader<T>,
    id_of: fn(&T) -> i64,
) -> Result<Vec<T>, StoreError> {
    let mut by_id: HashMap<i64, T> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let selection = format!("WHERE id IN ({})", crate::sql::placeholders(1, chunk.len()));
        let params: Vec<Value> = chunk.iter().map(|&i| i.into()).collect();
        for item in load(tx, &selection, &params)? {
            by_id.insert(id_of(&item), item);
        }
    }
    ids.iter()
        .map(|id| {
            by_id.get(id).cloned().ok_or_else(|| StoreError::NotFound {
                what,
                id: id.to_string(),
            })
        })
        .collect()
}

impl Accounts<'_> {
    /// Creates an account; the e-mail address must be new.
    pub fn create_account(
        &self,
        email: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<Account, StoreError> {
        let email = email.trim().to_lowercase();
        let created_at = self.store.now().to_string();
        self.store.write(|tx| {
            if !tx
                .query(
                    "SELECT 1 FROM accounts WHERE email = $1",
                    &[email.as_str().into()],
                )?
                .is_empty()
            {
                return Err(StoreError::Conflict(format!(
                    "an account with e-mail {email} exists"
                )));
            }
            let rows = tx.query(
                "INSERT INTO accounts (email, display_name, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[
                    email.as_str().into(),
                    display_name.into(),
                    password_hash.into(),
                    created_at.as_str().into(),
                ],
            )?;
            let id: AccountId = first(&rows)?.id("id")?;
            crate::audit::audit(
                tx,
                Some(id),
                "account.created",
                &format!("account:{id}"),
                "",
            )?;
            Ok(Account {
                id,
                email: email.clone(),
                display_name: display_name.to_owned(),
                created_at: created_at.clone(),
                role: "user".to_owned(),
                suspended: None,
            })
        })
    }

    /// The account and password hash for an e-mail address.
    pub fn account_by_email(&self, email: &str) -> Result<Option<(Account, String)>, StoreError> {
        let email = email.trim().to_lowercase();
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT id, email, display_name, created_at, password_hash, role, suspension_reason FROM accounts WHERE email = $1",
                &[email.as_str().into()],
            )?;
            rows.first()
                .map(|r| {
                    Ok((
                        account_from_row(r)?,
                        r.text("password_hash")?.to_owned(),
                    ))
                })
                .transpose()
        })
    }

    /// Stores an API token's hash for an account, limited to `scopes` (space-separated; `None`:
    /// all the account may do); returns the token's id.
    pub fn create_token(
        &self,
        account: AccountId,
        name: &str,
        token_hash: &str,
        scopes: Option<&str>,
    ) -> Result<i64, StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            let rows = tx.query(
                "INSERT INTO api_tokens (account_id, name, token_hash, created_at, scopes) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[account.into(), name.into(), token_hash.into(), stamp.as_str().into(), scopes.into()],
            )?;
            let id = rows[0].int("id")?;
            let detail = match scopes {
                Some(s) => format!("{name} (scopes: {s})"),
                None => name.to_owned(),
            };
            crate::audit::audit(tx, Some(account), "token.created", &format!("token:{id}"), &detail)?;
            Ok(id)
        })
    }

    /// The account a live (unrevoked) API token hash belongs to, and the token's scopes
    /// (`None`: unlimited). Browser sessions are not API tokens: see
    /// [`Accounts::account_for_session`].
    pub fn account_for_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Account, Option<String>)>, StoreError> {
        Ok(self
            .store
            .token_row(token_hash)?
            .filter(|t| t.csrf_hash.is_none())
            .map(|t| (t.account, t.scopes)))
    }

    /// Shares a worker's profile and credentials at its public page, or stops sharing.
    pub fn set_profile_public(&self, worker: WorkerId, public: bool) -> Result<(), StoreError> {
        self.store.write(|tx| {
            let n = tx.execute(
                "UPDATE workers SET public_profile = $1 WHERE id = $2",
                &[i64::from(public).into(), worker.0.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "worker",
                    id: worker.to_string(),
                });
            }
            Ok(())
        })
    }
}

impl Work<'_> {
    /// Adds an occupation a worker says they have done (any taxonomy's id) after the ones they
    /// named before; `may_add` is asked, with how many they hold, inside the transaction (the
    /// reskilling engine's limit). Returns whether it was new: adding one twice changes nothing.
    pub fn add_worker_occupation(
        &self,
        worker: WorkerId,
        occupation: &str,
        may_add: &dyn Fn(usize) -> Result<(), StoreError>,
    ) -> Result<bool, StoreError> {
        self.store.write(|tx| {
            if tx
                .query(
                    "SELECT 1 FROM occupations WHERE id = $1",
                    &[occupation.into()],
                )?
                .is_empty()
            {
                return Err(StoreError::NotFound {
                    what: "occupation",
                    id: occupation.to_owned(),
                });
            }
            if tx
                .query("SELECT 1 FROM workers WHERE id = $1", &[worker.0.into()])?
                .is_empty()
            {
                return Err(StoreError::NotFound {
                    what: "worker",
                    id: worker.to_string(),
                });
            }
            let held = tx.query(
                "SELECT occupation, ord FROM worker_occupations WHERE worker_id = $1",
                &[worker.0.into()],
            )?;
            let mut next = 0;
            for r in &held {
                if r.text("occupation")? == occupation {
                    return Ok(false);
                }
                next = next.max(r.int("ord")? + 1);
            }
            may_add(held.len())?;
            tx.execute(
                "INSERT INTO worker_occupations (worker_id, occupation, ord) VALUES ($1, $2, $3)",
                &[worker.0.into(), occupation.into(), next.into()],
            )?;
            Ok(true)
        })
    }

    /// Removes an occupation from those a worker says they have done; whether it was there.
    pub fn remove_worker_occupation(
        &self,
        worker: WorkerId,
        occupation: &str,
    ) -> Result<bool, StoreError> {
        self.store.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM worker_occupations WHERE worker_id = $1 AND occupation = $2",
                &[worker.0.into(), occupation.into()],
            )? > 0)
        })
    }

    /// Which of `skills` at least one worker profile holds (at any level).
    pub fn held_skills(&self, skills: &[SkillId]) -> Result<Vec<SkillId>, StoreError> {
        if skills.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=skills.len()).map(|i| format!("${i}")).collect();
        let params: Vec<Value> = skills.iter().map(|s| Value::from(s.as_str())).collect();
        self.store.read(|tx| {
            tx.query(
                &format!(
                    "SELECT DISTINCT skill FROM worker_skills WHERE skill IN ({}) ORDER BY skill",
                    marks.join(", ")
                ),
                &params,
            )?
            .iter()
            .map(|r| {
                SkillId::parse(r.text("skill")?)
                    .map_err(|e| StoreError::Backend(format!("stored skill id: {e}")))
            })
            .collect()
        })
    }

    /// The occupations a worker says they have done, in the order they named them.
    pub fn worker_occupations(&self, worker: WorkerId) -> Result<Vec<String>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT occupation FROM worker_occupations WHERE worker_id = $1 ORDER BY ord",
                &[worker.0.into()],
            )?
            .iter()
            .map(|r| r.text("occupation").map(str::to_owned))
            .collect()
        })
    }
}

impl Accounts<'_> {
    /// Whether a worker shares their profile publicly.
    pub fn profile_is_public(&self, worker: WorkerId) -> Result<bool, StoreError> {
        self.store.read(|tx| {
            Ok(tx
                .query(
                    "SELECT public_profile FROM workers WHERE id = $1",
                    &[worker.0.into()],
                )?
                .first()
                .map(|r| r.int("public_profile"))
                .transpose()?
                .unwrap_or(0)
                != 0)
        })
    }

    /// An account's API tokens (not browser sessions), newest first.
    pub fn tokens_of(&self, account: AccountId) -> Result<Vec<TokenInfo>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT id, name, scopes, created_at, revoked_at FROM api_tokens \
                 WHERE account_id = $1 AND csrf_hash IS NULL ORDER BY id DESC LIMIT 500",
                &[account.into()],
            )?
            .iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.id("id")?,
                    name: r.text("name")?.to_owned(),
                    scopes: r
                        .opt_text("scopes")?
                        .map(|s| s.split_whitespace().map(str::to_owned).collect()),
                    created_at: r.text("created_at")?.to_owned(),
                    revoked_at: r.opt_text("revoked_at")?,
                })
            })
            .collect()
        })
    }

    /// The account and CSRF-token hash of a live browser session.
    pub fn account_for_session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<(Account, String)>, StoreError> {
        Ok(self
            .store
            .token_row(token_hash)?
            .and_then(|t| match (t.csrf_hash, t.expires_at) {
                (Some(c), Some(e)) if e.as_str() > now => Some((t.account, c)),
                _ => None,
            }))
    }
}

impl Store {
    /// The account of a live token, with the token's CSRF hash and expiry (sessions only)
    /// and scopes (API tokens only).
    fn token_row(&self, token_hash: &str) -> Result<Option<TokenRow>, StoreError> {
        self.read(|tx| {
            let rows = tx.query(
                "SELECT a.id, a.email, a.display_name, a.created_at, a.role, a.suspension_reason, t.csrf_hash, t.expires_at, t.scopes \
                 FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                &[token_hash.into()],
            )?;
            rows.first()
                .map(|r| {
                    Ok(TokenRow {
                        account: account_from_row(r)?,
                        csrf_hash: r.opt_text("csrf_hash")?,
                        expires_at: r.opt_text("expires_at")?,
                        scopes: r.opt_text("scopes")?,
                    })
                })
                .transpose()
        })
    }
}

impl Accounts<'_> {
    /// Starts a browser session: a fresh token (stored as its hash) with a CSRF token's hash
    /// and an expiry; the session presented before, if any, is ended (no session fixation).
    pub fn create_session(
        &self,
        account: AccountId,
        token_hash: &str,
        csrf_hash: &str,
        expires_at: &str,
        previous: Option<&str>,
    ) -> Result<(), StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            if let Some(old) = previous {
                tx.execute(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
                    &[stamp.as_str().into(), old.into()],
                )?;
            }
            tx.execute(
                "INSERT INTO api_tokens (account_id, name, token_hash, created_at, csrf_hash, expires_at) VALUES ($1, 'session', $2, $3, $4, $5)",
                &[account.into(), token_hash.into(), stamp.as_str().into(), csrf_hash.into(), expires_at.into()],
            )?;
            crate::audit::audit(tx, Some(account), "session.created", &format!("account:{account}"), "")
        })
    }

    /// Ends a browser session.
    pub fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND csrf_hash IS NOT NULL AND revoked_at IS NULL",
                &[stamp.as_str().into(), token_hash.into()],
            )?;
            Ok(())
        })
    }

    /// Sets an account's role (`user` or `admin`), by e-mail.
    pub fn set_role(&self, email: &str, role: &str) -> Result<(), StoreError> {
        if role != "user" && role != "admin" {
            return Err(StoreError::Invalid(format!("role {role:?}: user or admin")));
        }
        self.store.write(|tx| {
            let n = tx.execute(
                "UPDATE accounts SET role = $1 WHERE email = $2",
                &[role.into(), email.trim().to_lowercase().into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "account",
                    id: email.to_owned(),
                });
            }
            crate::audit::audit(tx, None, "account.role", &format!("email:{email}"), role)
        })
    }

    /// Suspends an account with a reason (`Some`), or lifts its suspension (`None`).
    pub fn set_suspension(
        &self,
        account: AccountId,
        reason: Option<&str>,
        by: AccountId,
    ) -> Result<(), StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            let n = tx.execute(
                "UPDATE accounts SET suspended_at = $1, suspension_reason = $2 WHERE id = $3",
                &[reason.map(|_| stamp.clone()).into(), reason.into(), account.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound { what: "account", id: account.to_string() });
            }
            if reason.is_none() {
                tx.execute(
                    "UPDATE appeals SET decided_at = $1, decision = 'lifted' WHERE account_id = $2 AND decided_at IS NULL",
                    &[stamp.as_str().into(), account.into()],
                )?;
            }
            crate::messages::notify(
                tx,
                account,
                "account",
                &format!("account:{account}"),
                &match reason {
                    Some(r) => format!("Your account is suspended: {r}. You can appeal (POST /api/v1/me/appeal)."),
                    None => "Your account's suspension is lifted.".to_owned(),
                },
            )?;
            crate::audit::audit(tx, Some(by), if reason.is_some() { "account.suspended" } else { "account.reinstated" }, &format!("account:{account}"), reason.unwrap_or(""))
        })
    }

    /// A suspended account's appeal.
    pub fn appeal(&self, account: AccountId, text: &str) -> Result<i64, StoreError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 5000 {
            return Err(StoreError::Invalid(
                "an appeal is 1 to 5000 characters".to_owned(),
            ));
        }
        self.store.write(|tx| {
            let suspended = tx.query("SELECT 1 FROM accounts WHERE id = $1 AND suspended_at IS NOT NULL", &[account.into()])?;
            if suspended.is_empty() {
                return Err(StoreError::Conflict("the account is not suspended".to_owned()));
            }
            let id = tx.query(
                "INSERT INTO appeals (account_id, text, created_at) VALUES ($1, $2, $3) RETURNING id",
                &[account.into(), text.into(), tx.now().to_string().into()],
            )?[0].int("id")?;
            crate::audit::audit(tx, Some(account), "account.appeal", &format!("appeal:{id}"), "")?;
            Ok(id)
        })
    }

    /// Appeals not yet decided: (id, account, text, created_at).
    pub fn open_appeals(&self) -> Result<Vec<(i64, i64, String, String)>, StoreError> {
        self.store.read(|tx| {
            tx.query("SELECT id, account_id, text, created_at FROM appeals WHERE decided_at IS NULL ORDER BY id", &[])?
                .iter()
                .map(|r| Ok((r.int("id")?, r.int("account_id")?, r.text("text")?.to_owned(), r.text("created_at")?.to_owned())))
                .collect()
        })
    }

    /// Revokes an account's token by id; `NotFound` when it is not theirs.
    pub fn revoke_token(&self, account: AccountId, token: TokenId) -> Result<(), StoreError> {
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            let n = tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
                &[stamp.as_str().into(), token.into(), account.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "token",
                    id: token.to_string(),
                });
            }
            crate::audit::audit(tx, Some(account), "token.revoked", &format!("token:{token}"), "")
        })
    }
}

impl Work<'_> {
    /// Every worker and every open task, and the matching version they are at, from one
    /// snapshot: what a matching index is built from.
    pub fn matching_snapshot(&self) -> Result<(i64, Vec<Worker>, Vec<Task>), StoreError> {
        self.store.read(|tx| {
            let version = counter(tx, "matching")?;
            let workers = load_workers(tx, "ORDER BY id", &[])?;
            let tasks = load_tasks(tx, "WHERE status = 'open' ORDER BY id", &[])?;
            Ok((
                version,
                workers.into_iter().map(|w| w.worker).collect(),
                tasks.into_iter().map(|t| t.task).collect(),
            ))
        })
    }

    /// What changed for matching after version `since`, from one snapshot: an index at
    /// `since` that applies it is at the returned version.
    pub fn matching_changes(&self, since: i64) -> Result<MatchingChanges, StoreError> {
        self.store.read(|tx| {
            let version = counter(tx, "matching")?;
            let floor = counter(tx, "matching_floor")?;
            // Behind the floor the record is gone; ahead of the store, the store was replaced.
            if since < floor || since > version {
                return Ok(MatchingChanges::Everything { version });
            }
            let rows = tx.query(
                "SELECT DISTINCT kind, entity_id FROM matching_changes \
                 WHERE version > $1 AND version <= $2",
                &[since.into(), version.into()],
            )?;
            let (mut worker_ids, mut task_ids) = (Vec::new(), Vec::new());
            for r in &rows {
                match (r.text("kind")?, r.opt_int("entity_id")?) {
                    ("worker", Some(id)) => worker_ids.push(id),
                    ("task", Some(id)) => task_ids.push(id),
                    _ => return Ok(MatchingChanges::Everything { version }),
                }
            }
            worker_ids.sort_unstable();
            worker_ids.dedup();
            task_ids.sort_unstable();
            task_ids.dedup();
            let mut workers = Vec::with_capacity(worker_ids.len());
            for chunk in worker_ids.chunks(500) {
                let (selection, params) = id_list("WHERE", chunk);
                let mut found: HashMap<i64, Worker> = load_workers(tx, &selection, &params)?
                    .into_iter()
                    .map(|w| (w.worker.id.0, w.worker))
                    .collect();
                workers.extend(chunk.iter().map(|&id| (WorkerId(id), found.remove(&id))));
            }
            let mut tasks = Vec::with_capacity(task_ids.len());
            for chunk in task_ids.chunks(500) {
                let (selection, params) = id_list("WHERE status = 'open' AND", chunk);
                let mut found: HashMap<i64, Task> = load_tasks(tx, &selection, &params)?
                    .into_iter()
                    .map(|t| (t.task.id.0, t.task))
                    .collect();
                tasks.extend(chunk.iter().map(|&id| (TaskId(id), found.remove(&id))));
            }
            Ok(MatchingChanges::Changed {
                version,
                workers,
                tasks,
            })
        })
    }

    /// The taxonomy's version and the matching version (the change counter of workers and
    /// tasks: any write raises it), read together: what a matching index checks before each
    /// use, so one snapshot, not two.
    pub fn matching_key(&self) -> Result<(String, i64), StoreError> {
        self.store.read(|tx| {
            Ok((
                crate::analysis::taxonomy_version(tx)?,
                counter(tx, "matching")?,
            ))
        })
    }

    /// Stores a new worker profile (validated, skills checked against the taxonomy).
    pub fn create_worker(&self, owner: Owner, worker: &Worker) -> Result<WorkerId, StoreError> {
        worker.validate().map_err(bad)?;
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            check_skills(tx, worker.skills.iter().map(|s| &s.skill))?;
            if let Some(o) = owner
                && !tx
                    .query("SELECT 1 FROM workers WHERE owner_id = $1", &[o.into()])?
                    .is_empty()
            {
                return Err(StoreError::Conflict(
                    "this account has a worker profile already: change it instead".to_owned(),
                ));
            }
            let mut params = vec![Value::from(owner)];
            params.extend(worker_params(worker, &stamp));
            params.push(stamp.as_str().into());
            let rows = tx.query(
                "INSERT INTO workers (owner_id, name, hours_per_week, available_from, available_until, \
                 utc_offset_minutes, work_mode, lat, lon, travel_radius_km, languages, rate_minor, \
                 rate_currency, rating, reviews, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
                &params,
            )?;
            let id: WorkerId = first(&rows)?.id("id")?;
            insert_worker_skills(tx, id, worker)?;
            record(tx, Changed::Workers(&[id]))?;
            Ok(id)
        })
    }

    /// Many operator-owned workers in one transaction (the generator's output); ids are
    /// assigned by the store and returned in order.
    pub fn create_workers(&self, workers: &[Worker]) -> Result<Vec<WorkerId>, StoreError> {
        for w in workers {
            w.validate().map_err(bad)?;
        }
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            let mut known = std::collections::HashSet::new();
            let mut ids = Vec::with_capacity(workers.len());
            for w in workers {
                let fresh: Vec<&SkillId> =
                    w.skills.iter().map(|s| &s.skill).filter(|s| !known.contains(*s)).collect();
                check_skills(tx, fresh.iter().copied())?;
                known.extend(fresh.into_iter().cloned());
                let mut params = worker_params(w, &stamp);
                params.push(stamp.as_str().into());
                let rows = tx.query(
                    "INSERT INTO workers (name, hours_per_week, available_from, available_until, \
                     utc_offset_minutes, work_mode, lat, lon, travel_radius_km, languages, rate_minor, \
                     rate_currency, rating, reviews, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
                    &params,
                )?;
                let id: WorkerId = first(&rows)?.id("id")?;
                insert_worker_skills(tx, id, w)?;
                ids.push(id);
            }
            bump(tx)?;
            Ok(ids)
        })
    }

    /// Replaces a worker profile's fields and skills.
    pub fn update_worker(&self, id: WorkerId, worker: &Worker) -> Result<(), StoreError> {
        worker.validate().map_err(bad)?;
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            check_skills(tx, worker.skills.iter().map(|s| &s.skill))?;
            let mut params = worker_params(worker, &stamp);
            params.push(id.0.into());
            let n = tx.execute(
                "UPDATE workers SET name = $1, hours_per_week = $2, available_from = $3, available_until = $4, \
                 utc_offset_minutes = $5, work_mode = $6, lat = $7, lon = $8, travel_radius_km = $9, \
                 languages = $10, rate_minor = $11, rate_currency = $12, rating = $13, reviews = $14, \
                 updated_at = $15 WHERE id = $16",
                &params,
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "worker",
                    id: id.to_string(),
                });
            }
            tx.execute("DELETE FROM worker_skills WHERE worker_id = $1", &[id.0.into()])?;
            insert_worker_skills(tx, id, worker)?;
            record(tx, Changed::Workers(&[id]))
        })
    }

    /// Deletes a worker profile.
    pub fn delete_worker(&self, id: WorkerId) -> Result<(), StoreError> {
        self.store.write(|tx| {
            if tx.execute("DELETE FROM workers WHERE id = $1", &[id.0.into()])? == 0 {
                return Err(StoreError::NotFound {
                    what: "worker",
                    id: id.to_string(),
                });
            }
            record(tx, Changed::Workers(&[id]))
        })
    }

    /// One worker profile.
    pub fn worker(&self, id: WorkerId) -> Result<StoredWorker, StoreError> {
        self.store
            .read(|tx| load_workers(tx, "WHERE id = $1", &[id.0.into()]))?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "worker",
                id: id.to_string(),
            })
    }

    /// Worker profiles by id, in the order given; an unknown id is `NotFound`.
    pub fn workers(&self, ids: &[WorkerId]) -> Result<Vec<StoredWorker>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        self.store
            .read(|tx| load_by_id(tx, &ids, "worker", load_workers, |w| w.worker.id.0))
    }

    /// The worker profile of an account, if it has one.
    pub fn worker_of(&self, account: AccountId) -> Result<Option<StoredWorker>, StoreError> {
        let id = self.store.read(|tx| {
            let rows = tx.query(
                "SELECT id FROM workers WHERE owner_id = $1",
                &[account.into()],
            )?;
            rows.first().map(|r| r.int("id")).transpose()
        })?;
        id.map(|id| self.worker(WorkerId(id))).transpose()
    }

    /// Worker profiles by id, `limit` after id `after`.
    pub fn list_workers(&self, after: i64, limit: usize) -> Result<Vec<StoredWorker>, StoreError> {
        self.store.read(|tx| {
            load_workers(
                tx,
                "WHERE id > $1 ORDER BY id LIMIT $2",
                &[after.into(), (limit as i64).into()],
            )
        })
    }

    /// Every worker profile, for building a match index.
    pub fn all_workers(&self) -> Result<Vec<Worker>, StoreError> {
        let found = self.store.read(|tx| load_workers(tx, "ORDER BY id", &[]))?;
        Ok(found.into_iter().map(|w| w.worker).collect())
    }

    /// Stores a new task (validated, skills checked against the taxonomy), open.
    pub fn create_task(&self, owner: Owner, task: &Task) -> Result<TaskId, StoreError> {
        task.validate().map_err(bad)?;
        self.store
            .write(|tx| insert_task(tx, owner, task, &TaskExtras::open()))
    }

    /// Replaces a task's fields and skills, and sets its state.
    pub fn update_task(
        &self,
        id: TaskId,
        task: &Task,
        status: TaskStatus,
    ) -> Result<(), StoreError> {
        task.validate().map_err(bad)?;
        let stamp = self.store.now().to_string();
        self.store.write(|tx| {
            check_skills(tx, task.required.iter().chain(&task.optional).map(|r| &r.skill))?;
            let mut params = task_params(task, &stamp);
            params.push(status.as_str().into());
            params.push(id.0.into());
            let n = tx.execute(
                "UPDATE work_tasks SET title = $1, description = $2, place = $3, lat = $4, lon = $5, \
                 utc_offset_minutes = $6, min_overlap_hours = $7, hours = $8, hours_per_week = $9, \
                 budget_minor = $10, budget_currency = $11, languages = $12, starts = $13, ends = $14, \
                 updated_at = $15, status = $16 WHERE id = $17",
                &params,
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "task",
                    id: id.to_string(),
                });
            }
            tx.execute("DELETE FROM work_task_skills WHERE task_id = $1", &[id.0.into()])?;
            insert_task_skills(tx, id, task)?;
            record(tx, Changed::Tasks(&[id]))
        })
    }

    /// Deletes a task.
    pub fn delete_task(&self, id: TaskId) -> Result<(), StoreError> {
        self.store.write(|tx| {
            if tx.execute("DELETE FROM work_tasks WHERE id = $1", &[id.0.into()])? == 0 {
                return Err(StoreError::NotFound {
                    what: "task",
                    id: id.to_string(),
                });
            }
            record(tx, Changed::Tasks(&[id]))
        })
    }

    /// One task.
    pub fn task(&self, id: TaskId) -> Result<StoredTask, StoreError> {
        self.store
            .read(|tx| load_tasks(tx, "WHERE id = $1", &[id.0.into()]))?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "task",
                id: id.to_string(),
            })
    }

    /// Tasks by id, in the order given; an unknown id is `NotFound`.
    pub fn tasks(&self, ids: &[TaskId]) -> Result<Vec<StoredTask>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        self.store
            .read(|tx| load_by_id(tx, &ids, "task", load_tasks, |t| t.task.id.0))
    }

    /// The titles of the tasks among `ids` that still exist (a deleted task has none), in one
    /// query per thousand ids.
    pub fn task_titles(&self, ids: &[TaskId]) -> Result<HashMap<TaskId, String>, StoreError> {
        self.store.read(|tx| {
            let mut out = HashMap::with_capacity(ids.len());
            for chunk in ids.chunks(IDS_PER_QUERY) {
                let params: Vec<Value> = chunk.iter().map(|i| i.0.into()).collect();
                for r in tx
                    .query(
                        &format!(
                            "SELECT id, title FROM work_tasks WHERE id IN ({})",
                            crate::sql::placeholders(1, chunk.len())
                        ),
                        &params,
                    )?
                    .iter()
                {
                    out.insert(r.id::<TaskId>("id")?, r.text("title")?.to_owned());
                }
            }
            Ok(out)
        })
    }

    /// Tasks by id, `limit` after id `after`; only `owner`'s when given.
    pub fn list_tasks(
        &self,
        owner: Option<AccountId>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredTask>, StoreError> {
        self.store.read(|tx| match owner {
            Some(o) => load_tasks(
                tx,
                "WHERE owner_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                &[o.into(), after.into(), (limit as i64).into()],
            ),
            None => load_tasks(
                tx,
                "WHERE id > $1 ORDER BY id LIMIT $2",
                &[after.into(), (limit as i64).into()],
            ),
        })
    }

    /// The first `limit` open tasks, by id (what a rehearsal or a benchmark ranks for).
    pub fn first_open_tasks(&self, limit: usize) -> Result<Vec<Task>, StoreError> {
        let found = self.store.read(|tx| {
            load_tasks(
                tx,
                "WHERE status = 'open' ORDER BY id LIMIT $1",
                &[(limit as i64).into()],
            )
        })?;
        Ok(found.into_iter().map(|t| t.task).collect())
    }

    /// Every open task, for building a match index.
    pub fn open_tasks(&self) -> Result<Vec<Task>, StoreError> {
        let found = self
            .store
            .read(|tx| load_tasks(tx, "WHERE status = 'open' ORDER BY id", &[]))?;
        Ok(found.into_iter().map(|t| t.task).collect())
    }
}

impl Taxonomy<'_> {
    /// The id of every skill of the taxonomy, sorted.
    pub fn skill_ids(&self) -> Result<Vec<SkillId>, StoreError> {
        self.store.read(|tx| {
            tx.query("SELECT id FROM skills ORDER BY id", &[])?
                .iter()
                .map(|r| skill_id(r.text("id")?))
                .collect()
        })
    }

    /// What skill similarity is learned from.
    pub fn similarity_input(&self) -> Result<SimilarityInput, StoreError> {
        let occupation_skills = self
            .occupation_skill_weights()?
            .into_iter()
            .map(|(occ, skill, weight)| Ok((occ, skill_id(&skill)?, weight as f32)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let skills = self.skill_ids()?;
        self.store.read(|tx| {
            let broader = tx
                .query(
                    "SELECT from_skill, to_skill FROM skill_relations WHERE kind = 'broader'",
                    &[],
                )?
                .iter()
                .map(|r| {
                    Ok((
                        skill_id(r.text("from_skill")?)?,
                        skill_id(r.text("to_skill")?)?,
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(SimilarityInput {
                skills,
                occupation_skills,
                broader,
            })
        })
    }

    /// Occupations with their skills and weights, for the generator; only `source`'s when given.
    pub fn occupation_profiles(
        &self,
        source: Option<guild_taxonomy::Source>,
    ) -> Result<Vec<guild_matching::generate::OccupationProfile>, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT os.occupation, os.skill, os.weight FROM occupation_skills os \
                 JOIN occupations o ON o.id = os.occupation \
                 WHERE ($1 = '' OR o.source = $1) ORDER BY os.occupation, os.skill",
                &[source.map_or("", |s| s.as_str()).into()],
            )?;
            let mut out: Vec<guild_matching::generate::OccupationProfile> = Vec::new();
            for r in rows {
                let occ = r.text("occupation")?;
                let weight = r.opt_real("weight")?.unwrap_or(0.0) as f32;
                if weight <= 0.0 {
                    continue;
                }
                if out.last().is_none_or(|o| o.id != occ) {
                    out.push(guild_matching::generate::OccupationProfile {
                        id: occ.to_owned(),
                        skills: Vec::new(),
                    });
                }
                if let Some(last) = out.last_mut() {
                    last.skills.push((skill_id(r.text("skill")?)?, weight));
                }
            }
            Ok(out)
        })
    }
}
