//! The bundled, hash-pinned JSON-LD contexts, and the offline document loader that serves them.
//!
//! Contexts are never fetched: a credential whose `@context` names a URL that is not in the
//! [`ContextSet`] in use is refused with [`CredentialError::UnknownContext`]. The bundled files
//! (`crates/credentials/contexts/`, see its `SOURCE.md`) are compiled in, and each one's SHA-256 is
//! pinned here and checked before the first use: a bundle that does not match its pins serves nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use json_syntax::Parse;
use locspan::Location;
use sha2::{Digest, Sha256};
use sophia_jsonld::json_ld::future::{BoxFuture, FutureExt};
use sophia_jsonld::json_ld::{Loader, LoadingResult, RemoteDocument};
use sophia_jsonld::vocabulary::ArcIri;

use crate::CredentialError;

/// What a bundled context is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextKind {
    /// A normative context that real credentials use.
    Production,
    /// A context meant for specification examples and test vectors only
    /// (`https://www.w3.org/ns/credentials/examples/v2` maps every undefined term to an example IRI).
    Examples,
}

/// One bundled context: the URL it is served at, its exact bytes and their pinned SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedContext {
    /// The URL a credential's `@context` names.
    pub url: &'static str,
    /// The context document, byte for byte as published.
    pub content: &'static str,
    /// The SHA-256 of `content`, lower-case hex.
    pub sha256: &'static str,
    /// Production or examples-only.
    pub kind: ContextKind,
}

impl PinnedContext {
    /// Check that the content hashes to the pin; the error names the URL.
    pub fn verify(&self) -> Result<(), CredentialError> {
        let actual = sha256_hex(self.content.as_bytes());
        if actual == self.sha256 {
            Ok(())
        } else {
            Err(CredentialError::Invalid(format!(
                "bundled JSON-LD context {} does not match its pinned SHA-256 (pinned {}, content hashes to {actual}): refused",
                self.url, self.sha256
            )))
        }
    }
}

/// URL of the W3C Verifiable Credentials Data Model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// URL of the W3C Verifiable Credentials Data Model 1.1 context.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// URL of the Data Integrity 1.0 context (without `previousProof`).
pub const DATA_INTEGRITY_V1: &str = "https://w3id.org/security/data-integrity/v1";
/// URL of the Data Integrity 2.0 context (with `previousProof` and `cryptosuiteString`).
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
/// URL of the Multikey context.
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
/// URL of the Ed25519Signature2020 suite context.
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
/// URL of the Open Badges 3.0 context, release 3.0.1.
pub const OB_V3P0_3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
/// URL of the Open Badges 3.0 context, release 3.0.2.
pub const OB_V3P0_3_0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
/// URL of the Open Badges 3.0 context, release 3.0.3 (the current one; Guild issues with it).
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The unversioned Open Badges 3.0 context URL of the first 3.0 releases.
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
/// The Open Badges 3.0 context URL the 3.0 drafts used (served with the unversioned content).
pub const OB_V3P0_JSONLD: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld";
/// URL of the Open Badges 3.0 extensions context (`1EdTechRevocationList`,
/// `1EdTechJsonSchemaValidator2019`, `1EdTechCredentialRefresh`).
pub const OB_V3P0_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// URL of the Comprehensive Learner Record 2.0 context, release 2.0.1.
pub const CLR_V2P0_2_0_1: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
/// The unversioned Comprehensive Learner Record 2.0 context URL.
pub const CLR_V2P0: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context.json";
/// URL of the DID 1.0 context.
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// URL of the Security Vocabulary v1 context.
pub const SECURITY_V1: &str = "https://w3id.org/security/v1";
/// URL of the Security Vocabulary v2 context.
pub const SECURITY_V2: &str = "https://w3id.org/security/v2";
/// URL of the Ed25519Signature2018 suite context.
pub const ED25519_2018_V1: &str = "https://w3id.org/security/suites/ed25519-2018/v1";
/// URL of the JsonWebSignature2020 suite context.
pub const JWS_2020_V1: &str = "https://w3id.org/security/suites/jws-2020/v1";
/// URL of the W3C examples context (test vectors only).
pub const CREDENTIALS_EXAMPLES_V2: &str = "https://www.w3.org/ns/credentials/examples/v2";

