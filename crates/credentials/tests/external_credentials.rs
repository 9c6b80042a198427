//! Credentials from the rest of the world, judged as 1EdTech's validator judges them: Open Badges
//! 3.0 with the extensions context, Ed25519Signature2020 on VC 1.1, the `eddsa-2022` name, CLR 2.0
//! wrapping Open Badges credentials, VC-JWT (EdDSA, RS256, ES256), 1EdTech revocation lists, and
//! the negatives the validator refuses. Every credential is made and signed here, with keys made
//! here; nothing is fetched.

// A test binary: its helpers panic on what cannot happen in a passing test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signer as _, SigningKey};
use guild_credentials::contexts::ContextSet;
use guild_credentials::keys::{did_key, did_key_verification_method};
use guild_credentials::proof::{Cryptosuite, ProofOptions, add_proof, hash_data};
use guild_credentials::rdfc::JsonLdCanonicalizer;
use guild_credentials::verify::{
    CheckResult, DidKeyResolver, KeyResolver, Outcome, ResolveError, ResolvedKey,
    VerificationReport, verify,
};
use serde_json::{Value, json};

/// A 2048-bit RSA key (PKCS#1 DER) for the RS256 test only: ring cannot make RSA keys, so this
/// one was made with `openssl genpkey -algorithm RSA` for this test and signs nothing else.
const TEST_RSA_PKCS1: &str = "MIIEpAIBAAKCAQEA2Gr+dnxlTMOuCLYUl2upuPHSRKqjcOhuXHpLrBpC2CbQUpp6NKCyZsh3+SCUHMUT87nSo//mugA4VNXb42sS0zw4Hdjog+oQ/4pPMLBk8Pt8PovIdOAtR5xE3Dhr9yX6+bsbr1gg3nbUHKVw0KwNUT3LBFonAY0wIkvbTtXCUYQI7aJ8fV7Hlx7LOkftGBZkYTvo/LNoZNZlBHti71ylpWKDsOvAhFhcA3kzf9R3A0T8hURrchmWrl10juDjlpgfatOwG/ngZN7Oocds33b/8Uv2aCSmBVSefNNvEx6DLQxCdGtLb/SnumUZV+IImyCTVMD7Iegjf/tQMo+F3Etz9wIDAQABAoIBACxK8ZuEaCMm5WaJBXvcIBdm/rbpCZxhJb0tlnE5yrZ8cySE00AUJ48btlo5jba5qxS10mOYSzuEMgNC5ccMsgSjjYSmUSg2bpYuU3jOkUo03j/a0gMBoqLGW92KeqZRkqUr40WmzstZHJ5kScubevpGoFdasCMEJ3bNeawP2b5e3A53hcuK+FeiebB5XAuH+kcDSWa5ToL/5Kt8QBKxhG4lCEukOym1vUJsNCTkCzN7IOjTXddudaolsmBuWJpNIufy8MknaBpK+ULdFxndkmnhCwXqIhdPWUnPweupQkZ22KzTO5czQTSm3+mygAO6JKudEx/zxvPo7IJGOiWT8gkCgYEA9/KHdpkMtLUEYXN9ebTuHKCnuxCaE6/ZzCX44GqfUT1y/PGOhyh+Jj9N45a3/ngjn2R+hlYSVdo3qob+bsaQPWAy77zxsb1Jtmfs2127ZVUKJGY2SSSGAv54ZFgm8cUZlJe+Kwje2uMXUOl3hxnWKWku7uyTrCzmom2f6CHDhqsCgYEA33JTEs/TpooteVA/OlKIdUW/+UhxQWLaIltysi1fMgUBGJvQ6GWz3e36SeCr8DPTKUDVCVanl7JIP5kOxfQqXgqXupYcQXqnECL7an7z2E6C4uFeEqT21EVwv22gmC/VOhLh1YUq5sfXubllmzWhg7XAwYskbbYQG/fEVxhf9+UCgYEAy9GZW3uKf03CMR2PyqlZhzzlRJfsIDzRC8k3IbtkBZM+4ADtidtWf7hQHcL6svstRUyF2YYNgndkhRB9PLCLR3i5xmsKP3J7kq8xfE47ypuyP6OqAkw8wV9PtiTktp+wXH60e4nKMCK3OvMAJ5Wsf9QQGaVt6v3qBSGabma65QsCgYB9k+LcT7DDiCTGaTMftAK85dZeYzhDZyrw5DQxrw4xLl7PVcKy2XWc5IIlwv7eoEGsjaMs/GZz+t5f38VNu0uUTp+3XWXD5wq9JuvljjO8/WLR35bfI5cU9XHII/R9k2RinvoM5iqWSPoUhv1znVCIlT0fiPOQNSIYlcbiq/BDgQKBgQCIpwzp85VfyLlcj3Brfh4tWEcNOlDvYeUKNiI4gi0pFtHkqqxY/55Jktn42+SyGf5mDVBerAfrHQqiX8pTSzGbiGbhblXYKNuQ4T5jRSQNvt637fMniZTGG3i+95oOJL8LlLojZ8jw96C1pgrQgmCMGIXX9/Sf8BVGPk/JfmQLYg==";

