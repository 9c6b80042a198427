//! Skill tests, as use cases: an organisation sets a test; a candidate starts an attempt (a
//! random draw from the bank, a deadline, refused while one is under way or within the
//! cooldown after a failure); the attempt is marked by the market's rules (the candidate's
//! answers at once, late ones failing; an assessor's marks for practical tasks), which the
//! store applies in its transaction; and a pass shows on the worker's profile as assessed,
//! earns the organisation's Open Badges credential for the skill, issued here and recorded
//! on the attempt, and approves the training milestones that
//! wait for it.

use guild_credentials::badge::BadgeEvidence;
use guild_credentials::issuer::{Issuer, Publication};
use guild_credentials::issuing::{SkillAward, TEST_PASS_YEARS};
use guild_credentials::proof::Cryptosuite;
use guild_ids::{AccountId, AttemptId, OrganisationId, SkillTestId, WorkerId};
use guild_market::assessment::{
    Answer, AttemptFacts, Marked, Marking, NewSkillTest, draw, mark_attempt, may_start,
};
use guild_store::{AttemptView, SkillTestView, StoreError};

use crate::Platform;

/// The market's marking, as the store's transaction wants it.
fn marked(facts: &AttemptFacts<'_>, marking: Marking<'_>) -> Result<Marked, StoreError> {
    mark_attempt(facts, marking).map_err(StoreError::AttemptRefused)
}

impl Platform {
    /// Organisation `organisation` sets skill test `new`, checked first.
    pub fn create_skill_test(
        &self,
        organisation: OrganisationId,
        new: &NewSkillTest,
    ) -> Result<SkillTestView, StoreError> {
        new.check()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.store
            .credentials()
            .create_skill_test(organisation, new)
    }

    /// Starts an attempt at `test` for `account`'s worker profile `worker`: the questions
    /// drawn at random, the deadline the test's time limit from now; refused while another
    /// attempt is under way, or within the cooldown after a failure.
    pub fn start_attempt(
        &self,
        test: SkillTestId,
        account: AccountId,
        worker: WorkerId,
    ) -> Result<AttemptView, StoreError> {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed)
            .map_err(|e| StoreError::Backend(format!("no randomness: {e}")))?;
        self.store
            .credentials()
            .start_attempt(test, account, worker, &|t, last, now| {
                may_start(last, t.cooldown_hours, now).map_err(StoreError::AttemptRefused)?;
                let drawn = draw(
                    usize::try_from(t.bank_size).unwrap_or(0),
                    usize::try_from(t.questions_per_attempt).unwrap_or(0),
                    u64::from_le_bytes(seed),
                )
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
                Ok((
                    drawn,
                    now + jiff::SignedDuration::from_mins(t.time_limit_minutes),
                ))
            })
    }

    /// The candidate's answers to attempt `id` (of `account`), handed in at `now`: marked at
    /// once (late answers fail the attempt), and a pass certified.
    pub fn submit_attempt(
        &self,
        publication: &Publication,
        id: AttemptId,
        account: AccountId,
        answers: &[Option<Answer>],
        now: jiff::Timestamp,
    ) -> Result<AttemptView, StoreError> {
        let view = self.store.credentials().mark_attempt(id, &|view, facts| {
            // To anyone but its candidate, the attempt does not exist.
            if view.account != account {
                return Err(StoreError::NotFound {
                    what: "attempt",
                    id: id.to_string(),
                });
            }
            marked(facts, Marking::Answers(answers, now))
        })?;
        self.certify_pass(publication, view)
    }

    /// An assessor's marks for the practical tasks of attempt `id` (`right` per question
    /// number, from 1), and a pass certified.
    pub fn assess_attempt(
        &self,
        publication: &Publication,
        id: AttemptId,
        marks: &[(usize, bool)],
    ) -> Result<AttemptView, StoreError> {
        let view = self
            .store
            .credentials()
            .mark_attempt(id, &|_, facts| marked(facts, Marking::Assessor(marks)))?;
        self.certify_pass(publication, view)
    }

    /// A passed attempt earns the test's organisation's credential for the skill at the test's
    /// level; anything else is answered as it is. When the organisation has no key yet, the
    /// pass stands and the attempt says why no credential came with it.
    fn certify_pass(
        &self,
        publication: &Publication,
        view: AttemptView,
    ) -> Result<AttemptView, StoreError> {
        if view.status != guild_market::assessment::AttemptStatus::Passed {
            return Ok(view);
        }
        let test = self.store.credentials().skill_test(view.test)?;
        // A training gig whose milestone is this pass pays its trainer.
        self.training_passed(view.account, view.test)?;
        // The profile shows the skill as assessed.
        self.store
            .credentials()
            .record_assessed(view.worker, &test.skill, test.level)?;
        let organisation = match self.store.accounts().organisation(&test.organisation) {
            Ok(o) => o,
            Err(StoreError::NotFound { .. }) => return Ok(view),
            Err(e) => return Err(e),
        };
        let award = SkillAward {
            worker: view.worker,
            skill: test.skill,
            level: u8::try_from(test.level).unwrap_or(1),
            evidence: vec![BadgeEvidence {
                id: Some(format!("{}/attempts/{}", publication.base_url, view.id)),
                name: format!("Skill test: {}", test.title),
                description: view.detail.clone().unwrap_or_default(),
                kind: "test".to_owned(),
            }],
            years: TEST_PASS_YEARS,
            suites: vec![Cryptosuite::EddsaRdfc2022],
        };
        match self.issue_skill(
            publication,
            &Issuer::Organisation(organisation),
            None,
            &award,
        ) {
            Ok(c) => self
                .store
                .credentials()
                .set_attempt_credential(view.id, &c.id)?,
            Err(StoreError::Conflict(why)) => self.store.credentials().set_attempt_detail(
                view.id,
                &format!(
                    "{}; no credential: {why}",
                    view.detail.clone().unwrap_or_default()
                ),
            )?,
            Err(e) => return Err(e),
        }
        self.store.credentials().attempt(view.id)
    }
}
