//! How Guild issues a credential once the facts are read: the credential's id, the identity
//! and proofs it is signed with, its place in its issuer's revocation status list, how long it
//! is valid, and what a skill certification, a reputation summary and an endorsement say.
//! Randomness, keys and records come from the caller: nothing here reads or writes.

use guild_ids::WorkerId;
use std::ops::Range;

use ed25519_dalek::{SigningKey, VerifyingKey};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::badge::{BadgeEvidence, CertifiedSkill, SkillCertification, skill_credential};
use crate::issuer::{Issuer, Publication};
use crate::proof::{Cryptosuite, ProofOptions, RdfCanonicalizer, add_proof};
use crate::reputation::{
    Endorsement, ReputationSummary, endorsement_credential, reputation_credential,
};
use crate::{CredentialError, keys, resolve, status};

/// The proficiency given to a skill an imported credential attests without a level:
/// "competent", the level a certificate of a skill usually means.
pub const IMPORTED_DEFAULT_LEVEL: i64 = 3;

/// Positions in one status list (the Bitstring Status List minimum, 16 KiB: herd privacy).
pub const STATUS_LIST_BITS: i64 = status::MIN_BITS as i64;
/// How long a published status list is valid: verifiers fetch it again after a day.
pub const STATUS_LIST_HOURS: i64 = 24;
/// Where each Guild describes how reputation is computed (the credential's criteria).
pub const REPUTATION_METHODOLOGY_PATH: &str = "/methodology/reputation";
/// How long a reputation summary is valid: it is a snapshot, so it is short-lived.
pub const REPUTATION_VALID_DAYS: i64 = 30;
/// The longest period a reputation summary covers, in days (ten years).
pub const REPUTATION_MAX_DAYS: i64 = 3650;
/// How long the credential a passed skill test earns is valid, in years.
pub const TEST_PASS_YEARS: u8 = 3;

/// A new credential's id: a version-4 UUID made of `random` (16 random bytes), as a URN.
pub fn credential_id(random: [u8; 16]) -> String {
    let mut b = random;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        h[0..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..16].concat()
    )
}

/// The URN Guild names a worker by in what it issues.
pub fn worker_urn(worker: WorkerId) -> String {
    format!("urn:guild:worker:{worker}")
}

/// `days` whole days after `t` (before it when negative).
pub fn days_after(t: Timestamp, days: i64) -> Result<Timestamp, CredentialError> {
    t.checked_add(SignedDuration::from_hours(24 * days))
        .map_err(|e| CredentialError::Invalid(e.to_string()))
}

/// Who a key signs as: the DID written as a credential's `issuer`, and the verification method
/// its proofs name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningIdentity {
    /// The DID: the issuer's `did:web` under a public URL, else the key's own `did:key`.
    pub did: String,
    /// The verification method of the key.
    pub verification_method: String,
}

/// Who `issuer`'s key `key` signs as under the publication: its `did:web` DID when issuers are
/// published there, the key's `did:key` when Guild has no public URL.
pub fn signing_identity(
    publication: &Publication,
    issuer: &Issuer,
    key: &VerifyingKey,
) -> Result<SigningIdentity, CredentialError> {
    Ok(if publication.did_web {
        let did = issuer.did_web(publication)?;
        SigningIdentity {
            verification_method: resolve::verification_method(
                &did,
                &keys::public_key_multibase(key),
            ),
            did,
        }
    } else {
        SigningIdentity {
            did: keys::did_key(key),
            verification_method: keys::did_key_verification_method(key),
        }
    })
}

/// Signs `document` with `key` (named by `verification_method`) in every suite of `suites`, in
/// order (two make a proof set), the proofs dated `created`.
pub fn sign(
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    suites: &[Cryptosuite],
    created: &str,
    rdf: &dyn RdfCanonicalizer,
) -> Result<Value, CredentialError> {
    if suites.is_empty() {
        return Err(CredentialError::Invalid(
            "choose at least one proof suite".to_owned(),
        ));
    }
    let mut doc = document.clone();
    for suite in suites {
        let options = ProofOptions {
            cryptosuite: *suite,
            verification_method: verification_method.to_owned(),
            proof_purpose: "assertionMethod".to_owned(),
            created: Some(created.to_owned()),
            id: None,
            previous_proof: Vec::new(),
        };
        doc = add_proof(&doc, &options, key, rdf)?;
    }
    Ok(doc)
}

