//! Projects through the real server, on both backends: a client's problem becomes draft tasks
//! (skills, AI exposure, presence) that only the client sees; the client edits one, adds one,
//! removes one, publishes to invited workers only (who alone see and may apply), and closes.
//! Another project, published openly, reaches every worker's matches.

use serde_json::{Value, json};

use crate::harness::{Backend, Server, TestStore};

crate::on_both_backends!(
    a_problem_becomes_draft_tasks_that_are_edited_and_published,
    bad_projects_are_refused_with_nothing_written
);

const PROBLEM: &str = "We need our warehouse stock data cleaned up and a dashboard.\n\
    - Count the stock in the warehouse and correct the inventory records\n\
    - Clean the stock data in the spreadsheets\n\
    - Build a dashboard that shows stock levels";

fn worker(server: &Server, token: &str, name: &str, skills: Value) -> i64 {
    let w = server.call(
        "POST",
        "/api/v1/workers",
        Some(token),
        Some(
            &json!({"name": name, "skills": skills, "hours_per_week": 30,
            "utc_offset_minutes": 60, "work_mode": "remote", "languages": ["en"]}),
        ),
    );
    assert_eq!(w.status, 201, "{}", w.body);
    w.body["id"].as_i64().unwrap()
}

fn a_problem_becomes_draft_tasks_that_are_edited_and_published(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let (alice, bob, carol) = (
        server.sign_up("alice@example.org"),
        server.sign_up("bob@example.org"),
        server.sign_up("carol@example.org"),
    );
    let made = server.call(
        "POST",
        "/api/v1/projects",
        Some(&alice),
        Some(&json!({"title": "Stock data", "problem": PROBLEM, "hours_per_task": 6})),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let p = made.body;
    let pid = p["id"].as_i64().unwrap();
    assert_eq!(p["status"], "draft");
    let tasks = p["tasks"].as_array().unwrap();
    assert!(tasks.len() >= 3, "{p}");
    for t in tasks {
        assert_eq!(t["status"], "draft");
        assert!(!t["task"]["required"].as_array().unwrap().is_empty());
        assert_eq!(t["task"]["hours"], 6.0);
        assert!(t.get("ai_exposure").is_some() && t.get("physical").is_some());
    }
    let task_ids: Vec<i64> = tasks
        .iter()
        .map(|t| t["task"]["id"].as_i64().unwrap())
        .collect();
    let first = task_ids[0];

    // Drafts are the client's alone.
    assert_eq!(
        server
            .call("GET", &format!("/api/v1/tasks/{first}"), Some(&bob), None)
            .status,
        404
    );
    assert_eq!(
        server
            .call("GET", &format!("/api/v1/projects/{pid}"), Some(&bob), None)
            .status,
        404
    );
    let bob_worker = worker(&server, &bob, "Bob", json!([]));
    let carol_worker = worker(&server, &carol, "Carol", json!([]));
    let offer =
        json!({"worker": bob_worker, "cover": "I can.", "amount": "100.00", "currency": "EUR"});
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/tasks/{first}/proposals"),
                Some(&bob),
                Some(&offer)
            )
            .status,
        404
    );
    // Inviting needs a published task.
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/tasks/{first}/invitations"),
                Some(&alice),
                Some(&json!({"worker": bob_worker}))
            )
            .status,
        409
    );

    // Edit one task (the status stays draft when not given), remove one, add one.
    let mut edited = tasks[0]["task"].clone();
    edited["title"] = json!("Count the warehouse stock");
    edited["hours"] = json!(12);
    let put = server.call(
        "PUT",
        &format!("/api/v1/tasks/{first}"),
        Some(&alice),
        Some(&edited),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["status"], "draft");
    let last = *task_ids.last().unwrap();
    assert_eq!(
        server
            .call(
                "DELETE",
                &format!("/api/v1/tasks/{last}"),
                Some(&alice),
                None
            )
            .status,
        204
    );
    let added = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/tasks"),
        Some(&alice),
        Some(&json!({"title": "Weld a rack", "required": [{"skill": tasks[0]["task"]["required"][0]["skill"]}], "hours": 4})),
    );
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["status"], "draft");
    // Not on someone else's project.
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/projects/{pid}/tasks"),
                Some(&bob),
                Some(&json!({"title": "x", "required": [{"skill": tasks[0]["task"]["required"][0]["skill"]}], "hours": 4})),
            )
            .status,
        404
    );
    let p = server.get_ok_as(&format!("/api/v1/projects/{pid}"), &alice);
    let titles: Vec<&str> = p["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task"]["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Count the warehouse stock"), "{titles:?}");
    assert!(titles.contains(&"Weld a rack"), "{titles:?}");
    assert_eq!(titles.len(), task_ids.len());

    // Publish to invited workers only: invisible to the uninvited, visible to the invited.
    let bad = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/publish"),
        Some(&alice),
        Some(&json!({"audience": "friends"})),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/projects/{pid}/publish"),
                Some(&bob),
                Some(&json!({"audience": "invited"}))
            )
            .status,
        404
    );
    let published = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/publish"),
        Some(&alice),
        Some(&json!({"audience": "invited"})),
    );
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.body["status"], "published");
    assert!(
        published.body["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "invited")
    );
    let again = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/publish"),
        Some(&alice),
        Some(&json!({"audience": "open"})),
    );
    assert_eq!(again.status, 409, "{}", again.body);
    let inv = server.call(
        "POST",
        &format!("/api/v1/tasks/{first}/invitations"),
        Some(&alice),
        Some(&json!({"worker": bob_worker})),
    );
    assert_eq!(inv.status, 204, "{}", inv.body);
    assert_eq!(
        server
            .call("GET", &format!("/api/v1/tasks/{first}"), Some(&bob), None)
            .status,
        200
    );
    assert_eq!(
        server
            .call("GET", &format!("/api/v1/tasks/{first}"), Some(&carol), None)
            .status,
        404
    );
    let carol_offer =
        json!({"worker": carol_worker, "cover": "Me too.", "amount": "90.00", "currency": "EUR"});
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/v1/tasks/{first}/proposals"),
                Some(&carol),
                Some(&carol_offer)
            )
            .status,
        404
    );
    let applied = server.call(
        "POST",
        &format!("/api/v1/tasks/{first}/proposals"),
        Some(&bob),
        Some(&offer),
    );
    assert_eq!(applied.status, 201, "{}", applied.body);
    // Applying twice is refused with its own kind; withdrawing another's proposal is forbidden.
    let again = server.call(
        "POST",
        &format!("/api/v1/tasks/{first}/proposals"),
        Some(&bob),
        Some(&offer),
    );
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(
        again.body["type"], "urn:guild:problem:already-applied",
        "{}",
        again.body
    );
    let withdraw_as_owner = server.call(
        "POST",
        &format!("/api/v1/proposals/{}/withdraw", applied.body["id"]),
        Some(&alice),
        None,
    );
    assert_eq!(withdraw_as_owner.status, 403, "{}", withdraw_as_owner.body);
    assert!(
        withdraw_as_owner.body["detail"]
            .as_str()
            .unwrap()
            .contains("the applicant withdraws"),
        "{}",
        withdraw_as_owner.body
    );
    // A task added to a published project takes the project's audience.
    let late = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/tasks"),
        Some(&alice),
        Some(&json!({"title": "Label the shelves", "required": [{"skill": tasks[0]["task"]["required"][0]["skill"]}], "hours": 2})),
    );
    assert_eq!(late.body["status"], "invited", "{}", late.body);

    // Closing ends proposals.
    let closed = server.call(
        "POST",
        &format!("/api/v1/projects/{pid}/close"),
        Some(&alice),
        None,
    );
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert!(
        closed.body["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "closed")
    );
    let mine = server.get_ok_as("/api/v1/projects", &alice);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(
        server
            .get_ok_as("/api/v1/projects", &bob)
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // An openly published project reaches the matches of a worker with its skills.
    let open = server.call(
        "POST",
        "/api/v1/projects",
        Some(&alice),
        Some(&json!({"title": "Stock again", "problem": PROBLEM})),
    );
    assert_eq!(open.status, 201, "{}", open.body);
    let oid = open.body["id"].as_i64().unwrap();
    let skill = open.body["tasks"][0]["task"]["required"][0]["skill"].clone();
    let dave = server.sign_up("dave@example.org");
    let dave_worker = worker(
        &server,
        &dave,
        "Dave",
        json!([{"skill": skill, "proficiency": 4}]),
    );
    let before = server.get_ok_as(&format!("/api/v1/workers/{dave_worker}/matches"), &dave);
    let project_tasks: Vec<i64> = open.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task"]["id"].as_i64().unwrap())
        .collect();
    let matched = |m: &Value| {
        m["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| project_tasks.contains(&t["task"].as_i64().unwrap()))
    };
    assert!(!matched(&before), "drafts are not matched: {before}");
    let published = server.call(
        "POST",
        &format!("/api/v1/projects/{oid}/publish"),
        Some(&alice),
        Some(&json!({"audience": "open"})),
    );
    assert_eq!(published.status, 200, "{}", published.body);
    let after = server.get_ok_as(&format!("/api/v1/workers/{dave_worker}/matches"), &dave);
    assert!(matched(&after), "{after}");
}

fn bad_projects_are_refused_with_nothing_written(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let alice = server.sign_up("alice@example.org");
    for (body, status, words) in [
        (json!({"title": "x", "problem": "   "}), 400, "problem"),
        (json!({"title": "", "problem": PROBLEM}), 400, "title"),
        (
            json!({"title": "x", "problem": PROBLEM, "hours_per_task": -1}),
            400,
            "hours_per_task",
        ),
        (
            json!({"title": "x", "problem": PROBLEM, "lang": "not a tag"}),
            400,
            "lang",
        ),
        (
            json!({"title": "x", "problem": "zzzz qqqq xxxx"}),
            422,
            "no work",
        ),
        (
            json!({"title": "x", "problem": PROBLEM, "surprise": 1}),
            400,
            "surprise",
        ),
    ] {
        let a = server.call("POST", "/api/v1/projects", Some(&alice), Some(&body));
        assert_eq!(a.status, status, "{body}: {}", a.body);
        assert!(
            a.body["detail"].as_str().unwrap().contains(words),
            "{body}: {}",
            a.body
        );
    }
    assert_eq!(
        server
            .call(
                "POST",
                "/api/v1/projects",
                None,
                Some(&json!({"title": "x", "problem": PROBLEM}))
            )
            .status,
        401
    );
    assert!(
        server
            .get_ok_as("/api/v1/projects", &alice)
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        server
            .call("GET", "/api/v1/projects/999", Some(&alice), None)
            .status,
        404
    );
}
