//! Issuing and publishing credentials, shared by the API and the command line: who issues (the
//! platform or an organisation, by `did:web` when Guild has a public URL, by `did:key` when it
//! has none), signing with the issuer's active key, a status-list position in the same
//! transaction, the DID documents and signed Bitstring Status Lists that verifiers fetch, and
//! verification that answers Guild's own DIDs and lists from the store instead of the network.

use guild_ids::{AccountId, ReviewId, WorkerId};
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use guild_credentials::contexts::ContextSet;
use guild_credentials::proof::{Cryptosuite, ProofOptions, add_proof};
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{KeyResolver, KnownStatusList, ResolveError, ResolvedKey};
use guild_credentials::{CredentialError, keys, resolve, status};
use serde::Serialize;
use serde_json::Value;

use crate::credentials::{IssuedCredential, IssuerKey};
use crate::sql::Record;
use crate::{Store, StoreError};

/// The issuer name of the platform's keys.
pub const PLATFORM: &str = "platform";
/// Positions in one status list (the Bitstring Status List minimum, 16 KiB: herd privacy).
pub const STATUS_LIST_BITS: i64 = status::MIN_BITS as i64;
/// How long a published status list is valid: verifiers fetch it again after a day.
const STATUS_LIST_HOURS: i64 = 24;

/// Where this Guild is published: the base of its DID documents and status lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The public base URL, without a trailing slash (`https://guild.example`).
    pub base_url: String,
    /// Whether issuers are `did:web` DIDs under the base URL (a public URL was configured);
    /// otherwise each key is its own `did:key`, verifiable without any server.
    pub did_web: bool,
}

impl Publication {
    /// Checks the base URL (http or https, a host, no query or fragment).
    pub fn new(base_url: &str, did_web: bool) -> Result<Self, StoreError> {
        let base = base_url.trim().trim_end_matches('/');
        let ok = (base.starts_with("https://") || base.starts_with("http://"))
            && !base.contains(['?', '#', ' '])
            && base.split("://").nth(1).is_some_and(|h| !h.is_empty());
        if !ok {
            return Err(StoreError::Invalid(format!(
                "public URL {base_url:?} must be an http(s) URL without query or fragment"
            )));
        }
        if did_web {
            resolve::did_web(base, &[]).map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
        Ok(Self {
            base_url: base.to_owned(),
            did_web,
        })
    }
}

/// An organisation that issues credentials in its own name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    /// Its number.
    pub id: i64,
    /// Its name in URLs and in its DID.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its web site, if any.
    pub url: Option<String>,
    /// When it was made.
    pub created_at: String,
}

/// A member's role in an organisation.
pub const ROLES: [&str; 2] = ["admin", "assessor"];

/// Who signs: the platform or an organisation.
#[derive(Debug, Clone, PartialEq)]
pub enum Issuer {
    /// Guild itself.
    Platform,
    /// An organisation.
    Organisation(Organisation),
}

impl Issuer {
    /// Its name among issuer keys and issued credentials: `platform` or `org:ID`.
    pub fn key_name(&self) -> String {
        match self {
            Issuer::Platform => PLATFORM.to_owned(),
            Issuer::Organisation(o) => format!("org:{}", o.id),
        }
    }

    /// The organisation number in an issuer's key name (`org:7` → 7; `platform` → none): the
    /// reverse of [`Issuer::key_name`].
    pub fn organisation_in(key_name: &str) -> Option<i64> {
        key_name.strip_prefix("org:").and_then(|id| id.parse().ok())
    }

    /// Its display name.
    pub fn name(&self) -> &str {
        match self {
            Issuer::Platform => "Guild",
            Issuer::Organisation(o) => &o.name,
        }
    }

    /// Its base URL under the publication.
    pub fn base(&self, publication: &Publication) -> String {
        match self {
            Issuer::Platform => publication.base_url.clone(),
            Issuer::Organisation(o) => format!("{}/orgs/{}", publication.base_url, o.slug),
        }
    }

