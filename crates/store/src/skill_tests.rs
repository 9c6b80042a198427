//! Skill tests in the store: an organisation's question bank per test; attempts with a random
//! draw, a time limit and a cooldown after a failure; marking at once, or by an assessor for
//! practical tasks; and, on a pass, `assessed` evidence on the worker's profile. The
//! organisation's Open Badges credential a pass earns is issued by the platform
//! (`guild_platform::Platform::submit_attempt`), which records it on the attempt here.

use crate::areas::Credentials;
use guild_ids::{AccountId, AttemptId, OrganisationId, SkillTestId, WorkerId};
use guild_market::assessment::{
    self, Answer, AskedQuestion, AttemptFacts, AttemptStatus, LastAttempt, Mark, Marked,
    NewSkillTest, Question,
};
use guild_matching::Evidence;
use serde::Serialize;

use crate::StoreError;
use crate::ledger::market_error;
use crate::sql::{Record, Tx};

/// A skill test as listed (never with its answers).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillTestView {
    /// Its number.
    pub id: SkillTestId,
    /// The organisation that sets it and certifies a pass.
    pub organisation: String,
    /// The skill it tests.
    pub skill: String,
    /// The level a pass certifies, 1–5.
    pub level: i64,
    /// Its title.
    pub title: String,
    /// Questions drawn per attempt.
    pub questions_per_attempt: i64,
    /// Questions in the bank.
    pub bank_size: i64,
    /// Percent of questions to get right.
    pub pass_percent: i64,
    /// Time allowed, in minutes.
    pub time_limit_minutes: i64,
    /// Hours to wait after a failed attempt.
    pub cooldown_hours: i64,
}

/// An attempt as its candidate (or the organisation's assessors) see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptView {
    /// Its number.
    pub id: AttemptId,
    /// The test.
    pub test: SkillTestId,
    /// The candidate's account.
    pub account: AccountId,
    /// The candidate's worker profile.
    pub worker: WorkerId,
    /// `in_progress`, `awaiting_assessor`, `passed` or `failed`.
    pub status: AttemptStatus,
    /// The questions, without answers.
    pub questions: Vec<AskedQuestion>,
    /// When it started.
    pub started_at: String,
    /// When answers must be in.
    pub deadline: String,
    /// The marks, once answered.
    pub marks: Vec<Mark>,
    /// What was handed in (for assessors).
    pub answers: Vec<Option<Answer>>,
    /// Why it ended as it did.
    pub detail: Option<String>,
    /// The credential a pass earned.
    pub credential: Option<String>,
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("stored JSON: {e}")))
}

fn text<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(e.to_string()))
}

const TEST_COLUMNS: &str = "t.id, o.slug, t.skill, t.level, t.title, t.questions_per_attempt, t.bank, t.pass_percent, t.time_limit_secs, t.cooldown_hours, t.organisation_id";

struct StoredTest {
    view: SkillTestView,
    bank: Vec<Question>,
    organisation: OrganisationId,
}

fn test_from(r: &Record) -> Result<StoredTest, StoreError> {
    let bank: Vec<Question> = json(r.text("bank")?)?;
    Ok(StoredTest {
        view: SkillTestView {
            id: r.id("id")?,
            organisation: r.text("slug")?.to_owned(),
            skill: r.text("skill")?.to_owned(),
            level: r.int("level")?,
            title: r.text("title")?.to_owned(),
            questions_per_attempt: r.int("questions_per_attempt")?,
            bank_size: bank.len() as i64,
            pass_percent: r.int("pass_percent")?,
            time_limit_minutes: r.int("time_limit_secs")? / 60,
            cooldown_hours: r.int("cooldown_hours")?,
        },
        bank,
        organisation: r.id("organisation_id")?,
    })
}

fn load_test(tx: &mut dyn Tx, id: SkillTestId) -> Result<StoredTest, StoreError> {
    tx.query(
        &format!("SELECT {TEST_COLUMNS} FROM skill_tests t JOIN organisations o ON o.id = t.organisation_id WHERE t.id = $1"),
        &[id.into()],
    )?
    .first()
    .map(test_from)
    .ok_or_else(|| StoreError::NotFound {
        what: "skill test",
        id: id.to_string(),
    })?
}

const ATTEMPT_COLUMNS: &str = "id, test_id, account_id, worker_id, drawn, started_at, deadline, answers, marks, status, detail, credential_id";

fn attempt_from(tx: &mut dyn Tx, r: &Record) -> Result<(AttemptView, StoredTest), StoreError> {
    let test = load_test(tx, r.id("test_id")?)?;
    let drawn: Vec<usize> = json(r.text("drawn")?)?;
    let questions = drawn
        .iter()
        .enumerate()
        .filter_map(|(i, q)| test.bank.get(*q).map(|q| assessment::ask(q, i + 1)))
        .collect();
    Ok((
        AttemptView {
            id: r.id("id")?,
            test: r.id("test_id")?,
            account: r.id("account_id")?,
            worker: r.id("worker_id")?,
            status: AttemptStatus::parse(r.text("status")?).map_err(market_error)?,
            questions,
            started_at: r.text("started_at")?.to_owned(),
            deadline: r.text("deadline")?.to_owned(),
            answers: r
                .opt_text("answers")?
                .map(|t| json(&t))
                .transpose()?
                .unwrap_or_default(),
            marks: r
                .opt_text("marks")?
                .map(|t| json(&t))
                .transpose()?
                .unwrap_or_default(),
            detail: r.opt_text("detail")?,
            credential: r.opt_text("credential_id")?,
        },
        test,
    ))
}

