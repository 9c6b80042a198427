//! Keys and status lists on the web, without doing I/O: `did:web` DIDs, verification methods
//! given as URLs (controller documents), and Bitstring Status List credentials. The caller
//! supplies a [`Fetcher`] that does the fetching (over HTTPS, with a timeout and a cache); this
//! module decides what to fetch and what the answer must look like.
//!
//! It also writes what an issuer publishes: the `did:web` DID of a web origin and its DID
//! document, listing every key that ever signed (rotation retires a key from signing, but the
//! credentials it signed must still verify).

use ed25519_dalek::VerifyingKey;
use serde_json::{Map, Value, json};

use crate::CredentialError;
use crate::verify::{KeyResolver, ResolveError, ResolvedKey};

/// Fetches a JSON document (a DID document, a controller document, a status list credential).
pub trait Fetcher {
    /// The bytes at `url` (an `https:` URL). `Err(Unresolvable)` when it could not be fetched
    /// (network, timeout, refused address, not found); `Err(Invalid)` when what came back is
    /// wrong (too large, not JSON).
    fn fetch(&self, url: &str) -> Result<Vec<u8>, ResolveError>;
}

/// The DID context every DID document starts with.
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey context.
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";

fn invalid(msg: impl Into<String>) -> CredentialError {
    CredentialError::Invalid(msg.into())
}

/// Percent-decodes a `did:web` segment; only `%3A` (a port's colon) and other escapes of
/// printable ASCII are accepted.
fn percent_decode(segment: &str) -> Result<String, CredentialError> {
    let bytes = segment.as_bytes();
    let mut out = String::with_capacity(segment.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .filter(|b| b.is_ascii_graphic())
                .ok_or_else(|| {
                    invalid(format!("bad percent escape in did:web segment {segment:?}"))
                })?;
            out.push(char::from(hex));
            i += 3;
        } else {
            out.push(char::from(bytes[i]));
            i += 1;
        }
    }
    Ok(out)
}

/// The URL of the DID document of a `did:web` DID (did:web method, "Read"):
/// `did:web:example.com` → `https://example.com/.well-known/did.json`,
/// `did:web:example.com%3A8443:orgs:acme` → `https://example.com:8443/orgs/acme/did.json`.
pub fn did_web_url(did: &str) -> Result<String, CredentialError> {
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| invalid(format!("{did:?} is not a did:web DID")))?;
    if rest.contains(['#', '?', '/']) {
        return Err(invalid(format!(
            "{did:?}: a did:web DID has no path, query or fragment (write path segments with ':')"
        )));
    }
    let mut segments = rest.split(':');
    let host = percent_decode(segments.next().unwrap_or_default())?;
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host.as_str(), None),
    };
    let host_ok = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !name.starts_with(['.', '-'])
        && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    if !host_ok {
        return Err(invalid(format!(
            "{did:?}: {host:?} is not a host name with an optional port"
        )));
    }
    let mut path = Vec::new();
    for s in segments {
        let s = percent_decode(s)?;
        if s.is_empty() || s == "." || s == ".." || s.contains(['/', '\\', '?', '#']) {
            return Err(invalid(format!("{did:?}: bad path segment {s:?}")));
        }
        path.push(s);
    }
    Ok(if path.is_empty() {
        format!("https://{}/.well-known/did.json", host.to_ascii_lowercase())
    } else {
        format!(
            "https://{}/{}/did.json",
            host.to_ascii_lowercase(),
            path.join("/")
        )
    })
}

