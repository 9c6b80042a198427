//! The authorisation matrix, from the OpenAPI document itself: every operation that declares
//! bearer security answers 401 to an anonymous caller and to a forged token, and 401 or 403 to
//! a stolen-looking session cookie without its CSRF token; every operation that does not is on
//! the short list of public ones. A real token scoped to one area, read-only, is refused (403)
//! everywhere else. And a stranger, signed in, calling every operation on another account's
//! things (profile, task, project, proposal, contract, message, attachment, webhook, token,
//! organisation) reads nothing and changes nothing, but for the few things that are meant to be
//! seen by others. A new endpoint that forgets its check fails here.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

/// Operations open to anyone: reading the taxonomy and public documents, analysing text,
/// signing up and in, verifying credentials.
const PUBLIC: &[&str] = &[
    "GET /health",
    "GET /api/v1/skills",
    "GET /api/v1/skills/{id}",
    "GET /api/v1/occupations",
    "GET /api/v1/occupations/{id}",
    "GET /api/v1/taxonomy/stats",
    "POST /api/v1/skills/extract",
    "POST /api/v1/titles/normalize",
    "POST /api/v1/deconstruct",
    "POST /api/v1/profiles/extract",
    "POST /api/v1/accounts",
    "POST /api/v1/tokens",
    "POST /api/v1/sessions",
    "GET /api/v1/occupations/{id}/transitions",
    "POST /api/v1/credentials/verify",
    "GET /api/v1/organisations/{slug}",
    "GET /api/v1/tests",
    "GET /api/v1/learning-resources",
    "GET /api/v1/learning-resources/{id}",
    "GET /api/v1/trainers",
    "GET /api/v1/pay-floors",
];

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                match seg {
                    "{slug}" => "ferro",
                    "{action}" => "accept",
                    "{decision}" => "accept",
                    "{skill}" | "{*skill}" => "guild:skill/g-code",
                    _ => "1",
                }
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

crate::on_both_backends!(
    every_protected_operation_refuses_strangers,
    no_operation_reaches_another_accounts_things
);

fn every_protected_operation_refuses_strangers(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let doc = server.get_ok("/api/openapi.json");
    server.sign_up("scoped@example.org");
    let scoped = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&serde_json::json!({"email": "scoped@example.org",
            "password": "a long enough password", "scopes": ["webhooks:read"]})),
    );
    assert_eq!(scoped.status, 201, "{}", scoped.body);
    let scoped = scoped.body["token"].as_str().unwrap().to_owned();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            let name = format!("{method} {path}");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if !secured {
                assert!(
                    PUBLIC.contains(&name.as_str()),
                    "{name} declares no security and is not on the public list"
                );
                continue;
            }
            let url = concrete(path);
            let body = Value::Object(Default::default());
            let anonymous = server.call(&method, &url, None, Some(&body));
            assert_eq!(
                anonymous.status, 401,
                "{name} answered {} to an anonymous caller: {}",
                anonymous.status, anonymous.body
            );
            assert_eq!(anonymous.content_type, "application/problem+json", "{name}");
            let forged = server.call(&method, &url, Some("gld_0000"), Some(&body));
            assert_eq!(
                forged.status, 401,
                "{name} answered {} to a forged token",
                forged.status
            );
            let cookie = server.call_with_headers(
                &method,
                &url,
                None,
                &[("cookie", "guild_session=gld_0000")],
                Some(&body),
            );
            assert_eq!(
                cookie.status, 401,
                "{name} answered {} to a forged session",
                cookie.status
            );
            let in_scope = (method == "GET" && path.starts_with("/api/v1/webhooks"))
                || name == "GET /api/v1/me";
            if !in_scope {
                let narrow = server.call(&method, &url, Some(&scoped), Some(&body));
                assert_eq!(
                    narrow.status, 403,
                    "{name} answered {} to a token scoped to webhooks:read: {}",
                    narrow.status, narrow.body
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} protected operations found");
}

