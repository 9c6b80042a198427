//! Worker profiles, tasks and matches over HTTP and the command line, on the starter taxonomy;
//! and who may see or change what.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(
    owners_create_change_and_match_profiles_and_tasks,
    another_account_cannot_reach_or_change_what_is_not_theirs,
    bad_profiles_and_tasks_are_problem_json,
    the_command_line_generates_lists_and_matches,
    many_tasks_are_assigned_at_once_optimally,
    a_team_covers_a_projects_skills_at_least_cost,
);

fn worker_body(name: &str, skills: &[(&str, u8)]) -> Value {
    json!({
        "name": name,
        "skills": skills.iter().map(|(s, p)| json!({"skill": format!("guild:skill/{s}"), "proficiency": p})).collect::<Vec<_>>(),
        "hours_per_week": 30,
        "utc_offset_minutes": 60,
        "work_mode": "either",
        "location": {"lat": 51.22, "lon": 4.40},
        "travel_radius_km": 80,
        "languages": ["nl", "en"],
        "rate": {"minor": 3500, "currency": "EUR"},
    })
}

fn task_body(title: &str) -> Value {
    json!({
        "title": title,
        "required": [
            {"skill": "guild:skill/operate-forklift", "weight": 2, "min_proficiency": 3},
            {"skill": "guild:skill/inventory-control", "min_proficiency": 2},
            {"skill": "guild:skill/cycle-counting"},
        ],
        "optional": [{"skill": "guild:skill/warehouse-management-system"}],
        "place": {"kind": "on_site", "location": {"lat": 51.05, "lon": 3.72}},
        "utc_offset_minutes": 60,
        "min_overlap_hours": 4,
        "hours": 120,
        "hours_per_week": 30,
        "budget": {"minor": 480000, "currency": "EUR"},
        "languages": ["nl"],
    })
}

