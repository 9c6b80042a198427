//! Micro-task batches through the real server, on both backends (issue 22): the pay floor
//! refuses a batch that pays too little and names the least price; a requester adds items
//! (one gold), opens the batch (escrow funded from their money, refused when short); workers
//! take items and answer within the time allowed; answers agree into results; everyone who
//! answered is paid, with their pay an hour shown; closing refunds the rest; the ledger holds.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(a_requester_runs_a_batch_and_workers_are_paid);

fn template() -> Value {
    json!({"instructions": "Is there a pallet in the photo?", "fields": [
        {"kind": "choice", "name": "pallet", "label": "A pallet?", "options": ["yes", "no"]}]})
}

fn a_requester_runs_a_batch_and_workers_are_paid(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let requester = server.sign_up("req@example.org");
    let floors = server.get_ok("/api/v1/pay-floors");
    assert!(
        floors
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["currency"] == "EUR" && f["per_hour"] == "14.00"),
        "{floors}"
    );

    // Under the floor, a template with no fields, an unknown currency: refused, nothing kept.
    let batch = |price: &str, currency: &str, template: Value| {
        json!({"title": "Pallets", "template": template, "allowance_secs": 30,
            "price": price, "currency": currency})
    };
    for (body, why) in [
        (batch("0.10", "EUR", template()), "at least 0.12 EUR"),
        (
            batch("0.12", "EUR", json!({"instructions": "x", "fields": []})),
            "no fields",
        ),
        (batch("0.12", "XXY", template()), "currency"),
        (batch("0", "EUR", template()), "price"),
    ] {
        let a = server.call("POST", "/api/v1/batches", Some(&requester), Some(&body));
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.body["detail"].as_str().unwrap().contains(why),
            "{}",
            a.body
        );
    }
    let created = server.created(
        "/api/v1/batches",
        &requester,
        &batch("0.12", "EUR", template()),
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "draft");
    let items = server.call(
        "POST",
        &format!("/api/v1/batches/{id}/items"),
        Some(&requester),
        Some(&json!([
            {"data": {"photo": "a.jpg"}},
            {"data": {"photo": "b.jpg"}, "gold": {"pallet": "no"}},
        ])),
    );
    assert_eq!(items.status, 200, "{}", items.body);
    assert_eq!(items.body["items"], 2);

    // Workers cannot see a draft; the requester cannot open it without the money.
    let workers: Vec<String> = (0..3)
        .map(|i| {
            let token = server.sign_up(&format!("w{i}@example.org"));
            server.created(
                "/api/v1/workers",
                &token,
                &json!({"name": format!("W{i}"), "skills": [], "hours_per_week": 20,
                    "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]}),
            );
            token
        })
        .collect();
    let peek = server.call(
        "GET",
        &format!("/api/v1/batches/{id}"),
        Some(&workers[0]),
        None,
    );
    assert_eq!(peek.status, 404);
    let open = format!("/api/v1/batches/{id}/open");
    let short = server.call("POST", &open, Some(&requester), None);
    assert_eq!(short.status, 409, "{}", short.body);
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let (account, _) = db
        .accounts()
        .account_by_email("req@example.org")
        .unwrap()
        .unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "dep-req",
            account.id,
            guild_market::Amount::parse("10.00", eur).unwrap(),
            "deposit",
        )
        .unwrap();
    let opened = server.call("POST", &open, Some(&requester), None);
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert_eq!(opened.body["status"], "open");

    // Three workers answer the real item (one disagrees); a bad answer, an answer to an item
    // not held, a second answer: refused.
    let mut answered = 0;
    for (token, say) in workers.iter().zip(["yes", "no", "yes"]) {
        let next = format!("/api/v1/batches/{id}/next");
        let item = server.call("POST", &next, Some(token), None);
        assert_eq!(item.status, 200, "{}", item.body);
        assert!(item.body.get("gold").is_none(), "{}", item.body);
        // Profiles 1-3 are not on a gold turn for their first item (the store's unit test
        // covers gold): each is handed the real item.
        assert_eq!(item.body["data"]["photo"], "a.jpg", "{}", item.body);
        let path = format!("/api/v1/batches/{id}/items/{}/answer", item.body["item"]);
        let bad = server.call(
            "POST",
            &path,
            Some(token),
            Some(&json!({"pallet": "maybe"})),
        );
        assert_eq!(bad.status, 400, "{}", bad.body);
        let a = server.call("POST", &path, Some(token), Some(&json!({ "pallet": say })));
        assert_eq!(a.status, 204, "{}", a.body);
        let again = server.call("POST", &path, Some(token), Some(&json!({ "pallet": say })));
        assert_eq!(again.status, 409, "{}", again.body);
        answered += 1;
    }
    assert_eq!(answered, 3);
    // Nothing left for the first worker; the requester alone reads the results.
    let none = server.call(
        "POST",
        &format!("/api/v1/batches/{id}/next"),
        Some(&workers[0]),
        None,
    );
    assert_eq!(none.status, 204);
    let theirs = server.call(
        "GET",
        &format!("/api/v1/batches/{id}/results"),
        Some(&workers[0]),
        None,
    );
    assert_eq!(theirs.status, 404);
    let results = server.get_ok_as(&format!("/api/v1/batches/{id}/results"), &requester);
    let real = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["gold"] == false)
        .unwrap();
    assert_eq!(real["state"], "resolved");
    assert_eq!(real["result"], json!({"pallet": "yes"}));

    // The worker who disagreed is paid too, and sees their record.
    let record = server.get_ok_as(&format!("/api/v1/batches/{id}/me"), &workers[1]);
    assert!(record["answered"].as_i64().unwrap() >= 1, "{record}");
    assert!(record["paid"].as_str().unwrap() != "0.00", "{record}");

    // Her answers are in her data export; the requester cannot delete the account while the
    // batch holds escrow.
    let export = server.get_ok_as("/api/v1/me/export", &workers[1]);
    assert!(
        !export["batch_answers"].as_array().unwrap().is_empty(),
        "{export}"
    );
    let gone = server.call(
        "DELETE",
        "/api/v1/me",
        Some(&requester),
        Some(&json!({"password": "a long enough password"})),
    );
    assert_eq!(gone.status, 409, "{}", gone.body);
    assert!(
        gone.body["detail"].as_str().unwrap().contains("batch"),
        "{}",
        gone.body
    );

    // Closing pays what is due and refunds the rest; the ledger holds.
    let closed = server.call(
        "POST",
        &format!("/api/v1/batches/{id}/close"),
        Some(&requester),
        None,
    );
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.body["batch"]["status"], "closed");
    let refunded: f64 = closed.body["refunded"].as_str().unwrap().parse().unwrap();
    assert!(refunded > 0.0 && refunded < 0.96, "{}", closed.body);
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}
