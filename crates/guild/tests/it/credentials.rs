//! `guild credential verify` on the official vectors: exit status 0 valid, 1 invalid, 2 could
//! not check; every check printed.

use std::process::Command;

use serde_json::Value;

use crate::harness::shared;

fn verify(file: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_guild"))
        .args(["credential", "verify"])
        .arg(file)
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn vector(path: &str) -> std::path::PathBuf {
    shared("vectors/vc-di-eddsa/TestVectors").join(path)
}

fn with(file: &std::path::Path, change: impl FnOnce(&mut Value)) -> tempfile::NamedTempFile {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    change(&mut doc);
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), serde_json::to_vec(&doc).unwrap()).unwrap();
    tmp
}

#[test]
fn the_w3c_eddsa_vectors_verify() {
    for v in [
        "eddsa-jcs-2022/signedJCS.json",
        "eddsa-rdfc-2022/signedDataInt.json",
        "proof-set-chain/signedProofSet1.json",
        "proof-set-chain/signedProofSet2.json",
        "proof-set-chain/signedProofChain1.json",
        "proof-set-chain/signedProofChain2.json",
    ] {
        let (code, out) = verify(&vector(v), &[]);
        assert_eq!(code, 0, "{v}: {out}");
        assert!(out.trim_end().ends_with("valid"), "{v}: {out}");
    }
}

