//! Hardening, on both backends. Rate limits, small enough to reach in a few requests: over a
//! limit the answer is 429 problem+json with Retry-After; addresses, accounts and sign-in are
//! counted apart; X-Forwarded-For counts only from a trusted proxy; an exhausted allowance comes
//! back. Rates per hour make the refusals independent of how fast the machine is; only the
//! recovery test uses a rate per second, and waits as long as Retry-After says. Then the body
//! size limit, the request timeout and the security headers.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(
    anonymous_requests_over_the_limit_get_429_and_spoofing_does_not_help,
    behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit,
    each_account_has_its_own_limit,
    sign_in_attempts_are_limited_per_address,
    an_exhausted_limit_recovers,
    oversized_bodies_of_every_kind_are_refused_as_problem_json,
    a_request_whose_body_never_comes_is_answered_408,
    every_answer_has_the_security_headers_and_https_adds_hsts
);

/// An answer with its headers (names in lower case).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: Value,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub(crate) fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    pub(crate) fn retry_after(&self) -> Option<u64> {
        self.header("retry-after")
            .map(|v| v.parse().expect("Retry-After is whole seconds"))
    }
}

pub(crate) fn send(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &str)>,
) -> Answer {
    let mut request = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
        .request(method, &format!("{}{path}", server.base));
    for (k, v) in headers {
        request = request.set(k, v);
    }
    let result = match body {
        Some((content_type, b)) => request.set("content-type", content_type).send_string(b),
        None => request.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| {
            let v = response.header(&n)?.to_owned();
            Some((n.to_lowercase(), v))
        })
        .collect();
    let text = response.into_string().unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) fn call(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Answer {
    let body = body.map(Value::to_string);
    send(
        server,
        method,
        path,
        headers,
        body.as_deref().map(|b| ("application/json", b)),
    )
}

pub(crate) fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Answer {
    call(server, "GET", path, headers, None)
}

/// Asserts a 429 problem document with a Retry-After of at least a second; returns its detail.
pub(crate) fn assert_too_many(a: &Answer) -> String {
    assert_eq!(a.status, 429, "{}", a.body);
    assert_eq!(a.content_type(), "application/problem+json");
    assert_eq!(a.body["type"], "urn:guild:problem:too-many-requests");
    assert_eq!(a.body["status"], 429);
    assert!(a.retry_after().is_some_and(|s| s >= 1), "no Retry-After");
    // The security headers are on refusals too.
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    a.body["detail"].as_str().unwrap().to_owned()
}

/// A server with the suite's limits except for `limits` (GUILD_RATE_* and the like).
pub(crate) fn serve_with_limits(store: &TestStore, limits: &[(&str, &str)]) -> Server {
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
    assert!(
        refused.retry_after().unwrap() > 60,
        "{:?}",
        refused.retry_after()
    );
    // Claiming to be someone else does not help: the peer is not a trusted proxy.
    for forged in ["198.51.100.7", "198.51.100.8, 203.0.113.9"] {
        assert_too_many(&get(&server, "/health", &[("x-forwarded-for", forged)]));
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
    let detail = assert_too_many(&get(&server, "/api/v1/me", &[("authorization", &as_alice)]));
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
        Some(
            &json!({"email": "carol@example.org", "display_name": "Carol",
                     "password": "a long enough password"}),
        ),
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
    std::thread::sleep(Duration::from_secs(refused.retry_after().unwrap()));
    let again = get(&server, "/health", &[]);
    assert_eq!(again.status, 200, "{}", again.body);
}

/// An answer read off the wire: status, headers (names in lower case), body.
pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: Value,
}

/// Sends `request` as it is and reads one answer. A server that refuses a body stops reading
/// it and closes the connection, which the writer sees as a broken pipe: not a failure, the
/// answer is there to read all the same.
pub(crate) fn exchange(server: &Server, request: &[u8]) -> Raw {
    let addr = server.base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    // Only a safety net for a broken server; no answer here takes more than a second.
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(raw) = parse_answer(&bytes) {
            return raw;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
    panic!(
        "no whole answer: {:?}",
        String::from_utf8_lossy(&bytes)
            .chars()
            .take(500)
            .collect::<String>()
    );
}

/// A whole HTTP/1.1 answer with a Content-Length, once all of it has come.
fn parse_answer(bytes: &[u8]) -> Option<Raw> {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length")?.parse().ok()?;
    (body.len() >= length).then(|| Raw {
        status,
        body: serde_json::from_str(&body[..length]).unwrap_or(Value::String(body.to_owned())),
        headers,
    })
}

pub(crate) fn post_raw(path: &str, content_type: &str, declared: usize, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: guild\r\nContent-Type: {content_type}\r\n\
         Content-Length: {declared}\r\n\r\n"
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn oversized_bodies_of_every_kind_are_refused_as_problem_json(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let big = "x".repeat(2 << 20);
    let form = format!("email=a%40example.org&password={big}");
    for (path, content_type, body) in [
        // JSON, a web form, and raw bytes go through three different extractors.
        (
            "/api/v1/skills/extract",
            "application/json",
            json!({"text": big}).to_string(),
        ),
        ("/signin", "application/x-www-form-urlencoded", form),
        (
            "/api/v1/credentials/verify",
            "application/json",
            big.clone(),
        ),
    ] {
        let request = post_raw(path, content_type, body.len(), body.as_bytes());
        let a = exchange(&server, &request);
        assert_eq!(a.status, 413, "{path}: {}", a.body);
        assert_eq!(
            a.headers["content-type"], "application/problem+json",
            "{path}"
        );
        assert_eq!(a.body["type"], "urn:guild:problem:payload-too-large");
        let detail = a.body["detail"].as_str().unwrap();
        assert!(detail.contains("1048576 bytes"), "{path}: {detail}");
    }
    // Just under the limit is read (padded with whitespace, which JSON allows).
    let under = format!("{{\"text\": \"welding\"{}}}", " ".repeat(1_000_000));
    let a = send(
        &server,
        "POST",
        "/api/v1/skills/extract",
        &[],
        Some(("application/json", &under)),
    );
    assert_eq!(a.status, 200, "{}", a.body);
}

fn a_request_whose_body_never_comes_is_answered_408(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = serve_with_limits(&store, &[("GUILD_REQUEST_TIMEOUT_SECS", "1")]);
    // A slow client: it promises a body of 100 bytes and sends one.
    let request = post_raw("/api/v1/skills/extract", "application/json", 100, b"{");
    let a = exchange(&server, &request);
    assert_eq!(a.status, 408, "{}", a.body);
    assert_eq!(a.headers["content-type"], "application/problem+json");
    assert_eq!(a.body["type"], "urn:guild:problem:timeout");
    // The server is still there for others.
    assert_eq!(get(&server, "/health", &[]).status, 200);
}

fn every_answer_has_the_security_headers_and_https_adds_hsts(backend: Backend) {
    let store = TestStore::new(&backend);
    let plain = store.serve();
    let https = serve_with_limits(&store, &[("GUILD_PUBLIC_URL", "https://guild.example")]);
    for (server, hsts) in [(&plain, None), (&https, Some("max-age=31536000"))] {
        for (method, path) in [
            ("GET", "/health"),
            ("GET", "/"),
            ("GET", "/api/v1/nothing-here"),
            ("GET", "/api/v1/me"),
            ("DELETE", "/health"),
        ] {
            let a = call(server, method, path, &[], None);
            assert_eq!(
                a.header("x-content-type-options"),
                Some("nosniff"),
                "{path}"
            );
            assert_eq!(a.header("x-frame-options"), Some("DENY"), "{path}");
            assert_eq!(a.header("referrer-policy"), Some("same-origin"), "{path}");
            let csp = a.header("content-security-policy").unwrap_or("");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert_eq!(a.header("strict-transport-security"), hsts, "{path}");
        }
    }
}
