//! Contracts through the real server and binary, on both backends: a proposal the worker sees
//! with its pay after fees, escrow funding, submission, changes, approval, automatic approval
//! after the review deadline, cancellation with refunds, a dispute decided by the platform, and
//! every action out of order or by the wrong party refused with nothing changed. The ledger
//! audit holds after it all.

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

fn wallet_balance(server: &Server, token: &str, kind: &str) -> String {
    server.call("GET", "/api/v1/wallet", Some(token), None).body["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind && b["currency"] == "EUR")
        .map(|b| b["balance"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| "0.00".to_owned())
}

fn post(server: &Server, token: &str, path: &str) -> crate::harness::Answer {
    server.call("POST", path, Some(token), None)
}

crate::on_both_backends!(contracts_move_money_through_escrow);

fn contracts_move_money_through_escrow(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
        server.sign_up("carol@example.org"),
    );
    let me = server.call("GET", "/api/v1/me", Some(&alice), None).body;
    let alice_id = me["id"].as_i64().unwrap();
    let worker = server.call(
        "POST",
        "/api/v1/workers",
        Some(&bob),
        Some(
            &json!({"name": "Bob", "skills": [], "hours_per_week": 30, "utc_offset_minutes": 60,
            "work_mode": "remote", "languages": ["en"]}),
        ),
    );
    assert_eq!(worker.status, 201, "{}", worker.body);
    let worker_id = worker.body["id"].as_i64().unwrap();
    // Alice's deposit arrived (the bank rail is tested in money_api).
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "dep-1",
            guild_ids::AccountId(alice_id),
            guild_market::Amount::parse("500", eur).unwrap(),
            "deposit",
        )
        .unwrap();

    let proposal = |milestones: Value| json!({"worker": worker_id, "title": "Lathe fixtures", "currency": "EUR", "milestones": milestones, "review_days": 7});
    let a = server.call(
        "POST",
        "/api/v1/contracts",
        Some(&alice),
        Some(&proposal(
            json!([{"title": "Design", "amount": "100.00"}, {"title": "Parts", "amount": "50"}]),
        )),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let id = a.body["id"].as_i64().unwrap();
    // The worker sees its pay after the fee before accepting.
    let seen = server.call("GET", &format!("/api/v1/contracts/{id}"), Some(&bob), None);
    assert_eq!(seen.body["milestones"][0]["worker_receives"], "90.00");
    assert_eq!(seen.body["milestones"][0]["fee"], "10.00");
    let c = |path: &str| format!("/api/v1/contracts/{id}{path}");
    // Strangers see nothing; the wrong party and the wrong order are refused.
    assert_eq!(server.call("GET", &c(""), Some(&carol), None).status, 404);
    assert_eq!(post(&server, &carol, &c("/accept")).status, 404);
    assert!(
        server
            .call("GET", "/api/v1/contracts", Some(&carol), None)
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    let a = post(&server, &alice, &c("/accept"));
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("only the worker"),
        "{}",
        a.body
    );
    assert_eq!(a.body["type"], "urn:guild:problem:contract-refused");
    assert_eq!(post(&server, &alice, &c("/milestones/1/fund")).status, 409);
    assert_eq!(post(&server, &bob, &c("/accept")).status, 200);
    assert_eq!(post(&server, &bob, &c("/accept")).status, 409);
    let a = post(&server, &alice, &c("/milestones/1/approve"));
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"].as_str().unwrap().contains("unfunded"),
        "{}",
        a.body
    );
    assert_eq!(post(&server, &alice, &c("/milestones/3/fund")).status, 409);
    assert_eq!(post(&server, &alice, &c("/milestones/0/fund")).status, 400);
    assert_eq!(post(&server, &alice, &c("/milestones/1/pay")).status, 404);
    assert_eq!(wallet_balance(&server, &alice, "client_funds"), "500.00");

    // Fund, submit, changes, submit, approve.
    let a = post(&server, &alice, &c("/milestones/1/fund"));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["escrow"], "100.00");
    assert_eq!(
        post(&server, &alice, &c("/milestones/1/fund")).status,
        409,
        "funded once"
    );
    assert_eq!(wallet_balance(&server, &alice, "client_funds"), "400.00");
    assert_eq!(
        post(&server, &alice, &c("/milestones/1/submit")).status,
        409
    );
    assert_eq!(post(&server, &bob, &c("/milestones/1/submit")).status, 200);
    assert_eq!(
        post(&server, &alice, &c("/milestones/1/request-changes")).status,
        200
    );
    assert_eq!(post(&server, &bob, &c("/milestones/1/approve")).status, 409);
    assert_eq!(post(&server, &bob, &c("/milestones/1/submit")).status, 200);
    let a = post(&server, &alice, &c("/milestones/1/approve"));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["escrow"], "0.00");
    assert_eq!(wallet_balance(&server, &bob, "worker_balance"), "90.00");

    // The second milestone is approved automatically once its review is overdue.
    assert_eq!(post(&server, &alice, &c("/milestones/2/fund")).status, 200);
    let a = post(&server, &bob, &c("/milestones/2/submit"));
    let due = a.body["milestones"][1]["review_due"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        store
            .guild_ok(&["contracts", "sweep"])
            .starts_with("0 milestones")
    );
    let later = due.parse::<jiff::Timestamp>().unwrap() + jiff::SignedDuration::from_secs(1);
    let out = store.guild_ok(&["contracts", "sweep", "--at", &later.to_string()]);
    assert!(out.starts_with("1 milestones"), "{out}");
    let a = server.call("GET", &c(""), Some(&alice), None);
    assert_eq!(a.body["status"], "completed", "{}", a.body);
    assert_eq!(wallet_balance(&server, &bob, "worker_balance"), "135.00");

    // Cancelling refunds what was funded and not submitted.
    let second = server
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&alice),
            Some(&proposal(
                json!([{"title": "A", "amount": "40"}, {"title": "B", "amount": "60"}]),
            )),
        )
        .body["id"]
        .as_i64()
        .unwrap();
    let c2 = |path: &str| format!("/api/v1/contracts/{second}{path}");
    post(&server, &bob, &c2("/accept"));
    assert_eq!(post(&server, &alice, &c2("/milestones/1/fund")).status, 200);
    assert_eq!(wallet_balance(&server, &alice, "client_funds"), "310.00");
    assert_eq!(
        post(&server, &bob, &c2("/cancel")).status,
        409,
        "only the client cancels"
    );
    let a = post(&server, &alice, &c2("/cancel"));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["status"], "cancelled");
    assert_eq!(a.body["milestones"][0]["status"], "refunded");
    assert_eq!(wallet_balance(&server, &alice, "client_funds"), "350.00");

    // Submitted work is not cancelled away: it is disputed, and the platform decides.
    let third = server
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&alice),
            Some(&proposal(json!([{"title": "C", "amount": "200"}]))),
        )
        .body["id"]
        .as_i64()
        .unwrap();
    let c3 = |path: &str| format!("/api/v1/contracts/{third}{path}");
    post(&server, &bob, &c3("/accept"));
    post(&server, &alice, &c3("/milestones/1/fund"));
    post(&server, &bob, &c3("/milestones/1/submit"));
    let a = post(&server, &alice, &c3("/cancel"));
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"].as_str().unwrap().contains("dispute"),
        "{}",
        a.body
    );
    assert_eq!(post(&server, &bob, &c3("/dispute")).status, 200);
    assert_eq!(
        post(&server, &alice, &c3("/milestones/1/approve")).status,
        409,
        "frozen while disputed"
    );
    let out = store.guild(&[
        "contracts",
        "resolve",
        &third.to_string(),
        "--worker-percent",
        "101",
    ]);
    assert!(!out.status.success());
    let out = store.guild_ok(&[
        "contracts",
        "resolve",
        &third.to_string(),
        "--worker-percent",
        "30",
    ]);
    assert!(
        out.contains("cancelled") && out.contains("escrow left 0.00"),
        "{out}"
    );
    // 30 % of 200 = 60, less the 10 % fee: 54 to Bob; 140 back to Alice.
    assert_eq!(wallet_balance(&server, &bob, "worker_balance"), "189.00");
    assert_eq!(wallet_balance(&server, &alice, "client_funds"), "290.00");

    // Not enough money: refused, nothing moved.
    let big = server
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&alice),
            Some(&proposal(json!([{"title": "D", "amount": "1000"}]))),
        )
        .body["id"]
        .as_i64()
        .unwrap();
    post(&server, &bob, &format!("/api/v1/contracts/{big}/accept"));
    let a = post(
        &server,
        &alice,
        &format!("/api/v1/contracts/{big}/milestones/1/fund"),
    );
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("insufficient funds"),
        "{}",
        a.body
    );
    assert_eq!(a.body["type"], "urn:guild:problem:insufficient-funds");
    assert_eq!(wallet_balance(&server, &alice, "client_funds"), "290.00");

    // Bad proposals.
    for bad in [
        json!({"worker": worker_id, "title": "x", "currency": "EUR", "milestones": []}),
        json!({"worker": worker_id, "title": "x", "currency": "EUR", "milestones": [{"title": "a", "amount": "0.001"}]}),
        json!({"worker": worker_id, "title": "x", "currency": "EUR", "milestones": [{"title": "a", "amount": "-1"}]}),
        json!({"worker": worker_id, "title": "x", "currency": "ZZZ", "milestones": [{"title": "a", "amount": "1"}]}),
    ] {
        let a = server.call("POST", "/api/v1/contracts", Some(&alice), Some(&bad));
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
    }
    assert_eq!(server.call("POST", "/api/v1/contracts", Some(&alice), Some(&json!({"worker": 999, "title": "x", "currency": "EUR", "milestones": [{"title": "a", "amount": "1"}]}))).status, 404);

    // Reviews: only the client, only once the contract ended, once; then matching and the
    // reputation credential see them.
    let review = json!({"rating": 5, "body": "Precise and on time.", "skills": [{"skill": "guild:skill/operate-cnc-lathe", "rating": 5}]});
    let r = |token: &str, contract: i64, body: &Value| {
        server.call(
            "POST",
            &format!("/api/v1/contracts/{contract}/review"),
            Some(token),
            Some(body),
        )
    };
    assert_eq!(r(&alice, big, &review).status, 409, "not ended");
    assert_eq!(r(&bob, id, &review).status, 403);
    // The worker reviews the client the other way.
    let cr = |token: &str, contract: i64, body: &Value| {
        server.call(
            "POST",
            &format!("/api/v1/contracts/{contract}/client-review"),
            Some(token),
            Some(body),
        )
    };
    assert_eq!(
        cr(&alice, id, &json!({"rating": 5, "body": "x"})).status,
        403
    );
    assert_eq!(
        cr(&bob, big, &json!({"rating": 5, "body": "x"})).status,
        409
    );
    let a = cr(
        &bob,
        id,
        &json!({"rating": 4, "body": "Clear drawings, paid on time."}),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        a.body,
        json!({"client": alice_id, "reviews": 1, "mean_hundredths": 400})
    );
    assert_eq!(
        cr(&bob, id, &json!({"rating": 4, "body": "again"})).status,
        409
    );
    let rep = server.call(
        "GET",
        &format!("/api/v1/accounts/{alice_id}/client-reputation"),
        Some(&carol),
        None,
    );
    assert_eq!(rep.body["reviews"], 1);
    assert_eq!(r(&carol, id, &review).status, 404);
    assert_eq!(
        r(&alice, id, &json!({"rating": 6, "body": "x"})).status,
        400
    );
    let a = r(&alice, id, &review);
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["outcome"], "finished");
    assert_eq!(r(&alice, id, &review).status, 409, "once per contract");
    assert_eq!(
        r(&alice, second, &review).status,
        409,
        "cancelled before any work was paid"
    );
    let a = r(&alice, third, &json!({"rating": 2, "body": "Late."}));
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["outcome"], "ended");
    let w = server
        .call(
            "GET",
            &format!("/api/v1/workers/{worker_id}"),
            Some(&bob),
            None,
        )
        .body;
    assert_eq!(w["reputation"], json!({"rating": 3.5, "reviews": 2}), "{w}");

    // Each party takes all its data with it; nobody else's, and no secret.
    let export = server.call("GET", "/api/v1/me/export", Some(&bob), None);
    assert_eq!(export.status, 200, "{}", export.body);
    let e = &export.body;
    assert_eq!(e["account"][0]["email"], "bob@example.org");
    assert_eq!(e["workers"][0]["id"], worker_id);
    assert_eq!(e["contracts"].as_array().unwrap().len(), 4);
    assert_eq!(e["reviews_received"].as_array().unwrap().len(), 2);
    assert!(
        e["ledger_postings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["account_kind"] == "worker_balance")
    );
    let text = e.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("token_hash") && !text.contains("gld_"),
        "{text}"
    );
    // Alice's own money is not in Bob's export.
    assert!(e["payment_instructions"].as_array().unwrap().is_empty());
    let carols = server
        .call("GET", "/api/v1/me/export", Some(&carol), None)
        .body;
    assert!(carols["contracts"].as_array().unwrap().is_empty());
    assert_eq!(server.get("/api/v1/me/export").status, 401);

    // Messages between the parties, with attachments judged by their content; notifications.
    let msg = |token: &str, body: &Value| {
        server.call(
            "POST",
            &format!("/api/v1/contracts/{id}/messages"),
            Some(token),
            Some(body),
        )
    };
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let a = msg(
        &bob,
        &json!({"body": "Drawings attached.", "attachments": [
        {"filename": "part.png", "content_base64": png},
        {"filename": "notes.txt", "content_base64": "dG9sZXJhbmNlcyDCsTAuMDE="}]}),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["attachments"][0]["content_type"], "image/png");
    assert_eq!(
        a.body["attachments"][1]["content_type"],
        "text/plain; charset=utf-8"
    );
    let att = a.body["attachments"][0]["id"].as_i64().unwrap();
    // An executable called .png, an empty file, a stranger: refused.
    let exe = "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA4fug4AtAnNIbgBTM0hVGhpcyBwcm9ncmFt";
    let a = msg(
        &bob,
        &json!({"body": "x", "attachments": [{"filename": "x.png", "content_base64": exe}]}),
    );
    assert_eq!(a.status, 422, "{}", a.body);
    let a = msg(
        &bob,
        &json!({"body": "x", "attachments": [{"filename": "x.txt", "content_base64": "!!"}]}),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(msg(&carol, &json!({"body": "hi"})).status, 404);
    assert_eq!(msg(&alice, &json!({"body": "  "})).status, 400);
    let huge = "A".repeat(700 * 1024);
    assert_eq!(
        msg(
            &bob,
            &json!({"body": "x", "attachments": [{"filename": "b.txt", "content_base64": huge}]})
        )
        .status,
        400
    );
    assert_eq!(msg(&alice, &json!({"body": "Thanks!"})).status, 201);
    let list = server.call(
        "GET",
        &format!("/api/v1/contracts/{id}/messages"),
        Some(&alice),
        None,
    );
    assert_eq!(list.body.as_array().unwrap().len(), 2, "{}", list.body);
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/contracts/{id}/messages"),
                Some(&carol),
                None
            )
            .status,
        404
    );
    let d = server.call(
        "GET",
        &format!("/api/v1/contracts/{id}/attachments/{att}"),
        Some(&alice),
        None,
    );
    assert_eq!((d.status, d.content_type.as_str()), (200, "image/png"));
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/contracts/{id}/attachments/{att}"),
                Some(&carol),
                None
            )
            .status,
        404
    );
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/contracts/{second}/attachments/{att}"),
                Some(&alice),
                None
            )
            .status,
        404
    );
    let n = server
        .call(
            "GET",
            "/api/v1/notifications?unread=true",
            Some(&alice),
            None,
        )
        .body;
    let n = n.as_array().unwrap();
    assert!(n.iter().any(|x| x["kind"] == "message"), "{n:?}");
    assert!(
        n.iter()
            .any(|x| x["kind"] == "contract" && x["text"].as_str().unwrap().contains("Accept")),
        "{n:?}"
    );
    let newest = n[0]["id"].as_i64().unwrap();
    let a = server.call(
        "POST",
        "/api/v1/notifications/read",
        Some(&alice),
        Some(&json!({"up_to": newest})),
    );
    assert_eq!(a.status, 204);
    assert!(
        server
            .call(
                "GET",
                "/api/v1/notifications?unread=true",
                Some(&alice),
                None
            )
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Proposals: Bob applies to Alice's task (no fee), Alice invites, accepts: a contract.
    let task = server.call(
        "POST",
        "/api/v1/tasks",
        Some(&alice),
        Some(&json!({
        "title": "Fixture for a lathe", "required": [{"skill": "guild:skill/operate-cnc-lathe"}],
        "place": {"kind": "remote"}, "utc_offset_minutes": 0, "min_overlap_hours": 0, "hours": 10,
        "budget": {"minor": 30000, "currency": "EUR"}, "languages": ["en"]})),
    );
    assert_eq!(task.status, 201, "{}", task.body);
    let tid = task.body["id"].as_i64().unwrap();
    let inv = server.call(
        "POST",
        &format!("/api/v1/tasks/{tid}/invitations"),
        Some(&alice),
        Some(&json!({"worker": worker_id})),
    );
    assert_eq!(inv.status, 204, "{}", inv.body);
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/tasks/{tid}/invitations"),
                Some(&carol),
                Some(&json!({"worker": worker_id}))
            )
            .status,
        403
    );
    let offer = json!({"worker": worker_id, "cover": "I turn fixtures weekly.", "amount": "280.00", "currency": "EUR"});
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/tasks/{tid}/proposals"),
                Some(&carol),
                Some(&offer)
            )
            .status,
        403
    );
    let p = server.call(
        "POST",
        &format!("/api/v1/tasks/{tid}/proposals"),
        Some(&bob),
        Some(&offer),
    );
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/tasks/{tid}/proposals"),
                Some(&bob),
                Some(&offer)
            )
            .status,
        409,
        "one proposal per worker"
    );
    let pid = p.body["id"].as_i64().unwrap();
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/tasks/{tid}/proposals"),
                Some(&bob),
                None
            )
            .status,
        403
    );
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/tasks/{tid}/proposals"),
                Some(&alice),
                None
            )
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Talking it over on the proposal: only the two of them.
    let pm = |token: &str, text: &str| {
        server.call(
            "POST",
            &format!("/api/v1/proposals/{pid}/messages"),
            Some(token),
            Some(&json!({"body": text})),
        )
    };
    assert_eq!(pm(&alice, "Can you start Monday?").status, 201);
    assert_eq!(pm(&bob, "Yes.").status, 201);
    assert_eq!(pm(&carol, "Me too!").status, 404);
    assert_eq!(pm(&bob, " ").status, 400);
    let thread = server
        .call(
            "GET",
            &format!("/api/v1/proposals/{pid}/messages"),
            Some(&bob),
            None,
        )
        .body;
    assert_eq!(thread.as_array().unwrap().len(), 2, "{thread}");
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/proposals/{pid}/messages"),
                Some(&carol),
                None
            )
            .status,
        404
    );
    assert_eq!(
        post(&server, &carol, &format!("/api/v1/proposals/{pid}/accept")).status,
        404
    );
    assert_eq!(
        post(&server, &bob, &format!("/api/v1/proposals/{pid}/accept")).status,
        403
    );
    // Accepted four times at once (a double click, two tabs): one decision, one contract.
    let contracts = |server: &Server| {
        server
            .get_ok_as("/api/v1/contracts", &alice)
            .as_array()
            .unwrap()
            .len()
    };
    let before = contracts(&server);
    let answers: Vec<crate::harness::Answer> = std::thread::scope(|scope| {
        let accepts: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| post(&server, &alice, &format!("/api/v1/proposals/{pid}/accept")))
            })
            .collect();
        accepts.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 409, 409, 409],
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    assert_eq!(contracts(&server), before + 1);
    let a = answers.into_iter().find(|a| a.status == 200).unwrap();
    let cid = a.body["contract"].as_i64().unwrap();
    let c = server
        .call("GET", &format!("/api/v1/contracts/{cid}"), Some(&bob), None)
        .body;
    assert_eq!(
        (c["status"].as_str(), c["milestones"][0]["amount"].as_str()),
        (Some("active"), Some("280.00"))
    );
    assert_eq!(
        post(&server, &alice, &format!("/api/v1/proposals/{pid}/decline")).status,
        409
    );
    // The hire fills the task: it is closed, so no longer offered to anyone.
    let task = server.get_ok_as(&format!("/api/v1/tasks/{tid}"), &alice);
    assert_eq!(task["status"], "closed", "{task}");
    let n = server
        .call("GET", "/api/v1/notifications", Some(&bob), None)
        .body;
    assert!(
        n.as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "invitation"),
        "{n}"
    );
    post(&server, &alice, &format!("/api/v1/contracts/{cid}/cancel"));

    // Webhooks: Alice's events are POSTed, signed, to her endpoint; a failure is retried.
    let receiver = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = receiver.local_addr().unwrap().to_string();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in receiver.incoming().enumerate() {
            use std::io::{BufRead, BufReader, Read, Write};
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut head, mut line, mut len) = (String::new(), String::new(), 0usize);
            while reader.read_line(&mut line).unwrap() > 2 {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
                head.push_str(&line);
                line.clear();
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            log.lock()
                .unwrap()
                .push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
            let status = if n == 0 {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    let a = server.call(
        "POST",
        "/api/v1/webhooks",
        Some(&alice),
        Some(&json!({"url": format!("https://{host}/hook")})),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let secret = a.body["secret"].as_str().unwrap().to_owned();
    let hook = a.body["id"].as_i64().unwrap();
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&alice),
                Some(&json!({"url": "ftp://x"}))
            )
            .status,
        400
    );
    assert_eq!(
        server
            .call(
                "GET",
                &format!("/api/v1/webhooks/{hook}/deliveries"),
                Some(&bob),
                None
            )
            .status,
        404
    );
    assert_eq!(msg(&bob, &json!({"body": "Webhook, please."})).status, 201);
    let env = [("GUILD_INSECURE_HTTP_HOSTS".to_owned(), host.clone())];
    let soon = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1)).to_string();
    let out = String::from_utf8(
        store
            .guild_env(&["webhooks", "deliver", "--at", &soon], &env)
            .stdout,
    )
    .unwrap();
    assert!(out.contains("0 delivered, 1 failed"), "{out}");
    let day = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24)).to_string();
    let out = String::from_utf8(
        store
            .guild_env(&["webhooks", "deliver", "--at", &day], &env)
            .stdout,
    )
    .unwrap();
    assert!(out.contains("1 delivered"), "{out}");
    let d = server
        .call(
            "GET",
            &format!("/api/v1/webhooks/{hook}/deliveries"),
            Some(&alice),
            None,
        )
        .body;
    assert_eq!(d[0]["status"], "delivered", "{d}");
    let requests = seen.lock().unwrap().clone();
    let last = requests.last().unwrap();
    let (head, body) = last.split_once("\n\n").unwrap();
    assert!(body.contains("\"event\":\"message\""), "{body}");
    let sig = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("Guild-Signature: ")
                .or_else(|| l.strip_prefix("guild-signature: "))
        })
        .unwrap()
        .trim();
    let t: i64 = sig
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=")
        .parse()
        .unwrap();
    assert_eq!(sig, guild_server::webhooks::signature(&secret, t, body));

    // Deleting an account: refused while a contract is live or money is held; Carol, with
    // neither, goes, and can no longer sign in.
    let del = |token: &str, password: &str| {
        server.call(
            "DELETE",
            "/api/v1/me",
            Some(token),
            Some(&json!({"password": password})),
        )
    };
    assert_eq!(
        del(&bob, "a long enough password").status,
        409,
        "contract 4 is active"
    );
    assert_eq!(del(&carol, "wrong password!").status, 403);
    assert_eq!(del(&carol, "a long enough password").status, 204);
    assert_eq!(
        server.call("GET", "/api/v1/me", Some(&carol), None).status,
        401
    );
    let a = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": "carol@example.org", "password": "a long enough password"})),
    );
    assert_eq!(a.status, 401);
    post(&server, &alice, &format!("/api/v1/contracts/{big}/cancel"));
    let a = del(&bob, "a long enough password");
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("worker_balance"),
        "{}",
        a.body
    );

    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}
