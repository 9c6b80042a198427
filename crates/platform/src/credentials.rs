//! Credentials Guild issues and verifies, as use cases: the identity an issuer signs with;
//! issuing a skill certification, a reputation summary or an endorsement (the facts read from
//! the store, the credential built and signed by the credentials engine, and written with its
//! status-list position in one transaction); the DID documents and signed Bitstring Status
//! Lists that verifiers fetch; and verification that answers Guild's own DIDs and status lists
//! from the store instead of the network.

use guild_ids::{AccountId, ReviewId, WorkerId};
use std::collections::BTreeSet;
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use guild_credentials::badge::CertifiedSkill;
use guild_credentials::contexts::ContextSet;
use guild_credentials::issuer::{Issuer, IssuerRef, Publication};
use guild_credentials::issuing::{
    self, EndorsedReview, Issuance, ReputationFacts, ReputationTally, SkillAward, StatusPosition,
};
use guild_credentials::proof::Cryptosuite;
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{
    KeyResolver, KnownStatusList, ResolveError, ResolvedKey, VerificationReport, verify,
};
use guild_credentials::{CredentialError, keys, resolve, status};
use guild_store::{IssuedCredential, IssuerKey, StoreError};
use serde_json::Value;

use crate::Platform;

/// The identity an issuer signs with now.
pub struct Signer {
    /// Who.
    pub issuer: Issuer,
    /// The DID written as `issuer` in what it signs.
    pub did: String,
    /// The verification method of its key.
    pub verification_method: String,
    /// The stored key.
    pub key: IssuerKey,
    signing: SigningKey,
    /// Where its status lists are published (`…/credentials/status`).
    pub status_base: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("did", &self.did)
            .field("verification_method", &self.verification_method)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Signs `document` with every suite in `suites`, in order (two make a proof set), the
    /// proofs dated `created`.
    pub fn sign(
        &self,
        document: &Value,
        suites: &[Cryptosuite],
        created: &str,
    ) -> Result<Value, StoreError> {
        issuing::sign(
            document,
            &self.signing,
            &self.verification_method,
            suites,
            created,
            canonicalizer()?,
        )
        .map_err(bad)
    }

    /// The credential `id` this signer issues under `publication`, valid from `now`.
    fn issuance<'a>(
        &'a self,
        publication: &'a Publication,
        id: &'a str,
        now: jiff::Timestamp,
    ) -> Issuance<'a> {
        Issuance {
            publication,
            issuer: &self.issuer,
            did: &self.did,
            id,
            now,
        }
    }
}

/// The engine refuses what it was given: an invalid request, as the store says it.
fn bad(e: CredentialError) -> StoreError {
    StoreError::Credential(e)
}

/// The JSON-LD canonicaliser over the bundled contexts, built once per process: checking the
/// contexts' pinned hashes is not work to repeat for every credential.
fn canonicalizer() -> Result<&'static JsonLdCanonicalizer, StoreError> {
    static RDF: OnceLock<Result<JsonLdCanonicalizer, String>> = OnceLock::new();
    RDF.get_or_init(|| {
        ContextSet::production()
            .map(JsonLdCanonicalizer::new)
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| StoreError::Backend(format!("bundled JSON-LD contexts: {e}")))
}

/// A new credential's id, from fresh randomness.
fn new_credential_id() -> Result<String, StoreError> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| StoreError::Backend(format!("no randomness: {e}")))?;
    Ok(issuing::credential_id(random))
}

/// The number of a status list in its URL; an unknown list is not found.
fn list_number(list: &str) -> Result<i64, StoreError> {
    issuing::status_list_number(list).ok_or_else(|| StoreError::NotFound {
        what: "status list",
        id: list.to_owned(),
    })
}