fn load_attempt(
    tx: &mut dyn Tx,
    id: AttemptId,
) -> Result<(AttemptView, StoredTest, Vec<usize>), StoreError> {
    let rows = tx.query(
        &format!("SELECT {ATTEMPT_COLUMNS} FROM test_attempts WHERE id = $1"),
        &[id.into()],
    )?;
    let r = rows.first().ok_or_else(|| StoreError::NotFound {
        what: "attempt",
        id: id.to_string(),
    })?;
    let drawn: Vec<usize> = json(r.text("drawn")?)?;
    let (view, test) = attempt_from(tx, r)?;
    Ok((view, test, drawn))
}

impl Credentials<'_> {
    /// Sets a skill test in an organisation's name (its settings checked by the caller).
    pub fn create_skill_test(
        &self,
        organisation: OrganisationId,
        new: &NewSkillTest,
    ) -> Result<SkillTestView, StoreError> {
        let skill = guild_taxonomy::SkillId::parse(&new.skill)
            .map_err(|e| StoreError::Invalid(format!("skill: {e}")))?;
        let title = new.title.trim();
        self.store.write(|tx| {
            crate::matching::check_skills(tx, std::iter::once(&skill))?;
            let id = tx
                .query(
                    "INSERT INTO skill_tests (organisation_id, skill, level, title, questions_per_attempt, pass_percent, time_limit_secs, cooldown_hours, bank, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[
                        organisation.into(),
                        skill.as_str().into(),
                        i64::from(new.level).into(),
                        title.into(),
                        (new.questions_per_attempt as i64).into(),
                        i64::from(new.pass_percent).into(),
                        (new.time_limit_minutes * 60).into(),
                        new.cooldown_hours.into(),
                        text(&new.questions)?.into(),
                        tx.now().to_string().into(),
                    ],
                )?
                .first()
                .map(|r| r.id::<SkillTestId>("id"))
                .transpose()?
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?;
            Ok(load_test(tx, id)?.view)
        })
    }

    /// Skill tests, of one skill when given.
    pub fn skill_tests(&self, skill: Option<&str>) -> Result<Vec<SkillTestView>, StoreError> {
        self.store.read(|tx| {
            let rows = match skill {
                Some(s) => tx.query(
                    &format!("SELECT {TEST_COLUMNS} FROM skill_tests t JOIN organisations o ON o.id = t.organisation_id WHERE t.skill = $1 ORDER BY t.id"),
                    &[s.into()],
                )?,
                None => tx.query(
                    &format!("SELECT {TEST_COLUMNS} FROM skill_tests t JOIN organisations o ON o.id = t.organisation_id ORDER BY t.id LIMIT 500"),
                    &[],
                )?,
            };
            rows.iter().map(|r| test_from(r).map(|t| t.view)).collect()
        })
    }

    /// Attempts at `organisation`'s tests that wait for an assessor to mark practical work,
    /// oldest first (at most 100).
    pub fn attempts_awaiting(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<AttemptView>, StoreError> {
        self.store.read(|tx| {
            let ids: Vec<AttemptId> = tx
                .query(
                    "SELECT a.id FROM test_attempts a JOIN skill_tests t ON t.id = a.test_id \
                     WHERE t.organisation_id = $1 AND a.status = 'awaiting_assessor' ORDER BY a.id LIMIT 100",
                    &[organisation.into()],
                )?
                .iter()
                .map(|r| r.id("id"))
                .collect::<Result<_, _>>()?;
            ids.into_iter()
                .map(|id| Ok(load_attempt(tx, id)?.0))
                .collect()
        })
    }

    /// The organisation that sets an attempt's test (for assessors' access).
    pub fn attempt_organisation(&self, attempt: AttemptId) -> Result<OrganisationId, StoreError> {
        self.store
            .read(|tx| Ok(load_attempt(tx, attempt)?.1.organisation))
    }

    /// One attempt.
    pub fn attempt(&self, id: AttemptId) -> Result<AttemptView, StoreError> {
        self.store.read(|tx| Ok(load_attempt(tx, id)?.0))
    }

    /// The skill test `id`.
    pub fn skill_test(&self, id: SkillTestId) -> Result<SkillTestView, StoreError> {
        self.store.read(|tx| Ok(load_test(tx, id)?.view))
    }

    /// Records the credential `credential` that attempt `id`'s pass earned.
    pub fn set_attempt_credential(
        &self,
        id: AttemptId,
        credential: &str,
    ) -> Result<(), StoreError> {
        self.store.write(|tx| {
            tx.execute(
                "UPDATE test_attempts SET credential_id = $1 WHERE id = $2",
                &[credential.into(), id.into()],
            )?;
            Ok(())
        })
    }

    /// Replaces what attempt `id` says about why it ended as it did.
    pub fn set_attempt_detail(&self, id: AttemptId, detail: &str) -> Result<(), StoreError> {
        self.store.write(|tx| {
            tx.execute(
                "UPDATE test_attempts SET detail = $1 WHERE id = $2",
                &[detail.into(), id.into()],
            )?;
            Ok(())
        })
    }

    /// Starts an attempt at `test` for `account`'s worker profile `worker`, as `plan` says on
    /// the test and the candidate's latest attempt at it (the questions drawn and the
    /// deadline, or why not), in one transaction.
    pub fn start_attempt(
        &self,
        test: SkillTestId,
        account: AccountId,
        worker: WorkerId,
        plan: PlanAttempt<'_>,
    ) -> Result<AttemptView, StoreError> {
        self.store.write(|tx| {
            let now = tx.now();
            let t = load_test(tx, test)?;
            let last = tx.query(
                "SELECT status, deadline, submitted_at FROM test_attempts WHERE test_id = $1 AND account_id = $2 ORDER BY id DESC LIMIT 1",
                &[test.into(), account.into()],
            )?;
            let stamp = |t: &str| -> Result<jiff::Timestamp, StoreError> {
                t.parse().map_err(|e| StoreError::Backend(format!("a stored time: {e}")))
            };
            let last = match last.first() {
                Some(r) => Some(LastAttempt {
                    status: AttemptStatus::parse(r.text("status")?).map_err(market_error)?,
                    deadline: stamp(r.text("deadline")?)?,
                    submitted_at: r.opt_text("submitted_at")?.as_deref().map(stamp).transpose()?,
                }),
                None => None,
            };
            let (drawn, deadline) = plan(&t.view, last, now)?;
            let id = tx
                .query(
                    "INSERT INTO test_attempts (test_id, account_id, worker_id, drawn, started_at, deadline, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'in_progress') RETURNING id",
                    &[test.into(), account.into(), worker.into(), text(&drawn)?.into(), now.to_string().into(), deadline.to_string().into()],
                )?
                .first()
                .map(|r| r.id::<AttemptId>("id"))
                .transpose()?
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))?;
            Ok(load_attempt(tx, id)?.0)
        })
    }

    /// Marks attempt `id` as `decide` says on the attempt (locked, then read) and its test,
    /// in one transaction; answers the attempt as it now stands.
    pub fn mark_attempt(
        &self,
        id: AttemptId,
        decide: MarkAttempt<'_>,
    ) -> Result<AttemptView, StoreError> {
        self.store.write(|tx| {
            tx.execute("UPDATE test_attempts SET status = status WHERE id = $1", &[id.into()])?;
            let (view, test, drawn) = load_attempt(tx, id)?;
            let deadline: jiff::Timestamp = view
                .deadline
                .parse()
                .map_err(|e| StoreError::Backend(format!("a stored deadline: {e}")))?;
            let facts = AttemptFacts {
                status: view.status,
                deadline,
                bank: &test.bank,
                drawn: &drawn,
                answers: &view.answers,
                marks: &view.marks,
                pass_percent: u8::try_from(test.view.pass_percent).unwrap_or(100),
            };
            let marked = decide(&view, &facts)?;
            tx.execute(
                "UPDATE test_attempts SET submitted_at = COALESCE(submitted_at, $1), answers = $2, marks = $3, status = $4, detail = $5 WHERE id = $6",
                &[tx.now().to_string().into(), text(&marked.answers)?.into(), text(&marked.marks)?.into(), marked.status.as_str().into(), marked.detail.as_str().into(), id.into()],
            )?;
            crate::audit::audit(tx, Some(view.account), "skill_test.marked", &format!("attempt:{id}"), marked.status.as_str())?;
            Ok(load_attempt(tx, id)?.0)
        })
    }

    /// Worker `worker`'s profile shows `skill` at `level` as assessed (raised to it, never
    /// lowered), and matching hears of the change.
    pub fn record_assessed(
        &self,
        worker: WorkerId,
        skill: &str,
        level: i64,
    ) -> Result<(), StoreError> {
        self.store.write(|tx| {
            crate::matching::raise_skill(tx, worker, skill, level, Evidence::Assessed)?;
            crate::matching::record(tx, crate::matching::Changed::Workers(&[worker]))
        })
    }
}

/// What decides a new attempt: on the test, the candidate's latest attempt at it and the
/// time, the questions drawn (indexes into the bank) and the deadline.
pub type PlanAttempt<'a> = &'a dyn Fn(
    &SkillTestView,
    Option<LastAttempt>,
    jiff::Timestamp,
) -> Result<(Vec<usize>, jiff::Timestamp), StoreError>;

/// What marks an attempt: on the attempt as its candidate sees it and as it is kept, what to
/// keep.
pub type MarkAttempt<'a> =
    &'a dyn Fn(&AttemptView, &AttemptFacts<'_>) -> Result<Marked, StoreError>;