/// The `did:web` DID of a web origin (`https://guild.example` → `did:web:guild.example`), with
/// optional path segments (`["orgs", "acme"]` → `did:web:guild.example:orgs:acme`). The
/// origin's own path, if any, becomes segments too.
pub fn did_web(origin: &str, segments: &[&str]) -> Result<String, CredentialError> {
    let url =
        url::Url::parse(origin).map_err(|e| invalid(format!("{origin:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid(format!("{origin:?}: a did:web origin is https")));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty() && !h.contains(':'))
        .ok_or_else(|| {
            invalid(format!(
                "{origin:?} has no host name (IPv6 hosts cannot be did:web)"
            ))
        })?;
    let mut did = format!("did:web:{}", host.to_ascii_lowercase());
    if let Some(port) = url.port() {
        did.push_str(&format!("%3A{port}"));
    }
    let own = url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty());
    for s in own.chain(segments.iter().copied()) {
        if s.is_empty() || s.contains([':', '/', '#', '?', '%']) || s == "." || s == ".." {
            return Err(invalid(format!("{s:?} cannot be a did:web path segment")));
        }
        did.push(':');
        did.push_str(s);
    }
    // Round trip: what we publish must be what a resolver reads.
    did_web_url(&did)?;
    Ok(did)
}

/// The verification method id of a key in a DID document Guild publishes: the DID, `#`, the
/// key's multibase (stable whatever order keys are listed in).
pub fn verification_method(did: &str, public_multibase: &str) -> String {
    format!("{did}#{public_multibase}")
}

/// The DID document of `did` with these Ed25519 keys (Multikey multibase), every one usable
/// for `assertionMethod`: retired keys stay so that what they signed still verifies.
pub fn did_document(did: &str, public_keys: &[String]) -> Value {
    let methods: Vec<Value> = public_keys
        .iter()
        .map(|k| {
            json!({
                "id": verification_method(did, k),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": k,
            })
        })
        .collect();
    let ids: Vec<Value> = public_keys
        .iter()
        .map(|k| verification_method(did, k).into())
        .collect();
    json!({
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}

/// The Ed25519 key of a verification method object: `Multikey` or `Ed25519VerificationKey2020`
/// (`publicKeyMultibase`), `Ed25519VerificationKey2018` (`publicKeyBase58`), or `JsonWebKey` /
/// `JsonWebKey2020` with an `OKP` / `Ed25519` JWK.
pub fn key_of_method(method: &Map<String, Value>) -> Result<VerifyingKey, CredentialError> {
    let ty = method.get("type").and_then(Value::as_str).unwrap_or("");
    let str_field = |k: &str| {
        method
            .get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("a {ty} verification method needs {k}")))
    };
    match ty {
        "Multikey" | "Ed25519VerificationKey2020" => {
            crate::keys::public_key_from_multibase(str_field("publicKeyMultibase")?)
        }
        "Ed25519VerificationKey2018" => {
            let (_, bytes) = multibase::decode(format!("z{}", str_field("publicKeyBase58")?))
                .map_err(|e| invalid(format!("publicKeyBase58 is not base58: {e}")))?;
            raw_key(&bytes)
        }
        "JsonWebKey" | "JsonWebKey2020" => {
            let jwk = method
                .get("publicKeyJwk")
                .and_then(Value::as_object)
                .ok_or_else(|| invalid(format!("a {ty} verification method needs publicKeyJwk")))?;
            let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
            let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or("");
            if kty != "OKP" || crv != "Ed25519" {
                return Err(CredentialError::WrongKeyType(format!(
                    "the JWK is {kty}/{crv}; these proofs need OKP/Ed25519"
                )));
            }
            let x = jwk
                .get("x")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("the JWK has no x"))?;
            let (_, bytes) = multibase::decode(format!("u{x}"))
                .map_err(|e| invalid(format!("the JWK's x is not base64url: {e}")))?;
            raw_key(&bytes)
        }
        other => Err(CredentialError::WrongKeyType(format!(
            "verification method type {other:?}; these proofs need an Ed25519 key (Multikey)"
        ))),
    }
}

fn raw_key(bytes: &[u8]) -> Result<VerifyingKey, CredentialError> {
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| invalid(format!("an Ed25519 key has 32 bytes, not {}", bytes.len())))?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| invalid(format!("not an Ed25519 point: {e}")))
}

