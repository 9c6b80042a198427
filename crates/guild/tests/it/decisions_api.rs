//! The decision log (issue 21): every ranking shown is logged with its inputs and candidates, and
//! what people did after; a client reads their task's log, a worker every ranking they appeared
//! in (their own row only), nobody else either; the data export carries it; nothing edits it.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(
    rankings_and_what_followed_are_logged_and_each_side_reads_its_own,
    the_command_line_ranking_is_logged_too,
    teams_and_batch_assignments_are_logged,
    a_worker_contests_and_a_person_decides,
    a_worker_reads_why_and_contests_on_the_pages_in_both_languages,
    names_never_move_a_ranking_and_the_proxies_are_measured,
    declarations_are_voluntary_sealed_private_and_move_no_score,
    the_fairness_audit_flags_a_biased_selection_and_publishes_its_report,
    a_generated_market_audits_near_one_and_a_biased_scorer_is_flagged,
    an_organisations_reviewer_decides_contests_of_its_tasks,
);

fn worker(name: &str, skills: &[(&str, u8)]) -> Value {
    json!({
        "name": name,
        "skills": skills.iter().map(|(s, p)| json!({"skill": format!("guild:skill/{s}"), "proficiency": p})).collect::<Vec<_>>(),
        "hours_per_week": 30,
        "utc_offset_minutes": 60,
        "work_mode": "remote",
        "languages": ["en"],
        "rate": {"minor": 3000, "currency": "EUR"},
    })
}

fn task() -> Value {
    json!({
        "title": "Count the stock",
        "required": [
            {"skill": "guild:skill/inventory-control", "min_proficiency": 2},
            {"skill": "guild:skill/cycle-counting"},
        ],
        "place": {"kind": "remote"},
        "utc_offset_minutes": 60,
        "min_overlap_hours": 0,
        "hours": 20,
        "budget": {"minor": 60000, "currency": "EUR"},
        "languages": ["en"],
    })
}

