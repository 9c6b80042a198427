//! The outside probe's findings, as regression tests, on both backends: scopes decided by the
//! route and never by names in the path, path parameters that do not parse answered as
//! problem+json, a stranger unable to lock anyone out by guessing, sign-in forms refused from
//! other sites, the Bearer scheme in any case, a huge declared body refused at once, and
//! control characters refused in titles and names.

use serde_json::{Value, json};

use crate::hardening::{Answer, assert_too_many, call, exchange, send, serve_with_limits};
use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(
    scopes_follow_the_route_never_names_in_the_path,
    path_parameters_that_do_not_parse_are_problem_json,
    a_stranger_cannot_lock_anyone_out,
    sign_in_forms_from_other_sites_are_refused,
    the_bearer_scheme_is_case_insensitive,
    a_huge_declared_body_is_refused_at_once,
    requests_the_http_parser_refuses_are_problem_json,
    control_characters_are_refused_in_titles_and_names
);

/// The area each path of the API belongs to, written out by hand: the oracle the server's
/// route-based decision is checked against. A path missing here fails the test.
const AREAS: &[(&str, &str)] = &[
    ("/api/v1/accounts/{id}/client-reputation", "contracts"),
    ("/api/v1/admin/accounts/{id}/suspension", "account"),
    ("/api/v1/admin/appeals", "account"),
    ("/api/v1/admin/contests", "account"),
    ("/api/v1/batches", "work"),
    ("/api/v1/batches/{id}", "work"),
    ("/api/v1/batches/{id}/close", "work"),
    ("/api/v1/batches/{id}/items", "work"),
    ("/api/v1/batches/{id}/items/{item}/answer", "work"),
    ("/api/v1/batches/{id}/me", "work"),
    ("/api/v1/batches/{id}/next", "work"),
    ("/api/v1/batches/{id}/open", "work"),
    ("/api/v1/batches/{id}/results", "work"),
    ("/api/v1/pay-floors", "work"),
    ("/api/v1/admin/contests/{id}/decision", "account"),
    ("/api/v1/admin/contracts/{id}/resolve", "account"),
    ("/api/v1/assignments", "work"),
    ("/api/v1/attempts/{id}", "tests"),
    ("/api/v1/attempts/{id}/answers", "tests"),
    ("/api/v1/attempts/{id}/assessment", "tests"),
    ("/api/v1/contracts", "contracts"),
    ("/api/v1/contracts/{id}", "contracts"),
    (
        "/api/v1/contracts/{id}/attachments/{attachment}",
        "contracts",
    ),
    ("/api/v1/contracts/{id}/client-review", "contracts"),
    ("/api/v1/contracts/{id}/messages", "contracts"),
    (
        "/api/v1/contracts/{id}/milestones/{n}/timesheet",
        "contracts",
    ),
    (
        "/api/v1/contracts/{id}/milestones/{n}/{action}",
        "contracts",
    ),
    ("/api/v1/contracts/{id}/review", "contracts"),
    ("/api/v1/contracts/{id}/weeks", "contracts"),
    ("/api/v1/contracts/{id}/{action}", "contracts"),
    ("/api/v1/credentials/{id}", "credentials"),
    ("/api/v1/credentials/{id}/revoke", "credentials"),
    ("/api/v1/learning-paths", "profile"),
    ("/api/v1/learning-resources", "profile"),
    ("/api/v1/learning-resources/{id}", "profile"),
    ("/api/v1/me", "account"),
    ("/api/v1/me/appeal", "account"),
    ("/api/v1/me/export", "account"),
    ("/api/v1/notifications", "contracts"),
    ("/api/v1/notifications/read", "contracts"),
    ("/api/v1/organisations", "credentials"),
    ("/api/v1/organisations/{slug}", "credentials"),
    ("/api/v1/organisations/{slug}/contests", "credentials"),
    (
        "/api/v1/organisations/{slug}/contests/{id}/decision",
        "credentials",
    ),
    ("/api/v1/organisations/{slug}/credentials", "credentials"),
    ("/api/v1/organisations/{slug}/keys", "credentials"),
    ("/api/v1/organisations/{slug}/members", "credentials"),
    ("/api/v1/organisations/{slug}/tests", "tests"),
    ("/api/v1/projects", "work"),
    ("/api/v1/projects/{id}", "work"),
    ("/api/v1/projects/{id}/close", "work"),
    ("/api/v1/projects/{id}/publish", "work"),
    ("/api/v1/projects/{id}/tasks", "work"),
    ("/api/v1/proposals", "work"),
    ("/api/v1/proposals/{id}/messages", "work"),
    ("/api/v1/proposals/{id}/{decision}", "work"),
    ("/api/v1/reviews/{id}/credential", "contracts"),
    ("/api/v1/sessions/current", "account"),
    ("/api/v1/tasks", "work"),
    ("/api/v1/tasks/{id}", "work"),
    ("/api/v1/tasks/{id}/invitations", "work"),
    ("/api/v1/tasks/{id}/decisions", "work"),
    ("/api/v1/tasks/{id}/matches", "work"),
    ("/api/v1/tasks/{id}/matches/{worker}", "work"),
    ("/api/v1/tasks/{id}/proposals", "work"),
    ("/api/v1/teams", "work"),
    ("/api/v1/tests/{id}/attempts", "tests"),
    ("/api/v1/tokens", "account"),
    ("/api/v1/tokens/{id}", "account"),
    ("/api/v1/trainers", "profile"),
    ("/api/v1/wallet", "money"),
    ("/api/v1/wallet/deposits", "money"),
    ("/api/v1/wallet/payouts", "money"),
    ("/api/v1/webhooks", "webhooks"),
    ("/api/v1/webhooks/{id}", "webhooks"),
    ("/api/v1/webhooks/{id}/deliveries", "webhooks"),
    ("/api/v1/workers", "profile"),
    ("/api/v1/workers/{id}", "profile"),
    ("/api/v1/workers/{id}/credentials", "credentials"),
    ("/api/v1/workers/{id}/credentials/import", "credentials"),
    (
        "/api/v1/workers/{id}/credentials/imported/{import}",
        "credentials",
    ),
    ("/api/v1/workers/{id}/credentials/reputation", "credentials"),
    ("/api/v1/workers/{id}/contests", "profile"),
    ("/api/v1/workers/{id}/declaration", "profile"),
    ("/api/v1/workers/{id}/decisions", "profile"),
    ("/api/v1/workers/{id}/matches", "profile"),
    ("/api/v1/workers/{id}/teaching", "profile"),
    ("/api/v1/workers/{id}/teaching/{skill}", "profile"),
    ("/api/v1/workers/{id}/transitions", "profile"),
    ("/api/v1/workers/{id}/occupations", "profile"),
    ("/api/v1/workers/{id}/occupations/{occupation}", "profile"),
    ("/api/v1/workers/{id}/where-next", "profile"),
];

