//! Backup and restore on both backends: a store with accounts, a project, a contract with
//! money in escrow and a review is backed up while the server runs, restored into an empty
//! store, and found the same: every table's rows, the ledger, balances, contracts and each
//! account's full export. Restoring over data, overwriting a file and restoring a broken file
//! are refused, and nothing is left half-done.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(a_restored_backup_is_the_same_store);

fn without_time(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("exported_at");
    v
}

fn a_restored_backup_is_the_same_store(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
    );
    let worker = server.call(
        "POST",
        "/api/v1/workers",
        Some(&bob),
        Some(&json!({"name": "Bob", "skills": [{"skill": "guild:skill/g-code", "proficiency": 4}],
            "hours_per_week": 30, "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]})),
    );
    assert_eq!(worker.status, 201, "{}", worker.body);
    let p = server.call(
        "POST",
        "/api/v1/projects",
        Some(&alice),
        Some(&json!({"title": "Shafts", "problem": "Write G-code programs for the CNC lathe."})),
    );
    assert_eq!(p.status, 201, "{}", p.body);
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let alice_id = server.get_ok_as("/api/v1/me", &alice)["id"]
        .as_i64()
        .unwrap();
    let bob_id = server.get_ok_as("/api/v1/me", &bob)["id"].as_i64().unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            "dep-1",
            guild_ids::AccountId(alice_id),
            guild_market::Amount::parse("500", eur).unwrap(),
            "deposit",
        )
        .unwrap();
    let c = server.call(
        "POST",
        "/api/v1/contracts",
        Some(&alice),
        Some(&json!({"worker": worker.body["id"], "title": "Shafts", "currency": "EUR",
            "milestones": [{"title": "One", "amount": "100.00"}, {"title": "Two", "amount": "50.00"}]})),
    );
    let cid = guild_ids::ContractId(c.body["id"].as_i64().unwrap());
    let post = |token: &str, path: &str| {
        let a = server.call(
            "POST",
            &format!("/api/v1/contracts/{cid}{path}"),
            Some(token),
            None,
        );
        assert_eq!(a.status, 200, "{path}: {}", a.body);
    };
    post(&bob, "/accept");
    post(&alice, "/milestones/1/fund");
    post(&bob, "/milestones/1/submit");
    post(&alice, "/milestones/1/approve");
    post(&alice, "/milestones/2/fund");

    // Backed up while the server runs.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("guild.backup");
    let out = store.guild_ok(&["backup", file.to_str().unwrap()]);
    assert!(out.contains("backed up"), "{out}");
    let again = store.guild(&["backup", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    drop(server);

    // Restored into an empty store: the same.
    let copy = TestStore::new(&backend);
    let out = copy.guild_ok(&["restore", file.to_str().unwrap()]);
    assert!(out.contains("ledger ok"), "{out}");
    let restored =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&copy.url).unwrap()).unwrap();
    assert_eq!(restored.table_counts().unwrap(), db.table_counts().unwrap());
    assert!(restored.ledger().audit_ledger().unwrap().ok());
    for account in [alice_id, bob_id].map(guild_ids::AccountId) {
        assert_eq!(
            restored.ledger().balances_of(account).unwrap(),
            db.ledger().balances_of(account).unwrap()
        );
        assert_eq!(
            without_time(restored.accounts().export_account(account).unwrap()),
            without_time(db.accounts().export_account(account).unwrap())
        );
    }
    assert_eq!(
        restored.contracts().contract(cid).unwrap(),
        db.contracts().contract(cid).unwrap()
    );
    // The restored store works: the server signs Alice in and she approves the rest.
    let server = copy.serve();
    let token = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": "alice@example.org", "password": "a long enough password"})),
    );
    assert_eq!(token.status, 201, "{}", token.body);
    drop(server);

    // Never over data; a broken file fails cleanly and leaves the target empty.
    let over = copy.guild(&["restore", file.to_str().unwrap()]);
    assert!(!over.status.success());
    assert!(String::from_utf8_lossy(&over.stderr).contains("is not empty"));
    let broken = dir.path().join("broken.backup");
    std::fs::write(&broken, b"this is not a backup").unwrap();
    let fresh = TestStore::new(&backend);
    let bad = fresh.guild(&["restore", broken.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(
        guild_store::DatabaseUrl::parse(&fresh.url)
            .unwrap()
            .is_blank()
            .unwrap(),
        "a failed restore leaves the store empty"
    );
}