fn rankings_and_what_followed_are_logged_and_each_side_reads_its_own(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let ann = server.sign_up("ann@example.org");
    let bert = server.sign_up("bert@example.org");
    let ann_w = server.created(
        "/api/v1/workers",
        &ann,
        &worker("Ann", &[("inventory-control", 4), ("cycle-counting", 4)]),
    )["id"]
        .as_i64()
        .unwrap();
    let bert_w = server.created(
        "/api/v1/workers",
        &bert,
        &worker("Bert", &[("inventory-control", 3)]),
    )["id"]
        .as_i64()
        .unwrap();
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();

    // The client ranks workers for the task; Ann ranks tasks for herself.
    let shown = server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches?k=5"), &client);
    let shown = shown["matches"].as_array().unwrap().clone();
    assert_eq!(shown.len(), 2, "{shown:?}");
    server.get_ok_as(&format!("/api/v1/workers/{ann_w}/matches"), &ann);
    // She is invited, applies, and is declined.
    let inv = server.call(
        "POST",
        &format!("/api/v1/tasks/{tid}/invitations"),
        Some(&client),
        Some(&json!({"worker": ann_w})),
    );
    assert_eq!(inv.status, 204, "{}", inv.body);
    let p = server.created(
        &format!("/api/v1/tasks/{tid}/proposals"),
        &ann,
        &json!({"worker": ann_w, "cover": "I count stock weekly.", "amount": "500.00", "currency": "EUR"}),
    );
    let declined = server.call(
        "POST",
        &format!("/api/v1/proposals/{}/decline", p["id"]),
        Some(&client),
        None,
    );
    assert_eq!(declined.status, 200, "{}", declined.body);

    // The client's log of the task: the ranking as shown, with its inputs, and what followed.
    let log = server.get_ok_as(&format!("/api/v1/tasks/{tid}/decisions"), &client);
    let rankings = log["rankings"].as_array().unwrap();
    assert_eq!(rankings.len(), 1, "{log}");
    let r = &rankings[0];
    assert_eq!(r["kind"], "workers_for_task");
    assert_eq!(r["task"], tid);
    assert_eq!(r["k"], 5);
    assert_eq!(r["considered"], 2);
    assert!(r["inputs"]["taxonomy"].is_string(), "{r}");
    assert!(r["inputs"]["code"].is_string(), "{r}");
    let candidates = r["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), shown.len());
    for (c, s) in candidates.iter().zip(&shown) {
        assert_eq!(c["worker"], s["worker"]);
        assert!(
            (c["score"].as_f64().unwrap() - s["score"].as_f64().unwrap()).abs() < 1e-3,
            "{c} {s}"
        );
        assert_eq!(c["parts"]["parts"], s["breakdown"]["parts"]);
    }
    assert_eq!(candidates[0]["rank"], 1);
    let actions: Vec<&str> = log["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["invited", "applied", "declined"], "{log}");

    // Ann's log: the task ranking she appeared in (her own row, not Bert's) and her own ranking.
    let mine = server.get_ok_as(&format!("/api/v1/workers/{ann_w}/decisions"), &ann);
    let rankings = mine["rankings"].as_array().unwrap();
    assert_eq!(rankings.len(), 2, "{mine}");
    assert_eq!(rankings[0]["kind"], "tasks_for_worker");
    assert_eq!(rankings[0]["candidates"][0]["task"], tid);
    assert_eq!(rankings[1]["kind"], "workers_for_task");
    let rows = rankings[1]["candidates"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{mine}");
    assert_eq!(rows[0]["worker"], ann_w);
    assert!(
        !mine.to_string().contains(&format!("\"worker\":{bert_w}")),
        "{mine}"
    );
    assert_eq!(mine["outcomes"].as_array().unwrap().len(), 3, "{mine}");
    // Bert appeared once; Ann's ranking of tasks is not his.
    let his = server.get_ok_as(&format!("/api/v1/workers/{bert_w}/decisions"), &bert);
    assert_eq!(his["rankings"].as_array().unwrap().len(), 1, "{his}");
    assert_eq!(his["outcomes"].as_array().unwrap().len(), 0, "{his}");

    // Nobody reads another's log.
    for (path, token) in [
        (format!("/api/v1/tasks/{tid}/decisions"), &ann),
        (format!("/api/v1/workers/{ann_w}/decisions"), &bert),
        (format!("/api/v1/workers/{ann_w}/decisions"), &client),
    ] {
        let a = server.call("GET", &path, Some(token), None);
        assert!(matches!(a.status, 403 | 404), "{path}: {}", a.body);
        assert!(
            a.content_type.starts_with("application/problem+json"),
            "{path}"
        );
    }
    // Nothing edits the log.
    for method in ["PUT", "DELETE", "POST"] {
        let a = server.call(
            method,
            &format!("/api/v1/tasks/{tid}/decisions"),
            Some(&client),
            Some(&json!({})),
        );
        assert_eq!(a.status, 405, "{method}: {}", a.body);
    }

    // The data export carries both sides.
    let export = server.get_ok_as("/api/v1/me/export", &ann);
    assert_eq!(export["rankings_appeared_in"].as_array().unwrap().len(), 2);
    assert_eq!(export["rankings_shown"].as_array().unwrap().len(), 1);
    assert_eq!(export["decision_outcomes"].as_array().unwrap().len(), 3);
    let export = server.get_ok_as("/api/v1/me/export", &client);
    assert_eq!(export["rankings_shown"].as_array().unwrap().len(), 1);
    assert_eq!(export["rankings_appeared_in"].as_array().unwrap().len(), 0);
}

fn the_command_line_ranking_is_logged_too(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let ann = server.sign_up("ann@example.org");
    server.created(
        "/api/v1/workers",
        &ann,
        &worker("Ann", &[("inventory-control", 4), ("cycle-counting", 4)]),
    );
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    let out = store.guild_ok(&["match", "--task", &tid.to_string(), "-k", "3"]);
    assert!(out.contains("Ann"), "{out}");
    let log = server.get_ok_as(&format!("/api/v1/tasks/{tid}/decisions"), &client);
    let r = &log["rankings"][0];
    assert_eq!(
        r["shown_to"],
        Value::Null,
        "the operator's command line: {log}"
    );
    assert_eq!(r["k"], 3);
    assert_eq!(r["candidates"].as_array().unwrap().len(), 1, "{log}");
}

fn teams_and_batch_assignments_are_logged(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let ann = server.sign_up("ann@example.org");
    let ann_w = server.created(
        "/api/v1/workers",
        &ann,
        &worker("Ann", &[("inventory-control", 4), ("cycle-counting", 4)]),
    )["id"]
        .as_i64()
        .unwrap();
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    let a = server.call(
        "POST",
        "/api/v1/assignments",
        Some(&client),
        Some(&json!({"tasks": [tid]})),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["assignments"][0]["worker"], ann_w, "{}", a.body);
    let team = json!({
        "needs": [{"skill": "guild:skill/inventory-control", "hours": 10, "min_proficiency": 2}],
        "currency": "EUR",
        "utc_offset_minutes": 60,
        "min_overlap_hours": 0,
        "weeks": 1,
        "member_overhead_hours": 0,
    });
    let t = server.call("POST", "/api/v1/teams", Some(&client), Some(&team));
    assert_eq!(t.status, 200, "{}", t.body);

    let export = server.get_ok_as("/api/v1/me/export", &client);
    let kinds: Vec<&str> = export["rankings_shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["assignment", "team"], "{export}");
    // Ann sees both proposals she was part of: the pair (with its score) and the team (with
    // the hours and cost it gave her).
    let mine = server.get_ok_as(&format!("/api/v1/workers/{ann_w}/decisions"), &ann);
    let rankings = mine["rankings"].as_array().unwrap();
    assert_eq!(rankings.len(), 2, "{mine}");
    assert_eq!(rankings[0]["kind"], "team");
    assert_eq!(
        rankings[0]["candidates"][0]["parts"]["hours"], 10.0,
        "{mine}"
    );
    assert_eq!(rankings[1]["kind"], "assignment");
    assert_eq!(rankings[1]["candidates"][0]["task"], tid);
    assert!(rankings[1]["candidates"][0]["score"].as_f64().unwrap() > 0.0);
}

fn a_worker_contests_and_a_person_decides(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let ann = server.sign_up("ann@example.org");
    let bert = server.sign_up("bert@example.org");
    let admin = server.sign_up("admin@example.org");
    let ann_w = server.created(
        "/api/v1/workers",
        &ann,
        &worker("Ann", &[("inventory-control", 2), ("cycle-counting", 4)]),
    )["id"]
        .as_i64()
        .unwrap();
    let bert_w = server.created(
        "/api/v1/workers",
        &bert,
        &worker("Bert", &[("inventory-control", 4)]),
    )["id"]
        .as_i64()
        .unwrap();
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches"), &client);
    let log = server.get_ok_as(&format!("/api/v1/workers/{ann_w}/decisions"), &ann);
    let decision = log["rankings"][0]["id"].as_i64().unwrap();
    let contests = format!("/api/v1/workers/{ann_w}/contests");

    // Bad contests: a clear answer, nothing filed.
    for (body, status) in [
        (json!({"reason": "I count stock daily"}), 400),
        (
            json!({"decision": decision, "skill": "guild:skill/cycle-counting", "reason": "x"}),
            400,
        ),
        (json!({"decision": decision, "reason": "  "}), 400),
        (
            json!({"decision": decision + 1000, "reason": "I was never shown"}),
            404,
        ),
        (
            json!({"skill": "guild:skill/operate-forklift", "reason": "not mine"}),
            404,
        ),
        (json!({"skill": "not a skill", "reason": "x"}), 400),
    ] {
        let a = server.call("POST", &contests, Some(&ann), Some(&body));
        assert_eq!(a.status, status, "{body}: {}", a.body);
        assert!(
            a.content_type.starts_with("application/problem+json"),
            "{body}"
        );
    }
    // Bert cannot contest for Ann, nor read her contests.
    let a = server.call(
        "POST",
        &contests,
        Some(&bert),
        Some(&json!({"decision": decision, "reason": "for Ann"})),
    );
    assert!(matches!(a.status, 403 | 404), "{}", a.body);

    // Ann contests the ranking and the reading of her inventory control (level 2, she says 4).
    let filed = server.created(
        &contests,
        &ann,
        &json!({"decision": decision, "reason": "I ran inventory control for six years; the level is wrong"}),
    );
    assert_eq!(filed["decision"], decision);
    assert!(filed["due_at"].as_str().unwrap() > filed["created_at"].as_str().unwrap());
    let again = server.call(
        "POST",
        &contests,
        Some(&ann),
        Some(&json!({"decision": decision, "reason": "again"})),
    );
    assert_eq!(
        again.status, 409,
        "one open contest per ranking: {}",
        again.body
    );
    let skill = server.created(
        &contests,
        &ann,
        &json!({"skill": "guild:skill/inventory-control", "reason": "I hold it at level 4"}),
    );
    // Bert never appeared in a ranking of his own making... he did appear in the client's.
    let his = server.call(
        "POST",
        &format!("/api/v1/workers/{bert_w}/contests"),
        Some(&bert),
        Some(&json!({"decision": decision, "reason": "I should rank first"})),
    );
    assert_eq!(his.status, 201, "{}", his.body);

    // The queue is for platform admins only.
    assert_eq!(
        server
            .call("GET", "/api/v1/admin/contests", Some(&ann), None)
            .status,
        403
    );
    store.guild_ok(&["accounts", "role", "admin@example.org", "admin"]);
    let queue = server.get_ok_as("/api/v1/admin/contests", &admin);
    assert_eq!(queue.as_array().unwrap().len(), 3, "{queue}");
    let decide = |id: &Value, body: Value| {
        server.call(
            "POST",
            &format!("/api/v1/admin/contests/{id}/decision"),
            Some(&admin),
            Some(&body),
        )
    };
    assert_eq!(
        decide(&filed["id"], json!({"outcome": "upheld", "answer": " "})).status,
        400,
        "a decision says why"
    );
    assert_eq!(
        decide(&filed["id"], json!({"outcome": "maybe", "answer": "x"})).status,
        400
    );
    let d = decide(
        &filed["id"],
        json!({"outcome": "rejected", "answer": "The task needs level 2; you ranked second on rate, not on skill"}),
    );
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["outcome"], "rejected");
    assert_eq!(
        decide(
            &filed["id"],
            json!({"outcome": "upheld", "answer": "changed my mind"})
        )
        .status,
        409,
        "decided once"
    );
    assert_eq!(
        decide(&json!(999_999), json!({"outcome": "upheld", "answer": "x"})).status,
        404
    );
    let d = decide(
        &skill["id"],
        json!({"outcome": "upheld", "answer": "Your references confirm level 4"}),
    );
    assert_eq!(d.status, 200, "{}", d.body);

    // Ann sees both outcomes with their reasons, and was told.
    let mine = server.get_ok_as(&contests, &ann);
    let outcomes: Vec<(&str, &str)> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["outcome"].as_str().unwrap(),
                c["answer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0], ("upheld", "Your references confirm level 4"));
    assert_eq!(outcomes[1].0, "rejected");
    let told = server.get_ok_as("/api/v1/notifications", &ann);
    assert!(
        told.to_string()
            .contains("was rejected: The task needs level 2"),
        "{told}"
    );
    assert_eq!(
        server
            .get_ok_as("/api/v1/admin/contests", &admin)
            .as_array()
            .unwrap()
            .len(),
        1,
        "Bert's is still waiting"
    );
    let export = server.get_ok_as("/api/v1/me/export", &ann);
    assert_eq!(export["contests"].as_array().unwrap().len(), 2);
}

fn a_worker_reads_why_and_contests_on_the_pages_in_both_languages(backend: Backend) {
    use crate::pages::{Visitor, enc, send, token, value_of};

    let store = TestStore::new(&backend);
    let server = store.serve();
    let base = server.base.as_str();
    let client = server.sign_up("client@example.org");
    let ann = Visitor::sign_up(base, "Ann", "ann@example.org");
    let ann_token = token(&server, "ann@example.org");
    // Ann lacks cycle counting and asks more than the budget allows.
    let mut body = worker("Ann", &[("inventory-control", 4)]);
    body["rate"] = json!({"minor": 9000, "currency": "EUR"});
    let ann_worker = server.created("/api/v1/workers", &ann_token, &body)["id"]
        .as_i64()
        .unwrap();
    let other = server.sign_up("bert@example.org");
    server.created(
        "/api/v1/workers",
        &other,
        &worker("Bert", &[("inventory-control", 4), ("cycle-counting", 4)]),
    );
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches"), &client);
    // The client looks again: the same ranking twice, one row on Ann's page.
    server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches"), &client);

    let (status, page) = ann.get("/rankings");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Workers for “Count the stock”"), "{page}");
    assert_eq!(
        page.matches("Workers for “Count the stock”").count(),
        1,
        "{page}"
    );
    assert!(
        page.contains("the same ranking shown 2 times since"),
        "{page}"
    );
    assert!(page.contains("Place 2 of 2 considered"), "{page}");
    // What would move her up, largest first: the skill she lacks, by its name (not the one she
    // holds at level 4, which counts 90 % only because it is her word); then her rate.
    let up = page
        .split("What would move you up most:")
        .nth(1)
        .expect(&page);
    let skill_at = up
        .find("learn, or show at the level asked, the skills it needs: cycle counting")
        .expect(up);
    let rate_at = up.find("a rate within").expect(up);
    assert!(skill_at < rate_at, "{up}");
    let first = up[skill_at..].split("(up to").next().unwrap();
    assert!(!first.contains("control inventory levels"), "{first}");
    assert!(!page.contains("Bert"), "another worker's row: {page}");

    // She contests from the page; the page then says a person is looking at it.
    let decision = page
        .split("name=\"decision\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let (status, _, location) = ann.post(
        "/rankings/contest",
        &format!(
            "decision={decision}&reason={}",
            enc("I count stock every week")
        ),
    );
    assert_eq!(status, 303);
    assert_eq!(location, "/rankings#contests");
    let (_, page) = ann.get("/rankings");
    assert!(page.contains("You contested this ranking"), "{page}");
    assert!(page.contains("I count stock every week"), "{page}");
    assert!(page.contains("Waiting for a person"), "{page}");
    // An empty reason is refused with the form's words, nothing filed twice.
    let (status, page, _) = ann.post(
        "/rankings/contest",
        &format!("decision={decision}&reason=+"),
    );
    assert_eq!(status, 400, "{page}");

    // In Dutch.
    let (status, page, _, _) = send(
        "GET",
        &format!("{base}/rankings"),
        Some(&format!("{}; guild_lang=nl", ann.session)),
        None,
    );
    assert_eq!(status, 200);
    assert!(page.contains("Uw rangschikkingen"), "{page}");
    assert!(page.contains("Werkers voor “Count the stock”"), "{page}");
    assert!(page.contains("Plaats 2 van 2 bekeken"), "{page}");
    assert!(page.contains("een tarief binnen het budget"), "{page}");
    assert!(page.contains("Wacht op een mens"), "{page}");

    // An admin works the queue on a page: what is contested, with the log's facts, the reason
    // and the deadline; a decision needs an outcome and a why; the worker reads it.
    let ada = Visitor::sign_up(base, "Ada", "ada@example.org");
    store.guild_ok(&["accounts", "role", "ada@example.org", "admin"]);
    let (status, _) = ann.get("/admin/contests");
    assert_eq!(status, 403, "not for a worker");
    let (status, page) = ada.get("/dashboard");
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/admin/contests\""), "{page}");
    let (status, page) = ada.get("/admin/contests");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h2>Ann</h2>"), "{page}");
    assert!(
        page.contains(&format!(
            "Ranking {decision}: place 2 of 2 for “Count the stock”"
        )),
        "{page}"
    );
    assert!(
        page.contains("I count stock every week") && page.contains("decide by"),
        "{page}"
    );
    let contest = value_of(&page, "contest").to_owned();
    let (status, page, _) = ada.post(
        "/admin/contests/decide",
        &format!("contest={contest}&answer=why"),
    );
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("Choose upheld or rejected"), "{page}");
    let (status, _, location) = ada.post(
        "/admin/contests/decide",
        &format!(
            "contest={contest}&outcome=rejected&answer={}",
            enc("Bert holds cycle counting; you do not yet")
        ),
    );
    assert_eq!((status, location.as_str()), (303, "/admin/contests"));
    assert!(ada.get("/admin/contests").1.contains("No contest waits."));
    let (_, page) = ann.get("/rankings");
    assert!(
        page.contains("Rejected") && page.contains("Bert holds cycle counting"),
        "{page}"
    );

    // She contests how Guild read one of her skills, from the same page.
    let (_, page) = ann.get("/rankings");
    assert!(
        page.contains("<option value=\"guild:skill/inventory-control\">"),
        "{page}"
    );
    let (status, _, _) = ann.post(
        "/rankings/contest-skill",
        &format!(
            "skill={}&reason={}",
            enc("guild:skill/inventory-control"),
            enc("I manage stock levels, the level is higher")
        ),
    );
    assert_eq!(status, 303);
    let (_, page) = ann.get("/rankings");
    assert!(
        page.contains("Skill “control inventory levels”") && page.contains("I manage stock levels"),
        "{page}"
    );
    let (_, page) = ada.get("/admin/contests");
    assert!(
        page.contains("How Guild read the skill “control inventory levels”"),
        "{page}"
    );
    let (status, _, _) = ann.post(
        "/rankings/contest-skill",
        &format!("skill={}&reason=x", enc("guild:skill/forklift")),
    );
    assert_eq!(status, 404, "not a skill on her profile");

    // Ann declares on a page: the purpose shown, consent required, questions optional; she
    // reads back what she declared, in her language, and can withdraw.
    let (status, page) = ann.get("/declaration");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Never an input to any ranking or score"),
        "{page}"
    );
    assert!(page.contains("Prefer not to say"), "{page}");
    let (status, page, _) = ann.post("/declaration", "sex=female&age_band=25_39");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("only with your consent"), "{page}");
    let (status, page, _) = ann.post("/declaration", "sex=unicorn&consent=yes");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("unicorn"), "{page}");
    let (status, _, location) = ann.post(
        "/declaration",
        "sex=female&age_band=25_39&race_ethnicity=&consent=yes",
    );
    assert_eq!((status, location.as_str()), (303, "/declaration"));
    let (_, page) = ann.get("/declaration");
    assert!(
        page.contains("Sex: Female") && page.contains("Age: 25 to 39"),
        "{page}"
    );
    assert!(!page.contains("Race or ethnicity: "), "{page}");
    let (_, page, _, _) = send(
        "GET",
        &format!("{base}/declaration"),
        Some(&format!("{}; guild_lang=nl", ann.session)),
        None,
    );
    assert!(page.contains("Geslacht: Vrouw"), "{page}");
    let d = server.get_ok_as(
        &format!("/api/v1/workers/{ann_worker}/declaration"),
        &ann_token,
    );
    assert_eq!(
        d["declaration"]["categories"],
        json!({"sex": "female", "age_band": "25_39"})
    );
    let (status, _, _) = ann.post("/declaration/withdraw", "");
    assert_eq!(status, 303);
    let (_, page) = ann.get("/declaration");
    assert!(page.contains("answers were erased on"), "{page}");
    assert!(!page.contains("Sex: Female"), "{page}");

    // The notice is public, in both languages.
    let (status, page, _, _) = send("GET", &format!("{base}/notice"), None, None);
    assert_eq!(status, 200);
    assert!(
        page.contains("60 points: the skills the task needs"),
        "{page}"
    );
    assert!(page.contains("Nothing is rejected automatically"), "{page}");
    assert!(page.contains("366 days"), "{page}");
    let (_, page, _, _) = send(
        "GET",
        &format!("{base}/notice"),
        Some("guild_lang=nl"),
        None,
    );
    assert!(page.contains("Niets wordt automatisch afgewezen"), "{page}");
}