#[test]
fn a_proof_by_a_key_that_is_not_the_issuers_is_caught() {
    // The W3C "employ" vector's proof holds, with the citizenship context it uses given as a
    // trusted context; but its issuer is another DID than the key that signed it.
    let context = format!(
        "https://w3id.org/citizenship/v4rc1={}",
        shared("vectors/citizenship-vocab/contexts/citizenship-v4rc1.jsonld").display()
    );
    let employ = vector("eddsa-rdfc-2022/employ/signedDataInt.json");
    let (code, out) = verify(&employ, &["--context", &context]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ok   proof 1"), "{out}");
    assert!(out.contains("FAIL issuer key"), "{out}");
    // Without the context: refused, naming it.
    let (code, out) = verify(&employ, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("unknown JSON-LD context https://w3id.org/citizenship/v4rc1"),
        "{out}"
    );
}

#[test]
fn tampering_unknown_keys_and_bad_files_are_told_apart() {
    let signed = vector("eddsa-rdfc-2022/signedDataInt.json");
    let tampered = with(&signed, |d| {
        d["credentialSubject"]["alumniOf"] = "Elsewhere".into()
    });
    let (code, out) = verify(tampered.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL") && out.contains("bad signature"),
        "{out}"
    );

    let chain = vector("proof-set-chain/signedProofChain2.json");
    let broken = with(&chain, |d| {
        d["proof"].as_array_mut().unwrap().remove(0);
    });
    let (code, out) = verify(broken.path(), &[]);
    assert_eq!(code, 1, "a chain missing a proof it follows: {out}");

    let web = with(&signed, |d| {
        d["proof"]["verificationMethod"] = "did:web:issuer.example#key-1".into()
    });
    let (code, out) = verify(web.path(), &[]);
    assert_eq!(code, 2, "{out}");

    let unknown_context = with(&signed, |d| {
        d["@context"]
            .as_array_mut()
            .unwrap()
            .push("https://evil.example/context.jsonld".into())
    });
    let (code, out) = verify(unknown_context.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("https://evil.example/context.jsonld"), "{out}");

    let garbage = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(garbage.path(), "{\"proof\": [").unwrap();
    let (code, out) = verify(garbage.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("malformed JSON"), "{out}");

    let (code, out) = verify(std::path::Path::new("/nonexistent/credential.json"), &[]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("/nonexistent/credential.json"), "{out}");
}

#[test]
fn the_open_badges_worked_example_verifies_with_its_issuer_key() {
    let dir = shared("vectors/openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0");
    let values: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("vector-values.extracted.json")).unwrap(),
    )
    .unwrap();
    let signed = dir.join("signed-credential.extracted.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&signed).unwrap()).unwrap();
    let vm = doc["proof"]["verificationMethod"].as_str().unwrap();
    let key = format!("{vm}={}", values["publicKeyMultibase"].as_str().unwrap());
    let (code, out) = verify(&signed, &["--key", &key, "--json"]);
    assert_eq!(code, 0, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["outcome"], "valid");
    assert!(
        report["types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "OpenBadgeCredential")
    );
    // Without the key, offline: the method's fragment is the issuer's key, as 1EdTech's
    // validator reads it for Open Badges, and the report says so.
    let (code, out) = verify(&signed, &["--offline"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fragment"), "{out}");
    // The same key claimed for another issuer is refused.
    let other = with(&signed, |d| {
        d["issuer"]["id"] = "https://elsewhere.example/issuers/1".into()
    });
    let (code, out) = verify(other.path(), &["--offline"]);
    assert_eq!(code, 1, "{out}");
}

/// A VC-JWT file (`.jwt`, compact JWS text) verifies through the CLI like JSON does; a tampered
/// one is invalid.
#[test]
fn a_vc_jwt_file_verifies_and_a_tampered_one_does_not() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use ed25519_dalek::Signer as _;
    let signer = ed25519_dalek::SigningKey::from_bytes(&[21; 32]);
    let did = guild_credentials::keys::did_key(&signer.verifying_key());
    let vc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6f1b2c3d-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {"id": did, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {"id": "https://college.example/a/1", "type": ["Achievement"], "name": "Teamwork",
                "description": "Collaborates.", "criteria": {"narrative": "Nominated by peers."}}}
    });
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let header = serde_json::json!({"alg": "EdDSA", "typ": "JWT",
        "kid": guild_credentials::keys::did_key_verification_method(&signer.verifying_key())});
    let claims = serde_json::json!({"vc": vc, "iss": did, "jti": vc["id"], "sub": "did:example:learner", "nbf": 1_767_225_600});
    let input = format!("{}.{}", b64(&header), b64(&claims));
    let token = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(signer.sign(input.as_bytes()).to_bytes())
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("badge.jwt");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let (code, out) = verify(&file, &["--offline"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok   jwt signature"), "{out}");
    let mut forged = claims.clone();
    forged["vc"]["credentialSubject"]["achievement"]["name"] = "Leadership".into();
    let parts: Vec<&str> = token.split('.').collect();
    std::fs::write(&file, format!("{}.{}.{}", parts[0], b64(&forged), parts[2])).unwrap();
    let (code, out) = verify(&file, &["--offline"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL jwt signature"), "{out}");
}

crate::on_both_backends!(issued_skill_credentials_verify_anywhere);

fn issued_skill_credentials_verify_anywhere(backend: crate::harness::Backend) {
    let store = crate::harness::TestStore::new(&backend);
    // No key yet: a clear error.
    let out = store.guild(&[
        "credential",
        "issue",
        "--worker",
        "1",
        "--skill",
        "guild:skill/operate-cnc-lathe",
        "--level",
        "3",
    ]);
    assert!(!out.status.success());
    let body = serde_json::json!({
        "name": "Dai",
        "skills": [{"skill": "guild:skill/operate-cnc-lathe", "proficiency": 3}],
        "hours_per_week": 20,
        "utc_offset_minutes": 0,
        "work_mode": "remote",
        "languages": ["en"],
    });
    let added = store.guild_with_input(&["worker", "add", "-"], &body.to_string());
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let worker = String::from_utf8(added.stdout)
        .unwrap()
        .split_whitespace()
        .find_map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_digit())
                .parse::<i64>()
                .ok()
        })
        .unwrap();
    store.guild_ok(&["credential", "keys", "new"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("badge.json");
    store.guild_ok(&[
        "credential",
        "issue",
        "--worker",
        &worker.to_string(),
        "--skill",
        "guild:skill/operate-cnc-lathe",
        "--level",
        "3",
        "--evidence",
        "Skill test passed 18/20",
        "--suite",
        "both",
        "--out",
        file.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["type"][1], "OpenBadgeCredential");
    assert_eq!(
        doc["proof"].as_array().unwrap().len(),
        2,
        "a proof set: rdfc and jcs"
    );
    let (code, out) = verify(&file, &[]);
    assert_eq!(code, 0, "{out}");
    // Rotation: a new key signs from now on, and what the old key signed still verifies.
    store.guild_ok(&["credential", "keys", "new"]);
    let keys = store.guild_ok(&["credential", "keys", "list"]);
    assert_eq!(
        keys.lines().filter(|l| l.contains("retired")).count(),
        1,
        "{keys}"
    );
    let (code, out) = verify(&file, &[]);
    assert_eq!(code, 0, "{out}");
    let tampered = with(&file, |d| {
        d["credentialSubject"]["result"][0]["value"] = "5".into()
    });
    let (code, out) = verify(tampered.path(), &[]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn the_api_verifies_without_an_account() {
    let store = crate::harness::TestStore::new(&crate::harness::Backend::Sqlite);
    let server = store.serve();
    let signed = std::fs::read_to_string(vector("eddsa-rdfc-2022/signedDataInt.json")).unwrap();
    let a = server.post("/api/v1/credentials/verify", &signed, "application/json");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["outcome"], "valid", "{}", a.body);
    let tampered = signed.replace("The School of Examples", "Another School");
    let a = server.post("/api/v1/credentials/verify", &tampered, "application/json");
    assert_eq!(a.body["outcome"], "invalid", "{}", a.body);
    let a = server.post(
        "/api/v1/credentials/verify",
        "{\"proof\": [",
        "application/json",
    );
    assert_eq!(a.body["outcome"], "invalid");
    assert!(
        a.body["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("malformed JSON")
    );
    let doc = server.get_ok("/api/openapi.json");
    assert!(doc["paths"]["/api/v1/credentials/verify"].is_object());
}
