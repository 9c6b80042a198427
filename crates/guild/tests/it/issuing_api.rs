//! Issuing, publishing, revoking and importing credentials through the real server and binary,
//! on both backends: a Guild with a public URL publishes did:web DID documents (the platform's
//! and each organisation's) and signed status lists; a verifier that knows nothing but the
//! credential fetches them over HTTP and sees revocations; rotation keeps old credentials
//! valid; workers import credentials issued elsewhere; nobody reaches another's credentials.

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

const LATHE: &str = "guild:skill/operate-cnc-lathe";

/// `guild credential verify FILE` as an outside verifier runs it (no store of its own), with
/// loopback allowed over HTTP: exit code and output.
fn verify_file(path: &std::path::Path, env: &[(String, String)]) -> (i32, String) {
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guild"))
        .args(["credential", "verify"])
        .arg(path)
        .env("GUILD_DATA_DIR", empty.path())
        .env_remove("GUILD_DATABASE_URL")
        .env_remove("GUILD_PUBLIC_URL")
        .envs(
            env.iter()
                .filter(|(k, _)| k == "GUILD_INSECURE_HTTP_HOSTS")
                .map(|(k, v)| (k, v)),
        )
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn write(doc: &Value) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    f
}

fn new_worker(server: &Server, token: &str, name: &str) -> i64 {
    let a = server.call(
        "POST",
        "/api/v1/workers",
        Some(token),
        Some(&json!({
            "name": name,
            "skills": [{"skill": "guild:skill/read-engineering-drawings", "proficiency": 2}],
            "hours_per_week": 20,
            "utc_offset_minutes": 0,
            "work_mode": "remote",
            "languages": ["en"],
        })),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["id"].as_i64().unwrap()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report}"))
}

crate::on_both_backends!(
    organisations_issue_publish_and_revoke,
    reputation_and_reviews_become_credentials,
    credentials_from_elsewhere_become_evidence,
);