const SCOPES: [&str; 8] = [
    "profile",
    "work",
    "contracts",
    "money",
    "credentials",
    "tests",
    "webhooks",
    "account",
];

/// `path` with its parameters filled: names a caller chooses (an organisation's slug, a skill,
/// an action) take `name`, numeric ids take 1.
fn filled(path: &str, name: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{slug}" | "{skill}" | "{*skill}" | "{action}" | "{decision}" => name.to_owned(),
            s if s.starts_with('{') => "1".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn token_scoped(server: &Server, email: &str, scopes: &[&str]) -> String {
    let a = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": email, "password": "a long enough password", "scopes": scopes})),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["token"].as_str().unwrap().to_owned()
}

fn refused_by_scope(a: &crate::harness::Answer) -> bool {
    a.status == 403
        && a.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("this token's scopes"))
}

fn scopes_follow_the_route_never_names_in_the_path(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let owner = server.sign_up("owner@example.org");
    // The probe's bypass, as it was: an organisation whose slug is `tests`, and a token
    // scoped to `tests`, which must not rotate its keys, change its members or issue.
    let org = server.call(
        "POST",
        "/api/v1/organisations",
        Some(&owner),
        Some(&json!({"slug": "tests", "name": "Tests Ltd"})),
    );
    assert_eq!(org.status, 201, "{}", org.body);
    let tests_only = token_scoped(&server, "owner@example.org", &["tests"]);
    for (method, path, body) in [
        ("POST", "/api/v1/organisations/tests/keys", json!({})),
        (
            "PUT",
            "/api/v1/organisations/tests/members",
            json!({"email": "owner@example.org", "role": "admin"}),
        ),
        (
            "POST",
            "/api/v1/organisations/tests/credentials",
            json!({"worker": 1, "skill": "guild:skill/g-code"}),
        ),
    ] {
        let a = server.call(method, path, Some(&tests_only), Some(&body));
        assert!(
            refused_by_scope(&a),
            "{method} {path}: {} {}",
            a.status,
            a.body
        );
    }
    let keys_before = server.get_ok_as("/api/v1/organisations/tests", &owner);
    // The same call with the right scope goes through: the refusal was the scope.
    let credentials = token_scoped(&server, "owner@example.org", &["credentials"]);
    let rotated = server.call(
        "POST",
        "/api/v1/organisations/tests/keys",
        Some(&credentials),
        Some(&json!({})),
    );
    assert!(
        rotated.status < 300,
        "rotating with the credentials scope: {} {}",
        rotated.status,
        rotated.body
    );
    assert_ne!(
        server.get_ok_as("/api/v1/organisations/tests", &owner),
        keys_before,
        "the rotation with the right scope changed nothing"
    );

    // Every operation of the OpenAPI document, with a token of each scope and every name the
    // caller chooses set to that scope's name: refused exactly when the route is another area's.
    let tokens: Vec<(&str, String)> = SCOPES
        .iter()
        .map(|s| (*s, token_scoped(&server, "owner@example.org", &[s])))
        .collect();
    let doc = server.get_ok("/api/openapi.json");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if !secured {
                continue;
            }
            let method = method.to_uppercase();
            let area = AREAS
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, a)| *a)
                .unwrap_or_else(|| panic!("{path} is not in the test's table of areas"));
            for (scope, token) in &tokens {
                if method == "GET" && path == "/api/v1/me" {
                    continue;
                }
                let url = filled(path, scope);
                let a = server.call(&method, &url, Some(token), Some(&json!({})));
                assert_eq!(
                    refused_by_scope(&a),
                    *scope != area,
                    "{method} {url} with a token scoped to {scope} (the route is in {area}): {} {}",
                    a.status,
                    a.body
                );
                assert!(a.status < 500, "{method} {url}: {} {}", a.status, a.body);
                checked += 1;
            }
        }
    }
    assert!(checked > 600, "only {checked} calls checked");
}