    /// Its `did:web` DID under the publication.
    pub fn did_web(&self, publication: &Publication) -> Result<String, StoreError> {
        let segments: Vec<&str> = match self {
            Issuer::Platform => Vec::new(),
            Issuer::Organisation(o) => vec!["orgs", &o.slug],
        };
        resolve::did_web(&publication.base_url, &segments)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }
}

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

fn bad(e: CredentialError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// The JSON-LD canonicaliser over the bundled contexts, built once.
pub fn canonicalizer() -> Result<&'static JsonLdCanonicalizer, StoreError> {
    static RDF: OnceLock<Result<JsonLdCanonicalizer, String>> = OnceLock::new();
    RDF.get_or_init(|| {
        ContextSet::production()
            .map(JsonLdCanonicalizer::new)
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| StoreError::Backend(format!("bundled JSON-LD contexts: {e}")))
}

/// A random version-4 UUID as a URN, for a new credential's id.
pub fn new_credential_id() -> Result<String, StoreError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| StoreError::Backend(format!("no randomness: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        h[0..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..16].concat()
    ))
}

/// Signs `document` with every suite in `suites`, in order (two make a proof set).
pub fn sign(
    document: &Value,
    signer: &Signer,
    suites: &[Cryptosuite],
    created: &str,
) -> Result<Value, StoreError> {
    if suites.is_empty() {
        return Err(StoreError::Invalid(
            "choose at least one proof suite".to_owned(),
        ));
    }
    let rdf = canonicalizer()?;
    let mut doc = document.clone();
    for suite in suites {
        let options = ProofOptions {
            cryptosuite: *suite,
            verification_method: signer.verification_method.clone(),
            proof_purpose: "assertionMethod".to_owned(),
            created: Some(created.to_owned()),
            id: None,
            previous_proof: Vec::new(),
        };
        doc = add_proof(&doc, &options, &signer.signing, rdf).map_err(bad)?;
    }
    Ok(doc)
}

fn organisation_from_row(r: &Record) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: r.int("id")?,
        slug: r.text("slug")?.to_owned(),
        name: r.text("name")?.to_owned(),
        url: r.opt_text("url")?,
        created_at: r.text("created_at")?.to_owned(),
    })
}

const ORG_COLUMNS: &str = "id, slug, name, url, created_at";

/// Checks an organisation's slug: 2–40 lowercase letters, digits and dashes, starting with a
/// letter (it becomes a path segment of a URL and of a DID).
pub fn check_slug(slug: &str) -> Result<(), StoreError> {
    let ok = (2..=40).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "organisation slug {slug:?}: 2 to 40 lowercase letters, digits and dashes, starting with a letter"
        )))
    }
}

