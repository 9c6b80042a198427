//! The taxonomy over HTTP and the command line, on the built-in starter taxonomy.

use serde_json::Value;

use crate::harness::{Backend, TestStore, encode};

crate::on_both_backends!(
    an_empty_store_starts_with_the_starter_taxonomy_in_english_and_dutch,
    skills_and_occupations_are_searched_paged_and_shown,
    bad_parameters_are_400_problem_json_naming_the_parameter,
    unknown_ids_and_paths_are_404_problem_json,
    the_openapi_document_describes_the_api,
    the_command_line_searches_and_shows,
);

fn an_empty_store_starts_with_the_starter_taxonomy_in_english_and_dutch(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let health = server.get_ok("/health");
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["store"],
        if matches!(backend, Backend::Sqlite) {
            "sqlite"
        } else {
            "postgres"
        }
    );

    let stats = server.get_ok("/api/v1/taxonomy/stats");
    let guild = &stats["sources"]["guild"];
    assert!(
        (38..=45).contains(&guild["occupations"].as_u64().unwrap()),
        "{stats}"
    );
    assert!(
        (340..=440).contains(&guild["skills"].as_u64().unwrap()),
        "{stats}"
    );
    assert!(guild["labels_by_lang"]["nl"].as_u64().unwrap() > 500);
    assert!(guild["tasks"].as_u64().unwrap() >= 200);

    let welder = server.get_ok("/api/v1/occupations/guild:occupation/welder");
    assert_eq!(welder["title"], "welder");
    assert!(
        welder["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["lang"] == "nl" && l["role"] == "preferred" && l["text"] == "lasser")
    );
    let tasks = welder["tasks"].as_array().unwrap();
    assert!(tasks.len() >= 5);
    for task in tasks {
        assert!(task["physical"].is_boolean());
        assert!(!task["skills"].as_array().unwrap().is_empty());
        assert_eq!(task["ai_exposure"][0]["dataset"], "guild");
    }
    assert!(
        welder["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["relevance"] == "essential" && s["weight"] == 1.0)
    );
    assert_eq!(welder["crosswalk"][0]["id"], "onet:51-4121.00");

    // A restart does not load the starter set twice.
    drop(server);
    let again = store.serve().get_ok("/api/v1/taxonomy/stats");
    assert_eq!(stats["sources"], again["sources"]);
}

fn skills_and_occupations_are_searched_paged_and_shown(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();

    let found = server.get_ok("/api/v1/occupations?q=welder");
    assert_eq!(found["items"][0]["id"], "guild:occupation/welder");
    let nl = server.get_ok("/api/v1/occupations?q=lasser&lang=nl");
    assert_eq!(nl["items"][0]["id"], "guild:occupation/welder");
    assert_eq!(nl["items"][0]["title"], "lasser");
    assert_eq!(nl["items"][0]["lang"], "nl");
    // Case, accents and word order do not matter; every word must match as a prefix.
    let cnc = server.get_ok("/api/v1/occupations?q=OPERATOR%20cnc");
    assert_eq!(
        cnc["items"][0]["id"],
        "guild:occupation/cnc-machine-operator"
    );

    let skills = server.get_ok("/api/v1/skills?q=forklift&kind=skill");
    let first = &skills["items"][0];
    assert_eq!(first["kind"], "skill");
    assert!(
        first["label"].as_str().unwrap().contains("forklift"),
        "{skills}"
    );
    let id = first["id"].as_str().unwrap();
    let skill = server.get_ok(&format!("/api/v1/skills/{}", encode(id)));
    assert_eq!(skill["id"], id);
    assert!(!skill["broader"].as_array().unwrap().is_empty());
    assert!(skill["occupation_count"].as_u64().unwrap() >= 1);
    let group = skill["broader"][0]["id"].as_str().unwrap();
    let group = server.get_ok(&format!("/api/v1/skills/{}", encode(group)));
    assert!(
        group["narrower"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == id)
    );

    // Paging walks the whole list without repeats.
    let mut seen = Vec::new();
    let mut path = "/api/v1/skills?kind=language&limit=3".to_owned();
    loop {
        let page = server.get_ok(&path);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/skills?kind=language&limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert!(seen.len() >= 4, "{seen:?}");
    let no_match = server.get_ok("/api/v1/skills?q=zzzxqy");
    assert_eq!(no_match["items"], Value::Array(vec![]));
    assert!(no_match.get("next_cursor").is_none());
}

fn bad_parameters_are_400_problem_json_naming_the_parameter(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    for (path, parameter) in [
        ("/api/v1/skills?limit=0", "limit"),
        ("/api/v1/skills?limit=201", "limit"),
        ("/api/v1/skills?limit=ten", "limit"),
        ("/api/v1/skills?kind=talent", "kind"),
        ("/api/v1/skills?source=linkedin", "source"),
        ("/api/v1/skills?cursor=abc", "cursor"),
        ("/api/v1/skills?lang=en%20gb", "lang"),
        ("/api/v1/skills?colour=red", "colour"),
        ("/api/v1/skills?q=a&q=b", "q"),
        ("/api/v1/occupations?limit=-1", "limit"),
        ("/api/v1/occupations?kind=skill", "kind"),
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json", "{path}");
        assert_eq!(answer.body["status"], 400);
        assert_eq!(
            answer.body["parameter"], parameter,
            "{path}: {}",
            answer.body
        );
        assert!(
            answer.body["detail"]
                .as_str()
                .unwrap()
                .starts_with(parameter),
            "{path}: {}",
            answer.body
        );
        assert!(
            answer.body["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:guild:problem:")
        );
    }
}

fn unknown_ids_and_paths_are_404_problem_json(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    for path in [
        "/api/v1/skills/guild:skill/no-such-skill",
        "/api/v1/occupations/onet:99-9999.00",
        "/api/v1/occupations/http://data.europa.eu/esco/occupation/nope",
        "/api/v1/nothing",
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.content_type, "application/problem+json");
        assert!(!answer.body["detail"].as_str().unwrap().is_empty());
    }
    let answer = server.get("/api/v1/skills/guild:skill/no-such-skill");
    assert_eq!(
        answer.body["detail"],
        "skill guild:skill/no-such-skill not found"
    );
}

fn the_openapi_document_describes_the_api(backend: Backend) {
    let store = TestStore::new(&backend);
    let server = store.serve();
    let doc = server.get_ok("/api/openapi.json");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/health",
        "/api/v1/skills",
        "/api/v1/skills/{id}",
        "/api/v1/occupations",
        "/api/v1/occupations/{id}",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"].get("SkillDetail").is_some());
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.as_str().unwrap().contains("/api/openapi.json"));
}

fn the_command_line_searches_and_shows(backend: Backend) {
    let store = TestStore::new(&backend);
    let out = store.guild_ok(&[
        "taxonomy",
        "search",
        "lasser",
        "--occupations",
        "--lang",
        "nl",
    ]);
    assert!(
        out.lines()
            .next()
            .unwrap()
            .starts_with("guild:occupation/welder"),
        "{out}"
    );
    let out = store.guild_ok(&["taxonomy", "show", "guild:occupation/welder"]);
    assert!(out.starts_with("welder (guild)"), "{out}");
    let json: Value = serde_json::from_str(&store.guild_ok(&[
        "taxonomy",
        "show",
        "guild:occupation/welder",
        "--json",
    ]))
    .unwrap();
    assert_eq!(json["id"], "guild:occupation/welder");
    let out = store.guild(&["taxonomy", "show", "guild:skill/nope"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no skill or occupation has the id guild:skill/nope")
    );
    let out = store.guild(&["taxonomy", "search", "weld", "--kind", "talent"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid skill kind \"talent\""));
    let out = store.guild(&["--db", "mysql://x", "taxonomy", "stats"]);
    assert!(!out.status.success());
}