/// Whether `id` (absolute or `#fragment`, relative to `base`) names `vm`.
fn same_id(id: &str, base: &str, vm: &str) -> bool {
    id == vm || (id.starts_with('#') && format!("{base}{id}") == vm)
}

/// Finds verification method `vm` in a controller (or DID) document whose id is `base`, and
/// checks that the document lists it for `assertionMethod`.
fn method_in(doc: &Map<String, Value>, base: &str, vm: &str) -> Result<VerifyingKey, ResolveError> {
    let id_of = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let list = |k: &str| match doc.get(k) {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => Vec::new(),
    };
    let assertion = list("assertionMethod");
    if !assertion
        .iter()
        .any(|a| id_of(a).is_some_and(|id| same_id(&id, base, vm)))
    {
        return Err(ResolveError::Invalid(format!(
            "{base} does not list {vm} as an assertionMethod"
        )));
    }
    let method = list("verificationMethod")
        .into_iter()
        .chain(assertion)
        .filter_map(|m| match m {
            Value::Object(o) => Some(o),
            _ => None,
        })
        .find(|m| {
            m.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| same_id(id, base, vm))
        })
        .ok_or_else(|| ResolveError::Invalid(format!("{base} lists no key {vm}")))?;
    if let Some(c) = method.get("controller").and_then(Value::as_str)
        && c != base
    {
        return Err(ResolveError::Invalid(format!(
            "{vm} is controlled by {c}, not by {base}"
        )));
    }
    key_of_method(&method).map_err(|e| ResolveError::Invalid(e.to_string()))
}

fn fetch_json(fetcher: &dyn Fetcher, url: &str) -> Result<Map<String, Value>, ResolveError> {
    let bytes = fetcher.fetch(url)?;
    crate::verify::parse(&bytes).map_err(|e| ResolveError::Invalid(format!("{url}: {e}")))
}

/// Resolves `did:key` locally, and `did:web` DIDs and `https:` verification methods through a
/// [`Fetcher`]; fetches status lists through it too.
pub struct WebResolver<'a> {
    fetcher: &'a dyn Fetcher,
}

impl<'a> WebResolver<'a> {
    /// A resolver that fetches with `fetcher`.
    pub fn new(fetcher: &'a dyn Fetcher) -> Self {
        Self { fetcher }
    }

    fn did_web(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        let did = vm.split_once('#').map_or(vm, |(d, _)| d);
        let url = did_web_url(did).map_err(|e| ResolveError::Invalid(e.to_string()))?;
        let doc = fetch_json(self.fetcher, &url)?;
        if doc.get("id").and_then(Value::as_str) != Some(did) {
            return Err(ResolveError::Invalid(format!(
                "the DID document at {url} is not {did}'s (its id is {})",
                doc.get("id").unwrap_or(&Value::Null)
            )));
        }
        let key = method_in(&doc, did, vm)?;
        Ok(ResolvedKey {
            key,
            controller: did.to_owned(),
        })
    }

    /// A verification method given as an `https:` URL: the URL (without its fragment) names
    /// either the method itself, whose `controller` document must list it, or a controller
    /// document that lists it.
    fn url_method(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        let base = vm.split_once('#').map_or(vm, |(b, _)| b);
        let doc = fetch_json(self.fetcher, base)?;
        let id = doc.get("id").and_then(Value::as_str).unwrap_or("");
        if id == vm && doc.contains_key("controller") {
            let controller = doc
                .get("controller")
                .and_then(Value::as_str)
                .ok_or_else(|| ResolveError::Invalid(format!("{vm}: controller must be a URL")))?
                .to_owned();
            let key = key_of_method(&doc).map_err(|e| ResolveError::Invalid(e.to_string()))?;
            // The controller must claim the key, or anyone could name anyone as controller.
            let controller_doc = if controller.starts_with("did:web:") {
                let url =
                    did_web_url(&controller).map_err(|e| ResolveError::Invalid(e.to_string()))?;
                fetch_json(self.fetcher, &url)?
            } else if controller.starts_with("https://") {
                fetch_json(
                    self.fetcher,
                    controller.split('#').next().unwrap_or_default(),
                )?
            } else {
                return Err(ResolveError::Unresolvable(format!(
                    "{vm}'s controller {controller} cannot be resolved here"
                )));
            };
            let claimed = method_in(&controller_doc, &controller, vm)?;
            if claimed != key {
                return Err(ResolveError::Invalid(format!(
                    "{controller} lists a different key for {vm}"
                )));
            }
            return Ok(ResolvedKey { key, controller });
        }
        if id != base {
            return Err(ResolveError::Invalid(format!(
                "the document at {base} is neither {vm} nor its controller (its id is {id:?})"
            )));
        }
        let key = method_in(&doc, base, vm)?;
        Ok(ResolvedKey {
            key,
            controller: base.to_owned(),
        })
    }
}