impl Store {
    /// Makes an organisation with `creator` as its admin.
    pub fn create_organisation(
        &self,
        slug: &str,
        name: &str,
        url: Option<&str>,
        creator: i64,
    ) -> Result<Organisation, StoreError> {
        check_slug(slug)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "an organisation's name is 1 to 200 characters".to_owned(),
            ));
        }
        if let Some(u) = url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            return Err(StoreError::Invalid(format!(
                "organisation url {u:?} must be an http(s) URL"
            )));
        }
        self.write(|tx| {
            let at = tx.now().to_string();
            let taken = tx.query("SELECT 1 FROM organisations WHERE slug = $1", &[slug.into()])?;
            if !taken.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "organisation {slug} already exists"
                )));
            }
            let org = tx
                .query(
                    &format!(
                        "INSERT INTO organisations (slug, name, url, created_at) VALUES ($1, $2, $3, $4) RETURNING {ORG_COLUMNS}"
                    ),
                    &[slug.into(), name.into(), url.into(), at.clone().into()],
                )?
                .first()
                .map(organisation_from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))??;
            tx.execute(
                "INSERT INTO organisation_members (organisation_id, account_id, role, added_at) VALUES ($1, $2, 'admin', $3)",
                &[org.id.into(), creator.into(), at.into()],
            )?;
            Ok(org)
        })
    }

    /// The organisation `slug`.
    pub fn organisation(&self, slug: &str) -> Result<Organisation, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE slug = $1"),
                &[slug.into()],
            )?
            .first()
            .map(organisation_from_row)
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                id: slug.to_owned(),
            })?
        })
    }

    /// The organisation numbered `id`.
    pub fn organisation_by_id(&self, id: i64) -> Result<Organisation, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"),
                &[id.into()],
            )?
            .first()
            .map(organisation_from_row)
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                id: id.to_string(),
            })?
        })
    }

    /// The organisations `account` belongs to, with its role in each.
    pub fn organisations_of(
        &self,
        account: i64,
    ) -> Result<Vec<(Organisation, String)>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT o.id, o.slug, o.name, o.url, o.created_at, m.role FROM organisations o \
                 JOIN organisation_members m ON m.organisation_id = o.id WHERE m.account_id = $1 ORDER BY o.slug",
                &[account.into()],
            )?
            .iter()
            .map(|r| Ok((organisation_from_row(r)?, r.text("role")?.to_owned())))
            .collect()
        })
    }

    /// The role of `account` in `organisation`, if it is a member.
    pub fn member_role(
        &self,
        organisation: i64,
        account: i64,
    ) -> Result<Option<String>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT role FROM organisation_members WHERE organisation_id = $1 AND account_id = $2",
                &[organisation.into(), account.into()],
            )?
            .first()
            .map(|r| r.text("role").map(str::to_owned))
            .transpose()
        })
    }

    /// Adds (or changes the role of) the account with e-mail `email` in `organisation`.
    pub fn set_member(
        &self,
        organisation: i64,
        email: &str,
        role: &str,
    ) -> Result<i64, StoreError> {
        if !ROLES.contains(&role) {
            return Err(StoreError::Invalid(format!(
                "role {role:?}: expected one of {}",
                ROLES.join(", ")
            )));
        }
        self.write(|tx| {
            let account = tx
                .query(
                    "SELECT id FROM accounts WHERE email = $1",
                    &[email.trim().to_lowercase().into()],
                )?
                .first()
                .map(|r| r.int("id"))
                .transpose()?
                .ok_or_else(|| StoreError::NotFound {
                    what: "account",
                    id: email.to_owned(),
                })?;
            if role != "admin" {
                let admins = tx.query(
                    "SELECT account_id FROM organisation_members WHERE organisation_id = $1 AND role = 'admin'",
                    &[organisation.into()],
                )?;
                if admins.len() == 1 && admins[0].int("account_id")? == account {
                    return Err(StoreError::Conflict(
                        "this is the organisation's last admin: make another member admin first".to_owned(),
                    ));
                }
            }
            let at = tx.now().to_string();
            let changed = tx.execute(
                "UPDATE organisation_members SET role = $1 WHERE organisation_id = $2 AND account_id = $3",
                &[role.into(), organisation.into(), account.into()],
            )?;
            crate::audit::audit(tx, None, "organisation.member", &format!("organisation:{organisation}"), &format!("account {account} is {role}"))?;
            if changed == 0 {
                tx.execute(
                    "INSERT INTO organisation_members (organisation_id, account_id, role, added_at) VALUES ($1, $2, $3, $4)",
                    &[organisation.into(), account.into(), role.into(), at.into()],
                )?;
            }
            Ok(account)
        })
    }

    /// Makes a fresh Ed25519 key for `issuer` and retires its current one (which keeps
    /// verifying what it signed, and keeps signing its own status lists).
    pub fn new_issuer_key(&self, issuer: &Issuer) -> Result<IssuerKey, StoreError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| StoreError::Backend(format!("no randomness for a key: {e}")))?;
        let key = SigningKey::from_bytes(&seed);
        // The seed on the stack is wiped: only its sealed form outlives this call.
        zeroize::Zeroize::zeroize(&mut seed);
        self.add_issuer_key(&issuer.key_name(), &key)
    }

    /// The identity `issuer` signs with now.
    pub fn signer(&self, publication: &Publication, issuer: &Issuer) -> Result<Signer, StoreError> {
        let key = self.active_issuer_key(&issuer.key_name())?.ok_or_else(|| {
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
        let signing = self.signing_key(&key)?;
        let (did, verification_method) = if publication.did_web {
            let did = issuer.did_web(publication)?;
            let vm = resolve::verification_method(&did, &key.public_multibase);
            (did, vm)
        } else {
            (
                keys::did_key(&signing.verifying_key()),
                keys::did_key_verification_method(&signing.verifying_key()),
            )
        };
        Ok(Signer {
            status_base: format!("{}/credentials/status", issuer.base(publication)),
            issuer: issuer.clone(),
            did,
            verification_method,
            key,
            signing,
        })
    }

    /// Issues a credential as `issuer`: `build` writes the unsigned document for the signer and
    /// the new credential's id; a revocation status entry is added; the document is signed
    /// with `suites` and stored, all in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_as(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        issued_by: Option<AccountId>,
        worker: Option<i64>,
        kind: &str,
        skill: Option<&str>,
        suites: &[Cryptosuite],
        build: impl FnOnce(&Signer, &str) -> Result<Value, CredentialError>,
    ) -> Result<IssuedCredential, StoreError> {
        let signer = self.signer(publication, issuer)?;
        let id = new_credential_id()?;
        let mut document = build(&signer, &id).map_err(bad)?;
        let created = self.now().to_string();
        self.issue_credential(
            &issuer.key_name(),
            issued_by,
            &id,
            worker,
            kind,
            skill,
            |index| {
                // Status lists are published only where verifiers can fetch them: under a
                // public URL. Without one, revocation is recorded but cannot be published.
                if publication.did_web {
                    let entry = status::status_entry(
                        &format!("{}/{}", signer.status_base, index / STATUS_LIST_BITS),
                        u64::try_from(index % STATUS_LIST_BITS).unwrap_or_default(),
                    );
                    if let Some(o) = document.as_object_mut() {
                        o.insert("credentialStatus".to_owned(), entry);
                    }
                }
                let signed = sign(&document, &signer, suites, &created)?;
                serde_json::to_string_pretty(&signed)
                    .map_err(|e| StoreError::Backend(e.to_string()))
            },
        )
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
        let keys: Vec<String> = self
            .issuer_keys(&issuer.key_name())?
            .into_iter()
            .map(|k| k.public_multibase)
            .collect();
        if keys.is_empty() {
            return Err(StoreError::NotFound {
                what: "DID document",
                id: format!("{} (no keys yet)", issuer.did_web(publication)?),
            });
        }
        Ok(resolve::did_document(&issuer.did_web(publication)?, &keys))
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
        // Valid from the start of the hour: a verifier whose clock is a little behind ours
        // must not see a list from its future.
        let now = self.now();
        let from = jiff::Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(3600))
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let until = from
            .checked_add(jiff::SignedDuration::from_hours(STATUS_LIST_HOURS + 1))
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let url = format!("{}/{list}", signer.status_base);
        let unsigned = status::status_list_credential(
            &url,
            &signer.did,
            &revoked,
            status::MIN_BITS,
            &from.to_string(),
            &until.to_string(),
        )
        .map_err(bad)?;
        sign(
            &unsigned,
            &signer,
            &[Cryptosuite::EddsaRdfc2022],
            &from.to_string(),
        )
    }

    /// The positions revoked in status list number `number` of `issuer`, from the list's start.
    fn revoked_in_list(&self, issuer: &Issuer, number: i64) -> Result<Vec<u64>, StoreError> {
        let (start, end) = (number * STATUS_LIST_BITS, (number + 1) * STATUS_LIST_BITS);
        self.read(|tx| {
            tx.query(
                "SELECT status_index FROM issued_credentials WHERE issuer = $1 AND revoked_at IS NOT NULL \
                 AND status_index >= $2 AND status_index < $3 ORDER BY status_index",
                &[issuer.key_name().into(), start.into(), end.into()],
            )?
            .iter()
            .map(|r| Ok(u64::try_from(r.int("status_index")? - start).unwrap_or_default()))
            .collect::<Result<_, StoreError>>()
        })
    }

    /// The status list `list` of `issuer` as this store records it, unsigned: what
    /// [`OwnFirst`] reads first-hand when the store cannot sign.
    fn known_status_list(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        list: &str,
    ) -> Result<KnownStatusList, StoreError> {
        let revoked = self.revoked_in_list(issuer, list_number(list)?)?;
        Ok(KnownStatusList {
            issuer: issuer.did_web(publication)?,
            purposes: vec!["revocation".to_owned()],
            encoded_list: status::encode_list(&revoked, status::MIN_BITS).map_err(bad)?,
        })
    }

    /// The issuer of the credentials at `base/…`, if it is this Guild's: the platform at the
    /// base URL, an organisation at `base/orgs/SLUG`.
    fn issuer_at(
        &self,
        publication: &Publication,
        path: &str,
    ) -> Result<Option<(Issuer, String)>, StoreError> {
        let Some(rest) = path.strip_prefix(&publication.base_url) else {
            return Ok(None);
        };
        if let Some(org) = rest.strip_prefix("/orgs/") {
            let (slug, tail) = org.split_once('/').unwrap_or((org, ""));
            return match self.organisation(slug) {
                Ok(o) => Ok(Some((Issuer::Organisation(o), format!("/{tail}")))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            };
        }
        Ok(Some((Issuer::Platform, rest.to_owned())))
    }
}

