//! The web pages over plain HTTP, on both backends: forms that change something need the
//! session's CSRF token; a bad sign-up says what was wrong on the page; pages speak Dutch when
//! asked; the pages' headers forbid framing and foreign scripts. (The journeys themselves run
//! in a real browser: browser.rs.)

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(
    forms_need_the_session_and_its_csrf_token,
    a_worker_names_the_work_they_have_done_and_sees_where_it_leads,
    a_cv_sent_as_pdf_or_docx_becomes_skills_to_confirm
);

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
    let (status, body, _, session) = crate::pages::send(method, url, cookie, form);
    (status, body, session)
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
    let profile = "skill=guild%3Askill%2Fg-code&level%3Aguild%3Askill%2Fg-code=4&hours_per_week=30&languages=en&work_mode=remote&rate=42.50&rate_currency=usd";
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
    // The rate keeps the currency it was given in.
    let ana = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(
            &serde_json::json!({"email": "ana@example.org", "password": "a long enough password"}),
        ),
    );
    let ana = ana.body["token"].as_str().unwrap().to_owned();
    let me = server
        .call("GET", "/api/v1/workers/1", Some(&ana), None)
        .body;
    let me = if me["worker"].is_object() {
        &me["worker"]
    } else {
        &me
    };
    assert_eq!(me["rate"]["minor"], 4250, "{me}");
    assert_eq!(me["rate"]["currency"], "USD", "{me}");
    // A currency that is not one is refused with a reason, nothing saved.
    let (status, page, _) = send(
        "POST",
        &format!("{base}/profile"),
        Some(&session),
        Some(&format!(
            "csrf={csrf}&{}",
            profile.replace("usd", "dollars")
        )),
    );
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("currency of the rate"), "{page}");
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

/// The CSRF token in a page's first form.
fn csrf_in(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a form with a CSRF token")
        .to_owned()
}

/// The part of the "Where next" page that says where the moves start.
fn starts_of(page: &str) -> &str {
    let from = page.find("id=\"starts-title\"").expect("a starts section");
    let to = page[from..]
        .find("<form method=\"get\"")
        .map_or(page.len(), |i| from + i);
    &page[from..to]
}