fn path_parameters_that_do_not_parse_are_problem_json(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let token = server.sign_up("paths@example.org");
    for (path, parameter) in [
        ("/api/v1/contracts/abc", "id"),
        ("/api/v1/contracts/99999999999999999999", "id"),
        ("/api/v1/tasks/-", "id"),
        ("/api/v1/contracts/1/milestones/x/timesheet", "n"),
        ("/api/v1/workers/1.5", "id"),
    ] {
        let a = server.call("GET", path, Some(&token), None);
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json", "{path}");
        assert_eq!(a.body["parameter"], parameter, "{path}: {}", a.body);
        let detail = a.body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(&format!("{parameter}: ")),
            "{path}: {detail}"
        );
    }
    // Bytes that are not UTF-8, sent as they are.
    for path in ["/api/v1/skills/%ff%fe", "/api/v1/occupations/%c3%28"] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: guild\r\nConnection: close\r\n\r\n");
        let a = exchange(&server, request.as_bytes());
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        assert_eq!(
            a.headers["content-type"], "application/problem+json",
            "{path}"
        );
        assert_eq!(a.body["parameter"], "id", "{path}: {}", a.body);
        assert!(
            a.body["detail"].as_str().unwrap().contains("UTF-8"),
            "{path}: {}",
            a.body
        );
    }
    // A query string the framework's own extractor refuses is problem+json as well.
    let a = server.call(
        "GET",
        "/api/v1/notifications?unread=maybe",
        Some(&token),
        None,
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.content_type, "application/problem+json");
    assert!(
        a.body["detail"].as_str().unwrap().contains("unread"),
        "{}",
        a.body
    );
}