impl Platform {
    /// The issuer: the organisation `slug`, or the platform without one.
    pub fn issuer(&self, organisation: Option<&str>) -> Result<Issuer, StoreError> {
        Ok(match organisation {
            Some(slug) => Issuer::Organisation(self.store.accounts().organisation(slug)?),
            None => Issuer::Platform,
        })
    }

    /// The identity `issuer` signs with now: its active key, opened, named under the
    /// publication. Without a key the answer is a conflict that says how to make one.
    pub fn signer(&self, publication: &Publication, issuer: &Issuer) -> Result<Signer, StoreError> {
        let key = self
            .store
            .credentials().active_issuer_key(&issuer.key_name())?
            .ok_or_else(|| {
                StoreError::Conflict(match issuer {
                    Issuer::Platform => {
                        "the platform has no signing key yet: run `guild credential keys new`"
                            .to_owned()
                    }
                    Issuer::Organisation(o) => format!(
                        "organisation {} has no signing key yet: POST /api/v1/organisations/{}/keys",
                        o.slug, o.slug
                    ),
                })
            })?;
        let signing = self.store.credentials().signing_key(&key)?;
        let identity = issuing::signing_identity(publication, issuer, &signing.verifying_key())
            .map_err(bad)?;
        Ok(Signer {
            status_base: issuer.status_base(publication),
            issuer: issuer.clone(),
            did: identity.did,
            verification_method: identity.verification_method,
            key,
            signing,
        })
    }

    /// Issues a credential as `issuer`: `build` writes the unsigned document for the signer and
    /// the new credential's id; a revocation status entry is added; the document is signed
    /// with `suites` and stored with its status-list position, in one transaction (see
    /// [`guild_store::Credentials::issue_credential`]).
    #[allow(clippy::too_many_arguments)]
    pub fn issue_as(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        issued_by: Option<AccountId>,
        worker: Option<WorkerId>,
        kind: &str,
        skill: Option<&str>,
        suites: &[Cryptosuite],
        build: impl FnOnce(&Signer, &str) -> Result<Value, CredentialError>,
    ) -> Result<IssuedCredential, StoreError> {
        let signer = self.signer(publication, issuer)?;
        let id = new_credential_id()?;
        let mut document = build(&signer, &id).map_err(bad)?;
        let created = self.store.now().to_string();
        self.store.credentials().issue_credential(
            &issuer.key_name(),
            issued_by,
            &id,
            worker,
            kind,
            skill,
            |index| {
                issuing::add_status_entry(&mut document, publication, &signer.status_base, index);
                let signed = signer.sign(&document, suites, &created)?;
                serde_json::to_string_pretty(&signed)
                    .map_err(|e| StoreError::Backend(e.to_string()))
            },
        )
    }

    /// Issues a skill certification (Open Badges 3.0) as `issuer`.
    pub fn issue_skill(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        issued_by: Option<AccountId>,
        award: &SkillAward,
    ) -> Result<IssuedCredential, StoreError> {
        let worker = self.store.work().worker(award.worker)?.worker;
        let skill = self.certified_skill(&award.skill)?;
        let skill_id = skill.id.clone();
        let now = self.store.now();
        self.issue_as(
            publication,
            issuer,
            issued_by,
            Some(award.worker),
            "skill",
            Some(&skill_id),
            &award.suites,
            |signer, id| {
                signer
                    .issuance(publication, id, now)
                    .skill(award, &worker.name, skill)
            },
        )
    }

