//! Reads on a PostgreSQL streaming replica: a real primary and a real hot standby on loopback
//! (scripts/pg.sh `start_replica`). Writes through the API reach the replica; reads that may be
//! a little stale (other people's profiles, the taxonomy) are served by it, which a paused
//! replay shows as a stale answer while the caller's own profile is read from the primary; a
//! stopped replica leaves every request answered by the primary.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::faults::{OwnPostgres, sh};
use crate::harness::{Server, TestStore};

/// The hot standby of an [`OwnPostgres`], stopped with it.
struct OwnReplica<'a> {
    primary: &'a OwnPostgres,
    url: String,
    port: String,
}

impl<'a> OwnReplica<'a> {
    fn start(primary: &'a OwnPostgres) -> Self {
        let line = sh(&format!(
            "{} PG_DURABLE=1; start_replica; echo \"$REPLICA_URL $REPLICA_PORT\"",
            primary.vars()
        ));
        let (url, port) = line.split_once(' ').unwrap();
        OwnReplica {
            primary,
            url: url.to_owned(),
            port: port.to_owned(),
        }
    }

    fn stop(&self) {
        sh(&format!(
            "{} as_pg \"$PG_BIN/pg_ctl\" -D \"$PG_DIR/replica\" -m fast -w stop >/dev/null",
            self.primary.vars()
        ));
    }

    fn restart(&self) {
        sh(&format!(
            "{} PG_DURABLE=1; REPLICA_PORT={}; run_replica",
            self.primary.vars(),
            self.port
        ));
    }

    /// A direct connection to the replica's database (the primary's `postgres`).
    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

fn profile(name: &str) -> Value {
    json!({"name": name, "skills": [], "hours_per_week": 30,
        "utc_offset_minutes": 0, "work_mode": "remote", "languages": ["en"]})
}

/// Waits (up to a minute, so that a broken replica fails the test rather than hangs it) until
/// `done` holds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn name_seen_by(server: &Server, token: &str, worker: i64) -> String {
    let w = server.get_ok_as(&format!("/api/v1/workers/{worker}"), token);
    w["name"].as_str().unwrap().to_owned()
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it"]
fn reads_of_others_are_served_by_the_replica_and_fall_back_to_the_primary() {
    // Its own server, beside the suite's: the suite's tells that PostgreSQL is there.
    crate::harness::Backend::postgres();
    let pg = OwnPostgres::start();
    let replica = OwnReplica::start(&pg);
    let store = TestStore::at(&pg.url);
    let server = store.serve_with(
        "127.0.0.1:0",
        &[("GUILD_DATABASE_REPLICA_URL".to_owned(), replica.url.clone())],
    );
    let alice = server.sign_up("alice@example.org");
    let bob = server.sign_up("bob@example.org");
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(&alice),
        Some(&profile("Alice")),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    let worker = w.body["id"].as_i64().unwrap();

    // A write through the API on the primary reaches the replica.
    let mut on_replica = replica.client();
    eventually("the new worker is on the replica", || {
        on_replica
            .query("SELECT name FROM workers WHERE id = $1", &[&worker])
            .unwrap()
            .first()
            .is_some_and(|r| r.get::<_, String>(0) == "Alice")
    });
    let health = server.get_ok("/health");
    assert_eq!(health["replica"]["status"], "ok", "{health}");
    assert_eq!(health["replica"]["replay_paused"], false, "{health}");
    assert!(health["replica"]["lag_bytes"].is_i64(), "{health}");

    // With replay paused, the replica answers from the past: Bob, reading someone else's
    // profile, sees the old name (served by the replica); Alice, reading her own just after
    // changing it, sees the new one (served by the primary).
    pause_replay(&mut on_replica);
    let updated = server.call(
        "PUT",
        &format!("/api/v1/workers/{worker}"),
        Some(&alice),
        Some(&profile("Alice Smith")),
    );
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["name"], "Alice Smith");
    assert_eq!(name_seen_by(&server, &alice, worker), "Alice Smith");
    assert_eq!(name_seen_by(&server, &bob, worker), "Alice");
    let connections: i64 = on_replica
        .query_one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1",
            &[&guild_store::REPLICA_APPLICATION_NAME],
        )
        .unwrap()
        .get(0);
    assert!(
        connections > 0,
        "the server holds no connection to the replica"
    );
    let health = server.get_ok("/health");
    assert_eq!(health["replica"]["replay_paused"], true, "{health}");
    assert!(
        health["replica"]["lag_bytes"].as_i64().unwrap() > 0,
        "a paused replica is behind: {health}"
    );
    // The taxonomy is read there too, and answers.
    let skills = server.get_ok("/api/v1/skills?q=weld");
    assert!(!skills["items"].as_array().unwrap().is_empty(), "{skills}");

    // Replay resumes: Bob catches up.
    on_replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
    eventually("Bob sees the new name", || {
        name_seen_by(&server, &bob, worker) == "Alice Smith"
    });
    drop(on_replica);

    // A stopped replica fails no request: its reads go to the primary.
    replica.stop();
    assert_eq!(name_seen_by(&server, &bob, worker), "Alice Smith");
    let renamed = server.call(
        "PUT",
        &format!("/api/v1/workers/{worker}"),
        Some(&alice),
        Some(&profile("Alice Jones")),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(name_seen_by(&server, &bob, worker), "Alice Jones");
    for path in [
        "/api/v1/skills?q=weld",
        "/api/v1/occupations?q=welder",
        "/api/v1/taxonomy/stats",
    ] {
        let a = server.call("GET", path, Some(&bob), None);
        assert_eq!(a.status, 200, "{path} without a replica: {}", a.body);
    }
    let health = server.get_ok("/health");
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["replica"]["status"], "unreachable", "{health}");

    // Back again, it serves reads once more: a paused replay shows stale answers again.
    replica.restart();
    eventually("the replica answers again", || {
        server.get_ok("/health")["replica"]["status"] == "ok"
    });
    let mut on_replica = replica.client();
    eventually("the replica has the last name", || {
        on_replica
            .query("SELECT name FROM workers WHERE id = $1", &[&worker])
            .unwrap()
            .first()
            .is_some_and(|r| r.get::<_, String>(0) == "Alice Jones")
    });
    pause_replay(&mut on_replica);
    let last = server.call(
        "PUT",
        &format!("/api/v1/workers/{worker}"),
        Some(&alice),
        Some(&profile("Alice Brown")),
    );
    assert_eq!(last.status, 200, "{}", last.body);
    eventually("reads go to the replica again", || {
        name_seen_by(&server, &bob, worker) == "Alice Jones"
    });
    assert_eq!(name_seen_by(&server, &alice, worker), "Alice Brown");
    on_replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
}

#[test]
fn a_replica_needs_a_postgresql_primary() {
    let store = TestStore::new(&crate::harness::Backend::Sqlite);
    let out = store.guild(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--replica-url",
        "postgres://guild@127.0.0.1:1/postgres",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a PostgreSQL primary"), "{err}");
}

/// Pauses WAL replay on the replica and waits until it has.
fn pause_replay(on_replica: &mut postgres::Client) {
    on_replica
        .batch_execute("SELECT pg_wal_replay_pause()")
        .unwrap();
    eventually("replay is paused", || {
        on_replica
            .query_one("SELECT pg_get_wal_replay_pause_state()", &[])
            .unwrap()
            .get::<_, String>(0)
            == "paused"
    });
}