fn sign_in_as(server: &Server, client: &str, password: &str) -> Answer {
    call(
        server,
        "POST",
        "/api/v1/tokens",
        &[("x-forwarded-for", client)],
        Some(&json!({"email": "dana@example.org", "password": password})),
    )
}

fn a_stranger_cannot_lock_anyone_out(backend: Backend) {
    let store = TestStore::new(&backend);
    // Requests come through a trusted proxy, so that each test client has its own address.
    let server = serve_with_limits(&store, &[("GUILD_TRUSTED_PROXIES", "127.0.0.1")]);
    server.sign_up("dana@example.org");
    let (dana, stranger) = ("198.51.100.7", "203.0.113.66");
    // The stranger's first wrong guesses are free; then each try waits longer, and says so.
    for _ in 0..3 {
        assert_eq!(sign_in_as(&server, stranger, "wrong guess").status, 401);
    }
    // Then each try waits longer, and the refusal says how long. (On a slow machine a try may
    // come after its wait has passed: it is then simply counted, and the next wait is longer.)
    let mut slowed = None;
    for _ in 0..4 {
        let a = sign_in_as(&server, stranger, "wrong guess");
        if a.status == 429 {
            assert_too_many(&a);
            slowed = a.retry_after();
            break;
        }
        assert_eq!(a.status, 401, "{}", a.body);
    }
    let wait = slowed.expect("quick wrong guesses past the free ones were never slowed");
    assert!(wait <= 8, "waited {wait} s after a few failures");
    // Once the wait has passed, a try is checked again (and fails); right after that failure,
    // even the right password waits its turn from the stranger's address.
    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(sign_in_as(&server, stranger, "wrong guess").status, 401);
    let longer = sign_in_as(&server, stranger, "a long enough password");
    assert_too_many(&longer);
    assert!(longer.retry_after().unwrap() >= 1, "{:?}", longer.headers);
    // Dana, from her own address, signs in at once: nobody locked her out.
    let own = sign_in_as(&server, dana, "a long enough password");
    assert_eq!(own.status, 201, "{}", own.body);
    // A crowd of addresses guessing past the ceiling slows every try on the account to one
    // each couple of seconds, but never refuses Dana for longer than Retry-After says.
    for i in 0..30 {
        let a = sign_in_as(&server, &format!("192.0.2.{}", i + 1), "wrong guess");
        assert!(matches!(a.status, 401 | 429), "{}", a.body);
    }
    let mut tries = 0;
    let signed_in = loop {
        tries += 1;
        let a = sign_in_as(&server, dana, "a long enough password");
        if a.status != 429 {
            break a;
        }
        let wait = assert_too_many(&a);
        let after = a.retry_after().unwrap();
        assert!(
            after <= 2,
            "slowed by {after} s, not a couple of seconds: {wait}"
        );
        assert!(tries < 5, "Dana was refused {tries} times: {wait}");
        std::thread::sleep(std::time::Duration::from_secs(after));
    };
    assert_eq!(signed_in.status, 201, "{}", signed_in.body);
}

/// Posts a web form as a browser would, without following the redirect that answers it.
fn post_form(server: &Server, path: &str, headers: &[(&str, &str)], form: &str) -> Answer {
    let mut request = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .post(&format!("{}{path}", server.base))
        .set("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        request = request.set(k, v);
    }
    let response = match request.send_string(form) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {path}: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| Some((n.to_lowercase(), response.header(&n)?.to_owned())))
        .collect();
    let text = response.into_string().unwrap();
    Answer {
        status,
        headers,
        body: Value::String(text),
    }
}