const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
const OB_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const OB_3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
const CLR_2_0_1: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
const ED25519_2020: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

fn now() -> jiff::Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn rdf() -> JsonLdCanonicalizer {
    JsonLdCanonicalizer::new(ContextSet::production().unwrap())
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// An Open Badges 3.0 AchievementCredential (VC 2.0) issued by `issuer`.
fn badge(issuer: &str, n: u32) -> Value {
    json!({
        "@context": [VC_V2, OB_3_0_3, OB_EXTENSIONS],
        "id": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": format!("https://college.example/achievements/{n}"),
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Collaborates within a group.",
                "criteria": {"narrative": "Nominated by peers."}
            }
        }
    })
}

/// Signs with eddsa-rdfc-2022 (or the suite given) by `signer`, through `vm`.
fn sign(doc: &Value, signer: &SigningKey, vm: &str, suite: Cryptosuite) -> Value {
    let options = ProofOptions {
        cryptosuite: suite,
        verification_method: vm.to_owned(),
        proof_purpose: "assertionMethod".to_owned(),
        created: Some("2026-01-01T00:00:00Z".to_owned()),
        id: None,
        previous_proof: Vec::new(),
    };
    add_proof(doc, &options, signer, &rdf()).unwrap()
}

/// A badge issued and signed by a did:key issuer.
fn signed_badge(signer: &SigningKey, n: u32) -> Value {
    let k = signer.verifying_key();
    sign(
        &badge(&did_key(&k), n),
        signer,
        &did_key_verification_method(&k),
        Cryptosuite::EddsaRdfc2022,
    )
}

fn check(doc: &Value, keys: &dyn KeyResolver) -> VerificationReport {
    verify(&serde_json::to_vec(doc).unwrap(), now(), keys, &rdf())
}

fn failed<'a>(r: &'a VerificationReport, name: &str) -> Vec<&'a str> {
    r.checks
        .iter()
        .filter(|c| c.result == CheckResult::Failed && c.check.starts_with(name))
        .map(|c| c.detail.as_str())
        .collect()
}

fn assert_valid(r: &VerificationReport) {
    assert_eq!(r.outcome, Outcome::Valid, "{r:#?}");
}

#[test]
fn an_open_badge_with_the_extensions_context_verifies_offline() {
    let r = check(&signed_badge(&key(1), 1), &DidKeyResolver);
    assert_valid(&r);
    for name in [
        "context",
        "schema",
        "issuer profile",
        "subject",
        "proof 1",
        "issuer key",
    ] {
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == name && c.result == CheckResult::Passed),
            "{name}: {r:#?}"
        );
    }
}