    /// Issues the platform's reputation summary of `worker` over the last `days` days: counts,
    /// mean, distribution and completion from the reviews of its contracts, and the skills
    /// those reviews rated. Valid for a short time: it is a snapshot.
    pub fn issue_reputation(
        &self,
        publication: &Publication,
        worker: WorkerId,
        days: i64,
        issued_by: Option<AccountId>,
    ) -> Result<IssuedCredential, StoreError> {
        let now = self.store.now();
        let start = issuing::reputation_period_start(now, days).map_err(bad)?;
        let stored = self.store.work().worker(worker)?.worker;
        let reviews = self
            .store
            .contracts()
            .reviews_of(worker, &start.to_string())?;
        let tally =
            ReputationTally::of(reviews.iter().map(|r| (r.rating, r.outcome == "finished")));
        let skills = reviews
            .iter()
            .flat_map(|r| r.skills.iter().map(|s| s.skill.clone()))
            .collect::<BTreeSet<_>>()
            .iter()
            .map(|s| self.certified_skill(s))
            .collect::<Result<Vec<_>, _>>()?;
        self.issue_as(
            publication,
            &Issuer::Platform,
            issued_by,
            Some(worker),
            "reputation",
            None,
            &[Cryptosuite::EddsaRdfc2022],
            |signer, id| {
                signer
                    .issuance(publication, id, now)
                    .reputation(ReputationFacts {
                        worker,
                        worker_name: stored.name,
                        period_start: start,
                        tally,
                        skills,
                    })
            },
        )
    }

