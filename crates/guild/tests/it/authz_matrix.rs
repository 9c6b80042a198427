//! The authorisation matrix, from the OpenAPI document itself: every operation that declares
//! bearer security answers 401 to an anonymous caller and to a forged token, and 401 or 403 to
//! a stolen-looking session cookie without its CSRF token; every operation that does not is on
//! the short list of public ones. A real token scoped to one area, read-only, is refused (403)
//! everywhere else. A new endpoint that forgets its check fails here.

use serde_json::Value;

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

crate::on_both_backends!(every_protected_operation_refuses_strangers);

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