/// The number of a status list in its URL (`…/credentials/status/3` → 3).
fn list_number(list: &str) -> Result<i64, StoreError> {
    list.parse()
        .ok()
        .filter(|n| (0..1 << 32).contains(n))
        .ok_or_else(|| StoreError::NotFound {
            what: "status list",
            id: list.to_owned(),
        })
}

/// A resolver that answers this Guild's own DIDs and status lists from the store (no network,
/// and no trust in a DNS answer for its own name), and everything else with `then`.
pub struct OwnFirst<'a> {
    /// The store.
    pub store: &'a Store,
    /// Where this Guild is published.
    pub publication: &'a Publication,
    /// Everything else (the web, keys given by the caller).
    pub then: &'a dyn KeyResolver,
}

impl OwnFirst<'_> {
    fn own_did(&self, did: &str) -> Option<Issuer> {
        if !self.publication.did_web {
            return None;
        }
        let platform = Issuer::Platform.did_web(self.publication).ok()?;
        if did == platform {
            return Some(Issuer::Platform);
        }
        let slug = did.strip_prefix(&platform)?.strip_prefix(":orgs:")?;
        self.store.organisation(slug).ok().map(Issuer::Organisation)
    }
}

impl KeyResolver for OwnFirst<'_> {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        let did = vm.split_once('#').map_or(vm, |(d, _)| d);
        let Some(issuer) = self.own_did(did) else {
            return self.then.resolve(vm);
        };
        let keys = self
            .store
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
        let (issuer, tail) = self.store.issuer_at(self.publication, url).ok()??;
        let list = tail.strip_prefix("/credentials/status/")?;
        // While this store can sign, its lists are checked as any verifier checks them (signed);
        // a store whose issuer keys are locked away reads its own records instead, so that what
        // it issued still verifies, revocation included.
        match self.store.signer(self.publication, &issuer) {
            Err(StoreError::IssuerKeysLocked(_) | StoreError::SealedKey(_)) => {}
            _ => return None,
        }
        Some(
            self.store
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
            .store
            .issuer_at(self.publication, url)
            .map_err(|e| ResolveError::Unresolvable(e.to_string()))?;
        let Some((issuer, tail)) = own else {
            return self.then.status_list(url);
        };
        let Some(list) = tail.strip_prefix("/credentials/status/") else {
            return self.then.status_list(url);
        };
        match self.store.status_list(self.publication, &issuer, list) {
            Ok(v) => serde_json::to_vec(&v).map_err(|e| ResolveError::Unresolvable(e.to_string())),
            Err(StoreError::NotFound { .. }) => Err(ResolveError::Invalid(format!(
                "{url}: this Guild publishes no such status list"
            ))),
            Err(e) => Err(ResolveError::Unresolvable(e.to_string())),
        }
    }
}

