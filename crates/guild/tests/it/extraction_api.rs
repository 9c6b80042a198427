//! From words to skills over HTTP and the command line, on the built-in starter taxonomy.

use serde_json::{Value, json};

use crate::harness::{Backend, TestStore};

crate::on_both_backends!(
    skills_are_found_in_text_with_spans_and_reasons,
    a_dutch_text_is_read_in_dutch,
    raw_job_titles_become_occupations,
    an_occupation_is_deconstructed_into_its_tasks,
    a_project_description_becomes_tasks_and_team_skills,
    a_plain_description_of_work_becomes_a_profile_draft,
    bad_bodies_are_problem_json,
    the_command_line_reads_text,
);

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn skills_are_found_in_text_with_spans_and_reasons(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let text =
        "Drove a forklift in the warehouse for six years and did the cycle counting every week.";
    let answer = server.post_ok("/api/v1/skills/extract", &json!({ "text": text }));
    assert_eq!(answer["lang"], "en");
    let skills = answer["skills"].as_array().unwrap();
    let forklift = skills
        .iter()
        .find(|s| s["label"].as_str().unwrap().contains("forklift"))
        .unwrap_or_else(|| panic!("{answer}"));
    let span = &forklift["spans"][0];
    let (start, end) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], span["text"].as_str().unwrap());
    assert!(
        span["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("forklift")
    );
    assert!(!forklift["reason"].as_str().unwrap().is_empty());
    assert!(
        skills
            .iter()
            .any(|s| s["label"].as_str().unwrap().contains("cycle count")),
        "{answer}"
    );
    // The same text gives the same ranking every time.
    let again = server.post_ok("/api/v1/skills/extract", &json!({ "text": text }));
    assert_eq!(ids(&answer["skills"]), ids(&again["skills"]));
    let limited = server.post_ok(
        "/api/v1/skills/extract",
        &json!({ "text": text, "limit": 1 }),
    );
    assert_eq!(limited["skills"].as_array().unwrap().len(), 1);
}

