//! Request rate limits, on both backends, with limits small enough to reach in a few requests:
//! over a limit the answer is 429 problem+json with Retry-After; addresses, accounts and
//! sign-in are counted apart; X-Forwarded-For counts only from a trusted proxy; an exhausted
//! allowance comes back. Rates per hour make the refusals independent of how fast the machine
//! is; only the recovery test uses a rate per second, and waits as long as Retry-After says.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(
    anonymous_requests_over_the_limit_get_429_and_spoofing_does_not_help,
    behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit,
    each_account_has_its_own_limit,
    sign_in_attempts_are_limited_per_address,
    an_exhausted_limit_recovers
);

/// An answer with the headers these tests look at.
struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<u64>,
    nosniff: bool,
    body: Value,
}

fn call(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Answer {
    let mut request = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
        .request(method, &format!("{}{path}", server.base));
    for (k, v) in headers {
        request = request.set(k, v);
    }
    let result = match body {
        Some(b) => request
            .set("content-type", "application/json")
            .send_string(&b.to_string()),
        None => request.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").unwrap_or("").to_owned();
    let retry_after = response
        .header("retry-after")
        .map(|v| v.parse().expect("Retry-After is whole seconds"));
    let nosniff = response.header("x-content-type-options") == Some("nosniff");
    let text = response.into_string().unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        content_type,
        retry_after,
        nosniff,
        body,
    }
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Answer {
    call(server, "GET", path, headers, None)
}

/// Asserts a 429 problem document with a Retry-After of at least a second; returns its detail.
fn assert_too_many(a: &Answer) -> String {
    assert_eq!(a.status, 429, "{}", a.body);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.body["type"], "urn:guild:problem:too-many-requests");
    assert_eq!(a.body["status"], 429);
    assert!(a.retry_after.is_some_and(|s| s >= 1), "no Retry-After");
    // The security headers are on refusals too.
    assert!(a.nosniff);
    a.body["detail"].as_str().unwrap().to_owned()
}

/// A server with the suite's limits except for `limits` (GUILD_RATE_* and the like).
fn serve_with_limits(store: &TestStore, limits: &[(&str, &str)]) -> Server {
    let env: Vec<(String, String)> = limits
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    store.serve_with("127.0.0.1:0", &env)
}

fn anonymous_requests_over_the_limit_get_429_and_spoofing_does_not_help(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = serve_with_limits(&store, &[("GUILD_RATE_ANONYMOUS", "1/h:3")]);
    for _ in 0..3 {
        assert_eq!(get(&server, "/health", &[]).status, 200);
    }
    let refused = get(&server, "/api/v1/skills?q=welding", &[]);
    let detail = assert_too_many(&refused);
    assert!(detail.contains("from this address"), "{detail}");
    assert!(detail.contains("1/h:3"), "{detail}");
    // An hour's allowance of one: the next request is about an hour away.
    assert!(refused.retry_after.unwrap() > 60, "{:?}", refused.retry_after);
    // Claiming to be someone else does not help: the peer is not a trusted proxy.
    for forged in ["198.51.100.7", "198.51.100.8, 203.0.113.9"] {
        assert_too_many(&get(
            &server,
            "/health",
            &[("x-forwarded-for", forged)],
        ));
    }
    // Nor does inventing a token: unknown credentials count against the address.
    let invented = get(
        &server,
        "/api/v1/me",
        &[("authorization", "Bearer invented-token-123")],
    );
    let detail = assert_too_many(&invented);
    assert!(detail.contains("unknown credentials"), "{detail}");
}

fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = serve_with_limits(
        &store,
        &[
            ("GUILD_RATE_ANONYMOUS", "1/h:2"),
            ("GUILD_TRUSTED_PROXIES", "10.9.9.9,127.0.0.1"),
        ],
    );
    let from = |client: &str| get(&server, "/health", &[("x-forwarded-for", client)]);
    assert_eq!(from("198.51.100.1").status, 200);
    assert_eq!(from("198.51.100.1").status, 200);
    assert_too_many(&from("198.51.100.1"));
    // Another client behind the same proxy is unaffected.
    assert_eq!(from("198.51.100.2").status, 200);
    // The client cannot forge its way out: left of its own address, entries are not believed.
    assert_too_many(&from("203.0.113.50, 198.51.100.1"));
    // IPv6 clients are counted by their /64: a new interface id is the same client.
    assert_eq!(from("2001:db8:0:1::1").status, 200);
    assert_eq!(from("2001:db8:0:1::2").status, 200);
    assert_too_many(&from("2001:db8:0:1::3"));
    assert_eq!(from("2001:db8:0:2::1").status, 200);
    // The proxy's own requests (no header) are its own address's.
    assert_eq!(get(&server, "/health", &[]).status, 200);
}

