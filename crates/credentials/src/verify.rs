//! Verifying a credential: a report of every check, passed or failed, and why.
//!
//! The outcome is `valid` when every check passes, `invalid` when one fails (a bad signature,
//! a wrong shape, an expired credential), and `unverifiable` when a check could not be made (a
//! key that cannot be resolved, a status list that cannot be read) and nothing failed. Keys are
//! found through a [`KeyResolver`]: `did:key` needs nothing, while `did:web` and verification
//! methods given as URLs are resolved by the caller (this crate does no I/O).

use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::CredentialError;
use crate::proof::{RdfCanonicalizer, check_proof, proofs_of};

/// Largest credential accepted, in bytes.
pub const MAX_CREDENTIAL_BYTES: usize = 1 << 20;
/// Deepest nesting of JSON arrays and objects accepted.
pub const MAX_DEPTH: usize = 64;

/// A key found for a verification method, and who controls it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedKey {
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// The DID or URL whose document lists the key (what the issuer must be).
    pub controller: String,
}

/// Finds the public key of a verification method, and the status lists credentials point to.
pub trait KeyResolver {
    /// The Ed25519 key `verification_method` names. `Err(Unresolvable)` when it cannot be found
    /// now (the network, an unknown DID method); other errors when what was found is wrong.
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, ResolveError>;

    /// The bytes of the status list credential at `url`. By default nothing is fetched and
    /// a credential with a status entry is reported as not checked.
    fn status_list(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
        Err(ResolveError::Unresolvable(format!(
            "status list {url}: status lists are not fetched in this check"
        )))
    }

    /// The status list at `url` as the resolver knows it first-hand, with no signed copy to
    /// check: an issuer verifying what it issued itself reads its own records (and may be
    /// unable to sign a list, its secret keys being locked away). `None`, the default, means
    /// it does not know the list first-hand, and [`KeyResolver::status_list`] is asked.
    fn known_status_list(&self, url: &str) -> Option<Result<KnownStatusList, ResolveError>> {
        let _ = url;
        None
    }
}

/// A status list known first-hand (see [`KeyResolver::known_status_list`]).
#[derive(Debug, Clone, PartialEq)]
pub struct KnownStatusList {
    /// Who issued it: it must be the credential's issuer.
    pub issuer: String,
    /// What it records (`revocation`, `suspension`).
    pub purposes: Vec<String>,
    /// The bitstring, GZIP-compressed and multibase base64url (as in `encodedList`).
    pub encoded_list: String,
}

/// Why a key was not found.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolveError {
    /// It could not be looked up (network, unsupported method): the credential is unverifiable.
    Unresolvable(String),
    /// What was found is not a usable key (wrong type, malformed): the credential is invalid.
    Invalid(String),
}

/// Resolves `did:key` verification methods only.
pub struct DidKeyResolver;

impl KeyResolver for DidKeyResolver {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        if vm.starts_with("did:key:") {
            crate::keys::resolve_did_key(vm)
                .map(|key| ResolvedKey {
                    key,
                    controller: controller_of(vm).to_owned(),
                })
                .map_err(|e| ResolveError::Invalid(e.to_string()))
        } else {
            Err(ResolveError::Unresolvable(format!(
                "{vm}: only did:key can be resolved here"
            )))
        }
    }
}

/// Resolves `did:key`, and verification methods whose keys the caller already knows (keys
/// fetched from a `did:web` document or an issuer profile, or given on the command line).
#[derive(Debug, Clone, Default)]
pub struct KnownKeys {
    keys: std::collections::HashMap<String, VerifyingKey>,
}

impl KnownKeys {
    /// Adds the key of a verification method (given as Multikey multibase).
    pub fn add(
        &mut self,
        verification_method: &str,
        public_multibase: &str,
    ) -> Result<(), CredentialError> {
        let key = crate::keys::public_key_from_multibase(public_multibase)?;
        self.keys.insert(verification_method.to_owned(), key);
        Ok(())
    }
}

impl KeyResolver for KnownKeys {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        match self.keys.get(vm) {
            Some(k) => Ok(ResolvedKey {
                key: *k,
                controller: controller_of(vm).to_owned(),
            }),
            None => DidKeyResolver.resolve(vm),
        }
    }
}

/// Resolves keys the caller knows first, then falls back to another resolver (the web).
pub struct KnownThen<'a> {
    /// Keys given by the caller.
    pub known: &'a KnownKeys,
    /// Everything else.
    pub then: &'a dyn KeyResolver,
}

impl KeyResolver for KnownThen<'_> {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        match self.known.keys.get(vm) {
            Some(k) => Ok(ResolvedKey {
                key: *k,
                controller: controller_of(vm).to_owned(),
            }),
            None => self.then.resolve(vm),
        }
    }

    fn status_list(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
        self.then.status_list(url)
    }

    fn known_status_list(&self, url: &str) -> Option<Result<KnownStatusList, ResolveError>> {
        self.then.known_status_list(url)
    }
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passed.
    Valid,
    /// A check failed.
    Invalid,
    /// A check could not be made, and none failed.
    Unverifiable,
}

/// One check and its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    /// What was checked.
    pub check: String,
    /// `passed`, `failed`, `not_checked` or `warning`.
    pub result: CheckResult,
    /// Why, in words.
    pub detail: String,
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// It holds.
    Passed,
    /// It does not hold.
    Failed,
    /// It could not be checked.
    NotChecked,
    /// It could not be checked, and the specification says that does not make the credential
    /// unverifiable (an Open Badges revocation list that cannot be read); the verdict stands on
    /// the other checks.
    Warning,
}

/// Everything a verification found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationReport {
    /// The verdict.
    pub outcome: Outcome,
    /// Each check, in order.
    pub checks: Vec<Check>,
    /// The issuer's id, when the credential names one.
    pub issuer: Option<String>,
    /// The credential's types.
    pub types: Vec<String>,
}