/// Where a credential's revocation bit is: which of its issuer's status lists, which bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPosition {
    /// The list's number (`…/credentials/status/{list}`).
    pub list: i64,
    /// The bit in that list.
    pub bit: u64,
}

impl StatusPosition {
    /// The place of the credential at status position `index` (counted from 0 across lists).
    pub fn of(index: i64) -> Self {
        Self {
            list: index.div_euclid(STATUS_LIST_BITS),
            bit: u64::try_from(index.rem_euclid(STATUS_LIST_BITS)).unwrap_or_default(),
        }
    }
}

/// The number of a status list in its URL (`…/credentials/status/3` → 3), if it is one: a
/// whole number below 2³².
pub fn status_list_number(list: &str) -> Option<i64> {
    list.parse().ok().filter(|n| (0..1 << 32).contains(n))
}

/// The status positions list number `list` holds.
pub fn status_list_positions(list: i64) -> Range<i64> {
    list * STATUS_LIST_BITS..(list + 1) * STATUS_LIST_BITS
}

/// When a status list published at `now` is valid: from the start of the hour (a verifier
/// whose clock is a little behind must not see a list from its future) for
/// [`STATUS_LIST_HOURS`] and the hour begun.
pub fn status_list_validity(now: Timestamp) -> Result<(Timestamp, Timestamp), CredentialError> {
    let from = Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(3600))
        .map_err(|e| CredentialError::Invalid(e.to_string()))?;
    let until = from
        .checked_add(SignedDuration::from_hours(STATUS_LIST_HOURS + 1))
        .map_err(|e| CredentialError::Invalid(e.to_string()))?;
    Ok((from, until))
}

/// Adds the `credentialStatus` entry of status position `index` to `document`, the lists being
/// published under `status_base`. Only under a public URL, where verifiers can fetch the lists:
/// without one, revocation is recorded but cannot be published, and nothing is added.
pub fn add_status_entry(
    document: &mut Value,
    publication: &Publication,
    status_base: &str,
    index: i64,
) {
    if !publication.did_web {
        return;
    }
    let at = StatusPosition::of(index);
    let entry = status::status_entry(&format!("{status_base}/{}", at.list), at.bit);
    if let Some(o) = document.as_object_mut() {
        o.insert("credentialStatus".to_owned(), entry);
    }
}

/// A skill certification to issue.
#[derive(Debug, Clone)]
pub struct SkillAward {
    /// The worker.
    pub worker: WorkerId,
    /// The skill (taxonomy id).
    pub skill: String,
    /// The level reached, 1–5.
    pub level: u8,
    /// What proves it.
    pub evidence: Vec<BadgeEvidence>,
    /// Years until it expires (0: never).
    pub years: u8,
    /// The proof suites, in order.
    pub suites: Vec<Cryptosuite>,
}

/// A worker's reviews, counted for a reputation summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReputationTally {
    /// Reviews counted (each ends a contract).
    pub ratings: u32,
    /// Their stars, added up.
    pub rating_sum: u64,
    /// How many gave one to five stars.
    pub distribution: [u32; 5],
    /// Contracts that ended finished.
    pub finished: u32,
}

impl ReputationTally {
    /// Counts reviews given as (stars 1–5, whether the contract finished). Stars outside 1–5
    /// count at the nearest end of the distribution, and below zero add nothing to the sum.
    pub fn of(reviews: impl IntoIterator<Item = (i64, bool)>) -> Self {
        let mut t = Self::default();
        for (rating, finished) in reviews {
            t.ratings = t.ratings.saturating_add(1);
            let stars = usize::try_from(rating - 1).unwrap_or_default().min(4);
            t.distribution[stars] += 1;
            t.rating_sum += u64::try_from(rating).unwrap_or_default();
            if finished {
                t.finished += 1;
            }
        }
        t
    }
}

/// Where a reputation summary over `days` days up to `now` starts; the period is 1 to
/// [`REPUTATION_MAX_DAYS`] days.
pub fn reputation_period_start(now: Timestamp, days: i64) -> Result<Timestamp, CredentialError> {
    if !(1..=REPUTATION_MAX_DAYS).contains(&days) {
        return Err(CredentialError::Invalid(format!(
            "the period is 1 to {REPUTATION_MAX_DAYS} days, not {days}"
        )));
    }
    days_after(now, -days)
}