fn owners_create_change_and_match_profiles_and_tasks(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let ann = server.sign_up("ann@example.org");
    let bert = server.sign_up("bert@example.org");
    let cas = server.sign_up("cas@example.org");

    let ann_w = server.created(
        "/api/v1/workers",
        &ann,
        &worker_body(
            "Ann",
            &[
                ("operate-forklift", 4),
                ("inventory-control", 3),
                ("cycle-counting", 3),
                ("warehouse-management-system", 2),
            ],
        ),
    );
    assert_eq!(ann_w["mine"], true);
    // Bert drives a reach truck, not a forklift: a related skill may stand in.
    let bert_w = server.created(
        "/api/v1/workers",
        &bert,
        &worker_body(
            "Bert",
            &[("operate-reach-truck", 4), ("inventory-control", 2)],
        ),
    );
    // Cas speaks no Dutch: excluded by a hard constraint.
    let mut cas_body = worker_body(
        "Cas",
        &[
            ("operate-forklift", 5),
            ("inventory-control", 5),
            ("cycle-counting", 5),
        ],
    );
    cas_body["languages"] = json!(["en"]);
    let cas_w = server.created("/api/v1/workers", &cas, &cas_body);

    // One profile per account.
    let again = server.call(
        "POST",
        "/api/v1/workers",
        Some(&ann),
        Some(&worker_body("Ann 2", &[("cycle-counting", 1)])),
    );
    assert_eq!(again.status, 409, "{}", again.body);

    let task = server.created(
        "/api/v1/tasks",
        &client,
        &task_body("Stock count in the Ghent warehouse"),
    );
    let task_id = task["id"].as_i64().unwrap();
    assert_eq!(task["status"], "open");
    assert_eq!(task["required"].as_array().unwrap().len(), 3);

    let m = server.call(
        "GET",
        &format!("/api/v1/tasks/{task_id}/matches"),
        Some(&client),
        None,
    );
    assert_eq!(m.status, 200, "{}", m.body);
    let matches = m.body["matches"].as_array().unwrap();
    let ids: Vec<i64> = matches
        .iter()
        .map(|x| x["worker"].as_i64().unwrap())
        .collect();
    assert_eq!(ids[0], ann_w["id"].as_i64().unwrap(), "{}", m.body);
    assert!(
        !ids.contains(&cas_w["id"].as_i64().unwrap()),
        "Cas speaks no Dutch: {}",
        m.body
    );
    for x in matches {
        let b = &x["breakdown"];
        assert_eq!(b["score"], x["score"]);
        let parts = &b["parts"];
        let total = 100.0
            * (0.60 * parts["required"].as_f64().unwrap()
                + 0.10 * parts["optional"].as_f64().unwrap()
                + 0.08 * parts["availability"].as_f64().unwrap()
                + 0.06 * parts["time_zone"].as_f64().unwrap()
                + 0.04 * parts["location"].as_f64().unwrap()
                + 0.07 * parts["budget"].as_f64().unwrap()
                + 0.05 * parts["reputation"].as_f64().unwrap());
        assert!((total - x["score"].as_f64().unwrap()).abs() < 1e-3, "{x}");
    }
    if let Some(bert_match) = matches.iter().find(|x| x["worker"] == bert_w["id"]) {
        let stood_in = bert_match["breakdown"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["skill"] != c["held"]);
        let missing = bert_match["breakdown"]["missing"].as_array().unwrap();
        assert!(stood_in || !missing.is_empty(), "{bert_match}");
    }

    // Why Cas is not there.
    let why = server.call(
        "GET",
        &format!("/api/v1/tasks/{task_id}/matches/{}", cas_w["id"]),
        Some(&client),
        None,
    );
    assert_eq!(why.status, 200, "{}", why.body);
    assert_eq!(why.body["excluded"]["reason"], "language", "{}", why.body);
    assert_eq!(why.body["excluded"]["language"], "nl");

    // The other way: Ann's best open task is the client's.
    let tm = server.call(
        "GET",
        &format!("/api/v1/workers/{}/matches", ann_w["id"]),
        Some(&ann),
        None,
    );
    assert_eq!(tm.status, 200, "{}", tm.body);
    assert_eq!(tm.body["matches"][0]["task"], task_id, "{}", tm.body);

    // Changes: Ann raises her hours; the client closes the task, and it stops matching.
    let mut body = worker_body("Ann", &[("operate-forklift", 5)]);
    body["hours_per_week"] = json!(40);
    let put = server.call(
        "PUT",
        &format!("/api/v1/workers/{}", ann_w["id"]),
        Some(&ann),
        Some(&body),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["hours_per_week"], 40.0);
    assert_eq!(put.body["skills"].as_array().unwrap().len(), 1);
    let mut closed = task_body("Stock count in the Ghent warehouse");
    closed["status"] = json!("closed");
    let put = server.call(
        "PUT",
        &format!("/api/v1/tasks/{task_id}"),
        Some(&client),
        Some(&closed),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["status"], "closed");
    let tm = server.call(
        "GET",
        &format!("/api/v1/workers/{}/matches", ann_w["id"]),
        Some(&ann),
        None,
    );
    assert!(
        tm.body["matches"].as_array().unwrap().is_empty(),
        "{}",
        tm.body
    );

    let list = server.call("GET", "/api/v1/tasks", Some(&client), None);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let workers = server.call("GET", "/api/v1/workers?limit=2", Some(&client), None);
    assert_eq!(workers.body["items"].as_array().unwrap().len(), 2);
    let next = workers.body["next_after"].as_i64().unwrap();
    let rest = server.call(
        "GET",
        &format!("/api/v1/workers?after={next}"),
        Some(&client),
        None,
    );
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);

    let del = server.call(
        "DELETE",
        &format!("/api/v1/tasks/{task_id}"),
        Some(&client),
        None,
    );
    assert_eq!(del.status, 204);
    let gone = server.call(
        "GET",
        &format!("/api/v1/tasks/{task_id}"),
        Some(&client),
        None,
    );
    assert_eq!(gone.status, 404);
}