#[test]
fn a_valid_signature_does_not_save_a_wrong_shape() {
    let signer = key(2);
    let k = signer.verifying_key();
    let vm = did_key_verification_method(&k);
    let mut wrong_subject = badge(&did_key(&k), 2);
    wrong_subject["credentialSubject"]["type"] = json!(["Person"]);
    // Signed with JCS: under another type the subject's terms have no JSON-LD definition, so no
    // RDF proof could be made at all (and the JSON-LD check fails too).
    let r = check(
        &sign(&wrong_subject, &signer, &vm, Cryptosuite::EddsaJcs2022),
        &DidKeyResolver,
    );
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(
        r.checks
            .iter()
            .any(|c| c.check == "proof 1" && c.result == CheckResult::Passed)
    );
    assert!(
        failed(&r, "subject")
            .iter()
            .any(|d| d.contains("/credentialSubject/type")),
        "{r:#?}"
    );

    let mut wrong_issuer = badge(&did_key(&k), 3);
    wrong_issuer["issuer"]["type"] = json!(["Organization"]);
    let r = check(
        &sign(&wrong_issuer, &signer, &vm, Cryptosuite::EddsaRdfc2022),
        &DidKeyResolver,
    );
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(
        failed(&r, "issuer profile")
            .iter()
            .any(|d| d.starts_with("/issuer")),
        "{r:#?}"
    );

    // The issuer as a bare URL: the schema wants a Profile object, and says where.
    let mut bare_issuer = badge(&did_key(&k), 4);
    bare_issuer["issuer"] = did_key(&k).into();
    let r = check(
        &sign(&bare_issuer, &signer, &vm, Cryptosuite::EddsaRdfc2022),
        &DidKeyResolver,
    );
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(
        failed(&r, "schema")
            .iter()
            .any(|d| d.starts_with("/issuer")),
        "{r:#?}"
    );

    // A missing achievement name is a schema violation at its path.
    let mut unnamed = badge(&did_key(&k), 5);
    unnamed["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let r = check(
        &sign(&unnamed, &signer, &vm, Cryptosuite::EddsaRdfc2022),
        &DidKeyResolver,
    );
    assert!(
        failed(&r, "schema")
            .iter()
            .any(|d| d.starts_with("/credentialSubject/achievement")),
        "{r:#?}"
    );
}

#[test]
fn unknown_did_methods_and_scheme_less_methods_are_invalid() {
    let signer = key(3);
    for (vm, needle) in [
        ("did:example:123#key-1", "did:example"),
        ("key-1", "no scheme"),
        ("urn:uuid:5d1c#key", "urn:"),
    ] {
        let doc = sign(
            &badge("did:example:123", 6),
            &signer,
            vm,
            Cryptosuite::EddsaRdfc2022,
        );
        let r = check(&doc, &DidKeyResolver);
        assert_eq!(r.outcome, Outcome::Invalid, "{vm}: {r:#?}");
        assert!(
            failed(&r, "proof 1").iter().any(|d| d.contains(needle)),
            "{vm}: {r:#?}"
        );
    }
    // Outside Open Badges too.
    let mut plain = signed_badge(&signer, 7);
    plain["type"] = json!(["VerifiableCredential"]);
    plain["proof"]["verificationMethod"] = "did:example:abc#z6Mk".into();
    let r = check(&plain, &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid, "{r:#?}");
}

#[test]
fn a_key_in_the_fragment_counts_for_its_controller_only() {
    // The form of the Open Badges examples: the issuer's URL, '#', the key.
    let signer = key(4);
    let mb = guild_credentials::keys::public_key_multibase(&signer.verifying_key());
    let issuer = "https://college.example/issuers/1";
    let vm = format!("{issuer}#{mb}");
    let r = check(
        &sign(&badge(issuer, 8), &signer, &vm, Cryptosuite::EddsaRdfc2022),
        &DidKeyResolver,
    );
    assert_valid(&r);
    assert!(
        r.checks.iter().any(|c| c.detail.contains("fragment")),
        "{r:#?}"
    );
    // The same key claimed for another issuer is caught.
    let r = check(
        &sign(
            &badge("https://other.example/issuers/9", 9),
            &signer,
            &vm,
            Cryptosuite::EddsaRdfc2022,
        ),
        &DidKeyResolver,
    );
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(!failed(&r, "issuer key").is_empty(), "{r:#?}");
}

