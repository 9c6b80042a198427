//! Reviews of finished contracts, kept: the client's of the worker (the source of reputation in
//! matching and of reputation credentials) and the worker's of the client. Whether a contract
//! may be reviewed is the platform's question (`Platform::review_worker`), answered by the
//! market's rule; here a review is checked for form and kept once per contract.

use crate::areas::Contracts;
use guild_ids::{AccountId, ContractId, ReviewId, WorkerId};
use serde::Serialize;

use crate::StoreError;
use crate::sql::{Record, Tx};

/// A per-skill rating in a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewSkill {
    /// The taxonomy id.
    pub skill: String,
    /// 1 to 5 stars.
    pub rating: i64,
}

/// A review of a worker after a contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// Its number.
    pub id: ReviewId,
    /// The contract reviewed.
    pub contract_ref: String,
    /// The worker reviewed.
    pub worker: WorkerId,
    /// The reviewing account, if it still exists.
    pub reviewer: Option<AccountId>,
    /// The reviewer's name as shown.
    pub reviewer_name: String,
    /// 1 to 5 stars.
    pub rating: i64,
    /// What the reviewer wrote.
    pub body: String,
    /// `finished` or `ended` (cancelled, or a dispute lost).
    pub outcome: String,
    /// When it was written.
    pub created_at: String,
    /// Ratings per skill.
    pub skills: Vec<ReviewSkill>,
}

use guild_matching::model::MAX_REVIEW_CHARS as MAX_REVIEW;

const COLUMNS: &str =
    "id, contract_ref, worker_id, reviewer_id, reviewer_name, rating, body, outcome, created_at";

fn from_row(r: &Record) -> Result<Review, StoreError> {
    Ok(Review {
        id: r.id("id")?,
        contract_ref: r.text("contract_ref")?.to_owned(),
        worker: r.id("worker_id")?,
        reviewer: r.opt_id("reviewer_id")?,
        reviewer_name: r.text("reviewer_name")?.to_owned(),
        rating: r.int("rating")?,
        body: r.text("body")?.to_owned(),
        outcome: r.text("outcome")?.to_owned(),
        created_at: r.text("created_at")?.to_owned(),
        skills: Vec::new(),
    })
}

fn with_skills(tx: &mut dyn Tx, mut reviews: Vec<Review>) -> Result<Vec<Review>, StoreError> {
    for r in &mut reviews {
        r.skills = tx
            .query(
                "SELECT skill, rating FROM review_skills WHERE review_id = $1 ORDER BY skill",
                &[r.id.into()],
            )?
            .iter()
            .map(|row| {
                Ok(ReviewSkill {
                    skill: row.text("skill")?.to_owned(),
                    rating: row.int("rating")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
    }
    Ok(reviews)
}

fn stars(what: &str, n: i64) -> Result<(), StoreError> {
    if (1..=5).contains(&n) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{what} must be 1 to 5 stars, not {n}"
        )))
    }
}