fn another_account_cannot_reach_or_change_what_is_not_theirs(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let owner = server.sign_up("owner@example.org");
    let other = server.sign_up("other@example.org");
    let w = server.created(
        "/api/v1/workers",
        &owner,
        &worker_body("Owner", &[("cycle-counting", 3)]),
    );
    let wid = w["id"].as_i64().unwrap();
    let t = server.created("/api/v1/tasks", &owner, &task_body("Owner's task"));
    let tid = t["id"].as_i64().unwrap();

    // Others see the worker's place only roughly.
    let precise = json!({"lat": 51.2194, "lon": 4.4025});
    let mut body = worker_body("Owner", &[("cycle-counting", 3)]);
    body["location"] = precise.clone();
    assert_eq!(
        server
            .call(
                "PUT",
                &format!("/api/v1/workers/{wid}"),
                Some(&owner),
                Some(&body)
            )
            .status,
        200
    );
    let own_view = server.call("GET", &format!("/api/v1/workers/{wid}"), Some(&owner), None);
    assert_eq!(own_view.body["location"], precise);
    let their_view = server.call("GET", &format!("/api/v1/workers/{wid}"), Some(&other), None);
    assert_eq!(
        their_view.body["location"],
        json!({"lat": 51.2, "lon": 4.4}),
        "{}",
        their_view.body
    );

    // Visible to other accounts, but not theirs to change or to see the matches of.
    let seen = server.call("GET", &format!("/api/v1/tasks/{tid}"), Some(&other), None);
    assert_eq!(seen.status, 200);
    assert_eq!(seen.body["mine"], false);
    let denied = [
        server.call(
            "PUT",
            &format!("/api/v1/workers/{wid}"),
            Some(&other),
            Some(&worker_body("X", &[("cycle-counting", 1)])),
        ),
        server.call(
            "DELETE",
            &format!("/api/v1/workers/{wid}"),
            Some(&other),
            None,
        ),
        server.call(
            "GET",
            &format!("/api/v1/workers/{wid}/matches"),
            Some(&other),
            None,
        ),
        server.call(
            "PUT",
            &format!("/api/v1/tasks/{tid}"),
            Some(&other),
            Some(&task_body("mine now")),
        ),
        server.call(
            "DELETE",
            &format!("/api/v1/tasks/{tid}"),
            Some(&other),
            None,
        ),
        server.call(
            "GET",
            &format!("/api/v1/tasks/{tid}/matches"),
            Some(&other),
            None,
        ),
        server.call(
            "GET",
            &format!("/api/v1/tasks/{tid}/matches/{wid}"),
            Some(&other),
            None,
        ),
    ];
    for a in &denied {
        assert_eq!(a.status, 403, "{}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
    }
    // Another's list of tasks is not shown; a closed task is not found.
    let list = server.call("GET", "/api/v1/tasks", Some(&other), None);
    assert!(list.body["items"].as_array().unwrap().is_empty());
    let mut closed = task_body("Owner's task");
    closed["status"] = json!("closed");
    assert_eq!(
        server
            .call(
                "PUT",
                &format!("/api/v1/tasks/{tid}"),
                Some(&owner),
                Some(&closed)
            )
            .status,
        200
    );
    for a in [
        server.call("GET", &format!("/api/v1/tasks/{tid}"), Some(&other), None),
        server.call(
            "PUT",
            &format!("/api/v1/tasks/{tid}"),
            Some(&other),
            Some(&task_body("x")),
        ),
    ] {
        assert_eq!(a.status, 404, "{}", a.body);
    }
    // Nothing changed.
    let still = server.call("GET", &format!("/api/v1/tasks/{tid}"), Some(&owner), None);
    assert_eq!(still.body["title"], "Owner's task");
    assert_eq!(
        server
            .call("GET", &format!("/api/v1/workers/{wid}"), Some(&owner), None)
            .body["name"],
        "Owner"
    );

    // Anonymous, wrong and revoked tokens reach nothing.
    for token in [None, Some("gld_not-a-token")] {
        for (method, path) in [
            ("GET", "/api/v1/workers".to_owned()),
            ("GET", format!("/api/v1/workers/{wid}")),
            ("GET", format!("/api/v1/tasks/{tid}")),
            ("GET", "/api/v1/me".to_owned()),
        ] {
            let a = server.call(method, &path, token, None);
            assert_eq!(a.status, 401, "{method} {path}: {}", a.body);
        }
    }
    let me = server.call("GET", "/api/v1/me", Some(&other), None);
    assert_eq!(me.body["email"], "other@example.org");
    let fresh = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": "other@example.org", "password": "a long enough password", "name": "second"})),
    );
    let token_id = fresh.body["id"].as_i64().unwrap();
    let second = fresh.body["token"].as_str().unwrap().to_owned();
    // One account cannot revoke another's token.
    assert_eq!(
        server
            .call(
                "DELETE",
                &format!("/api/v1/tokens/{token_id}"),
                Some(&owner),
                None
            )
            .status,
        404
    );
    assert_eq!(
        server
            .call(
                "DELETE",
                &format!("/api/v1/tokens/{token_id}"),
                Some(&second),
                None
            )
            .status,
        204
    );
    assert_eq!(
        server.call("GET", "/api/v1/me", Some(&second), None).status,
        401
    );
    assert_eq!(
        server.call("GET", "/api/v1/me", Some(&other), None).status,
        200
    );

    // Wrong passwords and taken addresses.
    let wrong = server.call(
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"email": "other@example.org", "password": "not the password"})),
    );
    assert_eq!(wrong.status, 401);
    let taken = server.call(
        "POST",
        "/api/v1/accounts",
        None,
        Some(&json!({"email": "Other@Example.org", "display_name": "x", "password": "another long password"})),
    );
    assert_eq!(taken.status, 409, "{}", taken.body);
}