/// Every bundled context, with its pin. See `contexts/SOURCE.md` for origins and licences.
pub static BUNDLED: &[PinnedContext] = &[
    PinnedContext {
        url: CREDENTIALS_V2,
        content: include_str!("../contexts/credentials-v2.jsonld"),
        sha256: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: CREDENTIALS_V1,
        content: include_str!("../contexts/credentials-v1.jsonld"),
        sha256: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: DATA_INTEGRITY_V1,
        content: include_str!("../contexts/data-integrity-v1.jsonld"),
        sha256: "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: DATA_INTEGRITY_V2,
        content: include_str!("../contexts/data-integrity-v2.jsonld"),
        sha256: "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: MULTIKEY_V1,
        content: include_str!("../contexts/multikey-v1.jsonld"),
        sha256: "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: ED25519_2020_V1,
        content: include_str!("../contexts/ed25519-2020-v1.jsonld"),
        sha256: "67646fbc0d6582ad7fbf08ccf0d3a4bedbb4177fd2d63385de52dc1b092ed6c5",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: OB_V3P0_3_0_1,
        content: include_str!("../contexts/ob-v3p0-context-3.0.1.json"),
        sha256: "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: OB_V3P0_3_0_2,
        content: include_str!("../contexts/ob-v3p0-context-3.0.2.json"),
        sha256: "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: OB_V3P0_3_0_3,
        content: include_str!("../contexts/ob-v3p0-context-3.0.3.json"),
        sha256: "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: OB_V3P0,
        content: include_str!("../contexts/ob-v3p0-context.json"),
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: OB_V3P0_JSONLD,
        content: include_str!("../contexts/ob-v3p0-context.json"),
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: OB_V3P0_EXTENSIONS,
        content: include_str!("../contexts/ob-v3p0-extensions.json"),
        sha256: "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: CLR_V2P0_2_0_1,
        content: include_str!("../contexts/clr-v2p0-context-2.0.1.json"),
        sha256: "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: CLR_V2P0,
        content: include_str!("../contexts/clr-v2p0-context.json"),
        sha256: "e198d7b517d74c5036434ce495086f67b10244709e9a3df9dcb7f8b1579b6167",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: DID_V1,
        content: include_str!("../contexts/did-v1.jsonld"),
        sha256: "adefa50311393eb1bd788a38ac9fe2696c65367928f6996812cd54577394f4da",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: SECURITY_V1,
        content: include_str!("../contexts/security-v1.jsonld"),
        sha256: "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: SECURITY_V2,
        content: include_str!("../contexts/security-v2.jsonld"),
        sha256: "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: ED25519_2018_V1,
        content: include_str!("../contexts/ed25519-2018-v1.jsonld"),
        sha256: "166c6abb9e08176cee5f6c87c9c1bbfefa5717da391bcac525e5437f93eab809",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: JWS_2020_V1,
        content: include_str!("../contexts/jws-2020-v1.jsonld"),
        sha256: "d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e",
        kind: ContextKind::Production,
    },
    PinnedContext {
        url: CREDENTIALS_EXAMPLES_V2,
        content: include_str!("../contexts/credentials-examples-v2.jsonld"),
        sha256: "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
        kind: ContextKind::Examples,
    },
];

/// Check every pin of `entries` (and that no URL appears twice); the error names the first bad URL.
pub fn verify_pins(entries: &[PinnedContext]) -> Result<(), CredentialError> {
    for (i, entry) in entries.iter().enumerate() {
        entry.verify()?;
        if entries[..i].iter().any(|other| other.url == entry.url) {
            return Err(CredentialError::Invalid(format!(
                "JSON-LD context {} is bundled twice",
                entry.url
            )));
        }
    }
    Ok(())
}

/// The result of checking [`BUNDLED`] once, at first use.
fn bundled_verified() -> &'static Result<(), CredentialError> {
    static VERIFIED: OnceLock<Result<(), CredentialError>> = OnceLock::new();
    VERIFIED.get_or_init(|| verify_pins(BUNDLED))
}

/// The bundled context served at `url` (production or examples), if there is one and the bundle
/// matches its pins; `None` otherwise (also for every URL if any pin fails: the bundle fails closed).
pub fn context(url: &str) -> Option<&'static str> {
    bundled_verified().as_ref().ok()?;
    BUNDLED
        .iter()
        .find(|entry| entry.url == url)
        .map(|entry| entry.content)
}

/// A set of JSON-LD contexts that processing may use, by URL. Nothing outside the set is ever loaded.
///
/// Cheap to clone (the contents are shared).
#[derive(Clone)]
pub struct ContextSet {
    by_url: Arc<BTreeMap<String, Arc<str>>>,
}

impl fmt::Debug for ContextSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.by_url.keys()).finish()
    }
}

impl ContextSet {
    /// The bundled production contexts (everything in [`BUNDLED`] but the examples context), after
    /// checking the pins of the whole bundle.
    pub fn production() -> Result<Self, CredentialError> {
        Self::bundled(false)
    }

    /// The bundled production contexts plus `https://www.w3.org/ns/credentials/examples/v2`, which the
    /// W3C specification examples and test vectors use.
    pub fn with_examples() -> Result<Self, CredentialError> {
        Self::bundled(true)
    }

