//! Browser sessions, CSRF, roles, suspensions and appeals through the real server, on both
//! backends: a session cookie works only with its CSRF token for changes; signing in again
//! ends the old session (no fixation); signing out ends it; a suspended account keeps only its
//! account, export and appeal; only platform admins suspend, reinstate and decide disputes.
//! API tokens can be scoped to areas, whole or read-only, and reach nothing else.

use serde_json::json;

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(
    sessions_csrf_roles_and_suspensions,
    scoped_tokens_reach_only_their_areas,
    passwords_are_never_logged
);

fn sessions_csrf_roles_and_suspensions(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let alice = server.sign_up("alice@example.org");
    let admin = server.sign_up("admin@example.org");
    let sign_in = |cookie: Option<&str>| {
        let mut h = vec![];
        if let Some(c) = cookie {
            h.push(("cookie", c));
        }
        let a = server.call_with_headers(
            "POST",
            "/api/v1/sessions",
            None,
            &h,
            Some(&json!({"email": "alice@example.org", "password": "a long enough password"})),
        );
        assert_eq!(a.status, 201, "{}", a.body);
        let cookie = a.set_cookie.clone().unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        let pair = cookie.split(';').next().unwrap().to_owned();
        (pair, a.body["csrf_token"].as_str().unwrap().to_owned())
    };
    let (session, csrf) = sign_in(None);
    let with =
        |method: &str, path: &str, headers: &[(&str, &str)], body: Option<&serde_json::Value>| {
            server.call_with_headers(method, path, None, headers, body)
        };
    // Reading with the cookie alone works; changing needs the CSRF token.
    let me = with("GET", "/api/v1/me", &[("cookie", &session)], None);
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["email"], "alice@example.org");
    let deposit = json!({"currency": "EUR"});
    let a = with(
        "POST",
        "/api/v1/wallet/deposits",
        &[("cookie", &session)],
        Some(&deposit),
    );
    assert_eq!(a.status, 403, "{}", a.body);
    assert!(a.body["detail"].as_str().unwrap().contains("CSRF"));
    let a = with(
        "POST",
        "/api/v1/wallet/deposits",
        &[("cookie", &session), ("x-csrf-token", "gld_forged")],
        Some(&deposit),
    );
    assert_eq!(a.status, 403);
    let a = with(
        "POST",
        "/api/v1/wallet/deposits",
        &[("cookie", &session), ("x-csrf-token", &csrf)],
        Some(&deposit),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    // Signing in again with the old cookie ends the old session.
    let (fresh, fresh_csrf) = sign_in(Some(&session));
    assert_ne!(fresh, session);
    assert_eq!(
        with("GET", "/api/v1/me", &[("cookie", &session)], None).status,
        401
    );
    assert_eq!(
        with("GET", "/api/v1/me", &[("cookie", &fresh)], None).status,
        200
    );
    // A session is not an API token, and a token is not a session.
    let value = fresh.split_once('=').unwrap().1;
    assert_eq!(
        server.call("GET", "/api/v1/me", Some(value), None).status,
        401
    );
    assert_eq!(
        with(
            "GET",
            "/api/v1/me",
            &[("cookie", &format!("guild_session={alice}"))],
            None
        )
        .status,
        401
    );
    // Signing out.
    let a = with(
        "DELETE",
        "/api/v1/sessions/current",
        &[("cookie", &fresh), ("x-csrf-token", &fresh_csrf)],
        None,
    );
    assert_eq!(a.status, 204, "{}", a.body);
    assert_eq!(
        with("GET", "/api/v1/me", &[("cookie", &fresh)], None).status,
        401
    );

    // Roles: only admins suspend; a suspension says why.
    let alice_id = server.call("GET", "/api/v1/me", Some(&alice), None).body["id"]
        .as_i64()
        .unwrap();
    let suspend = |token: &str, reason: &str| {
        server.call(
            "POST",
            &format!("/api/v1/admin/accounts/{alice_id}/suspension"),
            Some(token),
            Some(&json!({"reason": reason})),
        )
    };
    assert_eq!(suspend(&admin, "fraud").status, 403, "not an admin yet");
    store.guild_ok(&["accounts", "role", "admin@example.org", "admin"]);
    assert_eq!(suspend(&admin, " ").status, 400);
    assert_eq!(
        suspend(&admin, "Chargebacks on three contracts").status,
        204
    );
    // Suspended: only the account, the export, notifications and the appeal.
    let a = server.call(
        "POST",
        "/api/v1/wallet/deposits",
        Some(&alice),
        Some(&deposit),
    );
    assert_eq!(a.status, 403);
    assert!(
        a.body["detail"].as_str().unwrap().contains("Chargebacks"),
        "{}",
        a.body
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/contracts", Some(&alice), None)
            .status,
        403
    );
    assert_eq!(
        server.call("GET", "/api/v1/me", Some(&alice), None).body["suspended"],
        "Chargebacks on three contracts"
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/me/export", Some(&alice), None)
            .status,
        200
    );
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/me/appeal",
                Some(&alice),
                Some(&json!({"text": "They were refunds the client asked for."}))
            )
            .status,
        201
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/admin/appeals", Some(&alice), None)
            .status,
        403
    );
    let appeals = server
        .call("GET", "/api/v1/admin/appeals", Some(&admin), None)
        .body;
    assert_eq!(appeals[0]["account"], alice_id);
    let a = server.call(
        "DELETE",
        &format!("/api/v1/admin/accounts/{alice_id}/suspension"),
        Some(&admin),
        None,
    );
    assert_eq!(a.status, 204);
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/wallet/deposits",
                Some(&alice),
                Some(&deposit)
            )
            .status,
        201
    );
    assert!(
        server
            .call("GET", "/api/v1/admin/appeals", Some(&admin), None)
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/me/appeal",
                Some(&alice),
                Some(&json!({"text": "again"}))
            )
            .status,
        409
    );
    let events = store.guild_ok(&["ledger", "events", "--kind", "account.suspended"]);
    assert!(events.contains("Chargebacks"), "{events}");
    // Dispute decisions are the admins'.
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/admin/contracts/1/resolve",
                Some(&alice),
                Some(&json!({"worker_percent": 50}))
            )
            .status,
        403
    );
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/admin/contracts/1/resolve",
                Some(&admin),
                Some(&json!({"worker_percent": 50}))
            )
            .status,
        404
    );
}