impl KeyResolver for WebResolver<'_> {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        if vm.starts_with("did:key:") {
            crate::verify::DidKeyResolver.resolve(vm)
        } else if vm.starts_with("did:web:") {
            self.did_web(vm)
        } else if vm.starts_with("https://") {
            self.url_method(vm)
        } else {
            Err(ResolveError::Unresolvable(format!(
                "{vm}: only did:key, did:web and https: verification methods are resolved"
            )))
        }
    }

    fn status_list(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
        // The fetcher decides which schemes and hosts it reaches (https:, and plain http: only
        // for hosts it is told to allow).
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ResolveError::Unresolvable(format!(
                "status list {url}: only http(s): status lists are fetched"
            )));
        }
        self.fetcher.fetch(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Web(HashMap<String, Value>);

    impl Fetcher for Web {
        fn fetch(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
            self.0
                .get(url)
                .map(|v| serde_json::to_vec(v).unwrap())
                .ok_or_else(|| ResolveError::Unresolvable(format!("{url}: 404")))
        }
    }

    fn key(seed: u8) -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn did_web_urls_follow_the_method() {
        for (did, url) in [
            (
                "did:web:w3c-ccg.github.io",
                "https://w3c-ccg.github.io/.well-known/did.json",
            ),
            (
                "did:web:w3c-ccg.github.io:user:alice",
                "https://w3c-ccg.github.io/user/alice/did.json",
            ),
            (
                "did:web:example.com%3A3000:user:alice",
                "https://example.com:3000/user/alice/did.json",
            ),
        ] {
            assert_eq!(did_web_url(did).unwrap(), url);
        }
        for bad in [
            "did:web:",
            "did:web:exa mple.com",
            "did:web:example.com/x",
            "did:web:example.com:..",
            "did:web:example.com%3A99999",
            "did:web:example.com%3Ax",
            "did:web:example.com%2F..",
            "did:web:example.com%zz",
            "did:key:z6Mk",
        ] {
            assert!(did_web_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            did_web("https://guild.example", &[]).unwrap(),
            "did:web:guild.example"
        );
        assert_eq!(
            did_web("https://Guild.example:8443/", &["orgs", "acme"]).unwrap(),
            "did:web:guild.example%3A8443:orgs:acme"
        );
        assert_eq!(
            did_web("https://example.com/guild", &[]).unwrap(),
            "did:web:example.com:guild"
        );
        assert!(did_web("ftp://example.com", &[]).is_err());
        assert!(did_web("https://example.com", &["a:b"]).is_err());
    }

    #[test]
    fn did_web_keys_resolve_from_the_published_document() {
        let did = "did:web:guild.example";
        let (old, new) = (key(1).verifying_key(), key(2).verifying_key());
        let keys = [
            crate::keys::public_key_multibase(&old),
            crate::keys::public_key_multibase(&new),
        ];
        let doc = did_document(did, &keys);
        let web = Web(HashMap::from([(
            "https://guild.example/.well-known/did.json".to_owned(),
            doc.clone(),
        )]));
        let r = WebResolver::new(&web);
        let found = r.resolve(&verification_method(did, &keys[0])).unwrap();
        assert_eq!(found.key, old);
        assert_eq!(found.controller, did);
        assert_eq!(
            r.resolve(&verification_method(did, &keys[1])).unwrap().key,
            new
        );
        // A key the document does not list, a DID nobody serves, a document of another DID.
        let other = crate::keys::public_key_multibase(&key(3).verifying_key());
        assert!(matches!(
            r.resolve(&verification_method(did, &other)),
            Err(ResolveError::Invalid(_))
        ));
        assert!(matches!(
            r.resolve("did:web:nowhere.example#k"),
            Err(ResolveError::Unresolvable(_))
        ));
        let mut wrong = doc.clone();
        wrong["id"] = "did:web:evil.example".into();
        let web = Web(HashMap::from([(
            "https://guild.example/.well-known/did.json".to_owned(),
            wrong,
        )]));
        let err = WebResolver::new(&web)
            .resolve(&verification_method(did, &keys[0]))
            .unwrap_err();
        assert!(
            matches!(err, ResolveError::Invalid(ref m) if m.contains("not did:web:guild.example's")),
            "{err:?}"
        );
        // Listed as a key but not for assertions.
        let mut auth_only = doc;
        auth_only["assertionMethod"] = json!([]);
        let web = Web(HashMap::from([(
            "https://guild.example/.well-known/did.json".to_owned(),
            auth_only,
        )]));
        let err = WebResolver::new(&web)
            .resolve(&verification_method(did, &keys[0]))
            .unwrap_err();
        assert!(
            matches!(err, ResolveError::Invalid(ref m) if m.contains("assertionMethod")),
            "{err:?}"
        );
    }

    #[test]
    fn url_methods_need_their_controller_to_claim_them() {
        let k = key(4).verifying_key();
        let mb = crate::keys::public_key_multibase(&k);
        let vm = "https://issuer.example/keys/1";
        let controller = "https://issuer.example/issuer";
        let method = json!({"id": vm, "type": "Multikey", "controller": controller, "publicKeyMultibase": mb});
        let claims = json!({"id": controller, "assertionMethod": [vm], "verificationMethod": [method.clone()]});
        let web = Web(HashMap::from([
            (vm.to_owned(), method.clone()),
            (controller.to_owned(), claims),
        ]));
        let found = WebResolver::new(&web).resolve(vm).unwrap();
        assert_eq!((found.key, found.controller.as_str()), (k, controller));
        // A controller that does not claim the key.
        let web = Web(HashMap::from([
            (vm.to_owned(), method),
            (
                controller.to_owned(),
                json!({"id": controller, "assertionMethod": []}),
            ),
        ]));
        assert!(matches!(
            WebResolver::new(&web).resolve(vm),
            Err(ResolveError::Invalid(_))
        ));
        // A fragment in a controller document, with a JWK.
        let x = multibase::encode(multibase::Base::Base64Url, k.as_bytes());
        let doc = json!({
            "id": controller,
            "verificationMethod": [{"id": "#jwk", "type": "JsonWebKey", "controller": controller,
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": &x[1..]}}],
            "assertionMethod": ["#jwk"],
        });
        let web = Web(HashMap::from([(controller.to_owned(), doc)]));
        let found = WebResolver::new(&web)
            .resolve(&format!("{controller}#jwk"))
            .unwrap();
        assert_eq!(found.key, k);
    }

    /// A did:web issuer whose credential points to its status list: valid until revoked.
    #[test]
    fn status_lists_are_fetched_verified_and_read() {
        use crate::proof::{Cryptosuite, NoRdf, ProofOptions, add_proof};
        use crate::status::{MIN_BITS, status_entry, status_list_credential};
        use crate::verify::{CheckResult, Outcome, verify};
        let did = "did:web:guild.example";
        let signer = key(5);
        let mb = crate::keys::public_key_multibase(&signer.verifying_key());
        let sign = |doc: &Value, k: &ed25519_dalek::SigningKey, vm: &str| {
            let options = ProofOptions {
                cryptosuite: Cryptosuite::EddsaJcs2022,
                verification_method: vm.to_owned(),
                proof_purpose: "assertionMethod".to_owned(),
                created: None,
                id: None,
                previous_proof: vec![],
            };
            add_proof(doc, &options, k, &NoRdf).unwrap()
        };
        let vm = verification_method(did, &mb);
        let list_url = "https://guild.example/credentials/status/1";
        let credential = sign(
            &json!({
                "@context": [crate::badge::VC_V2],
                "type": ["VerifiableCredential"],
                "issuer": did,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "urn:guild:worker:1"},
                "credentialStatus": status_entry(list_url, 42),
            }),
            &signer,
            &vm,
        );
        let bytes = serde_json::to_vec(&credential).unwrap();
        let list = |revoked: &[u64], issuer: &str| {
            status_list_credential(
                list_url,
                issuer,
                revoked,
                MIN_BITS,
                "2026-01-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
            )
            .unwrap()
        };
        let now: jiff::Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let web = |status: Option<Value>| {
            let mut pages = HashMap::from([(
                "https://guild.example/.well-known/did.json".to_owned(),
                did_document(did, std::slice::from_ref(&mb)),
            )]);
            if let Some(s) = status {
                pages.insert(list_url.to_owned(), s);
            }
            Web(pages)
        };
        let status_check = |web: &Web| {
            let r = verify(&bytes, now, &WebResolver::new(web), &NoRdf);
            let c = r
                .checks
                .iter()
                .find(|c| c.check == "status")
                .cloned()
                .unwrap();
            (r.outcome, c.result, c.detail)
        };
        let (outcome, result, _) =
            status_check(&web(Some(sign(&list(&[41, 43], did), &signer, &vm))));
        assert_eq!((outcome, result), (Outcome::Valid, CheckResult::Passed));
        let (outcome, _, detail) = status_check(&web(Some(sign(&list(&[42], did), &signer, &vm))));
        assert_eq!(outcome, Outcome::Invalid);
        assert!(detail.contains("revocation: set at index 42"), "{detail}");
        // Unreachable, unsigned, or signed by someone else: not checked, never valid.
        assert_eq!(status_check(&web(None)).0, Outcome::Unverifiable);
        assert_eq!(
            status_check(&web(Some(list(&[], did)))).0,
            Outcome::Unverifiable
        );
        let other = key(6);
        let other_vm = crate::keys::did_key_verification_method(&other.verifying_key());
        let foreign = sign(
            &list(&[], &crate::keys::did_key(&other.verifying_key())),
            &other,
            &other_vm,
        );
        let (outcome, _, detail) = status_check(&web(Some(foreign)));
        assert_eq!(outcome, Outcome::Unverifiable);
        assert!(
            detail.contains("not by the credential's issuer"),
            "{detail}"
        );
        // A tampered list (a revocation removed after signing) does not verify.
        let mut tampered = sign(&list(&[42], did), &signer, &vm);
        tampered["credentialSubject"]["encodedList"] =
            list(&[], did)["credentialSubject"]["encodedList"].clone();
        assert_eq!(status_check(&web(Some(tampered))).0, Outcome::Unverifiable);
    }

    #[test]
    fn wrong_key_types_are_named() {
        let m = json!({"type": "JsonWebKey", "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}});
        let err = key_of_method(m.as_object().unwrap()).unwrap_err();
        assert!(matches!(err, CredentialError::WrongKeyType(_)), "{err}");
        let m = json!({"type": "EcdsaSecp256k1VerificationKey2019"});
        assert!(matches!(
            key_of_method(m.as_object().unwrap()),
            Err(CredentialError::WrongKeyType(_))
        ));
        let m = json!({"type": "Ed25519VerificationKey2018", "publicKeyBase58": "abc"});
        assert!(key_of_method(m.as_object().unwrap()).is_err());
    }
}