    fn bundled(examples: bool) -> Result<Self, CredentialError> {
        bundled_verified().clone()?;
        Self::from_pinned(
            BUNDLED
                .iter()
                .filter(|entry| examples || entry.kind == ContextKind::Production),
        )
    }

    /// A set made of `entries` only, each checked against its pin.
    pub fn from_pinned<'a>(
        entries: impl IntoIterator<Item = &'a PinnedContext>,
    ) -> Result<Self, CredentialError> {
        let mut by_url = BTreeMap::new();
        for entry in entries {
            entry.verify()?;
            by_url.insert(entry.url.to_owned(), Arc::from(entry.content));
        }
        Ok(Self {
            by_url: Arc::new(by_url),
        })
    }

    /// The bundled production contexts and the examples context, plus caller-provided `(url, content)`
    /// pairs (e.g. a vocabulary context a test reads from a file). An extra entry may not replace a
    /// context already in the set, and its content must be a JSON object.
    pub fn with_extra(extra: Vec<(String, String)>) -> Result<Self, CredentialError> {
        Self::with_examples()?.and(extra)
    }

    /// This set plus caller-provided `(url, content)` pairs, under the rules of [`ContextSet::with_extra`].
    pub fn and(self, extra: Vec<(String, String)>) -> Result<Self, CredentialError> {
        let mut by_url = (*self.by_url).clone();
        for (url, content) in extra {
            if by_url.contains_key(&url) {
                return Err(CredentialError::Invalid(format!(
                    "JSON-LD context {url} is already in the set: an extra context cannot replace it"
                )));
            }
            match serde_json::from_str::<serde_json::Value>(&content) {
                Ok(serde_json::Value::Object(_)) => {}
                _ => {
                    return Err(CredentialError::Invalid(format!(
                        "extra JSON-LD context {url} is not a JSON object"
                    )));
                }
            }
            by_url.insert(url, Arc::from(content));
        }
        Ok(Self {
            by_url: Arc::new(by_url),
        })
    }

    /// The context served at `url`, if it is in the set.
    pub fn get(&self, url: &str) -> Option<&str> {
        self.by_url.get(url).map(|content| &**content)
    }

    /// Whether `url` is in the set.
    pub fn contains(&self, url: &str) -> bool {
        self.by_url.contains_key(url)
    }

    /// The URLs in the set, in order.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.by_url.keys().map(String::as_str)
    }

    /// An offline document loader for the JSON-LD processor that serves this set and nothing else.
    pub fn loader(&self) -> OfflineLoader {
        OfflineLoader {
            contexts: self.clone(),
            state: Arc::new(LoaderState::default()),
            max_loads: DEFAULT_MAX_CONTEXT_LOADS,
        }
    }
}

/// How many documents one JSON-LD processing may load before it is stopped (each `@context` URL
/// reference, also nested ones, is one load: a document that names contexts thousands of times is
/// a processing bomb, not a credential).
pub const DEFAULT_MAX_CONTEXT_LOADS: usize = 256;

#[derive(Debug, Default)]
struct LoaderState {
    loads: AtomicUsize,
    refused: Mutex<Option<CredentialError>>,
}

/// A JSON-LD document loader (for `sophia_jsonld` / `json_ld`) that serves the contexts of one
/// [`ContextSet`] from memory and refuses every other URL with [`CredentialError::UnknownContext`].
/// It never touches the network or the file system.
///
/// Clones share their state, so the first refusal can be read back with [`OfflineLoader::refusal`]
/// after processing (the JSON-LD processor only keeps the error's message).
#[derive(Clone, Debug)]
pub struct OfflineLoader {
    contexts: ContextSet,
    state: Arc<LoaderState>,
    max_loads: usize,
}

impl OfflineLoader {
    /// Stop after `max_loads` loads (default [`DEFAULT_MAX_CONTEXT_LOADS`]).
    pub fn with_max_loads(mut self, max_loads: usize) -> Self {
        self.max_loads = max_loads;
        self
    }

