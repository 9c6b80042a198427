//! `guild gen` in bulk, on both backends: the generated contracts and their ledger history pass
//! the ledger audit, read back through the API as their parties see real ones and go on like
//! real ones, and matching sees the generated workers.

use serde_json::{Value, json};
use sha2::Digest;

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(
    generated_contracts_pass_the_audit_and_work_through_the_api,
    matching_sees_generated_workers,
    a_step_the_rules_refuse_writes_nothing
);

/// A fresh API token for `account`, written straight to the store (generated accounts have
/// no password to sign in with).
fn token_for(db: &guild_store::Store, account: guild_ids::AccountId) -> String {
    let token = format!("generated-test-token-{account}");
    let hash = format!("{:x}", sha2::Sha256::digest(token.as_bytes()));
    db.accounts()
        .create_token(account, "test", &hash, None)
        .unwrap();
    token
}

fn balance(server: &Server, token: &str, kind: &str) -> Option<String> {
    server.call("GET", "/api/v1/wallet", Some(token), None).body["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind && b["currency"] == "EUR")
        .map(|b| b["balance"].as_str().unwrap().to_owned())
}

fn generated_contracts_pass_the_audit_and_work_through_the_api(backend: Backend) {
    let store = TestStore::new(&backend);
    // More contracts than one batch (2,000), over few workers: later batches find workers
    // that already own an account from an earlier batch, with money in it.
    let out = store.guild_ok(&[
        "gen",
        "--workers",
        "1000",
        "--tasks",
        "30",
        "--contracts",
        "2600",
        "--seed",
        "3",
    ]);
    assert!(out.contains("generated 2600 contracts"), "{out}");
    assert!(out.contains("ledger audit ok"), "{out}");
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let audit = db.ledger().audit_ledger().unwrap();
    assert!(audit.ok(), "{audit:?}");
    assert_eq!(audit.sums.get("EUR"), Some(&0));

    let contracts: Vec<guild_store::ContractView> = (1..=2600)
        .map(|id| db.contracts().contract(guild_ids::ContractId(id)).unwrap())
        .collect();
    let states: std::collections::BTreeSet<&str> =
        contracts.iter().map(|c| c.status.as_str()).collect();
    for s in [
        "proposed",
        "declined",
        "active",
        "completed",
        "cancelled",
        "disputed",
    ] {
        assert!(states.contains(s), "no {s} contract among {states:?}");
    }
    // Escrow holds exactly the funded, submitted and disputed milestones' money.
    for c in &contracts {
        let held: f64 = c
            .milestones
            .iter()
            .filter(|m| {
                matches!(
                    m.status.as_str(),
                    "funded" | "submitted" | "changes_requested"
                )
            })
            .map(|m| m.amount.parse::<f64>().unwrap())
            .sum();
        assert!(
            (c.escrow.parse::<f64>().unwrap() - held).abs() < 0.001,
            "contract {}: escrow {} for milestones {:?}",
            c.id,
            c.escrow,
            c.milestones
        );
    }
    // With fewer workers than contracts need, some worker has contracts in both batches.
    let shared = contracts[..2000]
        .iter()
        .any(|a| contracts[2000..].iter().any(|b| b.worker == a.worker));
    assert!(shared, "no worker has contracts in two batches");

    let server = store.serve();
    // The parties read a contract as the API shows real ones.
    let c = contracts
        .iter()
        .find(|c| {
            c.status.as_str() == "active"
                && c.milestones.iter().any(|m| m.status.as_str() == "funded")
        })
        .expect("an active contract with a funded milestone");
    let client = token_for(&db, c.client);
    let worker = token_for(&db, c.worker);
    let path = format!("/api/v1/contracts/{}", c.id);
    for token in [&client, &worker] {
        let read = server.call("GET", &path, Some(token), None);
        assert_eq!(read.status, 200, "{}", read.body);
        assert_eq!(read.body, serde_json::to_value(c).unwrap());
    }
    let stranger = server.sign_up("stranger@example.org");
    assert_eq!(server.call("GET", &path, Some(&stranger), None).status, 404);
    let mine = server.call("GET", "/api/v1/contracts", Some(&worker), None);
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(mine.body.to_string().contains(&format!("\"id\":{}", c.id)));

    // …and carry it on: the worker submits, the client approves, money moves as for real.
    let n = c
        .milestones
        .iter()
        .position(|m| m.status.as_str() == "funded")
        .unwrap()
        + 1;
    let before = balance(&server, &worker, "worker_balance");
    let submit = server.call(
        "POST",
        &format!("{path}/milestones/{n}/submit"),
        Some(&worker),
        None,
    );
    assert_eq!(submit.status, 200, "{}", submit.body);
    let approve = server.call(
        "POST",
        &format!("{path}/milestones/{n}/approve"),
        Some(&client),
        None,
    );
    assert_eq!(approve.status, 200, "{}", approve.body);
    let m = &approve.body["milestones"][n - 1];
    assert_eq!(m["status"], "approved");
    let after = balance(&server, &worker, "worker_balance").unwrap();
    let gained = after.parse::<f64>().unwrap() - before.map_or(0.0, |b| b.parse::<f64>().unwrap());
    assert!(
        (gained
            - m["worker_receives"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap())
        .abs()
            < 0.001,
        "the worker gained {gained}, the milestone pays {}",
        m["worker_receives"]
    );

    // A worker that was paid has a payout waiting in its wallet, and its statement shows the
    // history.
    let paid = contracts
        .iter()
        .find(|c| c.status.as_str() == "completed")
        .expect("a completed contract");
    let paid_worker = token_for(&db, paid.worker);
    let pending = balance(&server, &paid_worker, "payouts_pending").expect("a payout pending");
    assert!(pending.parse::<f64>().unwrap() > 0.0, "{pending}");
    let statement = server.call("GET", "/api/v1/wallet", Some(&paid_worker), None);
    assert!(
        statement.body.to_string().contains("payout to"),
        "{}",
        statement.body
    );

    // Money requests on generated accounts obey the ledger's rules: a client cannot fund
    // beyond its funds, and a replayed key changes nothing.
    let payout = |key: &str, amount: &str| {
        server.call_with_headers(
            "POST",
            "/api/v1/wallet/payouts",
            Some(&client),
            &[("idempotency-key", key)],
            Some(
                &json!({"from": "client_funds", "amount": amount, "currency": "EUR",
                "beneficiary": "Client", "iban": "GB82 WEST 1234 5698 7654 32"}),
            ),
        )
    };
    assert_eq!(payout("too-much", "99999999").status, 409);
    let first = payout("once", "1.00");
    assert_eq!(first.status, 201, "{}", first.body);
    let replay = payout("once", "1.00");
    assert!(replay.status < 300, "{}", replay.body);
    assert_eq!(replay.body["replayed"], true);
    assert_eq!(replay.body["transfer"], first.body["transfer"]);
    let audit = db.ledger().audit_ledger().unwrap();
    assert!(audit.ok(), "{audit:?}");
}

fn matching_sees_generated_workers(backend: Backend) {
    let store = TestStore::new(&backend);
    let out = store.guild_ok(&[
        "gen",
        "--workers",
        "2500",
        "--tasks",
        "25",
        "--contracts",
        "0",
        "--seed",
        "9",
    ]);
    assert!(
        out.contains("generated 2500 workers (ids 1–2500) and 25 tasks"),
        "{out}"
    );
    let listed: Value =
        serde_json::from_str(&store.guild_ok(&["worker", "list", "--json", "--limit", "10000"]))
            .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2500);
    assert!(
        listed
            .iter()
            .all(|w| !w["skills"].as_array().unwrap().is_empty())
    );
    // The server's index holds every generated worker, and ranks them for a client's tasks
    // that need the skills generated workers have.
    let server = store.serve();
    let token = server.sign_up("client@example.org");
    let mut matched = std::collections::BTreeSet::new();
    for w in listed.iter().step_by(250) {
        let skill = &w["skills"][0]["skill"];
        let task = server.call(
            "POST",
            "/api/v1/tasks",
            Some(&token),
            Some(&json!({"title": "Needs a generated worker", "required": [{"skill": skill}], "hours": 8})),
        );
        assert_eq!(task.status, 201, "{}", task.body);
        let m = server.call(
            "GET",
            &format!("/api/v1/tasks/{}/matches?k=10", task.body["id"]),
            Some(&token),
            None,
        );
        assert_eq!(m.status, 200, "{}", m.body);
        assert_eq!(m.body["considered"], 2500);
        let found = m.body["matches"].as_array().unwrap();
        assert!(!found.is_empty(), "nobody for {skill}");
        for x in found {
            let id = x["worker"].as_i64().unwrap();
            assert!((1..=2500).contains(&id), "{x}");
            matched.insert(id);
        }
    }
    assert!(matched.len() > 10, "{} workers matched", matched.len());
    // The same seed draws the same people.
    let again = TestStore::new(&backend);
    again.guild_ok(&["gen", "--workers", "2500", "--tasks", "0", "--seed", "9"]);
    let first: Value = serde_json::from_str(&again.guild_ok(&["worker", "show", "1"])).unwrap();
    assert_eq!(first, listed[0]);
}

fn a_step_the_rules_refuse_writes_nothing(backend: Backend) {
    use guild_market::contract::{Action, Party};
    use guild_store::{GenContract, GenContracts, GenStep};

    let store = TestStore::new(&backend);
    store.guild_ok(&["gen", "--workers", "20", "--tasks", "0", "--seed", "4"]);
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let counts = || db.table_counts().unwrap();
    let before = counts();
    let step = |action, milestone| GenStep {
        party: if action == Action::Approve {
            Party::Client
        } else {
            Party::Worker
        },
        action,
        milestone,
        worker_percent: None,
    };
    let contract = |worker, steps: Vec<GenStep>| GenContract {
        client: 0,
        worker: guild_matching::WorkerId(worker),
        title: "Fixtures".to_owned(),
        milestones: vec![("Design".to_owned(), 10_000)],
        steps,
    };
    let batch = GenContracts {
        clients: 1,
        // The first contract is fine; the second approves work never funded or submitted.
        contracts: vec![
            contract(1, vec![step(Action::Accept, None)]),
            contract(
                2,
                vec![step(Action::Accept, None), step(Action::Approve, Some(0))],
            ),
        ],
        currency: guild_market::Currency::parse("EUR").unwrap(),
        payout_percent: 50,
        review_days: 7,
    };
    let refused = db.contracts().generate_contracts(&batch).unwrap_err();
    assert!(
        refused.to_string().contains("milestone 1 is unfunded"),
        "{refused}"
    );
    assert_eq!(counts(), before);
    // Without the refused step, the batch is written.
    let mut fine = batch.clone();
    fine.contracts.truncate(1);
    let summary = db.contracts().generate_contracts(&fine).unwrap();
    assert_eq!((summary.contracts, summary.accounts), (1, 2));
    // (Ids are not reused on PostgreSQL: the refused batch took sequence values.)
    let owner = db
        .work()
        .worker(guild_matching::WorkerId(1))
        .unwrap()
        .owner
        .expect("the worker now has an account");
    let made = db.contracts().contracts_of(owner).unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].status.as_str(), "active");
    assert_eq!(made[0].worker, owner);
    assert!(db.ledger().audit_ledger().unwrap().ok());
}