impl VerificationReport {
    fn push(&mut self, check: &str, result: CheckResult, detail: impl Into<String>) {
        self.checks.push(Check {
            check: check.to_owned(),
            result,
            detail: detail.into(),
        });
    }

    fn finish(mut self) -> Self {
        self.outcome = if self.checks.iter().any(|c| c.result == CheckResult::Failed) {
            Outcome::Invalid
        } else if self
            .checks
            .iter()
            .any(|c| c.result == CheckResult::NotChecked)
        {
            Outcome::Unverifiable
        } else {
            Outcome::Valid
        };
        self
    }
}

/// The depth of the deepest nesting in raw JSON text, counted without parsing (so that a
/// deeply nested document is refused before the parser recurses into it).
pub(crate) fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Reads a credential's JSON within the size and depth bounds.
pub fn parse(bytes: &[u8]) -> Result<Map<String, Value>, CredentialError> {
    if bytes.len() > MAX_CREDENTIAL_BYTES {
        return Err(CredentialError::Invalid(format!(
            "the credential is {} bytes; at most {MAX_CREDENTIAL_BYTES} are accepted",
            bytes.len()
        )));
    }
    let depth = nesting_depth(bytes);
    if depth > MAX_DEPTH {
        return Err(CredentialError::Invalid(format!(
            "the credential nests {depth} levels deep; at most {MAX_DEPTH} are accepted"
        )));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(CredentialError::Invalid(
            "a credential must be a JSON object".to_owned(),
        )),
        Err(e) => Err(CredentialError::Invalid(format!("malformed JSON: {e}"))),
    }
}

fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// The DID (or URL) a verification method belongs to: everything before `#`.
fn controller_of(vm: &str) -> &str {
    vm.split_once('#').map_or(vm, |(c, _)| c)
}

/// Verifies a credential given as bytes at time `now`: its shape, dates, every proof, and its
/// status (revocation, suspension) when it has a status entry and `keys` can fetch the list.
///
/// The bytes are a JSON credential with embedded proofs, or a VC-JWT (a compact JWS whose payload
/// is the credential or carries it in its `vc` claim). Open Badges 3.0 and CLR 2.0 credentials
/// are also held to what 1EdTech's validator checks ([`crate::openbadges`]), and a CLR's nested
/// credentials are verified one by one.
pub fn verify(
    bytes: &[u8],
    now: jiff::Timestamp,
    keys: &dyn KeyResolver,
    rdf: &dyn RdfCanonicalizer,
) -> VerificationReport {
    verify_at_depth(bytes, now, keys, rdf, 1)
}

fn empty_report() -> VerificationReport {
    VerificationReport {
        outcome: Outcome::Invalid,
        checks: Vec::new(),
        issuer: None,
        types: Vec::new(),
    }
}

/// `status_depth` bounds how deep status lists are followed: a status list's own status is
/// not read, so a list cannot send the verifier round in circles.
fn verify_at_depth(
    bytes: &[u8],
    now: jiff::Timestamp,
    keys: &dyn KeyResolver,
    rdf: &dyn RdfCanonicalizer,
    status_depth: u8,
) -> VerificationReport {
    let mut report = empty_report();
    let ctx = Ctx {
        now,
        keys,
        rdf,
        status_depth,
        nesting: 0,
    };
    match std::str::from_utf8(bytes) {
        Ok(text) if crate::jwt::looks_like_compact_jws(text) => verify_jwt(&mut report, text, &ctx),
        _ => match parse(bytes) {
            Ok(doc) => {
                report.push(
                    "json",
                    CheckResult::Passed,
                    "well-formed JSON object within bounds",
                );
                check_document(&mut report, &doc, Secured::Embedded, &ctx);
            }
            Err(e) => report.push("json", CheckResult::Failed, e.to_string()),
        },
    }
    report.finish()
}

/// What one verification carries down into nested credentials.
struct Ctx<'a> {
    now: jiff::Timestamp,
    keys: &'a dyn KeyResolver,
    rdf: &'a dyn RdfCanonicalizer,
    status_depth: u8,
    /// How deep in a CLR's nested credentials this is (a CLR inside a CLR is not followed).
    nesting: u8,
}

/// How the credential is secured.
enum Secured<'a> {
    /// By the proofs in its `proof`.
    Embedded,
    /// By the JWS it came in.
    Jwt(&'a crate::jwt::CompactJws),
}

fn verify_jwt(report: &mut VerificationReport, text: &str, ctx: &Ctx<'_>) {
    match crate::jwt::parse_compact(text) {
        Ok(jws) => {
            report.push(
                "jwt",
                CheckResult::Passed,
                format!(
                    "compact JWS, alg {}, credential in {}",
                    jws.alg().unwrap_or("?"),
                    if jws.payload.get("vc").is_some_and(Value::is_object) {
                        "the vc claim"
                    } else {
                        "the payload"
                    }
                ),
            );
            let doc = jws.credential();
            check_document(report, &doc, Secured::Jwt(&jws), ctx);
        }
        Err(e) => report.push("jwt", CheckResult::Failed, e.to_string()),
    }
}

