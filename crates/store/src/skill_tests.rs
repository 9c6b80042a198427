//! Skill tests in the store: an organisation's question bank per test; attempts with a random
//! draw, a time limit and a cooldown after a failure; marking at once, or by an assessor for
//! practical tasks; and, on a pass, `assessed` evidence on the worker's profile. The
//! organisation's Open Badges credential a pass earns is issued by the platform
//! (`guild_platform::Platform::submit_attempt`), which records it on the attempt here.

use guild_ids::{AccountId, AttemptId, OrganisationId, SkillTestId, WorkerId};
use guild_market::assessment::{self, Answer, AskedQuestion, AttemptStatus, Mark, Question};
use guild_matching::Evidence;
use serde::Serialize;

use crate::ledger::market_error;
use crate::sql::{Record, Tx};
use crate::{Store, StoreError};

use guild_market::assessment::GRACE_SECS;

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

/// A new skill test.
#[derive(Debug, Clone)]
pub struct NewSkillTest {
    /// The skill (taxonomy id).
    pub skill: String,
    /// The level a pass certifies.
    pub level: u8,
    /// Its title.
    pub title: String,
    /// Questions per attempt.
    pub questions_per_attempt: usize,
    /// Percent to pass.
    pub pass_percent: u8,
    /// Minutes allowed.
    pub time_limit_minutes: i64,
    /// Hours to wait after a failure.
    pub cooldown_hours: i64,
    /// The bank.
    pub questions: Vec<Question>,
}

fn market<T>(r: Result<T, guild_market::MarketError>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Invalid(e.to_string()))
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