fn bad_profiles_and_tasks_are_problem_json(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let token = server.sign_up("someone@example.org");
    let good = worker_body("Someone", &[("cycle-counting", 3)]);
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut b = good.clone();
                b["skills"][0]["proficiency"] = json!(7);
                b
            },
            "proficiency",
        ),
        (
            {
                let mut b = good.clone();
                b["skills"][0]["skill"] = json!("guild:skill/nope");
                b
            },
            "unknown skill",
        ),
        (
            {
                let mut b = good.clone();
                b["hours_per_week"] = json!(-5);
                b
            },
            "hours per week",
        ),
        (
            {
                let mut b = good.clone();
                b["rate"] = json!({"minor": 100, "currency": "euro"});
                b
            },
            "currency",
        ),
        (
            {
                let mut b = good.clone();
                b["rate"] = json!({"minor": -100, "currency": "EUR"});
                b
            },
            "negative",
        ),
        (
            {
                let mut b = good.clone();
                b["location"] = json!({"lat": 123, "lon": 0});
                b
            },
            "latitude",
        ),
        (
            {
                let mut b = good.clone();
                b["languages"] = json!(["English"]);
                b
            },
            "language",
        ),
        (
            {
                let mut b = good.clone();
                b["utc_offset_minutes"] = json!(9000);
                b
            },
            "UTC offset",
        ),
    ];
    for (body, expect) in cases {
        let a = server.call("POST", "/api/v1/workers", Some(&token), Some(&body));
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.body["detail"].as_str().unwrap().contains(expect),
            "{expect}: {}",
            a.body
        );
        // The engine's refusal keeps its kind up to the answer: a client can tell a skill
        // the taxonomy lacks from any other bad value without reading the words.
        if expect == "unknown skill" {
            assert_eq!(
                a.body["type"], "urn:guild:problem:unknown-skill",
                "{}",
                a.body
            );
        }
    }
    let good_task = task_body("A task");
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut b = good_task.clone();
                b["required"] = json!([]);
                b
            },
            "at least one required skill",
        ),
        (
            {
                let mut b = good_task.clone();
                b["hours"] = json!(0);
                b
            },
            "hours",
        ),
        (
            {
                let mut b = good_task.clone();
                b["required"][0]["weight"] = json!(0);
                b
            },
            "weight",
        ),
        (
            {
                let mut b = good_task.clone();
                b["starts"] = json!("2026-12-01");
                b["ends"] = json!("2026-11-01");
                b
            },
            "before",
        ),
        (
            {
                let mut b = good_task.clone();
                b["starts"] = json!("2026-13-01");
                b
            },
            "starts",
        ),
        (
            {
                let mut b = good_task.clone();
                b["min_overlap_hours"] = json!(9);
                b
            },
            "overlap",
        ),
        (
            {
                let mut b = good_task.clone();
                b["required"][1]["skill"] = json!("guild:skill/operate-forklift");
                b
            },
            "twice",
        ),
    ];
    for (body, expect) in cases {
        let a = server.call("POST", "/api/v1/tasks", Some(&token), Some(&body));
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert!(
            a.body["detail"].as_str().unwrap().contains(expect),
            "{expect}: {}",
            a.body
        );
    }
    let a = server.call("GET", "/api/v1/tasks/12345", Some(&token), None);
    assert_eq!(a.status, 404);
    let a = server.call("GET", "/api/v1/tasks/abc", Some(&token), None);
    assert_eq!(a.status, 400, "{}", a.body);
    let a = server.call("GET", "/api/v1/workers?limit=0", Some(&token), None);
    assert_eq!(a.status, 400);
    let short = server.call(
        "POST",
        "/api/v1/accounts",
        None,
        Some(&json!({"email": "x@example.org", "display_name": "x", "password": "short"})),
    );
    assert_eq!(short.status, 400);
    let bad_mail = server.call(
        "POST",
        "/api/v1/accounts",
        None,
        Some(&json!({"email": "not an address", "display_name": "x", "password": "long enough password"})),
    );
    assert_eq!(bad_mail.status, 400);
}