fn sign_in_forms_from_other_sites_are_refused(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    server.sign_up("erin@example.org");
    let host = server.base.strip_prefix("http://").unwrap().to_owned();
    let ours = format!("http://{host}");
    let signin = "email=erin%40example.org&password=a+long+enough+password";
    let signup = "email=mallory%40example.org&display_name=M&password=a+long+enough+password";
    // Login CSRF: another site's page posting our sign-in form signs the visitor in as
    // whoever the attacker chose. Refused by Origin, by Referer, and with `Origin: null`.
    for headers in [
        vec![("origin", "https://attacker.example")],
        vec![("origin", "null")],
        vec![("referer", "https://attacker.example/page")],
        vec![("origin", "http://127.0.0.1:1")],
    ] {
        for (path, form) in [("/signin", signin), ("/signup", signup)] {
            let a = post_form(&server, path, &headers, form);
            assert_eq!(a.status, 403, "{path} {headers:?}: {}", a.body);
            assert!(
                a.header("set-cookie").is_none(),
                "{path} {headers:?} set a cookie"
            );
            assert!(
                a.body.as_str().unwrap().contains("another site"),
                "{path}: {}",
                a.body
            );
        }
    }
    // In Dutch for a Dutch browser.
    let a = post_form(
        &server,
        "/signin",
        &[
            ("origin", "https://attacker.example"),
            ("accept-language", "nl"),
        ],
        signin,
    );
    assert_eq!(a.status, 403);
    assert!(
        a.body.as_str().unwrap().contains("andere site"),
        "{}",
        a.body
    );
    // Nothing was made by the refused sign-up.
    let a = call(
        &server,
        "POST",
        "/api/v1/tokens",
        &[],
        Some(&json!({"email": "mallory@example.org", "password": "a long enough password"})),
    );
    assert_eq!(a.status, 401, "{}", a.body);
    // Our own pages' posts, and programs that send no Origin, go through.
    for headers in [
        vec![("origin", ours.as_str())],
        vec![("referer", &*format!("{ours}/signin"))],
        vec![],
    ] {
        let a = post_form(&server, "/signin", &headers, signin);
        assert_eq!(a.status, 303, "{headers:?}: {}", a.body);
        assert!(
            a.header("set-cookie")
                .is_some_and(|c| c.contains("guild_session="))
        );
    }
}

fn the_bearer_scheme_is_case_insensitive(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let token = server.sign_up("frank@example.org");
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let value = format!("{scheme} {token}");
        let a = send(
            &server,
            "GET",
            "/api/v1/me",
            &[("authorization", &value)],
            None,
        );
        assert_eq!(a.status, 200, "{scheme}: {}", a.body);
        assert_eq!(a.body["email"], "frank@example.org");
    }
    // Another scheme, or the token in another case, is not a sign-in.
    for value in [
        format!("Basic {token}"),
        format!("Bearer {}", token.to_uppercase()),
    ] {
        let a = send(
            &server,
            "GET",
            "/api/v1/me",
            &[("authorization", &value)],
            None,
        );
        assert_eq!(a.status, 401, "{value}: {}", a.body);
    }
}