#[test]
fn ed25519_signature_2020_on_vc_1_1_verifies_and_tampering_is_caught() {
    let signer = key(5);
    let k = signer.verifying_key();
    let did = did_key(&k);
    let mut doc = badge(&did, 10);
    doc["@context"] = json!([VC_V1, OB_3_0_1, ED25519_2020]);
    let from = doc.as_object_mut().unwrap().remove("validFrom").unwrap();
    doc["issuanceDate"] = from;
    // An Ed25519Signature2020 proof signs what a Data Integrity RDFC proof signs.
    let mut proof = serde_json::Map::new();
    proof.insert("type".into(), "Ed25519Signature2020".into());
    proof.insert("created".into(), "2026-01-01T00:00:00Z".into());
    proof.insert(
        "verificationMethod".into(),
        did_key_verification_method(&k).into(),
    );
    proof.insert("proofPurpose".into(), "assertionMethod".into());
    let data = hash_data(
        Cryptosuite::EddsaRdfc2022,
        doc.as_object().unwrap(),
        &proof,
        &rdf(),
    )
    .unwrap();
    let value = multibase::encode(multibase::Base::Base58Btc, signer.sign(&data).to_bytes());
    proof.insert("proofValue".into(), value.into());
    doc["proof"] = Value::Object(proof);
    let r = check(&doc, &DidKeyResolver);
    assert_valid(&r);
    assert!(
        r.checks
            .iter()
            .any(|c| c.detail.contains("Ed25519Signature2020")),
        "{r:#?}"
    );
    let mut tampered = doc.clone();
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership".into();
    let r = check(&tampered, &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(
        failed(&r, "proof 1")
            .iter()
            .any(|d| d.contains("bad signature")),
        "{r:#?}"
    );
}

#[test]
fn the_earlier_cryptosuite_name_eddsa_2022_is_rdfc() {
    let signer = key(6);
    let k = signer.verifying_key();
    let doc = badge(&did_key(&k), 11);
    let mut proof = serde_json::Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    proof.insert("cryptosuite".into(), "eddsa-2022".into());
    proof.insert(
        "verificationMethod".into(),
        did_key_verification_method(&k).into(),
    );
    proof.insert("proofPurpose".into(), "assertionMethod".into());
    let data = hash_data(
        Cryptosuite::EddsaRdfc2022,
        doc.as_object().unwrap(),
        &proof,
        &rdf(),
    )
    .unwrap();
    let mut signed = doc.clone();
    proof.insert(
        "proofValue".into(),
        multibase::encode(multibase::Base::Base58Btc, signer.sign(&data).to_bytes()).into(),
    );
    signed["proof"] = Value::Object(proof);
    assert_valid(&check(&signed, &DidKeyResolver));
}

#[test]
fn a_clr_is_verified_with_each_credential_it_wraps() {
    let issuer_key = key(7);
    let k = issuer_key.verifying_key();
    let did = did_key(&k);
    let vm = did_key_verification_method(&k);
    let clr = |inner: Vec<Value>| {
        sign(
            &json!({
                "@context": [VC_V2, CLR_2_0_1, OB_3_0_3],
                "id": "urn:uuid:00000000-0000-4000-8000-000000000100",
                "type": ["VerifiableCredential", "ClrCredential"],
                "name": "Transcript",
                "issuer": {"id": did, "type": ["Profile"], "name": "Example College"},
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {
                    "id": "did:example:learner",
                    "type": ["ClrSubject"],
                    "verifiableCredential": inner
                }
            }),
            &issuer_key,
            &vm,
            Cryptosuite::EddsaRdfc2022,
        )
    };
    let (a, b) = (signed_badge(&key(8), 12), signed_badge(&key(9), 13));
    let r = check(&clr(vec![a.clone(), b.clone()]), &DidKeyResolver);
    assert_valid(&r);
    for label in ["credential 1", "credential 2"] {
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == label && c.result == CheckResult::Passed),
            "{label}: {r:#?}"
        );
        assert!(
            r.checks
                .iter()
                .any(|c| c.check == format!("{label} proof 1")),
            "{r:#?}"
        );
    }
    // A nested credential whose own signature is broken makes the CLR invalid, though the CLR's
    // proof (over the tampered content) holds.
    let mut broken = b.clone();
    broken["credentialSubject"]["achievement"]["name"] = "Leadership".into();
    let r = check(&clr(vec![a, broken]), &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(
        r.checks
            .iter()
            .any(|c| c.check == "proof 1" && c.result == CheckResult::Passed)
    );
    assert!(!failed(&r, "credential 2 proof 1").is_empty(), "{r:#?}");
    // The CLR's subject must be a ClrSubject.
    let mut wrong = clr(vec![signed_badge(&key(8), 14)]);
    wrong["credentialSubject"]["type"] = json!(["AchievementSubject"]);
    let r = check(&wrong, &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid);
}

/// did:key keys, and 1EdTech revocation lists served from memory.
struct Lists(HashMap<String, Value>);