    /// Issues one review as an endorsement credential (the platform attests that it came from
    /// that contract).
    pub fn issue_endorsement(
        &self,
        publication: &Publication,
        review: ReviewId,
        issued_by: Option<AccountId>,
    ) -> Result<IssuedCredential, StoreError> {
        let r = self.store.contracts().review(review)?;
        if r.body.trim().is_empty() {
            return Err(StoreError::Invalid(format!(
                "review {review} has no text to endorse with"
            )));
        }
        let skill_ratings = r
            .skills
            .iter()
            .map(|s| Ok((self.certified_skill(&s.skill)?, s.rating)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let now = self.store.now();
        let worker = r.worker;
        self.issue_as(
            publication,
            &Issuer::Platform,
            issued_by,
            Some(worker),
            "endorsement",
            None,
            &[Cryptosuite::EddsaRdfc2022],
            |signer, id| {
                signer
                    .issuance(publication, id, now)
                    .endorsement(EndorsedReview {
                        reviewer_name: r.reviewer_name,
                        worker,
                        rating: r.rating,
                        skill_ratings,
                        contract: r.contract_ref,
                        comment: r.body,
                        review_date: r.created_at,
                    })
            },
        )
    }

    /// The skill `id` as a credential names it, from the taxonomy.
    fn certified_skill(&self, id: &str) -> Result<CertifiedSkill, StoreError> {
        let skill_id = guild_taxonomy::SkillId::parse(id)
            .map_err(|e| StoreError::Invalid(format!("skill: {e}")))?;
        let skill = self.store.taxonomy().skill(&skill_id)?;
        let framework = match skill.skill.source {
            guild_taxonomy::Source::Esco => "ESCO",
            guild_taxonomy::Source::Onet => "O*NET",
            guild_taxonomy::Source::Guild => "Guild",
        };
        Ok(CertifiedSkill {
            id: skill_id.as_str().to_owned(),
            label: skill.skill.label.clone(),
            description: skill.skill.description.clone(),
            uri: skill.skill.source_uri.clone(),
            framework: framework.to_owned(),
        })
    }

    /// The DID document of `issuer` under the publication: every key it ever had.
    pub fn did_document(
        &self,
        publication: &Publication,
        issuer: &Issuer,
    ) -> Result<Value, StoreError> {
        if !publication.did_web {
            return Err(StoreError::NotFound {
                what: "DID document",
                id: format!(
                    "{} (this Guild has no public URL: its issuers are did:key DIDs; set GUILD_PUBLIC_URL to publish did:web)",
                    issuer.base(publication)
                ),
            });
        }
        let did = issuer.did_web(publication).map_err(bad)?;
        let keys: Vec<String> = self
            .store
            .credentials()
            .issuer_keys(&issuer.key_name())?
            .into_iter()
            .map(|k| k.public_multibase)
            .collect();
        if keys.is_empty() {
            return Err(StoreError::NotFound {
                what: "DID document",
                id: format!("{did} (no keys yet)"),
            });
        }
        Ok(resolve::did_document(&did, &keys))
    }

    /// The signed Bitstring Status List credential number `list` of `issuer`, published at
    /// `…/credentials/status/{list}` (only under a public URL: see [`Publication`]).
    pub fn status_list(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        list: &str,
    ) -> Result<Value, StoreError> {
        if !publication.did_web {
            return Err(StoreError::NotFound {
                what: "status list",
                id: format!(
                    "{list} (this Guild has no public URL, so it publishes no status lists; set GUILD_PUBLIC_URL)"
                ),
            });
        }
        let number = list_number(list)?;
        let signer = self.signer(publication, issuer)?;
        let revoked = self.revoked_in_list(issuer, number)?;
        let (from, until) = issuing::status_list_validity(self.store.now())
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let unsigned = status::status_list_credential(
            &format!("{}/{list}", signer.status_base),
            &signer.did,
            &revoked,
            status::MIN_BITS,
            &from.to_string(),
            &until.to_string(),
        )
        .map_err(bad)?;
        signer.sign(&unsigned, &[Cryptosuite::EddsaRdfc2022], &from.to_string())
    }

    /// The bits set in status list number `number` of `issuer`: its revoked credentials.
    fn revoked_in_list(&self, issuer: &Issuer, number: i64) -> Result<Vec<u64>, StoreError> {
        Ok(self
            .store
            .credentials()
            .revoked_positions(&issuer.key_name(), issuing::status_list_positions(number))?
            .into_iter()
            .map(|index| StatusPosition::of(index).bit)
            .collect())
    }

    /// The status list `list` of `issuer` as the store records it, unsigned: what [`OwnFirst`]
    /// reads first-hand when this Guild cannot sign.
    fn known_status_list(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        list: &str,
    ) -> Result<KnownStatusList, StoreError> {
        let revoked = self.revoked_in_list(issuer, list_number(list)?)?;
        Ok(KnownStatusList {
            issuer: issuer.did_web(publication).map_err(bad)?,
            purposes: vec!["revocation".to_owned()],
            encoded_list: status::encode_list(&revoked, status::MIN_BITS).map_err(bad)?,
        })
    }

    /// The issuer of the credentials at `url`, if it is this Guild's, with the rest of the
    /// path: the platform at the base URL, an organisation that exists at `base/orgs/SLUG`.
    fn issuer_at(
        &self,
        publication: &Publication,
        url: &str,
    ) -> Result<Option<(Issuer, String)>, StoreError> {
        let Some((who, tail)) = publication.issuer_at(url) else {
            return Ok(None);
        };
        match who {
            IssuerRef::Platform => Ok(Some((Issuer::Platform, tail))),
            IssuerRef::Organisation(slug) => match self.store.accounts().organisation(slug) {
                Ok(o) => Ok(Some((Issuer::Organisation(o), tail))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            },
        }
    }

    /// The key resolver that answers this Guild's own DIDs and status lists from the store
    /// and everything else with `then`.
    pub fn own_first<'a>(
        &'a self,
        publication: &'a Publication,
        then: &'a dyn KeyResolver,
    ) -> OwnFirst<'a> {
        OwnFirst {
            platform: self,
            publication,
            then,
        }
    }

    /// Verifies `bytes` (a credential: JSON with embedded proofs, or a VC-JWT) as of `at`, as
    /// this Guild does: its own DIDs and status lists from the store ([`OwnFirst`]), the rest
    /// with `then` (the web, keys the caller was given), contexts from `rdf`.
    pub fn verify(
        &self,
        publication: &Publication,
        bytes: &[u8],
        at: jiff::Timestamp,
        then: &dyn KeyResolver,
        rdf: &JsonLdCanonicalizer,
    ) -> VerificationReport {
        verify(bytes, at, &self.own_first(publication, then), rdf)
    }
}

/// A resolver that answers this Guild's own DIDs and status lists from the store (no network,
/// and no trust in a DNS answer for its own name), and everything else with `then`. Made by
/// [`Platform::own_first`].
pub struct OwnFirst<'a> {
    platform: &'a Platform,
    publication: &'a Publication,
    then: &'a dyn KeyResolver,
}