/// A machinist on the starter taxonomy: "Where next" first offers Guild's guess, never assumes
/// it; he names the work he has done (two occupations over a career), each move says which it
/// starts from, and he can look up any occupation to start from or to see the way there.
fn a_worker_names_the_work_they_have_done_and_sees_where_it_leads(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let (status, _, session) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Rex&email=rex%40example.org&password=a+long+enough+password"),
    );
    assert_eq!(status, 303);
    let session = session.unwrap();
    let (_, page, _) = send("GET", &format!("{base}/welcome"), Some(&session), None);
    let csrf = csrf_in(&page);
    let get = |path: &str| {
        let (status, page, _) = send("GET", &format!("{base}{path}"), Some(&session), None);
        assert_eq!(status, 200, "{path}: {page}");
        page
    };
    let post = |path: &str, form: &str| {
        let (status, page, _) = send(
            "POST",
            &format!("{base}{path}"),
            Some(&session),
            Some(&format!("csrf={csrf}&{form}")),
        );
        (status, page)
    };
    // Before a profile there is nothing to start from, and the page says how to make one.
    assert!(get("/transitions").contains("href=\"/welcome\""));
    let skills = [
        "g-code",
        "operate-cnc-milling-machine",
        "operate-manual-lathe",
        "read-engineering-drawings",
        "measure-with-calipers-and-micrometers",
    ]
    .iter()
    .map(|s| format!("skill=guild%3Askill%2F{s}&level%3Aguild%3Askill%2F{s}=4"))
    .collect::<Vec<_>>()
    .join("&");
    let (status, page) = post(
        "/profile",
        &format!("{skills}&hours_per_week=40&languages=en&work_mode=remote"),
    );
    assert_eq!(status, 303, "{page}");

    // Named nothing yet: a guess from his skills, offered to confirm, machining work.
    let page = get("/transitions");
    let starts = starts_of(&page);
    assert!(starts.contains("guess from your skills"), "{starts}");
    assert!(starts.contains("Yes, I have done this work"), "{starts}");
    assert!(
        starts.to_lowercase().contains("machin"),
        "a machinist's skills read as machining work: {starts}"
    );
    assert!(!page.contains("police"), "{page}");

    // The search finds occupations to start from or to aim at; bad searches say why.
    let page = get("/transitions?find=machinist");
    assert!(page.contains("<th scope=\"row\">machinist</th>"), "{page}");
    assert!(page.contains("I have done this"), "{page}");
    assert!(
        page.contains("/transitions/path?to=guild%3Aoccupation%2Fmachinist"),
        "{page}"
    );
    assert!(get("/transitions?find=").contains("Type a word from the occupation"));
    assert!(get("/transitions?find=x").contains("Type at least two letters"));
    assert!(get("/transitions?find=zzqqxx").contains("No occupation matches “zzqqxx”"));

    // He names two occupations; adding one twice changes nothing.
    for o in ["machinist", "machinist", "welder"] {
        let (status, page) = post(
            "/transitions/occupations",
            &format!("occupation=guild%3Aoccupation%2F{o}"),
        );
        assert_eq!(status, 303, "{page}");
    }
    let page = get("/transitions");
    let starts = starts_of(&page);
    assert_eq!(
        starts.matches("you have done this work").count(),
        2,
        "{starts}"
    );
    assert!(!starts.contains("guess from your skills"), "{starts}");
    assert!(
        starts.contains("machinist") && starts.contains("welder"),
        "{starts}"
    );
    // Each move says where it starts, and work he named is not a move.
    let table = &page[page.find("<table class=\"transitions\"").unwrap()..];
    assert!(
        table.contains("From: machinist") || table.contains("From: welder"),
        "{table}"
    );
    assert!(
        !table.contains(">machinist</a>") && !table.contains(">welder</a>"),
        "{table}"
    );
    assert!(table.contains("&#38;from=guild%3Aoccupation%2F"), "{table}");
    let page = get("/transitions?find=machinist");
    assert!(page.contains("one of yours"), "{page}");

    // The way from one of his occupations to another kind of work.
    let page = get(
        "/transitions/path?to=guild%3Aoccupation%2Fcad-drafter&from=guild%3Aoccupation%2Fwelder",
    );
    assert!(page.contains("The way to"), "{page}");

    // Unknown occupations are refused on a page that says so; nothing is added.
    let (status, page) = post(
        "/transitions/occupations",
        "occupation=guild%3Aoccupation%2Fastronaut",
    );
    assert_eq!(status, 404, "{page}");
    assert!(page.contains("astronaut"), "{page}");
    // The page that says so knows he is signed in.
    assert!(
        page.contains("action=\"/signout\"") && !page.contains("href=\"/signin\""),
        "{page}"
    );
    let (status, page) = post("/transitions/occupations", "nothing=here");
    assert_eq!(status, 400, "{page}");

    // A profile keeps at most eight; the ninth is refused with the reason.
    for o in [
        "cnc-machine-operator",
        "machine-setter",
        "quality-inspector",
        "assembly-line-worker",
        "cad-drafter",
        "industrial-maintenance-technician",
    ] {
        let (status, page) = post(
            "/transitions/occupations",
            &format!("occupation=guild%3Aoccupation%2F{o}"),
        );
        assert_eq!(status, 303, "{o}: {page}");
    }
    let (status, page) = post(
        "/transitions/occupations",
        "occupation=guild%3Aoccupation%2Fcook",
    );
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("at most 8 occupations"), "{page}");

    // Removing one takes it away.
    let (status, _) = post(
        "/transitions/occupations/remove",
        "occupation=guild%3Aoccupation%2Fwelder",
    );
    assert_eq!(status, 303);
    assert!(!starts_of(&get("/transitions")).contains("welder"));

    // In Dutch.
    let (_, page, _) = send(
        "GET",
        &format!("{base}/transitions?find=verspaner"),
        Some(&format!("{session}; guild_lang=nl")),
        None,
    );
    assert!(
        page.contains("Vertrekpunt") && page.contains("Zoek een beroep"),
        "{page}"
    );
    assert!(
        page.contains("verspaner"),
        "the Dutch title is found and shown: {page}"
    );
    // Where he starts and where he can go, in Dutch titles.
    let (_, page, _) = send(
        "GET",
        &format!("{base}/transitions"),
        Some(&format!("{session}; guild_lang=nl")),
        None,
    );
    let starts = starts_of(&page);
    assert!(
        starts.contains("verspaner") && !starts.contains(">machinist<"),
        "{starts}"
    );
    assert!(page.contains("Vanuit: "), "{page}");
    let (_, page, _) = send(
        "GET",
        &format!("{base}/transitions/path?to=guild%3Aoccupation%2Fcad-drafter"),
        Some(&format!("{session}; guild_lang=nl")),
        None,
    );
    assert!(page.contains("De weg naar CAD-tekenaar"), "{page}");

    // He offers to teach CNC milling from his dashboard; a learner on the way to machining
    // finds him there.
    let page = get("/dashboard");
    assert!(page.contains("Teach what you know"), "{page}");
    let (status, page) = post(
        "/teach",
        "skill=guild%3Askill%2Foperate-cnc-milling-machine&remote=1&rate=30.00&note=Evenings",
    );
    assert_eq!(status, 303, "{page}");
    let page = get("/dashboard");
    assert!(page.contains("30.00 EUR/h"), "{page}");
    let (status, page) = post("/teach", "skill=guild%3Askill%2Fg-code&rate=lots");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("hourly rate"), "{page}");
    let (status, _, learner) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Dai&email=dai%40example.org&password=a+long+enough+password"),
    );
    assert_eq!(status, 303);
    let learner = learner.unwrap();
    let (_, page, _) = send("GET", &format!("{base}/welcome"), Some(&learner), None);
    let learner_csrf = csrf_in(&page);
    let (status, page, _) = send(
        "POST",
        &format!("{base}/profile"),
        Some(&learner),
        Some(&format!(
            "csrf={learner_csrf}&skill=guild%3Askill%2Fread-engineering-drawings&level%3Aguild%3Askill%2Fread-engineering-drawings=2&hours_per_week=30&languages=en&work_mode=remote"
        )),
    );
    assert_eq!(status, 303, "{page}");
    let (status, page, _) = send(
        "GET",
        &format!("{base}/transitions/path?to=guild%3Aoccupation%2Fmachinist"),
        Some(&learner),
        None,
    );
    assert_eq!(status, 200, "{page}");
    let teach = &page[page
        .find("People on Guild who teach these skills")
        .expect("a trainers section")..];
    assert!(
        teach.contains("Rex") && teach.contains("30.00 EUR/h"),
        "{teach}"
    );
}

