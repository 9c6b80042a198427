//! Matching replicas: several servers on one database each build their matching index from it
//! and follow the changes any of them writes, without rebuilding (the store records what each
//! write changed); a server whose changes pile up builds a fresh base in the background.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(servers_on_one_store_follow_each_others_changes);

fn worker_body(name: &str, skills: &[(&str, u8)]) -> Value {
    json!({
        "name": name,
        "skills": skills.iter().map(|(s, p)| json!({"skill": format!("guild:skill/{s}"), "proficiency": p})).collect::<Vec<_>>(),
        "hours_per_week": 30,
        "utc_offset_minutes": 60,
        "work_mode": "remote",
        "languages": ["en"],
    })
}

fn task_body(title: &str) -> Value {
    json!({
        "title": title,
        "required": [
            {"skill": "guild:skill/operate-forklift", "weight": 2, "min_proficiency": 2},
            {"skill": "guild:skill/inventory-control"},
        ],
        "place": {"kind": "remote"},
        "utc_offset_minutes": 60,
        "hours": 40,
        "languages": ["en"],
    })
}

/// The workers `server` ranks for `task`, with their scores.
fn ranked(server: &Server, token: &str, task: i64) -> Vec<(i64, String)> {
    let m = server.call(
        "GET",
        &format!("/api/v1/tasks/{task}/matches?k=50"),
        Some(token),
        None,
    );
    assert_eq!(m.status, 200, "{}", m.body);
    m.body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["worker"].as_i64().unwrap(),
                format!("{:.3}", x["score"].as_f64().unwrap()),
            )
        })
        .collect()
}

/// The same from an index built afresh from the store (`guild match`, its own process).
fn fresh(store: &TestStore, task: i64) -> Vec<(i64, String)> {
    let out = store.guild_ok(&["match", "--task", &task.to_string(), "-k", "50", "--json"]);
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    list.iter()
        .map(|x| {
            (
                x["id"].as_i64().unwrap(),
                format!("{:.3}", x["score"].as_f64().unwrap()),
            )
        })
        .collect()
}

fn ids(ranked: &[(i64, String)]) -> Vec<i64> {
    let mut ids: Vec<i64> = ranked.iter().map(|r| r.0).collect();
    ids.sort_unstable();
    ids
}

fn index_status(server: &Server) -> Value {
    server.get_ok("/health")["matching"].clone()
}

/// Waits (a generous bound, not a measurement) until `done` holds of the index's status.
fn until(server: &Server, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = index_status(server);
        if done(&status) {
            return status;
        }
        assert!(Instant::now() < deadline, "{what}: {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn servers_on_one_store_follow_each_others_changes(backend: Backend) {
    let store = TestStore::new(&backend);
    let follow = [("GUILD_MATCH_FOLLOW_MS".to_owned(), "50".to_owned())];
    let a = store.serve_with("127.0.0.1:0", &follow);
    let b = store.serve_with("127.0.0.1:0", &follow);
    // The third builds a fresh base once more than two workers or tasks changed.
    let mut compacting = follow.to_vec();
    compacting.push(("GUILD_MATCH_COMPACT_AFTER".to_owned(), "2".to_owned()));
    let c = store.serve_with("127.0.0.1:0", &compacting);

    // Sessions live in the store: one sign-in serves on every server.
    let client = a.sign_up("client@example.org");
    let ann = a.sign_up("ann@example.org");
    let dave = a.sign_up("dave@example.org");
    let ann_w = a.created(
        "/api/v1/workers",
        &ann,
        &worker_body("Ann", &[("operate-forklift", 4), ("inventory-control", 3)]),
    )["id"]
        .as_i64()
        .unwrap();
    let task = a.created("/api/v1/tasks", &client, &task_body("Stock count"))["id"]
        .as_i64()
        .unwrap();

    // B and C build their indexes from the store.
    assert_eq!(ids(&ranked(&b, &client, task)), [ann_w]);
    assert_eq!(ids(&ranked(&c, &client, task)), [ann_w]);
    let before = index_status(&b);
    assert_eq!(before["builds"], 1, "{before}");
    assert_eq!(before["workers"], 1, "{before}");

    // A new profile written through A reaches B between requests: B's follower applies it.
    let dave_w = a.created(
        "/api/v1/workers",
        &dave,
        &worker_body("Dave", &[("operate-forklift", 5), ("inventory-control", 5)]),
    )["id"]
        .as_i64()
        .unwrap();
    let after = until(&b, "B follows A's new profile", |s| {
        s["version"].as_i64() > before["version"].as_i64()
    });
    assert_eq!(after["workers"], 2, "{after}");
    assert_eq!(after["builds"], 1, "followed, not rebuilt: {after}");
    assert!(after["followed_changes"].as_u64() >= Some(1), "{after}");
    assert_eq!(ids(&ranked(&b, &client, task)), [ann_w, dave_w]);
    assert_eq!(ranked(&b, &client, task), fresh(&store, task));

    // Edits and deletions follow too, and are seen by the very next request: B ranks as an
    // index built afresh does.
    let edit = a.call(
        "PUT",
        &format!("/api/v1/workers/{ann_w}"),
        Some(&ann),
        Some(&worker_body("Ann", &[("cycle-counting", 3)])),
    );
    assert_eq!(edit.status, 200, "{}", edit.body);
    let after_edit = ranked(&b, &client, task);
    assert_eq!(after_edit, fresh(&store, task));
    assert!(after_edit[0].0 == dave_w, "{after_edit:?}");
    let gone = a.call(
        "DELETE",
        &format!("/api/v1/workers/{dave_w}"),
        Some(&dave),
        None,
    );
    assert!(gone.status == 204 || gone.status == 200, "{}", gone.body);
    let after_delete = ranked(&b, &client, task);
    assert_eq!(after_delete, fresh(&store, task));
    assert!(!ids(&after_delete).contains(&dave_w), "{after_delete:?}");
    // A task published through B is matched on A (tasks follow as workers do).
    let back = a.call(
        "PUT",
        &format!("/api/v1/workers/{ann_w}"),
        Some(&ann),
        Some(&worker_body(
            "Ann",
            &[("operate-forklift", 3), ("inventory-control", 3)],
        )),
    );
    assert_eq!(back.status, 200, "{}", back.body);
    let second = b.created("/api/v1/tasks", &client, &task_body("Second count"))["id"]
        .as_i64()
        .unwrap();
    let tasks_for_ann = a.call(
        "GET",
        &format!("/api/v1/workers/{ann_w}/matches"),
        Some(&ann),
        None,
    );
    assert_eq!(tasks_for_ann.status, 200, "{}", tasks_for_ann.body);
    let for_ann: Vec<i64> = tasks_for_ann.body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["task"].as_i64().unwrap())
        .collect();
    assert!(
        for_ann.contains(&task) && for_ann.contains(&second),
        "{for_ann:?}"
    );
    let status = index_status(&b);
    assert_eq!(status["builds"], 1, "B never rebuilt: {status}");

    // C has seen three workers and tasks change against a limit of two: it built a fresh base in the
    // background, and ranks as the others do.
    let status = until(&c, "C builds a fresh base", |s| {
        s["builds"].as_u64() >= Some(2) && s["pending"].as_u64() <= Some(2)
    });
    assert_eq!(status["workers"], 1, "{status}");
    assert_eq!(ranked(&c, &client, task), fresh(&store, task));
    assert_eq!(ranked(&c, &client, second), fresh(&store, second));
    assert_eq!(ids(&ranked(&c, &client, second)), [ann_w]);
}