impl KeyResolver for Lists {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, ResolveError> {
        DidKeyResolver.resolve(vm)
    }
    fn status_list(&self, url: &str) -> Result<Vec<u8>, ResolveError> {
        self.0
            .get(url)
            .map(|v| serde_json::to_vec(v).unwrap())
            .ok_or_else(|| ResolveError::Unresolvable(format!("{url} not served")))
    }
}

#[test]
fn a_1edtech_revocation_list_is_read_and_an_unreadable_one_is_a_warning() {
    let signer = key(10);
    let k = signer.verifying_key();
    let url = "https://college.example/revocations";
    let mut doc = badge(&did_key(&k), 15);
    doc["credentialStatus"] = json!({"id": url, "type": "1EdTechRevocationList"});
    let doc = sign(
        &doc,
        &signer,
        &did_key_verification_method(&k),
        Cryptosuite::EddsaRdfc2022,
    );
    let id = doc["id"].as_str().unwrap().to_owned();
    let status = |r: &VerificationReport| {
        r.checks
            .iter()
            .find(|c| c.check == "status")
            .cloned()
            .unwrap()
    };
    // Not served (offline): valid, with a warning that says revocation was not checked.
    let r = check(&doc, &DidKeyResolver);
    assert_valid(&r);
    let s = status(&r);
    assert_eq!(s.result, CheckResult::Warning, "{r:#?}");
    assert!(s.detail.contains("not checked"), "{}", s.detail);
    // Listed: revoked.
    let revoked = Lists(HashMap::from([(
        url.to_owned(),
        json!({"id": url, "revokedCredential": [{"id": id, "revocationReason": "Issued in error"}]}),
    )]));
    let r = check(&doc, &revoked);
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(status(&r).detail.contains("Issued in error"), "{r:#?}");
    // Listed with revoked: false, or not listed: not revoked.
    for list in [
        json!({"revokedCredential": [{"id": id, "revoked": false}]}),
        json!({"revokedCredential": [{"id": "urn:uuid:other"}]}),
    ] {
        let r = check(&doc, &Lists(HashMap::from([(url.to_owned(), list)])));
        assert_valid(&r);
        assert_eq!(status(&r).result, CheckResult::Passed);
    }
}

/// A compact JWS of `payload` with `header`, signed by `sign`.
fn jws(header: &Value, payload: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let input = format!("{}.{}", b64(header), b64(payload));
    let signature = sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The JWT claims the Open Badges 3.0 JWT format derives from a credential.
fn claims(vc: &Value) -> Value {
    let secs = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_second();
    let mut c = json!({
        "vc": vc,
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "sub": vc["credentialSubject"]["id"],
        "nbf": secs(vc["validFrom"].as_str().unwrap()),
    });
    if let Some(until) = vc["validUntil"].as_str() {
        c["exp"] = secs(until).into();
    }
    c
}

fn check_jwt(token: &str, keys: &dyn KeyResolver) -> VerificationReport {
    verify(token.as_bytes(), now(), keys, &rdf())
}

#[test]
fn a_vc_jwt_signed_with_eddsa_verifies_and_tampering_is_caught() {
    let signer = key(11);
    let k = signer.verifying_key();
    let mut vc = badge(&did_key(&k), 16);
    vc["validUntil"] = "2027-01-01T00:00:00Z".into();
    let x = URL_SAFE_NO_PAD.encode(k.as_bytes());
    let ed = |m: &[u8]| signer.sign(m).to_bytes().to_vec();
    // Key in the header.
    let header =
        json!({"alg": "EdDSA", "typ": "JWT", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x}});
    let token = jws(&header, &claims(&vc), ed);
    let r = check_jwt(&format!("{token}\n"), &DidKeyResolver);
    assert_valid(&r);
    assert!(
        r.checks
            .iter()
            .any(|c| c.check == "jwt signature" && c.result == CheckResult::Passed)
    );
    // Key by reference: the issuer's did:key.
    let kid = json!({"alg": "EdDSA", "kid": did_key_verification_method(&k)});
    let r = check_jwt(&jws(&kid, &claims(&vc), ed), &DidKeyResolver);
    assert_valid(&r);
    assert!(
        r.checks
            .iter()
            .any(|c| c.check == "issuer key" && c.result == CheckResult::Passed)
    );
    // The payload itself may be the credential.
    assert_valid(&check_jwt(&jws(&header, &vc, ed), &DidKeyResolver));

    // Tampered payload: the signature no longer holds.
    let parts: Vec<&str> = token.split('.').collect();
    let mut tampered_claims = claims(&vc);
    tampered_claims["vc"]["credentialSubject"]["achievement"]["name"] = "Leadership".into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&tampered_claims).unwrap()),
        parts[2]
    );
    let r = check_jwt(&forged, &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid);
    assert!(
        failed(&r, "jwt signature")
            .iter()
            .any(|d| d.contains("bad signature")),
        "{r:#?}"
    );

    // Claims that contradict the credential, or a token past its exp.
    let mut wrong_iss = claims(&vc);
    wrong_iss["iss"] = "did:example:someone-else".into();
    let r = check_jwt(&jws(&header, &wrong_iss, ed), &DidKeyResolver);
    assert!(
        failed(&r, "jwt claims")
            .iter()
            .any(|d| d.starts_with("iss")),
        "{r:#?}"
    );
    let mut expired = claims(&vc);
    expired["exp"] = 1_700_000_000.into();
    let r = check_jwt(&jws(&header, &expired, ed), &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid);
    // alg none, or a header that names no key.
    let r = check_jwt(
        &jws(&json!({"alg": "none"}), &claims(&vc), ed),
        &DidKeyResolver,
    );
    assert_eq!(r.outcome, Outcome::Invalid);
    let r = check_jwt(
        &jws(&json!({"alg": "EdDSA"}), &claims(&vc), ed),
        &DidKeyResolver,
    );
    assert!(
        failed(&r, "jwt signature")
            .iter()
            .any(|d| d.contains("names no key")),
        "{r:#?}"
    );
    // A wrong credential shape inside a well-signed JWT is still invalid.
    let mut wrong = vc.clone();
    wrong["credentialSubject"]["type"] = json!(["Person"]);
    let r = check_jwt(&jws(&header, &claims(&wrong), ed), &DidKeyResolver);
    assert_eq!(r.outcome, Outcome::Invalid);
}