/// A skill certification to issue.
#[derive(Debug, Clone)]
pub struct SkillAward {
    /// The worker.
    pub worker: i64,
    /// The skill (taxonomy id).
    pub skill: String,
    /// The level reached, 1–5.
    pub level: u8,
    /// What proves it.
    pub evidence: Vec<guild_credentials::badge::BadgeEvidence>,
    /// Years until it expires (0: never).
    pub years: u8,
    /// The proof suites, in order.
    pub suites: Vec<Cryptosuite>,
}

/// Where each Guild describes how reputation is computed (the credential's criteria).
pub const REPUTATION_METHODOLOGY_PATH: &str = "/methodology/reputation";
/// How long a reputation summary is valid: it is a snapshot, so it is short-lived.
pub const REPUTATION_VALID_DAYS: i64 = 30;

fn certified_skill(
    store: &Store,
    id: &str,
) -> Result<guild_credentials::badge::CertifiedSkill, StoreError> {
    let skill_id = guild_taxonomy::SkillId::parse(id)
        .map_err(|e| StoreError::Invalid(format!("skill: {e}")))?;
    let skill = store.skill(&skill_id)?;
    let framework = match skill.skill.source {
        guild_taxonomy::Source::Esco => "ESCO",
        guild_taxonomy::Source::Onet => "O*NET",
        guild_taxonomy::Source::Guild => "Guild",
    };
    Ok(guild_credentials::badge::CertifiedSkill {
        id: skill_id.as_str().to_owned(),
        label: skill.skill.label.clone(),
        description: skill.skill.description.clone(),
        uri: skill.skill.source_uri.clone(),
        framework: framework.to_owned(),
    })
}