fn names_never_move_a_ranking_and_the_proxies_are_measured(backend: Backend) {
    let store = TestStore::new(&backend);
    let out = store.guild_ok(&[
        "audit",
        "counterfactual",
        "--workers",
        "800",
        "--tasks",
        "60",
    ]);
    let last = out.lines().last().unwrap_or_default();
    assert_eq!(last, "workers=800 rankings=160 changed=0", "{out}");
    // The inputs that stand for place and origin do move rankings, and the report says how much:
    // were they all 0, the audit would be checking nothing.
    let moved = |label: &str| -> usize {
        out.lines()
            .find(|l| l.contains(label))
            .and_then(|l| l.rsplit(':').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("{label}: {out}"))
    };
    assert!(moved("time zone shifted") > 0, "{out}");
    assert!(moved("languages set to English only") > 0, "{out}");
    let bad = store.guild(&["audit", "counterfactual", "--workers", "0"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--workers"));
}

fn declarations_are_voluntary_sealed_private_and_move_no_score(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let ann = server.sign_up("ann@example.org");
    let bea = server.sign_up("bea@example.org");
    let skills = [("inventory-control", 4), ("cycle-counting", 3)];
    let ann_w = server.created("/api/v1/workers", &ann, &worker("Twin", &skills))["id"]
        .as_i64()
        .unwrap();
    let bea_w = server.created("/api/v1/workers", &bea, &worker("Twin", &skills))["id"]
        .as_i64()
        .unwrap();
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    let scores = || -> Vec<(i64, f64)> {
        let m = server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches"), &client);
        m["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["worker"].as_i64().unwrap(), x["score"].as_f64().unwrap()))
            .collect()
    };
    let before = scores();
    assert_eq!(before.len(), 2);
    assert_eq!(before[0].1, before[1].1, "twins score alike: {before:?}");

    let path = format!("/api/v1/workers/{ann_w}/declaration");
    // Nothing declared yet; bad declarations are refused with what is allowed.
    assert_eq!(server.call("GET", &path, Some(&ann), None).status, 404);
    for (body, said) in [
        (json!({"consent": false, "sex": "female"}), "consent"),
        (json!({"consent": true, "sex": "woman"}), "female, male"),
        (json!({"consent": true, "religion": "x"}), "religion"),
        (json!({"sex": "female"}), "consent"),
    ] {
        let a = server.call("PUT", &path, Some(&ann), Some(&body));
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert!(
            a.body["detail"].as_str().unwrap().contains(said),
            "{body}: {}",
            a.body
        );
    }
    let put =
        |token: &str, path: &str, body: Value| server.call("PUT", path, Some(token), Some(&body));
    assert_eq!(
        put(&ann, &path, json!({"consent": true, "sex": "female", "race_ethnicity": "black_or_african_american", "age_band": "55_plus", "disability": "yes"})).status,
        204
    );
    assert_eq!(
        put(
            &bea,
            &format!("/api/v1/workers/{bea_w}/declaration"),
            json!({"consent": true, "sex": "male", "age_band": "25_39"})
        )
        .status,
        204
    );
    // Only the worker reads it back, with the purpose they consented to.
    let mine = server.get_ok_as(&path, &ann);
    assert_eq!(mine["declaration"]["categories"]["age_band"], "55_plus");
    assert!(
        mine["purpose_text"]
            .as_str()
            .unwrap()
            .contains("Never an input")
    );
    for token in [&bea, &client] {
        let a = server.call("GET", &path, Some(token), None);
        assert!(matches!(a.status, 403 | 404), "{}", a.body);
        assert!(!a.body.to_string().contains("55_plus"));
    }
    // Sealed at rest: the database holds no category in the clear.
    if let Some(db) = store.url.strip_prefix("sqlite:") {
        for file in [db.to_owned(), format!("{db}-wal")] {
            let raw = std::fs::read(&file).unwrap_or_default();
            let text = String::from_utf8_lossy(&raw);
            assert!(
                !text.contains("black_or_african_american"),
                "in the clear in {file}"
            );
        }
    }
    // Declarations move no score: the twins still score alike, to the last digit.
    assert_eq!(scores(), before);
    // Withdrawn: erased, and the answer says so.
    assert_eq!(server.call("DELETE", &path, Some(&ann), None).status, 204);
    let gone = server.call("GET", &path, Some(&ann), None);
    assert_eq!(gone.status, 404);
    assert!(
        gone.body["detail"].as_str().unwrap().contains("withdrawn"),
        "{}",
        gone.body
    );
    assert_eq!(server.call("DELETE", &path, Some(&ann), None).status, 404);
    // The export says when consent was given and withdrawn (the categories are read with GET).
    let export = server.get_ok_as("/api/v1/me/export", &ann);
    assert!(
        export["declarations"][0]["withdrawn_at"].is_string(),
        "{export}"
    );
    assert!(!export.to_string().contains("55_plus"));
    // Consent may be given again.
    assert_eq!(
        put(&ann, &path, json!({"consent": true, "disability": "no"})).status,
        204
    );
    assert_eq!(
        server.get_ok_as(&path, &ann)["declaration"]["categories"],
        json!({"disability": "no"})
    );

    // A new key-encryption key seals the declarations again with the issuer keys: read after
    // the rotation under the new key only.
    drop(server);
    let dir = tempfile::tempdir().unwrap();
    let new_file = dir.path().join("next.kek");
    let new_path = new_file.to_str().unwrap();
    store.guild_ok(&["credential", "keys", "new-kek", new_path]);
    store.guild_ok(&[
        "credential",
        "keys",
        "rotate-kek",
        "--new-key-file",
        new_path,
    ]);
    let mut env = store.key_env.clone();
    if store.url.starts_with("postgres") {
        env.retain(|(k, _)| k != "GUILD_KEY_FILE");
        env.push(("GUILD_KEY_FILE".to_owned(), new_path.to_owned()));
    }
    let server = store.serve_with("127.0.0.1:0", &env);
    let ann = crate::pages::token(&server, "ann@example.org");
    assert_eq!(
        server.get_ok_as(&path, &ann)["declaration"]["categories"],
        json!({"disability": "no"})
    );
}

fn the_fairness_audit_flags_a_biased_selection_and_publishes_its_report(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    // Twelve workers alike in everything the scorer reads; half declare female, half male, one
    // later withdraws, one never declares.
    let mut men = Vec::new();
    for i in 0..14 {
        let token = server.sign_up(&format!("w{i}@example.org"));
        let id = server.created(
            "/api/v1/workers",
            &token,
            &worker(
                &format!("W{i}"),
                &[("inventory-control", 4), ("cycle-counting", 4)],
            ),
        )["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/workers/{id}/declaration");
        let sex = if i % 2 == 0 { "female" } else { "male" };
        if i < 13 {
            let a = server.call(
                "PUT",
                &path,
                Some(&token),
                Some(&json!({"consent": true, "sex": sex, "age_band": "25_39"})),
            );
            assert_eq!(a.status, 204, "{}", a.body);
        }
        if i == 12 {
            assert_eq!(server.call("DELETE", &path, Some(&token), None).status, 204);
        }
        if sex == "male" && i < 12 {
            men.push(id);
        }
    }
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    let shown = server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches?k=20"), &client);
    assert_eq!(shown["matches"].as_array().unwrap().len(), 14);
    // A client who invites only the men: the tool ranked everyone alike, the people did not.
    for id in &men {
        let a = server.call(
            "POST",
            &format!("/api/v1/tasks/{tid}/invitations"),
            Some(&client),
            Some(&json!({"worker": id})),
        );
        assert_eq!(a.status, 204, "{}", a.body);
    }
    drop(server);

    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("audit.html");
    let out = store.guild_ok(&["audit", "fairness", "--html", page.to_str().unwrap()]);
    assert!(
        out.contains(
            "14 profiles; 12 declared, 1 withdrew their declaration (erased), 1 never declared"
        ),
        "{out}"
    );
    let invited = out.split("invited (pool: those shown)").nth(1).expect(&out);
    let invited = invited.split("hired (pool").next().unwrap();
    assert!(invited.contains("sex  [FLAGGED"), "{invited}");
    assert!(invited.contains("female"), "{invited}");
    let shown_stage = out.split("shown in a ranking").nth(1).unwrap();
    let shown_stage = shown_stage.split("scored above the median").next().unwrap();
    assert!(
        !shown_stage.contains("FLAGGED"),
        "the ranking itself treated them alike: {shown_stage}"
    );
    let last = out.lines().last().unwrap();
    assert_eq!(last, "groups=3 min_impact_ratio=0.000 decisions=1", "{out}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<svg") && html.contains("flagged: an impact ratio under 0.8"),
        "{html}"
    );

    // JSON for machines; an empty period says so; bad dates are refused.
    let json_out = store.guild_ok(&["audit", "fairness", "--json"]);
    let body: Value =
        serde_json::from_str(json_out.trim_end().rsplit_once('\n').unwrap().0).unwrap();
    assert_eq!(body["withdrawn"], 1);
    let empty = store.guild_ok(&[
        "audit",
        "fairness",
        "--from",
        "2001-01-01",
        "--to",
        "2001-02-01",
    ]);
    assert!(empty.contains("nothing to audit"), "{empty}");
    assert!(
        empty
            .trim_end()
            .ends_with("groups=0 min_impact_ratio=none decisions=0"),
        "{empty}"
    );
    let bad = store.guild(&["audit", "fairness", "--from", "last tuesday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--from"));
}

/// The single dimensions of one stage of an audit's JSON: dimension → (min impact ratio, flagged).
fn single_dimensions(report: &Value, stage: usize) -> Vec<(String, f64, bool)> {
    report["stages"][stage]["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| !b["dimension"].as_str().unwrap().contains(" × "))
        .map(|b| {
            let flagged = b["groups"].as_array().unwrap().iter().any(|g| {
                g["impact_ratio"].as_f64().is_some_and(|r| r < 0.8)
                    && g["p_adjusted"].as_f64().is_some_and(|p| p < 0.05)
            });
            (
                b["dimension"].as_str().unwrap().to_owned(),
                b["min_impact_ratio"].as_f64().unwrap(),
                flagged,
            )
        })
        .collect()
}

fn audit_json(store: &TestStore, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["audit", "fairness", "--json"];
    args.extend_from_slice(extra);
    let out = store.guild_ok(&args);
    let (body, last) = out.trim_end().rsplit_once('\n').unwrap();
    (serde_json::from_str(body).unwrap(), last.to_owned())
}

fn a_generated_market_audits_near_one_and_a_biased_scorer_is_flagged(backend: Backend) {
    let store = TestStore::new(&backend);
    let generated = store.guild_ok(&[
        "gen",
        "--workers",
        "6000",
        "--tasks",
        "600",
        "--contracts",
        "0",
        "--declarations",
        "0.9",
    ]);
    let declared: usize = generated
        .split("declared: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect(&generated);
    assert!((5200..5600).contains(&declared), "{generated}");
    let ranked = store.guild_ok(&["audit", "rehearse", "--tasks", "600", "-k", "20"]);
    assert!(
        ranked.trim_end().ends_with("rankings=600 demoted=0"),
        "{ranked}"
    );

    // Declarations drawn apart from skills: every single dimension near 1 where it is shown and
    // where it scores above the median, and nothing flagged anywhere (an intersection may fall
    // under four fifths by chance; its p-value says so).
    let (fair, last) = audit_json(&store, &[]);
    assert_eq!(fair["declared"], declared);
    for stage in [0, 1] {
        let dims = single_dimensions(&fair, stage);
        assert_eq!(dims.len(), 4, "{dims:?}");
        for (d, ratio, flagged) in dims {
            assert!(ratio > 0.85 && !flagged, "stage {stage}, {d}: {ratio}");
        }
    }
    for s in fair["stages"].as_array().unwrap() {
        for b in s["breakdowns"].as_array().unwrap() {
            for g in b["groups"].as_array().unwrap() {
                let adverse = g["impact_ratio"].as_f64().is_some_and(|r| r < 0.8)
                    && g["p_adjusted"].as_f64().is_some_and(|p| p < 0.05);
                assert!(!adverse, "{} {}: {g}", s["stage"], b["dimension"]);
            }
        }
    }
    // Nobody was invited or hired in a rehearsal: no ratio, rather than a ratio of 1.
    assert!(
        fair["stages"][2]["breakdowns"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["impact_ratio"].is_null())
    );
    assert!(last.starts_with("groups=14 min_impact_ratio=0."), "{last}");
    assert!(last.ends_with(" decisions=600"), "{last}");

    // Then a deliberately biased scorer, audited over its own period: flagged, at the stage it
    // acted on, for the category it acted against.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let from = jiff::Timestamp::now().to_string();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let biased = store.guild_ok(&[
        "audit",
        "rehearse",
        "--tasks",
        "600",
        "-k",
        "20",
        "--demote",
        "sex=female",
    ]);
    assert!(biased.contains("deliberately biased"), "{biased}");
    let (unfair, last) = audit_json(&store, &["--from", &from]);
    assert!(last.ends_with(" decisions=600"), "{last}");
    let shown = single_dimensions(&unfair, 0);
    let sex = shown.iter().find(|(d, ..)| d == "sex").unwrap();
    assert!(sex.2 && sex.1 < 0.5, "{shown:?}");
    for (d, ratio, flagged) in &shown {
        if d != "sex" {
            assert!(*ratio > 0.85 && !flagged, "{d} moved too: {shown:?}");
        }
    }
    let women = unfair["stages"][0]["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["dimension"] == "sex")
        .unwrap()["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "female")
        .unwrap()
        .clone();
    assert!(women["p_adjusted"].as_f64().unwrap() < 1e-6, "{women}");
    let text = store.guild_ok(&["audit", "fairness", "--from", &from]);
    assert!(text.contains("sex  [FLAGGED"), "{text}");

    // A demotion of what nobody can declare is refused.
    let bad = store.guild(&["audit", "rehearse", "--demote", "sex=unicorn"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unicorn"));
}

fn an_organisations_reviewer_decides_contests_of_its_tasks(backend: Backend) {
    use crate::pages::{Visitor, token};

    let store = TestStore::new(&backend);
    let server = store.serve();
    let client = server.sign_up("client@example.org");
    let rita_pages = Visitor::sign_up(&server.base, "Rita", "rita@example.org");
    let rita = token(&server, "rita@example.org");
    let asa = server.sign_up("asa@example.org");
    let mallory = server.sign_up("mallory@example.org");
    let ann = server.sign_up("ann@example.org");
    // The client's organisation, with a reviewer and an assessor.
    let org = server.call(
        "POST",
        "/api/v1/organisations",
        Some(&client),
        Some(&json!({"slug": "ferro", "name": "Ferro Logistics"})),
    );
    assert_eq!(org.status, 201, "{}", org.body);
    for (email, role) in [
        ("rita@example.org", "reviewer"),
        ("asa@example.org", "assessor"),
    ] {
        let a = server.call(
            "PUT",
            "/api/v1/organisations/ferro/members",
            Some(&client),
            Some(&json!({"email": email, "role": role})),
        );
        assert_eq!(a.status, 204, "{}", a.body);
    }
    let other = server.call(
        "POST",
        "/api/v1/organisations",
        Some(&mallory),
        Some(&json!({"slug": "other", "name": "Other"})),
    );
    assert_eq!(other.status, 201, "{}", other.body);

    let ann_w = server.created(
        "/api/v1/workers",
        &ann,
        &worker("Ann", &[("inventory-control", 2)]),
    )["id"]
        .as_i64()
        .unwrap();
    let tid = server.created("/api/v1/tasks", &client, &task())["id"]
        .as_i64()
        .unwrap();
    server.get_ok_as(&format!("/api/v1/tasks/{tid}/matches"), &client);
    let log = server.get_ok_as(&format!("/api/v1/workers/{ann_w}/decisions"), &ann);
    let decision = log["rankings"][0]["id"].as_i64().unwrap();
    let filed = server.created(
        &format!("/api/v1/workers/{ann_w}/contests"),
        &ann,
        &json!({"decision": decision, "reason": "My level is 4, not 2"}),
    );
    let id = filed["id"].as_i64().unwrap();

    // The contest is in Ferro's queue, not in another organisation's; only its reviewers and
    // admins read the queue.
    let queue = server.get_ok_as("/api/v1/organisations/ferro/contests", &rita);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["id"], id);
    let theirs = server.get_ok_as("/api/v1/organisations/other/contests", &mallory);
    assert_eq!(theirs, json!([]));
    for (who, token) in [("an outsider", &mallory), ("an assessor", &asa)] {
        let a = server.call(
            "GET",
            "/api/v1/organisations/ferro/contests",
            Some(token),
            None,
        );
        assert_eq!(a.status, 403, "{who}: {}", a.body);
    }
    // On the pages too: her organisations list links to the queue, which shows the contest.
    let (_, page) = rita_pages.get("/organisations");
    assert!(
        page.contains("href=\"/organisations/ferro/contests\""),
        "{page}"
    );
    let (status, page) = rita_pages.get("/organisations/ferro/contests");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Ferro Logistics")
            && page.contains("<h2>Ann</h2>")
            && page.contains("My level is 4, not 2")
            && page.contains("action=\"/organisations/ferro/contests/decide\""),
        "{page}"
    );
    let (status, _) = rita_pages.get("/organisations/other/contests");
    assert_eq!(status, 403);
    let decide = |token: &str, org: &str| {
        server.call(
            "POST",
            &format!("/api/v1/organisations/{org}/contests/{id}/decision"),
            Some(token),
            Some(&json!({"outcome": "upheld", "answer": "Your references show level 4"})),
        )
    };
    // Not from another organisation's queue; not by the one who posted the task.
    assert_eq!(decide(&mallory, "other").status, 404);
    let own = decide(&client, "ferro");
    assert_eq!(own.status, 409, "{}", own.body);
    assert!(
        own.body["detail"]
            .as_str()
            .unwrap()
            .contains("another reviewer"),
        "{}",
        own.body
    );
    let d = decide(&rita, "ferro");
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["outcome"], "upheld");
    assert_eq!(decide(&rita, "ferro").status, 404, "decided once");
    assert_eq!(
        server.get_ok_as("/api/v1/organisations/ferro/contests", &rita),
        json!([])
    );
    // Ann reads the decision.
    let mine = server.get_ok_as(&format!("/api/v1/workers/{ann_w}/contests"), &ann);
    assert_eq!(mine[0]["answer"], "Your references show level 4");
}
