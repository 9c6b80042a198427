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
    /// `passed`, `failed` or `not_checked`.
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
fn nesting_depth(bytes: &[u8]) -> usize {
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
pub fn verify(
    bytes: &[u8],
    now: jiff::Timestamp,
    keys: &dyn KeyResolver,
    rdf: &dyn RdfCanonicalizer,
) -> VerificationReport {
    verify_at_depth(bytes, now, keys, rdf, 1)
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
    let mut report = VerificationReport {
        outcome: Outcome::Invalid,
        checks: Vec::new(),
        issuer: None,
        types: Vec::new(),
    };
    let doc = match parse(bytes) {
        Ok(d) => {
            report.push(
                "json",
                CheckResult::Passed,
                "well-formed JSON object within bounds",
            );
            d
        }
        Err(e) => {
            report.push("json", CheckResult::Failed, e.to_string());
            return report.finish();
        }
    };
    // Shape (VC Data Model 2.0, or 1.1 for older credentials).
    let first_context = match doc.get("@context") {
        Some(Value::Array(list)) => list.first().and_then(Value::as_str).map(str::to_owned),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let v2 = first_context.as_deref() == Some("https://www.w3.org/ns/credentials/v2");
    let v1 = first_context.as_deref() == Some("https://www.w3.org/2018/credentials/v1");
    if v1 || v2 {
        report.push(
            "context",
            CheckResult::Passed,
            format!("first context is {}", first_context.unwrap_or_default()),
        );
    } else {
        report.push(
            "context",
            CheckResult::Failed,
            "the first @context must be https://www.w3.org/ns/credentials/v2 (or the v1 context)",
        );
    }
    report.types = match doc.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
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
            Some(t) if must_be_before && t > now => report.push(
                "validity",
                CheckResult::Failed,
                format!("not valid before {t} ({key})"),
            ),
            Some(t) if !must_be_before && t < now => report.push(
                "validity",
                CheckResult::Failed,
                format!("expired at {t} ({key})"),
            ),
            Some(t) => report.push("validity", CheckResult::Passed, format!("{key} {t}")),
        }
    }
    // Proofs: every one must hold.
    let proofs = match proofs_of(&doc) {
        Ok(p) => p,
        Err(e) => {
            report.push("proof", CheckResult::Failed, e.to_string());
            return report.finish();
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
        let key = match keys.resolve(vm) {
            Ok(k) => k,
            Err(ResolveError::Unresolvable(why)) => {
                report.push(
                    &name,
                    CheckResult::NotChecked,
                    format!("key not found: {why}"),
                );
                continue;
            }
            Err(ResolveError::Invalid(why)) => {
                report.push(&name, CheckResult::Failed, format!("key of {vm}: {why}"));
                continue;
            }
        };
        match check_proof(&doc, i, &key.key, rdf) {
            Ok(()) => report.push(
                &name,
                CheckResult::Passed,
                format!(
                    "{} signature by {vm} holds",
                    proof
                        .get("cryptosuite")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                ),
            ),
            Err(e) => report.push(&name, CheckResult::Failed, e.to_string()),
        }
        // The first proof is the issuer's: a DID issuer must control its key; so must a URL
        // issuer whose key is given as a URL (its controller document was read). A URL issuer
        // signing with a did:key is common (the W3C and Open Badges examples) and is not checked.
        if i == 0
            && let Some(issuer) = &report.issuer
            && (issuer.starts_with("did:") || !key.controller.starts_with("did:"))
        {
            if &key.controller == issuer {
                report.push(
                    "issuer key",
                    CheckResult::Passed,
                    format!("{vm} belongs to the issuer"),
                );
            } else {
                report.push(
                    "issuer key",
                    CheckResult::Failed,
                    format!(
                        "the proof's key belongs to {}, not to the issuer {issuer}",
                        key.controller
                    ),
                );
            }
        }
    }
    // A status list's own status is not read.
    if status_depth > 0 {
        check_status(&mut report, &doc, now, keys, rdf, status_depth);
    }
    report.finish()
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
    for entry in entries {
        let (result, detail) = status_of(entry, report.issuer.as_deref(), now, keys, rdf, depth);
        report.push("status", result, detail);
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