fn days_from(t: jiff::Timestamp, days: i64) -> Result<jiff::Timestamp, StoreError> {
    t.checked_add(jiff::SignedDuration::from_hours(24 * days))
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The URN Guild names a worker by in what it issues.
pub fn worker_urn(worker: i64) -> String {
    format!("urn:guild:worker:{worker}")
}

impl Store {
    /// Issues a skill certification (Open Badges 3.0) as `issuer`.
    pub fn issue_skill(
        &self,
        publication: &Publication,
        issuer: &Issuer,
        issued_by: Option<AccountId>,
        award: &SkillAward,
    ) -> Result<IssuedCredential, StoreError> {
        let worker = self.worker(guild_matching::WorkerId(award.worker))?.worker;
        let skill = certified_skill(self, &award.skill)?;
        let now = self.now();
        let valid_until = (award.years > 0)
            .then(|| days_from(now, 365 * i64::from(award.years)))
            .transpose()?;
        self.issue_as(
            publication,
            issuer,
            issued_by,
            Some(award.worker),
            "skill",
            Some(&skill.id.clone()),
            &award.suites,
            |signer, id| {
                guild_credentials::badge::skill_credential(
                    &guild_credentials::badge::SkillCertification {
                        id: id.to_owned(),
                        issuer: signer.did.clone(),
                        issuer_name: issuer.name().to_owned(),
                        issuer_url: Some(issuer.base(publication)),
                        subject: worker_urn(award.worker),
                        subject_name: Some(worker.name.clone()),
                        skill,
                        level: award.level,
                        evidence: award.evidence.clone(),
                        valid_from: now.to_string(),
                        valid_until: valid_until.map(|t| t.to_string()),
                        achievement_base: issuer.base(publication),
                    },
                )
            },
        )
    }

    /// Issues the platform's reputation summary of `worker` over the last `days` days: counts,
    /// mean, distribution and completion from the reviews of its contracts, and the skills
    /// those reviews rated. Valid for a short time: it is a snapshot.
    pub fn issue_reputation(
        &self,
        publication: &Publication,
        worker: i64,
        days: i64,
        issued_by: Option<AccountId>,
    ) -> Result<IssuedCredential, StoreError> {
        if !(1..=3650).contains(&days) {
            return Err(StoreError::Invalid(format!(
                "the period is 1 to 3650 days, not {days}"
            )));
        }
        let stored = self.worker(guild_matching::WorkerId(worker))?.worker;
        let now = self.now();
        let start = days_from(now, -days)?;
        let reviews = self.reviews_of(WorkerId(worker), &start.to_string())?;
        let mut distribution = [0u32; 5];
        let (mut finished, mut sum) = (0u32, 0u64);
        let mut skills = std::collections::BTreeSet::new();
        for r in &reviews {
            let stars = usize::try_from(r.rating - 1).unwrap_or_default().min(4);
            distribution[stars] += 1;
            sum += u64::try_from(r.rating).unwrap_or_default();
            if r.outcome == "finished" {
                finished += 1;
            }
            skills.extend(r.skills.iter().map(|s| s.skill.clone()));
        }
        let skills = skills
            .iter()
            .map(|s| certified_skill(self, s))
            .collect::<Result<Vec<_>, _>>()?;
        let count = u32::try_from(reviews.len()).unwrap_or(u32::MAX);
        self.issue_as(
            publication,
            &Issuer::Platform,
            issued_by,
            Some(worker),
            "reputation",
            None,
            &[Cryptosuite::EddsaRdfc2022],
            |signer, id| {
                guild_credentials::reputation::reputation_credential(
                    &guild_credentials::reputation::ReputationSummary {
                        id: id.to_owned(),
                        issuer: signer.did.clone(),
                        issuer_name: "Guild".to_owned(),
                        issuer_url: Some(publication.base_url.clone()),
                        subject: worker_urn(worker),
                        subject_name: Some(stored.name.clone()),
                        ratings_count: count,
                        rating_sum: sum,
                        distribution,
                        contracts_finished: finished,
                        contracts_ended: count,
                        period_start: start.to_string(),
                        period_end: now.to_string(),
                        skills,
                        methodology_url: format!(
                            "{}{REPUTATION_METHODOLOGY_PATH}",
                            publication.base_url
                        ),
                        valid_from: now.to_string(),
                        valid_until: days_from(now, REPUTATION_VALID_DAYS)
                            .map_err(|e| CredentialError::Invalid(e.to_string()))?
                            .to_string(),
                        achievement_base: publication.base_url.clone(),
                    },
                )
            },
        )
    }

    /// Issues one review as an endorsement credential (the platform attests that it came from
    /// that contract).
    pub fn issue_endorsement(
        &self,
        publication: &Publication,
        review: i64,
        issued_by: Option<AccountId>,
    ) -> Result<IssuedCredential, StoreError> {
        let r = self.review(ReviewId(review))?;
        if r.body.trim().is_empty() {
            return Err(StoreError::Invalid(format!(
                "review {review} has no text to endorse with"
            )));
        }
        let skill_ratings = r
            .skills
            .iter()
            .map(|s| {
                Ok((
                    certified_skill(self, &s.skill)?,
                    u8::try_from(s.rating).unwrap_or(0),
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let now = self.now();
        self.issue_as(
            publication,
            &Issuer::Platform,
            issued_by,
            Some(r.worker.get()),
            "endorsement",
            None,
            &[Cryptosuite::EddsaRdfc2022],
            |signer, id| {
                guild_credentials::reputation::endorsement_credential(
                    &guild_credentials::reputation::Endorsement {
                        id: id.to_owned(),
                        issuer: signer.did.clone(),
                        issuer_name: "Guild".to_owned(),
                        issuer_url: Some(publication.base_url.clone()),
                        reviewer_name: Some(r.reviewer_name.clone()),
                        subject: worker_urn(r.worker.get()),
                        rating: u8::try_from(r.rating).unwrap_or(0),
                        skill_ratings,
                        contract: Some(r.contract_ref.clone()),
                        comment: r.body.clone(),
                        review_date: r.created_at.clone(),
                        valid_from: now.to_string(),
                        valid_until: None,
                    },
                )
            },
        )
    }
}
