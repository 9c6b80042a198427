//! Faults, on both backends: the server is killed (SIGKILL, no chance to clean up) in the
//! middle of concurrent money operations, and an import process is killed part-way. After a
//! restart, every operation the server acknowledged is there, nothing was applied twice when
//! clients retried with their idempotency keys, the ledger's invariants hold, the taxonomy is
//! the old one or the new one, never a mix, and every credential issued verifies. A crashed
//! PostgreSQL is answered with 503, and the server recovers when it returns; so is one that
//! crashes under a load of reads and payouts, without losing or doubling a payout.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore, shared};

crate::on_both_backends!(
    a_killed_server_loses_no_acknowledged_money_operation,
    a_killed_import_leaves_the_old_taxonomy_or_the_new,
    a_killed_server_leaves_no_credential_half_issued
);

const CLIENTS: usize = 4;
const MILESTONES: usize = 30;

/// What the server acknowledged before it died.
#[derive(Default)]
struct Acknowledged {
    /// (contract, milestone number) funded, and approved.
    funded: Vec<(i64, usize)>,
    approved: Vec<(i64, usize)>,
    /// (client token, idempotency key, body, answer) of each payout.
    payouts: Vec<(String, String, Value, Value)>,
}

fn a_killed_server_loses_no_acknowledged_money_operation(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    // Each client has money and a contract of many small milestones with its own worker.
    let mut parties = Vec::new();
    for i in 0..CLIENTS {
        let client = client_with_money(&server, &db, i);
        let worker = server.sign_up(&format!("worker{i}@example.org"));
        let w = server.call(
            "POST",
            "/api/v1/workers",
            Some(&worker),
            Some(
                &json!({"name": format!("Worker {i}"), "skills": [], "hours_per_week": 30,
                "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]}),
            ),
        );
        let milestones: Vec<Value> = (1..=MILESTONES)
            .map(|n| json!({"title": format!("Part {n}"), "amount": "10.00"}))
            .collect();
        let c = server.call(
            "POST",
            "/api/v1/contracts",
            Some(&client),
            Some(&json!({"worker": w.body["id"], "title": "Parts", "currency": "EUR", "milestones": milestones})),
        );
        let cid = c.body["id"].as_i64().unwrap();
        let a = server.call(
            "POST",
            &format!("/api/v1/contracts/{cid}/accept"),
            Some(&worker),
            None,
        );
        assert_eq!(a.status, 200, "{}", a.body);
        parties.push((client, worker, cid));
    }

    // Load: every client funds, its worker submits, the client approves, milestone after
    // milestone, with a payout now and then; the server is killed part-way.
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let base = server.base.clone();
    let threads: Vec<_> = parties
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, (client, worker, cid))| {
            let acked = acked.clone();
            let base = base.clone();
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(5))
                    .build();
                let post = |token: &str, path: &str, key: Option<&str>, body: Option<&Value>| {
                    let mut r = agent
                        .post(&format!("{base}{path}"))
                        .set("authorization", &format!("Bearer {token}"));
                    if let Some(k) = key {
                        r = r.set("idempotency-key", k);
                    }
                    let res = match body {
                        Some(b) => r.send_json(b.clone()),
                        None => r.call(),
                    };
                    match res {
                        Ok(resp) => Some(resp.into_json::<Value>().unwrap_or(Value::Null)),
                        // An answer that is an error is not an acknowledgement; neither is a
                        // dropped connection.
                        Err(_) => None,
                    }
                };
                for n in 1..=MILESTONES {
                    let m = |a: &str| format!("/api/v1/contracts/{cid}/milestones/{n}/{a}");
                    if post(&client, &m("fund"), None, None).is_none() {
                        return;
                    }
                    acked.lock().unwrap().funded.push((cid, n));
                    if post(&worker, &m("submit"), None, None).is_none() {
                        return;
                    }
                    if post(&client, &m("approve"), None, None).is_none() {
                        return;
                    }
                    acked.lock().unwrap().approved.push((cid, n));
                    if n % 5 == 0 {
                        let key = format!("payout-{i}-{n}");
                        let body = json!({"from": "client_funds", "amount": "1.00", "currency": "EUR",
                            "beneficiary": "Client", "iban": "GB82 WEST 1234 5698 7654 32"});
                        match post(&client, "/api/v1/wallet/payouts", Some(&key), Some(&body)) {
                            Some(answer) => acked
                                .lock()
                                .unwrap()
                                .payouts
                                .push((client.clone(), key, body, answer)),
                            None => return,
                        }
                    }
                }
            })
        })
        .collect();
    // Kill once some work is acknowledged, well before all of it is.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().approved.len() < CLIENTS * 3 {
        assert!(Instant::now() < deadline, "the load made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(server); // SIGKILL
    for t in threads {
        t.join().unwrap();
    }
    let acked = Arc::try_unwrap(acked).ok().unwrap().into_inner().unwrap();
    assert!(
        acked.approved.len() < CLIENTS * MILESTONES,
        "the server died only after all the work: kill it sooner"
    );

    // Restart on the same store.
    let server: Server = store.serve();
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
    for (client, _, cid) in &parties {
        let c = server.get_ok_as(&format!("/api/v1/contracts/{cid}"), client);
        let status = |n: usize| {
            c["milestones"][n - 1]["status"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        for (_, n) in acked.funded.iter().filter(|(id, _)| id == cid) {
            assert_ne!(
                status(*n),
                "unfunded",
                "contract {cid} milestone {n} was funded"
            );
        }
        for (_, n) in acked.approved.iter().filter(|(id, _)| id == cid) {
            assert_eq!(status(*n), "approved", "contract {cid} milestone {n}");
        }
    }
    // Retrying each acknowledged payout with its key answers the first result: no second
    // payout.
    for (token, key, body, answer) in &acked.payouts {
        let again = server.call_with_headers(
            "POST",
            "/api/v1/wallet/payouts",
            Some(token),
            &[("idempotency-key", key)],
            Some(body),
        );
        assert!(again.status < 300, "{}", again.body);
        assert_eq!(&again.body, answer, "a retried payout is the same payout");
    }
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}

fn a_killed_import_leaves_the_old_taxonomy_or_the_new(backend: Backend) {
    let store = TestStore::new(&backend).lexical();
    let onet = shared("data/onet-29.3");
    let count = |store: &TestStore| -> u64 {
        store.stats()["sources"]["onet"]["occupations"]
            .as_u64()
            .unwrap_or(0)
    };
    // Killed at several moments of the import: before, during and (perhaps) after its commit.
    for delay in [150, 600, 1500] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guild"))
            .args(["--db", &store.url, "import", "onet", onet.to_str().unwrap()])
            .env_remove("GUILD_DATABASE_URL")
            .envs(store.key_env.iter().map(|(k, v)| (k, v)))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let n = count(&store);
        assert!(
            n == 0 || n == 1016,
            "after a kill at {delay} ms the store has {n} O*NET occupations: a partial import"
        );
    }
    // A clean import afterwards completes.
    store.guild_ok(&["import", "onet", onet.to_str().unwrap()]);
    assert_eq!(count(&store), 1016);
}

/// A PostgreSQL server of the test's own (scripts/pg.sh), to stop and start at will.
pub(crate) struct OwnPostgres {
    pub(crate) url: String,
    dir: String,
    bin: String,
    port: String,
}

pub(crate) fn sh(script: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("set -e; cd {root}; source scripts/pg.sh; {script}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl OwnPostgres {
    pub(crate) fn start() -> OwnPostgres {
        // Durable (fsync on, synchronous commits), as a deployment runs: a crash of the
        // database must not lose what it acknowledged.
        let line =
            sh("PG_DURABLE=1 start_pg; trap - EXIT; echo \"$PG_URL $PG_DIR $PG_BIN $PG_PORT\"");
        let mut parts = line.split_whitespace().map(str::to_owned);
        OwnPostgres {
            url: parts.next().unwrap(),
            dir: parts.next().unwrap(),
            bin: parts.next().unwrap(),
            port: parts.next().unwrap(),
        }
    }

    pub(crate) fn vars(&self) -> String {
        format!(
            "PG_DIR={}; PG_BIN={}; PG_PORT={};",
            self.dir, self.bin, self.port
        )
    }

    /// Stops it at once, as a crash would.
    pub(crate) fn crash(&self) {
        self.stop("immediate");
    }

    /// Stops it with `pg_ctl -m MODE` (`immediate`: as a crash; `fast`: ending sessions).
    pub(crate) fn stop(&self, mode: &str) {
        sh(&format!(
            "{} as_pg \"$PG_BIN/pg_ctl\" -D \"$PG_DIR/data\" -m {mode} -w stop >/dev/null",
            self.vars()
        ));
    }

    pub(crate) fn restart(&self) {
        sh(&format!(
            "{} as_pg \"$PG_BIN/pg_ctl\" -D \"$PG_DIR/data\" -l \"$PG_DIR/server.log\" -w -t 60 start \
             -o \"-c listen_addresses=127.0.0.1 -p {} -k $PG_DIR\" >/dev/null",
            self.vars(),
            self.port
        ));
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "cd {}/../..; source scripts/pg.sh; {} stop_pg",
                env!("CARGO_MANIFEST_DIR"),
                self.vars()
            ))
            .output();
    }
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it"]
fn requests_fail_cleanly_while_postgres_is_down_and_recover() {
    // Its own server, beside the suite's: the suite's tells that PostgreSQL is there.
    crate::harness::Backend::postgres();
    let pg = OwnPostgres::start();
    let store = TestStore::at(&pg.url);
    let server = store.serve();
    let token = server.sign_up("alice@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&token),
        Some(&json!({"name": "Alice", "skills": [], "hours_per_week": 30,
            "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})),
    );
    assert_eq!(w.status, 201, "{}", w.body);

    pg.crash();
    let started = Instant::now();
    let down = server.call("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(down.status, 503, "{}", down.body);
    assert_eq!(down.content_type, "application/problem+json");
    assert!(
        down.body["detail"].as_str().unwrap().contains("database"),
        "{}",
        down.body
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "a request while the database is down must be answered, not left hanging"
    );

    pg.restart();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let up = server.call("GET", "/api/v1/workers/1", Some(&token), None);
        if up.status == 200 {
            assert_eq!(up.body["name"], "Alice");
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {}", up.body);
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn a_killed_server_leaves_no_credential_half_issued(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
    );
    let worker = server.call(
        "POST",
        "/api/v1/workers",
        Some(&alice),
        Some(&json!({"name": "Alice", "skills": [], "hours_per_week": 20,
            "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})),
    );
    let worker = worker.body["id"].as_i64().unwrap();
    server.call(
        "POST",
        "/api/v1/organisations",
        Some(&bob),
        Some(&json!({"slug": "ferro", "name": "Ferro Academy"})),
    );
    let k = server.call("POST", "/api/v1/organisations/ferro/keys", Some(&bob), None);
    assert_eq!(k.status, 201, "{}", k.body);

    // Three issuers at once; the server is killed part-way.
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let base = server.base.clone();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let (acked, base, bob) = (acked.clone(), base.clone(), bob.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(5))
                    .build();
                for _ in 0..200 {
                    let award = json!({"worker": worker, "skill": "guild:skill/operate-cnc-lathe", "level": 3});
                    let answer = agent
                        .post(&format!("{base}/api/v1/organisations/ferro/credentials"))
                        .set("authorization", &format!("Bearer {bob}"))
                        .send_json(award);
                    match answer {
                        Ok(r) => {
                            let v: Value = r.into_json().unwrap();
                            acked
                                .lock()
                                .unwrap()
                                .push(v["id"].as_str().unwrap().to_owned());
                        }
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 10 {
        assert!(Instant::now() < deadline, "no credential was issued");
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(server); // SIGKILL
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() < 600, "the server died only after all the work");

    // After a restart, every credential the worker holds verifies, and each acknowledged one
    // is among them.
    let server = store.serve();
    let held = server.get_ok_as(&format!("/api/v1/workers/{worker}/credentials"), &alice);
    let held: Vec<&Value> = held["issued"].as_array().unwrap().iter().collect();
    for id in &acked {
        assert!(
            held.iter().any(|c| c["id"] == id.as_str()),
            "acknowledged credential {id} is missing"
        );
    }
    for c in &held {
        let path = format!(
            "/api/v1/credentials/{}",
            crate::harness::encode(c["id"].as_str().unwrap())
        );
        let doc = server.call("GET", &path, Some(&alice), None);
        assert_eq!(doc.status, 200, "{}", doc.body);
        let report = server.post(
            "/api/v1/credentials/verify",
            &doc.body.to_string(),
            "application/json",
        );
        assert_eq!(report.body["outcome"], "valid", "{}", report.body);
    }
    // Issuing goes on afterwards.
    let more = server.call(
        "POST",
        "/api/v1/organisations/ferro/credentials",
        Some(&bob),
        Some(&json!({"worker": worker, "skill": "guild:skill/operate-cnc-lathe", "level": 4})),
    );
    assert_eq!(more.status, 201, "{}", more.body);
}

/// What the clients of a load saw while the database went away and came back.
#[derive(Default)]
struct Outcomes {
    /// Successful answers.
    ok: usize,
    /// Clean refusals: 503 problem+json saying the database is away.
    unavailable: usize,
    /// Anything else (a 500, a hung or dropped request): each is a failure.
    bad: Vec<String>,
    /// Payouts answered with success: (client index, idempotency key, body, answer).
    payouts: Vec<(usize, String, Value, Value)>,
}

fn payout_body() -> Value {
    json!({"from": "client_funds", "amount": "1.00", "currency": "EUR",
        "beneficiary": "Client", "iban": "GB82 WEST 1234 5698 7654 32"})
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it"]
fn reads_and_money_under_load_fail_cleanly_while_postgres_stops_and_recover() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // Its own server, beside the suite's: the suite's tells that PostgreSQL is there.
    crate::harness::Backend::postgres();
    let pg = OwnPostgres::start();
    let store = TestStore::at(&pg.url);
    let server = store.serve();
    let db =
        guild_store::Store::open(&guild_store::DatabaseUrl::parse(&store.url).unwrap()).unwrap();
    let tokens: Vec<String> = (0..CLIENTS)
        .map(|i| client_with_money(&server, &db, i))
        .collect();
    drop(db);

    // Each client reads (its account, its wallet, a skill search) and pays out, over and
    // over; a payout refused or unanswered is sent again with the same key, as a careful
    // client does.
    let outcomes: Arc<Mutex<Outcomes>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = tokens
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, token)| {
            let (outcomes, stop, base) = (outcomes.clone(), stop.clone(), server.base.clone());
            std::thread::spawn(move || {
                // Longer than the server takes to give up on the database (its pool waits
                // 10 s): a request still unanswered then has hung.
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(30))
                    .build();
                let mut pending: Option<String> = None;
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let auth = format!("Bearer {token}");
                    let (what, key, result) = match n % 4 {
                        0 => {
                            let key = pending.take().unwrap_or(format!("crash-{i}-{n}"));
                            let r = agent
                                .post(&format!("{base}/api/v1/wallet/payouts"))
                                .set("authorization", &auth)
                                .set("idempotency-key", &key)
                                .send_json(payout_body());
                            ("payout", Some(key), r)
                        }
                        1 => {
                            let r = agent
                                .get(&format!("{base}/api/v1/me"))
                                .set("authorization", &auth)
                                .call();
                            ("me", None, r)
                        }
                        2 => {
                            let r = agent
                                .get(&format!("{base}/api/v1/wallet"))
                                .set("authorization", &auth)
                                .call();
                            ("wallet", None, r)
                        }
                        _ => {
                            let r = agent
                                .get(&format!("{base}/api/v1/skills?q=weld"))
                                .set("authorization", &auth)
                                .call();
                            ("search", None, r)
                        }
                    };
                    let mut seen = outcomes.lock().unwrap();
                    match result {
                        Ok(r) => {
                            seen.ok += 1;
                            if let Some(key) = key {
                                let answer: Value = r.into_json().unwrap();
                                seen.payouts.push((i, key, payout_body(), answer));
                            }
                        }
                        Err(ureq::Error::Status(status, r)) => {
                            let content_type = r.content_type().to_owned();
                            let body: Value = r.into_json().unwrap_or(Value::Null);
                            let clean = status == 503
                                && content_type == "application/problem+json"
                                && body["detail"]
                                    .as_str()
                                    .is_some_and(|d| d.contains("database"));
                            if clean {
                                seen.unavailable += 1;
                            } else {
                                seen.bad
                                    .push(format!("{what}: {status} {content_type} {body}"));
                            }
                            pending = key.or(pending);
                        }
                        Err(e) => {
                            seen.bad.push(format!("{what}: {e}"));
                            pending = key.or(pending);
                        }
                    }
                }
                pending
            })
        })
        .collect();
    let wait_for = |what: &str, done: &dyn Fn(&Outcomes) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !done(&outcomes.lock().unwrap()) {
            assert!(Instant::now() < deadline, "never happened: {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for("some payouts before the crash", &|o| o.payouts.len() >= 8);

    // The database dies at once, under load (an immediate stop: no checkpoint, crash recovery
    // on start), and stays away until every client has been refused at least once; then it
    // comes back under the same server. Then the same with a fast stop, as an operator
    // restarting it does: sessions are ended with an error (57P01) rather than cut.
    for mode in ["immediate", "fast"] {
        let refused = outcomes.lock().unwrap().unavailable;
        pg.stop(mode);
        wait_for("every client is refused while the database is down", &|o| {
            o.unavailable >= refused + CLIENTS
        });
        pg.restart();
        let (ok, paid) = {
            let o = outcomes.lock().unwrap();
            (o.ok, o.payouts.len())
        };
        wait_for("the server recovers", &|o| {
            o.ok >= ok + 40 && o.payouts.len() >= paid + 8
        });
    }
    stop.store(true, Ordering::Relaxed);
    let pending: Vec<Option<String>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let mut outcomes = Arc::try_unwrap(outcomes)
        .ok()
        .unwrap()
        .into_inner()
        .unwrap();
    eprintln!(
        "under load through a database crash: {} answered, {} refused with 503, {} payouts acknowledged, {} left pending",
        outcomes.ok,
        outcomes.unavailable,
        outcomes.payouts.len(),
        pending.iter().flatten().count()
    );
    assert!(
        outcomes.bad.is_empty(),
        "answers that were neither a success nor a clean 503: {:#?}",
        outcomes.bad
    );
    assert!(outcomes.unavailable >= 2 * CLIENTS);

    // A payout whose answer was lost is settled by sending it again with its key.
    for (i, key) in pending
        .into_iter()
        .enumerate()
        .filter_map(|(i, k)| Some((i, k?)))
    {
        let again = server.call_with_headers(
            "POST",
            "/api/v1/wallet/payouts",
            Some(&tokens[i]),
            &[("idempotency-key", &key)],
            Some(&payout_body()),
        );
        assert!(again.status < 300, "{}", again.body);
        outcomes.payouts.push((i, key, payout_body(), again.body));
    }
    // Every acknowledged payout is there, once: retrying it answers the same payout, and each
    // client's funds went down by exactly one euro per payout key.
    for (i, key, body, answer) in &outcomes.payouts {
        let again = server.call_with_headers(
            "POST",
            "/api/v1/wallet/payouts",
            Some(&tokens[*i]),
            &[("idempotency-key", key)],
            Some(body),
        );
        assert!(again.status < 300, "{}", again.body);
        assert_eq!(again.body["replayed"], true, "{}", again.body);
        for part in ["transfer", "instruction"] {
            assert_eq!(
                again.body[part], answer[part],
                "a retried payout is the same payout"
            );
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        let paid = outcomes.payouts.iter().filter(|p| p.0 == i).count() as i64;
        let wallet = server.get_ok_as("/api/v1/wallet", token);
        let funds = wallet["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["kind"] == "client_funds" && b["currency"] == "EUR")
            .unwrap()["balance_minor"]
            .as_i64()
            .unwrap();
        assert_eq!(funds, 1_000_000 - 100 * paid, "client {i}: {wallet}");
    }
    let audit = store.guild_ok(&["ledger", "audit"]);
    assert!(audit.trim_end().ends_with("ledger ok"), "{audit}");
}

/// Signs up `client{i}` and deposits 10,000 EUR for them; returns their token.
fn client_with_money(server: &Server, db: &guild_store::Store, i: usize) -> String {
    let token = server.sign_up(&format!("client{i}@example.org"));
    let id = server.get_ok_as("/api/v1/me", &token)["id"]
        .as_i64()
        .unwrap();
    let eur = guild_market::Currency::parse("EUR").unwrap();
    db.ledger()
        .deposit(
            &format!("dep-{i}"),
            guild_ids::AccountId(id),
            guild_market::Amount::parse("10000", eur).unwrap(),
            "deposit",
        )
        .unwrap();
    token
}
