//! Skill tests, as use cases: an attempt is marked by the store (the candidate's answers, or
//! an assessor's marks), and a pass earns the organisation's Open Badges credential for the
//! skill, issued here and recorded on the attempt, and approves the training milestones that
//! wait for it.

use guild_credentials::badge::BadgeEvidence;
use guild_credentials::issuer::{Issuer, Publication};
use guild_credentials::issuing::{SkillAward, TEST_PASS_YEARS};
use guild_credentials::proof::Cryptosuite;
use guild_ids::{AccountId, AttemptId};
use guild_market::assessment::Answer;
use guild_store::{AttemptView, StoreError};

use crate::Platform;

impl Platform {
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
        let view = self.store.submit_attempt(id, account, answers, now)?;
        self.certify_pass(publication, view)
    }

    /// An assessor's marks for the practical tasks of attempt `id` (`right` per question
    /// number, from 1), and a pass certified.
    pub fn assess_attempt(
        &self,
        publication: &Publication,
        id: AttemptId,
        marks: &[(usize, bool)],
        now: jiff::Timestamp,
    ) -> Result<AttemptView, StoreError> {
        let view = self.store.assess_attempt(id, marks, now)?;
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
        // A training gig whose milestone is this pass pays its trainer.
        self.training_passed(view.account, view.test)?;
        let test = self.store.skill_test(view.test)?;
        let organisation = match self.store.organisation(&test.organisation) {
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
            Ok(c) => self.store.set_attempt_credential(view.id, &c.id)?,
            Err(StoreError::Conflict(why)) => self.store.set_attempt_detail(
                view.id,
                &format!(
                    "{}; no credential: {why}",
                    view.detail.clone().unwrap_or_default()
                ),
            )?,
            Err(e) => return Err(e),
        }
        self.store.attempt(view.id)
    }
}