    /// The first load this loader (or a clone of it) refused, if any.
    pub fn refusal(&self) -> Option<CredentialError> {
        self.state
            .refused
            .lock()
            .map(|refused| refused.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// How many documents were served so far.
    pub fn loads(&self) -> usize {
        self.state.loads.load(Ordering::Relaxed)
    }

    fn refuse(&self, error: CredentialError) -> CredentialError {
        let mut refused = self
            .state
            .refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        refused.get_or_insert_with(|| error.clone());
        error
    }

    /// The content served for `url`, or why not.
    pub fn fetch(&self, url: &str) -> Result<Arc<str>, CredentialError> {
        let loads = self.state.loads.fetch_add(1, Ordering::Relaxed) + 1;
        if loads > self.max_loads {
            return Err(self.refuse(CredentialError::Invalid(format!(
                "the document loads more than {} JSON-LD contexts",
                self.max_loads
            ))));
        }
        match self.contexts.by_url.get(url) {
            Some(content) => Ok(content.clone()),
            None => Err(self.refuse(CredentialError::UnknownContext(url.to_owned()))),
        }
    }
}

type JsonValue = json_syntax::Value<Location<ArcIri>>;

impl Loader<ArcIri, Location<ArcIri>> for OfflineLoader {
    type Output = JsonValue;
    type Error = CredentialError;

    fn load_with<'a>(
        &'a mut self,
        _vocabulary: &'a mut (impl Sync + Send + rdf_types::IriVocabularyMut<Iri = ArcIri>),
        url: ArcIri,
    ) -> BoxFuture<'a, LoadingResult<ArcIri, Location<ArcIri>, Self::Output, Self::Error>>
    where
        ArcIri: 'a,
    {
        async move {
            let content = self.fetch(url.as_str())?;
            let document =
                json_syntax::Value::parse_str(&content, |span| Location::new(url.clone(), span))
                    .map_err(|error| {
                        self.refuse(CredentialError::Invalid(format!(
                            "JSON-LD context {} is not valid JSON: {}",
                            url.as_str(),
                            error.value()
                        )))
                    })?;
            Ok(RemoteDocument::new(Some(url), None, document))
        }
        .boxed()
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_matches_its_pin() {
        verify_pins(BUNDLED).unwrap();
        for entry in BUNDLED {
            assert_eq!(
                sha256_hex(entry.content.as_bytes()),
                entry.sha256,
                "{}",
                entry.url
            );
            assert_eq!(context(entry.url), Some(entry.content));
            let parsed: serde_json::Value = serde_json::from_str(entry.content).unwrap();
            assert!(parsed.get("@context").is_some(), "{}", entry.url);
        }
        assert_eq!(BUNDLED.len(), 20);
    }

    #[test]
    fn a_tampered_context_is_refused() {
        let mut tampered = *BUNDLED.iter().find(|e| e.url == CREDENTIALS_V2).unwrap();
        tampered.content = r#"{"@context": {"@vocab": "https://evil.example/#"}}"#;
        let error = ContextSet::from_pinned([&tampered]).unwrap_err();
        assert!(
            matches!(&error, CredentialError::Invalid(m) if m.contains(CREDENTIALS_V2) && m.contains("pinned")),
            "{error}"
        );
        let error = verify_pins(&[BUNDLED[0], tampered]).unwrap_err();
        assert!(error.to_string().contains(CREDENTIALS_V2));
        // A duplicate URL is refused too.
        assert!(verify_pins(&[BUNDLED[0], BUNDLED[0]]).is_err());
    }

    #[test]
    fn production_leaves_out_the_examples_context() {
        let production = ContextSet::production().unwrap();
        assert!(production.contains(CREDENTIALS_V2));
        assert!(production.contains(OB_V3P0_3_0_3));
        assert!(!production.contains(CREDENTIALS_EXAMPLES_V2));
        assert_eq!(production.urls().count(), 19);
        let examples = ContextSet::with_examples().unwrap();
        assert!(examples.contains(CREDENTIALS_EXAMPLES_V2));
        assert_eq!(context(CREDENTIALS_EXAMPLES_V2).map(str::len), Some(84));
        assert_eq!(context("https://example.com/unknown"), None);
    }

    #[test]
    fn extra_contexts_are_added_but_cannot_replace_bundled_ones() {
        let set = ContextSet::with_extra(vec![(
            "https://example.com/ctx".into(),
            r#"{"@context": {"name": "https://schema.org/name"}}"#.into(),
        )])
        .unwrap();
        assert!(set.contains("https://example.com/ctx"));
        assert!(set.contains(CREDENTIALS_V2));
        let error = ContextSet::with_extra(vec![(CREDENTIALS_V2.into(), "{}".into())]).unwrap_err();
        assert!(error.to_string().contains("cannot replace"));
        let error = ContextSet::with_extra(vec![("https://example.com/x".into(), "[1]".into())])
            .unwrap_err();
        assert!(error.to_string().contains("not a JSON object"));
    }

    #[test]
    fn the_loader_refuses_unknown_urls_and_counts_loads() {
        let loader = ContextSet::production().unwrap().loader().with_max_loads(2);
        assert!(loader.fetch(CREDENTIALS_V2).is_ok());
        assert_eq!(
            loader.fetch("https://example.com/remote").unwrap_err(),
            CredentialError::UnknownContext("https://example.com/remote".into())
        );
        assert_eq!(
            loader.refusal(),
            Some(CredentialError::UnknownContext(
                "https://example.com/remote".into()
            ))
        );
        assert!(
            loader.fetch(CREDENTIALS_V2).is_err(),
            "third load is over the limit"
        );
        assert_eq!(loader.loads(), 3);
    }
}