impl OwnFirst<'_> {
    /// The issuer whose `did:web` DID `did` is, if it is one of this Guild's.
    fn own_did(&self, did: &str) -> Option<Issuer> {
        match self.publication.own_did(did)? {
            IssuerRef::Platform => Some(Issuer::Platform),
            IssuerRef::Organisation(slug) => self
                .platform
                .store
                .accounts()
                .organisation(slug)
                .ok()
                .map(Issuer::Organisation),
        }
    }
}

impl KeyResolver for OwnFirst<'_> {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        let did = vm.split_once('#').map_or(vm, |(d, _)| d);
        let Some(issuer) = self.own_did(did) else {
            return self.then.resolve(vm);
        };
        let keys = self
            .platform
            .store
            .credentials()
            .issuer_keys(&issuer.key_name())
            .map_err(|e| ResolveError::Unresolvable(e.to_string()))?;
        let key = keys
            .iter()
            .find(|k| resolve::verification_method(did, &k.public_multibase) == vm)
            .ok_or_else(|| ResolveError::Invalid(format!("{did} has no key {vm}")))?;
        Ok(ResolvedKey {
            key: keys::public_key_from_multibase(&key.public_multibase)
                .map_err(|e| ResolveError::Invalid(e.to_string()))?,
            controller: did.to_owned(),
        })
    }

    fn known_status_list(&self, url: &str) -> Option<Result<KnownStatusList, ResolveError>> {
        let (issuer, tail) = self.platform.issuer_at(self.publication, url).ok()??;
        let list = tail.strip_prefix("/credentials/status/")?;
        // While this Guild can sign, its lists are checked as any verifier checks them (signed);
        // one whose issuer keys are locked away reads its own records instead, so that what it
        // issued still verifies, revocation included.
        match self.platform.signer(self.publication, &issuer) {
            Err(StoreError::IssuerKeysLocked(_) | StoreError::SealedKey(_)) => {}
            _ => return None,
        }
        Some(
            self.platform
                .known_status_list(self.publication, &issuer, list)
                .map_err(|e| match e {
                    StoreError::NotFound { .. } => ResolveError::Invalid(format!(
                        "{url}: this Guild publishes no such status list"
                    )),
                    e => ResolveError::Unresolvable(e.to_string()),
                }),
        )
    }

    fn status_list(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
        let own = self
            .platform
            .issuer_at(self.publication, url)
            .map_err(|e| ResolveError::Unresolvable(e.to_string()))?;
        let Some((issuer, tail)) = own else {
            return self.then.status_list(url);
        };
        let Some(list) = tail.strip_prefix("/credentials/status/") else {
            return self.then.status_list(url);
        };
        match self.platform.status_list(self.publication, &issuer, list) {
            Ok(v) => serde_json::to_vec(&v).map_err(|e| ResolveError::Unresolvable(e.to_string())),
            Err(StoreError::NotFound { .. }) => Err(ResolveError::Invalid(format!(
                "{url}: this Guild publishes no such status list"
            ))),
            Err(e) => Err(ResolveError::Unresolvable(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use guild_credentials::issuing::SkillAward;
    use guild_credentials::verify::{KnownKeys, Outcome};
    use guild_store::{DatabaseUrl, KeyEncryptionKey, Store};

    use super::*;

    fn open(dir: &tempfile::TempDir) -> (Arc<Store>, Platform) {
        let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("g.db"))).unwrap();
        store
            .credentials()
            .unlock_issuer_keys(Some(KeyEncryptionKey::from_bytes(
                [1; 32],
                "test key".to_owned(),
            )))
            .unwrap();
        let store = Arc::new(store);
        (store.clone(), Platform::new(store, None))
    }

    /// Issues a level-2 skill certification of `esco:S1` to worker 3 as the platform.
    fn issue(platform: &Platform, publication: &Publication) -> IssuedCredential {
        let award = SkillAward {
            worker: WorkerId(3),
            skill: "esco:S1".to_owned(),
            level: 2,
            evidence: Vec::new(),
            years: 1,
            suites: vec![Cryptosuite::EddsaRdfc2022],
        };
        let skill = CertifiedSkill {
            id: "esco:S1".to_owned(),
            label: "operate lathes".to_owned(),
            description: None,
            uri: None,
            framework: "ESCO".to_owned(),
        };
        platform
            .issue_as(
                publication,
                &Issuer::Platform,
                None,
                None,
                "skill",
                Some("esco:S1"),
                &award.suites,
                |signer, id| {
                    signer
                        .issuance(publication, id, jiff::Timestamp::now())
                        .skill(&award, "Ada", skill)
                },
            )
            .unwrap()
    }

    #[test]
    fn what_guild_issues_verifies_here_and_its_revocation_shows_in_the_status_list() {
        let dir = tempfile::tempdir().unwrap();
        let (store, platform) = open(&dir);
        let publication = Publication::new("https://guild.example", true).unwrap();
        assert!(matches!(
            platform.signer(&publication, &Issuer::Platform),
            Err(StoreError::Conflict(why)) if why.contains("guild credential keys new")
        ));
        store
            .credentials()
            .new_issuer_key(&Issuer::Platform.key_name())
            .unwrap();
        let signer = platform.signer(&publication, &Issuer::Platform).unwrap();
        assert_eq!(signer.did, "did:web:guild.example");

        let issued = issue(&platform, &publication);
        let doc: Value = serde_json::from_str(&issued.document).unwrap();
        assert_eq!(
            doc["credentialStatus"]["statusListCredential"],
            "https://guild.example/credentials/status/0"
        );
        let did = platform
            .did_document(&publication, &Issuer::Platform)
            .unwrap();
        assert_eq!(did["id"], "did:web:guild.example");

        // Guild's own DID and status list are answered from the store: nothing is fetched.
        let rdf = JsonLdCanonicalizer::new(ContextSet::production().unwrap());
        let nothing = KnownKeys::default();
        let check = || {
            platform.verify(
                &publication,
                issued.document.as_bytes(),
                store.now(),
                &nothing,
                &rdf,
            )
        };
        assert_eq!(check().outcome, Outcome::Valid, "{:?}", check().checks);
        store
            .credentials()
            .revoke_credential(&issued.id, "issued in error")
            .unwrap();
        assert_eq!(check().outcome, Outcome::Invalid, "{:?}", check().checks);
        assert!(matches!(
            platform.status_list(&publication, &Issuer::Platform, "x"),
            Err(StoreError::NotFound { .. })
        ));
    }

    #[test]
    fn without_a_public_url_keys_sign_as_did_key_and_nothing_is_published() {
        let dir = tempfile::tempdir().unwrap();
        let (store, platform) = open(&dir);
        let publication = Publication::new("http://127.0.0.1:8080", false).unwrap();
        store
            .credentials()
            .new_issuer_key(&Issuer::Platform.key_name())
            .unwrap();
        let issued = issue(&platform, &publication);
        let doc: Value = serde_json::from_str(&issued.document).unwrap();
        assert!(doc.get("credentialStatus").is_none());
        assert!(
            doc["issuer"]["id"]
                .as_str()
                .unwrap()
                .starts_with("did:key:")
        );
        assert!(matches!(
            platform.did_document(&publication, &Issuer::Platform),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            platform.status_list(&publication, &Issuer::Platform, "0"),
            Err(StoreError::NotFound { .. })
        ));
    }
}