impl Store {
    /// Sets a skill test in an organisation's name.
    pub fn create_skill_test(
        &self,
        organisation: OrganisationId,
        new: &NewSkillTest,
    ) -> Result<SkillTestView, StoreError> {
        market(assessment::check_bank(&new.questions))?;
        let skill = guild_taxonomy::SkillId::parse(&new.skill)
            .map_err(|e| StoreError::Invalid(format!("skill: {e}")))?;
        if !(1..=5).contains(&new.level) {
            return Err(StoreError::Invalid("level: 1 to 5".to_owned()));
        }
        if new.questions_per_attempt == 0 || new.questions_per_attempt > new.questions.len() {
            return Err(StoreError::Invalid(format!(
                "questions_per_attempt: 1 to the bank's {} questions",
                new.questions.len()
            )));
        }
        if !(1..=100).contains(&new.pass_percent)
            || !(1..=600).contains(&new.time_limit_minutes)
            || !(0..=24 * 90).contains(&new.cooldown_hours)
        {
            return Err(StoreError::Invalid(
                "pass_percent 1–100, time_limit_minutes 1–600, cooldown_hours 0–2160".to_owned(),
            ));
        }
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(StoreError::Invalid("title: 1 to 200 characters".to_owned()));
        }
        self.write(|tx| {
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
        self.read(|tx| {
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

    /// The organisation that sets an attempt's test (for assessors' access).
    pub fn attempt_organisation(&self, attempt: AttemptId) -> Result<OrganisationId, StoreError> {
        self.read(|tx| Ok(load_attempt(tx, attempt)?.1.organisation))
    }

    /// One attempt.
    pub fn attempt(&self, id: AttemptId) -> Result<AttemptView, StoreError> {
        self.read(|tx| Ok(load_attempt(tx, id)?.0))
    }

    /// The skill test `id`.
    pub fn skill_test(&self, id: SkillTestId) -> Result<SkillTestView, StoreError> {
        self.read(|tx| Ok(load_test(tx, id)?.view))
    }

    /// Records the credential `credential` that attempt `id`'s pass earned.
    pub fn set_attempt_credential(
        &self,
        id: AttemptId,
        credential: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE test_attempts SET credential_id = $1 WHERE id = $2",
                &[credential.into(), id.into()],
            )?;
            Ok(())
        })
    }

    /// Replaces what attempt `id` says about why it ended as it did.
    pub fn set_attempt_detail(&self, id: AttemptId, detail: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE test_attempts SET detail = $1 WHERE id = $2",
                &[detail.into(), id.into()],
            )?;
            Ok(())
        })
    }

    /// Starts an attempt for `account`'s worker profile `worker` at `now`: refused while
    /// another attempt at the test is in progress, and within the cooldown after a failure.
    pub fn start_attempt(
        &self,
        test: SkillTestId,
        account: AccountId,
        worker: WorkerId,
        now: jiff::Timestamp,
    ) -> Result<AttemptView, StoreError> {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed)
            .map_err(|e| StoreError::Backend(format!("no randomness: {e}")))?;
        self.write(|tx| {
            let t = load_test(tx, test)?;
            let last = tx.query(
                "SELECT status, deadline, submitted_at FROM test_attempts WHERE test_id = $1 AND account_id = $2 ORDER BY id DESC LIMIT 1",
                &[test.into(), account.into()],
            )?;
            if let Some(r) = last.first() {
                let status = AttemptStatus::parse(r.text("status")?).map_err(market_error)?;
                let deadline: jiff::Timestamp = r.text("deadline")?.parse().map_err(|e| StoreError::Backend(format!("{e}")))?;
                let status = status.at_deadline(deadline <= now);
                if status == AttemptStatus::InProgress {
                    return Err(StoreError::Conflict(format!("an attempt at this test is in progress until {deadline}")));
                }
                if status == AttemptStatus::Failed {
                    let ended: jiff::Timestamp = match r.opt_text("submitted_at")? {
                        Some(s) => s.parse().map_err(|e| StoreError::Backend(format!("{e}")))?,
                        None => deadline,
                    };
                    let free = ended + jiff::SignedDuration::from_hours(t.view.cooldown_hours);
                    if free > now {
                        return Err(StoreError::Conflict(format!(
                            "after a failed attempt, the next can start at {free} (a cooldown of {} hours)",
                            t.view.cooldown_hours
                        )));
                    }
                }
            }
            let drawn = market(assessment::draw(
                t.bank.len(),
                usize::try_from(t.view.questions_per_attempt).unwrap_or(0),
                u64::from_le_bytes(seed),
            ))?;
            let deadline = now + jiff::SignedDuration::from_mins(t.view.time_limit_minutes);
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

    /// The candidate's answers: marked at once; late answers fail the attempt. A pass raises
    /// the worker's skill as `assessed`; its credential is the platform's to issue.
    pub fn submit_attempt(
        &self,
        id: AttemptId,
        account: AccountId,
        answers: &[Option<Answer>],
        now: jiff::Timestamp,
    ) -> Result<AttemptView, StoreError> {
        let (view, _test, drawn) = self.read(|tx| load_attempt(tx, id))?;
        if view.account != account {
            return Err(StoreError::NotFound {
                what: "attempt",
                id: id.to_string(),
            });
        }
        if !view.status.answerable() {
            return Err(StoreError::Conflict(format!(
                "attempt {id} is {} already",
                view.status
            )));
        }
        if answers.len() != drawn.len() {
            return Err(StoreError::Invalid(format!(
                "{} answers for {} questions (send null for a question left out)",
                answers.len(),
                drawn.len()
            )));
        }
        let deadline: jiff::Timestamp = view
            .deadline
            .parse()
            .map_err(|e| StoreError::Backend(format!("{e}")))?;
        let late = now > deadline + jiff::SignedDuration::from_secs(GRACE_SECS);
        self.finish(id, Some(answers), None, late, now)
    }

    /// An assessor's marks for the practical tasks of an attempt awaiting one (`right` per
    /// question number, from 1). A pass raises the worker's skill as `assessed`; its
    /// credential is the platform's to issue.
    pub fn assess_attempt(
        &self,
        id: AttemptId,
        marks: &[(usize, bool)],
        now: jiff::Timestamp,
    ) -> Result<AttemptView, StoreError> {
        self.finish(id, None, Some(marks), false, now)
    }

    fn finish(
        &self,
        id: AttemptId,
        answers: Option<&[Option<Answer>]>,
        assessed: Option<&[(usize, bool)]>,
        late: bool,
        now: jiff::Timestamp,
    ) -> Result<AttemptView, StoreError> {
        let (view, test) = self.write(|tx| {
            // Lock the attempt, then read it.
            tx.execute("UPDATE test_attempts SET status = status WHERE id = $1", &[id.into()])?;
            let (view, test, drawn) = load_attempt(tx, id)?;
            let (answers, mut marks): (Vec<Option<Answer>>, Vec<Mark>) = match (answers, assessed) {
                (Some(a), _) => {
                    if !view.status.answerable() {
                        return Err(StoreError::Conflict(format!("attempt {id} is {} already", view.status)));
                    }
                    let marks = drawn.iter().zip(a).map(|(q, a)| assessment::mark(&test.bank[*q], a.as_ref())).collect();
                    (a.to_vec(), marks)
                }
                (None, Some(given)) => {
                    if !view.status.assessable() {
                        return Err(StoreError::Conflict(format!("attempt {id} is {}: nothing to assess", view.status)));
                    }
                    let mut marks = view.marks.clone();
                    for (n, right) in given {
                        match marks.get_mut(n.wrapping_sub(1)) {
                            Some(m @ Mark::Pending) => *m = if *right { Mark::Right } else { Mark::Wrong },
                            _ => return Err(StoreError::Invalid(format!("question {n} is not a practical task awaiting marks"))),
                        }
                    }
                    (view.answers.clone(), marks)
                }
                (None, None) => return Err(StoreError::Invalid("nothing to mark".to_owned())),
            };
            if late {
                marks.fill(Mark::Wrong);
            }
            let outcome = assessment::outcome(&marks, u8::try_from(test.view.pass_percent).unwrap_or(100));
            let status = AttemptStatus::marked(outcome, late);
            let detail = match (late, outcome) {
                (true, _) => "answers arrived after the time limit".to_owned(),
                (false, None) => "practical tasks wait for an assessor".to_owned(),
                (false, Some(_)) => {
                    let right = marks.iter().filter(|m| **m == Mark::Right).count();
                    format!("{right} of {} right; {} % needed", marks.len(), test.view.pass_percent)
                }
            };
            tx.execute(
                "UPDATE test_attempts SET submitted_at = COALESCE(submitted_at, $1), answers = $2, marks = $3, status = $4, detail = $5 WHERE id = $6",
                &[now.to_string().into(), text(&answers)?.into(), text(&marks)?.into(), status.as_str().into(), detail.into(), id.into()],
            )?;
            crate::audit::audit(tx, Some(view.account), "skill_test.marked", &format!("attempt:{id}"), status.as_str())?;
            Ok((load_attempt(tx, id)?.0, test))
        })?;
        if view.status != AttemptStatus::Passed {
            return Ok(view);
        }
        // A pass: the profile shows the skill as assessed.
        self.write(|tx| {
            crate::matching::raise_skill(
                tx,
                view.worker,
                &test.view.skill,
                test.view.level,
                Evidence::Assessed,
            )?;
            crate::matching::record(tx, crate::matching::Changed::Workers(&[view.worker]))
        })?;
        Ok(view)
    }
}