/// What a reputation summary counts.
#[derive(Debug, Clone)]
pub struct ReputationFacts {
    /// The worker.
    pub worker: WorkerId,
    /// Its name.
    pub worker_name: String,
    /// Where the period starts (it ends when the summary is issued).
    pub period_start: Timestamp,
    /// Its reviews in the period.
    pub tally: ReputationTally,
    /// The skills those reviews rated.
    pub skills: Vec<CertifiedSkill>,
}

/// A review to endorse, as the platform recorded it.
#[derive(Debug, Clone)]
pub struct EndorsedReview {
    /// Who wrote it.
    pub reviewer_name: String,
    /// The worker it is about.
    pub worker: WorkerId,
    /// Its stars, 1–5.
    pub rating: i64,
    /// The skills it rated, with their stars.
    pub skill_ratings: Vec<(CertifiedSkill, i64)>,
    /// The contract it ends (a reference, not its terms).
    pub contract: String,
    /// What it says.
    pub comment: String,
    /// When it was written.
    pub review_date: String,
}

/// One credential being issued: by whom, under which publication, its id, and from when.
#[derive(Debug, Clone, Copy)]
pub struct Issuance<'a> {
    /// Where Guild is published.
    pub publication: &'a Publication,
    /// Who issues it.
    pub issuer: &'a Issuer,
    /// The DID it is issued as ([`SigningIdentity::did`]).
    pub did: &'a str,
    /// Its id ([`credential_id`]).
    pub id: &'a str,
    /// When it is issued: it is valid from then.
    pub now: Timestamp,
}