fn each_account_has_its_own_limit(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = serve_with_limits(&store, &[("GUILD_RATE_ACCOUNT", "1/h:4")]);
    // Signing up and taking a token go by the sign-in limit, not the account's.
    let alice = server.sign_up("alice@example.org");
    let bob = server.sign_up("bob@example.org");
    let as_alice = format!("Bearer {alice}");
    let as_bob = format!("Bearer {bob}");
    for _ in 0..4 {
        let a = get(&server, "/api/v1/me", &[("authorization", &as_alice)]);
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let detail = assert_too_many(&get(
        &server,
        "/api/v1/me",
        &[("authorization", &as_alice)],
    ));
    assert!(detail.contains("with these credentials"), "{detail}");
    // Writes are counted too, and refused before they happen.
    let refused = call(
        &server,
        "POST",
        "/api/v1/workers",
        &[("authorization", &as_alice)],
        Some(&json!({"name": "Alice", "skills": [], "hours_per_week": 10})),
    );
    assert_too_many(&refused);
    // Bob, on the same address, and anonymous readers are unaffected.
    assert_eq!(
        get(&server, "/api/v1/me", &[("authorization", &as_bob)]).status,
        200
    );
    assert_eq!(get(&server, "/health", &[]).status, 200);
    // Alice wrote nothing while refused.
    let workers = get(&server, "/api/v1/workers", &[("authorization", &as_bob)]);
    assert_eq!(workers.status, 200, "{}", workers.body);
    assert!(
        !workers.body.to_string().contains("Alice"),
        "{}",
        workers.body
    );
}

fn sign_in_attempts_are_limited_per_address(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = serve_with_limits(&store, &[("GUILD_RATE_SIGN_IN", "1/h:3")]);
    let sign_up = call(
        &server,
        "POST",
        "/api/v1/accounts",
        &[],
        Some(&json!({"email": "carol@example.org", "display_name": "Carol",
                     "password": "a long enough password"})),
    );
    assert_eq!(sign_up.status, 201, "{}", sign_up.body);
    let token_with = |password: &str| {
        call(
            &server,
            "POST",
            "/api/v1/tokens",
            &[],
            Some(&json!({"email": "carol@example.org", "password": password})),
        )
    };
    let first = token_with("a long enough password");
    assert_eq!(first.status, 201, "{}", first.body);
    let token = format!("Bearer {}", first.body["token"].as_str().unwrap());
    assert_eq!(token_with("guess one").status, 401);
    // Sign-up, a token and a wrong guess used the allowance of three: the next attempt from
    // this address is refused, right password or not, before it is checked; so is a browser
    // sign-in.
    let detail = assert_too_many(&token_with("a long enough password"));
    assert!(detail.contains("sign up or sign in"), "{detail}");
    assert_too_many(&call(
        &server,
        "POST",
        "/api/v1/sessions",
        &[],
        Some(&json!({"email": "carol@example.org", "password": "a long enough password"})),
    ));
    // Reading and the token already held go on.
    assert_eq!(get(&server, "/health", &[]).status, 200);
    assert_eq!(
        get(&server, "/api/v1/me", &[("authorization", &token)]).status,
        200
    );
}

fn an_exhausted_limit_recovers(backend: Backend) {
    let store = TestStore::new(&backend);
    // Two a second: exhausted within a few requests however slow the machine, back in a second.
    let server = serve_with_limits(&store, &[("GUILD_RATE_ANONYMOUS", "2/s:2")]);
    let refused = (0..100)
        .map(|_| get(&server, "/health", &[]))
        .find(|a| a.status == 429)
        .expect("a hundred requests at once never met the limit of two a second");
    assert_too_many(&refused);
    std::thread::sleep(Duration::from_secs(refused.retry_after.unwrap()));
    let again = get(&server, "/health", &[]);
    assert_eq!(again.status, 200, "{}", again.body);
}
