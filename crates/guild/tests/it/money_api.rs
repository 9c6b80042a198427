//! Money through the real server and binary, on both backends: a deposit instruction, the
//! bank's statement read by the operator (twice: nothing changes the second time), payouts
//! with idempotency keys (replayed, reused, refused for lack of funds), the payout file, the
//! bank's confirmation and return, a converted payout, bad amounts and currencies, and the
//! ledger audit after it all. Each wallet is its owner's alone.

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

fn write(text: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    f
}

fn payout(server: &Server, token: &str, key: Option<&str>, body: &Value) -> crate::harness::Answer {
    let mut headers = vec![];
    if let Some(k) = key {
        headers.push(("idempotency-key", k));
    }
    server.call_with_headers(
        "POST",
        "/api/v1/wallet/payouts",
        Some(token),
        &headers,
        Some(body),
    )
}

fn balance(wallet: &Value, kind: &str, currency: &str) -> String {
    wallet["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind && b["currency"] == currency)
        .map(|b| b["balance"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| "none".to_owned())
}

crate::on_both_backends!(money_moves_only_by_balanced_transfers);

fn money_moves_only_by_balanced_transfers(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
    );
    assert_eq!(server.get("/api/v1/wallet").status, 401);

    // Bad input: a clear problem and nothing made.
    for (body, field) in [
        (json!({"currency": "EURO"}), "currency"),
        (json!({"currency": "XAU"}), "currency"),
        (json!({"currency": "EUR", "amount": "10.001"}), "amount"),
        (json!({"currency": "EUR", "amount": "-5"}), "amount"),
        (json!({"currency": "JPY", "amount": "1.5"}), "amount"),
    ] {
        let a = server.call("POST", "/api/v1/wallet/deposits", Some(&alice), Some(&body));
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.body["detail"].as_str().unwrap().contains(field) || a.body["parameter"] == field,
            "{}",
            a.body
        );
    }

    // A deposit instruction, paid by bank transfer, read from the statement.
    let a = server.call(
        "POST",
        "/api/v1/wallet/deposits",
        Some(&alice),
        Some(&json!({"currency": "EUR", "amount": "250.00"})),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let reference = a.body["reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("RF"), "{reference}");
    assert!(a.body["how"].as_str().unwrap().contains(&reference));
    let statement = write(&format!(
        "bank_id,date,amount,currency,reference,counterparty\n\
         B1,2026-11-20,250.00,EUR,{},Alice\n\
         B2,2026-11-20,40.00,EUR,RF18 5390 0754 7034,Someone\n\
         B3,2026-11-21,9.99,EUR,,Nobody\n",
        reference
            .chars()
            .collect::<Vec<_>>()
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let out = store.guild_ok(&["payments", "reconcile", statement.path().to_str().unwrap()]);
    assert!(out.contains("1 deposits"), "{out}");
    assert!(out.contains("2 unmatched"), "{out}");
    let again = store.guild_ok(&["payments", "reconcile", statement.path().to_str().unwrap()]);
    assert!(
        again.contains("0 deposits") && again.contains("3 read before"),
        "{again}"
    );
    let wallet = server
        .call("GET", "/api/v1/wallet", Some(&alice), None)
        .body;
    assert_eq!(balance(&wallet, "client_funds", "EUR"), "250.00");
    assert_eq!(wallet["statement"].as_array().unwrap().len(), 1);
    let bobs = server.call("GET", "/api/v1/wallet", Some(&bob), None).body;
    assert!(bobs["balances"].as_array().unwrap().is_empty(), "{bobs}");
    assert!(
        bobs["instructions"].as_array().unwrap().is_empty(),
        "{bobs}"
    );

    // Payouts: a key is required; a replay answers the first; a reused key is refused.
    let body = json!({"from": "client_funds", "amount": "100.00", "currency": "EUR",
        "beneficiary": "Alice Example", "iban": "GB82 WEST 1234 5698 7654 32"});
    let a = payout(&server, &alice, None, &body);
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.body["parameter"], "Idempotency-Key");
    let first = payout(&server, &alice, Some("k-1"), &body);
    assert_eq!(first.status, 201, "{}", first.body);
    let replay = payout(&server, &alice, Some("k-1"), &body);
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(
        replay.body["instruction"]["id"],
        first.body["instruction"]["id"]
    );
    // The same key with any field changed is another request: refused, never answered as a
    // replay of the first (the probe's finding: a different IBAN was replayed silently).
    for (field, value) in [
        ("amount", json!("99.00")),
        ("iban", json!("DE89 3704 0044 0532 0130 00")),
        ("beneficiary", json!("Mallory Example")),
        ("from", json!("worker_balance")),
        ("currency", json!("USD")),
    ] {
        let mut other = body.clone();
        other[field] = value;
        let reused = payout(&server, &alice, Some("k-1"), &other);
        assert_eq!(reused.status, 409, "{field}: {}", reused.body);
        assert!(
            reused.body["detail"]
                .as_str()
                .unwrap()
                .contains("was already used for a different request"),
            "{field}: {}",
            reused.body
        );
    }
    let mut no_iban = body.clone();
    no_iban.as_object_mut().unwrap().remove("iban");
    let reused = payout(&server, &alice, Some("k-1"), &no_iban);
    assert_eq!(reused.status, 409, "without iban: {}", reused.body);
    // The same IBAN written another way is the same request.
    let mut spaced = body.clone();
    spaced["iban"] = json!("GB82WEST12345698765432");
    let again = payout(&server, &alice, Some("k-1"), &spaced);
    assert_eq!(again.status, 200, "{}", again.body);
    // Bob's key k-1 is his own request, and he has no money.
    let a = payout(&server, &bob, Some("k-1"), &body);
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
    let mut too_much = body.clone();
    too_much["amount"] = json!("150.01");
    let a = payout(&server, &alice, Some("k-2"), &too_much);
    assert_eq!(a.status, 409, "{}", a.body);
    let mut bad_iban = body.clone();
    bad_iban["iban"] = json!("GB83 WEST 1234 5698 7654 32");
    assert_eq!(payout(&server, &alice, Some("k-3"), &bad_iban).status, 400);
    let wallet = server
        .call("GET", "/api/v1/wallet", Some(&alice), None)
        .body;
    assert_eq!(balance(&wallet, "client_funds", "EUR"), "150.00");
    assert_eq!(balance(&wallet, "payouts_pending", "EUR"), "100.00");

    // In another currency: refused until the operator sets a rate, then converted (down).
    let mut usd = body.clone();
    usd["amount"] = json!("10.00");
    usd["to_currency"] = json!("USD");
    let a = payout(&server, &alice, Some("k-4"), &usd);
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("guild payments rate"),
        "{}",
        a.body
    );
    store.guild_ok(&["payments", "rate", "EUR", "USD", "1.08255"]);
    let a = payout(&server, &alice, Some("k-4"), &usd);
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["instruction"]["amount"], "10.82");
    assert_eq!(a.body["instruction"]["currency"], "USD");
    assert!(
        a.body["transfer"]["rate"]
            .as_str()
            .unwrap()
            .starts_with("1.08255")
    );

    // The payout file, then the bank confirms one payout and returns the other.
    let file = store.guild_ok(&["payments", "payouts"]);
    assert_eq!(file.lines().count(), 3, "{file}");
    assert!(file.contains("GB82WEST12345698765432"), "{file}");
    let eur_ref = first.body["instruction"]["reference"].as_str().unwrap();
    let usd_ref = a.body["instruction"]["reference"].as_str().unwrap();
    let confirmations = write(&format!(
        "bank_id,date,amount,currency,reference\nB4,2026-11-22,-100.00,EUR,{eur_ref}\nB5,2026-11-22,-10.82,USD,{usd_ref}\nB6,2026-11-23,10.82,USD,{usd_ref}\n"
    ));
    let out = store.guild_ok(&[
        "payments",
        "reconcile",
        confirmations.path().to_str().unwrap(),
    ]);
    assert!(out.contains("2 payouts confirmed, 1 returned"), "{out}");
    let wallet = server
        .call("GET", "/api/v1/wallet", Some(&alice), None)
        .body;
    assert_eq!(balance(&wallet, "payouts_pending", "EUR"), "0.00");
    // The returned payout came back to client funds in the currency it was paid in.
    assert_eq!(balance(&wallet, "client_funds", "USD"), "10.82");
    assert_eq!(balance(&wallet, "client_funds", "EUR"), "140.00");
    assert_eq!(store.guild_ok(&["payments", "payouts"]).lines().count(), 1);

    // A statement with a malformed line is refused whole, naming it.
    let bad = write("bank_id,date,amount,currency\nB7,2026-11-22,1.001,EUR\n");
    let out = store.guild(&["payments", "reconcile", bad.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The audit log has every transfer, the failed sign-in, and no secret.
    let a = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": "alice@example.org", "password": "not her password at all"})),
    );
    assert_eq!(a.status, 401);
    let events = store.guild_ok(&["ledger", "events", "--limit", "1000"]);
    assert!(
        events.contains("login.failed") && events.contains("email:alice@example.org"),
        "{events}"
    );
    assert!(!events.contains("not her password"), "{events}");
    let transfers = store.guild_ok(&[
        "ledger",
        "events",
        "--kind",
        "money.transfer",
        "--limit",
        "1000",
    ]);
    // A deposit, two payouts, two confirmations and a return.
    assert_eq!(transfers.lines().count(), 6, "{transfers}");
    assert!(
        events.contains("fx.rate_set") && events.contains("bank.unmatched"),
        "{events}"
    );

    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
    let doc = server.get_ok("/api/openapi.json");
    assert!(doc["paths"]["/api/v1/wallet/payouts"]["post"].is_object());
}