fn a_huge_declared_body_is_refused_at_once(backend: Backend) {
    let store = TestStore::new(&backend);
    // With a request timeout of 10 minutes, an answer at all shows that the server did not
    // wait for the body that was never sent.
    let server = serve_with_limits(&store, &[("GUILD_REQUEST_TIMEOUT_SECS", "600")]);
    let token = server.sign_up("gina@example.org");
    for (path, auth) in [
        ("/api/v1/skills/extract", String::new()),
        (
            "/api/v1/workers",
            format!("Authorization: Bearer {token}\r\n"),
        ),
        ("/signin", String::new()),
    ] {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: guild\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: 1000000000000\r\n\r\n{{\"text\":"
        );
        let a = exchange(&server, request.as_bytes());
        assert_eq!(a.status, 413, "{path}: {}", a.body);
        assert_eq!(
            a.headers["content-type"], "application/problem+json",
            "{path}"
        );
        assert_eq!(
            a.body["type"], "urn:guild:problem:payload-too-large",
            "{path}"
        );
    }
}

fn requests_the_http_parser_refuses_are_problem_json(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let long_path = format!("/api/v1/skills?q={}", "a".repeat(70 << 10));
    let longish_path = format!("/api/v1/skills?q={}", "a".repeat(10 << 10));
    let huge_header = format!("x-filler: {}\r\n", "b".repeat(600 << 10));
    let big_header = format!("x-filler: {}\r\n", "b".repeat(40 << 10));
    for (what, request, status) in [
        // hyper's parser answers these itself, before the router.
        (
            "a malformed header",
            "GET /health HTTP/1.1\r\nHost: guild\r\nno colon here\r\n\r\n".to_owned(),
            400,
        ),
        (
            "a malformed request line",
            "GET /he alth HTTP/1.1\r\nHost: guild\r\n\r\n".to_owned(),
            400,
        ),
        (
            "a path over 64 KiB",
            format!("GET {long_path} HTTP/1.1\r\nHost: guild\r\n\r\n"),
            414,
        ),
        (
            "a head over hyper's buffer",
            format!("GET /health HTTP/1.1\r\nHost: guild\r\n{huge_header}\r\n"),
            431,
        ),
        // The server's own, lower limits.
        (
            "a path over 8 KiB",
            format!("GET {longish_path} HTTP/1.1\r\nHost: guild\r\n\r\n"),
            414,
        ),
        (
            "headers over 32 KiB",
            format!("GET /health HTTP/1.1\r\nHost: guild\r\n{big_header}\r\n"),
            431,
        ),
    ] {
        let a = exchange(&server, request.as_bytes());
        assert_eq!(a.status, status, "{what}: {}", a.body);
        assert_eq!(
            a.headers["content-type"], "application/problem+json",
            "{what}"
        );
        assert_eq!(a.body["status"], status, "{what}: {}", a.body);
        assert!(
            a.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}"
        );
    }
    // The server is still there.
    assert_eq!(server.get("/health").status, 200);
}

fn control_characters_are_refused_in_titles_and_names(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let token = server.sign_up("hugo@example.org");
    let a = server.call(
        "POST",
        "/api/v1/accounts",
        None,
        Some(
            &json!({"email": "nul@example.org", "display_name": "Nu\u{0}ll",
            "password": "a long enough password"}),
        ),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.body["parameter"], "display_name", "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("control character")
    );
    for (path, body, field) in [
        (
            "/api/v1/projects",
            json!({"title": "Stock\u{0} data", "problem": "Clean our stock data"}),
            "title",
        ),
        (
            "/api/v1/organisations",
            json!({"slug": "acme", "name": "Acme\u{1b}[31m"}),
            "name",
        ),
        (
            "/api/v1/tasks",
            json!({"title": "Weld\u{7}", "required": [], "hours": 4}),
            "title",
        ),
    ] {
        let a = server.call("POST", path, Some(&token), Some(&body));
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert_eq!(a.body["parameter"], field, "{path}: {}", a.body);
    }
    // Nothing was made.
    assert_eq!(
        server
            .get_ok_as("/api/v1/projects", &token)
            .as_array()
            .map_or(usize::MAX, Vec::len),
        0
    );
    // Line breaks and tabs are text, not control characters to refuse.
    let ok = server.call(
        "POST",
        "/api/v1/skills/extract",
        None,
        Some(&json!({"text": "I weld.\n\tI read blueprints.\r\n"})),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    // A web form with %00 in a field is refused with a page saying so.
    let a = post_form(
        &server,
        "/signup",
        &[],
        "email=web%40example.org&display_name=We%00b&password=a+long+enough+password",
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.as_str().unwrap().contains("control character"));
    let _: Value = a.body;
}