fn the_command_line_generates_lists_and_matches(backend: Backend) {
    let store = TestStore::new(&backend);
    let out = store.guild_ok(&["gen", "--workers", "300", "--tasks", "20", "--seed", "5"]);
    assert!(out.contains("generated 300 workers"), "{out}");
    let listed = store.guild_ok(&["task", "list", "--json"]);
    let tasks: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(tasks.as_array().unwrap().len(), 20);
    // Some task has matches; every match's breakdown is consistent with its score.
    let mut seen = 0;
    for t in tasks.as_array().unwrap() {
        let id = t["id"].to_string();
        let m: Value =
            serde_json::from_str(&store.guild_ok(&["match", "--task", &id, "-k", "5", "--json"]))
                .unwrap();
        for x in m.as_array().unwrap() {
            seen += 1;
            assert_eq!(x["score"], x["breakdown"]["score"]);
        }
    }
    assert!(seen > 0);
    let w = store.guild_ok(&["match", "--worker", "1", "-k", "3"]);
    assert!(!w.is_empty());

    // Bad input: a clear message and a non-zero exit.
    let bad = store.guild_with_input(
        &["worker", "add", "-"],
        r#"{"name": "x", "skills": [], "hours_per_week": "lots"}"#,
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("hours_per_week"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let bad = store.guild(&["match", "--task", "99999"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not found"));
    let bad = store.guild(&["gen", "--required", "0-3"]);
    assert!(!bad.status.success());
}

fn many_tasks_are_assigned_at_once_optimally(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let skill_sets: [&[(&str, u8)]; 4] = [
        &[("operate-forklift", 4), ("inventory-control", 2)],
        &[
            ("cycle-counting", 4),
            ("inventory-control", 4),
            ("warehouse-management-system", 3),
        ],
        &[("operate-reach-truck", 3), ("cycle-counting", 2)],
        &[
            ("operate-forklift", 2),
            ("cycle-counting", 3),
            ("operate-reach-truck", 5),
        ],
    ];
    let mut workers = Vec::new();
    for (i, skills) in skill_sets.iter().enumerate() {
        let token = server.sign_up(&format!("w{i}@example.org"));
        workers.push(
            server.created(
                "/api/v1/workers",
                &token,
                &worker_body(&format!("W{i}"), skills),
            )["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for (i, required) in [
        vec!["operate-forklift", "inventory-control"],
        vec!["cycle-counting", "warehouse-management-system"],
        vec!["operate-reach-truck"],
    ]
    .iter()
    .enumerate()
    {
        let mut body = task_body(&format!("T{i}"));
        body["required"] = json!(
            required
                .iter()
                .map(|s| json!({"skill": format!("guild:skill/{s}"), "min_proficiency": 3}))
                .collect::<Vec<_>>()
        );
        body["optional"] = json!([]);
        tasks.push(
            server.created("/api/v1/tasks", &client, &body)["id"]
                .as_i64()
                .unwrap(),
        );
    }
    // Every pair's score, from the explanation endpoint (None: excluded).
    let mut score = vec![vec![None; workers.len()]; tasks.len()];
    for (t, tid) in tasks.iter().enumerate() {
        for (w, wid) in workers.iter().enumerate() {
            let a = server.call(
                "GET",
                &format!("/api/v1/tasks/{tid}/matches/{wid}"),
                Some(&client),
                None,
            );
            score[t][w] = a.body["score"].as_f64();
        }
    }
    // The best total by exhaustive search: each task to a distinct worker or to nobody.
    fn best(t: usize, used: &mut Vec<bool>, score: &[Vec<Option<f64>>]) -> f64 {
        if t == score.len() {
            return 0.0;
        }
        let mut top = best(t + 1, used, score);
        for w in 0..used.len() {
            if let (false, Some(s)) = (used[w], score[t][w]) {
                used[w] = true;
                top = top.max(s + best(t + 1, used, score));
                used[w] = false;
            }
        }
        top
    }
    let optimum = best(0, &mut vec![false; workers.len()], &score);
    let a = server.call(
        "POST",
        "/api/v1/assignments",
        Some(&client),
        Some(&json!({"tasks": tasks, "workers": workers, "capacities": workers.iter().map(|w| (w.to_string(), json!(1))).collect::<serde_json::Map<_, _>>()})),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let total = a.body["total_score"].as_f64().unwrap();
    assert!(
        (total - optimum).abs() < 1e-3,
        "total {total}, optimum {optimum}: {}",
        a.body
    );
    let chosen: Vec<i64> = a.body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["worker"].as_i64().unwrap())
        .collect();
    let mut distinct = chosen.clone();
    distinct.dedup();
    assert_eq!(chosen.len(), distinct.len(), "capacity 1 each: {}", a.body);
    assert!(a.body["certificate"]["gap"].as_f64().unwrap().abs() < 1e-6);
    // Without a worker list, candidates come from the ranking.
    let a = server.call(
        "POST",
        "/api/v1/assignments",
        Some(&client),
        Some(&json!({"tasks": tasks})),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(!a.body["assignments"].as_array().unwrap().is_empty());

    // Bad requests and other people's tasks.
    let other = server.sign_up("other@example.org");
    let cases = [
        (json!({"tasks": []}), 400),
        (json!({"tasks": [tasks[0], tasks[0]]}), 400),
        (json!({"tasks": [tasks[0]], "candidates_per_task": 0}), 400),
        (
            json!({"tasks": [tasks[0]], "workers": workers, "capacities": {"999999": 2}}),
            400,
        ),
        (json!({"tasks": [999_999]}), 404),
        (json!({"tasks": [tasks[0]], "surprise": 1}), 400),
    ];
    for (body, status) in cases {
        let a = server.call("POST", "/api/v1/assignments", Some(&client), Some(&body));
        assert_eq!(a.status, status, "{body}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
    }
    let a = server.call(
        "POST",
        "/api/v1/assignments",
        Some(&other),
        Some(&json!({"tasks": tasks})),
    );
    assert_eq!(a.status, 403, "{}", a.body);
}

fn a_team_covers_a_projects_skills_at_least_cost(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    // (skills, hourly rate in cents)
    let people: [(&[(&str, u8)], i64); 4] = [
        (
            &[
                ("operate-forklift", 4),
                ("inventory-control", 4),
                ("cycle-counting", 4),
            ],
            6000,
        ),
        (&[("operate-forklift", 3)], 2500),
        (&[("inventory-control", 5), ("cycle-counting", 2)], 3000),
        (&[("cycle-counting", 4), ("operate-forklift", 1)], 2000),
    ];
    let mut ids = Vec::new();
    for (i, (skills, rate)) in people.iter().enumerate() {
        let token = server.sign_up(&format!("p{i}@example.org"));
        let mut body = worker_body(&format!("P{i}"), skills);
        body["rate"] = json!({"minor": rate, "currency": "EUR"});
        ids.push(
            server.created("/api/v1/workers", &token, &body)["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let needs = [
        ("operate-forklift", 20.0, 3u8),
        ("inventory-control", 10.0, 3),
        ("cycle-counting", 10.0, 3),
    ];
    let body = json!({
        "needs": needs.iter().map(|(s, h, p)| json!({"skill": format!("guild:skill/{s}"), "hours": h, "min_proficiency": p})).collect::<Vec<_>>(),
        "currency": "EUR",
        "utc_offset_minutes": 60,
        "min_overlap_hours": 4,
        "weeks": 2,
        "member_overhead_hours": 2,
    });
    let a = server.call("POST", "/api/v1/teams", Some(&client), Some(&body));
    assert_eq!(a.status, 200, "{}", a.body);
    // The least cost by exhaustive search: each need to someone holding it at the level, with
    // the hours (30 a week for 2 weeks), each member paying the overhead once.
    let holds = |p: usize, skill: &str, level: u8| {
        people[p].0.iter().any(|(s, l)| *s == skill && *l >= level)
    };
    let mut best = i64::MAX;
    for choice in 0..4usize.pow(3) {
        let pick: Vec<usize> = (0..3)
            .map(|i| (choice / 4usize.pow(i as u32)) % 4)
            .collect();
        if !(0..3).all(|i| holds(pick[i], needs[i].0, needs[i].2)) {
            continue;
        }
        let mut cost = 0i64;
        let mut hours = [0.0f64; 4];
        for i in 0..3 {
            hours[pick[i]] += needs[i].1;
            cost += (people[pick[i]].1 as f64 * needs[i].1).round() as i64;
        }
        let mut members: Vec<usize> = pick.clone();
        members.sort();
        members.dedup();
        if members.iter().any(|&m| hours[m] + 2.0 > 60.0) {
            continue;
        }
        cost += members.iter().map(|&m| people[m].1 * 2).sum::<i64>();
        best = best.min(cost);
    }
    assert_eq!(a.body["total_cost"].as_i64().unwrap(), best, "{}", a.body);
    assert_eq!(a.body["exact"], true);
    let covered: Vec<String> = a.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["skills"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(covered.len(), 3, "{}", a.body);
    // The command line finds the same team and writes money as money (euros and cents, not
    // cents as euros).
    let file = store.dir().join("project.json");
    std::fs::write(&file, body.to_string()).unwrap();
    let out = store.guild_ok(&["team", file.to_str().unwrap()]);
    let total = format!("total={}.{:02} EUR (proven least", best / 100, best % 100);
    assert!(out.contains(&total), "{total} in:\n{out}");

    // No team: a budget below the least cost, and a skill nobody has at the level.
    let mut poor = body.clone();
    poor["budget"] = json!(best - 1);
    let a = server.call("POST", "/api/v1/teams", Some(&client), Some(&poor));
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body["detail"].as_str().unwrap().contains("budget"),
        "{}",
        a.body
    );
    let mut rare = body.clone();
    rare["needs"][0]["min_proficiency"] = json!(5);
    let a = server.call("POST", "/api/v1/teams", Some(&client), Some(&rare));
    assert_eq!(a.status, 422, "{}", a.body);
    for bad in [
        json!({"needs": [], "currency": "EUR"}),
        json!({"needs": [{"skill": "guild:skill/nope", "hours": 1}], "currency": "EUR"}),
        json!({"needs": [{"skill": "guild:skill/cycle-counting", "hours": -1}], "currency": "EUR"}),
        json!({"needs": [{"skill": "guild:skill/cycle-counting", "hours": 1}], "currency": "euro"}),
        json!({"needs": [{"skill": "guild:skill/cycle-counting", "hours": 1}], "currency": "EUR", "weeks": 0}),
    ] {
        let a = server.call("POST", "/api/v1/teams", Some(&client), Some(&bad));
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
    }
    assert_eq!(
        server
            .call("POST", "/api/v1/teams", None, Some(&body))
            .status,
        401
    );
}