impl Contracts<'_> {
    /// Records a review of `worker` for a contract (one per contract and worker), and updates
    /// the worker's rating and review count in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn record_review(
        &self,
        contract_ref: &str,
        worker: WorkerId,
        reviewer: Option<AccountId>,
        reviewer_name: &str,
        rating: i64,
        body: &str,
        outcome: &str,
        skills: &[(String, i64)],
    ) -> Result<Review, StoreError> {
        stars("rating", rating)?;
        for (s, r) in skills {
            stars(&format!("the rating of {s}"), *r)?;
        }
        if !matches!(outcome, "finished" | "ended") {
            return Err(StoreError::Invalid(format!(
                "outcome {outcome:?}: expected finished or ended"
            )));
        }
        if body.chars().count() > MAX_REVIEW {
            return Err(StoreError::Invalid(format!(
                "a review is at most {MAX_REVIEW} characters"
            )));
        }
        let ids: Vec<guild_taxonomy::SkillId> = skills
            .iter()
            .map(|(s, _)| {
                guild_taxonomy::SkillId::parse(s).map_err(|e| StoreError::Invalid(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        self.store.write(|tx| {
            crate::matching::check_skills(tx, ids.iter())?;
            let dup = tx.query(
                "SELECT 1 FROM reviews WHERE contract_ref = $1 AND worker_id = $2",
                &[contract_ref.into(), worker.into()],
            )?;
            if !dup.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "contract {contract_ref} already has a review of worker {worker}"
                )));
            }
            let review = tx
                .query(
                    &format!(
                        "INSERT INTO reviews (contract_ref, worker_id, reviewer_id, reviewer_name, rating, body, outcome, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
                    ),
                    &[
                        contract_ref.into(),
                        worker.into(),
                        reviewer.into(),
                        reviewer_name.into(),
                        rating.into(),
                        body.into(),
                        outcome.into(),
                        tx.now().to_string().into(),
                    ],
                )?
                .first()
                .map(from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))??;
            for (s, r) in skills {
                tx.execute(
                    "INSERT INTO review_skills (review_id, skill, rating) VALUES ($1, $2, $3)",
                    &[review.id.into(), s.as_str().into(), (*r).into()],
                )?;
            }
            // The worker's rating and review count, which matching reads, move with the
            // review, in the same transaction.
            let rows = tx.query(
                "SELECT COUNT(*) AS n, CAST(SUM(rating) AS BIGINT) AS rating_sum FROM reviews WHERE worker_id = $1",
                &[worker.into()],
            )?;
            let (n, sum) = (rows[0].int("n")?, rows[0].int("rating_sum")?);
            tx.execute(
                "UPDATE workers SET rating = $1, reviews = $2 WHERE id = $3",
                &[(sum as f64 / n as f64).into(), n.into(), worker.into()],
            )?;
            crate::matching::record(tx, crate::matching::Changed::Workers(&[worker]))?;
            Ok(with_skills(tx, vec![review])?.remove(0))
        })
    }

    /// The reviews of `worker` written at or after `since` (RFC 3339), oldest first.
    pub fn reviews_of(&self, worker: WorkerId, since: &str) -> Result<Vec<Review>, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                &format!("SELECT {COLUMNS} FROM reviews WHERE worker_id = $1 AND created_at >= $2 ORDER BY created_at, id"),
                &[worker.into(), since.into()],
            )?;
            let reviews = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
            with_skills(tx, reviews)
        })
    }

    /// One review.
    pub fn review(&self, id: ReviewId) -> Result<Review, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                &format!("SELECT {COLUMNS} FROM reviews WHERE id = $1"),
                &[id.into()],
            )?;
            let review = rows
                .first()
                .map(from_row)
                .ok_or_else(|| StoreError::NotFound {
                    what: "review",
                    id: id.to_string(),
                })??;
            Ok(with_skills(tx, vec![review])?.remove(0))
        })
    }
}

impl Contracts<'_> {
    /// Whether the client has reviewed the worker of `contract`.
    pub fn contract_reviewed(&self, contract: ContractId) -> Result<bool, StoreError> {
        self.store.read(|tx| {
            Ok(!tx
                .query(
                    "SELECT 1 FROM reviews WHERE contract_ref = $1",
                    &[format!("contract:{contract}").into()],
                )?
                .is_empty())
        })
    }
}

/// What workers say of a client, in numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientReputation {
    /// The client's account.
    pub client: AccountId,
    /// Reviews by workers.
    pub reviews: i64,
    /// Mean stars in hundredths (462 = 4.62), when there are reviews.
    pub mean_hundredths: Option<i64>,
}

impl Contracts<'_> {
    /// Records worker `reviewer`'s review of `client` for `contract` (the platform checked it
    /// may); once per contract. The client is told.
    pub fn record_client_review(
        &self,
        contract: ContractId,
        client: AccountId,
        reviewer: AccountId,
        rating: i64,
        body: &str,
    ) -> Result<(), StoreError> {
        stars("rating", rating)?;
        if body.chars().count() > MAX_REVIEW {
            return Err(StoreError::Invalid(format!(
                "a review is at most {MAX_REVIEW} characters"
            )));
        }
        self.store.write(|tx| {
            if !tx.query("SELECT 1 FROM client_reviews WHERE contract_id = $1", &[contract.into()])?.is_empty() {
                return Err(StoreError::Conflict(format!("contract {contract} already has a review of its client")));
            }
            tx.execute(
                "INSERT INTO client_reviews (contract_id, client_id, reviewer_id, rating, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[contract.into(), client.into(), reviewer.into(), rating.into(), body.trim().into(), tx.now().to_string().into()],
            )?;
            crate::messages::notify(tx, client, "review", &format!("contract:{contract}"), &format!("Your worker on contract {contract} reviewed you: {rating} of 5"))
        })
    }

    /// A client's reputation among workers.
    pub fn client_reputation(&self, client: AccountId) -> Result<ClientReputation, StoreError> {
        self.store.read(|tx| {
            let rows = tx.query(
                "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(rating), 0) AS BIGINT) AS rating_sum FROM client_reviews WHERE client_id = $1",
                &[client.into()],
            )?;
            let (n, sum) = (rows[0].int("n")?, rows[0].int("rating_sum")?);
            Ok(ClientReputation {
                client,
                reviews: n,
                // Rounded half up, in integers.
                mean_hundredths: (n > 0).then(|| (sum * 200 + n) / (2 * n)),
            })
        })
    }
}
