//! Skill tests through the real server, on both backends: an organisation sets a test, a
//! worker takes it (random draw, no answers shown, one attempt at a time), passes and gets the
//! organisation's credential and `assessed` evidence; a failure starts a cooldown; practical
//! tasks wait for the organisation's assessor; late answers fail; strangers see nothing.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

const LATHE: &str = "guild:skill/operate-cnc-lathe";

fn bank() -> Value {
    json!([
        {"kind": "choice", "prompt": "Q1 Which tool measures to 0.01 mm?", "options": ["ruler", "micrometer"], "correct": [1]},
        {"kind": "choice", "prompt": "Q2 Coolant on aluminium?", "options": ["yes", "no"], "correct": [0]},
        {"kind": "exact", "prompt": "Q3 G-code for a rapid move?", "answers": ["G0", "G00"]},
        {"kind": "pattern", "prompt": "Q4 rpm for 20 mm at 200 m/min?", "pattern": "3[01]\\d\\d"},
        {"kind": "exact", "prompt": "Q5 Unit of feed per revolution?", "answers": ["mm/rev"]}
    ])
}

/// The right answer to an asked question, by its prompt.
fn right(q: &Value) -> Value {
    let p = q["prompt"].as_str().unwrap();
    match &p[..2] {
        "Q1" => json!([1]),
        "Q2" => json!([0]),
        "Q3" => json!("g00"),
        "Q4" => json!("3183"),
        "Q5" => json!("MM/REV"),
        _ => json!("https://photos.example/part-1.jpg"),
    }
}

crate::on_both_backends!(skill_tests_certify_what_they_test);