fn organisations_issue_publish_and_revoke(backend: Backend) {
    let store = TestStore::new(&backend);
    let (server, env) = store.serve_public();
    let host = server.base.trim_start_matches("http://").to_owned();
    let platform_did = format!("did:web:{}", host.replace(':', "%3A"));

    // The platform's key, made by the operator: its DID document is published at once.
    let out = store.guild_env(&["credential", "keys", "new"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(&format!("{platform_did}#z6Mk")),
        "{printed}"
    );
    let a = server.get("/.well-known/did.json");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.content_type, "application/did+json");
    assert_eq!(a.body["id"], platform_did.as_str());
    assert_eq!(a.body["assertionMethod"].as_array().unwrap().len(), 1);

    let (alice, bob, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
        server.sign_up("carol@example.org"),
    );
    let worker = new_worker(&server, &alice, "Alice");
    let carols = new_worker(&server, &carol, "Carol");

    // Bob's training centre: an organisation with its own did:web DID and keys.
    let org =
        json!({"slug": "ferro-academy", "name": "Ferro Academy", "url": "https://ferro.example"});
    let a = server.call("POST", "/api/v1/organisations", Some(&bob), Some(&org));
    assert_eq!(a.status, 201, "{}", a.body);
    let org_did = format!("{platform_did}:orgs:ferro-academy");
    assert_eq!(a.body["did"], org_did.as_str());
    let again = server.call("POST", "/api/v1/organisations", Some(&carol), Some(&org));
    assert_eq!(again.status, 409, "{}", again.body);
    let bad = server.call(
        "POST",
        "/api/v1/organisations",
        Some(&carol),
        Some(&json!({"slug": "../x", "name": "X"})),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.content_type, "application/problem+json");
    let award = json!({"worker": worker, "skill": LATHE, "level": 3,
        "evidence": [{"name": "Skill test", "description": "Passed 18 of 20", "kind": "test"}]});
    let no_key = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/credentials",
        Some(&bob),
        Some(&award),
    );
    assert_eq!(no_key.status, 409, "{}", no_key.body);
    assert!(
        no_key.body["detail"]
            .as_str()
            .unwrap()
            .contains("no signing key")
    );
    // Only admins manage keys; only members issue.
    let a = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/keys",
        Some(&carol),
        None,
    );
    assert_eq!(a.status, 403, "{}", a.body);
    let a = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/keys",
        Some(&bob),
        None,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let a = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/credentials",
        Some(&carol),
        Some(&award),
    );
    assert_eq!(a.status, 403, "{}", a.body);
    // Members: an assessor issues but does not manage; the last admin stays an admin.
    let set = |who: &str, role: &str| {
        server.call(
            "PUT",
            "/api/v1/organisations/ferro-academy/members",
            Some(&bob),
            Some(&json!({"email": who, "role": role})),
        )
    };
    assert_eq!(set("bob@example.org", "assessor").status, 409);
    assert_eq!(set("nobody@example.org", "assessor").status, 404);
    assert_eq!(set("carol@example.org", "owner").status, 400);
    let a = server.call(
        "PUT",
        "/api/v1/organisations/ferro-academy/members",
        Some(&carol),
        Some(&json!({"email": "carol@example.org", "role": "admin"})),
    );
    assert_eq!(
        a.status, 403,
        "a non-member cannot make itself admin: {}",
        a.body
    );
    let a = server.get("/orgs/ferro-academy/did.json");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["id"], org_did.as_str());

    // Issue two certifications, one with a proof set.
    let issued = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/credentials",
        Some(&bob),
        Some(&award),
    );
    assert_eq!(issued.status, 201, "{}", issued.body);
    let first = issued.body["credential"].clone();
    assert_eq!(first["issuer"]["id"], org_did.as_str());
    assert_eq!(first["type"][1], "OpenBadgeCredential");
    let status_url = first["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        status_url.starts_with(&format!(
            "{}/orgs/ferro-academy/credentials/status/",
            server.base
        )),
        "{status_url}"
    );
    let mut second_award = award.clone();
    second_award["suites"] = json!(["eddsa-rdfc-2022", "eddsa-jcs-2022"]);
    second_award["level"] = json!(4);
    let second = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/credentials",
        Some(&bob),
        Some(&second_award),
    );
    assert_eq!(second.status, 201, "{}", second.body);
    let second_doc = second.body["credential"].clone();
    assert_eq!(second_doc["proof"].as_array().unwrap().len(), 2);

    // An outside verifier, knowing only the files, resolves did:web and reads the status list.
    let first_file = write(&first);
    let (code, out) = verify_file(first_file.path(), &env);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("not under revocation"), "{out}");

    // The holder lists and downloads; strangers cannot.
    let list = server.call(
        "GET",
        &format!("/api/v1/workers/{worker}/credentials"),
        Some(&alice),
        None,
    );
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["issued"].as_array().unwrap().len(), 2);
    let id = first["id"].as_str().unwrap();
    let path = format!("/api/v1/credentials/{id}");
    let a = server.call("GET", &path, Some(&alice), None);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.content_type, "application/vc");
    assert_eq!(a.body, first);
    let a = server.call("GET", &path, Some(&carol), None);
    assert_eq!(a.status, 404, "a stranger: {}", a.body);
    for token in [&carol, &bob] {
        let a = server.call(
            "GET",
            &format!("/api/v1/workers/{worker}/credentials"),
            Some(token),
            None,
        );
        assert_eq!(a.status, 403, "{}", a.body);
    }
    assert_eq!(
        server
            .get(&format!("/api/v1/workers/{worker}/credentials"))
            .status,
        401
    );
    let a = server.call("GET", &path, Some(&bob), None);
    assert_eq!(
        a.status, 200,
        "the issuer's admin downloads too: {}",
        a.body
    );

    // Rotation: the organisation's new key signs from now on; old credentials still verify.
    let a = server.call(
        "POST",
        "/api/v1/organisations/ferro-academy/keys",
        Some(&bob),
        None,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["keys"].as_array().unwrap().len(), 2);
    let second_file = write(&second_doc);
    let (code, out) = verify_file(second_file.path(), &env);
    assert_eq!(code, 0, "after rotation: {out}");

    // Revocation: only the issuer's admins; then every verifier sees it.
    let reason = json!({"reason": "issued in error"});
    let revoke = format!("{path}/revoke");
    let a = server.call("POST", &revoke, Some(&carol), Some(&reason));
    assert_eq!(a.status, 404, "{}", a.body);
    let a = server.call("POST", &revoke, Some(&alice), Some(&reason));
    assert_eq!(
        a.status, 404,
        "the holder cannot revoke what an organisation issued: {}",
        a.body
    );
    let a = server.call("POST", &revoke, Some(&bob), Some(&json!({"reason": " "})));
    assert_eq!(a.status, 400, "{}", a.body);
    let a = server.call("POST", &revoke, Some(&bob), Some(&reason));
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body["revoked_at"].is_string());
    let a = server.call("POST", &revoke, Some(&bob), Some(&reason));
    assert_eq!(a.status, 409, "{}", a.body);
    let (code, out) = verify_file(first_file.path(), &env);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("revocation: set at index"), "{out}");
    let report = server.post(
        "/api/v1/credentials/verify",
        &first.to_string(),
        "application/json",
    );
    assert_eq!(report.body["outcome"], "invalid", "{}", report.body);
    assert_eq!(check(&report.body, "status")["result"], "failed");
    // The other credential on the same list is untouched.
    let (code, out) = verify_file(second_file.path(), &env);
    assert_eq!(code, 0, "{out}");
    let list = server.get(status_url.strip_prefix(&server.base).unwrap());
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["type"][1], "BitstringStatusListCredential");
    assert_eq!(list.body["issuer"], org_did.as_str());

    // Platform credentials: issued and revoked by the operator.
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = store.guild_env(
        &[
            "credential",
            "issue",
            "--worker",
            &carols.to_string(),
            "--skill",
            LATHE,
            "--level",
            "2",
            "--out",
            file.path().to_str().unwrap(),
        ],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file.path()).unwrap()).unwrap();
    assert_eq!(doc["issuer"]["id"], platform_did.as_str());
    let (code, out) = verify_file(file.path(), &env);
    assert_eq!(code, 0, "{out}");
    let pid = doc["id"].as_str().unwrap();
    let a = server.call(
        "POST",
        &format!("/api/v1/credentials/{pid}/revoke"),
        Some(&carol),
        Some(&reason),
    );
    assert_eq!(a.status, 403, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("guild credential revoke")
    );
    let out = store.guild_env(&["credential", "revoke", pid, "--reason", "test"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, out) = verify_file(file.path(), &env);
    assert_eq!(code, 1, "{out}");

    // Guild's own verification reads its own lists from the store: the same verdicts.
    let report = server.post(
        "/api/v1/credentials/verify",
        &second_doc.to_string(),
        "application/json",
    );
    assert_eq!(report.body["outcome"], "valid", "{}", report.body);
    let listed = store.guild_env(&["credential", "list", "--org", "ferro-academy"], &env);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert_eq!(listed.matches("REVOKED").count(), 1, "{listed}");

    let doc = server.get_ok("/api/openapi.json");
    for p in [
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}/credentials",
        "/api/v1/credentials/{id}/revoke",
        "/api/v1/workers/{id}/credentials/import",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing from OpenAPI");
    }
}