/// A `multipart/form-data` body with the CSRF token and one file.
fn upload(csrf: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "guild-test-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn post_upload(url: &str, cookie: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let result = agent()
        .post(url)
        .set("cookie", cookie)
        .set("content-type", content_type)
        .send_bytes(body);
    match result {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => panic!("{url}: {e}"),
    }
}

/// A machinist sends his CV as a PDF, an orderpicker hers as a DOCX in Dutch: each becomes the
/// skills to confirm, as typed text would. What cannot be read says why, on the page.
fn a_cv_sent_as_pdf_or_docx_becomes_skills_to_confirm(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = &server.base;
    let (status, _, session) = send(
        "POST",
        &format!("{base}/signup"),
        None,
        Some("display_name=Rex&email=rex%40example.org&password=a+long+enough+password"),
    );
    assert_eq!(status, 303);
    let session = session.unwrap();
    let (_, page, _) = send("GET", &format!("{base}/welcome"), Some(&session), None);
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let csrf = csrf_in(&page);
    let url = format!("{base}/welcome/cv");

    let pdf = guild_documents::sample::pdf(&[
        "Rex Turner - CNC machinist",
        "Wrote G-code programs for CNC lathes and milling machines for 15 years.",
        "Read engineering drawings and measured parts with calipers and micrometers.",
    ])
    .unwrap();
    let (ct, body) = upload(&csrf, "rex-cv.pdf", &pdf);
    let (status, page) = post_upload(&url, &session, &ct, &body);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("guild:skill/g-code"),
        "the PDF's text was read: {page}"
    );
    assert!(
        page.contains("guild:skill/read-engineering-drawings"),
        "{page}"
    );

    let docx = guild_documents::sample::docx(&[
        "Orderpicker, Bol.com magazijn Waalwijk",
        "Ik verzamel bestellingen met een handscanner en rijd met een elektrische palletwagen.",
    ])
    .unwrap();
    let (ct, body) = upload(&csrf, "cv.docx", &docx);
    let (status, page) = post_upload(&url, &format!("{session}; guild_lang=nl"), &ct, &body);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("guild:skill/barcode-and-rf-scanning") || page.contains("pallet"),
        "the DOCX's Dutch text was read: {page}"
    );

    // The command line reads the same files.
    let file = store.dir().join("rex-cv.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = store.guild_ok(&["profile", "extract", file.to_str().unwrap()]);
    assert!(out.to_lowercase().contains("g-code"), "{out}");
    let bad = store.dir().join("old.doc");
    std::fs::write(&bad, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]).unwrap();
    let o = store.guild(&["profile", "extract", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("save it as PDF, DOCX or plain text"));

    // What cannot be read: the reason on the page, in the reader's language.
    let scanned = guild_documents::sample::pdf(&[]).unwrap();
    for (name, bytes, says) in [
        (
            "old.doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            "save it as PDF, DOCX or plain text",
        ),
        ("scan.pdf", scanned, "has no text in it"),
        (
            "broken.pdf",
            b"%PDF-1.7\nnot really".to_vec(),
            "cannot be read",
        ),
        (
            "photo.png",
            vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A],
            "a picture",
        ),
    ] {
        let (ct, body) = upload(&csrf, name, &bytes);
        let (status, page) = post_upload(&url, &session, &ct, &body);
        assert_eq!(status, 422, "{name}: {page}");
        assert!(page.contains(says), "{name}: {page}");
        assert!(page.contains("id=\"form-error\""), "{name}: {page}");
    }
    let (ct, body) = upload(&csrf, "old.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]);
    let (_, page) = post_upload(&url, &format!("{session}; guild_lang=nl"), &ct, &body);
    assert!(
        page.contains("Guild leest PDF, Word (.docx) en platte tekst"),
        "{page}"
    );
    // Without the session's token: refused, nothing read.
    let (ct, body) = upload(&"0".repeat(64), "rex-cv.pdf", &pdf);
    assert_eq!(post_upload(&url, &session, &ct, &body).0, 403);
    // Over the limit: a page that says so, before the file is read.
    let (ct, body) = upload(&csrf, "huge.pdf", &vec![b'a'; 6 * 1024 * 1024]);
    let (status, page) = post_upload(&url, &session, &ct, &body);
    assert_eq!(status, 413, "{page}");
    assert!(page.contains("over 5 MB"), "{page}");
}
