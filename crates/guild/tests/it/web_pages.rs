//! The web pages over plain HTTP, on both backends: forms that change something need the
//! session's CSRF token; a bad sign-up says what was wrong on the page; pages speak Dutch when
//! asked; the pages' headers forbid framing and foreign scripts. (The journeys themselves run
//! in a real browser: browser.rs.)

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(forms_need_the_session_and_its_csrf_token);

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).build()
}

/// (status, body, Set-Cookie session value).
fn send(
    method: &str,
    url: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> (u16, String, Option<String>) {
    let mut r = agent().request(method, url);
    if let Some(c) = cookie {
        r = r.set("cookie", c);
    }
    let result = match form {
        Some(f) => r
            .set("content-type", "application/x-www-form-urlencoded")
            .send_string(f),
        None => r.call(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let session = resp
        .all("set-cookie")
        .iter()
        .find_map(|c| c.strip_prefix("guild_session="))
        .and_then(|c| c.split(';').next())
        .filter(|v| !v.is_empty())
        .map(|v| format!("guild_session={v}"));
    (status, resp.into_string().unwrap_or_default(), session)
}

fn forms_need_the_session_and_its_csrf_token(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;

    // A bad sign-up: the page says why, and keeps what was typed.
    let (status, page, session) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Ana&email=not-an-address&password=a+long+enough+password"),
    );
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("is not an e-mail address"), "{page}");
    assert!(page.contains("value=\"not-an-address\""), "{page}");
    assert!(session.is_none());
    let (status, page, _) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Ana"),
    );
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("The form was not complete"), "{page}");

    let (status, _, session) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Ana&email=ana%40example.org&password=a+long+enough+password"),
    );
    assert_eq!(status, 303);
    let session = session.unwrap();
    // The welcome page carries the CSRF token in its form.
    let (status, page, _) = send("GET", &format!("{base}/welcome"), Some(&session), None);
    assert_eq!(status, 200, "{page}");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(csrf.len(), 64);
    let text = "text=I+wrote+G-code+programs+for+CNC+lathes";
    // Without the token, with another, or without the session: refused, nothing done.
    for (cookie, form) in [
        (Some(session.as_str()), text.to_owned()),
        (
            Some(session.as_str()),
            format!("csrf={}&{text}", "0".repeat(64)),
        ),
        (None, format!("csrf={csrf}&{text}")),
    ] {
        let (status, page, _) = send("POST", &format!("{base}/welcome"), cookie, Some(&form));
        assert!(
            status == 403 || (cookie.is_none() && status == 303),
            "{status}: {page}"
        );
    }
    let (status, page, _) = send(
        "POST",
        &format!("{base}/welcome"),
        Some(&session),
        Some(&format!("csrf={csrf}&{text}")),
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("guild:skill/g-code"), "{page}");
    // Saving the profile also needs the token.
    let profile = "skill=guild%3Askill%2Fg-code&level%3Aguild%3Askill%2Fg-code=4&hours_per_week=30&languages=en&work_mode=remote";
    let (status, _, _) = send(
        "POST",
        &format!("{base}/profile"),
        Some(&session),
        Some(profile),
    );
    assert_eq!(status, 403);
    let (status, page, _) = send(
        "POST",
        &format!("{base}/profile"),
        Some(&session),
        Some(&format!("csrf={csrf}&{profile}")),
    );
    assert_eq!(status, 303, "{page}");
    let (_, page, _) = send("GET", &format!("{base}/dashboard"), Some(&session), None);
    assert!(page.contains("G-code"), "{page}");
    // The profile is private until shared; another account's project or contract is not
    // found.
    let (status, _, _) = send("GET", &format!("{base}/people/1"), None, None);
    assert_eq!(status, 404);
    let (status, _, _) = send(
        "POST",
        &format!("{base}/credentials/share"),
        Some(&session),
        Some(&format!("csrf={csrf}&public=1")),
    );
    assert_eq!(status, 303);
    let (status, page, _) = send("GET", &format!("{base}/people/1"), None, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Ana") && page.contains("G-code"), "{page}");
    let client = server.sign_up("client@example.org");
    let p = server.call(
        "POST",
        "/api/v1/projects",
        Some(&client),
        Some(&serde_json::json!({"title": "Lathe work", "problem": "Write G-code programs for the CNC lathe."})),
    );
    assert_eq!(p.status, 201, "{}", p.body);
    let pid = p.body["id"].as_i64().unwrap();
    let (status, _, _) = send(
        "GET",
        &format!("{base}/projects/{pid}"),
        Some(&session),
        None,
    );
    assert_eq!(status, 404);
    let c = server.call(
        "POST",
        "/api/v1/contracts",
        Some(&client),
        Some(
            &serde_json::json!({"worker": 1, "title": "Lathe work", "currency": "EUR",
            "milestones": [{"title": "All", "amount": "100.00"}]}),
        ),
    );
    assert_eq!(c.status, 201, "{}", c.body);
    let cid = c.body["id"].as_i64().unwrap();
    // Ana is the worker: she sees it; a third account does not.
    let (status, _, _) = send(
        "GET",
        &format!("{base}/contracts/{cid}"),
        Some(&session),
        None,
    );
    assert_eq!(status, 200);
    let (status, _, other) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Eve&email=eve%40example.org&password=a+long+enough+password"),
    );
    assert_eq!(status, 303);
    let other = other.unwrap();
    let (status, _, _) = send(
        "GET",
        &format!("{base}/contracts/{cid}"),
        Some(&other),
        None,
    );
    assert_eq!(status, 404);
    let (_, page, _) = send("GET", &format!("{base}/welcome"), Some(&other), None);
    let other_csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let (status, _, _) = send(
        "POST",
        &format!("{base}/contracts/{cid}/act"),
        Some(&other),
        Some(&format!("csrf={other_csrf}&action=accept")),
    );
    assert_eq!(status, 404);
    let (_, page, _) = send(
        "GET",
        &format!("{base}/contracts/{cid}"),
        Some(&session),
        None,
    );
    assert!(page.contains("proposed"), "nothing changed: {page}");
    // Ana accepts; once the client funds, either side can open a dispute from the page.
    let (status, _, _) = send(
        "POST",
        &format!("{base}/contracts/{cid}/act"),
        Some(&session),
        Some(&format!("csrf={csrf}&action=accept")),
    );
    assert_eq!(status, 303);
    let client_id = server.get_ok_as("/api/v1/me", &client)["id"]
        .as_i64()
        .unwrap();
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "dep-web",
            guild_ids::AccountId(client_id),
            guild_market::Amount::parse("100", eur).unwrap(),
            "deposit",
        )
        .unwrap();
    let funded = server.call(
        "POST",
        &format!("/api/v1/contracts/{cid}/milestones/1/fund"),
        Some(&client),
        None,
    );
    assert_eq!(funded.status, 200, "{}", funded.body);
    let (_, page, _) = send(
        "GET",
        &format!("{base}/contracts/{cid}"),
        Some(&session),
        None,
    );
    assert!(page.contains("value=\"dispute\""), "{page}");
    let (status, _, _) = send(
        "POST",
        &format!("{base}/contracts/{cid}/act"),
        Some(&session),
        Some(&format!("csrf={csrf}&action=dispute")),
    );
    assert_eq!(status, 303);
    let (_, page, _) = send(
        "GET",
        &format!("{base}/contracts/{cid}"),
        Some(&session),
        None,
    );
    assert!(
        page.contains("disputed") || page.contains("betwist"),
        "{page}"
    );

    // Signing out needs the token too; afterwards the session is gone.
    let (status, _, _) = send("POST", &format!("{base}/signout"), Some(&session), Some(""));
    assert_eq!(status, 403);
    let (status, _, _) = send(
        "POST",
        &format!("{base}/signout"),
        Some(&session),
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(status, 303);
    let (status, _, _) = send("GET", &format!("{base}/dashboard"), Some(&session), None);
    assert_eq!(status, 303);

    // Dutch, by Accept-Language or by choice; and the security headers.
    let resp = agent()
        .get(&format!("{base}/"))
        .set("accept-language", "nl-BE,nl;q=0.9")
        .call()
        .unwrap();
    let csp = resp.header("content-security-policy").unwrap().to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(resp.header("x-frame-options"), Some("DENY"));
    let page = resp.into_string().unwrap();
    assert!(
        page.contains("lang=\"nl\"") && page.contains("Ik zoek werk"),
        "{page}"
    );
    let (status, _, _) = send("GET", &format!("{base}/lang/en"), None, None);
    assert_eq!(status, 303);
}