fn skill_tests_certify_what_they_test(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
        server.sign_up("carol@example.org"),
    );
    let worker = server
        .call("POST", "/api/v1/workers", Some(&alice), Some(&json!({"name": "Alice", "skills": [],
            "hours_per_week": 20, "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})))
        .body["id"]
        .as_i64()
        .unwrap();
    server.call(
        "POST",
        "/api/v1/organisations",
        Some(&bob),
        Some(&json!({"slug": "ferro", "name": "Ferro Academy"})),
    );
    server.call("POST", "/api/v1/organisations/ferro/keys", Some(&bob), None);

    let test = json!({"skill": LATHE, "level": 3, "title": "CNC lathe, competent", "questions_per_attempt": 4,
        "pass_percent": 75, "time_limit_minutes": 30, "cooldown_hours": 24, "questions": bank()});
    let a = server.call(
        "POST",
        "/api/v1/organisations/ferro/tests",
        Some(&carol),
        Some(&test),
    );
    assert_eq!(a.status, 403, "{}", a.body);
    let mut bad = test.clone();
    bad["questions_per_attempt"] = json!(9);
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/organisations/ferro/tests",
                Some(&bob),
                Some(&bad)
            )
            .status,
        400
    );
    bad = test.clone();
    bad["questions"][3]["pattern"] = json!("(");
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/organisations/ferro/tests",
                Some(&bob),
                Some(&bad)
            )
            .status,
        400
    );
    let a = server.call(
        "POST",
        "/api/v1/organisations/ferro/tests",
        Some(&bob),
        Some(&test),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let test_id = a.body["id"].as_i64().unwrap();
    let listed = server.get(&format!(
        "/api/v1/tests?skill={}",
        crate::harness::encode(LATHE)
    ));
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert!(
        !listed.body.to_string().contains("micrometer"),
        "the bank stays hidden"
    );

    // An attempt: four of five questions, no answers in sight.
    let start = |token: &str, w: i64| {
        server.call(
            "POST",
            &format!("/api/v1/tests/{test_id}/attempts"),
            Some(token),
            Some(&json!({"worker": w})),
        )
    };
    assert_eq!(start(&carol, worker).status, 403, "not her profile");
    let a = start(&alice, worker);
    assert_eq!(a.status, 201, "{}", a.body);
    let attempt = a.body["id"].as_i64().unwrap();
    let questions = a.body["questions"].as_array().unwrap().clone();
    assert_eq!(questions.len(), 4);
    assert!(!a.body.to_string().contains("\"correct\"") && !a.body.to_string().contains("3183"));
    assert_eq!(start(&alice, worker).status, 409, "one attempt at a time");
    let path = format!("/api/v1/attempts/{attempt}");
    assert_eq!(server.call("GET", &path, Some(&carol), None).status, 404);
    let answers: Vec<Value> = questions.iter().map(right).collect();
    let send = |token: &str, p: &str, answers: &[Value]| {
        server.call(
            "POST",
            &format!("{p}/answers"),
            Some(token),
            Some(&json!({"answers": answers})),
        )
    };
    assert_eq!(send(&carol, &path, &answers).status, 404);
    assert_eq!(send(&alice, &path, &answers[..3]).status, 400);
    let a = send(&alice, &path, &answers);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "passed", "{}", a.body);
    assert_eq!(send(&alice, &path, &answers).status, 409, "answered once");
    let credential = a.body["credential"].as_str().unwrap().to_owned();
    // The organisation's credential, valid anywhere; assessed evidence on the profile.
    let doc = server
        .call(
            "GET",
            &format!("/api/v1/credentials/{credential}"),
            Some(&alice),
            None,
        )
        .body;
    assert_eq!(doc["credentialSubject"]["result"][0]["value"], "3");
    let report = server.post(
        "/api/v1/credentials/verify",
        &doc.to_string(),
        "application/json",
    );
    assert_eq!(report.body["outcome"], "valid", "{}", report.body);
    let w = server
        .call(
            "GET",
            &format!("/api/v1/workers/{worker}"),
            Some(&alice),
            None,
        )
        .body;
    let lathe = w["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == LATHE)
        .unwrap()
        .clone();
    assert_eq!(
        (lathe["proficiency"].as_i64(), lathe["evidence"].as_str()),
        (Some(3), Some("assessed"))
    );

    // A failure starts the cooldown.
    let a = start(&alice, worker);
    assert_eq!(a.status, 201, "{}", a.body);
    let p2 = format!("/api/v1/attempts/{}", a.body["id"]);
    let wrong: Vec<Value> = a.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|_| json!("no idea"))
        .collect();
    let a = send(&alice, &p2, &wrong);
    assert_eq!(a.body["status"], "failed", "{}", a.body);
    let a = start(&alice, worker);
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"].as_str().unwrap().contains("cooldown"),
        "{}",
        a.body
    );

    // Practical tasks wait for an assessor of the organisation.
    let practical = json!({"skill": LATHE, "level": 4, "title": "CNC lathe, proficient (practical)", "questions_per_attempt": 1,
        "pass_percent": 100, "time_limit_minutes": 60, "cooldown_hours": 0,
        "questions": [{"kind": "practical", "prompt": "Q9 Turn the part in the drawing and upload a photo."}]});
    let pid = server
        .call(
            "POST",
            "/api/v1/organisations/ferro/tests",
            Some(&bob),
            Some(&practical),
        )
        .body["id"]
        .as_i64()
        .unwrap();
    let a = server.call(
        "POST",
        &format!("/api/v1/tests/{pid}/attempts"),
        Some(&alice),
        Some(&json!({"worker": worker})),
    );
    let p3 = format!("/api/v1/attempts/{}", a.body["id"]);
    let a = send(&alice, &p3, &[json!("https://photos.example/part-1.jpg")]);
    assert_eq!(a.body["status"], "awaiting_assessor", "{}", a.body);
    let mark = |token: &str, right: bool| {
        server.call(
            "POST",
            &format!("{p3}/assessment"),
            Some(token),
            Some(&json!({"marks": [{"question": 1, "right": right}]})),
        )
    };
    assert_eq!(mark(&alice, true).status, 403, "never one's own");
    assert_eq!(mark(&carol, true).status, 404);
    assert_eq!(
        server.call("GET", &p3, Some(&bob), None).status,
        200,
        "the assessor sees it"
    );
    let a = mark(&bob, true);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "passed");
    assert_eq!(mark(&bob, true).status, 409);

    // Late answers fail (the clock is moved forward in the store).
    let db = std::sync::Arc::new(
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap(),
    );
    let platform = guild_platform::Platform::new(db.clone(), None);
    let publication =
        guild_credentials::issuer::Publication::new("http://127.0.0.1:1", false).unwrap();
    let alice_id = server.call("GET", "/api/v1/me", Some(&alice), None).body["id"]
        .as_i64()
        .unwrap();
    let a = server.call(
        "POST",
        &format!("/api/v1/tests/{pid}/attempts"),
        Some(&alice),
        Some(&json!({"worker": worker})),
    );
    let late_id = a.body["id"].as_i64().unwrap();
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(61);
    let v = platform
        .submit_attempt(
            &publication,
            guild_ids::AttemptId(late_id),
            guild_ids::AccountId(alice_id),
            &[Some(guild_market::assessment::Answer::Text("photo".into()))],
            later,
        )
        .unwrap();
    assert_eq!(v.status, guild_market::assessment::AttemptStatus::Failed);
    assert!(v.detail.unwrap().contains("time limit"));

    // A training gig: Bob teaches Alice; the milestone is Alice passing a test, and her pass
    // pays him.
    let t3 = server.call("POST", "/api/v1/organisations/ferro/tests", Some(&bob), Some(&json!({"skill": LATHE, "level": 2,
        "title": "CNC lathe basics", "questions_per_attempt": 4, "pass_percent": 75, "time_limit_minutes": 30,
        "cooldown_hours": 0, "questions": bank()}))).body["id"].as_i64().unwrap();
    let bobs = server.call("POST", "/api/v1/workers", Some(&bob), Some(&json!({"name": "Bob", "skills": [],
        "hours_per_week": 10, "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]}))).body["id"].as_i64().unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "learner-funds",
            guild_ids::AccountId(alice_id),
            guild_market::Amount::parse("100", eur).unwrap(),
            "deposit",
        )
        .unwrap();
    let c = server.call("POST", "/api/v1/contracts", Some(&alice), Some(&json!({"worker": bobs, "title": "Lathe lessons",
        "currency": "EUR", "milestones": [{"title": "Alice passes the basics test", "amount": "100", "test": t3}]})));
    assert_eq!(c.status, 201, "{}", c.body);
    let cid = c.body["id"].as_i64().unwrap();
    assert_eq!(c.body["milestones"][0]["test"], t3);
    let bad = server.call(
        "POST",
        "/api/v1/contracts",
        Some(&alice),
        Some(&json!({"worker": bobs, "title": "x",
        "currency": "EUR", "milestones": [{"title": "x", "amount": "1", "test": 999}]})),
    );
    assert_eq!(bad.status, 404, "{}", bad.body);
    let act = |token: &str, path: &str| {
        server.call(
            "POST",
            &format!("/api/v1/contracts/{cid}{path}"),
            Some(token),
            None,
        )
    };
    assert_eq!(act(&bob, "/accept").status, 200);
    assert_eq!(act(&alice, "/milestones/1/fund").status, 200);
    let a = act(&bob, "/milestones/1/submit");
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("training milestone"),
        "{}",
        a.body
    );
    let a = server.call(
        "POST",
        &format!("/api/v1/tests/{t3}/attempts"),
        Some(&alice),
        Some(&json!({"worker": worker})),
    );
    let p4 = format!("/api/v1/attempts/{}", a.body["id"]);
    let answers: Vec<Value> = a.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(right)
        .collect();
    assert_eq!(send(&alice, &p4, &answers).body["status"], "passed");
    let c = server
        .call("GET", &format!("/api/v1/contracts/{cid}"), Some(&bob), None)
        .body;
    assert_eq!(
        (c["status"].as_str(), c["milestones"][0]["status"].as_str()),
        (Some("completed"), Some("approved")),
        "{c}"
    );
    let wallet = server.call("GET", "/api/v1/wallet", Some(&bob), None).body;
    assert_eq!(wallet["balances"][0]["balance"], "90.00", "{wallet}");
}