#[test]
fn a_vc_jwt_signed_with_rs256_or_es256_verifies() {
    use ring::signature::{self, KeyPair as _};
    let rng = ring::rand::SystemRandom::new();
    let vc = badge("https://college.example/issuers/1", 17);

    let der = STANDARD.decode(TEST_RSA_PKCS1).unwrap();
    let rsa = signature::RsaKeyPair::from_der(&der).unwrap();
    let public: ring::rsa::PublicKeyComponents<Vec<u8>> = rsa.public().into();
    let n = URL_SAFE_NO_PAD.encode(&public.n);
    let e = URL_SAFE_NO_PAD.encode(&public.e);
    let rs_sign = |m: &[u8]| {
        let mut sig = vec![0; rsa.public().modulus_len()];
        rsa.sign(&signature::RSA_PKCS1_SHA256, &rng, m, &mut sig)
            .unwrap();
        sig
    };
    let header = json!({"alg": "RS256", "jwk": {"kty": "RSA", "n": n, "e": e}});
    let token = jws(&header, &claims(&vc), rs_sign);
    assert_valid(&check_jwt(&token, &DidKeyResolver));
    // The header may not claim another algorithm for the key.
    let r = check_jwt(
        &jws(
            &json!({"alg": "ES256", "jwk": header["jwk"]}),
            &claims(&vc),
            rs_sign,
        ),
        &DidKeyResolver,
    );
    assert_eq!(r.outcome, Outcome::Invalid);

    let pkcs8 =
        signature::EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap();
    let ec = signature::EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .unwrap();
    let point = ec.public_key().as_ref();
    let header = json!({"alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..])}});
    let es_sign = |m: &[u8]| ec.sign(&rng, m).unwrap().as_ref().to_vec();
    assert_valid(&check_jwt(
        &jws(&header, &claims(&vc), es_sign),
        &DidKeyResolver,
    ));
    let mut other = claims(&vc);
    other["vc"]["name"] = "Something else".into();
    let token = jws(&header, &claims(&vc), es_sign);
    let forged = format!(
        "{}.{}.{}",
        token.split('.').next().unwrap(),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap()),
        token.split('.').nth(2).unwrap()
    );
    assert_eq!(
        check_jwt(&forged, &DidKeyResolver).outcome,
        Outcome::Invalid
    );
}