fn reputation_and_reviews_become_credentials(backend: Backend) {
    let store = TestStore::new(&backend);
    let (server, env) = store.serve_public();
    store.guild_env(&["credential", "keys", "new"], &env);
    let (alice, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("carol@example.org"),
    );
    let worker = new_worker(&server, &alice, "Alice");
    // Reviews arrive when contracts end; here they are written straight to the store.
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let mut review_ids = Vec::new();
    for (n, (stars, outcome)) in [
        (5, "finished"),
        (4, "finished"),
        (5, "finished"),
        (2, "ended"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = db
            .contracts()
            .record_review(
                &format!("contract-{n}"),
                guild_ids::WorkerId(worker),
                None,
                "Ferro Works",
                stars,
                "Careful, on time.",
                outcome,
                &[(LATHE.to_owned(), stars)],
            )
            .unwrap();
        review_ids.push(r.id);
    }
    assert!(
        db.contracts()
            .record_review(
                "contract-0",
                guild_ids::WorkerId(worker),
                None,
                "x",
                5,
                "again",
                "finished",
                &[]
            )
            .is_err(),
        "one review per contract"
    );
    let path = format!("/api/v1/workers/{worker}/credentials/reputation");
    assert_eq!(server.call("POST", &path, Some(&carol), None).status, 403);
    let a = server.call("POST", &path, Some(&alice), None);
    assert_eq!(a.status, 201, "{}", a.body);
    let doc = &a.body["credential"];
    let rep = &doc["credentialSubject"]["reputation"];
    assert_eq!(rep["ratingsCount"], 4);
    assert_eq!(rep["ratingMeanHundredths"], 400);
    assert_eq!(rep["ratingDistribution"]["fiveStars"], 2);
    assert_eq!(rep["completionRatePercent"], 75);
    assert_eq!(
        doc["credentialSubject"]["achievement"]["alignment"][0]["targetCode"],
        LATHE
    );
    assert!(
        doc["credentialSubject"]["achievement"]["criteria"]["id"]
            .as_str()
            .unwrap()
            .ends_with("/methodology/reputation")
    );
    assert!(
        server
            .get("/methodology/reputation")
            .body
            .as_str()
            .unwrap()
            .contains("rounded half up")
    );
    let (code, out) = verify_file(write(doc).path(), &env);
    assert_eq!(code, 0, "{out}");
    let a = server.call("POST", &format!("{path}?days=0"), Some(&alice), None);
    assert_eq!(a.status, 400, "{}", a.body);

    // A single review as an endorsement: only for the reviewed worker's owner.
    let e = format!("/api/v1/reviews/{}/credential", review_ids[0]);
    assert_eq!(server.call("POST", &e, Some(&carol), None).status, 404);
    let a = server.call("POST", &e, Some(&alice), None);
    assert_eq!(a.status, 201, "{}", a.body);
    let doc = &a.body["credential"];
    assert_eq!(doc["type"][1], "EndorsementCredential");
    assert_eq!(
        doc["credentialSubject"]["endorsementComment"],
        "Careful, on time."
    );
    let (code, out) = verify_file(write(doc).path(), &env);
    assert_eq!(code, 0, "{out}");
    let list = server.call(
        "GET",
        &format!("/api/v1/workers/{worker}/credentials"),
        Some(&alice),
        None,
    );
    let kinds: Vec<&str> = list.body["issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["endorsement", "reputation"]);
}

fn credentials_from_elsewhere_become_evidence(backend: Backend) {
    // Another platform (a Guild without a public URL: a did:key issuer) certified Alice.
    let elsewhere = TestStore::new(&backend);
    elsewhere.guild_ok(&["credential", "keys", "new"]);
    let body = json!({"name": "Alice", "skills": [], "hours_per_week": 10,
        "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]});
    let added = elsewhere.guild_with_input(&["worker", "add", "-"], &body.to_string());
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    elsewhere.guild_ok(&[
        "credential",
        "issue",
        "--worker",
        "1",
        "--skill",
        LATHE,
        "--level",
        "4",
        "--out",
        file.path().to_str().unwrap(),
    ]);
    let badge = std::fs::read_to_string(file.path()).unwrap();

    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("carol@example.org"),
    );
    let worker = new_worker(&server, &alice, "Alice");
    let path = format!("/api/v1/workers/{worker}/credentials/import");
    let a = server.call_raw("POST", &path, Some(&carol), &badge, "application/json");
    assert_eq!(a.status, 403, "{}", a.body);
    let a = server.call_raw("POST", &path, None, &badge, "application/json");
    assert_eq!(a.status, 401, "{}", a.body);
    // Tampered: refused with the failed check named, nothing stored.
    let tampered = badge.replace("\"value\": \"4\"", "\"value\": \"5\"");
    assert_ne!(tampered, badge);
    let a = server.call_raw("POST", &path, Some(&alice), &tampered, "application/json");
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body["detail"].as_str().unwrap().contains("proof 1"),
        "{}",
        a.body
    );
    let a = server.call_raw(
        "POST",
        &path,
        Some(&alice),
        "{\"nope\": ",
        "application/json",
    );
    assert_eq!(a.status, 422, "{}", a.body);
    // Valid: the skill becomes credential evidence at the credential's level, marked with
    // the issuer.
    let a = server.call_raw("POST", &path, Some(&alice), &badge, "application/json");
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["report"]["outcome"], "valid");
    let import = &a.body["import"];
    assert!(
        import["issuer"]
            .as_str()
            .unwrap()
            .starts_with("did:key:z6Mk")
    );
    assert_eq!(import["issuer_name"], "Guild");
    assert_eq!(
        import["skills"],
        json!([{"skill": LATHE, "label": import["skills"][0]["label"], "level": 4}])
    );
    let w = server.call(
        "GET",
        &format!("/api/v1/workers/{worker}"),
        Some(&alice),
        None,
    );
    let lathe = w.body["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == LATHE)
        .unwrap_or_else(|| panic!("{}", w.body))
        .clone();
    assert_eq!(
        (lathe["proficiency"].as_i64(), lathe["evidence"].as_str()),
        (Some(4), Some("credential"))
    );
    let a = server.call_raw("POST", &path, Some(&alice), &badge, "application/json");
    assert_eq!(a.status, 409, "the same credential twice: {}", a.body);
    let import_id = import["id"].as_i64().unwrap();
    let one = format!("/api/v1/workers/{worker}/credentials/imported/{import_id}");
    assert_eq!(server.call("GET", &one, Some(&carol), None).status, 403);
    let a = server.call("GET", &one, Some(&alice), None);
    assert_eq!(a.status, 200);
    assert_eq!(a.body, serde_json::from_str::<Value>(&badge).unwrap());
    // Removing it: the skill stays claimed, but nobody vouches for it any more.
    assert_eq!(server.call("DELETE", &one, Some(&carol), None).status, 403);
    assert_eq!(server.call("DELETE", &one, Some(&alice), None).status, 204);
    assert_eq!(server.call("DELETE", &one, Some(&alice), None).status, 404);
    let w = server.call(
        "GET",
        &format!("/api/v1/workers/{worker}"),
        Some(&alice),
        None,
    );
    let lathe = w.body["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == LATHE)
        .unwrap()
        .clone();
    assert_eq!(lathe["evidence"], "self_declared");
}