/// Every check of one credential, embedded-proof or JWT, into `report`.
fn check_document(
    report: &mut VerificationReport,
    doc: &Map<String, Value>,
    secured: Secured<'_>,
    ctx: &Ctx<'_>,
) {
    // Shape (VC Data Model 2.0, or 1.1 for older credentials).
    let contexts = crate::openbadges::strings(doc.get("@context"));
    let first_context = contexts.first().copied();
    let v2 = contexts.contains(&crate::contexts::CREDENTIALS_V2);
    let v1 = !v2;
    match first_context {
        Some(c @ (crate::contexts::CREDENTIALS_V2 | crate::contexts::CREDENTIALS_V1)) => {
            report.push(
                "context",
                CheckResult::Passed,
                format!("first context is {c}"),
            );
        }
        _ => report.push(
            "context",
            CheckResult::Failed,
            "the first @context must be https://www.w3.org/ns/credentials/v2 (or the v1 context)",
        ),
    }
    report.types = crate::openbadges::strings(doc.get("type"))
        .into_iter()
        .map(str::to_owned)
        .collect();
    let is_vc = report.types.iter().any(|t| t == "VerifiableCredential");
    report.push(
        "type",
        if is_vc {
            CheckResult::Passed
        } else {
            CheckResult::Failed
        },
        if is_vc {
            format!("types: {}", report.types.join(", "))
        } else {
            "type must include VerifiableCredential".to_owned()
        },
    );
    report.issuer = id_of(doc.get("issuer"));
    match &report.issuer {
        Some(i) => report.push("issuer", CheckResult::Passed, format!("issued by {i}")),
        None => report.push(
            "issuer",
            CheckResult::Failed,
            "no issuer (a URL or an object with an id)",
        ),
    }
    if doc
        .get("credentialSubject")
        .is_some_and(|s| s.is_object() || s.is_array())
    {
        report.push("credentialSubject", CheckResult::Passed, "present");
    } else {
        report.push(
            "credentialSubject",
            CheckResult::Failed,
            "credentialSubject must be an object or a list",
        );
    }
    // Open Badges 3.0 / CLR 2.0: what 1EdTech's validator requires of the class.
    let profile = crate::openbadges::Profile::of(&report.types);
    if let Some(profile) = profile {
        use crate::openbadges as ob;
        let mut findings = vec![ob::check_context(doc, profile)];
        findings.extend(ob::check_schema(doc, profile, v2));
        findings.push(ob::check_issuer(doc));
        findings.push(ob::check_subject(doc, profile));
        findings.extend(ob::check_evidence(doc));
        for (name, result, detail) in findings {
            report.push(name, result, detail);
        }
    }
    // Validity dates.
    let (from_key, until_key) = if v1 {
        ("issuanceDate", "expirationDate")
    } else {
        ("validFrom", "validUntil")
    };
    for (key, must_be_before) in [(from_key, true), (until_key, false)] {
        let Some(raw) = doc.get(key) else { continue };
        let parsed = raw.as_str().and_then(|s| s.parse::<jiff::Timestamp>().ok());
        match parsed {
            None => report.push(
                "validity",
                CheckResult::Failed,
                format!("{key} {raw} is not a date-time with a time zone"),
            ),
            Some(t) if must_be_before && t > ctx.now => report.push(
                "validity",
                CheckResult::Failed,
                format!("not valid before {t} ({key})"),
            ),
            Some(t) if !must_be_before && t < ctx.now => report.push(
                "validity",
                CheckResult::Failed,
                format!("expired at {t} ({key})"),
            ),
            Some(t) => report.push("validity", CheckResult::Passed, format!("{key} {t}")),
        }
    }
    let rdf_checked = match secured {
        Secured::Embedded => check_embedded_proofs(report, doc, profile, ctx),
        Secured::Jwt(jws) => {
            check_jwt(report, doc, jws, (from_key, until_key), ctx);
            false
        }
    };
    // 1EdTech's validator expands every Open Badges credential as JSON-LD: a context it cannot
    // load or a term no context defines makes the credential invalid. An RDF proof already did
    // this; a JWT or a JCS proof did not.
    if profile.is_some() && !rdf_checked {
        let mut unsecured = doc.clone();
        unsecured.remove("proof");
        match ctx.rdf.canonicalize(&Value::Object(unsecured)) {
            Ok(_) => report.push(
                "json-ld",
                CheckResult::Passed,
                "expands with the bundled contexts",
            ),
            Err(e) => report.push("json-ld", CheckResult::Failed, e.to_string()),
        }
    }
    // A status list's own status is not read.
    if ctx.status_depth > 0 {
        check_status(
            report,
            doc,
            ctx.now,
            ctx.keys,
            ctx.rdf,
            ctx.status_depth,
            profile.is_some(),
        );
    }
    if profile == Some(crate::openbadges::Profile::Clr) {
        check_nested(report, doc, ctx);
    }
}