fn a_dutch_text_is_read_in_dutch(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let answer = server.post_ok(
        "/api/v1/skills/extract",
        &json!({ "text": "Ik kan heftruck rijden en werkte jaren in het magazijn." }),
    );
    assert_eq!(answer["lang"], "nl", "{answer}");
    assert!(
        answer["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["label"].as_str().unwrap().contains("forklift")),
        "{answer}"
    );
}

fn raw_job_titles_become_occupations(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let answer = server.post_ok(
        "/api/v1/titles/normalize",
        &json!({ "title": "Sr. CNC Machinist - 2nd shift" }),
    );
    let top = ids(&answer["occupations"]);
    assert!(
        top[..2].contains(&"guild:occupation/machinist".to_owned())
            || top[..2].contains(&"guild:occupation/cnc-machine-operator".to_owned()),
        "{answer}"
    );
    let answer = server.post_ok(
        "/api/v1/titles/normalize",
        &json!({ "title": "vrachtwagenchauffeur", "limit": 3 }),
    );
    assert_eq!(
        ids(&answer["occupations"])[0],
        "guild:occupation/heavy-truck-driver",
        "{answer}"
    );
}

fn an_occupation_is_deconstructed_into_its_tasks(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let answer = server.post_ok(
        "/api/v1/deconstruct",
        &json!({ "occupation": "guild:occupation/welder" }),
    );
    assert_eq!(answer["occupation"]["id"], "guild:occupation/welder");
    let tasks = answer["tasks"].as_array().unwrap();
    assert!(tasks.len() >= 5);
    for t in tasks {
        assert!(
            t["task_id"]
                .as_str()
                .unwrap()
                .starts_with("guild:task/welder/")
        );
        assert_eq!(t["ai_exposure_basis"], "imported (guild:estimate)");
        assert!(t["physical"].is_boolean());
        assert!(!t["skills"].as_array().unwrap().is_empty());
    }
    let summary = &answer["summary"];
    assert_eq!(summary["tasks"].as_u64().unwrap() as usize, tasks.len());
    assert_eq!(
        summary["remote_tasks"].as_u64().unwrap() + summary["on_site_tasks"].as_u64().unwrap(),
        tasks.len() as u64
    );
    assert!(summary["on_site_tasks"].as_u64().unwrap() > 0, "{summary}");
    assert!(!summary["human_skills"].as_array().unwrap().is_empty());
    assert!(!answer["team_skills"].as_array().unwrap().is_empty());
}

fn a_project_description_becomes_tasks_and_team_skills(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let text = "We need our warehouse stock data cleaned up and a dashboard.\n\
                - Count the stock in the warehouse and correct the inventory records\n\
                - Clean the stock data in the spreadsheets\n\
                - Build a dashboard that shows stock levels";
    let answer = server.post_ok("/api/v1/deconstruct", &json!({ "text": text }));
    assert!(answer.get("occupation").is_none());
    let tasks = answer["tasks"].as_array().unwrap();
    // Four lines, and the first sentence is two deliverables: the cleaned data and a dashboard
    // (a bullet may split the same way).
    assert!(tasks.len() >= 5, "{answer}");
    assert!(
        tasks.iter().any(|t| t["statement"] == "a dashboard"),
        "{answer}"
    );
    for t in tasks {
        let span = &t["span"];
        let (start, end) = (
            span["start"].as_u64().unwrap() as usize,
            span["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[start..end], t["statement"].as_str().unwrap());
        let basis = t["ai_exposure_basis"].as_str().unwrap();
        assert!(
            basis.starts_with("estimated from") || basis.starts_with("unknown"),
            "{basis}"
        );
    }
    assert!(
        tasks
            .iter()
            .any(|t| !t["similar_tasks"].as_array().unwrap().is_empty()),
        "{answer}"
    );
    assert!(
        tasks.iter().any(|t| t["ai_exposure"].is_number()),
        "{answer}"
    );
    assert!(
        answer["team_skills"].as_array().unwrap().len() >= 2,
        "{answer}"
    );
    assert!(
        answer["summary"]["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} task(s)", tasks.len()))
    );
}

fn a_plain_description_of_work_becomes_a_profile_draft(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let text =
        "Welder\nI did MIG and TIG welding on steel frames and read the engineering drawings.";
    let draft = server.post_ok("/api/v1/profiles/extract", &json!({ "text": text }));
    assert_eq!(draft["lang"], "en");
    let skills = draft["skills"].as_array().unwrap();
    assert!(
        skills
            .iter()
            .any(|s| s["label"].as_str().unwrap().contains("drawings")),
        "{draft}"
    );
    assert!(
        skills
            .iter()
            .all(|s| !s["spans"].as_array().unwrap().is_empty())
    );
    assert_eq!(
        draft["job_titles"][0]["id"], "guild:occupation/welder",
        "{draft}"
    );
    assert!(
        ids(&draft["occupations"]).contains(&"guild:occupation/welder".to_owned()),
        "{draft}"
    );
}

fn bad_bodies_are_problem_json(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    for (path, body, status, needle) in [
        (
            "/api/v1/skills/extract",
            r#"{"text": "   "}"#,
            400,
            "text: is empty",
        ),
        (
            "/api/v1/skills/extract",
            r#"{"text": "x", "limit": 0}"#,
            400,
            "limit",
        ),
        (
            "/api/v1/skills/extract",
            r#"{"text": "x", "lang": "e n"}"#,
            400,
            "lang",
        ),
        (
            "/api/v1/skills/extract",
            r#"{"txt": "welding"}"#,
            400,
            "txt",
        ),
        ("/api/v1/skills/extract", r#"{"text": "#, 400, "EOF"),
        (
            "/api/v1/deconstruct",
            r#"{"text": "x", "occupation": "guild:occupation/welder"}"#,
            400,
            "exactly one",
        ),
        ("/api/v1/deconstruct", r#"{}"#, 400, "exactly one"),
        (
            "/api/v1/deconstruct",
            r#"{"occupation": "onet:00-0000.00"}"#,
            404,
            "not found",
        ),
        ("/api/v1/titles/normalize", r#"{"title": ""}"#, 400, "title"),
        ("/api/v1/profiles/extract", r#"[1, 2]"#, 400, ""),
    ] {
        let answer = server.post(path, body, "application/json");
        assert_eq!(answer.status, status, "{path} {body}: {}", answer.body);
        assert_eq!(
            answer.content_type, "application/problem+json",
            "{path} {body}"
        );
        assert!(
            answer.body["detail"].as_str().unwrap().contains(needle),
            "{path} {body}: {}",
            answer.body
        );
    }
    let answer = server.post(
        "/api/v1/skills/extract",
        "text=welding",
        "application/x-www-form-urlencoded",
    );
    assert_eq!(answer.status, 415);
    assert_eq!(answer.content_type, "application/problem+json");
    // Refused from its declared length, before it is read: the answer is read over a raw
    // socket, as the server may close before the client has written all of it.
    let big = json!({ "text": "welding ".repeat(200_000) }).to_string();
    let answer = crate::hardening::exchange(
        &server,
        &crate::hardening::post_raw(
            "/api/v1/skills/extract",
            "application/json",
            big.len(),
            big.as_bytes(),
        ),
    );
    assert_eq!(answer.status, 413);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    // Binary garbage and mixed scripts are read, not refused, and nothing breaks.
    let garbage: String = (0u32..2000)
        .filter_map(|i| char::from_u32((i * 7919) % 0x2FFFF))
        .collect();
    let answer = server.post_ok("/api/v1/skills/extract", &json!({ "text": garbage }));
    assert!(answer["skills"].is_array());
    let answer = server.post_ok(
        "/api/v1/deconstruct",
        &json!({ "text": "日本語のテキスト and some Ελληνικά with forklift driving" }),
    );
    assert!(answer["tasks"].is_array());
}

fn the_command_line_reads_text(backend: Backend) {
    let store = TestStore::new(&backend);
    let out = store.guild_with_input(&["extract", "-"], "I drove a forklift.");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("forklift"));
    let out = store.guild_ok(&["title", "welder", "--json"]);
    let found: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(found[0]["id"], "guild:occupation/welder");
    let out = store.guild_ok(&["deconstruct", "--occupation", "guild:occupation/welder"]);
    assert!(out.contains("need presence on site"), "{out}");
    let out = store.guild_with_input(
        &["profile", "extract", "-", "--json"],
        "Forklift driver. Cycle counting and stock control.",
    );
    assert!(out.status.success());
    let draft: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!draft["skills"].as_array().unwrap().is_empty());
    let out = store.guild_with_input(&["extract", "-"], "  \n ");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the text is empty"));
    let out = store.guild(&["deconstruct"]);
    assert!(!out.status.success());
}