fn scoped_tokens_reach_only_their_areas(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let full = server.sign_up("alice@example.org");
    let token = |scopes: serde_json::Value| {
        let t = server.call(
            "POST",
            "/api/v1/tokens",
            None,
            Some(
                &json!({"email": "alice@example.org", "password": "a long enough password",
                "name": "integration", "scopes": scopes}),
            ),
        );
        (t.status, t.body)
    };
    let (status, body) = token(json!(["everything"]));
    assert_eq!(status, 400, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("unknown scope"));
    let (status, body) = token(json!([]));
    assert_eq!(status, 400, "{body}");
    let (status, body) = token(json!(["money:read", "profile"]));
    assert_eq!(status, 201, "{body}");
    let scoped = body["token"].as_str().unwrap().to_owned();
    let scoped_id = body["id"].as_i64().unwrap();

    // Its areas, and reading only where read-only.
    assert_eq!(
        server
            .call("GET", "/api/v1/wallet", Some(&scoped), None)
            .status,
        200
    );
    let payout = server.call_with_headers(
        "POST",
        "/api/v1/wallet/deposits",
        Some(&scoped),
        &[("idempotency-key", "k-1")],
        Some(&json!({"amount": "10.00", "currency": "EUR"})),
    );
    assert_eq!(payout.status, 403, "{}", payout.body);
    assert!(
        payout.body["detail"]
            .as_str()
            .unwrap()
            .contains("needs scope \"money\""),
        "{}",
        payout.body
    );
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&scoped),
        Some(&json!({"name": "Alice", "skills": [], "hours_per_week": 30,
            "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]})),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    // Outside its areas: refused, whatever the method.
    for (method, path) in [
        ("GET", "/api/v1/contracts"),
        ("GET", "/api/v1/projects"),
        ("GET", "/api/v1/tokens"),
        ("GET", "/api/v1/me/export"),
        ("DELETE", &*format!("/api/v1/tokens/{scoped_id}")),
    ] {
        let a = server.call(method, path, Some(&scoped), None);
        assert_eq!(a.status, 403, "{method} {path}: {}", a.body);
    }
    // Who it belongs to is always readable.
    assert_eq!(
        server.call("GET", "/api/v1/me", Some(&scoped), None).status,
        200
    );
    // The owner lists tokens with their scopes (never the token) and revokes the scoped one.
    let list = server.get_ok_as("/api/v1/tokens", &full);
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == scoped_id)
        .unwrap()
        .clone();
    assert_eq!(listed["scopes"], json!(["money:read", "profile"]));
    assert!(!list.to_string().contains(&scoped));
    assert_eq!(
        server
            .call(
                "DELETE",
                &format!("/api/v1/tokens/{scoped_id}"),
                Some(&full),
                None
            )
            .status,
        204
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/wallet", Some(&scoped), None)
            .status,
        401
    );
    let events = store.guild_ok(&["ledger", "events"]);
    assert!(events.contains("scopes: money:read profile"), "{events}");
}

fn passwords_are_never_logged(backend: Backend) {
    let store = TestStore::new(&backend);
    let (server, log) = store.serve_logged();
    let password = "correct horse battery staple 7431";
    let wrong = "wrong horse battery staple 9902";
    let a = server.call(
        "POST",
        "/api/v1/accounts",
        None,
        Some(&json!({"email": "eve@example.org", "display_name": "Eve", "password": password})),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let (mut sessions, mut csrf) = (Vec::new(), Vec::new());
    for p in [password, wrong] {
        server.call(
            "POST",
            "/api/v1/tokens",
            None,
            Some(&json!({"email": "eve@example.org", "password": p})),
        );
        let s = server.call(
            "POST",
            "/api/v1/sessions",
            None,
            Some(&json!({"email": "eve@example.org", "password": p})),
        );
        csrf.extend(s.body["csrf_token"].as_str().map(str::to_owned));
        sessions.extend(s.set_cookie);
    }
    // The session cookie's value and its CSRF token are secrets too.
    let session = sessions[0]
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap();
    server.call_with_headers(
        "GET",
        "/api/v1/me",
        None,
        &[
            ("cookie", &format!("guild_session={session}")),
            ("x-csrf-token", &csrf[0]),
        ],
        None,
    );
    let token = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": "eve@example.org", "password": password})),
    );
    let token = token.body["token"].as_str().unwrap().to_owned();
    // An issuer key is made, sealed under the key-encryption key, and signs.
    let org = json!({"slug": "eve-academy", "name": "Eve Academy"});
    let made = server.call("POST", "/api/v1/organisations", Some(&token), Some(&org));
    assert_eq!(made.status, 201, "{}", made.body);
    let key = server.call(
        "POST",
        "/api/v1/organisations/eve-academy/keys",
        Some(&token),
        None,
    );
    assert_eq!(key.status, 201, "{}", key.body);
    server.call(
        "DELETE",
        "/api/v1/me",
        Some(&token),
        Some(&json!({"password": wrong})),
    );
    drop(server);
    let logged = std::fs::read_to_string(&log).unwrap();
    // The log saw these requests (so the check below is not vacuous)…
    assert!(logged.contains("/api/v1/tokens"), "{logged}");
    let kek = std::fs::read_to_string(store.kek_file()).unwrap();
    let kek = kek.trim();
    let kek_id = guild_store::KeyEncryptionKey::parse(kek, "test")
        .unwrap()
        .id()
        .to_owned();
    assert!(
        logged.contains(&kek_id),
        "the key-encryption key's id is not logged"
    );
    // …but never a password, a token, the key-encryption key or an issuer key, sealed or not.
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    db.credentials()
        .unlock_issuer_keys(Some(
            guild_store::KeyEncryptionKey::parse(kek, "test").unwrap(),
        ))
        .unwrap();
    let sealed = format!("{:?}", db.credentials().issuer_keys("org:1").unwrap());
    assert!(!sealed.contains("xc20p1:"), "{sealed}");
    for secret in [
        password,
        wrong,
        token.as_str(),
        &session,
        &csrf[0],
        kek,
        &kek.to_uppercase(),
    ] {
        assert!(!logged.contains(secret), "{secret:?} is in the log");
    }
    let leaked: Vec<&str> = logged.lines().filter(|l| l.contains("xc20p1:")).collect();
    assert!(
        leaked.is_empty(),
        "a sealed issuer key is in the log: {leaked:#?}"
    );
}