/// Whether `vm` is an absolute URI (it has a scheme).
fn has_scheme(vm: &str) -> bool {
    vm.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The DID methods whose keys can be found: `did:key` and `did:jwk` here, `did:web` through the
/// resolver.
const KNOWN_DID_METHODS: [&str; 3] = ["key", "web", "jwk"];

/// The Ed25519 key a verification method's fragment spells (`…#z6Mk…`), if it does.
fn fragment_key(vm: &str) -> Option<VerifyingKey> {
    let (_, fragment) = vm.split_once('#')?;
    crate::keys::public_key_from_multibase(fragment).ok()
}

/// Finds the key of a proof's verification method, or says why not (a failed or unchecked check).
///
/// A method that is not a URI, or a DID of a method nobody can resolve, is invalid. For Open
/// Badges credentials, a method whose fragment is the key itself (`https://issuer.example/1#z6Mk…`,
/// the form the Open Badges examples use) is read as 1EdTech's validator reads it: the key is
/// the fragment and its controller what comes before `#`. The issuer's own document is still
/// preferred when it can be read.
fn resolve_method(
    vm: &str,
    keys: &dyn KeyResolver,
    open_badges: bool,
) -> Result<(ResolvedKey, Option<&'static str>), (CheckResult, String)> {
    if !has_scheme(vm) {
        return Err((
            CheckResult::Failed,
            format!("verification method {vm:?} is not a URI (it has no scheme)"),
        ));
    }
    let from_fragment = || {
        fragment_key(vm).map(|key| {
            (
                ResolvedKey {
                    key,
                    controller: controller_of(vm).to_owned(),
                },
                Some("key read from the verification method's fragment; its controller's document was not read"),
            )
        })
    };
    if let Some(rest) = vm.strip_prefix("did:") {
        let method = rest.split(':').next().unwrap_or_default();
        if method == "jwk" {
            return match crate::jwt::key_from_did_jwk(vm) {
                Ok(crate::jwt::JwtKey::Ed25519(key)) => Ok((
                    ResolvedKey {
                        key,
                        controller: controller_of(vm).to_owned(),
                    },
                    None,
                )),
                Ok(other) => Err((
                    CheckResult::Failed,
                    format!("{vm}: a {} key cannot check an EdDSA proof", other.alg()),
                )),
                Err(e) => Err((CheckResult::Failed, format!("{vm}: {e}"))),
            };
        }
        if !KNOWN_DID_METHODS.contains(&method) {
            if open_badges && let Some(found) = from_fragment() {
                return Ok(found);
            }
            return Err((
                CheckResult::Failed,
                format!(
                    "verification method {vm}: the DID method did:{method} cannot be resolved (known: did:key, did:web, did:jwk)"
                ),
            ));
        }
    } else if !(vm.starts_with("https://") || vm.starts_with("http://")) {
        let scheme = vm.split(':').next().unwrap_or_default();
        if open_badges && let Some(found) = from_fragment() {
            return Ok(found);
        }
        return Err((
            CheckResult::Failed,
            format!("verification method {vm}: the URI scheme {scheme}: names no key"),
        ));
    }
    match keys.resolve(vm) {
        Ok(k) => Ok((k, None)),
        Err(ResolveError::Unresolvable(why)) => match open_badges.then(from_fragment).flatten() {
            Some(found) => Ok(found),
            None => Err((CheckResult::NotChecked, format!("key not found: {why}"))),
        },
        Err(ResolveError::Invalid(why)) => {
            Err((CheckResult::Failed, format!("key of {vm}: {why}")))
        }
    }
}

/// Checks every embedded proof; returns whether one of them canonicalised the document as RDF.
fn check_embedded_proofs(
    report: &mut VerificationReport,
    doc: &Map<String, Value>,
    profile: Option<crate::openbadges::Profile>,
    ctx: &Ctx<'_>,
) -> bool {
    let mut rdf_checked = false;
    // Proofs: every one must hold.
    let proofs = match proofs_of(doc) {
        Ok(p) => p,
        Err(e) => {
            report.push("proof", CheckResult::Failed, e.to_string());
            return rdf_checked;
        }
    };
    if proofs.is_empty() {
        report.push("proof", CheckResult::Failed, "the credential has no proof");
    }
    for (i, proof) in proofs.iter().enumerate() {
        let name = format!("proof {}", i + 1);
        let Some(vm) = proof.get("verificationMethod").and_then(Value::as_str) else {
            report.push(&name, CheckResult::Failed, "no verificationMethod");
            continue;
        };
        // Open Badges: the issuer's proof asserts (1EdTech's validator selects the proof by it).
        if i == 0
            && profile.is_some()
            && proof.get("proofPurpose").and_then(Value::as_str) != Some("assertionMethod")
        {
            report.push(
                &name,
                CheckResult::Failed,
                "an Open Badges credential's proof has proofPurpose assertionMethod",
            );
            continue;
        }
        let (key, note) = match resolve_method(vm, ctx.keys, profile.is_some()) {
            Ok(found) => found,
            Err((result, why)) => {
                report.push(&name, result, why);
                continue;
            }
        };
        let suite = crate::proof::suite_of(proof).ok();
        rdf_checked |= suite == Some(crate::proof::Cryptosuite::EddsaRdfc2022);
        match check_proof(doc, i, &key.key, ctx.rdf) {
            Ok(()) => report.push(
                &name,
                CheckResult::Passed,
                format!(
                    "{} signature by {vm} holds{}",
                    crate::proof::suite_name(proof),
                    note.map(|n| format!(" ({n})")).unwrap_or_default()
                ),
            ),
            Err(e) => report.push(&name, CheckResult::Failed, e.to_string()),
        }
        if i == 0 {
            check_issuer_key(report, vm, &key.controller, profile.is_some());
        }
    }
    rdf_checked
}

/// The first proof is the issuer's: the key must be the issuer's.
///
/// In general a DID issuer must control its key, and so must a URL issuer whose key is given as
/// a URL (its controller document was read); a URL issuer signing with a `did:key` is common (the
/// W3C examples) and is not checked. Open Badges credentials follow 1EdTech's validator: whenever
/// the key's controller is known (every method but a bare `did:key`), it must be the issuer.
fn check_issuer_key(
    report: &mut VerificationReport,
    vm: &str,
    controller: &str,
    open_badges: bool,
) {
    let Some(issuer) = report.issuer.clone() else {
        return;
    };
    let checked = if open_badges {
        vm.contains('#') || !vm.starts_with("did:key:")
    } else {
        issuer.starts_with("did:") || !controller.starts_with("did:")
    };
    if !checked {
        return;
    }
    if controller == issuer {
        report.push(
            "issuer key",
            CheckResult::Passed,
            format!("{vm} belongs to the issuer"),
        );
    } else {
        report.push(
            "issuer key",
            CheckResult::Failed,
            format!("the proof's key belongs to {controller}, not to the issuer {issuer}"),
        );
    }
}

/// The JWS of a VC-JWT: its key (the header's `jwk`, or `kid` resolved), its signature, and its
/// registered claims against the credential (Open Badges 3.0, "JSON Web Token Proof Format": `exp`
/// is `validUntil`, `nbf` is `validFrom`, `iss` the issuer's id, `jti` the credential's id, `sub`
/// the subject's id), and the times they give.
fn check_jwt(
    report: &mut VerificationReport,
    doc: &Map<String, Value>,
    jws: &crate::jwt::CompactJws,
    (from_key, until_key): (&str, &str),
    ctx: &Ctx<'_>,
) {
    use crate::jwt::JwtKey;
    let alg = jws.alg().unwrap_or("");
    if !matches!(alg, "EdDSA" | "RS256" | "ES256") {
        report.push(
            "jwt signature",
            CheckResult::Failed,
            format!("alg {alg:?} is not accepted (RS256, ES256 or EdDSA)"),
        );
    } else {
        let key = if let Some(jwk) = jws.header.get("jwk") {
            match jwk.as_object().map(crate::jwt::key_from_jwk) {
                Some(Ok(k)) => Ok((k, "the header's jwk".to_owned(), None)),
                Some(Err(e)) => Err((CheckResult::Failed, e.to_string())),
                None => Err((CheckResult::Failed, "jwk must be a JSON object".to_owned())),
            }
        } else if let Some(kid) = jws.header.get("kid").and_then(Value::as_str) {
            if kid.starts_with("did:jwk:") {
                crate::jwt::key_from_did_jwk(kid)
                    .map(|k| (k, kid.to_owned(), Some(controller_of(kid).to_owned())))
                    .map_err(|e| (CheckResult::Failed, e.to_string()))
            } else {
                resolve_method(kid, ctx.keys, false)
                    .map(|(k, _)| (JwtKey::Ed25519(k.key), kid.to_owned(), Some(k.controller)))
            }
        } else {
            Err((
                CheckResult::Failed,
                "the JOSE header names no key (neither jwk nor kid)".to_owned(),
            ))
        };
        match key {
            Ok((key, from, controller)) => {
                match crate::jwt::verify_signature(jws, &key) {
                    Ok(()) => report.push(
                        "jwt signature",
                        CheckResult::Passed,
                        format!("{alg} signature by {from} holds"),
                    ),
                    Err(e) => report.push("jwt signature", CheckResult::Failed, e.to_string()),
                }
                if let (Some(controller), Some(issuer)) = (controller, report.issuer.clone())
                    && (issuer.starts_with("did:") || !controller.starts_with("did:key:"))
                {
                    if controller == issuer {
                        report.push(
                            "issuer key",
                            CheckResult::Passed,
                            format!("{from} belongs to the issuer"),
                        );
                    } else {
                        report.push(
                            "issuer key",
                            CheckResult::Failed,
                            format!(
                                "the JWT's key belongs to {controller}, not to the issuer {issuer}"
                            ),
                        );
                    }
                }
            }
            Err((result, why)) => report.push("jwt signature", result, why),
        }
    }
    // Registered claims.
    let seconds = |key: &str| {
        doc.get(key)
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_second())
    };
    let now = ctx.now.as_second();
    for (claim, field, later_is_bad) in [("exp", until_key, false), ("nbf", from_key, true)] {
        match jws.numeric_date(claim) {
            Err(e) => report.push("jwt claims", CheckResult::Failed, e.to_string()),
            Ok(None) => {}
            Ok(Some(t)) => {
                if later_is_bad && t > now {
                    report.push(
                        "jwt claims",
                        CheckResult::Failed,
                        format!("nbf {t}: not valid yet"),
                    );
                } else if !later_is_bad && t <= now {
                    report.push(
                        "jwt claims",
                        CheckResult::Failed,
                        format!("exp {t}: the token has expired"),
                    );
                } else if let Some(s) = seconds(field)
                    && s != t
                {
                    report.push(
                        "jwt claims",
                        CheckResult::Failed,
                        format!("{claim} {t} does not match {field} ({s})"),
                    );
                } else {
                    report.push("jwt claims", CheckResult::Passed, format!("{claim} {t}"));
                }
            }
        }
    }
    match jws.numeric_date("iat") {
        Ok(Some(t)) if t > now => {
            report.push(
                "jwt claims",
                CheckResult::Failed,
                format!("iat {t} is in the future"),
            );
        }
        Err(e) => report.push("jwt claims", CheckResult::Failed, e.to_string()),
        _ => {}
    }
    let subject_id = match doc.get("credentialSubject") {
        Some(Value::Object(s)) => s.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    for (claim, value, what) in [
        ("iss", report.issuer.clone(), "the issuer's id"),
        (
            "jti",
            doc.get("id").and_then(Value::as_str).map(str::to_owned),
            "the credential's id",
        ),
        ("sub", subject_id, "the subject's id"),
    ] {
        let Some(c) = jws.payload.get(claim) else {
            continue;
        };
        match (c.as_str(), value) {
            (Some(c), Some(v)) if c == v => {
                report.push(
                    "jwt claims",
                    CheckResult::Passed,
                    format!("{claim} is {what}"),
                );
            }
            (Some(c), Some(v)) => report.push(
                "jwt claims",
                CheckResult::Failed,
                format!("{claim} {c} is not {what} {v}"),
            ),
            (None, _) => report.push(
                "jwt claims",
                CheckResult::Failed,
                format!("{claim} must be a string"),
            ),
            (Some(_), None) => {}
        }
    }
}

/// A CLR's nested credentials (`credentialSubject.verifiableCredential`): each Open Badges
/// credential is verified in full (as an object with its own proof, or as a VC-JWT string), its
/// checks reported under `credential N`.
fn check_nested(report: &mut VerificationReport, doc: &Map<String, Value>, ctx: &Ctx<'_>) {
    /// At most this many nested credentials are verified (each is a full verification).
    const MAX_NESTED: usize = 64;
    let nested: Vec<&Value> = match doc
        .get("credentialSubject")
        .and_then(|s| s.get("verifiableCredential"))
    {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    if ctx.nesting > 0 {
        return;
    }
    if nested.len() > MAX_NESTED {
        report.push(
            "credentials",
            CheckResult::Failed,
            format!(
                "{} nested credentials; at most {MAX_NESTED} are verified",
                nested.len()
            ),
        );
        return;
    }
    let inner = Ctx {
        nesting: ctx.nesting + 1,
        ..*ctx
    };
    for (i, item) in nested.into_iter().enumerate() {
        let label = format!("credential {}", i + 1);
        let mut sub = empty_report();
        match item {
            Value::Object(o) => check_document(&mut sub, o, Secured::Embedded, &inner),
            Value::String(s) if crate::jwt::looks_like_compact_jws(s) => {
                verify_jwt(&mut sub, s, &inner)
            }
            _ => sub.push(
                "json",
                CheckResult::Failed,
                "a nested credential is an object or a VC-JWT",
            ),
        }
        let sub = sub.finish();
        if !sub
            .types
            .iter()
            .any(|t| t == "AchievementCredential" || t == "OpenBadgeCredential")
            && sub.checks.iter().all(|c| c.check != "json")
        {
            // 1EdTech's validator verifies a CLR's AchievementCredentials and leaves other
            // credentials alone; so does this, saying so.
            report.push(
                &label,
                CheckResult::Warning,
                format!(
                    "not an AchievementCredential ({}): not verified",
                    sub.types.join(", ")
                ),
            );
            continue;
        }
        for c in &sub.checks {
            report.push(&format!("{label} {}", c.check), c.result, c.detail.clone());
        }
        report.push(
            &label,
            match sub.outcome {
                Outcome::Valid => CheckResult::Passed,
                Outcome::Invalid => CheckResult::Failed,
                Outcome::Unverifiable => CheckResult::NotChecked,
            },
            format!(
                "{} issued by {}: {}",
                sub.types.last().map_or("credential", String::as_str),
                sub.issuer.as_deref().unwrap_or("?"),
                match sub.outcome {
                    Outcome::Valid => "valid",
                    Outcome::Invalid => "invalid",
                    Outcome::Unverifiable => "could not be checked",
                }
            ),
        );
    }
}

/// The entries of `credentialStatus` (one object or a list).
fn status_entries(doc: &Map<String, Value>) -> Vec<&Value> {
    match doc.get("credentialStatus") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    }
}

/// Reads every Bitstring Status List entry: fetches the list, verifies it as a credential of
/// the same issuer, and reads the credential's bit.
fn check_status(
    report: &mut VerificationReport,
    doc: &Map<String, Value>,
    now: jiff::Timestamp,
    keys: &dyn KeyResolver,
    rdf: &dyn RdfCanonicalizer,
    depth: u8,
    open_badges: bool,
) {
    // At most a few lists per credential: each is a fetch and a verification.
    const MAX_ENTRIES: usize = 4;
    let entries = status_entries(doc);
    if entries.len() > MAX_ENTRIES {
        report.push(
            "status",
            CheckResult::Failed,
            format!(
                "{} status entries; at most {MAX_ENTRIES} are read",
                entries.len()
            ),
        );
        return;
    }
    let credential_id = doc.get("id").and_then(Value::as_str);
    for entry in entries {
        let (result, detail) = match entry.get("type").and_then(Value::as_str) {
            Some("1EdTechRevocationList") => revocation_list_status(entry, credential_id, keys),
            Some("BitstringStatusListEntry") | None => {
                status_of(entry, report.issuer.as_deref(), now, keys, rdf, depth)
            }
            // Open Badges: 1EdTech's validator reads the two status methods above and leaves
            // others alone; so does this, saying so.
            Some(other) if open_badges => (
                CheckResult::Warning,
                format!(
                    "status type {other} is not read (1EdTechRevocationList and BitstringStatusListEntry are)"
                ),
            ),
            Some(_) => status_of(entry, report.issuer.as_deref(), now, keys, rdf, depth),
        };
        report.push("status", result, detail);
    }
}

/// Most entries read from a 1EdTech revocation list.
const MAX_REVOKED_ENTRIES: usize = 100_000;

/// A `1EdTechRevocationList` entry (Open Badges 3.0, "1EdTech Revocation List Status Method"):
/// the entry's `id` is the URL of a JSON document whose `revokedCredential` lists revoked
/// credentials by `id`; an entry counts unless its `revoked` is `false`. The specification makes
/// a list that cannot be read a warning, not an error: the credential stays valid, and the report
/// says its revocation was not checked.
fn revocation_list_status(
    entry: &Value,
    credential_id: Option<&str>,
    keys: &dyn KeyResolver,
) -> (CheckResult, String) {
    let Some(url) = entry.get("id").and_then(Value::as_str).map(str::trim) else {
        return (
            CheckResult::Failed,
            "a 1EdTechRevocationList entry names its list in id".to_owned(),
        );
    };
    let Some(credential_id) = credential_id else {
        return (
            CheckResult::Warning,
            format!("revocation not checked: the credential has no id to look up in {url}"),
        );
    };
    let bytes = match keys.status_list(url) {
        Ok(b) => b,
        Err(ResolveError::Unresolvable(why) | ResolveError::Invalid(why)) => {
            return (
                CheckResult::Warning,
                format!(
                    "revocation not checked: the 1EdTech revocation list {url} was not read ({why})"
                ),
            );
        }
    };
    let list = match parse(&bytes) {
        Ok(l) => l,
        Err(e) => {
            return (
                CheckResult::Warning,
                format!(
                    "revocation not checked: the 1EdTech revocation list {url} is not a JSON object ({e})"
                ),
            );
        }
    };
    let revoked = match list.get("revokedCredential") {
        Some(Value::Array(a)) => a.iter().take(MAX_REVOKED_ENTRIES).collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    let hit = revoked.iter().find(|r| {
        r.get("id").and_then(Value::as_str) == Some(credential_id)
            && r.get("revoked").and_then(Value::as_bool) != Some(false)
    });
    match hit {
        Some(r) => (
            CheckResult::Failed,
            format!(
                "revoked: {credential_id} is in the 1EdTech revocation list {url}{}",
                r.get("revocationReason")
                    .and_then(Value::as_str)
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default()
            ),
        ),
        None => (
            CheckResult::Passed,
            format!("not in the 1EdTech revocation list {url}"),
        ),
    }
}

fn status_of(
    entry: &Value,
    issuer: Option<&str>,
    now: jiff::Timestamp,
    keys: &dyn KeyResolver,
    rdf: &dyn RdfCanonicalizer,
    depth: u8,
) -> (CheckResult, String) {
    use CheckResult::{Failed, NotChecked, Passed};
    let field = |k: &str| entry.get(k).and_then(Value::as_str);
    if field("type") != Some("BitstringStatusListEntry") {
        return (
            NotChecked,
            format!(
                "status type {} is not read (only BitstringStatusListEntry)",
                entry.get("type").unwrap_or(&Value::Null)
            ),
        );
    }
    let Some(purpose) = field("statusPurpose") else {
        return (Failed, "the status entry has no statusPurpose".to_owned());
    };
    let Some(url) = field("statusListCredential") else {
        return (
            Failed,
            "the status entry has no statusListCredential".to_owned(),
        );
    };
    let Some(index) = field("statusListIndex").and_then(|s| s.parse::<u64>().ok()) else {
        return (
            Failed,
            "statusListIndex must be a non-negative integer written as a string".to_owned(),
        );
    };
    if entry.get("statusSize").is_some_and(|s| s != "1" && s != 1) {
        return (
            NotChecked,
            "status entries of more than one bit (statusSize) are not read".to_owned(),
        );
    }
    if let Some(known) = keys.known_status_list(url) {
        return match known {
            Ok(list) if Some(list.issuer.as_str()) != issuer => (
                NotChecked,
                format!(
                    "the status list {url} is issued by {}, not by the credential's issuer",
                    list.issuer
                ),
            ),
            Ok(list) => {
                let purposes: Vec<&str> = list.purposes.iter().map(String::as_str).collect();
                status_bit(
                    url,
                    purpose,
                    index,
                    &purposes,
                    Some(&list.encoded_list),
                    " (read first-hand)",
                )
            }
            Err(ResolveError::Unresolvable(why)) => {
                (NotChecked, format!("status list not read: {why}"))
            }
            Err(ResolveError::Invalid(why)) => (Failed, format!("status list {url}: {why}")),
        };
    }
    let bytes = match keys.status_list(url) {
        Ok(b) => b,
        Err(ResolveError::Unresolvable(why)) => {
            return (NotChecked, format!("status list not read: {why}"));
        }
        Err(ResolveError::Invalid(why)) => {
            return (Failed, format!("status list {url}: {why}"));
        }
    };
    let list_report = verify_at_depth(&bytes, now, keys, rdf, depth - 1);
    if list_report.outcome != Outcome::Valid {
        let why: Vec<String> = list_report
            .checks
            .iter()
            .filter(|c| c.result != Passed && c.check != "status")
            .map(|c| format!("{}: {}", c.check, c.detail))
            .collect();
        return (
            NotChecked,
            format!("the status list {url} does not verify ({})", why.join("; ")),
        );
    }
    if list_report.issuer.as_deref() != issuer {
        return (
            NotChecked,
            format!(
                "the status list {url} is issued by {}, not by the credential's issuer",
                list_report.issuer.unwrap_or_default()
            ),
        );
    }
    let Ok(list) = serde_json::from_slice::<Value>(&bytes) else {
        return (NotChecked, format!("status list {url} is not JSON"));
    };
    if !list_report
        .types
        .iter()
        .any(|t| t == "BitstringStatusListCredential")
    {
        return (
            Failed,
            format!("{url} is not a BitstringStatusListCredential"),
        );
    }
    let subject = &list["credentialSubject"];
    let list_purposes: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    status_bit(
        url,
        purpose,
        index,
        &list_purposes,
        subject.get("encodedList").and_then(Value::as_str),
        "",
    )
}

/// The entry's bit in a list that records `list_purposes`; `how` is added to the detail.
fn status_bit(
    url: &str,
    purpose: &str,
    index: u64,
    list_purposes: &[&str],
    encoded_list: Option<&str>,
    how: &str,
) -> (CheckResult, String) {
    use CheckResult::{Failed, Passed};
    if !list_purposes.contains(&purpose) {
        return (
            Failed,
            format!("the status list {url} is not for {purpose}"),
        );
    }
    let bits = encoded_list
        .ok_or_else(|| CredentialError::Invalid("the status list has no encodedList".to_owned()))
        .and_then(crate::status::decode_list)
        .and_then(|list| crate::status::bit(&list, index));
    match bits {
        Ok(true) => (
            Failed,
            format!("{purpose}: set at index {index} of {url}{how} (the issuer has withdrawn it)"),
        ),
        Ok(false) => (
            Passed,
            format!("not under {purpose} (index {index} of {url}{how})"),
        ),
        Err(e) => (Failed, format!("status list {url}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::{Cryptosuite, ProofOptions, add_proof};
    use ed25519_dalek::SigningKey;

    use crate::proof::NoRdf;

    fn now() -> jiff::Timestamp {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    fn issued(mutate: impl FnOnce(&mut Value)) -> Vec<u8> {
        let key = SigningKey::from_bytes(&[9; 32]);
        let did = crate::keys::did_key(&key.verifying_key());
        let mut doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2027-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:dai"},
        });
        mutate(&mut doc);
        let options = ProofOptions {
            cryptosuite: Cryptosuite::EddsaJcs2022,
            verification_method: crate::keys::did_key_verification_method(&key.verifying_key()),
            proof_purpose: "assertionMethod".to_owned(),
            created: None,
            id: None,
            previous_proof: Vec::new(),
        };
        serde_json::to_vec(&add_proof(&doc, &options, &key, &NoRdf).unwrap()).unwrap()
    }

    #[test]
    fn a_good_credential_is_valid_and_says_why() {
        let r = verify(&issued(|_| {}), now(), &DidKeyResolver, &NoRdf);
        assert_eq!(r.outcome, Outcome::Valid, "{r:#?}");
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == "proof 1" && c.detail.contains("eddsa-jcs-2022"))
        );
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == "issuer key" && c.result == CheckResult::Passed)
        );
    }

    #[test]
    fn failures_name_the_check() {
        let expired = verify(
            &issued(|d| d["validUntil"] = "2026-06-01T00:00:00Z".into()),
            now(),
            &DidKeyResolver,
            &NoRdf,
        );
        assert_eq!(expired.outcome, Outcome::Invalid);
        assert!(
            expired
                .checks
                .iter()
                .any(|c| c.result == CheckResult::Failed && c.detail.starts_with("expired"))
        );
        let mut tampered: Value = serde_json::from_slice(&issued(|_| {})).unwrap();
        tampered["credentialSubject"]["id"] = "did:example:eve".into();
        let r = verify(
            &serde_json::to_vec(&tampered).unwrap(),
            now(),
            &DidKeyResolver,
            &NoRdf,
        );
        assert_eq!(r.outcome, Outcome::Invalid);
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == "proof 1" && c.detail.contains("bad signature")),
            "{r:#?}"
        );
        let wrong_issuer = verify(
            &issued(|d| {
                d["issuer"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2".into()
            }),
            now(),
            &DidKeyResolver,
            &NoRdf,
        );
        assert!(
            wrong_issuer
                .checks
                .iter()
                .any(|c| c.check == "issuer key" && c.result == CheckResult::Failed)
        );
        let not_vc = verify(
            &issued(|d| d["type"] = "Thing".into()),
            now(),
            &DidKeyResolver,
            &NoRdf,
        );
        assert_eq!(not_vc.outcome, Outcome::Invalid);
    }

    /// did:key, and one status list known first-hand.
    struct FirstHand(Result<KnownStatusList, ResolveError>);

    impl KeyResolver for FirstHand {
        fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
            DidKeyResolver.resolve(vm)
        }

        fn known_status_list(&self, url: &str) -> Option<Result<KnownStatusList, ResolveError>> {
            (url == "https://issuer.example/status/0").then(|| self.0.clone())
        }
    }

    #[test]
    fn status_lists_known_first_hand_need_no_signature() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let did = crate::keys::did_key(&key.verifying_key());
        let doc = issued(|d| {
            d["credentialStatus"] =
                crate::status::status_entry("https://issuer.example/status/0", 5);
        });
        let list = |issuer: &str, set: &[u64]| {
            FirstHand(Ok(KnownStatusList {
                issuer: issuer.to_owned(),
                purposes: vec!["revocation".to_owned()],
                encoded_list: crate::status::encode_list(set, crate::status::MIN_BITS).unwrap(),
            }))
        };
        let status = |r: &VerificationReport| {
            r.checks
                .iter()
                .find(|c| c.check == "status")
                .cloned()
                .unwrap()
        };
        let r = verify(&doc, now(), &list(&did, &[4, 6]), &NoRdf);
        assert_eq!(r.outcome, Outcome::Valid, "{r:#?}");
        assert!(status(&r).detail.contains("first-hand"), "{r:#?}");
        let r = verify(&doc, now(), &list(&did, &[5]), &NoRdf);
        assert_eq!(r.outcome, Outcome::Invalid, "{r:#?}");
        // Another issuer's list says nothing about this credential.
        let r = verify(&doc, now(), &list("did:example:other", &[]), &NoRdf);
        assert_eq!(r.outcome, Outcome::Unverifiable, "{r:#?}");
        let r = verify(
            &doc,
            now(),
            &FirstHand(Err(ResolveError::Unresolvable("down".to_owned()))),
            &NoRdf,
        );
        assert_eq!(status(&r).result, CheckResult::NotChecked);
    }

    #[test]
    fn keys_that_cannot_be_found_make_it_unverifiable() {
        let mut doc: Value = serde_json::from_slice(&issued(|_| {})).unwrap();
        doc["proof"]["verificationMethod"] = "did:web:issuer.example#key-1".into();
        let r = verify(
            &serde_json::to_vec(&doc).unwrap(),
            now(),
            &DidKeyResolver,
            &NoRdf,
        );
        assert_eq!(r.outcome, Outcome::Unverifiable, "{r:#?}");
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        for (input, needle) in [
            (b"{not json".to_vec(), "malformed JSON"),
            (b"[1,2]".to_vec(), "JSON object"),
            (
                format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
                "levels deep",
            ),
            (vec![b' '; MAX_CREDENTIAL_BYTES + 1], "bytes"),
        ] {
            let r = verify(&input, now(), &DidKeyResolver, &NoRdf);
            assert_eq!(r.outcome, Outcome::Invalid);
            assert!(r.checks[0].detail.contains(needle), "{:?}", r.checks[0]);
        }
        let no_proof = br#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","issuer":"did:example:x","credentialSubject":{}}"#;
        let r = verify(no_proof, now(), &DidKeyResolver, &NoRdf);
        assert!(
            r.checks
                .iter()
                .any(|c| c.detail == "the credential has no proof")
        );
    }
}