impl Issuance<'_> {
    /// The unsigned skill certification of `award`, for the worker named `worker_name`, of
    /// `skill`: valid for the award's years (forever with 0).
    pub fn skill(
        &self,
        award: &SkillAward,
        worker_name: &str,
        skill: CertifiedSkill,
    ) -> Result<Value, CredentialError> {
        let valid_until = (award.years > 0)
            .then(|| days_after(self.now, 365 * i64::from(award.years)))
            .transpose()?;
        skill_credential(&SkillCertification {
            id: self.id.to_owned(),
            issuer: self.did.to_owned(),
            issuer_name: self.issuer.name().to_owned(),
            issuer_url: Some(self.issuer.base(self.publication)),
            subject: worker_urn(award.worker),
            subject_name: Some(worker_name.to_owned()),
            skill,
            level: award.level,
            evidence: award.evidence.clone(),
            valid_from: self.now.to_string(),
            valid_until: valid_until.map(|t| t.to_string()),
            achievement_base: self.issuer.base(self.publication),
        })
    }

    /// The unsigned reputation summary of `facts`, over the period up to now: valid for
    /// [`REPUTATION_VALID_DAYS`], its criteria at the publication's methodology page.
    pub fn reputation(&self, facts: ReputationFacts) -> Result<Value, CredentialError> {
        let base = &self.publication.base_url;
        reputation_credential(&ReputationSummary {
            id: self.id.to_owned(),
            issuer: self.did.to_owned(),
            issuer_name: self.issuer.name().to_owned(),
            issuer_url: Some(self.issuer.base(self.publication)),
            subject: worker_urn(facts.worker),
            subject_name: Some(facts.worker_name),
            ratings_count: facts.tally.ratings,
            rating_sum: facts.tally.rating_sum,
            distribution: facts.tally.distribution,
            contracts_finished: facts.tally.finished,
            // Every review ends a contract: those counted are the contracts ended.
            contracts_ended: facts.tally.ratings,
            period_start: facts.period_start.to_string(),
            period_end: self.now.to_string(),
            skills: facts.skills,
            methodology_url: format!("{base}{REPUTATION_METHODOLOGY_PATH}"),
            valid_from: self.now.to_string(),
            valid_until: days_after(self.now, REPUTATION_VALID_DAYS)?.to_string(),
            achievement_base: base.clone(),
        })
    }

    /// The unsigned endorsement credential of `review`: the issuer attests that the review
    /// came from that contract. It does not expire.
    pub fn endorsement(&self, review: EndorsedReview) -> Result<Value, CredentialError> {
        endorsement_credential(&Endorsement {
            id: self.id.to_owned(),
            issuer: self.did.to_owned(),
            issuer_name: self.issuer.name().to_owned(),
            issuer_url: Some(self.issuer.base(self.publication)),
            reviewer_name: Some(review.reviewer_name),
            subject: worker_urn(review.worker),
            rating: u8::try_from(review.rating).unwrap_or(0),
            skill_ratings: review
                .skill_ratings
                .into_iter()
                .map(|(skill, stars)| (skill, u8::try_from(stars).unwrap_or(0)))
                .collect(),
            contract: Some(review.contract),
            comment: review.comment,
            review_date: review.review_date,
            valid_from: self.now.to_string(),
            valid_until: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contexts::ContextSet;
    use crate::rdfc::JsonLdCanonicalizer;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn skill() -> CertifiedSkill {
        CertifiedSkill {
            id: "esco:S1.2".to_owned(),
            label: "operate lathes".to_owned(),
            description: None,
            uri: None,
            framework: "ESCO".to_owned(),
        }
    }

    /// When the tests issue: 10:00 UTC on 1 March 2026.
    const NOW: &str = "2026-03-01T10:00:00Z";

    /// The credential `urn:uuid:0…` issued by the platform as `did` under `publication` at
    /// [`NOW`].
    fn issuance<'a>(publication: &'a Publication, did: &'a str) -> Issuance<'a> {
        Issuance {
            publication,
            issuer: &Issuer::Platform,
            did,
            id: "urn:uuid:00000000-0000-4000-8000-000000000000",
            now: at(NOW),
        }
    }

    #[test]
    fn credential_ids_are_version_4_uuid_urns() {
        let id = credential_id([0xff; 16]);
        assert_eq!(id, "urn:uuid:ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(
            credential_id([0; 16]),
            "urn:uuid:00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(worker_urn(WorkerId(42)), "urn:guild:worker:42");
    }

    #[test]
    fn status_positions_fill_one_list_then_the_next() {
        assert_eq!(StatusPosition::of(0), StatusPosition { list: 0, bit: 0 });
        assert_eq!(
            StatusPosition::of(STATUS_LIST_BITS + 5),
            StatusPosition { list: 1, bit: 5 }
        );
        assert_eq!(
            status_list_positions(1),
            STATUS_LIST_BITS..2 * STATUS_LIST_BITS
        );
        assert_eq!(status_list_number("3"), Some(3));
        for bad in ["-1", "x", "4294967296", ""] {
            assert_eq!(status_list_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_status_list_is_valid_from_the_hour_for_a_day_and_the_hour_begun() {
        let (from, until) = status_list_validity(at("2026-03-01T10:42:17Z")).unwrap();
        assert_eq!(from, at("2026-03-01T10:00:00Z"));
        assert_eq!(until, at("2026-03-02T11:00:00Z"));
    }

    #[test]
    fn the_status_entry_is_added_only_where_lists_are_published() {
        let base = "https://guild.example/credentials/status";
        let mut doc = serde_json::json!({"id": "urn:uuid:x"});
        let local = Publication::new("http://127.0.0.1:8080", false).unwrap();
        add_status_entry(&mut doc, &local, base, 7);
        assert!(doc.get("credentialStatus").is_none());
        let public = Publication::new("https://guild.example", true).unwrap();
        add_status_entry(&mut doc, &public, base, STATUS_LIST_BITS + 7);
        assert_eq!(
            doc["credentialStatus"]["statusListCredential"],
            format!("{base}/1")
        );
        assert_eq!(doc["credentialStatus"]["statusListIndex"], "7");
    }

    #[test]
    fn keys_sign_as_did_web_under_a_public_url_and_as_did_key_without() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = Publication::new("https://guild.example", true).unwrap();
        let id = signing_identity(&public, &Issuer::Platform, &key.verifying_key()).unwrap();
        assert_eq!(id.did, "did:web:guild.example");
        let mb = keys::public_key_multibase(&key.verifying_key());
        assert_eq!(
            id.verification_method,
            format!("did:web:guild.example#{mb}")
        );
        let local = Publication::new("http://127.0.0.1:8080", false).unwrap();
        let id = signing_identity(&local, &Issuer::Platform, &key.verifying_key()).unwrap();
        assert_eq!(id.did, format!("did:key:{mb}"));
        assert_eq!(id.verification_method, format!("did:key:{mb}#{mb}"));
    }

    #[test]
    fn signing_takes_a_suite_and_adds_one_proof_per_suite() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let vm = keys::did_key_verification_method(&key.verifying_key());
        let rdf = JsonLdCanonicalizer::new(ContextSet::production().unwrap());
        let local = Publication::new("http://127.0.0.1:8080", false).unwrap();
        let did = keys::did_key(&key.verifying_key());
        let issuance = issuance(&local, &did);
        let award = SkillAward {
            worker: WorkerId(3),
            skill: "esco:S1.2".to_owned(),
            level: 2,
            evidence: Vec::new(),
            years: 0,
            suites: Vec::new(),
        };
        let doc = issuance.skill(&award, "Ada", skill()).unwrap();
        assert!(
            sign(&doc, &key, &vm, &[], NOW, &rdf)
                .unwrap_err()
                .to_string()
                .contains("at least one proof suite")
        );
        let both = [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022];
        let signed = sign(&doc, &key, &vm, &both, NOW, &rdf).unwrap();
        let proofs = signed["proof"].as_array().unwrap();
        assert_eq!(proofs.len(), 2);
        assert_eq!(proofs[0]["verificationMethod"], vm.as_str());
        assert_eq!(proofs[1]["cryptosuite"], "eddsa-jcs-2022");
    }

    #[test]
    fn an_award_is_valid_for_its_years_or_forever() {
        let public = Publication::new("https://guild.example", true).unwrap();
        let issuance = issuance(&public, "did:web:guild.example");
        let mut award = SkillAward {
            worker: WorkerId(3),
            skill: "esco:S1.2".to_owned(),
            level: 2,
            evidence: Vec::new(),
            years: TEST_PASS_YEARS,
            suites: vec![Cryptosuite::EddsaRdfc2022],
        };
        let doc = issuance.skill(&award, "Ada", skill()).unwrap();
        assert_eq!(doc["issuer"]["id"], "did:web:guild.example");
        assert_eq!(doc["credentialSubject"]["id"], "urn:guild:worker:3");
        assert_eq!(doc["validFrom"], "2026-03-01T10:00:00Z");
        assert_eq!(doc["validUntil"], "2029-02-28T10:00:00Z");
        award.years = 0;
        let doc = issuance.skill(&award, "Ada", skill()).unwrap();
        assert!(doc.get("validUntil").is_none());
    }

    #[test]
    fn reviews_are_tallied_and_a_summary_lasts_thirty_days() {
        let tally = ReputationTally::of([(5, true), (4, true), (1, false), (5, true)]);
        assert_eq!(tally.ratings, 4);
        assert_eq!(tally.rating_sum, 15);
        assert_eq!(tally.distribution, [1, 0, 0, 1, 2]);
        assert_eq!(tally.finished, 3);
        let now = at(NOW);
        assert_eq!(
            reputation_period_start(now, 365).unwrap(),
            at("2025-03-01T10:00:00Z")
        );
        for bad in [0, REPUTATION_MAX_DAYS + 1] {
            assert_eq!(
                reputation_period_start(now, bad).unwrap_err().to_string(),
                format!("the period is 1 to 3650 days, not {bad}")
            );
        }
        let public = Publication::new("https://guild.example", true).unwrap();
        let issuance = issuance(&public, "did:web:guild.example");
        let doc = issuance
            .reputation(ReputationFacts {
                worker: WorkerId(3),
                worker_name: "Ada".to_owned(),
                period_start: at("2025-03-01T10:00:00Z"),
                tally,
                skills: vec![skill()],
            })
            .unwrap();
        assert_eq!(doc["validUntil"], "2026-03-31T10:00:00Z");
        let text = doc.to_string();
        assert!(
            text.contains("https://guild.example/methodology/reputation"),
            "{text}"
        );
    }

    #[test]
    fn an_endorsement_names_the_worker_and_does_not_expire() {
        let public = Publication::new("https://guild.example", true).unwrap();
        let issuance = issuance(&public, "did:web:guild.example");
        let doc = issuance
            .endorsement(EndorsedReview {
                reviewer_name: "Bob".to_owned(),
                worker: WorkerId(3),
                rating: 5,
                skill_ratings: vec![(skill(), 4)],
                contract: "contract 9".to_owned(),
                comment: "Careful work.".to_owned(),
                review_date: "2026-02-27T09:00:00Z".to_owned(),
            })
            .unwrap();
        assert_eq!(doc["credentialSubject"]["id"], "urn:guild:worker:3");
        assert!(doc.get("validUntil").is_none());
    }
}