/// What a signed-in stranger may do with another account's things, and why.
const SEEN_BY_OTHERS: &[&str] = &[
    // Worker profiles are what clients search and match: readable by any account.
    "GET /api/v1/workers/{id}",
    // An open task is published to every worker.
    "GET /api/v1/tasks/{id}",
    // Workers check a client's reputation before accepting its contract.
    "GET /api/v1/accounts/{id}/client-reputation",
    // A worker's credentials are portable and shown to whoever looks at the profile.
    "GET /api/v1/workers/{id}/credentials",
    "GET /api/v1/workers/{id}/credentials/reputation",
    // Offers to teach are found by learners.
    "GET /api/v1/workers/{id}/teaching",
    // Any worker applies to an open task: that is what publishing it is for.
    "POST /api/v1/tasks/{id}/proposals",
];

/// Bodies that would succeed for the owner, so that a refusal is the ownership check and not
/// a malformed body.
fn body_for(name: &str, skill: &str) -> Value {
    let task = json!({"title": "Mill a bracket", "required": [{"skill": skill}], "hours": 4});
    match name {
        "PUT /api/v1/workers/{id}" => {
            json!({"name": "Taken over", "skills": [], "hours_per_week": 30,
            "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})
        }
        "PUT /api/v1/tasks/{id}" | "POST /api/v1/projects/{id}/tasks" => task,
        "PUT /api/v1/projects/{id}" => json!({"title": "Taken over", "problem": "Mine now"}),
        "POST /api/v1/projects/{id}/publish" => json!({"audience": "open"}),
        "POST /api/v1/tasks/{id}/invitations" => json!({"worker": 2}),
        "POST /api/v1/workers/{id}/contests" => json!({"skill": skill, "reason": "mine now"}),
        "PUT /api/v1/workers/{id}/declaration" => json!({"consent": true, "sex": "female"}),
        "POST /api/v1/contracts/{id}/messages" | "POST /api/v1/proposals/{id}/messages" => {
            json!({"body": "hello"})
        }
        "POST /api/v1/contracts/{id}/weeks" => json!({"week_start": "2026-11-23"}),
        "PUT /api/v1/workers/{id}/teaching/{skill}" => json!({"note": "I teach this"}),
        "POST /api/v1/contracts/{id}/review" => json!({"rating": 1, "body": "bad"}),
        "POST /api/v1/contracts/{id}/client-review" => json!({"rating": 1, "body": "bad"}),
        "PUT /api/v1/contracts/{id}/milestones/{n}/timesheet" => json!({"entries": []}),
        "POST /api/v1/attempts/{id}/answers" => json!({"answers": []}),
        "POST /api/v1/attempts/{id}/assessment" => json!({"marks": []}),
        "POST /api/v1/credentials/{id}/revoke" => json!({"reason": "mine now"}),
        "POST /api/v1/organisations/{slug}/credentials" => {
            json!({"worker": 3, "skill": skill, "level": 5})
        }
        "PUT /api/v1/organisations/{slug}/members" => {
            json!({"email": "mallory@example.org", "role": "admin"})
        }
        "POST /api/v1/organisations/{slug}/tests" => json!({"skill": skill, "level": 3,
            "title": "Easy pass", "questions_per_attempt": 1, "pass_percent": 1,
            "time_limit_minutes": 10, "cooldown_hours": 0,
            "questions": [{"kind": "exact", "prompt": "1+1?", "answers": ["2"]}]}),
        "POST /api/v1/tests/{id}/attempts" => json!({"worker": 3}),
        "POST /api/v1/batches/{id}/items" => json!([{"data": {"photo": "x.jpg"}}]),
        "POST /api/v1/batches/{id}/items/{item}/answer" => json!({"pallet": "yes"}),
        "POST /api/v1/organisations/{slug}/contests/{id}/decision" => {
            json!({"outcome": "upheld", "answer": "mine now"})
        }
        _ => json!({}),
    }
}

fn no_operation_reaches_another_accounts_things(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    // Alice and Bob own the first of everything (so every `{id}` 1 is theirs); Mallory is a
    // stranger with her own profile.
    let alice = server.sign_up("alice@example.org");
    let bob = server.sign_up("bob@example.org");
    let profile = |name: &str| {
        json!({"name": name, "skills": [], "hours_per_week": 30, "utc_offset_minutes": 0,
            "work_mode": "remote", "languages": ["en"]})
    };
    let post = |token: &str, path: &str, body: Value| {
        let a = server.call("POST", path, Some(token), Some(&body));
        assert!(a.status < 300, "{path}: {}", a.body);
        a.body
    };
    let alice_worker = post(&alice, "/api/v1/workers", profile("Alice"));
    assert_eq!(alice_worker["id"], 1);
    let bob_worker = post(&bob, "/api/v1/workers", profile("Bob"));
    let skill = server.get_ok("/api/v1/skills?limit=1")["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let task = post(
        &alice,
        "/api/v1/tasks",
        json!({"title": "Turn shafts", "required": [{"skill": skill}], "hours": 8}),
    );
    assert_eq!(task["id"], 1);
    post(
        &alice,
        "/api/v1/projects",
        json!({"title": "Stock", "problem": "Count the stock in the warehouse and correct the inventory records."}),
    );
    let proposal = post(
        &bob,
        "/api/v1/tasks/1/proposals",
        json!({"worker": bob_worker["id"], "cover": "I can", "amount": "100.00", "currency": "EUR"}),
    );
    assert_eq!(proposal["id"], 1);
    let contract = post(
        &alice,
        "/api/v1/contracts",
        json!({"worker": bob_worker["id"], "title": "Shafts", "currency": "EUR",
            "milestones": [{"title": "All", "amount": "100.00"}]}),
    );
    assert_eq!(contract["id"], 1);
    post(&bob, "/api/v1/contracts/1/accept", json!({}));
    post(
        &bob,
        "/api/v1/contracts/1/messages",
        json!({"body": "Notes", "attachments": [{"filename": "n.txt", "content_base64": "bm90ZXM="}]}),
    );
    post(
        &alice,
        "/api/v1/webhooks",
        json!({"url": "https://hooks.example.org/guild"}),
    );
    post(
        &alice,
        "/api/v1/organisations",
        json!({"slug": "ferro", "name": "Ferro", "url": "https://ferro.example"}),
    );
    let batch = post(
        &alice,
        "/api/v1/batches",
        json!({"title": "Pallets", "allowance_secs": 30, "price": "0.12", "currency": "EUR",
            "template": {"instructions": "A pallet?", "fields": [
                {"kind": "choice", "name": "pallet", "label": "A pallet?", "options": ["yes", "no"]}]}}),
    );
    assert_eq!(batch["id"], 1);
    post(
        &alice,
        "/api/v1/batches/1/items",
        json!([{"data": {"photo": "a.jpg"}}]),
    );
    let balances = || {
        store.guild_ok(&["ledger", "balances", "1"]) + &store.guild_ok(&["ledger", "balances", "2"])
    };
    let before = balances();

    let mallory = server.sign_up("mallory@example.org");
    post(&mallory, "/api/v1/workers", profile("Mallory"));
    let doc = server.get_ok("/api/openapi.json");
    let mut checked = 0;
    let mut reached = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            let name = format!("{method} {path}");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if !secured || SEEN_BY_OTHERS.contains(&name.as_str()) {
                continue;
            }
            let url = concrete(path);
            let a = server.call(
                &method,
                &url,
                Some(&mallory),
                Some(&body_for(&name, &skill)),
            );
            if !matches!(a.status, 403 | 404) {
                reached.push(format!("{name} ({url}): {} {}", a.status, a.body));
            }
            checked += 1;
        }
    }
    assert!(
        reached.is_empty(),
        "answered a stranger with neither 403 nor 404:\n{}",
        reached.join("\n")
    );
    assert!(checked > 40, "only {checked} operations checked");
    // Nothing of Alice's or Bob's changed.
    assert_eq!(balances(), before);
    let mine = server.get_ok_as("/api/v1/workers/1", &alice);
    assert_eq!(mine["name"], "Alice");
    let t = server.get_ok_as("/api/v1/tasks/1", &alice);
    assert_eq!(t["title"], "Turn shafts");
    let p = server.get_ok_as("/api/v1/projects/1", &alice);
    assert_eq!(p["title"], "Stock");
    assert_eq!(p["status"], "draft");
    let c = server.get_ok_as("/api/v1/contracts/1", &alice);
    assert_eq!(c["status"], "active");
    assert_eq!(
        server
            .get_ok_as("/api/v1/contracts/1/messages", &alice)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server.get_ok_as("/api/v1/tokens", &alice)[0]["revoked_at"],
        Value::Null
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/webhooks", Some(&alice), None)
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
