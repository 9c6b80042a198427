//! Hourly contracts through the real server, on both backends: the worker sees the hourly pay
//! after the fee before accepting; the client funds a week at the rate times the cap; the
//! worker logs time within the cap and submits; approval pays the hours and refunds the rest;
//! either party ends the contract once no week is in escrow. Bad timesheets, wrong parties and
//! strangers are refused with nothing changed, and the ledger audit holds.

use serde_json::json;

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(hourly_contracts_pay_timesheets_within_the_weekly_cap);

fn balance(server: &Server, token: &str, kind: &str) -> String {
    server.call("GET", "/api/v1/wallet", Some(token), None).body["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind && b["currency"] == "EUR")
        .map(|b| b["balance"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| "0.00".to_owned())
}

fn hourly_contracts_pay_timesheets_within_the_weekly_cap(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
        server.sign_up("carol@example.org"),
    );
    let alice_id = server.get_ok_as("/api/v1/me", &alice)["id"]
        .as_i64()
        .unwrap();
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&bob),
        Some(&json!({"name": "Bob", "skills": [], "hours_per_week": 30,
            "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]})),
    );
    let worker = w.body["id"].as_i64().unwrap();
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "dep-1",
            guild_ids::AccountId(alice_id),
            guild_market::Amount::parse("1000", eur).unwrap(),
            "deposit",
        )
        .unwrap();

    // Bad terms.
    for (body, words) in [
        (
            json!({"worker": worker, "title": "Books", "currency": "EUR", "hourly_rate": "25.00"}),
            "both",
        ),
        (
            json!({"worker": worker, "title": "Books", "currency": "EUR", "hourly_rate": "25.00", "weekly_cap_hours": 0}),
            "weekly cap",
        ),
        (
            json!({"worker": worker, "title": "Books", "currency": "EUR", "hourly_rate": "-1", "weekly_cap_hours": 10}),
            "hourly_rate",
        ),
        (
            json!({"worker": worker, "title": "Books", "currency": "EUR", "hourly_rate": "25.00", "weekly_cap_hours": 10,
                "milestones": [{"title": "x", "amount": "1"}]}),
            "no milestones",
        ),
    ] {
        let a = server.call("POST", "/api/v1/contracts", Some(&alice), Some(&body));
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert!(
            a.body["detail"].as_str().unwrap().contains(words),
            "{words}: {}",
            a.body
        );
    }

    let made = server.call(
        "POST",
        "/api/v1/contracts",
        Some(&alice),
        Some(
            &json!({"worker": worker, "title": "Bookkeeping", "currency": "EUR",
            "hourly_rate": "25.00", "weekly_cap_hours": 10, "review_days": 3}),
        ),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let c = |p: &str| format!("/api/v1/contracts/{id}{p}");
    let seen = server.get_ok_as(&c(""), &bob);
    assert_eq!(seen["kind"], "hourly");
    assert_eq!(seen["hourly_rate"], "25.00");
    assert_eq!(seen["worker_receives_per_hour"], "22.50");
    assert_eq!(seen["weekly_cap_hours"], 10);
    // Weeks are funded only once the worker accepted.
    let week1 = json!({"week_start": "2026-11-23"});
    assert_eq!(
        server
            .call("POST", &c("/weeks"), Some(&alice), Some(&week1))
            .status,
        409
    );
    assert_eq!(
        server.call("POST", &c("/accept"), Some(&bob), None).status,
        200
    );
    let tuesday = server.call(
        "POST",
        &c("/weeks"),
        Some(&alice),
        Some(&json!({"week_start": "2026-11-24"})),
    );
    assert_eq!(tuesday.status, 400, "{}", tuesday.body);
    assert!(tuesday.body["detail"].as_str().unwrap().contains("Monday"));
    assert_eq!(
        server
            .call("POST", &c("/weeks"), Some(&bob), Some(&week1))
            .status,
        409
    );
    assert_eq!(
        server
            .call("POST", &c("/weeks"), Some(&carol), Some(&week1))
            .status,
        404
    );
    let opened = server.call("POST", &c("/weeks"), Some(&alice), Some(&week1));
    assert_eq!(opened.status, 201, "{}", opened.body);
    assert_eq!(opened.body["escrow"], "250.00");
    assert_eq!(opened.body["milestones"][0]["status"], "funded");
    assert_eq!(opened.body["milestones"][0]["week_start"], "2026-11-23");
    assert_eq!(balance(&server, &alice, "client_funds"), "750.00");
    assert_eq!(
        server
            .call("POST", &c("/weeks"), Some(&alice), Some(&week1))
            .status,
        409
    );

    // Timesheets: within the week, within the cap, by the worker only.
    let sheet = |entries: serde_json::Value| json!({ "entries": entries });
    for (entries, words) in [
        (
            json!([{"date": "2026-11-23", "hours": 8}, {"date": "2026-11-24", "hours": 3}]),
            "weekly cap is 10 h",
        ),
        (
            json!([{"date": "2026-11-30", "hours": 1}]),
            "not in the week",
        ),
        (
            json!([{"date": "2026-11-23", "hours": 1}, {"date": "2026-11-23", "hours": 2}]),
            "twice",
        ),
        (json!([{"date": "2026-11-23", "hours": 25}]), "at most 24"),
        (json!([{"date": "23/11/2026", "hours": 1}]), "not a date"),
    ] {
        let a = server.call(
            "PUT",
            &c("/milestones/1/timesheet"),
            Some(&bob),
            Some(&sheet(entries.clone())),
        );
        assert_eq!(a.status, 400, "{entries}: {}", a.body);
        assert!(
            a.body["detail"].as_str().unwrap().contains(words),
            "{words}: {}",
            a.body
        );
    }
    let good = sheet(json!([
        {"date": "2026-11-23", "hours": 5.5, "note": "Reconciled the bank statements"},
        {"date": "2026-11-25", "hours": 2, "note": "VAT return"}
    ]));
    assert_eq!(
        server
            .call(
                "PUT",
                &c("/milestones/1/timesheet"),
                Some(&alice),
                Some(&good)
            )
            .status,
        409
    );
    assert_eq!(
        server
            .call(
                "PUT",
                &c("/milestones/1/timesheet"),
                Some(&carol),
                Some(&good)
            )
            .status,
        404
    );
    let logged = server.call(
        "PUT",
        &c("/milestones/1/timesheet"),
        Some(&bob),
        Some(&good),
    );
    assert_eq!(logged.status, 200, "{}", logged.body);
    let w1 = &logged.body["milestones"][0];
    assert_eq!(w1["minutes_logged"], 450);
    assert_eq!(w1["billed"], "187.50");
    assert_eq!(w1["worker_receives"], "168.75");
    assert_eq!(w1["fee"], "18.75");
    let entries = server.get_ok_as(&c("/milestones/1/timesheet"), &alice);
    assert_eq!(entries.as_array().unwrap().len(), 2);
    assert_eq!(entries[1]["note"], "VAT return");
    assert_eq!(
        server
            .call("GET", &c("/milestones/1/timesheet"), Some(&carol), None)
            .status,
        404
    );

    // Submit, approve: the hours are paid, the rest of the cap goes back.
    assert_eq!(
        server
            .call("POST", &c("/milestones/1/submit"), Some(&bob), None)
            .status,
        200
    );
    // A submitted week's timesheet is frozen.
    assert_eq!(
        server
            .call(
                "PUT",
                &c("/milestones/1/timesheet"),
                Some(&bob),
                Some(&good)
            )
            .status,
        409
    );
    let approved = server.call("POST", &c("/milestones/1/approve"), Some(&alice), None);
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["status"], "active");
    assert_eq!(approved.body["escrow"], "0.00");
    assert_eq!(balance(&server, &bob, "worker_balance"), "168.75");
    assert_eq!(balance(&server, &alice, "client_funds"), "812.50");

    // A second week with no time: approval refunds it all; then the contract can end.
    let week2 = server.call(
        "POST",
        &c("/weeks"),
        Some(&alice),
        Some(&json!({"week_start": "2026-11-30"})),
    );
    assert_eq!(week2.status, 201, "{}", week2.body);
    let early = server.call("POST", &c("/end"), Some(&bob), None);
    assert_eq!(early.status, 409, "{}", early.body);
    assert!(
        early.body["detail"]
            .as_str()
            .unwrap()
            .contains("week 2 is funded")
    );
    server.call("POST", &c("/milestones/2/submit"), Some(&bob), None);
    server.call("POST", &c("/milestones/2/approve"), Some(&alice), None);
    assert_eq!(balance(&server, &alice, "client_funds"), "812.50");
    assert_eq!(balance(&server, &bob, "worker_balance"), "168.75");
    let ended = server.call("POST", &c("/end"), Some(&bob), None);
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert_eq!(ended.body["status"], "completed");
    // Once ended, it can be reviewed.
    let review = server.call(
        "POST",
        &c("/review"),
        Some(&alice),
        Some(&json!({"rating": 5, "body": "Tidy books."})),
    );
    assert_eq!(review.status, 201, "{}", review.body);
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}
